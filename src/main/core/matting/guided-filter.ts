// Edge-aware upsampling of a low-resolution mask with a guided filter (He, Sun, Tang 2013)
// against the full-resolution image. Pure typed-array code; the `fast` refine mode.
import { luma } from '../../../shared/color';
import type { RgbaImage } from '../image/decode';
import { bilinearTaps, resizeFloatBilinear, resizeTaps, type PixelBox } from '../image/resize';
import { BoxMeanRows } from './box-filter';

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

/*
 * FlatKeep, the flat-area correction (keepFlat): the box mean of each window's edge weight
 * w = var(I)/(var(I)+eps) (1 on a strong edge of the guide, 0 where it is flat) and the twice
 * box-averaged input (what the filter gives where the guide is flat: mean(a) ≈ 0, q ≈ mean(mean(p))).
 * q + (1 − mean(w))·(p − mean(mean(p))) is then the plain filter at the guide's edges and the input
 * itself where the guide is flat: there the filter only blurred the mask, a halo of the old
 * background as wide as twice its radius round a dark head on a dark background (the batch's fast
 * edges kept 1.6× the pixels the raw mask kept past 4 px outside a person's outline, median of 10
 * people pasted on black).
 */

/** Luma in 0..1 (Rec. 601 weights) of an RGBA image (with `box`, of that part of it). */
export function lumaOf(image: RgbaImage, box: PixelBox = { x0: 0, y0: 0, x1: image.width, y1: image.height }): Float32Array {
  const w = box.x1 - box.x0;
  const out = new Float32Array(w * (box.y1 - box.y0));
  const d = image.data;
  for (let y = box.y0, i = 0; y < box.y1; y++) {
    for (let x = box.x0, j = (y * image.width + x) * 4; x < box.x1; x++, i++, j += 4) out[i] = luma(d[j], d[j + 1], d[j + 2]) / 255;
  }
  return out;
}

/**
 * The guided filter's linear model, box-averaged, a row at a time: mean(a) and mean(b) with
 * a = cov(I,p)/(var(I)+eps), b = mean(p) − a·mean(I), over (2r+1)² windows (with `keepFlat`, also
 * FlatKeep's mean(w) and mean(mean(p))). Two streams of box means, the second fed by the first.
 * `onRow(y, meanA, meanB, meanW, meanP2)` hears each row in order (the
 * rows are reused: read them before returning; meanW and meanP2 are empty without keepFlat). The
 * same sums in the same order as whole-plane box means (the same floats), with no plane allocated.
 */
function guidedRows(
  guide: Float32Array,
  p: Float32Array,
  width: number,
  height: number,
  r: number,
  eps: number,
  keepFlat: boolean,
  onRow: (y: number, meanA: Float32Array, meanB: Float32Array, meanW: Float32Array, meanP2: Float32Array) => void,
): void {
  const ip = new Float32Array(width);
  const ii = new Float32Array(width);
  const moments = new BoxMeanRows(width, height, r, 4, (y) => {
    const at = y * width;
    for (let x = 0; x < width; x++) {
      const g = guide[at + x];
      ip[x] = g * p[at + x];
      ii[x] = g * g;
    }
    return [guide.subarray(at, at + width), p.subarray(at, at + width), ip, ii];
  });
  const a = new Float32Array(width);
  const b = new Float32Array(width);
  const w = new Float32Array(keepFlat ? width : 0);
  const model = new BoxMeanRows(width, height, r, keepFlat ? 4 : 2, () => {
    const [meanI, meanP, corrIP, corrII] = moments.next();
    for (let x = 0; x < width; x++) {
      const mI = meanI[x];
      const varI = corrII[x] - mI * mI;
      const ax = (corrIP[x] - mI * meanP[x]) / (varI + eps);
      a[x] = ax;
      b[x] = meanP[x] - ax * mI;
      if (keepFlat) w[x] = varI > 0 ? varI / (varI + eps) : 0;
    }
    return keepFlat ? [a, b, w, meanP] : [a, b];
  });
  const none = new Float32Array(0);
  for (let y = 0; y < height; y++) {
    const [meanA, meanB, meanW = none, meanP2 = none] = model.next();
    onRow(y, meanA, meanB, meanW, meanP2);
  }
}

/**
 * Guided filter of `p` with grey guide `guide` (both width x height): q = mean(a)·I + mean(b)
 * (with `keepFlat`, p where the guide is flat: FlatKeep). Output clamped to 0..1. `onRows` hears
 * the share of the rows done, sixteen times.
 */
