// The Cut-out editor document (rune class, renderer): the opened image's preview, the alpha the
// engine returned, brush strokes with live re-matte, and export. The canvas composites from this
// state, so a background change redraws without calling the engine.
import type { ImagePreview, MatteResult } from '../../../../shared/api';
import type { CutoutOptions, RefineMode, Subject } from '../../../../shared/jobs';
import { DEFAULT_SETTINGS, EXPORT_FORMAT_CHOICES } from '../../../../shared/settings';
import { touchUpLabels, trimapFromAlpha } from '../canvas/stroke';
import { unionBox, type PixelBox } from '../canvas/pixels';
import { formatDuration, type AppState, type OpenOptions, type StatusLine, type WordedParam } from './app.svelte';
import { providerLabel } from '../../../../shared/labels';
import { BackgroundState } from './background.svelte';
import { TrimapBrushState } from './trimap-brush.svelte';
import { ViewState } from './view.svelte';
import { baseName } from '../paths';
import { extensionOf } from '../../../../shared/media';

/** What the editor exports: the cut-out in one of Settings' formats, or its matte alone ('mask': a greyscale PNG, CutoutOptions.mask). */
export const EDITOR_EXPORT_CHOICES = [...EXPORT_FORMAT_CHOICES, 'mask'] as const;
export type ExportFormat = (typeof EDITOR_EXPORT_CHOICES)[number];

/** The editor's life cycle. */
export type CutoutPhase = 'empty' | 'loading' | 'segmenting' | 'ready' | 'failed';

/**
 * The default export name, as `cutout portrait|anime` and a batch name it: 'photo.jpg' ->
 * 'photo_cutout.png', an anime cut-out 'photo_anime.png' (it was _cutout, the CLI's _anime), the
 * mask 'photo_mask.png'.
 */
export function exportName(path: string, format: ExportFormat, subject: 'person' | 'anime' = 'person'): string {
  const stem = baseName(path).replace(/\.[^.]+$/, '');
  return format === 'mask' ? `${stem}_mask.png` : `${stem}_${subject === 'anime' ? 'anime' : 'cutout'}.${format === 'jpeg' ? 'jpg' : format}`;
}

/** The types a name may end in for an export of `format` (the save dialog's `types`, and exportTarget's). */
export function exportTypes(format: ExportFormat): string[] {
  return format === 'mask' ? ['png'] : ['png', 'webp', 'jpg', 'jpeg'];
}

/**
 * The file an export writes and its format, from the name chosen in the save dialog: a picture
 * type the name ends in is the one written (x.png with WebP picked in the panel held WebP bytes);
 * a name with no picture type gets the panel's. A mask is a PNG: named .png.
 */
export function exportTarget(chosen: string, format: ExportFormat): { output: string; format: ExportFormat } {
  const ext = extensionOf(chosen);
  if (format === 'mask') return { output: ext === 'png' ? chosen : `${chosen}.png`, format };
  const named = exportTypes(format).includes(ext) ? (ext === 'jpg' ? 'jpeg' : (ext as ExportFormat)) : undefined;
  return named ? { output: chosen, format: named } : { output: `${chosen}.${format === 'jpeg' ? 'jpg' : format}`, format };
}

/** How many earlier images' touch-ups the editor keeps (strokes are points: a few KB each). */
const TOUCH_UPS_KEPT = 20;

/**
 * How long the brush rests before the whole picture is solved as the export solves it (a
 * stroke's re-solve covers its region only: its change along an edge band running on past the
 * region is the export's alone). A stroke meanwhile stops that solve in the engine.
 */
export const WHOLE_SOLVE_AFTER_MS = 400;

