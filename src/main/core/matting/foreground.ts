// Foreground colour estimation by blur-fusion (Forte & Pitié 2021, "Approximate fast foreground
// colour estimation"): F = F̂ + a·(I − a·F̂ − (1−a)·B̂) with F̂, B̂ alpha-weighted local means, run
// twice (large, then 3 px radius). Removes the old background's colour from hair and edges.
// Core, typed arrays only.
import { luma } from '../../../shared/color';
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
  /** Take the old background's hue out of the edge (removeBackgroundTint); default: where the image's colour is subsampled (RgbaImage.isColourSubsampled). */
  shouldRemoveTint?: boolean;
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
 * Returns RGBA with RGB = F (opaque pixels keep their own colour, but for the rim's bled hue where
 * the colour is subsampled: removeBackgroundTint) and A = round(alpha·255).
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
  const grid: CoarseGrid = { planes: blurred, lw, cols: bilinearTaps(W, lw, factor), rows: bilinearTaps(H, lh, factor) };
  // Told every 1/8 of the rows (pass 1) and of the soft pixels (pass 2).
  const rowsPerStep = Math.max(1, Math.ceil(H / 8));
  for (let y = 0; y < H; y++) {
    if (y % rowsPerStep === rowsPerStep - 1) step(0.3 + (0.4 * (y + 1)) / H);
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!inReach[i]) continue;
      sampleCoarse(grid, x, y, sample);
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
    if (k % softPerStep === softPerStep - 1) step(0.7 + (0.2 * (k + 1)) / soft.length);
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
  if (options.shouldRemoveTint ?? image.isColourSubsampled === true) removeBackgroundTint(data, alpha, out, W, H, grid);
  step(1);
  return { data: out, width: W, height: H };
}

/** Window means on a coarse grid (pass 1's: a, I·a, I) and its bilinear taps. */
interface CoarseGrid {
  planes: Float32Array[];
  lw: number;
  cols: ReturnType<typeof bilinearTaps>;
  rows: ReturnType<typeof bilinearTaps>;
}

/** A coarse grid's planes at pixel (x, y), bilinear, into `sample`. */
function sampleCoarse({ planes, lw, cols, rows }: CoarseGrid, x: number, y: number, sample: Float32Array): void {
  const r0 = rows.i0[y] * lw, r1 = rows.i1[y] * lw, wy = rows.w[y];
  const x0 = cols.i0[x], x1 = cols.i1[x], wx = cols.w[x];
  for (let c = 0; c < planes.length; c++) {
    const p = planes[c];
    const top = p[r0 + x0] + (p[r0 + x1] - p[r0 + x0]) * wx;
    const bot = p[r1 + x0] + (p[r1 + x1] - p[r1 + x0]) * wx;
    sample[c] = top + (bot - top) * wy;
  }
}

/** Half-width (px) of the window whose clear subject and clear background give the colours a tint is measured against. */
const TINT_WINDOW_PX = 8;
/** The window's means are taken on a grid this many pixels to a cell (bilinear between cells). */
const TINT_CELL_PX = 4;
/** A background with less colour than this (length of its chroma, 0..255 units) has no tint to leave. */
const TINT_MIN_CHROMA = 10;
/** At most this share of the background's hue beyond the subject's is taken away: what half-resolution colour can bleed. */
const TINT_MAX_SHARE = 0.3;

/**
 * Takes the old background's hue out of the edge, in place in `out` (RGBA, F from blur-fusion).
 * A JPEG keeps colour at half resolution, so a saturated background bleeds its hue 1–2 px into the
 * subject: dark hair against a pink wall kept a red rim, opaque pixels included, which blur-fusion
 * cannot remove (it trusts each pixel's colour). For every soft pixel and every opaque pixel next to
 * a non-opaque one, with B the mean colour of the clear background (alpha 0) and F the mean colour
 * of the clear subject (opaque, off the rim) around it (about TINT_WINDOW_PX; pass 1's large means
 * where there is none): the pixel's chroma along B's hue beyond what F has along it is removed.
 * Only chroma changes (luma, the strands' detail, stays), only along the background's hue and never
 * past grey on it, so it takes colour away and never adds any; and at most TINT_MAX_SHARE of the
 * background's hue beyond the subject's. Chosen (window, rim, share) on composites of
 * `../shared/train/anime` sprites on colours and scenes saved as JPEG (bench/sections/foreground.ts).
 */
