// Editor view state (rune class, renderer): zoom, pan, fit, the before/after compare slider and the
// view mode. Pure math lives in lib/canvas/view-math.ts; this class only clamps and remembers.
import { clampZoom, constrainPan, fitView, stepZoom, viewToImage, zoomAround, type ViewTransform } from '../canvas/view-math';

/** What the editor canvas shows. */
export type ViewMode = 'original' | 'cutout' | 'composite';

export class ViewState {
  zoom = $state(1);
  panX = $state(0);
  panY = $state(0);
  viewportW = $state(800);
  viewportH = $state(600);
  imageW = $state(0);
  imageH = $state(0);
  mode = $state<ViewMode>('composite');
  isComparing = $state(false);
  /** Compare split as a fraction of the image width: left of it is the original. */
  comparePos = $state(0.5);
  /** True until the user zooms or pans; a resize then refits. */
  isFitted = $state(true);

  /** Preview pixels per picture pixel (< 1 when the editor shows a big picture through a smaller preview). */
  sourceScale = $state(1);
  /** The zoom as the picture's own pixels see it: 100 % is one picture pixel per screen pixel. */
  zoomPct = $derived(Math.round(this.zoom * this.sourceScale * 100));
  transform: ViewTransform = $derived({ zoom: this.zoom, panX: this.panX, panY: this.panY });

  private apply(v: ViewTransform, isFitted = false): void {
    const c = this.imageW > 0 ? constrainPan(v, this.imageW, this.imageH, this.viewportW, this.viewportH) : v;
    this.zoom = c.zoom;
    this.panX = c.panX;
    this.panY = c.panY;
    this.isFitted = isFitted;
  }

  /** A new image: remember its size (the preview's, and the picture's width it stands for) and fit it. */
  setImage(width: number, height: number, sourceWidth = width): void {
    this.imageW = width;
    this.imageH = height;
    this.sourceScale = sourceWidth > 0 ? width / sourceWidth : 1;
    this.fit();
  }

  /** Actual size: one picture pixel per screen pixel (a big picture's preview is enlarged to it). */
  zoomToActual(): void {
    this.zoomTo(1 / this.sourceScale);
  }

  /**
   * The viewport changed size; a fitted view stays fitted. A viewport of no size is a hidden
   * workspace: the view is kept as it was (fitted to nothing it read 2 %, and back in view the
   * zoom jumped to the fit a moment later).
   */
  setViewport(width: number, height: number): void {
    if (!(width > 0 && height > 0)) return;
    this.viewportW = Math.max(1, width);
    this.viewportH = Math.max(1, height);
    if (this.isFitted && this.imageW > 0) this.fit();
  }

  fit(): void {
    if (this.imageW <= 0) return;
    this.apply(fitView(this.imageW, this.imageH, this.viewportW, this.viewportH), true);
  }

  /** Zooms to an exact factor around a view point (default: the viewport centre). */
  zoomTo(zoom: number, atX = this.viewportW / 2, atY = this.viewportH / 2): void {
    this.apply(zoomAround(this.transform, clampZoom(zoom), atX, atY));
  }

  /** The zoom buttons step on the ladder in the picture's own pixels, so they pass 100 % of it. */
  zoomIn(atX?: number, atY?: number): void {
    this.zoomTo(stepZoom(this.zoom * this.sourceScale, 1) / this.sourceScale, atX, atY);
  }

  zoomOut(atX?: number, atY?: number): void {
    this.zoomTo(stepZoom(this.zoom * this.sourceScale, -1) / this.sourceScale, atX, atY);
  }

  /** Wheel/pinch zoom: a smooth factor per wheel delta (deltaY in CSS px; negative zooms in). */
  zoomByWheel(deltaY: number, atX: number, atY: number): void {
    this.zoomTo(this.zoom * Math.exp(-deltaY * 0.0015), atX, atY);
  }

  panBy(dx: number, dy: number): void {
    this.apply({ zoom: this.zoom, panX: this.panX + dx, panY: this.panY + dy });
  }

  setComparePos(fraction: number): void {
    this.comparePos = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0.5));
  }

  /** View point -> image pixel coordinates. */
  toImage(vx: number, vy: number): { x: number; y: number } {
    return viewToImage(this.transform, vx, vy);
  }
}
