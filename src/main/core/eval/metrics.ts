// Segmentation and matting metrics on float alpha maps in 0..1: IoU (foreground, background),
// SAD, MSE and gradient error (Rhemann et al. 2009), and the foreground colour error near the edge.
// Pure typed-array code (core).
import { dilateSquare } from '../matting/morphology';

/** Per-image scores. SAD and Grad are reported divided by 1000, as in the matting literature. */
export interface MaskScores {
  fgIoU: number;
  bgIoU: number;
  meanIoU: number;
  /** Sum of absolute differences / 1000. */
  sad: number;
  /** Mean squared error (alpha in 0..1). */
  mse: number;
  /** Sum of squared differences of Gaussian-gradient magnitudes (sigma 1.4) / 1000. */
  grad: number;
}

/** The pixel counts behind one image's IoUs (maps thresholded at 0.5). */
export interface IouCounts {
  fgInter: number;
  fgUnion: number;
  bgInter: number;
  bgUnion: number;
}

/** Intersections and unions of the thresholded maps (pred and truth >= 0.5), foreground and background. */
export function iouCounts(pred: Float32Array, truth: Float32Array): IouCounts {
  let fgInter = 0, fgUnion = 0, bgInter = 0, bgUnion = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] >= 0.5;
    const t = truth[i] >= 0.5;
    if (p && t) fgInter++;
    if (p || t) fgUnion++;
    if (!p && !t) bgInter++;
    if (!p || !t) bgUnion++;
  }
  return { fgInter, fgUnion, bgInter, bgUnion };
}

/** IoUs from counts; an empty union means both maps agree that there is nothing: perfect. */
function iouOf(c: IouCounts): { fgIoU: number; bgIoU: number } {
  return { fgIoU: c.fgUnion ? c.fgInter / c.fgUnion : 1, bgIoU: c.bgUnion ? c.bgInter / c.bgUnion : 1 };
}

/** IoU of the thresholded maps (pred and truth >= 0.5) for foreground and background. */
export function iouScores(pred: Float32Array, truth: Float32Array): { fgIoU: number; bgIoU: number } {
  return iouOf(iouCounts(pred, truth));
}

/**
 * IoUs over the pixels of all images together. Unlike the per-image mean, an image whose truth
 * and prediction are both empty adds nothing, and one with an empty truth but a few predicted
 * pixels costs those pixels, not a whole 0 (the per-image fg IoU of such an image is 0 or 1).
 */
export function pooledIou(all: IouCounts[]): { fgIoU: number; bgIoU: number; meanIoU: number } {
  const sum: IouCounts = { fgInter: 0, fgUnion: 0, bgInter: 0, bgUnion: 0 };
  for (const c of all) for (const k of Object.keys(sum) as (keyof IouCounts)[]) sum[k] += c[k];
  const { fgIoU, bgIoU } = iouOf(sum);
  return { fgIoU, bgIoU, meanIoU: (fgIoU + bgIoU) / 2 };
}

/** Normalised 1-D Gaussian and its derivative kernels for sigma. */
function gaussianKernels(sigma: number): { g: Float32Array; dg: Float32Array; r: number } {
  const r = Math.ceil(3 * sigma);
  const g = new Float32Array(2 * r + 1);
  const dg = new Float32Array(2 * r + 1);
  let sum = 0;
  let dsum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    g[i + r] = v;
    sum += v;
  }
  for (let i = -r; i <= r; i++) {
    g[i + r] /= sum;
    dg[i + r] = (-i / (sigma * sigma)) * g[i + r];
    dsum += -i * dg[i + r];
  }
  // Scale the derivative so that it returns slope 1 on a unit ramp.
  for (let i = 0; i < dg.length; i++) dg[i] /= dsum;
  return { g, dg, r };
}

function convolveRows(src: Float32Array, w: number, h: number, k: Float32Array, r: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = -r; j <= r; j++) {
        const xx = x + j < 0 ? 0 : x + j >= w ? w - 1 : x + j;
        acc += src[row + xx] * k[j + r];
      }
      out[row + x] = acc;
    }
  }
  return out;
}

