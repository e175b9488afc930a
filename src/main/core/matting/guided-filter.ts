// Edge-aware upsampling of a low-resolution mask with a guided filter (He, Sun, Tang 2013)
// against the full-resolution image. Pure typed-array code; the `fast` refine mode.
import { luma } from '../../../shared/color';
import type { RgbaImage } from '../image/decode';
import { bilinearTaps, resizeFloatBilinear } from '../image/resize';
import { boxMean } from './box-filter';

/** Options of the guided filter; radius in full-resolution pixels, eps on intensities in 0..1. */
export interface GuidedFilterOptions {
  radiusPx?: number;
  eps?: number;
  /** Alpha below this becomes 0 and above 1 − snap becomes 1 (default 0.04). */
  snap?: number;
  /**
   * Solve the filter's linear model on a grid this many times coarser (the fast guided filter;
   * default 1, the exact filter). The output keeps the full-resolution guide.
   */
  subsample?: number;
  /** Hears how far the filter is (0..1, going up), a step per pass over the image: seconds at 80 MP. */
  onStep?: (fraction: number) => void;
  /**
   * Where the guide is flat (no edge of its own to follow), keep the mask as it is upsampled
   * rather than the filter's blur of it (FlatKeep); default false (the plain filter).
   */
  keepFlat?: boolean;
}

/**
 * For the flat-area correction (keepFlat): the box mean of each window's edge weight
 * w = var(I)/(var(I)+eps) (1 on a strong edge of the guide, 0 where it is flat) and the twice
 * box-averaged input (what the filter gives where the guide is flat: mean(a) ≈ 0, q ≈ mean(mean(p))).
 * q + (1 − mean(w))·(p − mean(mean(p))) is then the plain filter at the guide's edges and the input
 * itself where the guide is flat: there the filter only blurred the mask, a halo of the old
 * background as wide as twice its radius round a dark head on a dark background (the batch's fast
 * edges kept 1.6× the pixels the raw mask kept past 4 px outside a person's outline, median of 10
 * people pasted on black).
 */
interface FlatKeep {
  meanW: Float32Array;
  meanP2: Float32Array;
}

/** Luma in 0..1 (Rec. 601 weights) of an RGBA image. */
export function lumaOf(image: RgbaImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n);
  const d = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = luma(d[j], d[j + 1], d[j + 2]) / 255;
  return out;
}

/**
 * The guided filter's linear model, box-averaged: mean(a) and mean(b) with
 * a = cov(I,p)/(var(I)+eps), b = mean(p) − a·mean(I), over (2r+1)² windows. `tmp` is a spare plane.
 */
