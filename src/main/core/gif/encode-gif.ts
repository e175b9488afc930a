// Animated GIF encoding with gifenc: one global palette from sampled opaque pixels plus a
// reserved transparent index, each colour mapped to it alike in every frame (dither.ts), exact
// centisecond delays, repeated frames merged, each frame only the rectangle that changed, endless
// loop. Core (no electron); gifenc is used only here.
import * as gifencModule from 'gifenc';
import { AppError } from '../../../shared/errors';
import { throwIfAborted } from '../abort';
import type { RunContext } from '../progress';
import type { DitherMode } from '../../../shared/jobs';
import { PaletteMapper } from './dither';

// gifenc ships CJS (main) and ESM (module) builds: Node's ESM loader exposes the CJS build as a
// default export only, bundlers expose named exports. Take whichever holds the functions.
// Exported for the benches and tests that measure against gifenc's own functions.
type Gifenc = typeof gifencModule.default;
const gifencNs = gifencModule as unknown as Partial<Gifenc> & { default?: Gifenc };
export const gifenc: Gifenc = gifencNs.quantize ? (gifencNs as Gifenc) : gifencNs.default!;

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
  /** Upper bound on pixels sampled for the palette (default PALETTE_SAMPLE). */
  samplePixels?: number;
  /** How colours between the palette's entries are shown (default 'none', the nearest entry; dither.ts). */
  dither?: DitherMode;
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
  return exactDelaysIn(delaysMs, 10);
}

/**
 * Delays in whole `unitMs` (a GIF's 10 ms, a WebP's 1 ms) whose running sum follows the exact
 * timeline: frame i ends at round(sum(delaysMs[0..i]) / unitMs) units, so rounding never drifts.
 */
export function exactDelaysIn(delaysMs: readonly number[], unitMs: number): number[] {
  const out: number[] = [];
  let t = 0;
  let prev = 0;
  for (const d of delaysMs) {
    t += d;
    const end = Math.round(t / unitMs);
    out.push(Math.max(end - prev, 0));
    prev = end;
  }
  return out;
}

/** Pixels of each kind a palette is built from, at most (an even sample of the frames beyond). */
const PALETTE_SAMPLE = 250_000;

/** An even sample of the frames' pixels that `take` keeps (by alpha), RGBA, at most `limit`, and how many it keeps in all. */
function samplePixels(frames: readonly Uint8Array[], take: (a: number) => boolean, limit = PALETTE_SAMPLE): { pixels: Uint8Array; count: number } {
  let count = 0;
  for (const f of frames) for (let j = 3; j < f.length; j += 4) if (take(f[j])) count++;
  const step = Math.max(1, Math.ceil(count / limit));
  const pixels = new Uint8Array(Math.ceil(count / step) * 4);
  let k = 0;
  let seen = 0;
  for (const f of frames) {
    for (let j = 0; j < f.length; j += 4) {
      if (!take(f[j + 3])) continue;
      if (seen++ % step === 0 && k + 4 <= pixels.length) {
        pixels.set(f.subarray(j, j + 4), k);
        k += 4;
      }
    }
  }
  return { pixels: pixels.subarray(0, k), count };
}

