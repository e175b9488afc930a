// The guided filter and its fast (subsampled) form on a synthetic photo: a textured disc whose true
// alpha is known, and a coarse mask of it as a segmenter would give (a quarter of the resolution).
import { describe, expect, it } from 'vitest';
import { defaultGuidedSubsample, fastGuidedFilterGray, guidedFilterGray, lumaOf, upsampleMaskGuided } from '../../../../src/main/core/matting/guided-filter';
import { resizeFloatBilinear } from '../../../../src/main/core/image/resize';

const W = 240, H = 200;

function scene() {
  const alpha = new Float32Array(W * H);
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const d = Math.hypot(x - 120, y - 100) - (60 + 6 * Math.sin(Math.atan2(y - 100, x - 120) * 7));
      const a = Math.min(1, Math.max(0, 0.5 - d / 2)); // a 2-px soft edge
      alpha[i] = a;
      const fg = 200 + 30 * Math.sin(x / 3), bg = 40 + 20 * Math.sin(y / 5); // bright subject, dark scene
      const v = a * fg + (1 - a) * bg;
      data.set([v, v * 0.9, v * 0.8, 255], i * 4);
    }
  }
  // The segmenter's view: the true alpha area-averaged to a quarter of the size.
  const mw = W / 4, mh = H / 4;
  const mask = new Float32Array(mw * mh);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) mask[((y / 4) | 0) * mw + ((x / 4) | 0)] += alpha[y * W + x] / 16;
  return { image: { data, width: W, height: H }, alpha, mask, mw, mh };
}

const sad = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0);

describe('guided filter', () => {
  const { image, alpha, mask, mw, mh } = scene();
  const up = resizeFloatBilinear(mask, mw, mh, W, H);
  const guide = lumaOf(image);

  it('subsample 1 is the exact filter on the bilinear upsample (tails snapped)', () => {
    const want = guidedFilterGray(guide, up, W, H, 6, 1e-3).map((v) => (v < 0.04 ? 0 : v > 0.96 ? 1 : v));
    expect(upsampleMaskGuided(mask, mw, mh, image, { radiusPx: 6, subsample: 1 })).toEqual(want);
  });

  it('the fast filter (subsample 2) stays close to the exact one, and as close to the true alpha', () => {
    const smallP = resizeFloatBilinear(mask, mw, mh, W / 2, H / 2); // the mask resized to the coarse grid once
    for (const r of [3, 6]) {
      const exact = guidedFilterGray(guide, up, W, H, r, 1e-3);
      const fast = fastGuidedFilterGray(guide, smallP, W, H, r, 1e-3, 2);
      expect(sad(fast, exact) / (W * H)).toBeLessThan(0.005); // mean |difference| per pixel
      expect(sad(fast, alpha)).toBeLessThan(sad(exact, alpha) * 1.05);
      expect(fast).not.toEqual(exact); // it is a different computation
    }
    expect(() => fastGuidedFilterGray(guide, up, W, H, 6, 1e-3, 2)).toThrow(/coarse grid/);
  });

  it('picks the coarser grid from the upsampling factor and keeps outputs in 0..1', () => {
    expect(defaultGuidedSubsample(1000, 1000, 256, 256)).toBe(1);
    expect(defaultGuidedSubsample(1200, 900, 256, 192)).toBe(2);
    expect(defaultGuidedSubsample(4000, 3000, 256, 192)).toBe(4);
    expect(defaultGuidedSubsample(512, 512, 512, 512)).toBe(1);
    const q = upsampleMaskGuided(mask, mw, mh, image, { subsample: defaultGuidedSubsample(W, H, mw, mh) });
    expect(q.length).toBe(W * H);
    expect(Math.min(...q)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...q)).toBeLessThanOrEqual(1);
  });
});
