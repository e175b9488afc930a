// Foreground colour estimation by blur-fusion (Forte & Pitié 2021, "Approximate fast foreground
// colour estimation"): F = F̂ + a·(I − a·F̂ − (1−a)·B̂) with F̂, B̂ alpha-weighted local means, run
// twice (large, then 3 px radius). Removes the old background's colour from hair and edges.
// Core, typed arrays only.
import type { RgbaImage } from '../image/decode';
import { bilinearTaps } from '../image/resize';
import { boxMean } from './box-filter';
import { dilateSquare } from './morphology';

/** Options of estimateForeground. */
export interface ForegroundOptions {
  /** Radius (px) of the first, large blur pass; default defaultForegroundRadius(). */
  largeRadiusPx?: number;
  /** Radius (px) of the second, small blur pass; default 3. */
  smallRadiusPx?: number;
  /** Hears how far the estimate is (0..1, going up) as its passes go: seconds at 80 MP. */
  onStep?: (fraction: number) => void;
}

/** Default large blur radius: about 4.5 % of the longer side (45 px at 1000 px), at least 6. */
export function defaultForegroundRadius(width: number, height: number): number {
  return Math.max(6, Math.round(Math.max(width, height) * 0.045));
}

/** Alpha below / above these counts as exactly 0 / 1 (invisible in 8-bit output). */
const A_LOW = 0.002;
const A_HIGH = 0.998;

/**
 * Area-averaged downsample by an integer factor of the 7 planes blur-fusion's large pass needs:
 * a, then I·a (r, g, b), then I (r, g, b), intensities in 0..1. Planes are lw x lh.
 */
function downsampleFusionPlanes(data: Uint8Array, alpha: Float32Array, width: number, height: number, factor: number): { planes: Float32Array[]; lw: number; lh: number } {
  const lw = Math.ceil(width / factor);
  const lh = Math.ceil(height / factor);
  const planes = Array.from({ length: 7 }, () => new Float32Array(lw * lh));
  const [pa, par, pag, pab, pr, pg, pb] = planes;
  const weight = new Float32Array(lw * lh);
  const cellOfColumn = Int32Array.from({ length: width }, (_, x) => (x / factor) | 0);
  for (let y = 0; y < height; y++) {
    const rowL = ((y / factor) | 0) * lw;
    for (let x = 0, i = y * width, j = i * 4; x < width; x++, i++, j += 4) {
      const l = rowL + cellOfColumn[x];
      const a = alpha[i];
      const r = data[j] / 255;
      const g = data[j + 1] / 255;
      const b = data[j + 2] / 255;
      weight[l]++;
      pa[l] += a;
      par[l] += r * a;
      pag[l] += g * a;
      pab[l] += b * a;
      pr[l] += r;
      pg[l] += g;
      pb[l] += b;
    }
  }
  for (const p of planes) for (let l = 0; l < p.length; l++) p[l] /= weight[l];
  return { planes, lw, lh };
}

/** Blur-fusion's second pass for one channel: F from the window sums of F·a and B·(1 − a), as 8 bits. */
function fuse(fSum: number, bSum: number, cnt: number, ba: number, a: number, value: number): number {
  const fHat = fSum / cnt / (ba + 1e-5);
  const bHat = bSum / cnt / (1 - ba + 1e-5);
  const v = fHat + a * (value / 255 - a * fHat - (1 - a) * bHat);
  return Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
}

/**
 * Estimates the foreground colours F of `image` given its alpha (0..1, full resolution), so that
 * a composite F·a + B'·(1−a) on a new background B' carries no trace of the old background.
 * Returns RGBA with RGB = F (opaque pixels keep their own colour) and A = round(alpha·255).
 * Work is proportional to the number of partially transparent pixels plus a coarse pass over
 * the image: the large blur runs at 1/(radius/3) resolution, the small one only around soft pixels.
 */
