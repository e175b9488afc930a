// Closed-form matting (Levin, Lischinski, Weiss 2008) restricted to the unknown pixels of a
// trimap inside a rectangle: the matting Laplacian over 3x3 windows is assembled as a 25-point
// stencil per unknown pixel, and L_uu a_u = -L_uk a_k is solved by Jacobi-preconditioned
// conjugate gradients, warm-started from a prior alpha. Pure typed-array code (core).
import { throwIfAborted } from '../abort';
import type { RgbaImage } from '../image/decode';
import { TRIMAP_BG, TRIMAP_FG } from '../trimap/trimap-file';
import { DEFAULT_GUIDE_SMOOTHING, guideKernel, smoothedAt, tapOffsets, type GuideKernel, type GuideSmoothing } from './guide-smoothing';

/** A rectangle in image pixels. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Options of solveAlphaInBox. */
export interface ClosedFormOptions {
  /** Regulariser of the window covariance (intensities in 0..1); smaller = sharper, slower. Default 1e-6. */
  eps?: number;
  /** Weight pulling unknown pixels toward the prior alpha; keeps wide bands stable. Default 1e-3. */
  priorWeight?: number;
  /** CG stops when |r| / |b| falls below this. Default 1e-3 (looser
   * stops earlier and, warm-started from the guided-filter alpha, scored no worse on training composites). */
  tolerance?: number;
  /** CG iteration cap. Default 400. */
  maxIterations?: number;
  /** The edge-preserving smoothing of the colours the Laplacian reads (guide-smoothing.ts); null: the picture's own. Default DEFAULT_GUIDE_SMOOTHING. */
  guideSmoothing?: GuideSmoothing | null;
  /**
   * When true, pixels on the box's outer 1-px ring are held at the current alpha (used to
   * re-solve a region inside an existing matte). When false the box should be the whole image.
   */
  isBorderFixed?: boolean;
  signal?: AbortSignal;
  /**
   * How far the solve is, 0..1, never going back: the residual's fall on a log scale from where it
   * started to `tolerance` (or the iterations used of the cap, when further). Called when the solve
   * yields to the event loop, about every SOLVE_YIELD_MS.
   */
  onProgress?: (fraction: number) => void;
}

/**
 * How long the solve computes before it yields to the event loop (so a cancel can land and progress
 * be told). An 80 MP picture takes about 0.4 s an iteration, a preview about a millisecond: a count
 * of iterations fit neither.
 */
export const SOLVE_YIELD_MS = 50;

/** What a solve did (for logs, tests and the benchmark). */
export interface ClosedFormStats {
  unknownCount: number;
  iterations: number;
  relativeResidual: number;
}

/** The default smoothing's tables, made once. */
const DEFAULT_GUIDE_KERNEL = guideKernel(DEFAULT_GUIDE_SMOOTHING);

/** Yields to the event loop so an AbortSignal can fire during a long solve. */
function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Solves alpha for the trimap's unknown pixels inside `box`, in place in `alpha` (full image,
 * 0..1). Known pixels (trimap 0 / 255) are taken as 0 / 1 and written back so; unknown pixels
 * start from their current `alpha` (the warm start and the prior) and end clamped to 0..1.
 *
 * The hot loops are plain top-level functions on typed arrays: inside this async function (or as
 * closures made per call) V8's optimised code held the call's own arrays and was thrown away
 * when they were collected, so each photo's solve started again in the interpreter (docs/performance.md).
 */
