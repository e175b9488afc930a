// Unit tests of the GIF encoder: exact delays, merged repeats, reserved transparent index; the
// result is decoded back with sharp (libvips' GIF reader).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeGif, exactDelaysCs, type GifFrame } from '../../../../src/main/core/gif/encode-gif';

function frame(w: number, h: number, fill: (x: number, y: number) => [number, number, number, number]): GifFrame {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(fill(x, y), (y * w + x) * 4);
  return { data, width: w, height: h };
}

describe('exactDelaysCs', () => {
  it('keeps the running total exact for 12 fps (83.3 ms a frame)', () => {
    const cs = exactDelaysCs(Array(12).fill(1000 / 12));
    expect(cs.reduce((a, b) => a + b, 0)).toBe(100);
    expect(new Set(cs)).toEqual(new Set([8, 9]));
  });
});

describe('encodeGif', () => {
  it('writes a looping GIF whose transparent pixels decode transparent, merging repeated frames', async () => {
    const w = 24;
    const disc = (cx: number, colour: [number, number, number]) =>
      frame(w, w, (x, y) => ((x - cx) ** 2 + (y - 12) ** 2 < 36 ? [...colour, 255] : [0, 0, 0, 0]));
    const frames = [disc(8, [220, 30, 30]), disc(12, [30, 200, 40]), disc(12, [30, 200, 40]), disc(16, [20, 40, 230])];
    const gif = encodeGif(frames, [100, 100, 100, 100]);
    expect(gif.frameCount).toBe(3);
    expect(gif.delaysMs).toEqual([100, 200, 100]);
    const meta = await sharp(Buffer.from(gif.bytes), { animated: true }).metadata();
    expect(meta.pages).toBe(3);
    expect(meta.delay).toEqual([100, 200, 100]);
    expect(meta.loop).toBe(0);
    const { data } = await sharp(Buffer.from(gif.bytes), { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const page = w * w * 4;
    for (let p = 0; p < 3; p++) {
      expect(data[p * page + 3]).toBe(0); // top-left corner transparent
      expect(data[p * page + (w * w - 1) * 4 + 3]).toBe(0);
    }
    // Centre of frame 2 (the green disc at x=12) is opaque green.
    const c = page + (12 * w + 12) * 4;
    expect(data[c + 3]).toBe(255);
    expect(data[c + 1]).toBeGreaterThan(150);
    expect(data[c]).toBeLessThan(80);
  });
});