export function estimateForeground(image: RgbaImage, alpha: Float32Array, options: ForegroundOptions = {}): RgbaImage {
  const { width: W, height: H, data } = image;
  const n = W * H;
  const out = new Uint8Array(n * 4);
  out.set(data.subarray(0, n * 4));
  for (let i = 0, j = 3; i < n; i++, j += 4) {
    const a = alpha[i];
    out[j] = a <= 0 ? 0 : a >= 1 ? 255 : Math.round(a * 255);
  }
  const rs = options.smallRadiusPx ?? 3;
  // Pixels whose F matters (soft) and pixels the small pass reads (soft dilated by rs: a square
  // window, done as a row dilation then a column dilation).
  const soft: number[] = [];
  const isSoft = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = alpha[i];
    if (a > A_LOW && a < A_HIGH) {
      soft.push(i);
      isSoft[i] = 1;
    }
  }
  const inReach = dilateSquare(isSoft, W, H, rs);
  if (soft.length === 0) return { data: out, width: W, height: H };
  const step = options.onStep ?? (() => undefined);
  step(0.15);

  // Pass 1 (large radius) on a downsampled grid: means of a, I·a and I.
  const rl = options.largeRadiusPx ?? defaultForegroundRadius(W, H);
  const factor = Math.max(1, Math.floor(rl / 3));
  const { planes, lw, lh } = downsampleFusionPlanes(data, alpha, W, H, factor);
  const lr = Math.max(1, Math.round(rl / factor));
  const scratch = new Float32Array(lw * lh);
  const blurred = planes.map((p) => boxMean(p, lw, lh, lr, new Float32Array(lw * lh), scratch));
  step(0.3);
  // F1 and B̂ (3 planes each) wherever the small pass reads them.
  const f1 = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const bh = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const sample = new Float32Array(7);
  // Bilinear sampling of the coarse grid, each column's and row's taps computed once.
  const cols = bilinearTaps(W, lw, factor);
  const rows = bilinearTaps(H, lh, factor);
  // Told every 1/8 of the rows (pass 1) and of the soft pixels (pass 2).
  const rowsPerStep = Math.max(1, Math.ceil(H / 8));
  for (let y = 0; y < H; y++) {
    if (y % rowsPerStep === rowsPerStep - 1) step(0.3 + (0.4 * (y + 1)) / H);
    const y0 = rows.i0[y];
    const y1 = rows.i1[y];
    const wy = rows.w[y];
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!inReach[i]) continue;
      const x0 = cols.i0[x];
      const x1 = cols.i1[x];
      const wx = cols.w[x];
      const l00 = y0 * lw + x0, l01 = y0 * lw + x1, l10 = y1 * lw + x0, l11 = y1 * lw + x1;
      for (let c = 0; c < 7; c++) {
        const p = blurred[c];
        const top = p[l00] + (p[l01] - p[l00]) * wx;
        const bot = p[l10] + (p[l11] - p[l10]) * wx;
        sample[c] = top + (bot - top) * wy;
      }
      const ba = sample[0];
      const a = alpha[i];
      for (let c = 0; c < 3; c++) {
        const iv = data[i * 4 + c] / 255;
        const fHat = sample[1 + c] / (ba + 1e-5);
        const bHat = (sample[4 + c] - sample[1 + c]) / (1 - ba + 1e-5);
        bh[c][i] = bHat < 0 ? 0 : bHat > 1 ? 1 : bHat;
        if (a >= A_HIGH) f1[c][i] = iv;
        else {
          const v = fHat + a * (iv - a * fHat - (1 - a) * bHat);
          f1[c][i] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    }
  }

  // Pass 2 (small radius), exact window sums around each soft pixel.
  const [f1r, f1g, f1b] = f1;
  const [bhr, bhg, bhb] = bh;
  const softPerStep = Math.max(1, Math.ceil(soft.length / 8));
  for (let k = 0; k < soft.length; k++) {
    if (k % softPerStep === softPerStep - 1) step(0.7 + (0.3 * (k + 1)) / soft.length);
    const i = soft[k];
    const y = (i / W) | 0;
    const x = i - y * W;
    const x0 = Math.max(0, x - rs);
    const x1 = Math.min(W - 1, x + rs);
    let sa = 0, cnt = 0, fr = 0, fg = 0, fb = 0, br = 0, bg = 0, bb = 0;
    for (let yy = Math.max(0, y - rs); yy <= Math.min(H - 1, y + rs); yy++) {
      for (let q = yy * W + x0, end = yy * W + x1; q <= end; q++) {
        const aq = alpha[q];
        const ia = 1 - aq;
        cnt++;
        sa += aq;
        fr += f1r[q] * aq;
        fg += f1g[q] * aq;
        fb += f1b[q] * aq;
        br += bhr[q] * ia;
        bg += bhg[q] * ia;
        bb += bhb[q] * ia;
      }
    }
    const ba = sa / cnt;
    const a = alpha[i];
    const j = i * 4;
    out[j] = fuse(fr, br, cnt, ba, a, data[j]);
    out[j + 1] = fuse(fg, bg, cnt, ba, a, data[j + 1]);
    out[j + 2] = fuse(fb, bb, cnt, ba, a, data[j + 2]);
  }
  return { data: out, width: W, height: H };
}