export class CutoutState {
  readonly view = new ViewState();
  readonly background = new BackgroundState();
  readonly brush = new TrimapBrushState();
  subject = $state<Subject>('person');
  refine = $state<RefineMode>(DEFAULT_SETTINGS.refine);
  /**
   * The edges of the automatic matte under the strokes (Fast while a Best one is being made): each
   * re-matte names them, so the engine makes it again with them when it holds none of the picture,
   * or one with other edges (a matte the page dropped, asked before the edges changed).
   */
  private autoRefine: RefineMode = DEFAULT_SETTINGS.refine;
  phase = $state<CutoutPhase>('empty');
  path = $state<string | null>(null);
  preview = $state.raw<ImagePreview | null>(null);
  alpha = $state.raw<Uint8Array | null>(null);
  /** The automatic trimap under the brush layer (from the engine's matte). */
  autoTrimap: Uint8Array | null = null;
  matte = $state.raw<MatteResult | null>(null);
  /** Bumped when the alpha changes; the canvas rebuilds its cut-out layer. */
  alphaVersion = $state(0);
  /** Bumped when the alpha changes to one an export made before would not hold (not by a whole solve, which is the export's own). */
  private resultVersion = $state(0);
  isRematting = $state(false);
  /** The strokes have settled and the whole picture is being solved as the export will (solveWhole). */
  isSolvingWhole = $state(false);
  /** The matte shown is that whole solve's: the export's own. */
  isWholeSolved = $state(false);
  /** A fast matte is shown while the best one (refine 'full') is on its way. */
  isRefiningEdges = $state(false);
  /** The image is an ID photo's portrait, opened from the ID photo workspace to touch up its edges. */
  isForIdPhoto = $state(false);
  exportFormat = $state<ExportFormat>('png');
  /** Export size: longest side in pixels, or null for the source size. */
  exportMaxSidePx = $state<number | null>(null);
  lastExportPath = $state<string | null>(null);
  /** resultKey() when the last export was asked for. */
  private exportedKey = $state<string | null>(null);
  exportJobId = $state<string | null>(null);
  /** The job making the full-size picture for Copy (fullSizeForCopy), apart from an export's. */
  copyJobId = $state<string | null>(null);
  /**
   * An export or a full-size copy is starting (its target chosen, its touch-up saved, its job asked
   * for) before it has a job: a second click then started the same export twice (in a browser,
   * where the save dialog is no modal one).
   */
  private isStartingJob = $state(false);
  /** An export or a full-size copy is being made: neither can start another meanwhile. */
  isWriting = $derived(this.exportJobId !== null || this.copyJobId !== null || this.isStartingJob);

  name = $derived(this.path ? baseName(this.path) : '');
  /** Another picture is being loaded: the one on screen stays (and cannot be exported meanwhile). */
  isOpening = $state(false);
  hasResult = $derived(this.phase === 'ready' && this.alpha !== null && !this.isOpening);
  /** The editor's preview is the picture at its own size (not scaled down to the 1600-px preview). */
  isPreviewFullSize = $derived(this.preview !== null && this.preview.sourceWidth <= this.preview.width && this.preview.sourceHeight <= this.preview.height);
  /** The last export while it still holds what the editor shows (any edit since makes it stale). */
  currentExportPath = $derived(this.lastExportPath && this.exportedKey === this.resultKey() ? this.lastExportPath : null);
  /** That export when it is the full-size cut-out (not made smaller, nor the mask): what Copy puts on the clipboard. */
  fullSizeExportPath = $derived(this.currentExportPath && this.exportMaxSidePx === null && this.exportFormat !== 'mask' ? this.currentExportPath : null);

  private pendingBox: PixelBox | null = null;
  /** Bumped by each change of the strokes (a stroke, undo, redo, a new matte under them): a whole solve of older ones is not shown. */
  private touchSeq = 0;
  private wholeSolveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by a new image or a new matte of it (subject, edges): answers for an older one are dropped. */
  private matteSeq = 0;
  /** Bumped by each open(): only the newest picture asked for is loaded. */
  private openSeq = 0;
  /** Touch-ups of images opened earlier in the session, by path, oldest first (see open()). */
  private readonly touchUps = new Map<string, { brush: ReturnType<TrimapBrushState['snapshot']>; subject: Subject; refine: RefineMode }>();

  constructor(private readonly app: AppState) {}

  /** Everything an export depends on: the image, its alpha (matte, strokes), background, format, size. */
  private resultKey(): string {
    return JSON.stringify([this.path, this.resultVersion, this.background.background, this.exportFormat, this.exportMaxSidePx]);
  }

  /** The status line, as this workspace's message (another workspace shows Ready). */
  private status(line: Omit<StatusLine, 'owner'>): void {
    this.app.setStatus({ owner: 'cutout', ...line });
  }

