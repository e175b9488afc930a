// Edge-aware upsampling of a low-resolution mask with a guided filter (He, Sun, Tang 2013)
// against the full-resolution image. Pure typed-array code; the `fast` refine mode.
import type { RgbaImage } from '../image/decode';
import { resizeFloatBilinear } from '../image/resize';
import { boxMean } from './box-filter';

/** Options of the guided filter; radius in full-resolution pixels, eps on intensities in 0..1. */
export interface GuidedFilterOptions {
  radiusPx?: number;
  eps?: number;
  /** Alpha below this becomes 0 and above 1 − snap becomes 1 (default 0.04). */
  snap?: number;
}

/** Luma in 0..1 (Rec. 601 weights) of an RGBA image. */
export function lumaOf(image: RgbaImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n);
  const d = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = (0.299 * d[j] + 0.587 * d[j + 1] + 0.114 * d[j + 2]) / 255;
  return out;
}

/**
 * Guided filter of `p` with grey guide `guide` (both width x height): q = mean(a)·I + mean(b),
 * a = cov(I,p)/(var(I)+eps), b = mean(p) − a·mean(I). Output clamped to 0..1.
 */
export function guidedFilterGray(guide: Float32Array, p: Float32Array, width: number, height: number, radiusPx: number, eps: number): Float32Array {
  const n = width * height;
  const scratch = new Float32Array(n);
  const tmp = new Float32Array(n);
  const meanI = boxMean(guide, width, height, radiusPx, new Float32Array(n), scratch);
  const meanP = boxMean(p, width, height, radiusPx, new Float32Array(n), scratch);
  for (let i = 0; i < n; i++) tmp[i] = guide[i] * p[i];
  const corrIP = boxMean(tmp, width, height, radiusPx, new Float32Array(n), scratch);
  for (let i = 0; i < n; i++) tmp[i] = guide[i] * guide[i];
  const corrII = boxMean(tmp, width, height, radiusPx, new Float32Array(n), scratch);
  // a and b overwrite corrIP and corrII to keep memory at a few planes.
  const a = corrIP;
  const b = corrII;
  for (let i = 0; i < n; i++) {
    const mI = meanI[i];
    const varI = corrII[i] - mI * mI;
    const ai = (corrIP[i] - mI * meanP[i]) / (varI + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * mI;
  }
  const meanA = boxMean(a, width, height, radiusPx, meanI, scratch);
  const meanB = boxMean(b, width, height, radiusPx, meanP, scratch);
  const q = tmp;
  for (let i = 0; i < n; i++) {
    const v = meanA[i] * guide[i] + meanB[i];
    q[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return q;
}

/** Default guided-filter radius for an upsampling factor: about 1.5 low-res pixels, at least 2. */
export function defaultGuidedRadius(imageW: number, imageH: number, maskW: number, maskH: number): number {
  const factor = Math.max(imageW / maskW, imageH / maskH);
  return Math.max(2, Math.round(factor * 1.5));
}

/**
 * Brings a low-resolution mask to the image's full resolution edge-aware: bilinear upsample,
 * then a guided filter against the image's luma so the edge follows the image, not the grid.
 */
export function upsampleMaskGuided(mask: Float32Array, maskW: number, maskH: number, image: RgbaImage, options: GuidedFilterOptions = {}): Float32Array {
  const { width, height } = image;
  const up = resizeFloatBilinear(mask, maskW, maskH, width, height);
  if (width === maskW && height === maskH) return up;
  const r = options.radiusPx ?? defaultGuidedRadius(width, height, maskW, maskH);
  const q = guidedFilterGray(lumaOf(image), up, width, height, r, options.eps ?? 1e-3);
  // The filter's linear model leaks a few percent of alpha into flat regions next to an edge;
  // summed over a whole background that costs more SAD than the edge gains. Snap the tails.
  const lo = options.snap ?? 0.04;
  const hi = 1 - lo;
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (v < lo) q[i] = 0;
    else if (v > hi) q[i] = 1;
  }
  return q;
}
