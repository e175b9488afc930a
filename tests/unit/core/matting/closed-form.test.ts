// Closed-form matting, foreground estimation and region re-solve on a 200x200 synthetic image
// with a known soft alpha (a textured foreground over a textured background).
import { describe, expect, it } from 'vitest';
import { solveAlphaInBox } from '../../../../src/main/core/matting/closed-form';
import { estimateForeground } from '../../../../src/main/core/matting/foreground';
import { REFINE_STEPS, refineMatte } from '../../../../src/main/core/matting/refine';
import type { ProgressEvent } from '../../../../src/main/core/progress';
import { resolveRegion } from '../../../../src/main/core/matting/region';
import { computeTrimap } from '../../../../src/main/core/trimap/trimap';
import { stampStroke } from '../../../../src/shared/trimap-brush';

const W = 200, H = 200;

/** Ground truth: a disc with a wavy, 6-px soft edge; F reddish, B blue-green, both textured. */
function makeScene() {
  const alpha = new Float32Array(W * H);
  const fg = new Float32Array(W * H * 3);
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const ang = Math.atan2(y - 100, x - 100);
      const r = 60 + 6 * Math.sin(ang * 9);
      const d = Math.hypot(x - 100, y - 100) - r;
      const a = Math.min(1, Math.max(0, 0.5 - d / 6));
      alpha[i] = a;
      const t = 0.5 + 0.5 * Math.sin(x * 0.3) * Math.cos(y * 0.2);
      const F = [200 + 40 * t, 80 + 30 * t, 60];
      const B = [30, 120 + 60 * Math.sin(y * 0.15), 200 - 50 * t];
      for (let c = 0; c < 3; c++) {
        fg[i * 3 + c] = F[c];
        data[i * 4 + c] = Math.round(a * F[c] + (1 - a) * B[c]);
      }
      data[i * 4 + 3] = 255;
    }
  }
  return { image: { data, width: W, height: H }, alpha, fg };
}

/** A segmenter-like mask: 50x50, the true alpha box-averaged then slightly eroded and blurred. */
function lowResMask(alpha: Float32Array): Float32Array {
  const m = new Float32Array(50 * 50);
  for (let y = 0; y < 50; y++) for (let x = 0; x < 50; x++) {
    let s = 0;
    for (let yy = 0; yy < 4; yy++) for (let xx = 0; xx < 4; xx++) s += alpha[(y * 4 + yy) * W + x * 4 + xx];
    m[y * 50 + x] = Math.min(1, Math.max(0, (s / 16 - 0.15) * 1.2));
  }
  return m;
}

const sad = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0);

function gradError(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let y = 0; y < H - 1; y++) for (let x = 0; x < W - 1; x++) {
    const i = y * W + x;
    e += (a[i + 1] - a[i] - (b[i + 1] - b[i])) ** 2 + (a[i + W] - a[i] - (b[i + W] - b[i])) ** 2;
  }
  return e;
}