  /** What a newly opened picture is cut out as (Settings' default subject). */
  private defaultSubject: Subject = 'person';

  /**
   * Takes the defaults from Settings (called when settings load or change): the edges and the
   * subject while no image is open (the subject again for each new picture, see open()), the
   * background ('transparent' or '#RRGGBB') and the export format when that default is new: any
   * other setting changed (the theme) leaves the format the user picked here as it is.
   */
  applySettings(refine: RefineMode, format: ExportFormat, background: string, subject: Subject): void {
    this.defaultSubject = subject;
    if (this.phase === 'empty') {
      this.refine = refine;
      this.subject = subject;
    }
    this.background.followDefault(background);
    if (format !== this.defaultFormat) {
      this.defaultFormat = format;
      this.exportFormat = format;
    }
  }

  /** The export format Settings gave last (applySettings follows only a change of it). */
  private defaultFormat: ExportFormat | null = null;

  /**
   * Opens an image: preview first (shown at once), then the cut-out (with the subject and edges given, if any).
   * The touch-up of the image left (its strokes, undo and redo, subject and edges) is kept for the
   * session, and comes back when that image is opened again.
   */
  async open(path: string, options: OpenOptions = {}): Promise<void> {
    const startedMs = performance.now();
    const seq = ++this.openSeq;
    this.isOpening = true;
    this.app.dismissError('cutout');
    this.status({ key: 'stage.decode', tone: 'busy' });
    // The picture on screen stays until the new one has loaded: one that cannot be opened (not a
    // picture, damaged, too large) is said, and the work in progress is kept.
    let preview: ImagePreview;
    try {
      preview = await this.app.client.loadImagePreview({ path });
    } catch (error) {
      if (seq !== this.openSeq) return;
      this.isOpening = false;
      if (this.preview && this.path) this.status({ key: 'status.openFailedKept', tone: 'warn' });
      else {
        this.phase = 'failed';
        this.status({ key: 'status.failed', tone: 'warn' });
      }
      this.app.showError(error, 'cutout');
      return;
    }
    if (seq !== this.openSeq) return;
    this.isOpening = false;
    ++this.matteSeq;
    this.keepTouchUp();
    const earlier = this.touchUps.get(path);
    // A picture opened again gets its own subject back; a new one Settings' default, not the last
    // picture's (an anime picture's Anime cut the next photo with the anime model, unflagged).
    // (The first picture takes the subject picked on the empty editor.)
    this.subject = options.subject ?? earlier?.subject ?? (this.path ? this.defaultSubject : this.subject);
    if (earlier) this.refine = earlier.refine;
    if (options.refine) this.refine = options.refine;
    this.isForIdPhoto = options.forIdPhoto === true;
    // Touched up for an ID photo: shown on the photo's colour (it showed on Cut-out's own, ID blue
    // for a photo on white), the user's own pick back once a picture opens that is not for one
    // (going back to the ID photo leaves the editor as it was, for more touch-ups).
    if (this.isForIdPhoto && options.idPhotoBackground) this.showOnIdPhotoColour(options.idPhotoBackground);
    else this.restoreOwnBackground();
    this.phase = 'loading';
    this.path = path;
    this.alpha = null;
    this.matte = null;
    this.lastExportPath = null;
    this.preview = preview;
    this.view.setImage(preview.width, preview.height, preview.sourceWidth);
    const isRestored = earlier !== undefined && earlier.brush.width === preview.width && earlier.brush.height === preview.height;
    if (isRestored) this.brush.restore(earlier!.brush);
    else this.brush.reset(preview.width, preview.height);
    this.touchUps.delete(path);
    void this.app.addRecent([path], 'images');
    // An image opened again solves its strokes over the new automatic trimap, as a change of subject does.
    await this.segment({ keepStrokes: isRestored, startedMs });
  }

  /** Keeps the open image's touch-up (when it has one) for when it is opened again; the last TOUCH_UPS_KEPT images. */
  private keepTouchUp(): void {
    // A stroke still being drawn (Ctrl+O with the button held) is this picture's: ended and kept
    // with it (it was lost, and the pointer's moves after did not paint on the new one either).
    this.brush.end();
    const snapshot = this.brush.snapshot();
    // A subject switched from the default is kept too, without strokes.
    if (!this.path || (snapshot.strokes.length === 0 && snapshot.redo.length === 0 && this.subject === this.defaultSubject)) return;
    this.touchUps.delete(this.path);
    this.touchUps.set(this.path, { brush: snapshot, subject: this.subject, refine: this.refine });
    while (this.touchUps.size > TOUCH_UPS_KEPT) this.touchUps.delete(this.touchUps.keys().next().value!);
  }

