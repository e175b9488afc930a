// The Stickers workspace's state (rune class, renderer): the opened clip, trim with clamping
// setters, the sticker options, the Keep / Remove strokes, the trim start's frame cut out and
// composed as the sticker will show it (live), the export job with progress and cancel, and the
// finished sticker's bytes for the looping preview. Talks to main only through the ApiClient.
import type { ClipInfo, MediaBytes, StickerFramePreview, StickerFramePreviewRequest } from '../../../../shared/api';
import type { ApiClient } from '../../../../shared/api-client';
import { STICKER_STROKE_LIMITS, type DrawingsLeftOut, type JobOutcome, type StickerJobOptions, type StickerJobResult, type StickerReview, type StickerStroke, type Subject } from '../../../../shared/jobs';
import { clipStickerFps, PLATFORM_PRESETS, presetFps, STICKER_PRESET_CHOICES, stickerExtension, stickerExtensions, stickerPaletteOffer, STICKER_COLOUR_COUNTS, wholeSecondsOf, type PlatformPreset, type StickerPaletteOffer, type StickerPresetChoice } from '../../../../shared/sticker-presets';
import { sureTrim } from '../../../../shared/sticker-review';
import { isCancellation } from '../../../../shared/errors';

/** The long side of the clip's frame the Clip pane shows (the poster). */
const POSTER_SIDE_PX = 480;

/** Formats offered by the format picker. */
export const STICKER_FORMATS = ['gif', 'webp', 'apng', 'webm'] as const;
export type StickerFormatChoice = (typeof STICKER_FORMATS)[number];
/** Platform presets ('none' = free size and format). */
export const STICKER_PRESETS = STICKER_PRESET_CHOICES;
export type { StickerPresetChoice };
/** Output sizes (long side, px) of the size picker. */
export const STICKER_SIZES = [160, 240, 320, 512] as const;
/** The controls a user sets once and expects back next time (StickerState.preferences). */
export interface StickerPreferences {
  fps: number;
  sizePx: number;
  stability: number;
  threshold: number;
  matte: string;
  /** A GIF's (or palette APNG's) gradients dithered (true) or banded. */
  dither: boolean;
  /** The palette's colours (STICKER_COLOUR_COUNTS; 0 all). */
  colors: number;
  outlinePx: number;
  outlineColor: string;
  plays: number;
  format: StickerFormatChoice;
  preset: StickerPresetChoice;
  model: 'anime' | 'person';
}

/** localStorage key of the Stickers workspace's preferences. */
export const STICKER_PREFERENCES_KEY = 'cutout.sticker.preferences';

/** Longest trim the workspace offers (s); presets allow less. */
export const MAX_TRIM_S = 10;
/** Shortest trim (s). */
export const MIN_TRIM_S = 0.2;

/**
 * The made sticker's line, by its frames against those taken from the clip: one (a still, of
 * frames alike or of one), fewer (a drawing held over frames is one frame in a GIF or WebP; a
 * platform's limits), more (a WebM made as drawn repeats them at one steady rate), or as many.
 * ("16 frames" over a strip of "the 20 frames taken", and a WebM's 48 beside them, were unsaid.)
 */
export function resultInfoKey(frameCount: number, taken: number): string {
  if (frameCount === 1) return taken > 1 ? 'sticker.resultInfoOneMerged' : 'sticker.resultInfoOne';
  if (frameCount < taken) return 'sticker.resultInfoFewer';
  if (frameCount > taken) return 'sticker.resultInfoSteady';
  return 'sticker.resultInfo';
}

/**
 * Clamps a trim to the clip: start in [0, clip − MIN_TRIM_S], duration in [MIN_TRIM_S, maxS] and
 * never past the end; a clip shorter than MIN_TRIM_S is trimmed to the whole of it (its End is
 * its end, not past it). Values are rounded to 0.01 s, the end down where up would pass the clip's.
 */