function sameIndices(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How one GIF frame is written: its rectangle of the canvas, its pixels there, and what is done with it after it shows. */
export interface GifFramePlan {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Palette indices of the rectangle, row by row; `transparentIndex` keeps what the canvas shows there. */
  pixels: Uint8Array;
  /** 1: left in place for the next frame to draw over; 2: its rectangle cleared to transparent. */
  dispose: 1 | 2;
}

/**
 * How to write indexed frames (palette indices, `transparentIndex` where clear) so that each
 * shows exactly as given, with as few pixels as it can: each frame only the rectangle where it
 * differs from what the canvas shows (clear at the start), whose pixels that already show right
 * are written transparent (kept; long runs LZW packs to almost nothing). A pixel a frame clears
 * cannot be drawn clear over an opaque one: the frame before is then disposed of (2, its
 * rectangle cleared), its rectangle grown to take those pixels, and the next frame draws again
 * what it still shows there. The last frame clears all it shows, so a loop starts from a clear
 * canvas as the first play did. Frames used to be written whole with dispose 2: a 320-px sticker
 * wrote every pixel of every frame, though 5 to 22 % of them change from one to the next (One
 * Piece at 320 px: 1.34 MB then, 1.08 MB now; docs/stickers.md).
 */
export function planGifFrames(indexed: readonly Uint8Array[], width: number, height: number, transparentIndex: number): GifFramePlan[] {
  const n = width * height;
  const canvas = new Uint8Array(n).fill(transparentIndex);
  const plans: GifFramePlan[] = [];
  for (let k = 0; k < indexed.length; k++) {
    const frame = indexed[k];
    const next = indexed[k + 1];
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    let clears = false;
    for (let i = 0; i < n; i++) {
      // Differs from what shows, or shows something the next frame clears (after the last: all it shows).
      const differs = canvas[i] !== frame[i];
      const cleared = frame[i] !== transparentIndex && (next === undefined || next[i] === transparentIndex);
      if (!differs && !cleared) continue;
      if (cleared) clears = true;
      const x = i % width;
      const y = (i - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    // A frame that changes nothing (or a first one with nothing in it) writes one kept pixel.
    if (x1 < 0) [x0, y0, x1, y1] = [0, 0, 0, 0];
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    const pixels = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y0 + y) * width + x0 + x;
        pixels[y * w + x] = canvas[i] === frame[i] ? transparentIndex : frame[i];
        canvas[i] = frame[i];
      }
    }
    const dispose = clears ? 2 : 1;
    if (dispose === 2) for (let y = y0; y <= y1; y++) canvas.fill(transparentIndex, y * width + x0, y * width + x1 + 1);
    plans.push({ x: x0, y: y0, width: w, height: h, pixels, dispose });
  }
  return plans;
}

/**
 * A GIF's palette for these frames (RGB, at most `maxColors`, 2..255): quantised from an even
 * sample (at most `sample` pixels) of their opaque pixels; the transparent index comes after it.
 */
export function gifPalette(frames: readonly GifFrame[], maxColors = 255, sample?: number): number[][] {
  const { pixels } = samplePixels(
    frames.map((f) => f.data),
    (a) => a > 0,
    sample,
  );
  const colours = Math.min(255, Math.max(2, Math.round(maxColors)));
  return gifenc.quantize(pixels.length ? pixels : Uint8Array.of(0, 0, 0, 255), colours, { format: 'rgb565' }).map((c) => [c[0], c[1], c[2]]);
}

/** A GIF frame's palette indices: each kept pixel's colour mapped by `mapper`, each clear one (alpha 0) `transparentIndex` (the entry after the palette). */
export function gifIndices(mapper: PaletteMapper, frame: GifFrame, transparentIndex: number): Uint8Array {
  const index = mapper.apply(frame.data, frame.width);
  const d = frame.data;
  for (let i = 0, j = 3; i < index.length; i++, j += 4) if (!d[j]) index[i] = transparentIndex;
  return index;
}

/**
 * Encodes frames (all the same size) with per-frame delays in ms: one palette (gifPalette), each
 * frame's colours mapped to it alike (`options.dither`: the nearest entry, or ordered). Identical consecutive
 * frames (after palette mapping) are merged and their delays summed. Each frame is only the
 * rectangle that changed (planGifFrames), and transparent areas never show an earlier frame.
 */