  /**
   * (Re)computes the cut-out with the current subject and edge mode. A new image starts without
   * strokes; another subject or edge mode keeps them (undo too) and solves them again over the new
   * automatic trimap. Best edges take about twice as long as fast ones, so a fast matte is shown
   * first and replaced when the best one comes (strokes painted meanwhile are solved again on it).
   */
  async segment(options: { keepStrokes?: boolean; startedMs?: number } = {}): Promise<void> {
    const path = this.path;
    const preview = this.preview;
    if (!path || !preview) return;
    const seq = this.matteSeq;
    // "Done in" is what the user waited: from the open (or the new matte) to the matte that stays.
    const startedMs = options.startedMs ?? performance.now();
    const waited = (): number => performance.now() - startedMs;
    const ask = (refine: RefineMode) => this.app.client.segment({ path, subject: this.subject, refine, maxSidePx: Math.max(preview.width, preview.height) });
    // With strokes kept, a fast first look would show the matte without them for a moment.
    const isTwoStep = this.refine === 'full' && !(options.keepStrokes && this.brush.editedBox());
    this.stopWholeSolve();
    this.phase = 'segmenting';
    this.isRefiningEdges = false;
    this.status({ key: 'stage.segment', tone: 'busy' });
    let isShown = false;
    try {
      const first = await ask(isTwoStep ? 'fast' : this.refine);
      if (seq !== this.matteSeq) return;
      this.takeMatte(first, waited(), isTwoStep ? 'fast' : this.refine);
      isShown = true;
      // A cut-out made: the banner of one that failed (the person model missing, then Anime picked) goes.
      this.app.dismissError('cutout');
      const kept = options.keepStrokes ? this.brush.editedBox() : null;
      if (!options.keepStrokes) {
        this.brush.reset(preview.width, preview.height);
        this.brush.setAuto(this.autoTrimap);
      }
      this.phase = 'ready';
      if (!isTwoStep) {
        if (kept) await this.rematte(kept);
        return;
      }
      this.isRefiningEdges = true;
      this.status({ key: 'status.refiningEdges', tone: 'busy' });
      const best = await ask('full');
      if (seq !== this.matteSeq) return;
      this.isRefiningEdges = false;
      this.takeMatte(best, waited(), 'full');
      const painted = this.brush.editedBox();
      if (painted) await this.rematte(painted);
    } catch (error) {
      if (seq !== this.matteSeq) return;
      this.isRefiningEdges = false;
      // The fast matte stays usable when only the best one failed.
      this.phase = isShown ? 'ready' : 'failed';
      this.status({ key: 'status.failed', tone: 'warn' });
      this.app.showError(error, 'cutout');
    }
  }

  /** A segment result, made with `refine`'s edges, becomes the matte and the automatic trimap under the strokes; `waitedMs` is said as its time. */
  private takeMatte(matte: MatteResult, waitedMs: number, refine: RefineMode): void {
    this.setMatte(matte, waitedMs);
    this.autoTrimap = trimapFromAlpha(matte.alpha);
    this.brush.setAuto(this.autoTrimap);
    this.autoRefine = refine;
  }

  setSubject(subject: Subject): void {
    if (subject === this.subject) return;
    this.subject = subject;
    this.resegment();
  }

  setRefine(refine: RefineMode): void {
    if (refine === this.refine) return;
    this.refine = refine;
    this.resegment();
  }

  /** A new matte of the same image: what is still on its way for the last one (a matte, a re-solve) is dropped. */
  private resegment(): void {
    this.matteSeq++;
    void this.segment({ keepStrokes: true });
  }

