// Closed-form matting, foreground estimation and region re-solve on a 200x200 synthetic image
// with a known soft alpha (a textured foreground over a textured background).
import { describe, expect, it } from 'vitest';
import { solveAlphaInBox } from '../../../../src/main/core/matting/closed-form';
import { DEFAULT_GUIDE_SMOOTHING, type GuideSmoothing } from '../../../../src/main/core/matting/guide-smoothing';
import { estimateForeground } from '../../../../src/main/core/matting/foreground';
import { REFINE_STEPS, refineMatte } from '../../../../src/main/core/matting/refine';
import type { ProgressEvent } from '../../../../src/main/core/progress';
import { regionMarginPx, resolveRegion } from '../../../../src/main/core/matting/region';
import { computeTrimap } from '../../../../src/main/core/trimap/trimap';
import { stampStroke } from '../../../../src/shared/trimap-brush';
import { seededRandom } from '../../../helpers/random';

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

  it("a stroke along the picture's edge reaches its outermost row and column (the held ring was the picture's own edge there)", async () => {
    // A close-up: the subject fills the picture, alpha 1 everywhere.
    const state = { image: scene.image, trimap: new Uint8Array(W * H).fill(255), alpha: new Float32Array(W * H).fill(1), foreground: { data: scene.image.data.slice(), width: W, height: H } };
    const dirty = stampStroke(state.trimap, W, H, { points: [{ x: 0, y: H - 1 }, { x: 60, y: H - 1 }, { x: 0, y: H - 40 }], sizePx: 10, hardness: 1, mode: 'bg' })!;
    const update = await resolveRegion(state, dirty);
    let painted = 0;
    for (let i = 0; i < W * H; i++) {
      if (state.trimap[i] !== 0) continue;
      painted++;
      if (state.alpha[i] !== 0) throw new Error(`painted background at ${i % W},${Math.floor(i / W)} kept alpha ${state.alpha[i]}`);
    }
    expect(painted).toBeGreaterThan(300);
    // The default margin is three trimap bands, at least 24 px; the box's inner sides still join the rest unchanged.
    expect(regionMarginPx(W, H)).toBe(24);
    expect(update.box.x + update.box.width).toBeLessThan(W);
    expect(state.alpha[(H - 1) * W + update.box.x + update.box.width]).toBe(1);
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

  it('solves the same system as the matting Laplacian written out densely (unknowns beside known pixels, a held ring)', async () => {
    // A 16x14 picture of random colours with a few flat patches (near-singular windows); unknown
    // pixels in a blob that touches known pixels on all sides and the box's edge.
    // A patch of steps of a level or two (as a JPEG's blocks) is what the guide's smoothing evens out.
    const w = 16, h = 14;
    const rand = seededRandom(7);
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const x = i % w, y = (i / w) | 0;
      const flat = x > 11 && y < 5;
      const stepped = x < 7 && y > 7;
      for (let c = 0; c < 3; c++) data[i * 4 + c] = flat ? 90 + 40 * c : stepped ? 30 + c + ((x >> 1) + (y >> 1)) % 3 : Math.floor(rand() * 256);
      data[i * 4 + 3] = 255;
    }
    const image = { data, width: w, height: h };
    /** The colours the windows read: the picture's own, or smoothed (a bilateral filter written out plainly: guide-smoothing.ts). */
    const guideOf = (smoothing: GuideSmoothing | null): number[][] =>
      Array.from({ length: w * h }, (_, i) => {
        const x = i % w, y = (i / w) | 0;
        if (!smoothing) return [0, 1, 2].map((c) => data[i * 4 + c] / 255);
        const sum = [0, 0, 0];
        let weights = 0;
        const step = smoothing.step ?? 1;
        const reach = Math.floor(smoothing.radius / step) * step;
        for (let yy = y - reach; yy <= y + reach; yy += step) for (let xx = x - reach; xx <= x + reach; xx += step) {
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const j = yy * w + xx;
          const diff = [0, 1, 2].reduce((s, c) => s + Math.abs(data[j * 4 + c] - data[i * 4 + c]), 0);
          const weight = Math.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * (smoothing.radius / 2) ** 2)) * Math.exp(-(diff * diff) / (2 * smoothing.range ** 2));
          for (let c = 0; c < 3; c++) sum[c] += weight * data[j * 4 + c];
          weights += weight;
        }
        return sum.map((v) => v / weights / 255);
      });
    const trimap = new Uint8Array(w * h);
    const prior = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const d = Math.hypot(x - 8, y - 6);
      trimap[i] = d < 3 ? 255 : d < 6.5 || (x > 11 && y < 4) ? 128 : 0;
      prior[i] = 0.2 + 0.6 * rand();
    }
    const cases = [{ x: 0, y: 0, width: w, height: h }, { x: 2, y: 1, width: 12, height: 11 }].flatMap((box) => [DEFAULT_GUIDE_SMOOTHING, { radius: 3, range: 4 }, null].map((smoothing) => ({ box, smoothing })));
    for (const { box, smoothing } of cases) {
      const isBorderFixed = box.x > 0;
      const eps = 1e-4, lambda = 1e-2;
      const alpha = prior.slice();
      const guide = guideOf(smoothing);
      const stats = await solveAlphaInBox(image, trimap, alpha, box, { eps, priorWeight: lambda, tolerance: 1e-12, maxIterations: 2000, isBorderFixed, guideSmoothing: smoothing });
      // The reference: every 3x3 window inside the box, L = I - (1 + d_i' (C + eps/9 I)^-1 d_j) / 9,
      // summed densely over the box's pixels; known = the trimap's 0 / 1, or the held ring's prior.
      const n = box.width * box.height;
      const L = Array.from({ length: n }, () => new Float64Array(n));
      const at = (x: number, y: number) => (box.y + y) * w + box.x + x;
      for (let cy = 1; cy < box.height - 1; cy++) for (let cx = 1; cx < box.width - 1; cx++) {
        const idx: number[] = [];
        const d: number[][] = [];
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          idx.push((cy + dy) * box.width + cx + dx);
          d.push([...guide[at(cx + dx, cy + dy)]]);
        }
        const mean = [0, 1, 2].map((c) => d.reduce((s, v) => s + v[c], 0) / 9);
        for (const v of d) for (let c = 0; c < 3; c++) v[c] -= mean[c];
        const C = [0, 1, 2].map((a) => [0, 1, 2].map((b) => d.reduce((s, v) => s + v[a] * v[b], 0) / 9 + (a === b ? eps / 9 : 0)));
        const inv = invert3(C);
        for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) {
          let q = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) q += d[i][a] * inv[a][b] * d[j][b];
          L[idx[i]][idx[j]] += (i === j ? 1 : 0) - (1 + q) / 9;
        }
      }
      const unknown: number[] = [];
      const value = new Float64Array(n);
      for (let y = 0; y < box.height; y++) for (let x = 0; x < box.width; x++) {
        const k = y * box.width + x;
        const p = (box.y + y) * w + box.x + x;
        const isRing = isBorderFixed && (x === 0 || y === 0 || x === box.width - 1 || y === box.height - 1);
        if (isRing) value[k] = prior[p];
        else if (trimap[p] === 255) value[k] = 1;
        else if (trimap[p] === 0) value[k] = 0;
        else unknown.push(k);
      }
      expect(stats.unknownCount).toBe(unknown.length);
      const isUnknown = new Set(unknown);
      const A = unknown.map((k) => [...unknown.map((j) => L[k][j] + (j === k ? lambda : 0)), -L[k].reduce((s, v, j) => (isUnknown.has(j) ? s : s + v * value[j]), 0) + lambda * prior[((box.y + ((k / box.width) | 0)) * w + box.x + (k % box.width))]]);
      const solution = solveDense(A);
      unknown.forEach((k, u) => {
        const p = (box.y + ((k / box.width) | 0)) * w + box.x + (k % box.width);
        expect(alpha[p]).toBeCloseTo(Math.min(1, Math.max(0, solution[u])), 5);
      });
      // Known pixels are written as their labels, the held ring keeps its alpha, nothing outside the box moves.
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const inBox = x >= box.x && y >= box.y && x < box.x + box.width && y < box.y + box.height;
        const isRing = inBox && isBorderFixed && (x === box.x || y === box.y || x === box.x + box.width - 1 || y === box.y + box.height - 1);
        if (!inBox || isRing) expect(alpha[p]).toBe(prior[p]);
        else if (trimap[p] !== 128) expect(alpha[p]).toBe(trimap[p] / 255);
      }
    }
  });
});

/** The inverse of a 3x3 matrix. */
function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

/** Gaussian elimination with partial pivoting on an augmented matrix [A | b]; returns x. */
function solveDense(rows: number[][]): number[] {
  const n = rows.length;
  const m = rows.map((r) => r.slice());
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[best][c])) best = r;
    [m[c], m[best]] = [m[best], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}