export async function solveAlphaInBox(image: RgbaImage, trimap: Uint8Array, alpha: Float32Array, box: PixelBox, options: ClosedFormOptions = {}): Promise<ClosedFormStats> {
  const eps = options.eps ?? 1e-6;
  const lambda = options.priorWeight ?? 1e-3;
  const tol = options.tolerance ?? 1e-3;
  const maxIter = options.maxIterations ?? 400;
  const isBorderFixed = options.isBorderFixed ?? false;
  const W = image.width;
  const { x: bx, y: by, width: bw, height: bh } = box;
  const kernel = options.guideSmoothing === null ? null : options.guideSmoothing === undefined ? DEFAULT_GUIDE_KERNEL : guideKernel(options.guideSmoothing);

  // Known pixels take their label's value; unknown pixels get compact indices.
  const local = new Int32Array(bw * bh);
  const U = labelUnknowns(trimap, alpha, W, bx, by, bw, bh, isBorderFixed, local);
  if (U === 0) return { unknownCount: 0, iterations: 0, relativeResidual: 0 };

  // Unknown pixels' positions in a zero-padded (2 px) box layout, so the 5x5 stencil needs no bounds checks.
  const pw = bw + 4;
  const padPos = new Int32Array(U);
  const pix = new Int32Array(U);
  indexUnknowns(local, bw, bh, pw, padPos, pix);
  const coef = new Float32Array(U * 25);
  const rhs = new Float64Array(U);
  assembleLaplacian(image.data, alpha, W, image.height, bx, by, bw, bh, local, eps, kernel, coef, rhs);

  // The prior term, the warm start and the Jacobi preconditioner.
  const x = new Float64Array(U);
  const invDiag = new Float64Array(U);
  addPrior(alpha, W, bx, by, bw, pix, lambda, coef, rhs, x, invDiag);

  // Jacobi-preconditioned CG on (L_uu + lambda I) x = rhs.
  const padded = new Float64Array(pw * (bh + 4));
  const r = new Float64Array(U);
  const z = new Float64Array(U);
  const p = new Float64Array(U);
  const Ap = new Float64Array(U);
  scatter(x, padPos, U, padded);
  applyStencil(coef, padPos, pw, U, x, padded, Ap);
  const sums = new Float64Array(3);
  startCg(rhs, Ap, invDiag, r, z, p, U, padPos, padded, sums);
  let rz = sums[0];
  const bNorm = Math.sqrt(sums[2]) || 1;
  let it = 0;
  let rel = Math.sqrt(sums[1]) / bNorm;
  const relStart = rel;
  let fraction = 0;
  let yieldedAt = performance.now();
  for (; it < maxIter && rel >= tol; it++) {
    if (performance.now() - yieldedAt >= SOLVE_YIELD_MS) {
      if (options.onProgress) {
        const fallen = relStart > tol && rel < relStart ? Math.log(relStart / rel) / Math.log(relStart / tol) : 0;
        fraction = Math.min(1, Math.max(fraction, fallen, it / maxIter));
        options.onProgress(fraction);
      }
      await yieldToLoop();
      throwIfAborted(options.signal);
      yieldedAt = performance.now();
    }
    const pAp = applyStencil(coef, padPos, pw, U, p, padded, Ap);
    if (pAp <= 0) break;
    cgStep(x, r, z, p, Ap, invDiag, rz / pAp, U, sums);
    const rzNew = sums[0];
    rel = Math.sqrt(sums[1]) / bNorm;
    nextDirection(p, z, rzNew / rz, U, padPos, padded);
    rz = rzNew;
  }

  writeAlpha(x, pix, W, bx, by, bw, alpha);
  return { unknownCount: U, iterations: it, relativeResidual: rel };
}

/**
 * The sides of a box whose 1-px ring a region solve holds (isBorderFixed): where it joins the rest
 * of the matte, not where it is the picture's own edge (a stroke along the edge left the outermost
 * row or column as it was: a 1-px line the export had not).
 */
export function heldSides(box: PixelBox, W: number, H: number): { left: boolean; top: boolean; right: boolean; bottom: boolean } {
  return { left: box.x > 0, top: box.y > 0, right: box.x + box.width < W, bottom: box.y + box.height < H };
}

/**
 * Sets the known pixels of the box in `alpha` (foreground 1, background 0) and numbers the
 * unknown ones in `local` (box layout; -1 where known or on a held ring: with `isBorderFixed`, the
 * box's outer ring where it lies inside the picture). Returns how many are unknown.
 */
function labelUnknowns(trimap: Uint8Array, alpha: Float32Array, W: number, bx: number, by: number, bw: number, bh: number, isBorderFixed: boolean, local: Int32Array): number {
  const none = { left: false, top: false, right: false, bottom: false };
  const hold = isBorderFixed ? heldSides({ x: bx, y: by, width: bw, height: bh }, W, alpha.length / W) : none;
  let U = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const p = (by + y) * W + bx + x;
      const k = y * bw + x;
      local[k] = -1;
      if ((hold.left && x === 0) || (hold.top && y === 0) || (hold.right && x === bw - 1) || (hold.bottom && y === bh - 1)) continue;
      const t = trimap[p];
      if (t === TRIMAP_FG) alpha[p] = 1;
      else if (t === TRIMAP_BG) alpha[p] = 0;
      else local[k] = U++;
    }
  }
  return U;
}

