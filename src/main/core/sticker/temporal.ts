// Temporal logic of a sticker's frame sequence: repeated-frame and scene-cut detection, zero-lag
// smoothing of alpha (forward-backward EMA, reset at cuts) and temporal hysteresis before a 1-bit
// threshold. Pure typed-array code (core).
import { luma } from '../../../shared/color';
import type { RgbaImage } from '../image/decode';
import { boxMean } from '../matting/box-filter';

/** Mean absolute difference of the RGB channels (0..255), on every `step`-th pixel. */
export function meanAbsDiff(a: RgbaImage, b: RgbaImage, step = 3): number {
  const da = a.data;
  const db = b.data;
  let sum = 0;
  let count = 0;
  const stride = step * 4;
  for (let j = 0; j < da.length; j += stride) {
    sum += Math.abs(da[j] - db[j]) + Math.abs(da[j + 1] - db[j + 1]) + Math.abs(da[j + 2] - db[j + 2]);
    count += 3;
  }
  return count ? sum / count : 0;
}

/** Per-block mean absolute RGB difference under which two decoded frames count as the same drawing. */
export const REPEAT_BLOCK_MAD = 2.5;
/** Fraction of luma-histogram mass that must move for a scene cut. */
export const CUT_HISTOGRAM_DISTANCE = 0.5;

/**
 * The largest mean absolute RGB difference (0..255) over a `gx` x `gy` grid of blocks, every
 * `step`-th pixel of every `step`-th row read.
 */
function maxGridDiff(a: RgbaImage, b: RgbaImage, gx: number, gy: number, step: number): number {
  const { width, height } = a;
  const sums = new Float64Array(gx * gy);
  const counts = new Uint32Array(gx * gy);
  const da = a.data;
  const db = b.data;
  for (let y = 0; y < height; y += step) {
    const row = Math.min(gy - 1, Math.floor((y * gy) / height)) * gx;
    for (let x = 0; x < width; x += step) {
      const k = row + Math.min(gx - 1, Math.floor((x * gx) / width));
      const j = (y * width + x) * 4;
      sums[k] += Math.abs(da[j] - db[j]) + Math.abs(da[j + 1] - db[j + 1]) + Math.abs(da[j + 2] - db[j + 2]);
      counts[k] += 3;
    }
  }
  let max = 0;
  for (let i = 0; i < sums.length; i++) if (counts[i]) max = Math.max(max, sums[i] / counts[i]);
  return max;
}

/**
 * The largest mean absolute RGB difference (0..255) over an 8x8 grid of blocks (every other pixel).
 * A local change (a mouth opening, a hand moving) shows up here even when the whole-frame mean stays tiny.
 */
export function maxBlockDiff(a: RgbaImage, b: RgbaImage, grid = 8): number {
  return maxGridDiff(a, b, grid, grid, 2);
}

/** Blocks along the long side of the fine repeat test (maxLocalDiff): 10 px at 320, 4 at 128. */
export const REPEAT_FINE_BLOCKS = 32;
/**
 * Per-block mean absolute RGB difference on the fine grid under which a frame still repeats. Set
 * between what codec noise reaches on the eval clips' true repeats (AnimateDiff 5.1, One Piece 5.6,
 * w2xgui video 1 5.8, at 128 to 600 px) and a lip flap on a held face (13.5 and up: a mouth of 14x9
 * px in a 1000x600 frame, which the 1/64th blocks averaged to 2.0–2.75); a round figure, not fitted.
 */
export const REPEAT_FINE_MAD = 8;

/**
 * The largest mean absolute RGB difference (0..255) over square blocks, `blocks` of them along
 * the long side (at least 8 each way), every pixel read: a change too small for maxBlockDiff's
 * 1/64th blocks (a mouth opening on a held drawing) shows here.
 */
export function maxLocalDiff(a: RgbaImage, b: RgbaImage, blocks = REPEAT_FINE_BLOCKS): number {
  const side = Math.max(a.width, a.height) / blocks;
  return maxGridDiff(a, b, Math.max(8, Math.round(a.width / side)), Math.max(8, Math.round(a.height / side)), 1);
}

/**
 * True when `b` repeats `a` (anime drawn on twos / threes, or a held pose): no 1/64th block of
 * the frame changed by more than REPEAT_BLOCK_MAD on average (codec noise only), and no block of
 * the fine grid by more than REPEAT_FINE_MAD, so the mask (and colours) of `a` can be reused. The
 * fine grid keeps a small change: a talking character's mouth, held shut before (its frames were
 * all the first one), and the wipes and sketches of the visual-novel clips.
 */
