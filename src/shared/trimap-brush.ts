// Pure, DOM-free stamping of touch-up brush strokes onto a trimap (0 background, 128 unknown,
// 255 foreground; one byte per pixel). Shared by the renderer (live overlay) and the core
// (re-solve); no 'electron', no 'node:*'.

/**
 * Trimap label values, as stored in trimap PNGs and arrays. `auto` (a touch-up's file only) leaves
 * the pixel to the engine's own automatic trimap: an editor's strokes change the picture where
 * they were painted, and the rest is solved as it is without them.
 */
export const TRIMAP_LABEL = { bg: 0, auto: 64, unknown: 128, fg: 255 } as const;

/** What a brush paints: a label, or `auto` (eraser) that restores the automatic trimap. */
export type BrushMode = 'fg' | 'bg' | 'unknown' | 'auto';

/** The label of one pixel of the editor's automatic trimap, from its 8-bit alpha: ≥ 0.95 foreground, ≤ 0.05 background, else unknown. */
export function autoLabelOf(alpha8: number): number {
  return alpha8 >= 242 ? TRIMAP_LABEL.fg : alpha8 <= 13 ? TRIMAP_LABEL.bg : TRIMAP_LABEL.unknown;
}

/** The editor's automatic trimap from an 8-bit alpha matte (autoLabelOf per pixel). */
export function trimapFromAlpha(alpha: Uint8Array): Uint8Array {
  const out = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) out[i] = autoLabelOf(alpha[i]);
  return out;
}

/** One stroke in image pixels. */
export interface BrushStroke {
  /** Polyline of the stroke's centre, in image pixels (one point = a dab). */
  points: ReadonlyArray<{ x: number; y: number }>;
  /** Brush diameter in image pixels. */
  sizePx: number;
  /**
   * 0..1. The inner `hardness` fraction of the radius (MIN_CORE_SHARE at least) takes the label; for fg / bg the soft rim
   * outside it turns opposite-label pixels into unknown, so the solver blends there instead
   * of a hard cut. 1 = the whole disc takes the label.
   */
  hardness: number;
  mode: BrushMode;
}

/** A rectangle in image pixels (inclusive x, y; exclusive x+width, y+height). */
export interface DirtyBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The least share of a Keep / Remove brush's radius that takes its label, whatever its hardness: at
 * 0 % no pixel took it, the ring only opened the other label to the solver, and on a flat
 * background a Keep dab kept nothing (a review: it still counted as a stroke and an undo step).
 */
export const MIN_CORE_SHARE = 0.25;

/**
 * Stamps a stroke onto `trimap` (width x height) in place and returns the box of pixels it may
 * have changed (clipped to the image), or null when the stroke lies outside the image.
 * `autoTrimap` is required for mode 'auto' (the eraser copies from it).
 */
export function stampStroke(trimap: Uint8Array, width: number, height: number, stroke: BrushStroke, autoTrimap?: Uint8Array): DirtyBox | null {
  if (stroke.points.length === 0 || !(stroke.sizePx > 0)) return null;
  if (stroke.mode === 'auto' && !autoTrimap) throw new Error('stampStroke: mode "auto" needs the automatic trimap');
  const radius = Math.max(0.5, stroke.sizePx / 2);
  const hardness = Math.min(1, Math.max(0, stroke.hardness));
  const core = radius * Math.max(hardness, MIN_CORE_SHARE);
  const core2 = core * core;
  const r2 = radius * radius;
  // Dab spacing of a quarter radius along each segment keeps the stroke gap-free.
  const step = Math.max(0.5, radius / 4);
  const dabs: Array<{ x: number; y: number }> = [];
  const pts = stroke.points;
  dabs.push(pts[0]);
  for (let k = 1; k < pts.length; k++) {
    const a = pts[k - 1];
    const b = pts[k];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const n = Math.ceil(len / step);
    for (let s = 1; s <= n; s++) dabs.push({ x: a.x + ((b.x - a.x) * s) / n, y: a.y + ((b.y - a.y) * s) / n });
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const label = stroke.mode === 'fg' ? TRIMAP_LABEL.fg : stroke.mode === 'bg' ? TRIMAP_LABEL.bg : TRIMAP_LABEL.unknown;
  const opposite = stroke.mode === 'fg' ? TRIMAP_LABEL.bg : TRIMAP_LABEL.fg;
  for (const d of dabs) {
    const xa = Math.max(0, Math.floor(d.x - radius));
    const xb = Math.min(width - 1, Math.ceil(d.x + radius));
    const ya = Math.max(0, Math.floor(d.y - radius));
    const yb = Math.min(height - 1, Math.ceil(d.y + radius));
    if (xa > xb || ya > yb) continue;
    for (let y = ya; y <= yb; y++) {
      const dy = y + 0.5 - d.y;
      for (let x = xa; x <= xb; x++) {
        const dx = x + 0.5 - d.x;
        const dist2 = dx * dx + dy * dy;
        if (dist2 > r2) continue;
        const i = y * width + x;
        if (stroke.mode === 'auto') trimap[i] = autoTrimap![i];
        else if (stroke.mode === 'unknown' || dist2 <= core2) trimap[i] = label;
        else if (trimap[i] === opposite) trimap[i] = TRIMAP_LABEL.unknown;
        else continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < x0) return null;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The smallest box holding both boxes (null-safe): merge dirty boxes of several strokes. */
export function unionBox(a: DirtyBox | null, b: DirtyBox | null): DirtyBox | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