export function clampTrim(startS: number, durationS: number, clipDurationS: number, maxS = MAX_TRIM_S): { startS: number; durationS: number } {
  const r = (v: number): number => Math.round(v * 100) / 100;
  const clip = Math.max(0.01, clipDurationS);
  const shortest = Math.min(MIN_TRIM_S, clip);
  const start = Math.min(Math.max(0, Number.isFinite(startS) ? startS : 0), Math.max(0, clip - shortest));
  const longest = Math.min(maxS, clip - start);
  const duration = Math.min(Math.max(shortest, Number.isFinite(durationS) ? durationS : longest), longest);
  // Rounded, the end stays within the clip (a 7.548-s clip's End read 7.55, past the clip's 7.54 on its slider).
  const startR = r(start);
  const durationR = startR + r(duration) > clip + 1e-9 ? Math.floor((clip - startR) * 100 + 1e-6) / 100 : r(duration);
  return { startS: startR, durationS: durationR };
}

/** The bits of the app the sticker state needs (AppState provides them). */
export interface StickerHost {
  client: Pick<ApiClient, 'probeClip' | 'loadClipFrame' | 'loadStickerFile' | 'previewStickerFrame' | 'chooseSaveTarget'>;
  runJob(spec: { kind: 'sticker'; input: string; output: string; options: StickerJobOptions }): Promise<{ id: string; outcome: Promise<JobOutcome> }>;
  cancelJob(id: string): Promise<void>;
  /** Shows an error in the banner, as the Stickers workspace's (AppState.showError). */
  showError(error: unknown, owner?: 'sticker'): void;
  /** Takes down the banner if the Stickers workspace put it up (AppState.dismissError). */
  dismissError?(owner: 'sticker'): void;
  addRecent?(paths: string[], openedAs: 'videos'): Promise<void>;
  /** Hands a written sticker to the user (a browser download in `cutout serve`); AppState.deliverExport. */
  deliverExport?(paths: readonly string[]): Promise<void>;
  /** Where the last model run really ran (the status bar's; AppState.ranOn): a frame preview sets it. */
  ranOn?: string | null;
}

/** A finished sticker as the preview shows it. */
export interface StickerResultView {
  path: string;
  mime: string;
  /** The file for the looping preview; null when it is too big to load here (it is saved all the same). */
  bytes: Uint8Array | null;
  width: number;
  height: number;
  frameCount: number;
  /** Frames per second written, and the rate asked for. */
  fps: number;
  askedFps: number;
  /** The rate the frames were made at where a preset's limits lowered the one asked (StickerJobResult.rateLowered). */
  rateLowered?: number;
  sizeBytes: number;
  withinBudget: boolean;
  /** Made smaller than asked to fit the platform's byte limit. */
  shrunkToFit: boolean;
  modelFallback: boolean;
  /** What the model that ran cuts out. */
  subject: Subject;
  /** Where the clip's frames stopped when it stopped well short of the trim (a file cut short). */
  endsAtS?: number;
  /** Seconds at the start and end of the trim that showed nothing to cut out, left out of the sticker. */
  emptyEndsS?: { start: number; end: number };
  /** StickerJobResult.drawingsLeftOut: made as drawn, the drawings a preset's limits left out. */
  drawingsLeftOut?: DrawingsLeftOut;
  /** StickerJobResult.decodeErrors: the clip is damaged. */
  decodeErrors?: number;
  /** Made without a platform and bigger than chat apps take (StickerJobResult.chatLimitBytes): said, with how to make it lighter for its format. */
  tooBigForChat?: { format: StickerFormatChoice };
  /** The trim's end the sticker was made with (the handles may have moved since). */
  askedEndS: number;
  /** How unsure the model was, per frame and for the sticker (its median frame). */
  review: StickerReview;
}

