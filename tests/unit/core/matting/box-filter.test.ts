import { describe, expect, it } from 'vitest';
import { BoxMeanRows, boxMean } from '../../../../src/main/core/matting/box-filter';
import { seededRandom } from '../../../helpers/random';

/** The normalised box by definition: the mean of the window's pixels that lie inside the image. */
function bruteBoxMean(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) {
          sum += src[yy * width + xx];
          count++;
        }
      }
      out[y * width + x] = sum / count;
    }
  }
  return out;
}

describe('boxMean', () => {
  // Sizes where the window is cut by one border, by both, or never (r from 0 to past the image).
  const cases: [number, number, number][] = [
    [1, 1, 0], [1, 1, 3], [7, 1, 2], [1, 9, 4], [5, 3, 1], [13, 11, 3], [40, 23, 5], [9, 9, 4], [9, 9, 8], [6, 17, 30],
  ];
  it.each(cases)('%i x %i, radius %i: equals the mean over the window inside the image', (width, height, r) => {
    const rand = seededRandom(width * 131 + height * 17 + r);
    const src = Float32Array.from({ length: width * height }, rand);
    const got = boxMean(src, width, height, r);
    const want = bruteBoxMean(src, width, height, r);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });

  it('keeps a constant image constant and writes into the given buffer', () => {
    const src = new Float32Array(30 * 20).fill(0.25);
    const out = new Float32Array(src.length);
    expect(boxMean(src, 30, 20, 4, out)).toBe(out);
    for (const v of out) expect(v).toBeCloseTo(0.25, 6);
  });

  it.each(cases)('%i x %i, radius %i: streamed a row at a time (BoxMeanRows), the same floats for each plane', (width, height, r) => {
    const rand = seededRandom(width * 7 + height * 3 + r);
    const planes = [0, 1].map(() => Float32Array.from({ length: width * height }, rand));
    const asked: number[] = [];
    const stream = new BoxMeanRows(width, height, r, 2, (y) => {
      asked.push(y);
      return planes.map((p) => p.slice(y * width, (y + 1) * width)); // fresh rows: the stream keeps none
    });
    const got = planes.map(() => new Float32Array(width * height));
    for (let y = 0; y < height; y++) stream.next().forEach((row, k) => got[k].set(row, y * width));
    expect(asked).toEqual(Array.from({ length: height }, (_, y) => y)); // each row once, going down
    planes.forEach((p, k) => expect(got[k]).toEqual(boxMean(p, width, height, r)));
    expect(() => stream.next()).toThrow(/past the last row/);
  });
});
