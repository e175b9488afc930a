import { describe, expect, it } from 'vitest';
import { areaAverage, reviewMatte, unsureShare } from '../../../../src/main/core/matting/unsure-share';

/** A w×h matte: 1 inside the disc of radius r around the centre, with `edge` pixels of linear ramp outside it. */
function disc(w: number, h: number, r: number, edge = 0, inner?: { r: number; value: number }): Float32Array {
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x + 0.5 - w / 2, y + 0.5 - h / 2);
      let v = d <= r ? 1 : edge > 0 ? Math.max(0, 1 - (d - r) / edge) : 0;
      if (inner && d <= inner.r) v = inner.value;
      a[y * w + x] = v;
    }
  }
  return a;
}

describe('unsureShare', () => {
  it('is 0 for an empty matte and for a hard-edged subject', () => {
    expect(unsureShare(new Float32Array(200 * 100), 200, 100)).toBe(0);
    expect(unsureShare(disc(300, 300, 100), 300, 300)).toBe(0);
  });

  it('leaves a thin soft edge out (erosion) but counts a broad half-transparent region', () => {
    // A 3-pixel ramp round the disc: unsure cells, but no wider than the erosion.
    expect(unsureShare(disc(300, 300, 100, 3), 300, 300)).toBe(0);
    // The inner disc of radius 50 at 0.5: its area over the subject's, less the eroded rim.
    const share = unsureShare(disc(300, 300, 100, 0, { r: 50, value: 0.5 }), 300, 300);
    const expected = (Math.PI * 48 * 48) / (Math.PI * 100 * 100);
    expect(share).toBeGreaterThan(expected * 0.95);
    expect(share).toBeLessThan(expected * 1.05);
  });

  it('measures on a 320-cell grid whatever the image size, and reads 0..255 mattes with scale 255', () => {
    const small = disc(300, 200, 80, 0, { r: 40, value: 0.5 });
    const big = disc(1200, 800, 320, 0, { r: 160, value: 0.5 });
    expect(unsureShare(big, 1200, 800)).toBeCloseTo(unsureShare(small, 300, 200), 1);
    const bytes = Uint8Array.from(small, (v) => Math.round(v * 255));
    expect(unsureShare(bytes, 300, 200, 255)).toBeCloseTo(unsureShare(small, 300, 200), 6);
  });

  it('area-averages: fine 1-pixel stripes read as half transparent (hair-like detail finer than a cell)', () => {
    const w = 1280;
    const h = 640;
    const stripes = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) stripes[y * w + x] = x % 2;
    const grid = areaAverage(stripes, w, h, 320);
    expect([grid.width, grid.height]).toEqual([320, 160]);
    expect(grid.data.every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    expect(unsureShare(stripes, w, h)).toBeGreaterThan(0.9);
  });

  it('refuses a matte of the wrong length', () => {
    expect(() => unsureShare(new Float32Array(10), 4, 4)).toThrow('unsureShare');
  });
});

describe('reviewMatte', () => {
  const matte = disc(300, 300, 100, 0, { r: 50, value: 0.5 });
  it('flags a share above the model threshold', () => {
    const r = reviewMatte(matte, 300, 300, { output: { decode: 'probability', reviewUnsureShare: 0.08 } });
    expect(r.unsureShare).toBeGreaterThan(0.08);
    expect(r.needsReview).toBe(true);
    expect(reviewMatte(matte, 300, 300, { output: { decode: 'probability', reviewUnsureShare: 0.5 } }).needsReview).toBe(false);
  });

  it('never flags for a model without a calibrated threshold, but still reports the share', () => {
    const r = reviewMatte(matte, 300, 300, { output: { decode: 'probability' } });
    expect(r.needsReview).toBe(false);
    expect(r.unsureShare).toBeGreaterThan(0.08);
  });
});