  /**
   * Shows a matte; the status gives `ms` (default: the engine's time for it), with the model that
   * ran, or for a stroke's re-solve (`isResolve`) as the edge's (it named the model, which did not run again).
   */
  private setMatte(matte: MatteResult, ms = matte.timings.totalMs, { isExportsOwn = false, isResolve = false } = {}): void {
    this.matte = matte;
    this.alpha = matte.alpha;
    this.alphaVersion++;
    if (!isExportsOwn) this.resultVersion++;
    this.isWholeSolved = isExportsOwn;
    this.app.ranOn = matte.provider;
    const took: WordedParam = (_t, locale) => formatDuration(ms, locale);
    // The model named, as the CLI names it: the pressed Subject was the only sign of which ran.
    if (isResolve) this.status({ key: 'status.resolvedIn', params: { ms: took }, tone: 'ok' });
    else this.status({ key: 'status.doneIn', params: { ms: took, model: this.app.modelName(matte.modelId), provider: providerLabel(matte.provider) }, tone: 'ok' });
  }

  /** The trimap the engine should solve with now (automatic + strokes). */
  currentTrimap(): Uint8Array | null {
    if (!this.autoTrimap) return null;
    return this.brush.resolve(this.autoTrimap);
  }

  /**
   * A stroke (or undo/redo) changed `box`: re-matte it. Strokes that land while a re-matte runs
   * are merged into one follow-up request, so the engine never queues behind the brush.
   */
  async rematte(box: PixelBox | null): Promise<void> {
    if (!box || !this.path || !this.preview || !this.autoTrimap) return;
    this.stopWholeSolve();
    this.pendingBox = unionBox(this.pendingBox, box);
    if (this.isRematting) return;
    this.isRematting = true;
    const seq = this.matteSeq;
    try {
      while (this.pendingBox) {
        const region = this.pendingBox;
        this.pendingBox = null;
        const trimap = this.currentTrimap()!;
        const matte = await this.app.client.rematte({
          path: this.path,
          subject: this.subject,
          width: this.preview.width,
          height: this.preview.height,
          trimap,
          region: { x: region.x, y: region.y, width: region.w, height: region.h },
          refine: this.autoRefine,
        });
        if (seq !== this.matteSeq) return;
        this.setMatte(matte, matte.timings.totalMs, { isResolve: true });
      }
      this.armWholeSolve(seq, this.touchSeq);
    } catch (error) {
      this.pendingBox = null;
      if (seq === this.matteSeq) this.app.showError(error, 'cutout');
    } finally {
      this.isRematting = false;
      // Boxes that came in for a newer matte while this loop ran for an older one.
      const rest = seq !== this.matteSeq ? this.pendingBox : null;
      this.pendingBox = null;
      if (rest) void this.rematte(rest);
    }
  }

  /** The strokes changed (or the matte under them): a whole solve waiting or running is for older ones. */
  private stopWholeSolve(): void {
    this.touchSeq++;
    clearTimeout(this.wholeSolveTimer);
    this.isSolvingWhole = false;
    // What is shown is no longer the export's matte of the strokes as they are.
    this.isWholeSolved = false;
  }

  /** Solves the whole picture once the brush has rested WHOLE_SOLVE_AFTER_MS (not while a stroke is being drawn: asked again then). */
  private armWholeSolve(seq: number, touch: number): void {
    clearTimeout(this.wholeSolveTimer);
    this.wholeSolveTimer = setTimeout(() => (this.brush.isStroking ? this.armWholeSolve(seq, touch) : void this.solveWhole(seq, touch)), WHOLE_SOLVE_AFTER_MS);
  }

  /**
   * Once the strokes have settled, solves the whole picture as the export will (the touch-up's
   * labels over the engine's automatic trimap, Best edges), so what the editor shows is the file's
   * matte; with every stroke undone, the automatic matte as it was. A stroke meanwhile stops it
   * (the engine drops a whole solve when the next re-matte of the picture comes).
   */
  private async solveWhole(seq: number, touch: number): Promise<void> {
    const path = this.path;
    const preview = this.preview;
    const isCurrent = (): boolean => seq === this.matteSeq && touch === this.touchSeq;
    if (!path || !preview || !isCurrent()) return;
    this.isSolvingWhole = true;
    try {
      const trimap = touchUpLabels(this.brush.layer, preview.width);
      const matte = await this.app.client.rematte({ path, subject: this.subject, width: preview.width, height: preview.height, trimap, whole: true, refine: this.autoRefine });
      // The export's own matte: an export made meanwhile still holds what is shown. One that comes
      // while a stroke is being drawn is not swapped in under it: asked again once the brush rests
      // (a stroke that changes nothing leaves no re-matte to ask it).
      if (isCurrent() && this.brush.isStroking) this.armWholeSolve(seq, touch);
      else if (isCurrent()) this.setMatte(matte, matte.timings.totalMs, { isExportsOwn: true, isResolve: true });
    } catch (error) {
      // Stopped by a newer stroke (CANCELLED), or failed: the region's re-solve stays on screen.
      if (isCurrent() && (error as { code?: string })?.code !== 'CANCELLED') this.app.showError(error, 'cutout');
    } finally {
      if (isCurrent()) this.isSolvingWhole = false;
    }
  }

