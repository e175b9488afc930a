// What the encoders write besides the pixels: a density a program that sizes pictures by it reads
// sensibly (sharp's raw pixels carry 1 px/mm, which a PNG said as 25.4 dpi: a 600 px cut-out 60 cm
// wide), the asked one where one is asked (an ID photo's spec).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DPI, encodeGrayPng, encodeImage, extensionText, formatFromPath } from '../../../../src/main/core/image/encode';
import { encodeApng } from '../../../../src/main/core/sticker/encode-animated';

/** The pHYs chunk of a PNG: pixels per unit on x and y, and the unit (1: the metre); null without one. */
function pngPhys(png: Uint8Array): { x: number; y: number; unit: number } | null {
  const view = Buffer.from(png);
  for (let at = 8; at + 8 <= view.length; ) {
    const length = view.readUInt32BE(at);
    if (view.toString('latin1', at + 4, at + 8) === 'pHYs') return { x: view.readUInt32BE(at + 8), y: view.readUInt32BE(at + 12), unit: view[at + 16] };
    at += 12 + length;
  }
  return null;
}

const image = { data: new Uint8Array(40 * 30 * 4).fill(200), width: 40, height: 30 };
const at72 = { x: Math.round(DEFAULT_DPI / 0.0254), y: Math.round(DEFAULT_DPI / 0.0254), unit: 1 };

describe('encoded densities', () => {
  it('a cut-out, a mask and a label map are 72 dpi; an asked density is kept', async () => {
    expect(pngPhys(await encodeImage(image, { format: 'png' }))).toEqual(at72);
    expect(pngPhys(await encodeGrayPng(new Uint8Array(40 * 30), 40, 30))).toEqual(at72);
    expect((await sharp(await encodeImage(image, { format: 'jpeg' })).metadata()).density).toBe(72);
    expect((await sharp(await encodeImage(image, { format: 'png', dpi: 300 })).metadata()).density).toBe(300);
    expect((await sharp(await encodeImage(image, { format: 'jpeg', dpi: 350 })).metadata()).density).toBe(350);
    // No colour profile or EXIF comes with it.
    const meta = await sharp(await encodeImage(image, { format: 'png' })).metadata();
    expect([meta.icc, meta.exif]).toEqual([undefined, undefined]);
  });

  it("an APNG made through ffmpeg is 72 dpi, not the 0:1 aspect its encoder writes unasked", async () => {
    const frame = new Uint8Array(16 * 16 * 4).fill(128);
    const apng = await encodeApng({ frames: [frame, frame.map((v) => 255 - v)], width: 16, height: 16, delaysMs: [100, 100], fps: 10 });
    const phys = pngPhys(apng);
    expect(phys?.unit).toBe(1);
    expect(Math.abs(phys!.x - at72.x)).toBeLessThanOrEqual(1);
    expect(phys!.y).toBe(phys!.x);
  });
});

describe('an output name the encoders do not take', () => {
  it('is named with its extension, quoted when a space is in it', () => {
    expect(() => formatFromPath('/o/x.bmp')).toThrow('Cannot write .bmp images; use .png, .jpg or .webp');
    expect(() => formatFromPath('/o/x.png ')).toThrow('Cannot write ".png " (the name ends in a space) images');
    expect([extensionText('/o/x'), extensionText('/o/x.p g'), extensionText('/o/x.PNG')]).toEqual(['a file without an extension', '".p g"', '.PNG']);
  });
});
