// An animated WebP's frames, one at a time, read from its container: each ANMF chunk's picture is
// made a still WebP of its own and decoded by sharp, then composed on the canvas as libwebp's
// animation decoder does (transparent canvas, each frame blended over it or written in place, a
// frame disposed to transparent before the next). sharp decodes an animation's frame n only by
// decoding every frame before it, so reading a long one in parts cost the square of its length
// (page 119 of a 640x360 clip took 194 ms against 16 for page 0); here each frame is decoded once,
// and only the canvas and one frame are held. Core (no electron).
import { open, type FileHandle } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';

/** One composed frame of the animation: the canvas as it shows, straight RGBA, and how long it shows. */
export interface WebpFrame {
  rgba: Uint8Array;
  delayMs: number;
}

interface Chunk {
  fourcc: string;
  /** Where its payload starts in the file, and its length (without the pad byte). */
  at: number;
  size: number;
}

/** VIDEO_CORRUPT, the file's own fault (a batch does not try it again), for an animated WebP that does not read. */
export function damagedWebp(path: string, why: string, cause?: unknown): AppError {
  return new AppError('VIDEO_CORRUPT', `${path} is an animated WebP that cannot be read (${why}): the file is probably cut short or damaged`, { cause, detail: { path, damaged: true } });
}

async function readAt(file: FileHandle, at: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await file.read(bytes, 0, length, at);
  return bytes.subarray(0, bytesRead);
}

/** The chunks of a RIFF container's payload from `start` to `end` (header only; payloads stay in the file). */
async function* chunksOf(file: FileHandle, path: string, start: number, end: number): AsyncGenerator<Chunk> {
  for (let at = start; at + 8 <= end; ) {
    const head = await readAt(file, at, 8);
    if (head.length < 8) throw damagedWebp(path, 'a chunk is cut short');
    const size = head.readUInt32LE(4);
    if (at + 8 + size > end) throw damagedWebp(path, `its ${head.toString('latin1', 0, 4)} chunk runs past the end`);
    yield { fourcc: head.toString('latin1', 0, 4), at: at + 8, size };
    at += 8 + size + (size % 2);
  }
}