describe('closed-form matting', () => {
  const scene = makeScene();
  const mask = lowResMask(scene.alpha);

  it('recovers the soft edge better than the raw mask (SAD and gradient error)', async () => {
    const raw = await refineMatte({ image: scene.image, mask, maskW: 50, maskH: 50, mode: 'off' });
    const full = await refineMatte({ image: scene.image, mask, maskW: 50, maskH: 50, mode: 'full' });
    expect(full.solve!.unknownCount).toBeGreaterThan(1000);
    expect(full.trimap).toBeInstanceOf(Uint8Array);
    const sadRaw = sad(raw.alpha, scene.alpha);
    const sadFull = sad(full.alpha, scene.alpha);
    expect(sadFull).toBeLessThan(sadRaw * 0.6);
    expect(gradError(full.alpha, scene.alpha)).toBeLessThan(gradError(raw.alpha, scene.alpha));
    for (const v of full.alpha) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('with the exact trimap, solves the unknown band to the true alpha', async () => {
    const trimap = computeTrimap(scene.alpha, W, H, { bandPx: 3 });
    const alpha = new Float32Array(W * H).fill(0.5);
    const stats = await solveAlphaInBox(scene.image, trimap, alpha, { x: 0, y: 0, width: W, height: H });
    expect(stats.relativeResidual).toBeLessThan(1e-3);
    let err = 0, n = 0;
    for (let i = 0; i < alpha.length; i++) if (trimap[i] === 128) { err += Math.abs(alpha[i] - scene.alpha[i]); n++; }
    expect(err / n).toBeLessThan(0.06);
  });

  it('estimates foreground colours with no old background left in the soft edge', () => {
    const fgEst = estimateForeground(scene.image, scene.alpha);
    let errEst = 0, errRaw = 0, n = 0;
    for (let i = 0; i < W * H; i++) {
      const a = scene.alpha[i];
      if (a < 0.15 || a > 0.85) continue;
      for (let c = 0; c < 3; c++) {
        errEst += Math.abs(fgEst.data[i * 4 + c] - scene.fg[i * 3 + c]);
        errRaw += Math.abs(scene.image.data[i * 4 + c] - scene.fg[i * 3 + c]);
      }
      n++;
    }
    expect(n).toBeGreaterThan(200);
    expect(errEst).toBeLessThan(errRaw * 0.4);
    expect(fgEst.data[(100 * W + 100) * 4 + 3]).toBe(255);
  });

  it('re-solves only the brushed region: a background stroke drives alpha there to 0', async () => {
    const full = await refineMatte({ image: scene.image, mask, maskW: 50, maskH: 50, mode: 'full' });
    const state = { image: scene.image, trimap: full.trimap!.slice(), alpha: full.alpha.slice(), foreground: full.foreground };
    const before = state.alpha.slice();
    const dirty = stampStroke(state.trimap, W, H, { points: [{ x: 90, y: 100 }, { x: 110, y: 100 }], sizePx: 12, hardness: 1, mode: 'bg' })!;
    const update = await resolveRegion(state, dirty, { marginPx: 8 });
    expect(state.alpha[100 * W + 100]).toBe(0);
    expect(update.alpha[(100 - update.box.y) * update.box.width + (100 - update.box.x)]).toBe(0);
    expect(update.foreground.length).toBe(update.box.width * update.box.height * 4);
    // Outside the solve box nothing moved.
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const inside = x >= update.box.x && x < update.box.x + update.box.width && y >= update.box.y && y < update.box.y + update.box.height;
      if (!inside && state.alpha[y * W + x] !== before[y * W + x]) throw new Error(`alpha changed outside the box at ${x},${y}`);
    }
  });

  it("tells a refine's progress step by step, from 0 to REFINE_STEPS, never going back, and none for raw edges", async () => {
    const raw: ProgressEvent[] = [];
    await refineMatte({ image: scene.image, mask, maskW: 50, maskH: 50, mode: 'off' }, { onProgress: (e) => raw.push(e) });
    expect(raw).toEqual([]);
    for (const mode of ['fast', 'full'] as const) {
      const events: ProgressEvent[] = [];
      await refineMatte({ image: scene.image, mask, maskW: 50, maskH: 50, mode }, { onProgress: (e) => events.push(e) });
      expect(events.every((e) => e.stage === 'refine' && e.total === REFINE_STEPS)).toBe(true);
      const done = events.map((e) => e.done);
      expect(done[0]).toBe(0);
      expect(done.at(-1)).toBe(REFINE_STEPS);
      for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThan(done[i - 1]);
      // The steps between: the guided filter's passes, the trimap, the solve, the colours' passes
      // (each holds its thread for seconds at 80 MP).
      if (mode === 'full') expect(done.length).toBeGreaterThanOrEqual(15);
      if (mode === 'fast') expect(done.length).toBeGreaterThanOrEqual(8);
    }
  });

  it("tells a long solve's progress as it goes, as a fraction that never goes back", async () => {
    // Nine of the scene side by side (600x600) with a wide unknown band and a tolerance it cannot
    // reach: the solve runs its 300 iterations, long enough to yield many times.
    const big = { data: new Uint8Array(600 * 600 * 4), width: 600, height: 600 };
    const truth = new Float32Array(600 * 600);
    for (let y = 0; y < 600; y++) for (let x = 0; x < 600; x++) {
      const i = (y % H) * W + (x % W);
      big.data.set(scene.image.data.subarray(i * 4, i * 4 + 4), (y * 600 + x) * 4);
      truth[y * 600 + x] = scene.alpha[i];
    }
    const trimap = computeTrimap(truth, 600, 600, { bandPx: 12 });
    const alpha = new Float32Array(600 * 600).fill(0.5);
    const told: number[] = [];
    const stats = await solveAlphaInBox(big, trimap, alpha, { x: 0, y: 0, width: 600, height: 600 }, { tolerance: 1e-12, maxIterations: 300, onProgress: (f) => told.push(f) });
    expect(stats.iterations).toBe(300);
    expect(told.length).toBeGreaterThan(2);
    for (let i = 0; i < told.length; i++) {
      expect(told[i]).toBeGreaterThanOrEqual(i > 0 ? told[i - 1] : 0);
      expect(told[i]).toBeLessThanOrEqual(1);
    }
    // Told before the end (at least the share of iterations used), not only at it.
    expect(told[0]).toBeLessThan(1);
    expect(told.at(-1)!).toBeGreaterThan(told[0]);
  });
});