  undo(): void {
    void this.rematte(this.brush.undo());
  }

  redo(): void {
    void this.rematte(this.brush.redo());
  }

  /**
   * Takes every stroke back (one undo brings them back), and solves the picture without them: at
   * once as a whole (a re-matte of the whole picture as a region, then the whole solve after it,
   * solved it twice). A re-matte under way asks for the whole solve as it ends.
   */
  clearStrokes(): void {
    if (!this.brush.clear()) return;
    this.stopWholeSolve();
    if (!this.isRematting) void this.solveWhole(this.matteSeq, this.touchSeq);
  }

  /**
   * The touch-up as a trimap file at the source's size (the engine writes it), for the export or
   * an ID photo of this image; null when nothing is painted (no stroke, or strokes all taken back
   * by Auto: the export is then made as without them, as the whole solve shows it).
   */
  async saveTouchUp(): Promise<string | null> {
    const path = this.path;
    const preview = this.preview;
    if (!path || !preview || !this.brush.isPainted || !this.autoTrimap) return null;
    const trimap = touchUpLabels(this.brush.layer, preview.width);
    return this.app.client.saveTrimap({ path, width: preview.width, height: preview.height, trimap });
  }

  /** The user's own background pick, kept while a portrait is shown on its ID photo's colour. */
  private ownBackground: { selectedId: string; customHex: string } | null = null;

  /** Shows the picture on an ID photo's colour, keeping the user's own pick (the first one) to restore. */
  private showOnIdPhotoColour(hex: string): void {
    this.ownBackground ??= { selectedId: this.background.selectedId, customHex: this.background.customHex };
    this.background.applyDefault(hex);
  }

  /** The user's own background pick again, after an ID photo's touch-up. */
  private restoreOwnBackground(): void {
    const own = this.ownBackground;
    if (!own) return;
    this.ownBackground = null;
    this.background.customHex = own.customHex;
    if (!this.background.select(own.selectedId)) this.background.select('transparent');
  }

  /** Hands the touch-up to the ID photo workspace and shows it there (strokes stay here for more touch-ups). */
  async useInIdPhoto(): Promise<void> {
    const path = this.path;
    if (!path) return;
    try {
      const trimapPath = await this.saveTouchUp();
      this.app.openIn('idphoto', [path], { trimapPath });
    } catch (error) {
      this.app.showError(error, 'cutout');
    }
  }