export function isRepeatFrame(a: RgbaImage, b: RgbaImage): boolean {
  return a.width === b.width && a.height === b.height && maxBlockDiff(a, b) < REPEAT_BLOCK_MAD && maxLocalDiff(a, b) < REPEAT_FINE_MAD;
}

/** Alpha (0..1) from which a pixel belongs to the subject, for isSubjectRepeat. */
const SUBJECT_ALPHA = 0.1;
/** Per-block mean absolute alpha difference (of 255) under which the subject kept its outline: 3 % of a 1/256th block may come or go (edge noise of the model where the background moved). */
export const REPEAT_BLOCK_ALPHA = 8;
/** The share of a block's pixels that must be subject before its colour difference counts (at least 4 pixels: fewer are too noisy to tell, and their alpha still counts). */
const MIN_SUBJECT_BLOCK_SHARE = 1 / 64;

/**
 * True when the subject of `b` (its cut-out: `alphaB`) repeats that of `a` though the frame did not
 * (isRepeatFrame): only the background moved, which a sticker does not show (children running
 * behind a girl held on threes; a background drawn on ones). On a 16x16 grid of blocks: the alpha
 * changed by less than REPEAT_BLOCK_ALPHA in every block, so nothing came into the picture or left
 * it; and where either frame has its subject (in a block with at least 1/64th of it so, and 4
 * pixels), the colours changed by less than REPEAT_BLOCK_MAD (codec noise only), as isRepeatFrame
 * asks of the whole frame. A character coming in is a new drawing once the model sees a few pixels
 * of it: their colours are not the background's. Frames with no subject at all are no repeat of
 * each other (there is no drawing to hold). Measured at 320 px on the eval clips: w2xgui video 2's
 * frames where only the children moved 0.4–1.2 (alpha 1.0–4.5), its girl's new drawings 3.2 and up
 * (alpha 6 and up); One Piece's 5.5 and up.
 */
export function isSubjectRepeat(a: RgbaImage, alphaA: Float32Array, b: RgbaImage, alphaB: Float32Array, grid = 16): boolean {
  const { width, height } = a;
  if (b.width !== width || b.height !== height || alphaA.length !== width * height || alphaB.length !== width * height) return false;
  const blocks = grid * grid;
  const colour = new Float64Array(blocks);
  const subjectPx = new Uint32Array(blocks);
  const alpha = new Float64Array(blocks);
  const px = new Uint32Array(blocks);
  const da = a.data;
  const db = b.data;
  // Each column's block, worked out once (not a division per pixel).
  const columnBlock = new Uint32Array(width);
  for (let x = 0; x < width; x++) columnBlock[x] = Math.min(grid - 1, Math.floor((x * grid) / width));
  for (let y = 0; y < height; y++) {
    const row = Math.min(grid - 1, Math.floor((y * grid) / height)) * grid;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const k = row + columnBlock[x];
      alpha[k] += Math.abs(alphaA[i] - alphaB[i]);
      px[k]++;
      if (alphaA[i] < SUBJECT_ALPHA && alphaB[i] < SUBJECT_ALPHA) continue;
      const j = i * 4;
      colour[k] += Math.abs(da[j] - db[j]) + Math.abs(da[j + 1] - db[j + 1]) + Math.abs(da[j + 2] - db[j + 2]);
      subjectPx[k]++;
    }
  }
  let subject = 0;
  for (let k = 0; k < blocks; k++) {
    if (px[k] && (alpha[k] * 255) / px[k] >= REPEAT_BLOCK_ALPHA) return false;
    if (subjectPx[k] >= Math.max(4, px[k] * MIN_SUBJECT_BLOCK_SHARE) && colour[k] / (3 * subjectPx[k]) >= REPEAT_BLOCK_MAD) return false;
    subject += subjectPx[k];
  }
  return subject > 0;
}

function lumaHistogram(image: RgbaImage, bins = 32): Float32Array {
  const h = new Float32Array(bins);
  const d = image.data;
  let n = 0;
  for (let j = 0; j < d.length; j += 8) {
    const y = luma(d[j], d[j + 1], d[j + 2]) | 0;
    h[Math.min(bins - 1, (y * bins) >> 8)]++;
    n++;
  }
  for (let i = 0; i < bins; i++) h[i] /= n || 1;
  return h;
}

/**
 * True when `b` starts a new shot after `a`: the pixels differ strongly (mean absolute RGB
 * difference > 40 of 255), or half of the luma histogram moved and they differ moderately
 * (> 25). Measured on the eval clips: real cuts 51..58, fast motion within a shot 24..26. A false
 * cut only restarts smoothing, so the test leans towards cutting.
 */