export class StickerState {
  clip = $state.raw<ClipInfo | null>(null);
  poster = $state.raw<MediaBytes | null>(null);
  phase = $state<'empty' | 'probing' | 'ready' | 'rendering' | 'done'>('empty');
  startS = $state(0);
  durationS = $state(3);
  fps = $state(12);
  sizePx = $state<number>(320);
  stability = $state(0.5);
  threshold = $state(0.5);
  matte = $state('#FFFFFF');
  /** A GIF's gradients shown as a fine pattern of its palette (ordered dither), not as bands. */
  dither = $state(false);
  /**
   * A GIF's or APNG's palette, in colours; 0 all (a GIF's 255, an APNG in true colour). Fewer make
   * a smaller file, and the dither shows what lies between them. WebP and WebM keep every colour.
   */
  colors = $state(0);
  outlinePx = $state(0);
  /** The outline's colour ('#RRGGBB'; white, as chat stickers usually have). */
  outlineColor = $state('#FFFFFF');
  /** How many times the sticker plays (0 forever); a preset sets its own. */
  plays = $state(0);
  format = $state<StickerFormatChoice>('gif');
  preset = $state<StickerPresetChoice>('none');
  model = $state<'anime' | 'person'>('anime');
  jobId = $state<string | null>(null);
  /** The clip the running job makes a sticker of: another clip may be opened while it runs. */
  jobClipPath = $state<string | null>(null);
  /** A job at work on a clip other than the one open (opened while it ran): the pane shows this clip, and says which one is being made. */
  isMakingOther = $derived(this.jobId !== null && this.jobClipPath !== this.clip?.path);
  /** A sticker finished for a clip no longer open: said on the status line (it was saved without a word). */
  madeElsewhere = $state.raw<{ path: string; frameCount: number; sizeBytes: number } | null>(null);
  /** The sticker of a clip no longer open that failed (the banner says why). */
  failedElsewhere = $state.raw<{ clipPath: string } | null>(null);
  /** Make sticker… is at work: its target being chosen, then its job (the guard of a second click). */
  private isStartingJob = false;
  result = $state.raw<StickerResultView | null>(null);
  /** The frame rate last picked on the slider: a new clip starts at it (or at the clip's own, if lower). */
  preferredFps = $state(12);
  /** Bumped by open(): what a job started for an earlier clip must not touch. */
  private openSeq = 0;
  /** Bumped by each open() before its probe: only the newest clip asked for opens. */
  private probeSeq = 0;
  /** Bumped by each loadPoster(): the frame of a start the handle has left, answering last, is not shown. */
  private posterSeq = 0;
  /** The last make was cancelled (nothing was written): the pane says so until the next make or clip. */
  wasCancelled = $state(false);
  /** The last make failed (its error is in the banner): the status line says so (it kept a green "Opened …"). */
  makeFailed = $state(false);
  /**
   * The last clip asked for could not be opened (a new object each time, so the status line says
   * each one): `isClipKept` when the clip before it stays open. Null once a clip opens.
   */
  openFailure = $state.raw<{ isClipKept: boolean } | null>(null);
  /** Keep / Remove strokes over the clip, in frame fractions: they hold for every frame. */
  strokes = $state.raw<StickerStroke[]>([]);
  /** The brush that paints on the clip's frame, or null (the frame is only a picture). */
  brush = $state<StickerStroke['mode'] | null>(null);
  /** Brush diameter as a fraction of the frame's long side. */
  brushSize = $state(0.08);
  /** What the clip pane shows: the frame, or the frame cut out as the sticker will cut it. */
  view = $state<'frame' | 'cutout'>('frame');
  /** The poster's frame cut out with the model and the strokes (view 'cutout'), and composed as the sticker will show it. */
  framePreview = $state.raw<StickerFramePreview | null>(null);
  isPreviewing = $state(false);
  /** Only the newest preview request is shown. */
  private previewSeq = 0;
  /** The options the shown sticker was made with (JSON of options()). */
  private madeWith = $state<string | null>(null);

