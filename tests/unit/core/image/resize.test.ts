// bilinearTaps: the per-axis sampling table the coarse-grid matting passes share.
import { describe, expect, it } from 'vitest';
import { bilinearTaps, resizeFloatBilinear } from '../../../../src/main/core/image/resize';

describe('bilinearTaps', () => {
  it('aligns pixel centres, clamps at both ends, and samples like resizeFloatBilinear', () => {
    const t = bilinearTaps(6, 3, 2); // 3 cells enlarged twice
    expect([...t.i0]).toEqual([0, 0, 0, 1, 1, 2]);
    expect([...t.i1]).toEqual([1, 1, 1, 2, 2, 2]);
    expect([...t.w]).toEqual([0, 0.25, 0.75, 0.25, 0.75, 0.25]); // past the last centre both taps are cell 2
    const cells = Float32Array.from([0.1, 0.9, 0.4]);
    const sampled = [...t.i0].map((c, i) => cells[c] + (cells[t.i1[i]] - cells[c]) * t.w[i]);
    const resized = resizeFloatBilinear(cells, 3, 1, 6, 1);
    sampled.forEach((v, i) => expect(v).toBeCloseTo(resized[i], 6));
  });

  it('covers a last, partial cell (7 outputs from ceil(7 / 2) = 4 cells)', () => {
    const t = bilinearTaps(7, 4, 2);
    expect(Math.max(...t.i1)).toBe(3);
    expect(t.i0[6]).toBe(2);
    expect(t.w[6]).toBeCloseTo(0.75, 12);
  });
});

describe('resizeFloatBilinear', () => {
  it('makes a part of the result (box) with the values of the whole', () => {
    const src = Float32Array.from({ length: 7 * 5 }, (_, i) => Math.sin(i * 1.7) * 0.5 + 0.5);
    const whole = resizeFloatBilinear(src, 7, 5, 30, 19);
    for (const box of [{ x0: 0, y0: 0, x1: 30, y1: 19 }, { x0: 3, y0: 2, x1: 17, y1: 11 }, { x0: 29, y0: 18, x1: 30, y1: 19 }]) {
      const part = resizeFloatBilinear(src, 7, 5, 30, 19, box);
      const w = box.x1 - box.x0;
      expect(part.length).toBe(w * (box.y1 - box.y0));
      for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) expect(part[(y - box.y0) * w + x - box.x0]).toBe(whole[y * 30 + x]);
    }
  });
});