export function isSceneCut(a: RgbaImage, b: RgbaImage): boolean {
  const ha = lumaHistogram(a);
  const hb = lumaHistogram(b);
  let tv = 0;
  for (let i = 0; i < ha.length; i++) tv += Math.abs(ha[i] - hb[i]);
  tv /= 2;
  const mad = meanAbsDiff(a, b, 4);
  return mad > 40 || (tv >= CUT_HISTOGRAM_DISTANCE && mad > 25);
}

/**
 * The per-frame EMA weight of the previous frame for a stability setting 0..1 (0: no smoothing;
 * 1: strongest, about a 5-frame time constant each way).
 */
export function emaWeight(stability: number): number {
  const s = Math.min(1, Math.max(0, stability));
  return 0.8 * s;
}

/**
 * Pixel change (mean absolute RGB difference, 0..255) below which two frames count as the same
 * scene point (codec noise, grain), and above which as motion. Smoothing fades out between them.
 */
export const MOTION_GATE = { still: 8, moving: 24 } as const;

/**
 * The share of the subject (of either frame) that came or went where the picture changed too, under
 * which two neighbouring frames are blended fully (held) and over which not at all (moved): a
 * subject that moved much between two drawings (a head turned, a step taken) left its last outline
 * inside the new one where the colours met (a dark head over a dark tree), a contour the per-pixel
 * gates could not see. A model's flicker on a held drawing changes its mask where the picture does
 * not, and is smoothed as before. Round figures between held poses and drawn moves, not fitted.
 */
export const SUBJECT_MOVED = { held: 0.15, moved: 0.4 } as const;

/** subjectMoved's share of the union of two subjects (alpha >= 0.5); 0 when neither has one. */
export function subjectMoved(alphaA: Float32Array, alphaB: Float32Array, a: RgbaImage, b: RgbaImage): number {
  const da = a.data;
  const db = b.data;
  let moved = 0;
  let union = 0;
  for (let i = 0, j = 0; i < alphaA.length; i++, j += 4) {
    const p = alphaA[i] >= 0.5;
    const q = alphaB[i] >= 0.5;
    if (!p && !q) continue;
    union++;
    if (p !== q && (Math.abs(da[j] - db[j]) + Math.abs(da[j + 1] - db[j + 1]) + Math.abs(da[j + 2] - db[j + 2])) / 3 > MOTION_GATE.still) moved++;
  }
  return union === 0 ? 0 : moved / union;
}

/** How fast an alpha change closes the motion gate: a change of 1 / ALPHA_JUMP_GAIN or more takes it down to MOTION_GATE.still. */
export const ALPHA_JUMP_GAIN = 2;

/**
 * The radius (px) of the neighbourhood whose mean colour change the motion gate reads beside a
 * pixel's own: an outline that moved a few pixels between two drawings over the subject's own
 * colour (hair turned over hair) changes no pixel on the old outline, and its last place was
 * blended into the new drawing as a faint second contour; the pixels around it, where the
 * background became hair, changed much. A 5 x 5 window: a few pixels at sticker size, a round figure.
 */
export const MOTION_PATCH_RADIUS = 2;

/**
 * An alpha the neighbourhood's change is read for: a pixel the model is sure of (the subject's
 * inside or the clear ground). Where it is unsure (a half-transparent haze over moving confetti),
 * its neighbours' answers are what smooths it, moving surroundings or not: read for every pixel,
 * the haze the smoothing took away came back next to the confetti of Pop Team Epic, and a frame
 * flashed a grey block (a review by eye).
 */
export const SURE_ALPHA = { low: 0.02, high: 0.98 } as const;

/**
 * The colour change between two frames the motion gate reads: per pixel, the mean absolute RGB
 * difference (`own`), and its mean over the neighbourhood (`around`, MOTION_PATCH_RADIUS).
 */
export function motionChange(a: RgbaImage, b: RgbaImage): { own: Float32Array; around: Float32Array } {
  const da = a.data;
  const db = b.data;
  const own = new Float32Array(a.width * a.height);
  for (let i = 0, j = 0; i < own.length; i++, j += 4) own[i] = (Math.abs(da[j] - db[j]) + Math.abs(da[j + 1] - db[j + 1]) + Math.abs(da[j + 2] - db[j + 2])) / 3;
  return { own, around: boxMean(own, a.width, a.height, MOTION_PATCH_RADIUS) };
}