  /** The platform preset's limits (shared with the engine), or null for free size and format. */
  presetLimits: PlatformPreset | null = $derived(this.preset === 'none' ? null : PLATFORM_PRESETS[this.preset]);
  /** The preset's size box as read ('512', '320 × 270'), or null. */
  presetBox = $derived(this.presetLimits ? (this.presetLimits.maxW === this.presetLimits.maxH ? `${this.presetLimits.maxW}` : `${this.presetLimits.maxW} × ${this.presetLimits.maxH}`) : null);
  /** The format actually written (a preset forces its own). */
  effectiveFormat: StickerFormatChoice = $derived(this.presetLimits?.format ?? this.format);
  /**
   * The Colours list and the dither box as they apply to the format written (a colour count for a
   * GIF, or an APNG then reduced to a palette; the dither where the sticker has a palette: a GIF, an
   * APNG given a count or a preset whose byte budget may reduce it to one), and the options they give.
   */
  palette: StickerPaletteOffer = $derived(stickerPaletteOffer({ format: this.effectiveFormat, preset: this.preset, colors: this.colors, dither: this.dither }));
  /** The longest trim allowed now. */
  maxDurationS = $derived(Math.min(MAX_TRIM_S, this.presetLimits?.maxDurationS ?? MAX_TRIM_S));
  endS = $derived(this.startS + this.durationS);
  /** The whole seconds a preset that plays whole seconds (LINE) makes of the trim (2.5 s: 3 s, as the engine does), or null. */
  playedS = $derived(this.presetLimits?.wholeSeconds && this.clip ? wholeSecondsOf(this.presetLimits, this.durationS, this.clip.durationS - this.startS) : null);
  /**
   * Made as drawn (each of the clip's drawings one frame, held as long as the clip holds it): the
   * slider at the clip's drawing rate, where it has one. The engine does so (StickerJobOptions.asDrawn).
   */
  isAsDrawn = $derived(!!this.clip?.drawing && Math.abs(this.fps - this.clip.drawing.drawingFps) < 0.05);
  /** The frame rate the sticker is made at: the slider's, lowered where a preset limits rate or frames (LINE: 20 frames; as drawn, every 2nd drawing). */
  effectiveFps = $derived(presetFps(this.presetLimits ?? undefined, this.fps, this.playedS ?? this.durationS, this.isAsDrawn ? this.clip?.drawing?.drawingFps : undefined));
  frameEstimate = $derived(Math.max(1, Math.round((this.playedS ?? this.durationS) * this.effectiveFps)));
  /** True when a sticker is shown but a control has changed since it was made. */
  isResultStale = $derived(this.result !== null && JSON.stringify(this.options()) !== this.madeWith);
  /** The frame preview is wanted: the Cut-out view is open, or the Sticker pane has no up-to-date sticker to show. */
  wantsFramePreview = $derived(this.clip !== null && (this.view === 'cutout' || this.result === null || this.isResultStale));

  constructor(private readonly host: StickerHost) {}

  /** The frame rate slider: the rate for this clip, and the one the next clip starts at. */
  setFps(fps: number): void {
    this.fps = fps;
    this.preferredFps = fps;
  }

  /** Makes this clip's sticker as drawn (each drawing once, as long as the clip holds it); the rate the next clip starts at stays. */
  useDrawingFps(): void {
    if (this.clip?.drawing) this.fps = this.clip.drawing.drawingFps;
  }

  /** What is remembered between sessions (STICKER_PREFERENCES_KEY). */
  preferences(): StickerPreferences {
    const { preferredFps: fps, sizePx, stability, threshold, matte, dither, colors, outlinePx, outlineColor, plays, format, preset, model } = this;
    return { fps, sizePx, stability, threshold, matte, dither, colors, outlinePx, outlineColor, plays, format, preset, model };
  }

  /** Takes back remembered preferences; anything missing, of the wrong kind or out of range is left as it is. */
  restorePreferences(saved: unknown): void {
    if (!saved || typeof saved !== 'object') return;
    const p = saved as Partial<Record<keyof StickerPreferences, unknown>>;
    const num = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
    const hex = (v: unknown): v is string => typeof v === 'string' && /^#[0-9a-f]{6}$/i.test(v);
    if (num(p.fps, 4, 30)) this.fps = this.preferredFps = Math.round(p.fps);
    if ((STICKER_SIZES as readonly unknown[]).includes(p.sizePx)) this.sizePx = p.sizePx as number;
    if (num(p.stability, 0, 1)) this.stability = p.stability;
    if (num(p.threshold, 0.1, 0.9)) this.threshold = p.threshold;
    if (hex(p.matte)) this.matte = p.matte;
    if (typeof p.dither === 'boolean') this.dither = p.dither;
    if ((STICKER_COLOUR_COUNTS as readonly unknown[]).includes(p.colors)) this.colors = p.colors as number;
    if (num(p.outlinePx, 0, 8)) this.outlinePx = Math.round(p.outlinePx);
    if (hex(p.outlineColor)) this.outlineColor = p.outlineColor;
    if (num(p.plays, 0, 100)) this.plays = Math.round(p.plays);
    if ((STICKER_FORMATS as readonly unknown[]).includes(p.format)) this.format = p.format as StickerFormatChoice;
    if ((STICKER_PRESETS as readonly unknown[]).includes(p.preset)) this.preset = p.preset as StickerPresetChoice;
    if (p.model === 'anime' || p.model === 'person') this.model = p.model;
  }

