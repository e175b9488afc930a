// Keep / Remove strokes over a sticker's clip: the strokes, in frame fractions, become one hint
// map at the frames' work size, which then decides every frame's alpha where it was painted.
// Core (no electron).
import { AppError } from '../../../shared/errors';
import { STICKER_STROKE_LIMITS, type StickerStroke } from '../../../shared/jobs';
import { stampStroke, TRIMAP_LABEL } from '../../../shared/trimap-brush';

/** Most strokes a sticker takes, and most points in all of them. */
export const MAX_STICKER_STROKES = STICKER_STROKE_LIMITS.strokes;
export const MAX_STROKE_POINTS = STICKER_STROKE_LIMITS.points;

const isFraction = (v: unknown, lo: number, hi: number): boolean => typeof v === 'number' && v >= lo && v <= hi;

/** INVALID_ARGUMENT for the first bad stroke: mode, size (0..1] and numeric points near the frame. */
export function validateStickerStrokes(strokes: readonly StickerStroke[] | undefined): void {
  if (strokes === undefined) return;
  if (!Array.isArray(strokes) || strokes.length > MAX_STICKER_STROKES) throw new AppError('INVALID_ARGUMENT', `strokes must be a list of at most ${MAX_STICKER_STROKES}`);
  let points = 0;
  strokes.forEach((s, k) => {
    const bad = (what: string) => new AppError('INVALID_ARGUMENT', `stroke ${k + 1}: ${what}`);
    if (s?.mode !== 'fg' && s?.mode !== 'bg') throw bad(`mode must be fg (keep) or bg (remove), got ${String(s?.mode)}`);
    if (!isFraction(s.size, Number.MIN_VALUE, 1)) throw bad(`size must be a fraction of the frame's long side in (0, 1], got ${String(s.size)}`);
    if (!Array.isArray(s.points) || s.points.length === 0) throw bad('needs at least one point');
    points += s.points.length;
    if (points > MAX_STROKE_POINTS) throw bad(`the strokes have more than ${MAX_STROKE_POINTS} points in all`);
    for (const p of s.points) {
      if (!isFraction(p?.x, -0.5, 1.5) || !isFraction(p?.y, -0.5, 1.5)) throw bad('points are fractions of the frame (about 0..1)');
    }
  });
}

/**
 * The strokes stamped, in order, on a width x height map: 255 keep, 0 remove, 128 where nothing was
 * painted (the model decides). Null when there are no strokes.
 */
export function stickerHintMap(strokes: readonly StickerStroke[] | undefined, width: number, height: number): Uint8Array | null {
  if (!strokes?.length) return null;
  const hint = new Uint8Array(width * height).fill(TRIMAP_LABEL.unknown);
  const longSide = Math.max(width, height);
  for (const s of strokes) {
    // Hardness 1: the whole disc takes the label, so a stroke means the same on every frame.
    stampStroke(hint, width, height, { mode: s.mode, hardness: 1, sizePx: Math.max(1, s.size * longSide), points: s.points.map((p) => ({ x: p.x * width, y: p.y * height })) });
  }
  return hint;
}

/** Sets `alpha` (in place) to 1 where the hint keeps and 0 where it removes. */
export function applyStickerHints(alpha: Float32Array, hint: Uint8Array | null): Float32Array {
  if (!hint) return alpha;
  if (hint.length !== alpha.length) throw new Error(`applyStickerHints: hint of ${hint.length} px for an alpha of ${alpha.length}`);
  for (let i = 0; i < alpha.length; i++) {
    if (hint[i] === TRIMAP_LABEL.fg) alpha[i] = 1;
    else if (hint[i] === TRIMAP_LABEL.bg) alpha[i] = 0;
  }
  return alpha;
}
