// APNG written here, each frame after the first only the rectangle that changed, each with its own
// delay:
// - 8-bit palette with per-entry alpha (PLTE + tRNS): a sticker reduced to one shared palette
//   (posterized for a byte budget, LINE's 300 KB) takes a byte a pixel instead of RGBA's four;
//   ffmpeg's APNG encoder writes RGBA only.
// - RGBA, for a sticker made as drawn: its frames last as long as their drawings (ffmpeg's encoder
//   takes a steady rate, so each drawing was written once a decoded frame: AnimateDiff model01_01's
//   16 drawings made 48 APNG frames, and a LINE sticker fitting its bytes at once could pass 20).
// Pure Node (zlib). Core (no electron).
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../image/png-chunk';
import { alphaBox } from './compose';
import { exactDelaysIn } from '../gif/encode-gif';

/** Frames as palette indices (one byte a pixel, row-major), all `width` x `height`, with one shared RGBA palette. */
export interface IndexedFrames {
  width: number;
  height: number;
  /** At most 256 entries, each [r, g, b, a]. */
  palette: readonly (readonly number[])[];
  frames: readonly Uint8Array[];
  delaysMs: readonly number[];
}

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v));
  return out;
}

/** True-colour frames, straight RGBA (4 bytes a pixel, row-major), all `width` x `height`. */
export interface RgbaFrames {
  width: number;
  height: number;
  frames: readonly Uint8Array[];
  delaysMs: readonly number[];
}

/** The rectangle where `frame` differs from `previous` (the whole frame for the first); a 1x1 one when nothing changed. `bpp`: bytes a pixel. */
export function changedRect(frame: Uint8Array, previous: Uint8Array | null, width: number, height: number, bpp = 1): { x: number; y: number; w: number; h: number } {
  if (!previous) return { x: 0, y: 0, w: width, h: height };
  const changed = new Float32Array(width * height);
  for (let i = 0; i < frame.length; i++) if (frame[i] !== previous[i]) changed[(i / bpp) | 0] = 1;
  const box = alphaBox(changed, width, height);
  return box ? { x: box.x0, y: box.y0, w: box.x1 - box.x0, h: box.y1 - box.y0 } : { x: 0, y: 0, w: 1, h: 1 };
}

/** The PNG Paeth predictor. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The zlib stream of a rectangle's scanlines. Palette rows are led by filter type 0 (none, as PNG
 * advises for palette images); RGBA rows by whichever of None, Sub, Up and Paeth leaves the least
 * (the sum of the filtered bytes as signed values: PNG's advised heuristic, ffmpeg's `-pred mixed`),
 * deflated at level 9 (a sticker's bytes count). `quick` (a file read once, soon): deflate level 1,
 * and RGBA rows all filtered Sub, tried against nothing (the trials took most of a frame's time).
 */
function imageData(frame: Uint8Array, width: number, rect: { x: number; y: number; w: number; h: number }, bpp: number, quick: boolean): Uint8Array {
  const stride = rect.w * bpp;
  const raw = new Uint8Array((stride + 1) * rect.h);
  const row = (r: number): Uint8Array => frame.subarray(((rect.y + r) * width + rect.x) * bpp, ((rect.y + r) * width + rect.x) * bpp + stride);
  const trial = new Uint8Array(stride);
  for (let r = 0; r < rect.h; r++) {
    const cur = row(r);
    const at = r * (stride + 1);
    if (bpp === 1) {
      raw.set(cur, at + 1);
      continue;
    }
    if (quick) {
      raw[at] = 1; // Sub: each byte less the one a pixel before
      for (let i = 0; i < stride; i++) raw[at + 1 + i] = (cur[i] - (i >= bpp ? cur[i - bpp] : 0)) & 255;
      continue;
    }
    const up = r > 0 ? row(r - 1) : null;
    let bestCost = Infinity;
    for (let type = 0; type <= 4; type++) {
      if (type === 3) continue; // Average: rarely the least on flat art; four trials suffice
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? cur[i - bpp] : 0;
        const b = up ? up[i] : 0;
        const c = up && i >= bpp ? up[i - bpp] : 0;
        const v = (cur[i] - (type === 0 ? 0 : type === 1 ? a : type === 2 ? b : paeth(a, b, c))) & 255;
        trial[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        bestCost = cost;
        raw[at] = type;
        raw.set(trial, at + 1);
      }
    }
  }
  return deflateSync(raw, { level: quick ? 1 : 9 });
}

/** Encodes palette frames as an APNG (plays 0: forever). Each frame replaces its rectangle (blend SOURCE, dispose NONE). */
export function encodeIndexedApng(input: IndexedFrames, options: { plays?: number } = {}): Uint8Array {
  const { palette } = input;
  if (palette.length < 1 || palette.length > 256) throw new Error(`a PNG palette holds 1..256 colours, got ${palette.length}`);
  const plte = pngChunk('PLTE', Uint8Array.from(palette.flatMap((c) => [c[0], c[1], c[2]])));
  const trns = pngChunk('tRNS', Uint8Array.from(palette.map((c) => (c.length > 3 ? c[3] : 255))));
  return encodeApngFrames(input, 1, [plte, trns], options);
}

