// Automatic trimap from a soft mask: band around the 0.5 contour, soft values unknown; reading a
// trimap PNG back.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeTrimapFile, withAutoLabels } from '../../../../src/main/core/trimap/trimap-file';
import { computeTrimap, countTrimap, defaultBandPx } from '../../../../src/main/core/trimap/trimap';
import { resolveFfmpeg } from '../../../../src/main/core/video/ffmpeg';
import { tempDir } from '../../../helpers/env';

function discMask(w: number, h: number, r: number): Float32Array {
  const m = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = Math.hypot(x - w / 2, y - h / 2) < r ? 1 : 0;
  return m;
}

describe('computeTrimap', () => {
  it('puts an unknown band of the requested half-width around the contour', () => {
    const w = 100, h = 100;
    const t = computeTrimap(discMask(w, h, 30), w, h, { bandPx: 4 });
    const row = 50 * w;
    expect(t[row + 50]).toBe(255); // centre
    expect(t[row + 2]).toBe(0); // far outside
    expect(t[row + 20]).toBe(128); // on the contour (x = 50 - 30)
    expect(t[row + 16]).toBe(128); // 4 px outside
    expect(t[row + 14]).toBe(0); // 6 px outside
    expect(t[row + 26]).toBe(255); // 6 px inside
    const c = countTrimap(t);
    // Band area about 2 * band * circumference.
    expect(c.unknown).toBeGreaterThan(2 * 3 * 2 * Math.PI * 30);
    expect(c.unknown).toBeLessThan(2 * 5.5 * 2 * Math.PI * 30);
  });

  it('makes soft mask values unknown even far from the contour', () => {
    const w = 60, h = 60;
    const m = discMask(w, h, 20);
    m[5 * w + 5] = 0.3; // a stray soft pixel in the background
    const t = computeTrimap(m, w, h, { bandPx: 2 });
    expect(t[5 * w + 5]).toBe(128);
    expect(t[5 * w + 6]).toBe(0);
  });

  it('scales the default band with the image size', () => {
    expect(defaultBandPx(1000, 800)).toBe(10);
    expect(defaultBandPx(2000, 3000)).toBe(30);
    expect(defaultBandPx(64, 64)).toBe(3);
  });
});

describe('decodeTrimapFile', () => {
  it('snaps values, hands out its own copy, and reads a rewritten file again', async () => {
    const w = 8, h = 2, dir = tempDir(), path = join(dir, 'touch-up.png');
    const write = async (target: string, v: number[]) => sharp(Buffer.from(v), { raw: { width: w, height: h, channels: 1 } }).png().toFile(target);
    await write(path, [0, 40, 63, 64, 128, 191, 192, 255, ...new Array(8).fill(255)]);
    // A whole-second mtime, which setting it again restores exactly (a fractional one may round).
    const stamp = 1_700_000_000;
    utimesSync(path, stamp, stamp);
    const first = await decodeTrimapFile(path, w, h);
    // Soft values between: 64 is one more grey (unknown), not the touch-up's auto.
    expect(Array.from(first.subarray(0, 8))).toEqual([0, 0, 0, 128, 128, 128, 255, 255]);
    first.fill(7); // the caller's copy: a second read is not changed by it
    expect(Array.from((await decodeTrimapFile(path, w, h)).subarray(0, 4))).toEqual([0, 0, 0, 128]);
    // The second read is the cache's, not a decode: the same file (inode, size, mtime) with its bytes
    // garbled in place still gives the labels, where a decode would fail.
    writeFileSync(path, Buffer.alloc(statSync(path).size, 7));
    utimesSync(path, stamp, stamp);
    expect(Array.from((await decodeTrimapFile(path, w, h)).subarray(0, 8))).toEqual([0, 0, 0, 128, 128, 128, 255, 255]);
    // Saved again as the app saves it (temp file + rename): the new labels are read.
    await write(join(dir, 'next.png'), new Array(16).fill(0));
    await rename(join(dir, 'next.png'), path);
    expect(Array.from(await decodeTrimapFile(path, w, h))).toEqual(new Array(16).fill(0));
    await expect(decodeTrimapFile(path, w + 1, h)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A touch-up as the editor saves it (the four labels alone): 64 is auto.
    const touchUp = join(dir, 'labels.png');
    await write(touchUp, [0, 64, 128, 255, ...new Array(12).fill(64)]);
    expect(Array.from((await decodeTrimapFile(touchUp, w, h)).subarray(0, 4))).toEqual([0, 64, 128, 255]);
    // Painted in Paint and saved as a 24-bit BMP: read as the PNG is.
    const bmp = join(dir, 'painted.bmp');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', path.replace('touch-up.png', 'labels.png'), '-pix_fmt', 'bgr24', bmp]);
    expect(Array.from((await decodeTrimapFile(bmp, w, h)).subarray(0, 4))).toEqual([0, 64, 128, 255]);
  });

  it('a touch-up\'s auto pixels take the automatic trimap; a trimap without any is used as it is', () => {
    const auto = Uint8Array.from([0, 128, 255, 128]);
    expect(Array.from(withAutoLabels(Uint8Array.from([64, 64, 0, 255]), auto))).toEqual([0, 128, 0, 255]);
    const plain = Uint8Array.from([0, 128, 255, 0]);
    expect(withAutoLabels(plain, auto)).toBe(plain);
  });
});
