// The guided filter and its fast (subsampled) form on a synthetic photo: a textured disc whose true
// alpha is known, and a coarse mask of it as a segmenter would give (a quarter of the resolution).
import { describe, expect, it } from 'vitest';
import { defaultGuidedRadius, defaultGuidedSubsample, fastGuidedFilterGray, guidedFilterGray, lumaOf, planFilterRuns, saturatedBelow, upsampleMaskGuided } from '../../../../src/main/core/matting/guided-filter';
import { seededRandom } from '../../../helpers/random';
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

  it('runs the exact filter only where the snap leaves something to keep, with the whole filter\'s outputs', () => {
    // A photo-sized scene on a textured backdrop, its mask as a segmenter gives it: a quarter of the
    // size, within 1e-3 of 0 or 1 away from the edge.
    const w = 600, h = 400, mw = 150, mh = 100;
    const rand = seededRandom(11);
    const inside = (x: number, y: number): number => Math.min(1, Math.max(0, 0.5 - (Math.hypot((x - 300) / 1.3, y - 260) - 150) / 3));
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const a = inside(i % w, (i / w) | 0);
      const v = a * (180 + 60 * rand()) + (1 - a) * (40 + 50 * rand());
      data.set([v, v, v * 0.9, 255], i * 4);
    }
    const photo = { data, width: w, height: h };
    const soft = new Float32Array(mw * mh);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) soft[((y / 4) | 0) * mw + ((x / 4) | 0)] += inside(x, y) / 16;
    const modelLike = soft.map((v) => (v < 0.02 ? 1e-3 * rand() : v > 0.98 ? 1 - 1e-3 * rand() : v));
    const r = defaultGuidedRadius(w, h, mw, mh);
    const whole = (m: Float32Array, keepFlat: boolean) =>
      guidedFilterGray(lumaOf(photo), resizeFloatBilinear(m, mw, mh, w, h), w, h, r, 1e-3, keepFlat).map((v) => (v < 0.04 ? 0 : v > 0.96 ? 1 : v));
    for (const keepFlat of [false, true]) {
      const runs = planFilterRuns(modelLike, mw, mh, w, h, r, saturatedBelow(0.04, 1e-3, keepFlat), new Float32Array(w * h));
      const filtered = runs.reduce((n, { box }) => n + (box.x1 - box.x0) * (box.y1 - box.y0), 0);
      expect(filtered / (w * h)).toBeLessThan(0.6);
      const got = upsampleMaskGuided(modelLike, mw, mh, photo, { keepFlat });
      const want = whole(modelLike, keepFlat);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst, `keepFlat ${keepFlat}`).toBeLessThan(1e-6); // only running sums begun elsewhere round apart
      expect(got.filter((v) => v > 0 && v < 1).length).toBeGreaterThan(1000); // the edge is soft, not thresholded
    }
    // A mask soft all over has no part to leave out: the whole filter runs, the same floats.
    const hazy = soft.map((v) => 0.3 + 0.4 * v);
    expect(upsampleMaskGuided(hazy, mw, mh, photo)).toEqual(whole(hazy, false));
    // Either way the progress goes up to 1, told as the filter goes (not only at its end).
    for (const m of [modelLike, hazy]) {
      const told: number[] = [];
      upsampleMaskGuided(m, mw, mh, photo, { onStep: (f) => told.push(f) });
      expect(told.length).toBeGreaterThan(3);
      expect(told.every((f, i) => i === 0 || f >= told[i - 1])).toBe(true);
      expect(told.at(-1)).toBe(1);
      expect(told.filter((f) => f > 0 && f < 0.75).length).toBeGreaterThan(1);
    }
  });

  it('saturatedBelow: a mask within it of 0 (or 1) all over filters to 0 (or 1) once snapped, whatever the guide', () => {
    const rand = seededRandom(5);
    const n = 48;
    for (const keepFlat of [false, true]) {
      const e = saturatedBelow(0.04, 1e-3, keepFlat);
      for (const r of [1, 3, 6]) {
        // Guides that make a large: random, and a faint pattern (variance near eps) that follows p.
        const p = Float32Array.from({ length: n * n }, () => (rand() < 0.5 ? 0 : e));
        const guides = [Float32Array.from({ length: n * n }, rand), p.map((v) => 0.5 + (v > 0 ? 0.032 : -0.032)), p.map((v, i) => (v > 0 ? 1 : i % 7 === 0 ? 0.9 : 0))];
        for (const g of guides) {
          const low = guidedFilterGray(g, p, n, n, r, 1e-3, keepFlat);
          const high = guidedFilterGray(g, p.map((v) => 1 - v), n, n, r, 1e-3, keepFlat);
          expect(Math.max(...low)).toBeLessThan(0.04);
          expect(Math.min(...high)).toBeGreaterThan(0.96);
        }
      }
    }
  });
});