export function encodeGif(frames: readonly GifFrame[], delaysMs: readonly number[], options: GifOptions = {}, ctx: RunContext = {}): GifResult {
  if (frames.length === 0) throw new AppError('INVALID_ARGUMENT', 'No frames to encode');
  if (delaysMs.length !== frames.length) throw new AppError('INVALID_ARGUMENT', 'One delay per frame is needed');
  const { width, height } = frames[0];
  const palette = gifPalette(frames, options.maxColors, options.samplePixels);
  const mapper = new PaletteMapper(palette, options.dither);
  const indexed: Uint8Array[] = [];
  for (let f = 0; f < frames.length; f++) {
    throwIfAborted(ctx.signal);
    const frame = frames[f];
    if (frame.width !== width || frame.height !== height) throw new AppError('INVALID_ARGUMENT', 'All GIF frames must have the same size');
    indexed.push(gifIndices(mapper, frame, palette.length));
    ctx.onProgress?.({ stage: 'encode', done: f + 1, total: frames.length });
  }
  return encodeIndexedGif(indexed, palette, width, height, delaysMs, options.repeat);
}

/**
 * Writes frames already mapped to `palette` (its indices; `palette.length` where clear) with
 * per-frame delays in ms. Identical consecutive frames are merged and their delays summed; each
 * frame is only the rectangle that changed (planGifFrames); `repeat` as GifOptions.repeat.
 */
export function encodeIndexedGif(frames: readonly Uint8Array[], palette: readonly (readonly number[])[], width: number, height: number, delaysMs: readonly number[], repeat = 0): GifResult {
  const transparentIndex = palette.length;
  const fullPalette = [...palette.map((c) => [c[0], c[1], c[2]]), [0, 0, 0]];
  const indexed: Uint8Array[] = [];
  const mergedDelays: number[] = [];
  frames.forEach((index, f) => {
    if (indexed.length > 0 && sameIndices(indexed[indexed.length - 1], index)) {
      mergedDelays[mergedDelays.length - 1] += delaysMs[f];
    } else {
      indexed.push(index);
      mergedDelays.push(delaysMs[f]);
    }
  });
  const cs = exactDelaysCs(mergedDelays);
  const gif = gifenc.GIFEncoder();
  planGifFrames(indexed, width, height, transparentIndex).forEach((plan, i) => {
    const at = gif.bytesView().length;
    gif.writeFrame(plan.pixels, plan.width, plan.height, {
      palette: i === 0 ? fullPalette : undefined,
      delay: cs[i] * 10,
      transparent: true,
      transparentIndex,
      dispose: plan.dispose,
      repeat,
    });
    // gifenc places every frame at 0,0, and takes the first one's size for the GIF's: its image
    // descriptor gets the rectangle's place, and the screen the canvas's size.
    const bytes = gif.bytesView();
    if (i === 0) {
      bytes[6] = width & 0xff;
      bytes[7] = width >> 8;
      bytes[8] = height & 0xff;
      bytes[9] = height >> 8;
    }
    placeFrame(bytes, i === 0 ? firstDescriptorAt(bytes) : at + 8, plan.x, plan.y);
  });
  gif.finish();
  return { bytes: gif.bytes(), frameCount: indexed.length, delaysMs: cs.map((c) => c * 10), paletteSize: fullPalette.length };
}

/** Where the first frame's image descriptor starts: after the header and screen (13 bytes), the global colour table, a loop extension and the frame's control extension. */
function firstDescriptorAt(bytes: Uint8Array): number {
  let at = 13 + (bytes[10] & 0x80 ? 3 * 2 ** ((bytes[10] & 7) + 1) : 0);
  if (bytes[at] === 0x21 && bytes[at + 1] === 0xff) at += 19;
  return at + 8;
}

/** Writes a frame's left and top into its image descriptor at `at` (0x2C, then left and top as 16-bit little-endian). */
function placeFrame(bytes: Uint8Array, at: number, x: number, y: number): void {
  if (bytes[at] !== 0x2c) throw new AppError('INTERNAL', `GIF frame descriptor not found at byte ${at}`);
  bytes[at + 1] = x & 0xff;
  bytes[at + 2] = x >> 8;
  bytes[at + 3] = y & 0xff;
  bytes[at + 4] = y >> 8;
}

