// Touch-up brush state (rune class, renderer): tool, size, hardness, overlay toggle, strokes with
// undo/redo, and the edit layer they stamp. Undo replays the remaining strokes, so the layer is
// always exactly the stamping of `strokes` in order.
import { EDIT_AUTO, resolveTrimap, stampStroke, strokeBox, type BrushTool, type Stroke } from '../canvas/stroke';
import { unionBox, type PixelBox } from '../canvas/pixels';

export const MIN_BRUSH_PX = 2;
export const MAX_BRUSH_PX = 400;

/** An edit of the strokes said aloud: a stroke (or a Clear) undone or redone, a Clear. */
export type BrushEdit = 'undone' | 'redone' | 'cleared' | 'clearUndone';

export class TrimapBrushState {
  /** The active tool, or null when the canvas pans. */
  tool = $state<BrushTool | null>(null);
  /** Brush diameter in image pixels. */
  sizePx = $state(40);
  hardness = $state(0.8);
  isOverlayVisible = $state(false);
  strokes = $state.raw<Stroke[]>([]);
  redoStack = $state.raw<Stroke[]>([]);
  /** Bumped whenever the layer changes, so canvases redraw. */
  version = $state(0);
  /**
   * What the last Undo, Redo or Clear did (a new object each time; null after another picture), for
   * the editor's live region: it was read off the counts' change, and another picture's touch-up with
   * one stroke fewer and one more to redo was said "Stroke undone".
   */
  lastEdit = $state.raw<{ kind: BrushEdit } | null>(null);

  /**
   * Some pixel holds a painted label (Keep, Remove, Edge). Strokes all taken back by Auto leave
   * none: then the export needs no touch-up and is made with the editor's own edges (a touch-up of
   * none made it Best while the editor's whole solve showed the automatic matte in Fast). Worked
   * out when the strokes change (a stroke ends, undo, redo, another picture), not as one is drawn:
   * read off `version`, it scanned the whole layer at every pointer move.
   */
  isPainted = $derived.by(() => this.strokes.length > 0 && this.layer.some((c) => c !== EDIT_AUTO));
  /** The strokes since the last Clear (what "Strokes: N" counts: a Clear is one stroke of Auto over the whole picture). */
  paintedCount = $derived.by(() => {
    const last = this.strokes.findLastIndex((s) => this.isClearStroke(s));
    return this.strokes.length - last - 1;
  });
  canUndo = $derived(this.strokes.length > 0);
  canRedo = $derived(this.redoStack.length > 0);

  width = 0;
  height = 0;
  layer = new Uint8Array(0);
  /**
   * The automatic trimap under the strokes (the editor's, of the matte's size): a Keep or Remove
   * stroke's soft ring opens up only what it labels the other way (stampStroke). Set by setAuto.
   */
  private auto: Uint8Array | null = null;
  private current: Stroke | null = null;
  /** "Show trimap" was turned on by picking Edge, not by the user: it goes off again with another tool. */
  private isOverlayByTool = false;

  /** The automatic trimap the strokes are stamped over, where it is the layer's size. */
  private get autoLabels(): Uint8Array | null {
    return this.auto && this.auto.length === this.layer.length ? this.auto : null;
  }

  /**
   * The automatic trimap of the matte under the strokes (null: none yet); the strokes are stamped
   * again over it, so the layer is the stamping of `strokes` over the trimap shown.
   */
  setAuto(auto: Uint8Array | null): void {
    this.auto = auto;
    if (this.strokes.length > 0) this.replay();
  }

  /** A new image: an empty layer, no strokes, no automatic trimap yet. */
  reset(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.auto = null;
    this.layer = new Uint8Array(width * height);
    this.strokes = [];
    this.redoStack = [];
    this.current = null;
    this.lastEdit = null;
    this.version++;
  }

  /** The strokes and the redo stack, to put back with restore() when the image is opened again. */
  snapshot(): { width: number; height: number; strokes: Stroke[]; redo: Stroke[] } {
    return { width: this.width, height: this.height, strokes: this.strokes, redo: this.redoStack };
  }

  /** The image's earlier strokes and redo stack, stamped again on an empty layer of the same size. */
  restore(saved: { width: number; height: number; strokes: Stroke[]; redo: Stroke[] }): void {
    this.reset(saved.width, saved.height);
    this.strokes = saved.strokes;
    this.redoStack = saved.redo;
    this.replay();
  }

  setTool(tool: BrushTool | null): void {
    this.tool = tool;
    // Edge paints what the overlay shows (amber): it is shown while Edge is the tool, unless the
    // user had it on (it stayed on after Pan, tinting the picture the edge was judged on: a review).
    if (tool === 'unknown' && !this.isOverlayVisible) [this.isOverlayVisible, this.isOverlayByTool] = [true, true];
    else if (tool !== 'unknown' && this.isOverlayByTool) [this.isOverlayVisible, this.isOverlayByTool] = [false, false];
  }

  /** Shows or hides the trimap overlay (the user's own choice: it stays as set). */
  setOverlay(isVisible: boolean): void {
    this.isOverlayVisible = isVisible;
    this.isOverlayByTool = false;
  }

