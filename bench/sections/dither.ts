// Benchmark: how a GIF shows colours between its palette's entries. The same palette (gifPalette)
// and frames in the same run, mapped four ways: the nearest entry by gifenc's applyPalette (as GIFs
// were made until 3 December) and by the app's mapper ('none', the default), the ordered dither
// (core/gif/dither.ts) at its tuning and at the tolerances it was chosen from, and Floyd–Steinberg
// error diffusion (written here, as a baseline). Every 20th
// `../shared/train/anime` sprite (from the 8th), 4 to a sticker at 256x320, flattened on white with
// a 1-bit alpha as a sticker's GIF frame is, at 255, 64 and 32 colours.
//   - low-pass error: the colours' mean difference (0..255) after a 5x5 binomial blur of both,
//     over pixels with no transparent pixel within 2 px: what a viewer sees of banding;
//   - per-pixel error: the same without the blur;
//   - KB: the GIF's size (encodeIndexedGif, the same writer);
//   - changed: the share of opaque pixels whose entry differs between two frames of the same sprite
//     decoded from JPEG at quality 80 and 85 (codec noise): a still part that crawls;
//   - the time each takes to map the frames (alternating rounds).
// Then 2-s stickers of `../shared/eval/anime_clips` (measured, not tuned on), made at 320 px with
// the nearest entry ('none') and the ordered dither, at 255 and 48 colours and under WeChat's
// 500 KB: their size, and their colours against the same sticker as a true-colour APNG (the mean
// difference of 4x4 tiles' mean colours, over tiles opaque in both; all decoded by ffmpeg).
import sharp from 'sharp';
import { join } from 'node:path';
import { DEFAULT_TUNING, PaletteMapper, type DitherTuning } from '../../src/main/core/gif/dither';
import { encodeIndexedGif, gifenc, gifPalette, type GifFrame } from '../../src/main/core/gif/encode-gif';
import { prepareSticker, renderSticker } from '../../src/main/core/sticker/make-sticker';
import type { DitherMode } from '../../src/shared/jobs';
import { decodeAnimationFrames, tileColourError } from '../../tests/helpers/animation';
import { measureInterleaved, spriteStickers, type BenchRow, type BenchSection } from '../harness';

const W = 256;
const H = 320;

type Mapper = (frame: Uint8Array, palette: number[][]) => Uint8Array;

/** Floyd–Steinberg on a serpentine path, the nearest entry by RGB distance (opaque pixels only). */
function floydSteinberg(frame: Uint8Array, palette: number[][]): Uint8Array {
  const work = Float32Array.from(frame);
  const out = new Uint8Array(W * H);
  const spread = (x: number, y: number, e: number[], weight: number): void => {
    if (x < 0 || x >= W || y >= H) return;
    const j = (y * W + x) * 4;
    if (!frame[j + 3]) return;
    for (let c = 0; c < 3; c++) work[j + c] += e[c] * weight;
  };
  for (let y = 0; y < H; y++) {
    const back = y % 2 === 1;
    for (let k = 0; k < W; k++) {
      const x = back ? W - 1 - k : k;
      const j = (y * W + x) * 4;
      if (!frame[j + 3]) continue;
      const r = Math.min(255, Math.max(0, work[j]));
      const g = Math.min(255, Math.max(0, work[j + 1]));
      const b = Math.min(255, Math.max(0, work[j + 2]));
      let best = 0;
      let bestD = Infinity;
      for (let e = 0; e < palette.length; e++) {
        const d = (palette[e][0] - r) ** 2 + (palette[e][1] - g) ** 2 + (palette[e][2] - b) ** 2;
        if (d < bestD) [best, bestD] = [e, d];
      }
      out[y * W + x] = best;
      const err = [r - palette[best][0], g - palette[best][1], b - palette[best][2]];
      const dx = back ? -1 : 1;
      spread(x + dx, y, err, 7 / 16);
      spread(x - dx, y + 1, err, 3 / 16);
      spread(x, y + 1, err, 5 / 16);
      spread(x + dx, y + 1, err, 1 / 16);
    }
  }
  return out;
}

/** A mapper of the app's (one per palette: what it works out is kept across frames). */
function mapperOf(mode: DitherMode, tuning: DitherTuning = DEFAULT_TUNING): Mapper {
  let seen: number[][] | undefined;
  let mapper: PaletteMapper | undefined;
  return (frame, palette) => {
    if (palette !== seen) [seen, mapper] = [palette, new PaletteMapper(palette, mode, tuning)];
    return mapper!.apply(frame, W);
  };
}