/** About this many soft entries to an alpha band, in at most SOFT_BANDS bands (chosen with SOFT_SHARE, below). */
const ENTRIES_PER_BAND = 4;
const SOFT_BANDS = 16;

/**
 * The soft edge's share of the entries: this many times its share of the pixels, from an eighth to
 * a third of them. With 4 entries to a band, chosen on sprites of `../shared/train/anime` (every
 * 20th, 4 to a sticker, 255 and 64 colours; `npm run bench -- --only palette`) against quantising
 * all pixels as RGBA together, as it was: the edge's composite on black and white 10.9 off (was
 * 13.7), its alpha 8.2 (was 21.0); opaque colours 4.6 off (was 7.2) and none see-through (8.7 of
 * alpha lost on average).
 */
const SOFT_SHARE = 3;

/** The soft edge's entries (RGB; their alpha is set as pixels are mapped) by bands of alpha. */
interface SoftPalette {
  colours: number[][];
  /** Per alpha 0..255, its band. */
  bandOfAlpha: Uint8Array;
  /** Per band, its first entry in `colours` and how many it has. */
  firstOfBand: number[];
  countOfBand: number[];
}

/**
 * The soft edge's entries: its alphas cut into bands of about equal counts, each band's colours
 * quantised apart (5-6-5 bits) into its share of `entries`.
 */
function softPalette(soft: Uint8Array, entries: number): SoftPalette {
  const histogram = new Float64Array(256);
  for (let j = 3; j < soft.length; j += 4) histogram[soft[j]]++;
  const total = soft.length / 4;
  const bands = Math.max(1, Math.min(SOFT_BANDS, Math.floor(entries / ENTRIES_PER_BAND)));
  const bandOfAlpha = new Uint8Array(256);
  for (let a = 1, seen = 0; a < 255; a++) {
    bandOfAlpha[a] = Math.min(bands - 1, Math.floor((bands * (seen + histogram[a] / 2)) / Math.max(1, total)));
    seen += histogram[a];
  }
  const members = Array.from({ length: bands }, () => [] as number[]);
  for (let j = 0; j < soft.length; j += 4) members[bandOfAlpha[soft[j + 3]]].push(j);
  const colours: number[][] = [];
  const firstOfBand: number[] = [];
  const countOfBand: number[] = [];
  let left = entries;
  for (let b = 0; b < bands; b++) {
    firstOfBand.push(colours.length);
    const n = members[b].length;
    // Its share of the entries, at least one, leaving one for each band still to come.
    const share = b === bands - 1 ? left : Math.max(1, Math.min(left - (bands - 1 - b), Math.round((entries * n) / Math.max(1, total))));
    left -= share;
    if (n === 0 || share < 1) {
      countOfBand.push(0);
      continue;
    }
    const pixels = new Uint8Array(n * 4);
    members[b].forEach((j, k) => pixels.set(soft.subarray(j, j + 4), k * 4));
    const quantised = gifenc.quantize(pixels, share, { format: 'rgb565' });
    colours.push(...quantised.map((c) => [c[0], c[1], c[2]]));
    countOfBand.push(quantised.length);
  }
  // An alpha whose band has no entries (none of the sample's pixels fell in it: a frame's alpha the
  // sample skipped) takes the nearest band that has some.
  for (let a = 1; a < 255; a++) {
    const band = bandOfAlpha[a];
    if (countOfBand[band] > 0) continue;
    for (let step = 1; step < bands; step++) {
      const near = [band - step, band + step].find((b) => b >= 0 && b < bands && countOfBand[b] > 0);
      if (near !== undefined) {
        bandOfAlpha[a] = near;
        break;
      }
    }
  }
  return { colours, bandOfAlpha, firstOfBand, countOfBand };
}