  /** Exports at full size: asks where, writes the edited trimap if any, runs a cutout job. */
  async export(): Promise<string | null> {
    const path = this.path;
    const preview = this.preview;
    if (!path || !preview || !this.hasResult || this.isWriting) return null;
    const app = this.app;
    app.dismissError('cutout');
    this.lastExportPath = null;
    const key = this.resultKey();
    this.isStartingJob = true;
    try {
      const chosen = await app.client.chooseSaveTarget({ defaultName: exportName(path, this.exportFormat, this.subject), nearPath: path, types: exportTypes(this.exportFormat) });
      if (!chosen) return null;
      const { output, format } = exportTarget(chosen, this.exportFormat);
      const trimapPath = (await this.saveTouchUp()) ?? undefined;
      this.status({ key: 'status.working', tone: 'busy' });
      const { id, outcome } = await app.runJob({
        kind: 'cutout',
        input: path,
        output,
        options: this.jobOptions(trimapPath, format, this.exportMaxSidePx ?? undefined),
      });
      this.exportJobId = id;
      this.isStartingJob = false;
      const end = await outcome;
      this.exportJobId = null;
      if (end.outcome === 'done') {
        const result = end.result as { output?: string; provider?: string } | null;
        const written = result?.output ?? output;
        // Another picture opened while it was made: the file is saved and said, but the export panel
        // is the picture on screen's ("Download again" gave the other picture's cut-out).
        if (this.path === path) {
          this.lastExportPath = written;
          this.exportedKey = key;
        }
        // A cut-out of nothing (no one found, nothing kept by a stroke) is saved as asked, and said so.
        const isEmpty = this.path === path && this.matte?.review.isEmpty === true && !this.alpha?.some((a) => a > 0);
        this.status(
          isEmpty
            ? { key: 'status.savedEmpty', params: { path: app.savedName(written) }, tone: 'warn' }
            : result?.provider
              ? { key: 'status.savedIn', params: { path: app.savedName(written), ms: (_t, locale) => formatDuration(end.elapsedMs, locale), provider: providerLabel(result.provider) }, tone: 'ok' }
              : { key: 'status.saved', params: { path: app.savedName(written) }, tone: 'ok' },
        );
        await app.deliverExport([written]);
        return written;
      }
      if (end.outcome === 'cancelled') {
        this.status({ key: 'status.cancelled', tone: 'idle' });
        return null;
      }
      this.status({ key: 'status.failed', tone: 'warn' });
      app.showError(end.error, 'cutout');
      return null;
    } catch (error) {
      this.exportJobId = null;
      this.status({ key: 'status.failed', tone: 'warn' });
      app.showError(error, 'cutout');
      return null;
    } finally {
      this.isStartingJob = false;
    }
  }

  /** A cutout job's options from the editor: a touched-up trimap is solved with full edges. */
  private jobOptions(trimapPath: string | undefined, format: ExportFormat, maxSidePx?: number): CutoutOptions {
    const refine = trimapPath ? 'full' : this.refine;
    // The matte alone has no background and is a lossless PNG.
    if (format === 'mask') return { subject: this.subject, background: { kind: 'transparent' }, refine, format: 'png', trimapPath, maxSidePx, mask: true };
    // Settings' "JPEG / WebP quality" (a PNG does not use it).
    return { subject: this.subject, background: this.background.background, refine, format, quality: this.app.settings.jpegQuality, trimapPath, maxSidePx };
  }

  /**
   * The file Copy puts on the clipboard: the current export; else, when the picture is larger than
   * the editor's preview, the cut-out made at full size as PNG in the app's temporary folder (a
   * review copied 1333x1600 of a 3000x3602 photo before exporting it). Null when the preview is
   * the full size (the page copies its own composite), or when the copy was cancelled.
   */
  async fullSizeForCopy(): Promise<string | null> {
    // An export of the cut-out at the source size is the full-size picture; one made smaller, or the mask, is not.
    if (this.fullSizeExportPath) return this.fullSizeExportPath;
    const path = this.path;
    const preview = this.preview;
    if (!path || !preview || !this.hasResult || this.isWriting) return null;
    if (this.isPreviewFullSize) return null;
    this.status({ key: 'status.copying', tone: 'busy' });
    this.isStartingJob = true;
    try {
      const output = await this.app.client.chooseSaveTarget({ defaultName: exportName(path, 'png').replace(/_cutout\.png$/, '_copy.png'), scratch: true });
      if (!output) return null;
      const trimapPath = (await this.saveTouchUp()) ?? undefined;
      const { id, outcome } = await this.app.runJob({
        kind: 'cutout',
        input: path,
        output,
        options: this.jobOptions(trimapPath, 'png'),
      });
      this.copyJobId = id;
      this.isStartingJob = false;
      const end = await outcome;
      if (end.outcome === 'done') return (end.result as { output?: string } | null)?.output ?? output;
      if (end.outcome === 'cancelled') {
        this.status({ key: 'status.cancelled', tone: 'idle' });
        return null;
      }
      throw end.error;
    } catch (error) {
      this.status({ key: 'status.failed', tone: 'warn' });
      throw error;
    } finally {
      this.copyJobId = null;
      this.isStartingJob = false;
    }
  }

  async cancelExport(): Promise<void> {
    if (this.exportJobId) await this.app.cancelJob(this.exportJobId);
  }
}
