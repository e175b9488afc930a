// The APNG writer (core/sticker/apng.ts), palette and RGBA, decoded by ffmpeg's APNG decoder:
// every frame, its soft alpha and the rectangles that only changed, back pixel for pixel.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedRect, encodeIndexedApng, encodeRgbaApng } from '../../src/main/core/sticker/apng';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { tempDir } from '../helpers/env';

describe('palette APNG', () => {
  it('decodes to the frames it was given, alpha and unchanged parts included', () => {
    const W = 37;
    const H = 23;
    // Entry 0 transparent, a soft-alpha red, and opaque greys.
    const palette = [[0, 0, 0, 0], [255, 0, 0, 128], ...Array.from({ length: 30 }, (_, k) => [k * 8, k * 8, k * 8, 255])];
    const frames = Array.from({ length: 5 }, (_, f) => {
      const frame = new Uint8Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) frame[y * W + x] = x < 4 ? 0 : y < 3 ? 1 : 2 + ((x + y) % 30);
      // A small square moves; frame 3 repeats frame 2 exactly.
      const at = Math.min(f, 2) * 6 + 8;
      for (let y = 10; y < 15; y++) for (let x = at; x < at + 5; x++) frame[y * W + x] = 0;
      return frame;
    });
    const bytes = encodeIndexedApng({ width: W, height: H, palette, frames, delaysMs: [100, 100, 250, 100, 100] }, { plays: 3 });
    const file = join(tempDir(), 'indexed.png');
    writeFileSync(file, bytes);
    const buf = Buffer.from(bytes);
    expect(buf.readUInt32BE(buf.indexOf('acTL') + 4)).toBe(5);
    expect(buf.readUInt32BE(buf.indexOf('acTL') + 8)).toBe(3);
    // Each frame's delay, in ms (delay_num / 1000), from its fcTL.
    const delays: number[] = [];
    for (let at = buf.indexOf('fcTL'); at >= 0; at = buf.indexOf('fcTL', at + 4)) delays.push(buf.readUInt16BE(at + 24));
    expect(delays).toEqual([100, 100, 250, 100, 100]);
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
    expect(raw.length).toBe(W * H * 4 * 5);
    frames.forEach((frame, f) => {
      for (let i = 0; i < W * H; i++) {
        const got = [...raw.subarray((f * W * H + i) * 4, (f * W * H + i) * 4 + 4)];
        const want = palette[frame[i]];
        // A fully transparent pixel's colour is not kept by the decoder's RGBA.
        if (want[3] === 0) expect(got[3]).toBe(0);
        else expect(got).toEqual(want);
      }
    });
  });

  it('rounds delays on the running total, so the frames add up to the length asked', () => {
    const frames = Array.from({ length: 6 }, (_, f) => new Uint8Array(4).fill(f % 2));
    const bytes = Buffer.from(encodeIndexedApng({ width: 2, height: 2, palette: [[0, 0, 0, 0], [255, 255, 255, 255]], frames, delaysMs: Array(6).fill(4000 / 6) }));
    const delays: number[] = [];
    for (let at = bytes.indexOf('fcTL'); at >= 0; at = bytes.indexOf('fcTL', at + 4)) delays.push(bytes.readUInt16BE(at + 24));
    expect(delays).toEqual([667, 666, 667, 667, 666, 667]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(4000);
  });

  it('stores only what changed after the first frame', () => {
    const a = new Uint8Array(20 * 10);
    const b = a.slice();
    b[3 * 20 + 5] = 7;
    b[6 * 20 + 9] = 7;
    expect(changedRect(a, null, 20, 10)).toEqual({ x: 0, y: 0, w: 20, h: 10 });
    expect(changedRect(b, a, 20, 10)).toEqual({ x: 5, y: 3, w: 5, h: 4 });
    expect(changedRect(a, a, 20, 10)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
  });
});

describe('RGBA APNG (a sticker made as drawn)', () => {
  it('decodes to the RGBA frames it was given, each with its own delay, soft alpha and unchanged parts included', () => {
    const W = 41;
    const H = 29;
    // A gradient (each row filtered as suits it), soft-alpha edge columns, and a square that moves, then holds.
    const frames = Array.from({ length: 4 }, (_, f) => {
      const frame = new Uint8Array(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const o = (y * W + x) * 4;
          frame.set([(x * 6) & 255, (y * 9) & 255, (x * y) & 255, x < 3 ? 0 : x < 6 ? 40 * x : 255], o);
        }
      }
      const at = Math.min(f, 2) * 7 + 8;
      for (let y = 9; y < 16; y++) for (let x = at; x < at + 6; x++) frame.set([250, 20, 30, 200], (y * W + x) * 4);
      return frame;
    });
    const delaysMs = [100, 1000 / 7.5, 100, 400];
    const file = join(tempDir(), 'rgba.png');
    writeFileSync(file, encodeRgbaApng({ width: W, height: H, frames, delaysMs }, { plays: 0 }));
    const buf = Buffer.from(readFileSync(file));
    expect(buf[buf.indexOf('IHDR') + 4 + 9]).toBe(6);
    expect(buf.readUInt32BE(buf.indexOf('acTL') + 4)).toBe(4);
    const delays: number[] = [];
    for (let at = buf.indexOf('fcTL'); at >= 0; at = buf.indexOf('fcTL', at + 4)) delays.push(buf.readUInt16BE(at + 24));
    expect(delays).toEqual([100, 133, 100, 400]);
    // The last frame repeats the one before: only a pixel's rectangle is stored for it.
    const lastFctl = buf.lastIndexOf('fcTL');
    expect([buf.readUInt32BE(lastFctl + 8), buf.readUInt32BE(lastFctl + 12)]).toEqual([1, 1]);
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
    expect(raw.length).toBe(W * H * 4 * 4);
    frames.forEach((frame, f) => {
      for (let i = 0; i < W * H; i++) {
        const got = [...raw.subarray((f * W * H + i) * 4, (f * W * H + i) * 4 + 4)];
        const want = [...frame.subarray(i * 4, i * 4 + 4)];
        if (want[3] === 0) expect(got[3]).toBe(0);
        else expect(got).toEqual(want);
      }
    });
  });
});
