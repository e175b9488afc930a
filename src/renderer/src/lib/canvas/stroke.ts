// Pure trimap brush stamping of the renderer: strokes -> an edit layer over the automatic trimap.
// Renderer only; the engine gets the resolved trimap (0 / 128 / 255) and re-solves the touched box.
import { MIN_CORE_SHARE, TRIMAP_LABEL } from '../../../../shared/trimap-brush';
import type { PixelBox } from './pixels';

/** The four brushes: definite foreground, definite background, unknown (re-solve), eraser (back to automatic). */
export type BrushTool = 'foreground' | 'background' | 'unknown' | 'eraser';

/** Edit-layer codes: 0 = automatic (use the engine's trimap), else a painted label. */
export const EDIT_AUTO = 0;
export const EDIT_BG = 1;
export const EDIT_UNKNOWN = 2;
export const EDIT_FG = 3;

/** Trimap values on the wire and in trimap PNGs (shared TRIMAP_LABEL). */
export const TRIMAP_BG = TRIMAP_LABEL.bg;
export const TRIMAP_UNKNOWN = TRIMAP_LABEL.unknown;
export const TRIMAP_FG = TRIMAP_LABEL.fg;

/**
 * A touch-up as the file an export or an ID photo is made with: the painted labels, and `auto`
 * (TRIMAP_LABEL.auto) where nothing is painted, so the engine solves the rest of the picture as
 * it would without the strokes. (Filled from the editor's own trimap, one dab re-solved the whole
 * picture's edges on a trimap of the preview's alpha: a review counted 30 000 pixels changed
 * outside a small stroke, and half the soft hair edge gone.)
 */
export function touchUpLabels(layer: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(layer.length);
  resolveTrimap(new Uint8Array(layer.length).fill(TRIMAP_LABEL.auto), layer, width, out);
  return out;
}

/** One brush stroke in image pixels. */
export interface Stroke {
  tool: BrushTool;
  /** Brush radius in image pixels. */
  radiusPx: number;
  /** 0..1: the inner `hardness·radius` disc takes the label; the soft ring becomes unknown (foreground/background tools). */
  hardness: number;
  points: { x: number; y: number }[];
}

function codeOf(tool: BrushTool): number {
  return tool === 'foreground' ? EDIT_FG : tool === 'background' ? EDIT_BG : tool === 'unknown' ? EDIT_UNKNOWN : EDIT_AUTO;
}

/** The pixel box a stroke touches, clipped to the image; null when it misses the image. */
export function strokeBox(stroke: Stroke, width: number, height: number): PixelBox | null {
  if (stroke.points.length === 0) return null;
  const r = Math.ceil(stroke.radiusPx) + 1;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of stroke.points) {
    x0 = Math.min(x0, p.x - r);
    y0 = Math.min(y0, p.y - r);
    x1 = Math.max(x1, p.x + r);
    y1 = Math.max(y1, p.y + r);
  }
  const bx0 = Math.max(0, Math.floor(x0));
  const by0 = Math.max(0, Math.floor(y0));
  const bx1 = Math.min(width, Math.ceil(x1));
  const by1 = Math.min(height, Math.ceil(y1));
  if (bx1 <= bx0 || by1 <= by0) return null;
  return { x: bx0, y: by0, w: bx1 - bx0, h: by1 - by0 };
}

/** Squared distance from (px, py) to the segment a–b. */
function segmentDistSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

/** The edit code of a trimap label (the automatic trimap's, 0 / 128 / 255). */
function codeOfLabel(label: number): number {
  return label === TRIMAP_FG ? EDIT_FG : label === TRIMAP_BG ? EDIT_BG : EDIT_UNKNOWN;
}

/**
 * Stamps one stroke into the edit layer (`width × height`, one code per pixel) and returns the box it
 * touched. A pixel within `hardness·radius` of the stroke path takes the tool's code; a pixel in the
 * soft ring becomes unknown only where it is the opposite label, painted or, where nothing is
 * painted, in `auto` (the automatic trimap; without it, an unpainted pixel counts as opposite), so
 * the solver blends across the new edge and nothing already the brush's label is opened up (a Keep
 * dab on the kept face drew an "Edge, solved" ring across the lips: a review).
 */
export function stampStroke(layer: Uint8Array, width: number, height: number, stroke: Stroke, auto?: Uint8Array | null): PixelBox | null {
  const box = strokeBox(stroke, width, height);
  if (!box) return null;
  const code = codeOf(stroke.tool);
  const opposite = code === EDIT_FG ? EDIT_BG : code === EDIT_BG ? EDIT_FG : -1;
  const r = Math.max(0.5, stroke.radiusPx);
  const hard = Math.max(0, Math.min(1, stroke.hardness));
  // At least MIN_CORE_SHARE of it takes the label (at 0 % a Keep dab kept nothing).
  const rIn = stroke.tool === 'foreground' || stroke.tool === 'background' ? Math.max(0.5, r * Math.max(hard, MIN_CORE_SHARE)) : r;
  const rSq = r * r;
  const rInSq = rIn * rIn;
  const pts = stroke.points;
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      let best = Infinity;
      if (pts.length === 1) best = (cx - pts[0].x) ** 2 + (cy - pts[0].y) ** 2;
      for (let k = 1; k < pts.length && best > rInSq; k++) {
        best = Math.min(best, segmentDistSq(cx, cy, pts[k - 1].x, pts[k - 1].y, pts[k].x, pts[k].y));
      }
      if (best > rSq) continue;
      const i = y * width + x;
      if (best <= rInSq) layer[i] = code;
      else if (layer[i] === opposite || (layer[i] === EDIT_AUTO && (!auto || codeOfLabel(auto[i]) === opposite))) layer[i] = EDIT_UNKNOWN;
    }
  }
  return box;
}

/** The trimap the engine solves with: painted labels over the automatic trimap, inside `box` or everywhere. */
export function resolveTrimap(auto: Uint8Array, layer: Uint8Array, width: number, out: Uint8Array, box?: PixelBox): void {
  const height = auto.length / width;
  const x0 = box?.x ?? 0;
  const y0 = box?.y ?? 0;
  const x1 = box ? Math.min(width, box.x + box.w) : width;
  const y1 = box ? Math.min(height, box.y + box.h) : height;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      const c = layer[i];
      out[i] = c === EDIT_AUTO ? auto[i] : c === EDIT_FG ? TRIMAP_FG : c === EDIT_BG ? TRIMAP_BG : TRIMAP_UNKNOWN;
    }
  }
}

/** The editor's automatic trimap from its matte (shared: the engine reads the same labels). */
export { trimapFromAlpha } from '../../../../shared/trimap-brush';
