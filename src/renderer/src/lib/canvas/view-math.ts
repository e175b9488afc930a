// Pure view <-> image coordinate math of the editor canvas: fit, zoom around a point, pan (renderer).
// A view is { zoom, panX, panY }: image pixel (x, y) is drawn at (panX + x·zoom, panY + y·zoom) CSS px.

/** The editor's view transform, in CSS pixels. */
export interface ViewTransform {
  zoom: number;
  panX: number;
  panY: number;
}

/** The zoom range: 2 % to 3200 %. */
export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 32;

/** Clamps a zoom factor into [MIN_ZOOM, MAX_ZOOM]; NaN becomes 1. */
export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The view that shows the whole image centred in the viewport with `paddingPx` around it, never enlarged past 100 %. */
export function fitView(imageW: number, imageH: number, viewW: number, viewH: number, paddingPx = 24): ViewTransform {
  const availW = Math.max(1, viewW - 2 * paddingPx);
  const availH = Math.max(1, viewH - 2 * paddingPx);
  const zoom = clampZoom(Math.min(1, availW / imageW, availH / imageH));
  return { zoom, panX: (viewW - imageW * zoom) / 2, panY: (viewH - imageH * zoom) / 2 };
}

/** Zooms to `zoom` keeping the image point under view point (px, py) fixed. */
export function zoomAround(view: ViewTransform, zoom: number, px: number, py: number): ViewTransform {
  const z = clampZoom(zoom);
  const ix = (px - view.panX) / view.zoom;
  const iy = (py - view.panY) / view.zoom;
  return { zoom: z, panX: px - ix * z, panY: py - iy * z };
}

/** The next zoom step up or down on a 1-2-3-4-6-8 ladder of powers of two (so 100 % is always reachable). */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const ladder: number[] = [];
  for (let e = -6; e <= 5; e++) for (const m of [1, 1.5]) ladder.push(m * 2 ** e);
  const eps = 1e-6;
  if (direction > 0) return clampZoom(ladder.find((z) => z > zoom + eps) ?? MAX_ZOOM);
  return clampZoom([...ladder].reverse().find((z) => z < zoom - eps) ?? MIN_ZOOM);
}

/** View (CSS px, relative to the canvas) -> image pixel coordinates (fractional). */
export function viewToImage(view: ViewTransform, vx: number, vy: number): { x: number; y: number } {
  return { x: (vx - view.panX) / view.zoom, y: (vy - view.panY) / view.zoom };
}

/** Image pixel coordinates -> view (CSS px). */
export function imageToView(view: ViewTransform, ix: number, iy: number): { x: number; y: number } {
  return { x: view.panX + ix * view.zoom, y: view.panY + iy * view.zoom };
}

/** Keeps at least `marginPx` of the image inside the viewport so it can never be panned out of reach. */
export function constrainPan(view: ViewTransform, imageW: number, imageH: number, viewW: number, viewH: number, marginPx = 48): ViewTransform {
  const w = imageW * view.zoom;
  const h = imageH * view.zoom;
  const panX = Math.min(viewW - marginPx, Math.max(marginPx - w, view.panX));
  const panY = Math.min(viewH - marginPx, Math.max(marginPx - h, view.panY));
  return { zoom: view.zoom, panX, panY };
}
