// Picture backgrounds: parsing --bg, fitting a picture to a cut-out (cover, centred) and
// compositing on it, on pictures made here with sharp.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fitBackground, loadBackgroundPicture, prepareBackground } from '../../../../src/main/core/image/background';
import { compositeOver, parseBackground } from '../../../../src/main/core/image/composite';
import { tempDir } from '../../../helpers/env';

/** A picture of three vertical bands, red | green | blue, each `band` px wide. */
async function bands(band: number, height: number): Promise<Buffer> {
  const w = band * 3;
  const data = Buffer.alloc(w * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < w; x++) data[(y * w + x) * 3 + Math.floor(x / band)] = 255;
  }
  return sharp(data, { raw: { width: w, height, channels: 3 } }).png().toBuffer();
}

describe('picture backgrounds', () => {
  it('parses a picture path, a colour and transparency, and says what a bad value should be', () => {
    expect(parseBackground('scenery/beach.JPG')).toEqual({ kind: 'image', path: join(process.cwd(), 'scenery/beach.JPG') });
    expect(parseBackground('/abs/sky.webp')).toEqual({ kind: 'image', path: '/abs/sky.webp' });
    expect(parseBackground('blue')).toEqual({ kind: 'color', hex: '#438EDB' });
    expect(parseBackground('#abcdef')).toEqual({ kind: 'color', hex: '#ABCDEF' });
    expect(parseBackground('none')).toEqual({ kind: 'transparent' });
    expect(() => parseBackground('notes.txt')).toThrow(/not a background.*picture/);
  });

  it('fits a wide picture to a tall cut-out by its centre, and a tall one to a wide cut-out', async () => {
    const dir = tempDir();
    const wide = join(dir, 'wide.png');
    await sharp(await bands(40, 60)).toFile(wide);
    // 120x60 covering 30x60: scaled 1:1, the middle 30 px of the green band are kept.
    const fitted = await fitBackground(await loadBackgroundPicture(wide), 30, 60);
    expect(fitted.data.length).toBe(30 * 60 * 3);
    for (const x of [0, 15, 29]) expect([...fitted.data.subarray((30 * 30 + x) * 3, (30 * 30 + x) * 3 + 3)]).toEqual([0, 255, 0]);
    // 120x60 covering 240x40: scaled 2x (240x120), rows 40..80 kept; red | green | blue at 80 px each.
    const stretched = await prepareBackground({ kind: 'image', path: wide }, 240, 40);
    if (stretched.kind !== 'pixels') throw new Error('not fitted');
    const px = (x: number) => [...stretched.data.subarray((20 * 240 + x) * 3, (20 * 240 + x) * 3 + 3)];
    expect(px(10)).toEqual([255, 0, 0]);
    expect(px(120)).toEqual([0, 255, 0]);
    expect(px(230)).toEqual([0, 0, 255]);
  });

  it('composites F·a + B·(1−a) on the fitted picture, opaque', async () => {
    const fg = { data: new Uint8Array([200, 100, 50, 255, 200, 100, 50, 255, 200, 100, 50, 255]), width: 3, height: 1 };
    const bg = { kind: 'pixels' as const, data: new Uint8Array([0, 0, 0, 100, 100, 100, 255, 255, 255]), width: 3, height: 1 };
    const out = compositeOver(fg, new Float32Array([1, 0.5, 0]), bg);
    expect([...out.data]).toEqual([200, 100, 50, 255, 150, 100, 75, 255, 255, 255, 255, 255]);
    expect(() => compositeOver(fg, new Float32Array(3), { ...bg, width: 1, height: 3 })).toThrow(/background is 1x3/);
  });

  it('on a transparent background, a pixel written fully transparent keeps no colour of the photo', () => {
    const fg = { data: new Uint8Array([200, 100, 50, 255, 90, 80, 70, 255, 10, 20, 30, 255]), width: 3, height: 1 };
    // 0.001 rounds to alpha 0: nothing of the photo stays under it (a viewer dropping alpha showed the backdrop).
    const out = compositeOver(fg, new Float32Array([1, 0.5, 0.001]), { kind: 'transparent' });
    expect([...out.data]).toEqual([200, 100, 50, 255, 90, 80, 70, 128, 0, 0, 0, 0]);
  });

  it('decodes the same picture once, and a picture saved again anew', async () => {
    const dir = tempDir();
    const path = join(dir, 'beach.png');
    await sharp(await bands(4, 6)).toFile(path);
    const stamp = 1_700_000_000;
    utimesSync(path, stamp, stamp);
    const first = await loadBackgroundPicture(path);
    // The same file garbled in place (inode, size, mtime kept): the second load is the first's.
    writeFileSync(path, Buffer.alloc(statSync(path).size, 7));
    utimesSync(path, stamp, stamp);
    expect(await loadBackgroundPicture(path)).toBe(first);
    // Saved again as another picture (a new mtime): read again.
    await sharp(await bands(2, 3)).toFile(path);
    expect((await loadBackgroundPicture(path)).width).toBe(6);
  });

  it('names the background picture when it is missing or not a picture', async () => {
    const dir = tempDir();
    await expect(loadBackgroundPicture(join(dir, 'gone.jpg'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: expect.stringMatching(/^Background picture: .*gone\.jpg/) });
    const fake = join(dir, 'fake.png');
    writeFileSync(fake, 'not a picture');
    await expect(loadBackgroundPicture(fake)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', message: expect.stringMatching(/^Background picture: /) });
  });
});
