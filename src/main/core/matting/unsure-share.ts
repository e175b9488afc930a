// How much of a cut-out is broadly half transparent: the "needs a look" signal that the CLI, the
// editor and batch reports show. A thin soft edge is normal; a wide region of alpha near 0.5 means
// the model could not decide (AI close-ups, faint sketches). Calibrated per model (manifest
// `output.reviewUnsureShare`); see docs/quality.md. Pure typed arrays. Core (no electron).
import { verdictOf, type MatteReview } from '../../../shared/jobs';
import type { ModelEntry } from '../models/manifest';
import { erodeSquare } from './morphology';

/** Long side of the grid the alpha is area-averaged to before measuring. */
export const UNSURE_GRID_PX = 320;
/** Alpha strictly between these counts as unsure. */
export const UNSURE_LOW = 0.2;
/** See UNSURE_LOW. */
export const UNSURE_HIGH = 0.8;
/** Unsure cells must stay unsure after an erosion of this radius (cells): thin edges drop out. */
export const UNSURE_ERODE_CELLS = 2;

/**
 * Area average of a map (or of interleaved `channels`, e.g. 4 for RGBA) to at most `longSide` cells
 * on its long side (never enlarges): each cell is the mean of the pixels whose index falls in it.
 */
export function areaAverage(data: ArrayLike<number>, width: number, height: number, longSide: number, channels = 1): { data: Float32Array; width: number; height: number } {
  const factor = Math.min(1, longSide / Math.max(width, height));
  const gw = Math.max(1, Math.round(width * factor));
  const gh = Math.max(1, Math.round(height * factor));
  if (gw === width && gh === height) return { data: Float32Array.from(data), width, height };
  const xEdge = new Int32Array(gw + 1);
  for (let i = 0; i <= gw; i++) xEdge[i] = Math.floor((i * width) / gw);
  const sums = new Float64Array(gw * gh * channels);
  const counts = new Float64Array(gw * gh);
  let cy = 0;
  for (let y = 0; y < height; y++) {
    while (cy < gh - 1 && y >= Math.floor(((cy + 1) * height) / gh)) cy++;
    const row = y * width;
    const o = cy * gw;
    for (let cx = 0; cx < gw; cx++) {
      // One channel (mattes, the hot path) without the channel loop's indexing.
      if (channels === 1) {
        let s = 0;
        for (let x = xEdge[cx]; x < xEdge[cx + 1]; x++) s += data[row + x];
        sums[o + cx] += s;
      } else {
        for (let c = 0; c < channels; c++) {
          let s = 0;
          for (let x = xEdge[cx]; x < xEdge[cx + 1]; x++) s += data[(row + x) * channels + c];
          sums[(o + cx) * channels + c] += s;
        }
      }
      counts[o + cx] += xEdge[cx + 1] - xEdge[cx];
    }
  }
  const out = new Float32Array(gw * gh * channels);
  for (let k = 0, i = 0; k < counts.length; k++) {
    const n = counts[k];
    for (let c = 0; c < channels; c++, i++) out[i] = n > 0 ? sums[i] / n : 0;
  }
  return { data: out, width: gw, height: gh };
}

/**
 * The unsure share of an alpha matte (0..1): area-average to a grid of at most UNSURE_GRID_PX cells
 * on the long side (a smaller matte is measured as it is), take the cells with UNSURE_LOW < α <
 * UNSURE_HIGH that survive an erosion of UNSURE_ERODE_CELLS, and divide their number by the cells
 * with α > UNSURE_LOW. 0 for an empty matte, and for one whose short side is under 5 cells (nothing
 * survives the erosion there). `own`: the picture's own alpha (matting/own-alpha.ts), which the
 * matte keeps: each pixel is measured against what the picture shows there (α / own), as what it
 * hides or shows half is the picture's, not the model's doubt (a picture 60 % opaque all over read
 * "96 % half transparent where the model was unsure", review s72a).
 */
export function unsureShare(alpha: ArrayLike<number>, width: number, height: number, own?: Uint8Array | null): number {
  if (alpha.length !== width * height) throw new Error(`unsureShare: ${alpha.length} values for ${width}x${height}`);
  const grid = areaAverage(own ? ofOwn(alpha, own) : alpha, width, height, UNSURE_GRID_PX);
  const unsure = new Uint8Array(grid.data.length);
  let subject = 0;
  for (let i = 0; i < grid.data.length; i++) {
    const a = grid.data[i];
    if (a > UNSURE_LOW) {
      subject++;
      if (a < UNSURE_HIGH) unsure[i] = 1;
    }
  }
  if (subject === 0) return 0;
  const core = erodeSquare(unsure, grid.width, grid.height, UNSURE_ERODE_CELLS);
  let n = 0;
  for (let i = 0; i < core.length; i++) n += core[i];
  return n / subject;
}

/**
 * Below this own alpha (a fifth) the picture shows next to nothing, and is measured as hidden: α /
 * own there would magnify a trace of haze (0.02 under a 10 % glow read 0.2, unsure).
 */
const OWN_FAINT = 51;

/** A matte measured against the picture's own alpha: α / own, 0 where the picture hides all or nearly (OWN_FAINT). */
function ofOwn(alpha: ArrayLike<number>, own: Uint8Array): Float32Array {
  const out = new Float32Array(alpha.length);
  for (let i = 0; i < out.length; i++) out[i] = own[i] < OWN_FAINT ? 0 : Math.min(1, (alpha[i] * 255) / own[i]);
  return out;
}

/** Which path made a matte: a cut-out (refined) or a sticker frame (stretched map, no temperature). */
export type ReviewPath = 'cutout' | 'sticker';

/** The threshold of `entry`'s model for a path (manifest output.reviewUnsureShare / stickerReviewUnsureShare), or null. */
export function reviewThresholdOf(entry: Pick<ModelEntry, 'output'>, path: ReviewPath = 'cutout'): number | null {
  return (path === 'sticker' ? entry.output.stickerReviewUnsureShare : entry.output.reviewUnsureShare) ?? null;
}

export { verdictOf };

/** The verdict on a share measured for a matte of `entry`'s model (no threshold for the path: never flagged; an empty matte: flagged). */
export function reviewOf(share: number, entry: Pick<ModelEntry, 'output'>, path: ReviewPath = 'cutout', isEmpty = false): MatteReview {
  return verdictOf(share, reviewThresholdOf(entry, path), isEmpty);
}

/**
 * Whether nothing in a matte is half opaque or more: the model found no subject (as a sticker frame
 * with no subject, make-sticker.ts). `own`: the picture's own alpha (matting/own-alpha.ts), which
 * caps the matte; half of it counts, so a photo at 40 % opacity is not "nothing found".
 */
export function isEmptyMatte(alpha: ArrayLike<number>, own?: Uint8Array | null): boolean {
  for (let i = 0; i < alpha.length; i++) {
    const cap = own ? own[i] / 255 : 1;
    if (cap > 0 && alpha[i] >= 0.5 * cap) return false;
  }
  return true;
}

/**
 * Measures and reviews a matte made by `entry`'s model. A cut-out with nothing in it is flagged; a
 * sticker frame is not (a sticker with no subject in any frame is NO_SUBJECT, make-sticker.ts).
 */
export function reviewMatte(alpha: ArrayLike<number>, width: number, height: number, entry: Pick<ModelEntry, 'output'>, path: ReviewPath = 'cutout', own?: Uint8Array | null): MatteReview {
  return reviewOf(unsureShare(alpha, width, height, own), entry, path, path === 'cutout' && isEmptyMatte(alpha, own));
}