  /**
   * Opens a clip: probe, poster frame, a default trim of the first 3 s, or with `wholeClip` the whole
   * clip as a batch made it (both within the workspace's and the preset's longest trim).
   */
  async open(path: string, options: { wholeClip?: boolean } = {}): Promise<void> {
    // Only the newest clip asked for opens (an older probe that answers last is dropped).
    const seq = ++this.probeSeq;
    this.phase = 'probing';
    // The last clip's error is not this one's: a clip that fails to open says so anew.
    this.host.dismissError?.('sticker');
    let clip: ClipInfo;
    let trim: { startS: number; durationS: number };
    let poster: MediaBytes;
    try {
      clip = await this.host.client.probeClip({ path });
      if (seq !== this.probeSeq) return;
      trim = clampTrim(0, options.wholeClip ? clip.durationS : 3, clip.durationS, this.maxDurationS);
      // A clip opens with its first frame: one whose header reads but whose frames do not (cut short
      // at its first bytes) is refused here, as one that does not probe, and the last clip stays.
      poster = await this.host.client.loadClipFrame({ path: clip.path, timeS: trim.startS, maxSidePx: POSTER_SIDE_PX });
    } catch (error) {
      if (seq !== this.probeSeq) return;
      // The last clip, its sticker (or the one being made) and its frame stay.
      this.phase = this.jobId ? 'rendering' : this.result ? 'done' : this.clip ? 'ready' : 'empty';
      this.openFailure = { isClipKept: this.clip !== null };
      this.host.showError(error, 'sticker');
      return;
    }
    if (seq !== this.probeSeq) return;
    // What was on its way for the last clip (its sticker's preview, its frame) is not this one's.
    this.openSeq++;
    this.previewSeq++;
    this.isPreviewing = false;
    try {
      this.result = null;
      this.wasCancelled = false;
      this.makeFailed = false;
      this.openFailure = null;
      this.framePreview = null;
      this.clip = clip;
      // Strokes were painted on the last clip's picture.
      this.strokes = [];
      this.brush = null;
      this.fps = clipStickerFps(this.preferredFps, clip);
      // Clamped again as it opens: a preset picked while the first frame loaded has its longest trim.
      ({ startS: this.startS, durationS: this.durationS } = clampTrim(trim.startS, trim.durationS, clip.durationS, this.maxDurationS));
      this.poster = poster;
      this.phase = 'ready';
      void this.host.addRecent?.([path], 'videos');
    } catch (error) {
      this.host.showError(error, 'sticker');
    }
  }

  /** Moves the start handle: the end stays, unless the start reaches it (then the length is kept, as far as it fits). */
  setStart(startS: number): void {
    if (!this.clip) return;
    // The end stays where it is (Start moved back to 0 kept the length a clip's end had cut to 0.2 s,
    // and took the end with it), unless the start reaches it: then the trim slides, keeping its length.
    // The length is taken from the start as it is kept (to 0.01 s): a frame's step at 8 fps (0.125 s)
    // kept as 0.13 moved the end 0.01 s a press.
    const end = this.startS + this.durationS;
    const start = Math.round(startS * 100) / 100;
    const length = start < end - MIN_TRIM_S ? end - start : this.durationS;
    const t = clampTrim(start, length, this.clip.durationS, this.maxDurationS);
    this.startS = t.startS;
    this.durationS = t.durationS;
  }

  /** Moves the end handle. */
  setEnd(endS: number): void {
    if (!this.clip) return;
    this.durationS = clampTrim(this.startS, endS - this.startS, this.clip.durationS, this.maxDurationS).durationS;
  }

  /**
   * The trim to the longest sure run of the last sticker's frames (shared sureTrim), clamped like the
   * handles (clip end, the preset's longest duration); null when there is nothing to trim.
   */
  sureTrim = $derived.by(() => {
    const trim = this.result && this.clip ? sureTrim(this.result.review, MIN_TRIM_S) : null;
    return trim && this.clip ? clampTrim(trim.startS, trim.durationS, this.clip.durationS, this.maxDurationS) : null;
  });