const METHODS: [string, () => Mapper][] = [
  // Its cache kept for one frame, a 5-6-5 cell's first pixel deciding the cell's entry.
  ['nearest entry, gifenc (until 3 Dec)', () => (frame, palette) => gifenc.applyPalette(frame, palette, 'rgb565')],
  ['nearest entry (none)', () => mapperOf('none')],
  [`ordered, tolerance ${DEFAULT_TUNING.tolerance} (--dither ordered)`, () => mapperOf('ordered')],
  ...[8, 12].map((tolerance): [string, () => Mapper] => [`ordered, tolerance ${tolerance}`, () => mapperOf('ordered', { ...DEFAULT_TUNING, tolerance })]),
  ['Floyd–Steinberg (baseline)', () => floydSteinberg],
];

function blur5(src: Float32Array): Float32Array {
  const k = [1, 4, 6, 4, 1].map((v) => v / 16);
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) tmp[y * W + x] = k.reduce((s, w, d) => s + w * src[y * W + Math.min(W - 1, Math.max(0, x + d - 2))], 0);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = k.reduce((s, w, d) => s + w * tmp[Math.min(H - 1, Math.max(0, y + d - 2)) * W + x], 0);
  return out;
}

/** Pixels with no transparent pixel within 2 px (the blur's reach). */
function interiorOf(frame: Uint8Array): Uint8Array {
  const inside = new Uint8Array(W * H);
  for (let y = 2; y < H - 2; y++) {
    for (let x = 2; x < W - 2; x++) {
      let all = true;
      for (let dy = -2; dy <= 2 && all; dy++) for (let dx = -2; dx <= 2; dx++) if (!frame[((y + dy) * W + x + dx) * 4 + 3]) all = false;
      inside[y * W + x] = all ? 1 : 0;
    }
  }
  return inside;
}

/** Summed per-pixel and low-pass errors (over RGB) of an indexed frame against its source, and the pixels counted. */
function errorsOf(frame: Uint8Array, indexed: Uint8Array, palette: number[][], inside: Uint8Array): { pixel: number; lowPass: number; n: number } {
  let pixel = 0;
  let lowPass = 0;
  let n = 0;
  for (let c = 0; c < 3; c++) {
    const want = Float32Array.from({ length: W * H }, (_, i) => frame[i * 4 + c]);
    const got = Float32Array.from({ length: W * H }, (_, i) => palette[indexed[i]]?.[c] ?? 0);
    const bw = blur5(want);
    const bg = blur5(got);
    for (let i = 0; i < W * H; i++) {
      if (!inside[i]) continue;
      pixel += Math.abs(want[i] - got[i]);
      lowPass += Math.abs(bw[i] - bg[i]);
      if (c === 0) n++;
    }
  }
  return { pixel: pixel / 3, lowPass: lowPass / 3, n };
}

/** A sprite as a sticker's GIF frame: on white by its alpha, the alpha cut at half. */
async function gifFrameOf(file: string): Promise<Uint8Array> {
  const rgba = new Uint8Array(await sharp(file).resize(W, H, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).ensureAlpha().raw().toBuffer());
  for (let j = 0; j < rgba.length; j += 4) {
    const a = rgba[j + 3] / 255;
    for (let c = 0; c < 3; c++) rgba[j + c] = Math.round(rgba[j + c] * a + 255 * (1 - a));
    rgba[j + 3] = rgba[j + 3] >= 128 ? 255 : 0;
  }
  return rgba;
}

/** The frame through JPEG at `quality` (its alpha kept): codec noise. */
async function throughJpeg(frame: Uint8Array, quality: number): Promise<Uint8Array> {
  const jpeg = await sharp(Buffer.from(frame), { raw: { width: W, height: H, channels: 4 } }).removeAlpha().jpeg({ quality }).toBuffer();
  const out = new Uint8Array(await sharp(jpeg).ensureAlpha().raw().toBuffer());
  for (let j = 3; j < out.length; j += 4) out[j] = frame[j];
  return out;
}