function convolveCols(src: Float32Array, w: number, h: number, k: Float32Array, r: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let j = -r; j <= r; j++) {
      const yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
      const kv = k[j + r];
      const srow = yy * w;
      const orow = y * w;
      for (let x = 0; x < w; x++) out[orow + x] += src[srow + x] * kv;
    }
  }
  return out;
}

/** Gradient magnitude with Gaussian derivative filters. */
export function gaussianGradientMagnitude(a: Float32Array, w: number, h: number, sigma = 1.4): Float32Array {
  const { g, dg, r } = gaussianKernels(sigma);
  const gx = convolveCols(convolveRows(a, w, h, dg, r), w, h, g, r);
  const gy = convolveCols(convolveRows(a, w, h, g, r), w, h, dg, r);
  const out = new Float32Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.hypot(gx[i], gy[i]);
  return out;
}

/** All scores of a predicted alpha against the ground truth (same size, both 0..1), with the IoU counts. */
export function scoreMask(pred: Float32Array, truth: Float32Array, width: number, height: number): MaskScores & { counts: IouCounts } {
  if (pred.length !== truth.length || pred.length !== width * height) throw new Error('scoreMask: size mismatch');
  const counts = iouCounts(pred, truth);
  const { fgIoU, bgIoU } = iouOf(counts);
  let sad = 0;
  let sse = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i] - truth[i];
    sad += Math.abs(d);
    sse += d * d;
  }
  const gp = gaussianGradientMagnitude(pred, width, height);
  const gt = gaussianGradientMagnitude(truth, width, height);
  let grad = 0;
  for (let i = 0; i < gp.length; i++) {
    const d = gp[i] - gt[i];
    grad += d * d;
  }
  return { fgIoU, bgIoU, meanIoU: (fgIoU + bgIoU) / 2, sad: sad / 1000, mse: sse / pred.length, grad: grad / 1000, counts };
}

/** Arithmetic mean of each score over images. */
export function meanScores(all: MaskScores[]): MaskScores {
  const keys: (keyof MaskScores)[] = ['fgIoU', 'bgIoU', 'meanIoU', 'sad', 'mse', 'grad'];
  const out = { fgIoU: 0, bgIoU: 0, meanIoU: 0, sad: 0, mse: 0, grad: 0 };
  for (const s of all) for (const k of keys) out[k] += s[k] / all.length;
  return out;
}

/** How far estimated foreground colours are from the true ones near the edge (0..255 units). */
export interface ForegroundColourError {
  /** Mean over the soft pixels (0 < a < 1) of a·|F − F*|, averaged over R, G, B. */
  soft: number;
  /** The same over the opaque pixels within FOREGROUND_RIM_PX of a non-opaque one, where a photo's old background bleeds in. */
  rim: number;
}

/** Width of the opaque rim foregroundColourError scores. */
export const FOREGROUND_RIM_PX = 4;

/**
 * Foreground colour error of an estimate (RGBA, RGB = F) against the true colours (RGBA, RGB = F*)
 * under the true alpha (0..1), both width × height: what the estimate puts on a new background
 * that the truth would not, at the soft pixels and on the opaque rim.
 */
export function foregroundColourError(estimate: Uint8Array, truth: Uint8Array, alpha: Float32Array, width: number, height: number): ForegroundColourError {
  const n = width * height;
  if (alpha.length !== n || estimate.length !== n * 4 || truth.length !== n * 4) throw new Error('foregroundColourError: size mismatch');
  const notOpaque = new Uint8Array(n);
  for (let i = 0; i < n; i++) notOpaque[i] = alpha[i] < 1 ? 1 : 0;
  const rim = dilateSquare(notOpaque, width, height, FOREGROUND_RIM_PX);
  let soft = 0, softCount = 0, rimSum = 0, rimCount = 0;
  for (let i = 0; i < n; i++) {
    const a = alpha[i];
    if (a <= 0 || (a >= 1 && !rim[i])) continue;
    const j = i * 4;
    const e = (a * (Math.abs(estimate[j] - truth[j]) + Math.abs(estimate[j + 1] - truth[j + 1]) + Math.abs(estimate[j + 2] - truth[j + 2]))) / 3;
    if (a < 1) {
      soft += e;
      softCount++;
    } else {
      rimSum += e;
      rimCount++;
    }
  }
  return { soft: softCount ? soft / softCount : 0, rim: rimCount ? rimSum / rimCount : 0 };
}