/**
 * The least weight an answer of 0.5 has against a sure one's 1.1 (`sureness`): the smoothing
 * weights each neighbour by time and by how sure the model was of its answer, so a model's change
 * of mind on a still picture (0.40, 0.40, then a sure 1.00 with nothing moving) follows the sure
 * answer instead of dimming it into a faint arc, and an unsure haze between sure answers of 0 fades
 * faster. Chosen between 0.1 and 0.3 over the 18 anime clips (`npm run flicker`, docs/quality.md):
 * at 0.1 the smoothing's ghosts at 0.5 halved, the soft flicker fell, the GIF's held (at 0.8 both
 * rose, 1 and 6 %). It cuts both ways: a lone sure answer among unsure ones is followed too (a
 * one-frame dropout in a half-transparent sleeve, 0.5, 0.5, 0, 0.5, 0.5 at 0.8, dims the frames
 * around it to 0.25 where time alone left 0.43), and a soft edge that moves onto a pixel the model
 * was sure of lags a little (0 → 0.45 over a change of 9/255: 0.23, by time 0.38). Followed only
 * where the frame beyond agreed (a code review's proposal), the grey block and the hair puff it was
 * made for came back and the soft flicker rose by 1–3 %, so it stays as it is.
 */
export const SURENESS_FLOOR = 0.1;

/** How sure an answer is: SURENESS_FLOOR at 0.5, 1 + SURENESS_FLOOR at 0 or 1. */
function sureness(alpha: number): number {
  return SURENESS_FLOOR + Math.abs(2 * alpha - 1);
}

/**
 * The share of a neighbour's alpha blended into a pixel: `k`, the share by time and motion, moved
 * toward whichever of the two answers (the pixel's own, `own`, and the neighbour's, `theirs`, as
 * the model gave them) is surer. Equal sureness leaves `k` as it is.
 */
function blendShare(k: number, own: number, theirs: number): number {
  const t = k * sureness(theirs);
  return t / (t + (1 - k) * sureness(own));
}

/**
 * Zero-lag temporal smoothing of alpha maps: a forward EMA followed by a backward EMA over the
 * forward result (filtfilt), restarted at every index in `segmentStarts` (scene cuts) so a cut
 * never bleeds into its neighbours. With `frames` (the images the maps belong to, same size) the
 * smoothing is motion-gated per pixel: where the picture changes between neighbouring frames
 * (the character moves, the camera pans), at the pixel or, where the model is sure of it, around
 * it (motionChange, SURE_ALPHA), the neighbour's alpha is not blended in, so a moving character
 * leaves no ghost of where it was; static pixels are smoothed fully. Each neighbour's share is
 * moved toward the surer of the two answers (blendShare, SURENESS_FLOOR). A drawing held over
 * neighbouring frames (a repeat reuses its anchor's map: the same array) is smoothed as one frame,
 * so every frame of the hold shows one matte: the two passes gave each its own (a still drawing's
 * edge shimmered through its hold, and a GIF could not merge its repeats: a 30-fps clip made at
 * 50 fps kept all 100 frames, 229 KB, now 60 and 141 KB). Returns new arrays;
 * inputs are left as they are.
 */
