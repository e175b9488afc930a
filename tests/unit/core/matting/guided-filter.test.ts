// The guided filter and its fast (subsampled) form on a synthetic photo: a textured disc whose true
// alpha is known, and a coarse mask of it as a segmenter would give (a quarter of the resolution).
import { describe, expect, it } from 'vitest';
import { defaultGuidedSubsample, fastGuidedFilterGray, guidedFilterGray, lumaOf, upsampleMaskGuided } from '../../../../src/main/core/matting/guided-filter';
import { resizeFloatBilinear } from '../../../../src/main/core/image/resize';
import { refineMatte } from '../../../../src/main/core/matting/refine';

const W = 240, H = 200;

function scene(colours: { fg: (x: number, y: number) => number; bg: (x: number, y: number) => number } = { fg: (x) => 200 + 30 * Math.sin(x / 3), bg: (_, y) => 40 + 20 * Math.sin(y / 5) }) {
  const alpha = new Float32Array(W * H);
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const d = Math.hypot(x - 120, y - 100) - (60 + 6 * Math.sin(Math.atan2(y - 100, x - 120) * 7));
      const a = Math.min(1, Math.max(0, 0.5 - d / 2)); // a 2-px soft edge
      alpha[i] = a;
      const fg = colours.fg(x, y), bg = colours.bg(x, y); // by default a bright subject on a dark scene
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

  it('keeps the mask where the picture is flat (keepFlat): no halo round a dark subject on a flat dark background, and the edge of a bright one as before; fast edges do', async () => {
    // Pixels over 0.1 more than 4 px outside the true outline: the plain filter's blur of the mask where the guide gives it nothing to follow.
    const outside = (() => {
      const d = new Uint8Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) d[y * W + x] = Math.hypot(x - 120, y - 100) - (60 + 6 * Math.sin(Math.atan2(y - 100, x - 120) * 7)) > 4 ? 1 : 0;
      return d;
    })();
    const halo = (q: Float32Array): number => q.reduce((n, v, i) => n + (outside[i] && v > 0.1 ? 1 : 0), 0);
    const dark = scene({ fg: (x) => 34 + 6 * Math.sin(x / 3), bg: () => 22 });
    for (const subsample of [1, 2]) {
      const plain = upsampleMaskGuided(dark.mask, dark.mw, dark.mh, dark.image, { radiusPx: 6, subsample });
      const kept = upsampleMaskGuided(dark.mask, dark.mw, dark.mh, dark.image, { radiusPx: 6, subsample, keepFlat: true });
      const raw = resizeFloatBilinear(dark.mask, dark.mw, dark.mh, W, H);
      expect(halo(plain), `subsample ${subsample}`).toBeGreaterThan(halo(raw) + 500);
      expect(halo(kept), `subsample ${subsample}`).toBeLessThanOrEqual(halo(raw) + 50);
      expect(sad(kept, dark.alpha)).toBeLessThan(sad(plain, dark.alpha) * 0.8);
      // Bright on dark: the guide's edge is followed as before, as close to the true alpha.
      const edgePlain = upsampleMaskGuided(mask, mw, mh, image, { radiusPx: 6, subsample });
      const edgeKept = upsampleMaskGuided(mask, mw, mh, image, { radiusPx: 6, subsample, keepFlat: true });
      expect(sad(edgeKept, alpha)).toBeLessThan(sad(edgePlain, alpha) * 1.05);
    }
    // The cut-out's fast edges keep it (its guided filter at its own radius, then the haze rule).
    const fast = await refineMatte({ image: dark.image, mask: dark.mask, maskW: dark.mw, maskH: dark.mh, mode: 'fast', shouldEstimateForeground: false });
    expect(halo(fast.alpha)).toBeLessThanOrEqual(halo(resizeFloatBilinear(dark.mask, dark.mw, dark.mh, W, H)) + 50);
  });
});
