// Helpers for animated stickers (tests and the dither bench): every frame of a GIF or APNG as
// ffmpeg decodes it, how far one animation's local colour is from another's, and a GIF edge's level.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';

/** Every frame of an animated file (GIF, APNG, WebP …) `width` x `height` as ffmpeg decodes it, RGBA. */
export function decodeAnimationFrames(bytes: Uint8Array, width: number, height: number): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'cutout-frames-'));
  try {
    const path = join(dir, 'in');
    writeFileSync(path, bytes);
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-fps_mode', 'passthrough', '-'], { maxBuffer: 1 << 28 });
    const page = width * height * 4;
    return Array.from({ length: Math.floor(raw.length / page) }, (_, k) => new Uint8Array(raw.subarray(k * page, (k + 1) * page)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The mean difference (0..255, over RGB) of 4x4 tiles' mean colours between two animations frame
 * by frame, over the tiles opaque in both, and how many tiles that is (`error` NaN when none).
 */
export function tileColourError(want: readonly Uint8Array[], got: readonly Uint8Array[], width: number, height: number): { error: number; tiles: number } {
  let sum = 0;
  let tiles = 0;
  want.forEach((w, k) => {
    const g = got[k];
    for (let ty = 0; ty + 4 <= height; ty += 4) {
      for (let tx = 0; tx + 4 <= width; tx += 4) {
        const sums = [0, 0, 0, 0, 0, 0];
        let opaque = true;
        for (let y = ty; y < ty + 4 && opaque; y++) {
          for (let x = tx; x < tx + 4 && opaque; x++) {
            const j = (y * width + x) * 4;
            if (w[j + 3] < 255 || g[j + 3] < 255) opaque = false;
            for (let c = 0; c < 3; c++) {
              sums[c] += w[j + c];
              sums[3 + c] += g[j + c];
            }
          }
        }
        if (!opaque) continue;
        for (let c = 0; c < 3; c++) sum += Math.abs(sums[c] - sums[3 + c]) / 48;
        tiles++;
      }
    }
  });
  return { error: tiles ? sum / tiles : NaN, tiles };
}

/**
 * The mean RGB level (0..255) of a GIF's opaque pixels beside a clear one, over every frame: its
 * 1-bit edge, where the colour is blended with the matte (the chat background it was made for).
 */
export function gifEdgeLevel(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [w, h] = [view.getUint16(6, true), view.getUint16(8, true)];
  let [sum, n] = [0, 0];
  for (const f of decodeAnimationFrames(bytes, w, h)) {
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const j = (y * w + x) * 4;
        if (f[j + 3] === 0 || (f[j - 4 + 3] && f[j + 4 + 3] && f[j - w * 4 + 3] && f[j + w * 4 + 3])) continue;
        sum += (f[j] + f[j + 1] + f[j + 2]) / 3;
        n++;
      }
    }
  }
  return sum / n;
}