  /** Moves the handles to sureTrim and shows its first frame. */
  trimToSure(): void {
    const trim = this.sureTrim;
    if (!trim) return;
    this.startS = trim.startS;
    this.durationS = trim.durationS;
    void this.loadPoster();
  }

  setPreset(preset: StickerPresetChoice): void {
    this.preset = preset;
    if (this.clip) this.setStart(this.startS);
  }

  /** Reloads the poster at the trim start (after the start handle settles). */
  async loadPoster(): Promise<void> {
    if (!this.clip) return;
    // An answer for a clip opened before another is dropped (it drew the last clip's frame, or its error, over this one),
    // and so is one for an earlier start of this clip that comes back after the frame asked for since (a seek to a far
    // keyframe can take longer than the one after it).
    const seq = this.openSeq;
    const ask = ++this.posterSeq;
    const isCurrent = () => seq === this.openSeq && ask === this.posterSeq;
    try {
      const poster = await this.host.client.loadClipFrame({ path: this.clip.path, timeS: this.startS, maxSidePx: POSTER_SIDE_PX });
      if (isCurrent()) this.poster = poster;
    } catch (error) {
      if (isCurrent()) this.host.showError(error, 'sticker');
    }
  }

  /** Picks a brush, or puts it down when it is the one in hand. */
  toggleBrush(mode: StickerStroke['mode']): void {
    this.brush = this.brush === mode ? null : mode;
  }

  /** Adds a stroke unless it is empty or the sticker's limits (STICKER_STROKE_LIMITS) are reached; false when it was refused. */
  addStroke(stroke: StickerStroke): boolean {
    const points = this.strokes.reduce((n, s) => n + s.points.length, stroke.points.length);
    if (stroke.points.length === 0 || this.strokes.length >= STICKER_STROKE_LIMITS.strokes || points > STICKER_STROKE_LIMITS.points) return false;
    this.strokes = [...this.strokes, stroke];
    return true;
  }

  undoStroke(): void {
    this.strokes = this.strokes.slice(0, -1);
  }

  clearStrokes(): void {
    this.strokes = [];
  }

  /**
   * Cuts out the poster's frame (the trim start) with the model and strokes, at the size the sticker
   * works at; a newer call supersedes an older one still running.
   */
  async loadFramePreview(): Promise<void> {
    if (!this.clip) return;
    const seq = ++this.previewSeq;
    this.isPreviewing = true;
    try {
      const preview = await this.host.client.previewStickerFrame({ path: this.clip.path, timeS: this.startS, options: this.previewOptions() });
      // The model ran, wherever the preview goes: the status bar says where (it said the provider asked for).
      this.host.ranOn = preview.provider;
      if (seq === this.previewSeq) this.framePreview = preview;
    } catch (error) {
      if (seq === this.previewSeq) this.host.showError(error, 'sticker');
    } finally {
      if (seq === this.previewSeq) this.isPreviewing = false;
    }
  }

  /** What of the job options shapes one frame (all but the trim and the frame rate): the frame preview's options. */
  previewOptions(): NonNullable<StickerFramePreviewRequest['options']> {
    const base = {
      model: this.model,
      stability: this.stability,
      threshold: this.threshold,
      matte: this.matte,
      outlinePx: this.outlinePx,
      ...(this.outlinePx > 0 ? { outlineColor: this.outlineColor } : {}),
      ...(this.strokes.length > 0 ? { strokes: this.strokes } : {}),
      // The still shows the palette's colours and dither as the sticker will.
      ...this.palette.options,
    };
    return this.preset === 'none' ? { ...base, maxSidePx: this.sizePx, format: this.format, ...(this.plays > 0 ? { plays: this.plays } : {}) } : { ...base, preset: this.preset };
  }

  /** The job options from the controls. */
  options(): StickerJobOptions {
    return { startS: this.startS, durationS: this.durationS, fps: this.fps, ...(this.isAsDrawn ? { asDrawn: true } : {}), ...this.previewOptions() };
  }