export function guidedFilterGray(guide: Float32Array, p: Float32Array, width: number, height: number, radiusPx: number, eps: number, keepFlat = false, onRows?: (fraction: number) => void): Float32Array {
  const q = new Float32Array(width * height);
  const every = Math.max(1, Math.ceil(height / 16));
  guidedRows(guide, p, width, height, radiusPx, eps, keepFlat, (y, meanA, meanB, meanW, meanP2) => {
    const at = y * width;
    for (let x = 0; x < width; x++) {
      const i = at + x;
      let v = meanA[x] * guide[i] + meanB[x];
      if (keepFlat) v += (1 - meanW[x]) * (p[i] - meanP2[x]);
      q[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    if (onRows && (y + 1) % every === 0) onRows((y + 1) / height);
  });
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
  // With keepFlat, (1 − mean(w))·(p − mean(mean(p))) is added to mean(b) on the coarse grid: the
  // enlargement is linear, so it reaches every pixel with no plane of its own.
  const meanA = new Float32Array(w * h);
  const meanB = new Float32Array(w * h);
  guidedRows(small.data, smallP, w, h, r, eps, keepFlat, (y, rowA, rowB, rowW, rowP2) => {
    const at = y * w;
    meanA.set(rowA, at);
    for (let x = 0; x < w; x++) meanB[at + x] = keepFlat ? rowB[x] + (1 - rowW[x]) * (smallP[at + x] - rowP2[x]) : rowB[x];
  });
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
 * How far from 0 (or 1) the input may be everywhere in a pixel's (4r+1)² neighbourhood for the
 * filter's output there to be snapped to 0 (or 1): below this the exact filter need not run.
 * Where |p − c| ≤ e over the neighbourhood (c = 0 or 1), every window's |a| is at most
 * σ_p·σ_I/(σ_I² + eps) ≤ (e/2)/(2√eps), and q, the windows' mean of mean(p) + a·(I − mean(I)),
 * lies within e·(1 + 1/(4√eps)) of c (guide in 0..1), plus e for keepFlat's p − mean(mean(p)). A
 * tenth is left for the floats.
 */
export function saturatedBelow(snap: number, eps: number, keepFlat: boolean): number {
  return (0.9 * snap) / (1 + 1 / (4 * Math.sqrt(eps)) + (keepFlat ? 1 : 0));
}

/** Below `snap` to 0, above 1 − snap to 1, in place. */
function snapTails(q: Float32Array, snap: number): void {
  const hi = 1 - snap;
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (v < snap) q[i] = 0;
    else if (v > hi) q[i] = 1;
  }
}

/**
 * A part of the image the exact filter must run on: the columns x0..x1 − 1 of the rows y0..y1 − 1
 * are kept from the filter of `box` (those outputs and every window they read, 2r round them).
 */
interface FilterRun {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  box: PixelBox;
}

/**
 * Where the exact filter must run, and the output elsewhere: the rows go in bands of 8r (48 at a
 * portrait's r of 6; 32 to 64 rows filter about as much); in each band a column whose every pixel
 * within 2r (rows and columns) is within `e` of 0 (or 1) is set to 0 (or 1) in `q`, read off the
 * mask's own cells (a bilinear pixel lies between its cells), and the other columns make runs. A
 * gap narrower than the margins two runs would add is filtered too. Exported for its test.
 */
export function planFilterRuns(mask: Float32Array, maskW: number, maskH: number, width: number, height: number, r: number, e: number, q: Float32Array): FilterRun[] {
  const cols = resizeTaps(maskW, width);
  const rows = resizeTaps(maskH, height);
  const reach = 2 * r;
  const bandRows = Math.max(32, 8 * r);
  const cellNotLow = new Uint8Array(maskW);
  const cellNotHigh = new Uint8Array(maskW);
  const notLow = new Uint8Array(width);
  const notHigh = new Uint8Array(width);
  const need = new Uint8Array(width);
  const runs: FilterRun[] = [];
  for (let y0 = 0; y0 < height; y0 += bandRows) {
    const y1 = Math.min(height, y0 + bandRows);
    const ya = Math.max(0, y0 - reach);
    const yb = Math.min(height, y1 + reach);
    cellNotLow.fill(0);
    cellNotHigh.fill(0);
    for (let m = rows.i0[ya]; m <= rows.i1[yb - 1]; m++) {
      for (let c = 0, i = m * maskW; c < maskW; c++, i++) {
        if (mask[i] > e) cellNotLow[c] = 1;
        if (mask[i] < 1 - e) cellNotHigh[c] = 1;
      }
    }
    for (let x = 0; x < width; x++) {
      notLow[x] = cellNotLow[cols.i0[x]] | cellNotLow[cols.i1[x]];
      notHigh[x] = cellNotHigh[cols.i0[x]] | cellNotHigh[cols.i1[x]];
    }
    // Sliding counts of the columns within 2r that are not all near 0 / not all near 1.
    let lows = 0;
    let highs = 0;
    for (let x = 0; x < Math.min(width, reach); x++) {
      lows += notLow[x];
      highs += notHigh[x];
    }
    for (let x = 0; x < width; x++) {
      if (x + reach < width) {
        lows += notLow[x + reach];
        highs += notHigh[x + reach];
      }
      if (x - reach - 1 >= 0) {
        lows -= notLow[x - reach - 1];
        highs -= notHigh[x - reach - 1];
      }
      need[x] = lows > 0 && highs > 0 ? 1 : 0;
      if (!need[x] && lows > 0) for (let y = y0; y < y1; y++) q[y * width + x] = 1;
    }
    for (let x = 0; x < width; ) {
      if (!need[x]) {
        x++;
        continue;
      }
      let last = x;
      for (let k = x + 1; k < width && k - last <= 2 * reach; k++) if (need[k]) last = k;
      runs.push({ x0: x, x1: last + 1, y0, y1, box: { x0: Math.max(0, x - reach), y0: ya, x1: Math.min(width, last + 1 + reach), y1: yb } });
      x = last + 1;
    }
  }
  return runs;
}

/** Past this share of the image in runs (margins and RUN_ROW_COST_PX counted), the exact filter runs on the whole. */
const WHOLE_FILTER_SHARE = 0.8;

/**
 * What a row of a run costs besides its pixels, in pixels: the box means' work per row (about
 * 600 ns against 50 ns a pixel, filtering 72 rows 8 to 512 wide). A mask of many specks made
 * hundreds of runs 10–17 columns wide, twice as slow as the whole filter (a review).
 */
const RUN_ROW_COST_PX = 12;

/**
 * The mask brought onto the image by the exact guided filter, snapped, the filter run only where
 * the snap leaves something to keep: a matte is 0 or 1 over most of a photo, and there the
 * filter's output is known without it (saturatedBelow, planFilterRuns). The upsampled mask and the
 * luma are made only in the runs. A third of a portrait's work image is filtered (31 eval
 * portraits, ICAO), in half the time; outputs equal the whole filter's but for the rounding of
 * running sums begun elsewhere (6e-8 at most on those portraits, no 8-bit value changed). A mask
 * soft all over, or specked all over, is filtered whole (runs would cost more: their margins and
 * rows counted). Outputs differ from the whole filter's only where a float32 box sum rounds one
 * ulp apart, magnified by 1/eps (3e-6 at eps 1e-6, a review's adversarial case).
 */
function snappedGuidedUpsample(mask: Float32Array, maskW: number, maskH: number, image: RgbaImage, r: number, eps: number, snap: number, keepFlat: boolean, tell: (done: number) => void): Float32Array {
  const { width, height } = image;
  let q: Float32Array = new Float32Array(width * height);
  const runs = planFilterRuns(mask, maskW, maskH, width, height, r, saturatedBelow(snap, eps, keepFlat), q);
  const cost = runs.reduce((sum, { box }) => sum + (box.x1 - box.x0 + RUN_ROW_COST_PX) * (box.y1 - box.y0), 0);
  if (cost > WHOLE_FILTER_SHARE * width * height) {
    q = guidedFilterGray(lumaOf(image), resizeFloatBilinear(mask, maskW, maskH, width, height), width, height, r, eps, keepFlat, (f) => tell(3 * f));
  } else {
    let done = 0;
    for (const { x0, x1, y0, y1, box } of runs) {
      const w = box.x1 - box.x0;
      const part = guidedFilterGray(lumaOf(image, box), resizeFloatBilinear(mask, maskW, maskH, width, height, box), w, box.y1 - box.y0, r, eps, keepFlat);
      for (let y = y0; y < y1; y++) q.set(part.subarray((y - box.y0) * w + (x0 - box.x0), (y - box.y0) * w + (x1 - box.x0)), y * width + x0);
      done += (box.x1 - box.x0 + RUN_ROW_COST_PX) * (box.y1 - box.y0);
      tell((3 * done) / cost);
    }
  }
  snapTails(q, snap);
  tell(4);
  return q;
}

/**
 * Brings a low-resolution mask to the image's full resolution edge-aware: bilinear upsample,
 * then a guided filter against the image's luma so the edge follows the image, not the grid.
 * The filter's linear model leaks a few percent of alpha into flat regions next to an edge;
 * summed over a whole background that costs more SAD than the edge gains, so the tails are
 * snapped (below `snap` to 0, above 1 − snap to 1).
 */
export function upsampleMaskGuided(mask: Float32Array, maskW: number, maskH: number, image: RgbaImage, options: GuidedFilterOptions = {}): Float32Array {
  const { width, height } = image;
  if (width === maskW && height === maskH) return resizeFloatBilinear(mask, maskW, maskH, width, height);
  const r = options.radiusPx ?? defaultGuidedRadius(width, height, maskW, maskH);
  const eps = options.eps ?? 1e-3;
  const s = options.subsample ?? 1;
  const snap = options.snap ?? 0.04;
  // Steps: four, the last the snap (the exact filter tells its runs' share of the first three).
  const total = 4;
  const tell = (done: number): void => options.onStep?.(done / total);
  if (s <= 1) return snappedGuidedUpsample(mask, maskW, maskH, image, r, eps, snap, options.keepFlat ?? false, tell);
  const luma = lumaOf(image);
  tell(1);
  const p = resizeFloatBilinear(mask, maskW, maskH, Math.ceil(width / s), Math.ceil(height / s));
  tell(2);
  const q = fastGuidedFilterGray(luma, p, width, height, r, eps, s, options.keepFlat);
  tell(total - 1);
  snapTails(q, snap);
  tell(total);
  return q;
}