export const section: BenchSection = {
  id: 'dither',
  title: 'GIF dithering: the nearest entry, the ordered dither and Floyd–Steinberg on the same palettes and frames (errors in 0..255), same run',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const stickers = await Promise.all((await spriteStickers(ctx)).map((paths) => Promise.all(paths.map(gifFrameOf))));
    const groups = stickers.length;
    const insides = stickers.map((frames) => frames.map(interiorOf));
    for (const colours of [255, 64, 32]) {
      const palettes = stickers.map((frames) => gifPalette(frames.map((data): GifFrame => ({ data, width: W, height: H })), colours));
      for (const [label, make] of METHODS) {
        let pixel = 0;
        let lowPass = 0;
        let n = 0;
        let bytes = 0;
        stickers.forEach((frames, g) => {
          const map = make();
          const indexed = frames.map((f) => {
            const index = map(f, palettes[g]);
            for (let i = 0; i < index.length; i++) if (!f[i * 4 + 3]) index[i] = palettes[g].length;
            return index;
          });
          indexed.forEach((index, k) => {
            const e = errorsOf(frames[k], index, palettes[g], insides[g][k]);
            pixel += e.pixel;
            lowPass += e.lowPass;
            n += e.n;
          });
          bytes += encodeIndexedGif(indexed, palettes[g], W, H, [100, 100, 100, 100]).bytes.length;
        });
        rows.push({ name: `${colours} colours, ${label}: low-pass error`, value: lowPass / n, unit: '0..255', note: `per pixel ${(pixel / n).toFixed(2)}; ${(bytes / groups / 1024).toFixed(1)} KB a sticker of 4 (${groups} stickers)` });
      }
    }
    // Time to map all the stickers' frames at 255 colours (a mapper per sticker, as an encode makes
    // one), in alternating rounds.
    const palettes = stickers.map((frames) => gifPalette(frames.map((data): GifFrame => ({ data, width: W, height: H }))));
    const timed = METHODS.filter(([label]) => !label.includes('tolerance 8') && !label.includes('tolerance 12'));
    const timings = await measureInterleaved(
      timed.map(([, make]) => () => stickers.forEach((frames, g) => {
        const map = make();
        for (const f of frames) map(f, palettes[g]);
      })),
      { n: ctx.quick ? 3 : 7, warmup: 1 },
    );
    timed.forEach(([label], k) => rows.push({ name: `255 colours, ${label}: time to map ${stickers.length * 4} frames of ${W}x${H}`, ...timings[k] }));
    // Still parts under codec noise: two JPEG takes of each sprite, 64 colours.
    for (const [label, make] of METHODS) {
      let changed = 0;
      let opaque = 0;
      for (const frames of stickers) {
        const takes = [await Promise.all(frames.map((f) => throughJpeg(f, 80))), await Promise.all(frames.map((f) => throughJpeg(f, 85)))];
        const palette = gifPalette(takes.flat().map((data): GifFrame => ({ data, width: W, height: H })), 64);
        const map = make();
        frames.forEach((f, k) => {
          const a = map(takes[0][k], palette);
          const b = map(takes[1][k], palette);
          for (let i = 0; i < W * H; i++) {
            if (!f[i * 4 + 3]) continue;
            opaque++;
            if (a[i] !== b[i]) changed++;
          }
        });
      }
      rows.push({ name: `64 colours, ${label}: changed between two JPEG takes`, value: (changed / opaque) * 100, unit: '% of opaque pixels' });
    }
    const clips = ctx.quick ? ['animatediff_model07_01.gif'] : ['animatediff_model07_01.gif', 'animatediff_model01_01.gif', 'w2xgui_video2_original_360p.mp4', 'esrgan_onepiece_demo.mp4'];
    for (const clip of clips) {
      const options = { maxSidePx: 320, durationS: 2 };
      const prepared = await prepareSticker(join(ctx.sharedDir, 'eval', 'anime_clips', 'clips', clip), options, ctx.env);
      const truth = await renderSticker(prepared, { ...options, format: 'apng' });
      const want = decodeAnimationFrames(truth.bytes, truth.width, truth.height);
      for (const [setting, extra] of [
        ['255 colours', {}],
        ['48 colours', { maxColors: 48 }],
        ['WeChat', { preset: 'wechat' }],
      ] as const) {
        const made = {} as Record<DitherMode, { kb: number; error: number; note: string }>;
        for (const dither of ['none', 'ordered'] as const) {
          const sticker = await renderSticker(prepared, { ...options, format: 'gif', ...extra, dither });
          // The local colour error against the true-colour APNG, where both are the same size.
          const got = sticker.width === truth.width && sticker.height === truth.height ? decodeAnimationFrames(sticker.bytes, sticker.width, sticker.height) : [];
          made[dither] = { kb: sticker.bytes.length / 1024, error: got.length === want.length ? tileColourError(want, got, truth.width, truth.height).error : NaN, note: `${sticker.width}x${sticker.height}, ${sticker.frameCount} frames, ${sticker.attempts} encode(s)` };
        }
        const name = `${clip.replace(/\.\w+$/, '')}, ${setting}`;
        rows.push({ name: `${name}: ordered / nearest size`, value: made.ordered.kb / made.none.kb, unit: '×', note: `${made.ordered.kb.toFixed(1)} KB (${made.ordered.note}) against ${made.none.kb.toFixed(1)} KB (${made.none.note})` });
        if (!Number.isNaN(made.none.error)) rows.push({ name: `${name}: 4x4 tile colour error, ordered`, value: made.ordered.error, unit: '0..255', note: `nearest entry ${made.none.error.toFixed(2)}` });
      }
    }
    return rows;
  },
};
