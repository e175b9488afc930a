// A GIF sticker's colours, the nearest entry (the default) or dithered (--dither ordered), against
// the same sticker as a true-colour APNG, on a real clip with the real model: the dither keeps the
// shading's local colour closer at 48 colours, and changes only colours (never the 1-bit edge or
// the timing). That a still colour keeps its entry from frame to frame is tests/unit/core/gif/dither.test.ts's.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareSticker, renderSticker, type StickerOptions } from '../../src/main/core/sticker/make-sticker';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { evalFile, tempDir, testEnv } from '../helpers/env';

/** Every frame of an animated file as ffmpeg decodes it, RGBA. */
function decodeFrames(bytes: Uint8Array, name: string, width: number, height: number): Uint8Array[] {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-fps_mode', 'passthrough', '-'], { maxBuffer: 1 << 28 });
  const page = width * height * 4;
  return Array.from({ length: raw.length / page }, (_, k) => new Uint8Array(raw.subarray(k * page, (k + 1) * page)));
}

/** Mean difference (0..255) of 4x4 tiles' mean colours where every pixel of the tile is opaque in both. */
function tileError(want: Uint8Array, got: Uint8Array, width: number, height: number): { error: number; tiles: number } {
  let sum = 0;
  let tiles = 0;
  for (let ty = 0; ty + 4 <= height; ty += 4) {
    for (let tx = 0; tx + 4 <= width; tx += 4) {
      const sums = [0, 0, 0, 0, 0, 0];
      let opaque = true;
      for (let y = ty; y < ty + 4 && opaque; y++) {
        for (let x = tx; x < tx + 4; x++) {
          const j = (y * width + x) * 4;
          if (want[j + 3] < 255 || got[j + 3] < 255) {
            opaque = false;
            break;
          }
          for (let c = 0; c < 3; c++) {
            sums[c] += want[j + c];
            sums[3 + c] += got[j + c];
          }
        }
      }
      if (!opaque) continue;
      for (let c = 0; c < 3; c++) sum += Math.abs(sums[c] - sums[3 + c]) / 16 / 3;
      tiles++;
    }
  }
  return { error: sum, tiles };
}

describe('a GIF sticker dithered', () => {
  it('keeps the shading closer to the true colours at 48 colours, with the same edge and timing', async () => {
    const options: StickerOptions = { maxSidePx: 240, durationS: 1 };
    const prepared = await prepareSticker(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), options, testEnv());
    const truth = await renderSticker(prepared, { ...options, format: 'apng' });
    const nearest = await renderSticker(prepared, { ...options, format: 'gif', maxColors: 48 });
    const dithered = await renderSticker(prepared, { ...options, format: 'gif', maxColors: 48, dither: 'ordered' });
    const { width, height } = dithered;
    expect([nearest.width, nearest.height, truth.width, truth.height]).toEqual([width, height, width, height]);
    // Colours only: the same frames, delays and 1-bit alpha.
    expect(dithered.delaysMs).toEqual(nearest.delaysMs);
    expect(dithered.frameCount).toBe(nearest.frameCount);
    dithered.alphas.forEach((a, k) => expect(a).toEqual(nearest.alphas[k]));
    const want = decodeFrames(truth.bytes, 'truth.apng', width, height);
    const withNearest = decodeFrames(nearest.bytes, 'nearest.gif', width, height);
    const withDither = decodeFrames(dithered.bytes, 'dithered.gif', width, height);
    expect(want.length).toBe(withDither.length);
    expect(withNearest.length).toBe(withDither.length);
    let nearestError = 0;
    let ditherError = 0;
    let tiles = 0;
    want.forEach((w, k) => {
      const n = tileError(w, withNearest[k], width, height);
      const d = tileError(w, withDither[k], width, height);
      nearestError += n.error;
      ditherError += d.error;
      tiles += d.tiles;
    });
    expect(tiles).toBeGreaterThan(1000);
    // Measured 1.27 against 1.44 (animatediff_model07_01's first second at 240 px).
    expect(ditherError / tiles).toBeLessThan((nearestError / tiles) * 0.93);
  });
});
