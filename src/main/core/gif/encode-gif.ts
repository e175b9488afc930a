// Animated GIF encoding with gifenc: one global palette from sampled opaque pixels plus a
// reserved transparent index, exact centisecond delays, repeated frames merged, dispose 2,
// endless loop. Core (no electron); gifenc is used only here.
import * as gifencModule from 'gifenc';
import { AppError } from '../../../shared/errors';
import { throwIfAborted } from '../abort';
import type { RunContext } from '../progress';

// gifenc ships CJS (main) and ESM (module) builds: Node's ESM loader exposes the CJS build as a
// default export only, bundlers expose named exports. Take whichever holds the functions.
type Gifenc = typeof gifencModule.default;
const gifencNs = gifencModule as unknown as Partial<Gifenc> & { default?: Gifenc };
const gifenc: Gifenc = gifencNs.quantize ? (gifencNs as Gifenc) : gifencNs.default!;

/** One GIF frame: RGBA whose alpha is already 1-bit (0 transparent, anything else opaque). */
export interface GifFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Options of encodeGif. */
export interface GifOptions {
  /** Opaque colours in the palette, 2..255 (one more index is the transparent one). Default 255. */
  maxColors?: number;
  /** Loop count: 0 forever (default), n > 0 plays n+1 times per the Netscape extension. */
  repeat?: number;
  /** Upper bound on pixels sampled for the palette (default 250k). */
  samplePixels?: number;
}

/** What encodeGif wrote. */
export interface GifResult {
  bytes: Uint8Array;
  /** Frames written after merging repeats. */
  frameCount: number;
  /** Delay of each written frame in ms (multiples of 10). */
  delaysMs: number[];
  paletteSize: number;
}

/**
 * Centisecond delays whose running sum follows the exact timeline: frame i ends at
 * round(sum(delaysMs[0..i]) / 10), so rounding never drifts (a 12 fps clip alternates 80/90 ms).
 */
export function exactDelaysCs(delaysMs: readonly number[]): number[] {
  const out: number[] = [];
  let t = 0;
  let prevCs = 0;
  for (const d of delaysMs) {
    t += d;
    const cs = Math.round(t / 10);
    out.push(Math.max(cs - prevCs, 0));
    prevCs = cs;
  }
  return out;
}

function sampleOpaque(frames: readonly GifFrame[], limit: number): Uint8Array {
  let opaque = 0;
  for (const f of frames) for (let j = 3; j < f.data.length; j += 4) if (f.data[j]) opaque++;
  const step = Math.max(1, Math.ceil(opaque / limit));
  const out = new Uint8Array(Math.ceil(opaque / step) * 4 + 4);
  let k = 0;
  let seen = 0;
  for (const f of frames) {
    const d = f.data;
    for (let j = 0; j < d.length; j += 4) {
      if (!d[j + 3]) continue;
      if (seen++ % step === 0 && k + 4 <= out.length) {
        out[k++] = d[j];
        out[k++] = d[j + 1];
        out[k++] = d[j + 2];
        out[k++] = 255;
      }
    }
  }
  if (k === 0) {
    out.set([0, 0, 0, 255], 0);
    k = 4;
  }
  return out.subarray(0, k);
}

function sameIndices(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Encodes frames (all the same size) with per-frame delays in ms. Identical consecutive frames
 * (after palette mapping) are merged and their delays summed. Every frame is a full frame with
 * dispose 2 (restore to background), so transparent areas never show the previous frame.
 */
export function encodeGif(frames: readonly GifFrame[], delaysMs: readonly number[], options: GifOptions = {}, ctx: RunContext = {}): GifResult {
  if (frames.length === 0) throw new AppError('INVALID_ARGUMENT', 'No frames to encode');
  if (delaysMs.length !== frames.length) throw new AppError('INVALID_ARGUMENT', 'One delay per frame is needed');
  const { width, height } = frames[0];
  const maxColors = Math.min(255, Math.max(2, Math.round(options.maxColors ?? 255)));
  const sample = sampleOpaque(frames, options.samplePixels ?? 250_000);
  const palette = gifenc.quantize(sample, maxColors, { format: 'rgb565' });
  const transparentIndex = palette.length;
  const fullPalette = [...palette.map((c) => [c[0], c[1], c[2]]), [0, 0, 0]];
  const indexed: Uint8Array[] = [];
  const mergedDelays: number[] = [];
  for (let f = 0; f < frames.length; f++) {
    throwIfAborted(ctx.signal);
    const frame = frames[f];
    if (frame.width !== width || frame.height !== height) throw new AppError('INVALID_ARGUMENT', 'All GIF frames must have the same size');
    const index = gifenc.applyPalette(frame.data, palette, 'rgb565');
    const d = frame.data;
    for (let i = 0, j = 3; i < index.length; i++, j += 4) if (!d[j]) index[i] = transparentIndex;
    if (indexed.length > 0 && sameIndices(indexed[indexed.length - 1], index)) {
      mergedDelays[mergedDelays.length - 1] += delaysMs[f];
    } else {
      indexed.push(index);
      mergedDelays.push(delaysMs[f]);
    }
    ctx.onProgress?.({ stage: 'encode', done: f + 1, total: frames.length });
  }
  const cs = exactDelaysCs(mergedDelays);
  const gif = gifenc.GIFEncoder();
  for (let i = 0; i < indexed.length; i++) {
    gif.writeFrame(indexed[i], width, height, {
      palette: i === 0 ? fullPalette : undefined,
      delay: cs[i] * 10,
      transparent: true,
      transparentIndex,
      dispose: 2,
      repeat: options.repeat ?? 0,
    });
  }
  gif.finish();
  return { bytes: gif.bytes(), frameCount: indexed.length, delaysMs: cs.map((c) => c * 10), paletteSize: fullPalette.length };
}

/**
 * Reduces frames to one shared palette of at most `maxColors` RGBA colours (alpha quantised too),
 * as palette indices, in place of a true-colour APNG's millions: a byte a pixel, and deflate
 * compresses flat areas far better. Entry 0 is fully transparent, and so is every pixel that was.
 */
export function indexFrames(frames: readonly Uint8Array[], maxColors: number): { palette: number[][]; indexed: Uint8Array[] } {
  let total = 0;
  for (const f of frames) total += f.length / 4;
  const step = Math.max(1, Math.ceil(total / 250_000));
  const picked = new Uint8Array(Math.ceil(total / step) * 4);
  let k = 0;
  let seen = 0;
  for (const f of frames) {
    for (let j = 0; j < f.length; j += 4) {
      if (f[j + 3] && seen % step === 0 && k + 4 <= picked.length) {
        picked.set(f.subarray(j, j + 4), k);
        k += 4;
      }
      if (f[j + 3]) seen++;
    }
  }
  const colours = gifenc.quantize(k ? picked.subarray(0, k) : Uint8Array.of(0, 0, 0, 255), Math.min(255, Math.max(1, maxColors - 1)), { format: 'rgba4444' });
  const palette = [[0, 0, 0, 0], ...colours.map((c) => [c[0], c[1], c[2], c.length > 3 ? c[3] : 255])];
  const indexed = frames.map((f) => {
    const index = gifenc.applyPalette(f, colours, 'rgba4444');
    const out = new Uint8Array(index.length);
    for (let i = 0, j = 3; i < index.length; i++, j += 4) out[i] = f[j] ? index[i] + 1 : 0;
    return out;
  });
  return { palette, indexed };
}