function removeBackgroundTint(data: Uint8Array, alpha: Float32Array, out: Uint8Array, W: number, H: number, grid: CoarseGrid): void {
  const n = W * H;
  const notOpaque = new Uint8Array(n);
  for (let i = 0; i < n; i++) notOpaque[i] = alpha[i] < A_HIGH ? 1 : 0;
  const nearEdge = dilateSquare(notOpaque, W, H, 1);
  // Per cell: count and RGB sums of the clear subject (0..3) and of the clear background (4..7),
  // summed only in the cells within a window of a pixel to mend.
  const f = TINT_CELL_PX;
  const cw = Math.ceil(W / f);
  const ch = Math.ceil(H / f);
  const radius = Math.max(1, Math.round(TINT_WINDOW_PX / f));
  const toMend = new Uint8Array(cw * ch);
  for (let y = 0; y < H; y++) {
    const row = ((y / f) | 0) * cw;
    for (let x = 0, i = y * W; x < W; x++, i++) if (nearEdge[i] && alpha[i] > A_LOW) toMend[row + ((x / f) | 0)] = 1;
  }
  const inWindow = dilateSquare(toMend, cw, ch, radius + 1);
  const cells = Array.from({ length: 8 }, () => new Float32Array(cw * ch));
  for (let l = 0; l < cw * ch; l++) {
    if (!inWindow[l]) continue;
    const cy = (l / cw) | 0;
    const cx = l - cy * cw;
    for (let y = cy * f, yEnd = Math.min(H, y + f); y < yEnd; y++) {
      for (let x = cx * f, xEnd = Math.min(W, x + f), i = y * W + x; x < xEnd; x++, i++) {
        const base = alpha[i] <= A_LOW ? 4 : nearEdge[i] ? -1 : 0;
        if (base < 0) continue;
        cells[base][l]++;
        cells[base + 1][l] += data[i * 4];
        cells[base + 2][l] += data[i * 4 + 1];
        cells[base + 3][l] += data[i * 4 + 2];
      }
    }
  }
  const scratch = new Float32Array(cw * ch);
  const means = cells.map((p) => boxMean(p, cw, ch, radius, new Float32Array(cw * ch), scratch));
  const local: CoarseGrid = { planes: means, lw: cw, cols: bilinearTaps(W, cw, f), rows: bilinearTaps(H, ch, f) };
  const near = new Float32Array(8);
  const large = new Float32Array(7);
  for (let y = 0; y < H; y++) {
    for (let x = 0, i = y * W; x < W; x++, i++) {
      const a = alpha[i];
      if (a <= A_LOW || !nearEdge[i]) continue; // clear background, or clear subject
      sampleCoarse(local, x, y, near);
      let fr: number, fg: number, fb: number, br: number, bg: number, bb: number;
      const hasSubject = near[0] > 1e-3;
      const hasBackground = near[4] > 1e-3;
      if (!hasSubject || !hasBackground) sampleCoarse(grid, x, y, large);
      if (hasSubject) {
        fr = near[1] / near[0];
        fg = near[2] / near[0];
        fb = near[3] / near[0];
      } else {
        const s = 255 / (large[0] + 1e-5);
        fr = large[1] * s;
        fg = large[2] * s;
        fb = large[3] * s;
      }
      if (hasBackground) {
        br = near[5] / near[4];
        bg = near[6] / near[4];
        bb = near[7] / near[4];
      } else {
        const s = 255 / (1 - large[0] + 1e-5);
        br = (large[4] - large[1]) * s;
        bg = (large[5] - large[2]) * s;
        bb = (large[6] - large[3]) * s;
      }
      // The background's hue: its chroma (the colour less its luma; a chroma has no luma of its own).
      const yb = luma(br, bg, bb);
      let ur = br - yb, ug = bg - yb, ub = bb - yb;
      const length = Math.sqrt(ur * ur + ug * ug + ub * ub);
      if (length < TINT_MIN_CHROMA) continue;
      ur /= length;
      ug /= length;
      ub /= length;
      const j = i * 4;
      const pr = out[j], pg = out[j + 1], pb = out[j + 2];
      const yp = luma(pr, pg, pb);
      const own = (pr - yp) * ur + (pg - yp) * ug + (pb - yp) * ub;
      if (own <= 0) continue;
      const yf = luma(fr, fg, fb);
      const subject = Math.max(0, (fr - yf) * ur + (fg - yf) * ug + (fb - yf) * ub);
      const tint = Math.min(own - subject, TINT_MAX_SHARE * (length - subject));
      if (tint <= 0) continue;
      out[j] = clampByte(pr - tint * ur);
      out[j + 1] = clampByte(pg - tint * ug);
      out[j + 2] = clampByte(pb - tint * ub);
    }
  }
}

/** Rounds and clamps to 0..255. */
function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