function guidedCoefficients(
  guide: Float32Array,
  p: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
  tmp: Float32Array,
  step: (done: number) => void = () => undefined,
  keepFlat = false,
): { meanA: Float32Array; meanB: Float32Array; flat?: FlatKeep } {
  const n = width * height;
  const scratch = new Float32Array(n);
  const meanI = boxMean(guide, width, height, r, new Float32Array(n), scratch);
  step(1);
  const meanP = boxMean(p, width, height, r, new Float32Array(n), scratch);
  step(2);
  for (let i = 0; i < n; i++) tmp[i] = guide[i] * p[i];
  const corrIP = boxMean(tmp, width, height, r, new Float32Array(n), scratch);
  step(3);
  for (let i = 0; i < n; i++) tmp[i] = guide[i] * guide[i];
  const corrII = boxMean(tmp, width, height, r, new Float32Array(n), scratch);
  step(4);
  // a and b overwrite corrIP and corrII to keep memory at a few planes; w (keepFlat) goes in tmp.
  const a = corrIP;
  const b = corrII;
  for (let i = 0; i < n; i++) {
    const mI = meanI[i];
    const varI = corrII[i] - mI * mI;
    const ai = (corrIP[i] - mI * meanP[i]) / (varI + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * mI;
    if (keepFlat) tmp[i] = varI > 0 ? varI / (varI + eps) : 0;
  }
  step(5);
  const flat = keepFlat ? { meanW: boxMean(tmp, width, height, r, new Float32Array(n), scratch), meanP2: boxMean(meanP, width, height, r, new Float32Array(n), scratch) } : undefined;
  const meanA = boxMean(a, width, height, r, meanI, scratch);
  step(6);
  return { meanA, meanB: boxMean(b, width, height, r, meanP, scratch), ...(flat ? { flat } : {}) };
}

/** guidedCoefficients' steps (the box means and the model between them): 7, the last when it returns. */
const COEFFICIENT_STEPS = 7;

/**
 * Guided filter of `p` with grey guide `guide` (both width x height): q = mean(a)·I + mean(b)
 * (with `keepFlat`, p where the guide is flat: FlatKeep). Output clamped to 0..1.
 */
export function guidedFilterGray(guide: Float32Array, p: Float32Array, width: number, height: number, radiusPx: number, eps: number, step?: (done: number) => void, keepFlat = false): Float32Array {
  const q = new Float32Array(width * height);
  const { meanA, meanB, flat } = guidedCoefficients(guide, p, width, height, radiusPx, eps, q, step, keepFlat);
  for (let i = 0; i < q.length; i++) {
    let v = meanA[i] * guide[i] + meanB[i];
    if (flat) v += (1 - flat.meanW[i]) * (p[i] - flat.meanP2[i]);
    q[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return q;
}

/** Area average of a float map over s x s cells (the last row and column of cells may be partial). */
function downsampleArea(src: Float32Array, width: number, height: number, s: number): { data: Float32Array; width: number; height: number } {
  const w = Math.ceil(width / s);
  const h = Math.ceil(height / s);
  const sum = new Float64Array(w * h);
  const count = new Float64Array(w * h);
  const cellOfColumn = Int32Array.from({ length: width }, (_, x) => (x / s) | 0);
  for (let y = 0; y < height; y++) {
    const row = ((y / s) | 0) * w;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const c = row + cellOfColumn[x];
      sum[c] += src[i];
      count[c]++;
    }
  }
  const data = new Float32Array(w * h);
  for (let c = 0; c < data.length; c++) data[c] = sum[c] / count[c];
  return { data, width: w, height: h };
}

/**
 * The fast guided filter (He & Sun 2015): a and b are solved on a grid `s` times coarser (the
 * guide area-averaged there, radius / s), their box means are enlarged bilinearly, and
 * q = mean(a)·I + mean(b) uses the full-resolution guide, so edges still follow the image's own
 * pixels. About s² times less box filtering than guidedFilterGray. `smallP` is the input already
 * on the coarse grid (ceil(width / s) x ceil(height / s)), e.g. a low-resolution mask resized
 * there once. Output clamped to 0..1.
 */
export function fastGuidedFilterGray(guide: Float32Array, smallP: Float32Array, width: number, height: number, radiusPx: number, eps: number, s: number, keepFlat = false): Float32Array {
  const small = downsampleArea(guide, width, height, s);
  const { width: w, height: h } = small;
  if (smallP.length !== w * h) throw new Error('fastGuidedFilterGray: input is not on the coarse grid');
  const r = Math.max(1, Math.round(radiusPx / s));
  const { meanA, meanB, flat } = guidedCoefficients(small.data, smallP, w, h, r, eps, new Float32Array(w * h), undefined, keepFlat);
  // With keepFlat, (1 − mean(w))·(p − mean(mean(p))) is added to mean(b) on the coarse grid: the
  // enlargement is linear, so it reaches every pixel with no plane of its own.
  if (flat) for (let c = 0; c < meanB.length; c++) meanB[c] += (1 - flat.meanW[c]) * (smallP[c] - flat.meanP2[c]);
  // Bilinear enlargement of mean(a), mean(b) (pixel centres aligned), applied to the full guide.
  const q = new Float32Array(width * height);
  const cols = bilinearTaps(width, w, s);
  const rows = bilinearTaps(height, h, s);
  for (let y = 0; y < height; y++) {
    const r0 = rows.i0[y] * w;
    const r1 = rows.i1[y] * w;
    const wy = rows.w[y];
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const x0 = cols.i0[x];
      const x1 = cols.i1[x];
      const wx = cols.w[x];
      const aTop = meanA[r0 + x0] + (meanA[r0 + x1] - meanA[r0 + x0]) * wx;
      const aBot = meanA[r1 + x0] + (meanA[r1 + x1] - meanA[r1 + x0]) * wx;
      const bTop = meanB[r0 + x0] + (meanB[r0 + x1] - meanB[r0 + x0]) * wx;
      const bBot = meanB[r1 + x0] + (meanB[r1 + x1] - meanB[r1 + x0]) * wx;
      const v = (aTop + (aBot - aTop) * wy) * guide[i] + bTop + (bBot - bTop) * wy;
      q[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return q;
}

/** Default guided-filter radius for an upsampling factor: about 1.5 low-res pixels, at least 2. */
export function defaultGuidedRadius(imageW: number, imageH: number, maskW: number, maskH: number): number {
  const factor = Math.max(imageW / maskW, imageH / maskH);
  return Math.max(2, Math.round(factor * 1.5));
}

/**
 * Coarser grid for the fast guided filter when upsampling by this factor: half the factor, 1 to 4
 * (a 256-px mask on a 1 MP photo: 2). The mask holds no detail finer than its own pixels, so the
 * linear model loses nothing it had; the guide's detail comes back through q = a·I + b.
 */
export function defaultGuidedSubsample(imageW: number, imageH: number, maskW: number, maskH: number): number {
  const factor = Math.max(imageW / maskW, imageH / maskH);
  return Math.max(1, Math.min(4, Math.floor(factor / 2)));
}

/**
 * Brings a low-resolution mask to the image's full resolution edge-aware: bilinear upsample,
 * then a guided filter against the image's luma so the edge follows the image, not the grid.
 */
export function upsampleMaskGuided(mask: Float32Array, maskW: number, maskH: number, image: RgbaImage, options: GuidedFilterOptions = {}): Float32Array {
  const { width, height } = image;
  if (width === maskW && height === maskH) return resizeFloatBilinear(mask, maskW, maskH, width, height);
  const r = options.radiusPx ?? defaultGuidedRadius(width, height, maskW, maskH);
  const eps = options.eps ?? 1e-3;
  const s = options.subsample ?? 1;
  // Steps: the luma, the upsample, the coefficients' 7 (the exact filter), the output and the snap.
  const total = 2 + (s <= 1 ? COEFFICIENT_STEPS : 0) + 2;
  const tell = (done: number): void => options.onStep?.(done / total);
  const luma = lumaOf(image);
  tell(1);
  let q: Float32Array;
  if (s <= 1) {
    const p = resizeFloatBilinear(mask, maskW, maskH, width, height);
    tell(2);
    q = guidedFilterGray(luma, p, width, height, r, eps, (done) => tell(2 + done), options.keepFlat);
  } else {
    const p = resizeFloatBilinear(mask, maskW, maskH, Math.ceil(width / s), Math.ceil(height / s));
    tell(2);
    q = fastGuidedFilterGray(luma, p, width, height, r, eps, s, options.keepFlat);
  }
  tell(total - 1);
  // The filter's linear model leaks a few percent of alpha into flat regions next to an edge;
  // summed over a whole background that costs more SAD than the edge gains. Snap the tails.
  const lo = options.snap ?? 0.04;
  const hi = 1 - lo;
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (v < lo) q[i] = 0;
    else if (v > hi) q[i] = 1;
  }
  tell(total);
  return q;
}