/** Each unknown pixel's place in the padded layout (`padPos`) and in the box (`pix`). */
function indexUnknowns(local: Int32Array, bw: number, bh: number, pw: number, padPos: Int32Array, pix: Int32Array): void {
  for (let y = 0, k = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++, k++) {
      const u = local[k];
      if (u < 0) continue;
      padPos[u] = (y + 2) * pw + x + 2;
      pix[u] = k;
    }
  }
}

/** Stencil slot (0..24) of the pair (i, j) of 3x3 window positions 0..8; the pair (j, i) takes 24 minus it. */
const PAIR_SLOT = new Int32Array(81);
for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) PAIR_SLOT[i * 9 + j] = (((j / 3) | 0) - ((i / 3) | 0) + 2) * 5 + (j % 3) - (i % 3) + 2;

/**
 * Writes row y of the box's colours (0..1, smoothed by `kernel` when given) into its slot of `ring`
 * (y % 3), where a window that touches an unknown pixel reads them: within 2 rows and 1 column of
 * a `rowHit` pixel (the unknown pixels dilated by one column).
 */
function fillGuideRow(px: Uint8Array, W: number, H: number, bx: number, by: number, bw: number, bh: number, y: number, rowHit: Uint8Array, rowHasHit: Uint8Array, colAny: Uint8Array, kernel: GuideKernel | null, offsets: Int32Array, ring: Float32Array): void {
  const y0 = Math.max(0, y - 2), y1 = Math.min(bh - 1, y + 2);
  let isRead = false;
  for (let yy = y0; yy <= y1; yy++) if (rowHasHit[yy]) isRead = true;
  if (!isRead) return;
  colAny.fill(0);
  for (let yy = y0; yy <= y1; yy++) {
    if (!rowHasHit[yy]) continue;
    const row = yy * bw;
    for (let x = 0; x < bw; x++) colAny[x] |= rowHit[row + x];
  }
  const o = (y % 3) * bw * 3;
  const py = by + y;
  for (let x = 0; x < bw; x++) {
    if (!colAny[x] && !(x > 0 && colAny[x - 1]) && !(x < bw - 1 && colAny[x + 1])) continue;
    const q = o + x * 3;
    if (kernel) {
      smoothedAt(px, W, H, bx + x, py, kernel, offsets, ring, q);
    } else {
      const p = (py * W + bx + x) * 4;
      ring[q] = px[p] / 255;
      ring[q + 1] = px[p + 1] / 255;
      ring[q + 2] = px[p + 2] / 255;
    }
  }
}

/**
 * Adds the matting Laplacian of every 3x3 window fully inside the box that touches an unknown
 * pixel: into `coef` (25-point stencil per unknown row) between unknown pixels, and into `rhs`
 * (minus L_uk a_k) for the known ones. The windows read the colours smoothed by `kernel`
 * (guide-smoothing.ts), three rows of them at a time.
 */