/** The entry of `edge` nearest a soft pixel's colour, among those of its alpha band (every alpha's band has some). */
function nearestSoftEntry(edge: SoftPalette, r: number, g: number, b: number, a: number): number {
  const band = edge.bandOfAlpha[a];
  let best = -1;
  let bestD = Infinity;
  for (let e = edge.firstOfBand[band], end = e + edge.countOfBand[band]; e < end; e++) {
    const c = edge.colours[e];
    const d = (c[0] - r) ** 2 + (c[1] - g) ** 2 + (c[2] - b) ** 2;
    if (d < bestD) {
      bestD = d;
      best = e;
    }
  }
  return best;
}

/**
 * Reduces frames to one shared palette of at most `maxColors` RGBA colours, as palette indices, in
 * place of a true-colour APNG's millions: a byte a pixel, and deflate compresses flat areas far
 * better. Entry 0 is fully transparent, and so is every pixel that was. Opaque pixels get opaque
 * entries (colour at 5-6-5 bits), the soft edge its own (SOFT_SHARE) by bands of alpha, each
 * entry's alpha the mean of the pixels it takes. Quantised together as RGBA, each entry averaged opaque colours with half-transparent
 * edge pixels: the whole sticker came out a little see-through (alpha 240-254) and blotchy.
 * Opaque pixels are mapped as a GIF's are (`dither`, frames `width` wide); the soft edge takes its
 * band's nearest entry.
 */
export function indexFrames(frames: readonly Uint8Array[], width: number, maxColors: number, dither: DitherMode = 'none'): { palette: number[][]; indexed: Uint8Array[] } {
  const opaque = samplePixels(frames, (a) => a === 255);
  const soft = samplePixels(frames, (a) => a > 0 && a < 255);
  const entries = Math.min(255, Math.max(1, maxColors - 1));
  const softShare = soft.count / Math.max(1, soft.count + opaque.count);
  // One entry in all (--colors 2) goes to the opaque pixels; the soft edge is then cut at half.
  const softEntries =
    soft.count === 0 ? 0 : opaque.count === 0 ? entries : entries < 2 ? 0 : Math.max(1, Math.min(Math.round(entries / 3), Math.max(entries >> 3, Math.round(entries * SOFT_SHARE * softShare))));
  const opaqueColours = opaque.count ? gifenc.quantize(opaque.pixels, entries - softEntries, { format: 'rgb565' }) : [];
  const edge = softEntries > 0 ? softPalette(soft.pixels, softEntries) : undefined;
  const softBase = 1 + opaqueColours.length;
  // Each soft entry's alpha: the mean of the pixels it takes, summed as they are mapped.
  const alphaSum = new Float64Array(edge?.colours.length ?? 0);
  const alphaCount = new Float64Array(edge?.colours.length ?? 0);
  const mapper = opaqueColours.length ? new PaletteMapper(opaqueColours, dither) : undefined;
  const indexed = frames.map((f) => {
    const opaqueIndex = mapper?.apply(f, width);
    const out = new Uint8Array(f.length / 4);
    for (let i = 0, j = 0; i < out.length; i++, j += 4) {
      const a = f[j + 3];
      if (a === 0) continue;
      if (a === 255 || !edge) {
        if (a >= 128) out[i] = 1 + opaqueIndex![i];
        continue;
      }
      const e = nearestSoftEntry(edge, f[j], f[j + 1], f[j + 2], a);
      alphaSum[e] += a;
      alphaCount[e]++;
      out[i] = softBase + e;
    }
    return out;
  });
  const softRgba = (edge?.colours ?? []).map((c, e) => [c[0], c[1], c[2], alphaCount[e] ? Math.max(1, Math.min(254, Math.round(alphaSum[e] / alphaCount[e]))) : 128]);
  return { palette: [[0, 0, 0, 0], ...opaqueColours.map((c) => [c[0], c[1], c[2], 255]), ...softRgba], indexed };
}
