// Test helpers: where ../shared (models, eval, train) is, and a CoreEnv on the real models.
// Tests read third-party data from ../shared at run time; none of it is committed.
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createCliEnv, createModelStore } from '../../src/main/cli/cli-env';
import type { CoreEnv } from '../../src/main/core/env';
import { analyseFace } from '../../src/main/core/face/analyse-face';
import { decodeImage } from '../../src/main/core/image/decode';
import { linearToSrgb8, SRGB_TO_LINEAR } from '../../src/main/core/image/tone';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';

/** The repository root (from this file's URL: also under tsx, as the bench imports these helpers). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** ../shared beside the checkout (or CUTOUT_SHARED_DIR). */
export const SHARED_DIR = resolve(process.env.CUTOUT_SHARED_DIR ?? join(REPO_ROOT, '..', 'shared'));
/** The folder of the bundled third-party models. */
export const SHARED_MODELS_DIR = process.env.CUTOUT_MODELS_DIR ? resolve(process.env.CUTOUT_MODELS_DIR.split(':')[0]) : join(SHARED_DIR, 'models');
/** The evaluation sets. */
export const EVAL_DIR = join(SHARED_DIR, 'eval');

/** Path of a file inside ../shared/eval; throws a clear message when the data is absent. */
export function evalFile(...parts: string[]): string {
  const p = join(EVAL_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`evaluation file missing: ${p} (tests need ../shared/eval)`);
  return p;
}

/**
 * A portrait too dark for the face brightness check: df_img2 (or `file` of id_portraits) at a
 * quarter (or `factor`) of its sRGB values, a JPEG of quality 90 (as a reviewer's under-exposed
 * photo was). Written to `path` when given.
 */
export async function darkPortrait(path?: string, { file = 'df_img2.jpg', factor = 0.25 }: { file?: string; factor?: number } = {}): Promise<Buffer> {
  const bytes = await sharp(evalFile('id_portraits', 'images', file)).linear(factor, 0).jpeg({ quality: 90 }).toBuffer();
  if (path) writeFileSync(path, bytes);
  return bytes;
}

/** How many pixels of a mask PNG (greyscale) differ from the alpha of a cut-out PNG (RGBA) of the same size: 0 when the mask is its matte. */
export async function maskAlphaDifferences(maskPath: string, cutoutPath: string): Promise<number> {
  const grey = await sharp(maskPath).extractChannel(0).raw().toBuffer();
  const rgba = await sharp(cutoutPath).ensureAlpha().raw().toBuffer();
  if (rgba.length !== grey.length * 4) throw new Error(`${maskPath} and ${cutoutPath} are not the same size`);
  let differ = 0;
  for (let i = 0; i < grey.length; i++) if (grey[i] !== rgba[i * 4 + 3]) differ++;
  return differ;
}

/** A group photo of two faces: the eval portraits hv_test1 (left, `leftWidth` px wide) and df_img1 (right) side by side, 600 px high, on white. */
export async function twoPortraits(format: 'png' | 'jpeg' = 'png'): Promise<{ bytes: Buffer; leftWidth: number }> {
  const [a, b] = await Promise.all(['hv_test1.jpg', 'df_img1.jpg'].map((name) => sharp(evalFile('id_portraits', 'images', name)).resize({ height: 600 }).toBuffer()));
  const wa = (await sharp(a).metadata()).width!;
  const wb = (await sharp(b).metadata()).width!;
  const bytes = await sharp({ create: { width: wa + wb, height: 600, channels: 3, background: '#ffffff' } })
    .composite([
      { input: a, left: 0, top: 0 },
      { input: b, left: wa, top: 0 },
    ])
    .toFormat(format)
    .toBuffer();
  return { bytes, leftWidth: wa };
}

/**
 * Two real anime frames for the "needs a look" tests (docs/quality.md, the unsure share): the
 * Waifu2x hamster, which the anime model is unsure of, and an AnimateDiff girl it cuts out cleanly.
 */
const REVIEW_FRAMES = {
  hamster: { clip: 'w2xgui_gif2_original.gif', atS: '0.4' },
  girl: { clip: 'animatediff_model07_01.gif', atS: '1' },
} as const;

/** Extracts one of REVIEW_FRAMES from its eval clip with the app's ffmpeg into `dir` as NAME.png. */
export function reviewFrame(name: keyof typeof REVIEW_FRAMES, dir: string): string {
  const { clip, atS } = REVIEW_FRAMES[name];
  const out = join(dir, `${name}.png`);
  execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-ss', atS, '-i', evalFile('anime_clips', 'clips', clip), '-frames:v', '1', out]);
  return out;
}

/**
 * df_img2 (a softly lit portrait) with a flash's hot spots: white Gaussian lobes of σ `sigma` eye
 * distances added in linear light (a reflection of the light adds to what the skin reflects),
 * clipped at white, on the forehead's middle (0.45 eye distances above the eyes) and the tip of the
 * nose (WFLW 54), or on the nose alone; a JPEG of quality 92, as a camera would write it. Written
 * to `path` when given.
 */