export function smoothAlphaSequence(alphas: Float32Array[], stability: number, segmentStarts: ReadonlySet<number> = new Set(), frames?: readonly RgbaImage[]): Float32Array[] {
  if (frames && (frames.length !== alphas.length || frames.some((f, t) => f.width * f.height !== alphas[t].length))) {
    throw new Error('smoothAlphaSequence: frames do not match the alpha maps');
  }
  const w = emaWeight(stability);
  const heads = alphas.flatMap((a, t) => (t === 0 || a !== alphas[t - 1] || segmentStarts.has(t) ? [t] : []));
  if (w > 0 && heads.length < alphas.length) {
    const starts = new Set(heads.flatMap((t, k) => (segmentStarts.has(t) ? [k] : [])));
    const held = smoothAlphaSequence(heads.map((t) => alphas[t]), stability, starts, frames && heads.map((t) => frames[t]));
    let k = -1;
    return alphas.map((_, t) => {
      if (heads[k + 1] === t) k++;
      return heads[k] === t ? held[k] : new Float32Array(held[k]);
    });
  }
  const out = alphas.map((a) => new Float32Array(a));
  if (w === 0 || alphas.length < 2) return out;
  const n = alphas.length;
  const bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (segmentStarts.has(i)) bounds.push(i);
  bounds.push(n);
  const span = MOTION_GATE.moving - MOTION_GATE.still;
  // Each neighbouring pair's gate (subjectMoved), worked out once: the forward and the backward
  // pass blend the same pairs. pairGate[t] is that of frames t and t + 1.
  const pairGate = new Float64Array(n);
  if (frames) {
    for (let t = 0; t + 1 < n; t++) {
      const moved = subjectMoved(alphas[t], alphas[t + 1], frames[t], frames[t + 1]);
      pairGate[t] = Math.min(1, Math.max(0, (SUBJECT_MOVED.moved - moved) / (SUBJECT_MOVED.moved - SUBJECT_MOVED.held)));
    }
  }
  // Blend `from` into `into` (frames a and b are theirs), weight w where the pixel is still, moved
  // toward the surer of the model's two answers (blendShare). Sure by the model's own answers: the
  // backward pass blends into the forward one's output, which had pulled a sure 1.0 under
  // SURE_ALPHA.high (read there, it was dimmed after all).
  const blend = (into: Float32Array, from: Float32Array, a: number, b: number): void => {
    const answer = alphas[a];
    const other = alphas[b];
    if (!frames) {
      for (let i = 0; i < into.length; i++) {
        const k = blendShare(w, answer[i], other[i]);
        into[i] = k * from[i] + (1 - k) * into[i];
      }
      return;
    }
    const pairW = w * pairGate[Math.min(a, b)];
    if (pairW === 0) return;
    const { own, around } = motionChange(frames[a], frames[b]);
    for (let i = 0; i < into.length; i++) {
      // A pixel the model is sure of reads the change around it too (an outline moved over its own colour).
      const isSure = answer[i] >= SURE_ALPHA.high || answer[i] <= SURE_ALPHA.low;
      const d = isSure && around[i] > own[i] ? around[i] : own[i];
      // An alpha that changes much where the picture changed too is the subject's edge moving (a
      // head turning over a tree of its hair's darkness): the gate closes from `still` there. It
      // blended the last drawing's outline into the new one (a second contour inside the hair).
      const jump = Math.min(1, ALPHA_JUMP_GAIN * Math.abs(from[i] - into[i]));
      const moving = MOTION_GATE.moving - span * jump;
      const k = pairW * Math.min(1, Math.max(0, (moving - d) / Math.max(1, moving - MOTION_GATE.still)));
      if (k === 0) continue;
      const share = blendShare(k, answer[i], other[i]);
      into[i] = share * from[i] + (1 - share) * into[i];
    }
  };
  for (let s = 0; s + 1 < bounds.length; s++) {
    const lo = bounds[s];
    const hi = bounds[s + 1];
    for (let t = lo + 1; t < hi; t++) blend(out[t], out[t - 1], t, t - 1);
    for (let t = hi - 2; t >= lo; t--) blend(out[t], out[t + 1], t, t + 1);
  }
  return out;
}

/** Thresholds of the temporal hysteresis: a pixel turns on above `high`, off below `low`. */
export interface HysteresisBand {
  low: number;
  high: number;
}

/** The hysteresis band around a user threshold (0..1); width grows with stability. */
export function hysteresisBand(threshold: number, stability: number): HysteresisBand {
  const half = 0.04 + 0.12 * Math.min(1, Math.max(0, stability));
  return { low: Math.max(0.01, threshold - half), high: Math.min(0.99, threshold + half) };
}

/**
 * 1-bit alpha per frame with temporal hysteresis: a pixel that was opaque in the previous frame
 * stays opaque while alpha > low; a transparent one needs alpha > high. The first frame of each
 * segment uses the plain threshold (mean of low and high). Returns 0/1 bytes per pixel.
 */
export function binarizeWithHysteresis(alphas: Float32Array[], band: HysteresisBand, segmentStarts: ReadonlySet<number> = new Set()): Uint8Array[] {
  const mid = (band.low + band.high) / 2;
  const out: Uint8Array[] = [];
  for (let t = 0; t < alphas.length; t++) {
    const a = alphas[t];
    const bin = new Uint8Array(a.length);
    const prev = t > 0 && !segmentStarts.has(t) && alphas[t - 1].length === a.length ? out[t - 1] : null;
    if (!prev) {
      for (let i = 0; i < a.length; i++) bin[i] = a[i] > mid ? 1 : 0;
    } else {
      for (let i = 0; i < a.length; i++) bin[i] = a[i] > (prev[i] ? band.low : band.high) ? 1 : 0;
    }
    out.push(bin);
  }
  return out;
}

/** Mean absolute change of alpha (0..1) between consecutive frames: the flicker metric. */
export function meanAlphaChange(alphas: ArrayLike<number>[], scale = 1): number {
  if (alphas.length < 2) return 0;
  let sum = 0;
  let count = 0;
  for (let t = 1; t < alphas.length; t++) {
    const a = alphas[t - 1];
    const b = alphas[t];
    for (let i = 0; i < b.length; i++) sum += Math.abs(b[i] - a[i]);
    count += b.length;
  }
  return sum / count / scale;
}