function assembleLaplacian(px: Uint8Array, alpha: Float32Array, W: number, H: number, bx: number, by: number, bw: number, bh: number, local: Int32Array, eps: number, kernel: GuideKernel | null, coef: Float32Array, rhs: Float64Array): void {
  // Windows (centres) that touch an unknown pixel: 3x3 dilation of the unknown set, separable.
  const rowHit = new Uint8Array(bw * bh);
  const rowHasHit = new Uint8Array(bh);
  for (let y = 0; y < bh; y++) {
    const row = y * bw;
    for (let x = 1; x < bw - 1; x++) {
      if (local[row + x - 1] >= 0 || local[row + x] >= 0 || local[row + x + 1] >= 0) {
        rowHit[row + x] = 1;
        rowHasHit[y] = 1;
      }
    }
  }
  // Rows y of the colours in slot y % 3; ringRow says which row a slot holds.
  const ring = new Float32Array(3 * bw * 3);
  const ringRow = new Int32Array([-1, -1, -1]);
  const colAny = new Uint8Array(bw);
  const offsets = kernel ? tapOffsets(kernel, W) : new Int32Array(0);
  const wl = new Int32Array(9);
  const wa = new Float64Array(9);
  const dR = new Float64Array(9);
  const dG = new Float64Array(9);
  const dB = new Float64Array(9);
  const gR = new Float64Array(9);
  const gG = new Float64Array(9);
  const gB = new Float64Array(9);
  const inv9 = 1 / 9;
  const epsW = eps / 9;
  for (let cy = 1; cy < bh - 1; cy++) {
    for (let y = cy - 1; y <= cy + 1; y++) {
      if (ringRow[y % 3] === y) continue;
      fillGuideRow(px, W, H, bx, by, bw, bh, y, rowHit, rowHasHit, colAny, kernel, offsets, ring);
      ringRow[y % 3] = y;
    }
    for (let cx = 1; cx < bw - 1; cx++) {
      const c = cy * bw + cx;
      if (!rowHit[c - bw] && !rowHit[c] && !rowHit[c + bw]) continue;
      let mr = 0, mg = 0, mb = 0;
      for (let j = 0, dy = -1; dy <= 1; dy++) {
        const l0 = c + dy * bw;
        const p0 = (by + cy + dy) * W + bx + cx;
        const g0 = (((cy + dy) % 3) * bw + cx) * 3;
        for (let dx = -1; dx <= 1; dx++, j++) {
          wl[j] = local[l0 + dx];
          wa[j] = alpha[p0 + dx];
          const q = g0 + dx * 3;
          const r = ring[q], g = ring[q + 1], b = ring[q + 2];
          dR[j] = r;
          dG[j] = g;
          dB[j] = b;
          mr += r;
          mg += g;
          mb += b;
        }
      }
      mr *= inv9;
      mg *= inv9;
      mb *= inv9;
      let srr = 0, srg = 0, srb = 0, sgg = 0, sgb = 0, sbb = 0;
      for (let j = 0; j < 9; j++) {
        const r = (dR[j] -= mr);
        const g = (dG[j] -= mg);
        const b = (dB[j] -= mb);
        srr += r * r;
        srg += r * g;
        srb += r * b;
        sgg += g * g;
        sgb += g * b;
        sbb += b * b;
      }
      srr = srr * inv9 + epsW;
      sgg = sgg * inv9 + epsW;
      sbb = sbb * inv9 + epsW;
      srg *= inv9;
      srb *= inv9;
      sgb *= inv9;
      // Inverse of the symmetric 3x3 covariance by cofactors.
      const c00 = sgg * sbb - sgb * sgb;
      const c01 = srb * sgb - srg * sbb;
      const c02 = srg * sgb - srb * sgg;
      const c11 = srr * sbb - srb * srb;
      const c12 = srg * srb - srr * sgb;
      const c22 = srr * sgg - srg * srg;
      const id = 1 / (srr * c00 + srg * c01 + srb * c02);
      const i00 = c00 * id, i01 = c01 * id, i02 = c02 * id, i11 = c11 * id, i12 = c12 * id, i22 = c22 * id;
      // G_i = the inverse covariance times d_i, for the window's unknown pixels.
      for (let i = 0; i < 9; i++) {
        if (wl[i] < 0) continue;
        gR[i] = i00 * dR[i] + i01 * dG[i] + i02 * dB[i];
        gG[i] = i01 * dR[i] + i11 * dG[i] + i12 * dB[i];
        gB[i] = i02 * dR[i] + i12 * dG[i] + i22 * dB[i];
      }
      // The window's Laplacian is symmetric: a pair of unknown pixels is computed once and added to
      // both rows; a known pixel's term goes to the unknown pixel's right-hand side.
      for (let i = 0; i < 9; i++) {
        const ui = wl[i];
        if (ui < 0) continue;
        const gr = gR[i], gg = gG[i], gb = gB[i];
        const base = ui * 25;
        const ps = i * 9;
        let known = 0;
        for (let j = 0; j < i; j++) if (wl[j] < 0) known -= (1 + gr * dR[j] + gg * dG[j] + gb * dB[j]) * inv9 * wa[j];
        coef[base + 12] += 1 - (1 + gr * dR[i] + gg * dG[i] + gb * dB[i]) * inv9;
        for (let j = i + 1; j < 9; j++) {
          const v = -(1 + gr * dR[j] + gg * dG[j] + gb * dB[j]) * inv9;
          const uj = wl[j];
          if (uj >= 0) {
            const slot = PAIR_SLOT[ps + j];
            coef[base + slot] += v;
            coef[uj * 25 + 24 - slot] += v;
          } else known += v * wa[j];
        }
        rhs[ui] -= known;
      }
    }
  }
}

/** Writes v into the padded layout P (whose known pixels stay 0). */
function scatter(v: Float64Array, padPos: Int32Array, U: number, P: Float64Array): void {
  for (let u = 0; u < U; u++) P[padPos[u]] = v[u];
}