/** Encodes straight RGBA frames as an APNG (plays 0: forever), each with its own delay. Each frame replaces its rectangle. */
export function encodeRgbaApng(input: RgbaFrames, options: { plays?: number } = {}): Uint8Array {
  return encodeApngFrames(input, 4, [], options);
}

/** The APNG of frames of `bpp` bytes a pixel (1: palette, whose PLTE and tRNS are `headerChunks`; 4: RGBA). */
function encodeApngFrames(input: { width: number; height: number; frames: readonly Uint8Array[]; delaysMs: readonly number[] }, bpp: 1 | 4, headerChunks: Uint8Array[], options: { plays?: number }): Uint8Array {
  const { width, height, frames, delaysMs } = input;
  const writer = new ApngWriter({ width, height, bpp, delaysMs: frames.map((_, i) => delaysMs[i] ?? 100), headerChunks, plays: options.plays });
  return Buffer.concat([writer.start(), ...frames.map((frame) => writer.frame(frame)), writer.end()]);
}

/**
 * An APNG written a frame at a time (each frame's bytes as it comes, so a long animation need not
 * be held whole): the number of frames and their delays are known at the start (acTL comes first).
 * Each frame after the first holds only the rectangle that changed (blend SOURCE, dispose NONE).
 */
export class ApngWriter {
  private readonly delays: number[];
  private sequence = 0;
  private index = 0;
  private previous: Uint8Array | null = null;

  constructor(private readonly spec: { width: number; height: number; bpp: 1 | 4; delaysMs: readonly number[]; headerChunks?: readonly Uint8Array[]; plays?: number; quick?: boolean }) {
    if (spec.delaysMs.length === 0) throw new Error('an APNG needs at least one frame');
    // Delays rounded on the running total, so the frames add up to the length asked (six 666.67-ms
    // frames make 4000 ms, not 4002: LINE's 4-s limit).
    this.delays = exactDelaysIn(spec.delaysMs, 1);
  }

  /** The signature, IHDR, acTL and the header chunks (a palette's PLTE and tRNS). */
  start(): Uint8Array {
    const { width, height, bpp } = this.spec;
    const ihdr = new Uint8Array(13);
    new DataView(ihdr.buffer).setUint32(0, width);
    new DataView(ihdr.buffer).setUint32(4, height);
    ihdr.set([8, bpp === 1 ? 3 : 6, 0, 0, 0], 8); // 8 bits, colour type 3 (palette) or 6 (RGBA), deflate, filter method 0, no interlace
    return Buffer.concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), pngChunk('IHDR', ihdr), pngChunk('acTL', u32s(this.delays.length, this.spec.plays ?? 0)), ...(this.spec.headerChunks ?? [])]);
  }

  /** The next frame's fcTL and its data (IDAT for the first, fdAT after). */
  frame(frame: Uint8Array): Uint8Array {
    const { width, height, bpp } = this.spec;
    const i = this.index++;
    if (i >= this.delays.length) throw new Error(`this APNG was started with ${this.delays.length} frames`);
    if (frame.length !== width * height * bpp) throw new Error(`a frame of ${width}x${height} takes ${width * height * bpp} bytes, got ${frame.length}`);
    // A delay over 65.535 s in hundredths (or tenths, or seconds): an animated WebP's frame may last hours.
    const ms = Math.max(1, this.delays[i]);
    const [delay, unitsPerSecond] = ms <= 65535 ? [ms, 1000] : ms <= 655350 ? [Math.round(ms / 10), 100] : ms <= 6553500 ? [Math.round(ms / 100), 10] : [Math.min(65535, Math.round(ms / 1000)), 1];
    const rect = changedRect(frame, this.previous, width, height, bpp);
    const fctl = new Uint8Array(26);
    const view = new DataView(fctl.buffer);
    view.setUint32(0, this.sequence++);
    view.setUint32(4, rect.w);
    view.setUint32(8, rect.h);
    view.setUint32(12, rect.x);
    view.setUint32(16, rect.y);
    view.setUint16(20, delay);
    view.setUint16(22, unitsPerSecond);
    fctl[24] = 0; // dispose NONE: the canvas keeps this frame
    fctl[25] = 0; // blend SOURCE: the rectangle is replaced, alpha included
    const data = imageData(frame, width, rect, bpp, this.spec.quick === true);
    this.previous = frame;
    if (i === 0) return Buffer.concat([pngChunk('fcTL', fctl), pngChunk('IDAT', data)]);
    const fdat = new Uint8Array(4 + data.length);
    new DataView(fdat.buffer).setUint32(0, this.sequence++);
    fdat.set(data, 4);
    return Buffer.concat([pngChunk('fcTL', fctl), pngChunk('fdAT', fdat)]);
  }

  /** IEND, once every frame was written. */
  end(): Uint8Array {
    if (this.index !== this.delays.length) throw new Error(`this APNG was started with ${this.delays.length} frames; ${this.index} were written`);
    return pngChunk('IEND', new Uint8Array(0));
  }
}