function riffChunk(fourcc: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload, payload.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** A still WebP of one frame's chunks (ALPH + VP8, or VP8L), `width` x `height`. */
function stillWebp(chunks: { fourcc: string; payload: Buffer }[], width: number, height: number): Buffer {
  const hasAlph = chunks.some((c) => c.fourcc === 'ALPH');
  const parts: Buffer[] = [];
  if (hasAlph) {
    // The extended header, saying the picture has alpha (an ALPH chunk is read only with it).
    const vp8x = Buffer.alloc(10);
    vp8x[0] = 0x10;
    vp8x.writeUIntLE(width - 1, 4, 3);
    vp8x.writeUIntLE(height - 1, 7, 3);
    parts.push(riffChunk('VP8X', vp8x));
  }
  for (const c of chunks) parts.push(riffChunk(c.fourcc, c.payload));
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...parts]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

/**
 * `src` over `dst`, straight (non-premultiplied) RGBA, in libwebp's integer arithmetic (its
 * animation decoder's BlendPixelNonPremult), so the frames are the ones its decoders give.
 */
function blendOver(dst: Uint8Array, d: number, src: Uint8Array, s: number): void {
  const srcA = src[s + 3];
  if (srcA === 0) return;
  if (srcA === 255) {
    dst.set(src.subarray(s, s + 4), d);
    return;
  }
  const dstFactorA = (dst[d + 3] * (256 - srcA)) >> 8;
  const blendA = srcA + dstFactorA;
  const scale = Math.floor(16777216 / blendA);
  for (let c = 0; c < 3; c++) dst[d + c] = Math.floor(((src[s + c] * srcA + dst[d + c] * dstFactorA) * scale) / 16777216);
  dst[d + 3] = blendA;
}

/**
 * The composed frames of an animated WebP, in order. `delayMs` is the frame's own duration (0 as
 * stored; the caller decides how to play it). VIDEO_CORRUPT for a container that does not read.
 */
export async function* webpFrames(path: string): AsyncGenerator<WebpFrame> {
  const file = await open(path, 'r');
  try {
    const riff = await readAt(file, 0, 12);
    if (riff.length < 12 || riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WEBP') throw damagedWebp(path, 'no RIFF WEBP header');
    const end = Math.min((await file.stat()).size, 8 + riff.readUInt32LE(4));
    let width = 0;
    let height = 0;
    let canvas: Uint8Array | null = null;
    /** The last frame's rectangle, to be cleared before the next one (disposed to the background). */
    let toClear: { x: number; y: number; w: number; h: number } | null = null;
    let count = 0;
    for await (const chunk of chunksOf(file, path, 12, end)) {
      if (chunk.fourcc === 'VP8X') {
        const vp8x = await readAt(file, chunk.at, 10);
        width = vp8x.readUIntLE(4, 3) + 1;
        height = vp8x.readUIntLE(7, 3) + 1;
        canvas = new Uint8Array(width * height * 4);
        continue;
      }
      if (chunk.fourcc !== 'ANMF') continue;
      if (!canvas) throw damagedWebp(path, 'a frame comes before its header');
      const head = await readAt(file, chunk.at, 16);
      if (head.length < 16) throw damagedWebp(path, 'a frame is cut short');
      const x = head.readUIntLE(0, 3) * 2;
      const y = head.readUIntLE(3, 3) * 2;
      const delayMs = head.readUIntLE(12, 3);
      const isDisposed = (head[15] & 0x01) !== 0;
      const isBlended = (head[15] & 0x02) === 0;
      const parts: { fourcc: string; payload: Buffer }[] = [];
      for await (const sub of chunksOf(file, path, chunk.at + 16, chunk.at + chunk.size)) {
        if (sub.fourcc === 'ALPH' || sub.fourcc === 'VP8 ' || sub.fourcc === 'VP8L') parts.push({ fourcc: sub.fourcc, payload: await readAt(file, sub.at, sub.size) });
      }
      // A frame with no picture is no frame (libwebp's demuxer, which the probe counts with, leaves it out).
      if (!parts.some((p) => p.fourcc === 'VP8 ' || p.fourcc === 'VP8L')) continue;
      const picture = await sharp(stillWebp(parts, head.readUIntLE(6, 3) + 1, head.readUIntLE(9, 3) + 1), { limitInputPixels: false })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true })
        .catch((cause: unknown) => {
          throw new AppError('VIDEO_CORRUPT', `Frame ${count + 1} of ${path} cannot be decoded (${(cause as Error)?.message ?? cause}): the file is probably cut short or damaged`, { cause, detail: { path, damaged: true } });
        });
      // Placed at its picture's own size, as libwebp places it (its frame header's may differ).
      const [w, h] = [picture.info.width, picture.info.height];
      if (x + w > width || y + h > height) throw damagedWebp(path, `frame ${count + 1} lies outside its ${width}x${height} canvas`);
      const pixels = picture.data;
      if (toClear) {
        for (let row = toClear.y; row < toClear.y + toClear.h; row++) canvas.fill(0, (row * width + toClear.x) * 4, (row * width + toClear.x + toClear.w) * 4);
      }
      for (let row = 0; row < h; row++) {
        const d0 = ((y + row) * width + x) * 4;
        const s0 = row * w * 4;
        if (!isBlended) {
          canvas.set(pixels.subarray(s0, s0 + w * 4), d0);
          continue;
        }
        for (let col = 0; col < w; col++) blendOver(canvas, d0 + col * 4, pixels, s0 + col * 4);
      }
      toClear = isDisposed ? { x, y, w, h } : null;
      count++;
      // A copy: the canvas goes on changing, and the reader may keep the frame (an APNG's next frame is told from it).
      yield { rgba: canvas.slice(), delayMs };
    }
    if (count === 0) throw damagedWebp(path, 'it holds no frame');
  } finally {
    await file.close();
  }
}