export async function flashPortrait(path?: string, { sigma = 0.15, spots = 'forehead and nose' }: { sigma?: number; spots?: 'forehead and nose' | 'nose' } = {}): Promise<Buffer> {
  const image = await decodeImage(evalFile('id_portraits', 'images', 'df_img2.jpg'));
  const face = await analyseFace(image, testEnv());
  const [a, b] = face.eyes;
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  const centres = [face.landmarks[54], ...(spots === 'nose' ? [] : [{ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 0.45 * d }])];
  const { data, width, height } = image;
  const out = Buffer.alloc(width * height * 3);
  const twoSigma2 = 2 * (sigma * d) ** 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const lobe = centres.reduce((sum, c) => sum + Math.exp(-((x - c.x) ** 2 + (y - c.y) ** 2) / twoSigma2), 0);
      for (let k = 0; k < 3; k++) out[i * 3 + k] = linearToSrgb8(SRGB_TO_LINEAR[data[i * 4 + k]] + lobe);
    }
  }
  const bytes = await sharp(out, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  if (path) writeFileSync(path, bytes);
  return bytes;
}

/**
 * Frame `index` (0-based, in the order the decoder gives them out: presentation order) of a
 * `person_clips` video, as a JPEG in `dir` (written under another name, then renamed), with its
 * bottom row of pixels carried on `extendPx` further down (the clothes run on): the head-and-shoulders
 * framing of these clips leaves too little room below the chin for an ID photo, and carried-on
 * rows keep the background and the clothes as they were.
 */
export function personClipFrame(clip: string, index: number, dir: string, extendPx = 240): string {
  const out = join(dir, `${clip.replace(/\.\w+$/, '')}-${index}-${extendPx}.jpg`);
  if (existsSync(out)) return out;
  const filter = `select=eq(n\\,${index}),pad=iw:ih+${extendPx}:0:0,fillborders=bottom=${extendPx}:mode=smear`;
  const part = `${out}.part.jpg`;
  execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', '-i', evalFile('person_clips', 'clips', clip), '-vf', filter, '-frames:v', '1', '-q:v', '2', part]);
  renameSync(part, out);
  return out;
}

/**
 * A long H.264 clip of one character standing still (the AnimateDiff girl of REVIEW_FRAMES, scaled
 * to width x height) for the tests of clips longer than one sticker holds: a clip without a
 * subject is refused (NO_SUBJECT), and a still one is segmented once (its frames repeat).
 */
/** A 1-s grey clip with nobody in it (`width` x `height`): a sticker of it has no subject (NO_SUBJECT). */
export function greyClip(out: string, width = 160, height = 120): string {
  execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=gray:s=${width}x${height}:d=1`, '-pix_fmt', 'yuv420p', out]);
  return out;
}

export function longCharacterClip(out: string, options: { durationS: number; width: number; height: number; fps: number }): string {
  const { durationS, width, height, fps } = options;
  const frame = reviewFrame('girl', mkdtempSync(join(tmpdir(), 'cutout-clip-')));
  execFileSync(resolveFfmpeg().ffmpeg, [
    ...['-v', 'error', '-loop', '1', '-i', frame, '-t', String(durationS), '-vf', `fps=${fps},scale=${width}:${height}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out],
  ]);
  return out;
}

/** A clip's holds: the runs of its decoded frames that are one picture (by ffmpeg's checksum of each frame), in frames. */
export function clipHolds(clip: string): number[] {
  const sums = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', clip, '-f', 'framemd5', '-'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1));
  const holds: number[] = [];
  sums.forEach((sum, i) => (i > 0 && sum === sums[i - 1] ? holds[holds.length - 1]++ : holds.push(1)));
  return holds;
}

/** A CoreEnv on the real models (CUTOUT_MODELS_DIR, else ../shared/models), CPU provider. */
export function testEnv(overrides: Partial<CoreEnv> = {}): CoreEnv {
  const env = { ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR, CUTOUT_CACHE_DIR: join(tmpdir(), 'cutout-test-cache') };
  return { ...createCliEnv({ provider: 'cpu' }, env), ...overrides };
}

/** A model store on the real models. */
export function testStore() {
  return createModelStore({ ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR, CUTOUT_CACHE_DIR: join(tmpdir(), 'cutout-test-cache') });
}

/** A fresh temporary folder for one test. */
/** A user model descriptor (`*.model.json`) of a 2-class segmenter read as SINet is (BGR, its means, channel 1), at `size` px. */
export function sinetLikeDescriptor(id: string, file: string, size = 320): Record<string, unknown> {
  return {
    id,
    task: 'person-mask',
    file,
    input: { layout: 'NCHW', width: size, height: size },
    preprocess: { channelOrder: 'BGR', valueScale: 1, mean: [102.890434, 111.25247, 126.91212], std: [62.93292, 62.82138, 66.355705], postScale: 1 / 255 },
    output: { decode: 'probability', channel: 1 },
  };
}

export function tempDir(prefix = 'cutout-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