  setSize(px: number): void {
    this.sizePx = Math.round(Math.min(MAX_BRUSH_PX, Math.max(MIN_BRUSH_PX, Number.isFinite(px) ? px : 40)));
  }

  setHardness(h: number): void {
    this.hardness = Math.min(1, Math.max(0, Number.isFinite(h) ? h : 0.8));
  }

  get isStroking(): boolean {
    return this.current !== null;
  }

  /** Starts a stroke at an image point; stamps it at once. Returns the touched box. */
  begin(x: number, y: number): PixelBox | null {
    if (!this.tool || this.width === 0) return null;
    this.current = { tool: this.tool, radiusPx: this.sizePx / 2, hardness: this.hardness, points: [{ x, y }] };
    const box = stampStroke(this.layer, this.width, this.height, this.current, this.autoLabels);
    this.version++;
    return box;
  }

  /** Extends the stroke to an image point, stamping only the new segment. */
  extend(x: number, y: number): PixelBox | null {
    const s = this.current;
    if (!s) return null;
    const last = s.points[s.points.length - 1];
    if (Math.hypot(x - last.x, y - last.y) < Math.max(0.5, s.radiusPx * 0.15)) return null;
    s.points.push({ x, y });
    const box = stampStroke(this.layer, this.width, this.height, { ...s, points: [last, { x, y }] }, this.autoLabels);
    this.version++;
    return box;
  }

  /**
   * Ends the stroke and records it for undo. Returns the stroke and the box it touched, or null. A
   * stroke that touched no pixel (a click off the picture) is dropped: it was recorded, cleared the
   * redo history, and as a stroke made the export save a trimap and use Best edges under Raw.
   */
  end(): { stroke: Stroke; box: PixelBox } | null {
    const s = this.current;
    this.current = null;
    if (!s) return null;
    const box = this.boxOf(s);
    if (!box) return null;
    this.strokes = [...this.strokes, s];
    this.redoStack = [];
    return { stroke: s, box };
  }

  /** Records a whole stroke at once (tests, scripted edits). */
  addStroke(stroke: Stroke): PixelBox | null {
    stampStroke(this.layer, this.width, this.height, stroke, this.autoLabels);
    this.strokes = [...this.strokes, stroke];
    this.redoStack = [];
    this.version++;
    return this.boxOf(stroke);
  }

  /**
   * Takes every stroke back at once, as one stroke of Auto over the whole picture: one undo brings
   * them all back (the strokes were taken back one Ctrl+Z at a time). Null when nothing is painted.
   */
  clear(): PixelBox | null {
    if (!this.isPainted || this.isStroking || this.width === 0) return null;
    const box = this.addStroke({ tool: 'eraser', radiusPx: Math.hypot(this.width, this.height), hardness: 1, points: [{ x: this.width / 2, y: this.height / 2 }] });
    this.lastEdit = { kind: 'cleared' };
    return box;
  }

  /** Whether a stroke is a Clear (clear()). */
  isClearStroke(stroke: Stroke): boolean {
    return stroke.tool === 'eraser' && stroke.radiusPx >= Math.hypot(this.width, this.height);
  }

  /**
   * Undoes the last stroke; not while one is being drawn (Ctrl+Z with the button held replayed the
   * layer without the open stroke's first part, which came back whole at the next redo).
   */
  undo(): PixelBox | null {
    if (this.strokes.length === 0 || this.isStroking) return null;
    const last = this.strokes[this.strokes.length - 1];
    this.strokes = this.strokes.slice(0, -1);
    this.redoStack = [...this.redoStack, last];
    this.replay();
    this.lastEdit = { kind: this.isClearStroke(last) ? 'clearUndone' : 'undone' };
    return this.boxOf(last);
  }

  redo(): PixelBox | null {
    if (this.redoStack.length === 0 || this.isStroking) return null;
    const next = this.redoStack[this.redoStack.length - 1];
    this.redoStack = this.redoStack.slice(0, -1);
    this.strokes = [...this.strokes, next];
    stampStroke(this.layer, this.width, this.height, next, this.autoLabels);
    this.version++;
    this.lastEdit = { kind: this.isClearStroke(next) ? 'cleared' : 'redone' };
    return this.boxOf(next);
  }

  /** The box covering every stroke so far (what an export's trimap differs from automatic in). */
  editedBox(): PixelBox | null {
    let box: PixelBox | null = null;
    for (const s of this.strokes) box = unionBox(box, this.boxOf(s));
    return box;
  }

  /** The trimap to solve with: painted labels over `auto`. */
  resolve(auto: Uint8Array): Uint8Array {
    const out = new Uint8Array(auto.length);
    resolveTrimap(auto, this.layer, this.width, out);
    return out;
  }

  private boxOf(stroke: Stroke): PixelBox | null {
    return strokeBox(stroke, this.width, this.height);
  }

  private replay(): void {
    this.layer.fill(0);
    for (const s of this.strokes) stampStroke(this.layer, this.width, this.height, s, this.autoLabels);
    this.version++;
  }
}