/** out = A v by the 5x5 stencil, v read from its padded copy P (see scatter); returns v . out. */
function applyStencil(c: Float32Array, padPos: Int32Array, pw: number, U: number, v: Float64Array, P: Float64Array, out: Float64Array): number {
  let vAv = 0;
  // Unrolled by rows (V8 keeps the row bases in registers).
  for (let u = 0, b = 0; u < U; u++, b += 25) {
    const k2 = padPos[u];
    const k0 = k2 - 2 * pw;
    const k1 = k2 - pw;
    const k3 = k2 + pw;
    const k4 = k2 + 2 * pw;
    out[u] =
      c[b] * P[k0 - 2] + c[b + 1] * P[k0 - 1] + c[b + 2] * P[k0] + c[b + 3] * P[k0 + 1] + c[b + 4] * P[k0 + 2] +
      c[b + 5] * P[k1 - 2] + c[b + 6] * P[k1 - 1] + c[b + 7] * P[k1] + c[b + 8] * P[k1 + 1] + c[b + 9] * P[k1 + 2] +
      c[b + 10] * P[k2 - 2] + c[b + 11] * P[k2 - 1] + c[b + 12] * P[k2] + c[b + 13] * P[k2 + 1] + c[b + 14] * P[k2 + 2] +
      c[b + 15] * P[k3 - 2] + c[b + 16] * P[k3 - 1] + c[b + 17] * P[k3] + c[b + 18] * P[k3 + 1] + c[b + 19] * P[k3 + 2] +
      c[b + 20] * P[k4 - 2] + c[b + 21] * P[k4 - 1] + c[b + 22] * P[k4] + c[b + 23] * P[k4 + 1] + c[b + 24] * P[k4 + 2];
    vAv += v[u] * out[u];
  }
  return vAv;
}

/** Adds the prior (lambda, toward the current alpha) to the system; the warm start x and 1 / diagonal. */
function addPrior(alpha: Float32Array, W: number, bx: number, by: number, bw: number, pix: Int32Array, lambda: number, coef: Float32Array, rhs: Float64Array, x: Float64Array, invDiag: Float64Array): void {
  for (let u = 0; u < pix.length; u++) {
    const l = pix[u];
    const a0 = alpha[(by + ((l / bw) | 0)) * W + bx + (l % bw)];
    x[u] = a0;
    coef[u * 25 + 12] += lambda;
    rhs[u] += lambda * a0;
    invDiag[u] = 1 / coef[u * 25 + 12];
  }
}

/**
 * CG's start from Ax of the warm start: r = rhs - Ax, z = r / diagonal, p = z (and its padded
 * copy); r.z, r.r and rhs.rhs go to sums[0..2].
 */
function startCg(rhs: Float64Array, Ax: Float64Array, invDiag: Float64Array, r: Float64Array, z: Float64Array, p: Float64Array, U: number, padPos: Int32Array, P: Float64Array, sums: Float64Array): void {
  let rz = 0;
  let rr = 0;
  let bb = 0;
  for (let u = 0; u < U; u++) {
    const ru = rhs[u] - Ax[u];
    const zu = ru * invDiag[u];
    r[u] = ru;
    z[u] = zu;
    p[u] = zu;
    P[padPos[u]] = zu;
    rz += ru * zu;
    rr += ru * ru;
    bb += rhs[u] * rhs[u];
  }
  sums[0] = rz;
  sums[1] = rr;
  sums[2] = bb;
}

/** Writes the solution into the image's alpha, clamped to 0..1. */
function writeAlpha(x: Float64Array, pix: Int32Array, W: number, bx: number, by: number, bw: number, alpha: Float32Array): void {
  for (let u = 0; u < pix.length; u++) {
    const k = pix[u];
    const v = x[u];
    alpha[(by + ((k / bw) | 0)) * W + bx + (k % bw)] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/** One CG step of length `step` along p; the new r.z and r.r go to sums[0] and sums[1]. */
function cgStep(x: Float64Array, r: Float64Array, z: Float64Array, p: Float64Array, Ap: Float64Array, invDiag: Float64Array, step: number, U: number, sums: Float64Array): void {
  let rz = 0;
  let rr = 0;
  for (let u = 0; u < U; u++) {
    x[u] += step * p[u];
    const ru = r[u] - step * Ap[u];
    r[u] = ru;
    const zu = ru * invDiag[u];
    z[u] = zu;
    rz += ru * zu;
    rr += ru * ru;
  }
  sums[0] = rz;
  sums[1] = rr;
}

/** p = z + beta p, in p and in its padded copy P. */
function nextDirection(p: Float64Array, z: Float64Array, beta: number, U: number, padPos: Int32Array, P: Float64Array): void {
  for (let u = 0; u < U; u++) {
    const v = z[u] + beta * p[u];
    p[u] = v;
    P[padPos[u]] = v;
  }
}
