// True-alpha animated outputs: WebP through sharp, APNG through ffmpeg's apng muxer and VP9-alpha
// WebM through libvpx-vp9; frames go to ffmpeg's stdin as raw RGBA (no temp frame files).
// Core (no electron).
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import type { RunContext } from '../progress';
import { exactDelaysIn } from '../gif/encode-gif';
import { DEFAULT_DPI } from '../image/encode';
import { ffmpegFailed, lastLines, resolveFfmpeg, runTool, type FfmpegTools } from '../video/ffmpeg';
import { removeDeadSystemTemps } from '../io/stale-temps';

/** Frames with straight (not premultiplied) RGBA, all the same size. */
export interface AnimatedFrames {
  frames: Uint8Array[];
  width: number;
  height: number;
  /** Delay of each frame in ms. */
  delaysMs: number[];
  /** The steady rate APNG / WebM are written at through ffmpeg: a frame whose delay is n of its steps is written n times (a drawing held as in the clip). */
  fps: number;
  /** The longest the file may play, ms (a preset's: Telegram's 3 s): the steady rate's steps never run past it. */
  maxMs?: number;
}

/** Animated WebP with full alpha (sharp / libwebp); quality 1..100, loop 0 = forever. */
export async function encodeAnimatedWebp(input: AnimatedFrames, options: { quality?: number; loop?: number } = {}): Promise<Uint8Array> {
  const { width, height, frames } = input;
  const tall = Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  const out = await sharp(tall, { raw: { width, height: height * frames.length, channels: 4, pageHeight: height } })
    .webp({ quality: options.quality ?? 80, alphaQuality: 90, effort: 4, loop: options.loop ?? 0, delay: webpDelaysMs(input.delaysMs) })
    .toBuffer();
  return withTransparentCanvas(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
}

/**
 * Sets an animated WebP's canvas background (its ANIM chunk's colour, which libvips writes as opaque
 * white) to transparent, in place: a viewer that honours it showed a sticker in a white box. The
 * colour is a hint the WebP format leaves to players; transparent is what a sticker means.
 */
export function withTransparentCanvas(webp: Uint8Array): Uint8Array {
  // RIFF header (12 bytes), then chunks: fourcc, little-endian size, data padded to even.
  for (let at = 12; at + 8 <= webp.length; ) {
    const fourcc = String.fromCharCode(webp[at], webp[at + 1], webp[at + 2], webp[at + 3]);
    const size = (webp[at + 4] | (webp[at + 5] << 8) | (webp[at + 6] << 16) | (webp[at + 7] << 24)) >>> 0;
    if (fourcc === 'ANIM' && size >= 6) {
      webp.fill(0, at + 8, at + 12);
      break;
    }
    at += 8 + size + (size & 1);
  }
  return webp;
}

/**
 * A WebP's delays, whole milliseconds that keep to the timeline (12 fps: 83, 84, 83 ms; each
 * rounded alone, 18 frames of 83 ms made a 1.5-s sticker 1.494 s, 60 of 17 ms made 1 s 1.02 s).
 * At least 11 ms: browsers play 10 ms or less at 100 ms (a sticker runs at 60 fps at most, 16.7 ms).
 */
export function webpDelaysMs(delaysMs: readonly number[]): number[] {
  return exactDelaysIn(delaysMs, 1).map((d) => Math.max(11, d));
}

/**
 * How many steps of a steady `fps` each delay takes: the running sum kept to the timeline
 * (exactDelaysIn: the whole the nearest number of steps, 6 s of drawings at 23.98 fps 144 steps,
 * 6.005 s), and never longer than `maxMs` where given (the last frame a step shorter where it
 * would be: 3.000 s at 23.98 fps made 72 frames, 3.003 s, past Telegram's 3 s; only the last frame
 * may lose its only step for it, a sliver of under a step). A frame shorter than half a step may
 * take none. Frames of one step each take one.
 */
export function steadyRateSteps(delaysMs: readonly number[], fps: number, maxMs = Infinity): number[] {
  const stepMs = 1000 / fps;
  const steps = exactDelaysIn(delaysMs, stepMs);
  let count = steps.reduce((a, b) => a + b, 0);
  for (let i = steps.length - 1; i >= 0 && count * stepMs > maxMs + 1e-6; i--) {
    while ((steps[i] > 1 || (steps[i] === 1 && i === steps.length - 1 && count > 1)) && count * stepMs > maxMs + 1e-6) {
      steps[i]--;
      count--;
    }
  }
  // At least one frame: a drawing shorter than half a step is still written once.
  if (count === 0 && steps.length > 0) steps[steps.length - 1] = 1;
  return steps;
}

/** The frames as a steady stream at `fps`: each as many times as its delay has steps (steadyRateSteps). */
export function framesAtSteadyRate({ frames, delaysMs, fps, maxMs }: Pick<AnimatedFrames, 'frames' | 'delaysMs' | 'fps' | 'maxMs'>): Uint8Array[] {
  const steps = steadyRateSteps(delaysMs, fps, maxMs);
  return frames.flatMap((f, i) => Array<Uint8Array>(steps[i]).fill(f));
}

async function encodeWithFfmpeg(input: AnimatedFrames, outArgs: string[], ext: string, what: string, ctx: RunContext, tools: FfmpegTools): Promise<Uint8Array> {
  // ffmpeg writes a private temp file; the caller writes the bytes to the real output atomically.
  // Those of a run killed meanwhile (whose ffmpeg may even have finished one) go first.
  await removeDeadSystemTemps();
  const tmpPath = join(tmpdir(), `cutout-sticker-${process.pid}-${randomBytes(6).toString('hex')}.${ext}`);
  const { width, height, frames, fps } = input;
  const stdin = Buffer.concat(framesAtSteadyRate(input).map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0', ...outArgs, tmpPath];
  // -nostdin only stops ffmpeg reading keys; pipe:0 is still read as the input.
  args.splice(args.indexOf('-nostdin'), 1);
  try {
    const out = await runTool(tools.ffmpeg, args, { signal: ctx.signal, stdin });
    // A full temp disk is DISK_FULL whatever ffmpeg's exit: it exited 0 with an empty file, and the
    // sticker was saved as 0 bytes and said made (a batch journalled it done). Over a file-size limit
    // (ulimit -f) the system kills it with SIGXFSZ before it says a word.
    if (/No space left on device|Disk quota exceeded|File too large/i.test(out.stderr) || out.killedBy === 'SIGXFSZ') {
      throw new AppError('DISK_FULL', `The disk of the temporary folder ${dirname(tmpPath)} is full (or over quota): ffmpeg could not write the sticker there while ${what}. Free some space on it (or set TMPDIR to a folder on another disk) and try again.`, {
        detail: { path: tmpPath, errno: 'ENOSPC', stderr: lastLines(out.stderr, 3) },
      });
    }
    if (out.code !== 0) throw ffmpegFailed(what, out);
    const bytes = new Uint8Array(await readFile(tmpPath));
    if (bytes.length === 0) throw ffmpegFailed(`${what}: it wrote an empty file`, out);
    return bytes;
  } finally {
    await rm(tmpPath, { force: true }).catch(() => undefined);
  }
}

/**
 * APNG with full alpha through ffmpeg's apng muxer; plays = 0 loops forever. At 72 dpi: unasked,
 * ffmpeg's PNG encoder writes the frames' unknown aspect as a pHYs of 0:1, which a viewer dividing
 * by it squashes.
 */
export function encodeApng(input: AnimatedFrames, options: { plays?: number } = {}, ctx: RunContext = {}, tools: FfmpegTools = resolveFfmpeg()): Promise<Uint8Array> {
  return encodeWithFfmpeg(input, ['-c:v', 'apng', '-pix_fmt', 'rgba', '-pred', 'mixed', '-dpi', String(DEFAULT_DPI), '-plays', String(options.plays ?? 0), '-f', 'apng'], 'png', 'writing APNG', ctx, tools);
}

/** VP9 WebM with an alpha channel (yuva420p), no audio; crf 4..63 (higher = smaller). */
export function encodeWebmVp9(input: AnimatedFrames, options: { crf?: number } = {}, ctx: RunContext = {}, tools: FfmpegTools = resolveFfmpeg()): Promise<Uint8Array> {
  const crf = Math.min(63, Math.max(4, Math.round(options.crf ?? 32)));
  if (input.width % 2 || input.height % 2) throw new AppError('INVALID_ARGUMENT', 'VP9 WebM needs even frame sizes');
  return encodeWithFfmpeg(
    input,
    ['-an', '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuva420p', '-crf', String(crf), '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1', '-auto-alt-ref', '0', '-f', 'webm'],
    'webm',
    'writing VP9 WebM',
    ctx,
    tools,
  );
}