  /** A file name for the save dialog: clip name + _sticker + the format's extension. */
  suggestedName(): string {
    const name = (this.clip?.path ?? 'sticker').split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '');
    return `${name}_sticker.${stickerExtension(this.effectiveFormat)}`;
  }

  /** Asks where to save, runs the sticker job, then loads the result for the preview. */
  async export(): Promise<void> {
    // While another clip opens, the controls still hold the last one's trim; while a sticker is
    // starting (its target chosen, its job asked for) a second click made the same sticker twice,
    // and the toolbar lost the job it could cancel.
    if (!this.clip || this.jobId || this.isStartingJob || this.phase === 'probing' || this.phase === 'rendering') return;
    this.isStartingJob = true;
    try {
      // A name typed with another type (or none) is given this format's, asked about if it is there.
      const output = await this.host.client.chooseSaveTarget({ defaultName: this.suggestedName(), nearPath: this.clip.path, types: stickerExtensions(this.effectiveFormat) });
      if (output) await this.render(output);
    } catch (error) {
      this.host.showError(error, 'sticker');
    } finally {
      this.isStartingJob = false;
    }
  }

  /** Runs the job into `output` and shows the result; cancellation is quiet. */
  async render(output: string): Promise<void> {
    if (!this.clip) return;
    this.phase = 'rendering';
    this.wasCancelled = false;
    this.makeFailed = false;
    this.host.dismissError?.('sticker');
    const options = this.options();
    const format = this.effectiveFormat;
    // A sticker that finishes after another clip was opened is not that clip's: it is not shown.
    const seq = this.openSeq;
    const clipPath = this.clip.path;
    try {
      const { id, outcome } = await this.host.runJob({ kind: 'sticker', input: clipPath, output, options });
      this.jobId = id;
      this.jobClipPath = clipPath;
      const o = await outcome;
      if (this.jobId === id) [this.jobId, this.jobClipPath] = [null, null];
      // The sticker is the user's now, whether or not it can be previewed here, and also when
      // another clip was opened meanwhile (it is only not shown then, and said).
      if (o.outcome === 'done') void this.host.deliverExport?.([(o.result as StickerJobResult).output]);
      if (seq !== this.openSeq) {
        if (o.outcome === 'done') {
          const r = o.result as StickerJobResult;
          this.madeElsewhere = { path: r.output, frameCount: r.frameCount, sizeBytes: r.bytes };
        } else if (o.outcome === 'failed') {
          // Said too, with the clip's name (it failed without a word).
          this.host.showError(o.error, 'sticker');
          this.failedElsewhere = { clipPath };
        }
        return;
      }
      if (o.outcome === 'done') {
        const r = o.result as StickerJobResult;
        // A sticker too big to load for the preview (over 16 MB: a long APNG) is still made and saved.
        const file = await this.host.client.loadStickerFile({ path: r.output }).catch(() => null);
        if (seq !== this.openSeq) return;
        this.madeWith = JSON.stringify(options);
        this.result = { path: r.output, mime: file?.mime ?? '', bytes: file?.bytes ?? null, width: r.width, height: r.height, frameCount: r.frameCount, fps: r.fps, askedFps: r.drawing ? r.fps : (options.fps ?? r.fps), ...(r.rateLowered === undefined ? {} : { rateLowered: r.rateLowered }), sizeBytes: r.bytes, withinBudget: r.withinBudget, shrunkToFit: r.shrunkToFit === true, modelFallback: r.modelFallback, subject: r.subject, endsAtS: r.endsAtS, emptyEndsS: r.emptyEndsS, drawingsLeftOut: r.drawingsLeftOut, decodeErrors: r.decodeErrors, ...(r.chatLimitBytes === undefined ? {} : { tooBigForChat: { format } }), askedEndS: (options.startS ?? 0) + (options.durationS ?? 0), review: r.review };
        this.phase = 'done';
        return;
      }
      if (o.outcome === 'failed') this.host.showError(o.error, 'sticker');
      this.wasCancelled = o.outcome === 'cancelled';
      this.makeFailed = o.outcome === 'failed';
      this.phase = 'ready';
    } catch (error) {
      [this.jobId, this.jobClipPath] = [null, null];
      this.phase = 'ready';
      this.host.showError(error, 'sticker');
      this.makeFailed = !isCancellation(error);
    }
  }

  async cancel(): Promise<void> {
    if (this.jobId) await this.host.cancelJob(this.jobId);
  }
}
