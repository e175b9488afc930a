// Job types shared by main, preload, renderer and the CLI: what a job asks for, how it reports
// progress and how it ends. Plain data only (structured-clone-able); no 'electron', no 'node:*'.
import { AppError, type ErrorKind, type WireError } from './errors';

/** Opaque job id, unique per app run. */
export type JobId = string;

/** The stages long work reports progress in. */
export type JobStage =
  | 'scan'
  | 'decode'
  | 'detect'
  | 'segment'
  | 'refine'
  | 'composite'
  | 'encode'
  | 'extract'
  | 'matte'
  | 'write';

/**
 * Where the cut-out ends up: transparent, flattened on a solid sRGB colour '#RRGGBB', or placed on a
 * picture (an image file, scaled to cover the cut-out and centred; ID photos take colours only).
 */
export type Background = { kind: 'transparent' } | { kind: 'color'; hex: string } | { kind: 'image'; path: string };

/** Edge refinement after segmentation: none, guided filter, or trimap + closed-form matting. */
export type RefineMode = 'off' | 'fast' | 'full';

/** Every refine mode, in order of cost. */
export const REFINE_MODES = ['off', 'fast', 'full'] as const satisfies readonly RefineMode[];

/** How a palette shows colours between its entries: the nearest entry, or a pattern of entries fixed to the canvas (core/gif/dither.ts). */
export type DitherMode = 'none' | 'ordered';

/** Every dither mode, the default first. */
export const DITHER_MODES = ['none', 'ordered'] as const satisfies readonly DitherMode[];

/**
 * Edges of an ID photo unless asked otherwise: 'full'. An ID photo sits on a flat colour, where
 * the guided filter's soft edge ('fast') shows as a light or tinted halo at the hair and ears;
 * the closed-form solve costs about 0.1 s more a photo (docs/quality.md, "ID photos").
 */
export const ID_PHOTO_REFINE: RefineMode = 'full';

/** Checks a refine mode from a flag or a request; INVALID_ARGUMENT names `field` and the value. */
export function parseRefineMode(value: unknown, field = 'refine'): RefineMode {
  if (!(REFINE_MODES as readonly unknown[]).includes(value)) throw new AppError('INVALID_ARGUMENT', `${field} must be off, fast or full, got "${String(value)}"`);
  return value as RefineMode;
}

/**
 * How far an ID photo's brightness goes each way, in EV: stops of light at the darkest tones
 * (IdPhotoJobOptions.brightnessEv; the curve is core/image/tone.ts brightnessTable).
 */
export const ID_PHOTO_BRIGHTNESS_EV_MAX = 2;

/**
 * An ID photo's brightness as asked: EV, or 'auto' (the least quarter-EV step that brings a face
 * the face brightness check fails into its band; none for a face that passes: core/idphoto/auto-brightness.ts).
 */
export type BrightnessSetting = number | 'auto';

/** Checks an ID photo's brightness from a flag or a request: 'auto', or EV (a number or its text); INVALID_ARGUMENT names `field` and the range. */
export function parseBrightness(value: unknown, field = 'brightness'): BrightnessSetting {
  if (value === 'auto') return 'auto';
  const ev = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof ev !== 'number' || !Number.isFinite(ev) || Math.abs(ev) > ID_PHOTO_BRIGHTNESS_EV_MAX) {
    throw new AppError('INVALID_ARGUMENT', `${field} must be auto or a number of EV from -${ID_PHOTO_BRIGHTNESS_EV_MAX} to +${ID_PHOTO_BRIGHTNESS_EV_MAX} (0 leaves the photo as it is), got "${String(value)}"`);
  }
  return ev === 0 ? 0 : ev;
}

/**
 * An ID photo's source turned before it is used, clockwise in degrees: for a picture lying on its
 * side or upside down (FACE_NOT_UPRIGHT says which turn stands it up, detail.turnDeg); 'auto' turns
 * only a picture the face finder sees so, by the turn it names (0 leaves it as it is).
 */
export type IdPhotoTurn = 0 | 90 | 180 | 270 | 'auto';

/** Checks an ID photo's turn from a flag or a request: 'auto', or 0, 90, 180 or 270 (a number or its text); INVALID_ARGUMENT names `field`. */
export function parseTurn(value: unknown, field = 'turn'): IdPhotoTurn {
  if (value === 'auto') return 'auto';
  const deg = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (deg === 0 || deg === 90 || deg === 180 || deg === 270) return deg;
  throw new AppError('INVALID_ARGUMENT', `${field} must be 90, 180 or 270 (degrees clockwise), 0 (as it is) or auto (a picture lying on its side is stood up), got "${String(value)}"`);
}

/** A picture's turn said in English, as a photo viewer's buttons say it: "turned 90° clockwise", "turned half way round". */
export function turnedText(deg: 90 | 180 | 270): string {
  return deg === 180 ? 'turned half way round' : `turned 90° ${deg === 90 ? 'clockwise' : 'counter-clockwise'}`;
}

/** A brightness as a camera's exposure dial says it: "+0.5 EV", "−1 EV", "0 EV". */
export function evText(ev: number): string {
  return ev === 0 ? '0 EV' : `${ev > 0 ? '+' : '−'}${Math.abs(ev)} EV`;
}

/** What is being cut out: selects the model task (person-mask or anime-mask). */
export type Subject = 'person' | 'anime';

/**
 * How much of a cut-out's matte is broadly half transparent (core/matting/unsure-share.ts), and
 * whether that is above its model's calibrated threshold: "this one needs a look".
 */
export interface MatteReview {
  /** 0..1: unsure cells over subject cells on a grid of at most 320 cells on the long side. */
  unsureShare: number;
  needsReview: boolean;
  /** The model's calibrated threshold (manifest output.reviewUnsureShare); null: not calibrated, never flags. */
  reviewThreshold: number | null;
  /** Nothing in the matte is half opaque or more: no subject was found (it needs a look, whatever the threshold). Absent when false. */
  isEmpty?: boolean;
}

/** The verdict on an unsure share against a threshold (null: never flagged); an empty matte always needs a look. */
export function verdictOf(share: number, threshold: number | null, isEmpty = false): MatteReview {
  return { unsureShare: share, needsReview: isEmpty || (threshold !== null && share > threshold), reviewThreshold: threshold, ...(isEmpty ? { isEmpty } : {}) };
}

/**
 * A sticker's review: MatteReview of its median frame (unsureShare is the median of the frames'
 * shares, flagged above the model's sticker threshold), and every frame's share with its time.
 */
export interface StickerReview extends MatteReview {
  /**
   * Each frame made (steady: every decoded one, before a GIF merges repeats; as drawn: each drawing):
   * its time in the clip (seconds), its unsure share, and as drawn how long it lasts (seconds).
   */
  frames: { timeS: number; unsureShare: number; durationS?: number }[];
  /** How long a decoded frame lasts (1 / the decode fps), seconds: a frame's length where it has no durationS. */
  frameStepS: number;
  /**
   * Where the part made ends in the clip, seconds: no frame lasts past it (a 0.8-s clip's 10 frames
   * at 12 fps: the last starts at 0.75 s and ends at 0.8, not 0.83). Absent: where the last frame's length ends.
   */
  endS?: number;
  /** Frames whose share is above the threshold (0 without a threshold). */
  flaggedFrames: number;
}

/** How a clip holds its drawings (core/video/drawing-cadence.ts): absent where it shows a new picture (nearly) every frame. */
export interface DrawingCadence {
  /** Frames of the clip a drawing is held for: even, the whole number most are held (2: on twos, 3: on threes); uneven, their mean (3.75: threes in a 30-fps file, 4, 4, 4, 3). */
  framesPerDrawing: number;
  /** New pictures a second: the clip's fps / framesPerDrawing. */
  drawingFps: number;
  /** Whether most drawings are held one whole number of frames, which a steady rate (the drawing rate) shows evenly. */
  even: boolean;
}

/** Made as drawn, the drawings a preset's (or a GIF's) limits left out: only every n-th is kept (`every`), and `short` ones shorter than its shortest frame are not shown. */
export interface DrawingsLeftOut {
  every: number;
  short: number;
}

/** What a 'sticker' job returns (core's StickerResult, as the renderer reads it). */
export interface StickerJobResult {
  output: string;
  width: number;
  height: number;
  /** Frames in the file (GIF: after merging repeats; a preset may drop frames). */
  frameCount: number;
  /** Frames per second written: the asked rate, lower where a preset's frame or byte limit dropped frames; as drawn, the mean (a WebM: the steady rate it is written at). */
  fps: number;
  /** Set when the sticker is made as drawn (no rate asked for, and the clip holds its drawings fewer than 12 a second): each drawing one frame, as long as the clip holds it. */
  drawing?: DrawingCadence;
  /** Made as drawn, where a preset's (or a GIF's) limits left drawings out. */
  drawingsLeftOut?: DrawingsLeftOut;
  bytes: number;
  withinBudget: boolean;
  /** Made smaller than the size asked for (or the preset's box) to fit the preset's byte budget. Absent when not. */
  shrunkToFit?: boolean;
  /**
   * Set when a steady rate asked for was made lower, to fit a preset's frame limit or its byte
   * budget (every 2nd frame kept): the rate the frames were made at. `fps` is the file's mean,
   * which a last frame held to the part's end lowers a little where nothing was left out.
   */
  rateLowered?: number;
  /** The execution provider the model ran on (cpu, webgpu, …). */
  provider?: string;
  /** What the model that ran cuts out. */
  subject: Subject;
  /** True when 'anime' was asked but no anime model is installed, so the person model ran. */
  modelFallback: boolean;
  /** Set when no length was asked for and the clip was too long for one sticker: the seconds used from the start. */
  cutToS?: number;
  /** Set when the part (asked for, or the rest of the clip) was longer than the platform preset's longest sticker: that length, seconds. */
  presetCutToS?: number;
  /** Set when the --duration asked for runs past the clip's end: the seconds the clip had from the start asked. */
  pastEndToS?: number;
  /** Set when a preset that plays whole seconds (LINE) made the part another length: the part's seconds before (asked, or what the clip had). */
  wholeSecondsFromS?: number;
  /** Set when frames at the start or end of the part showed nothing to cut out: the seconds left out there. */
  emptyEndsS?: { start: number; end: number };
  /** Set when the clip stopped well before the part asked for ended (a file cut short): where its frames end, seconds. */
  endsAtS?: number;
  /**
   * Set when the file itself is cut short (a GIF without its end, ClipInfo.isCutShort), whose length
   * is then that of the frames there: where they end, seconds. Its last frames are missing.
   */
  cutShortAtS?: number;
  /** Set when the decoder reported errors in the part made (a damaged clip): how many. Its frames may show them. */
  decodeErrors?: number;
  /**
   * Set when the sticker, made without a platform preset, is bigger than any chat app takes for one
   * (chatLimitOf): that most, bytes (500 KB).
   */
  chatLimitBytes?: number;
  review: StickerReview;
}

/** Options of a single-image cut-out. */
export interface CutoutOptions {
  subject: Subject;
  /** Model id from the manifest; default: the first bundled model of the subject's task. */
  modelId?: string;
  background: Background;
  refine: RefineMode;
  /** Output format; default from the output file's extension, else png. */
  format?: 'png' | 'jpeg' | 'webp';
  /** JPEG / WebP quality, 1..100 (Settings' "JPEG / WebP quality"); default 92. */
  quality?: number;
  /** Path of an edited trimap PNG (0 background, 128 unknown, 255 foreground). */
  trimapPath?: string;
  /** Export size: the longest side in pixels (downscale only); default the source size. */
  maxSidePx?: number;
  /**
   * Write the matte instead of the cut-out: an 8-bit greyscale PNG, white where the subject is,
   * black where it is not, grey at its soft edge (for an editor's layer mask). Its background must
   * be transparent and its format PNG [false].
   */
  mask?: boolean;
}

/**
 * A Keep ('fg') or Remove ('bg') stroke painted on a sticker's clip. It holds for every frame, like
 * a mask laid over the clip: painted pixels are the character (or not) whatever the model says
 * (a Keep stroke apart from the character is still a speck the compose step removes, unless keepSpecks).
 * Points are fractions of the frame (x of its width, y of its height); `size` is the brush diameter
 * as a fraction of the frame's long side.
 */
export interface StickerStroke {
  mode: 'fg' | 'bg';
  points: { x: number; y: number }[];
  size: number;
}

/** Most Keep / Remove strokes a sticker takes, and most points in all of them. */
export const STICKER_STROKE_LIMITS = { strokes: 500, points: 20_000 } as const;

/** Options of a clip -> sticker job (cutout sticker); every field optional, defaults in brackets. */
export interface StickerJobOptions {
  /** 'anime' [default] (falls back to the person model while no anime model is installed), 'person', or a model id. */
  model?: string;
  /** Trim start and length in seconds [whole clip]. */
  startS?: number;
  durationS?: number;
  /** Output frame rate [12, or the clip's own if lower; capped by the preset]. */
  fps?: number;
  /**
   * Made as drawn where the clip holds its drawings fewer than `fps` (12) a second: each drawing
   * one frame, held as long as the clip holds it [true when no fps is given]. The workspace sends
   * it with its slider at the drawing rate.
   */
  asDrawn?: boolean;
  /** Long side of the output in px [320]; ignored when a platform preset sets the size. */
  maxSidePx?: number;
  /** Named size instead of maxSidePx: small 160, medium 320, large 512. */
  size?: 'small' | 'medium' | 'large';
  /** Output container [from the preset, else the output's extension, else gif]. */
  format?: 'gif' | 'webp' | 'apng' | 'webm';
  /** Platform preset: line | telegram | discord | wechat. */
  preset?: string;
  /** Temporal smoothing 0..1 [0.5]; 0 turns it off. */
  stability?: number;
  /** Alpha threshold of the 1-bit GIF edge, 0..1 [0.5]. */
  threshold?: number;
  /** '#RRGGBB' GIF edges are flattened against ['#FFFFFF']: the chat background. */
  matte?: string;
  /** Outline stroke width in output px [0 = none] and its colour ['#FFFFFF']. */
  outlinePx?: number;
  outlineColor?: string;
  /** Padding around the subject's union box, fraction of its long side [0.04]. */
  padding?: number;
  /** Opaque GIF / APNG palette colours [255]. */
  maxColors?: number;
  /**
   * How a GIF or palette APNG shows colours between its palette's entries ['none']: 'none' the
   * nearest entry, 'ordered' a fine pattern of entries fixed to the canvas (smoother shading with
   * few colours, 5-25 % more bytes; docs/stickers.md, "Colours").
   */
  dither?: DitherMode;
  /** Keep small detached blobs [false: regions under 2 % of the largest are removed]. */
  keepSpecks?: boolean;
  /** Frames are decoded and segmented at workScale x the output long side; unset: the output long side, more when the subject is small in the frame (core/sticker/make-sticker.ts subjectWorkSide). */
  workScale?: number;
  /** Keep / Remove strokes over every frame, in the order painted (a later stroke wins) [none]. */
  strokes?: StickerStroke[];
  /** How many times the sticker plays, 1..100 [0 = forever]; a platform preset sets its own (LINE 1-4). */
  plays?: number;
}

/**
 * Options of an ID-photo job. `spec` is one entry of resources/specs/id-photo-specs.json (or a
 * custom one of the same shape); the engine validates it.
 */
export interface IdPhotoJobOptions {
  spec: { id: string; [field: string]: unknown };
  /** Preset name ('white', 'blue', 'red', ...) or '#RRGGBB'; default the spec's default colour. */
  background?: string;
  refine?: RefineMode;
  /** Which face of a group photo (index into MULTIPLE_FACES detail.boxes). */
  faceIndex?: number;
  /** Manual adjustment within the spec: shift in mm and head size as a position 0..1 in its band. */
  nudge?: { dxMm?: number; dyMm?: number; headBandPos?: number };
  /** A touched-up trimap PNG at the portrait's size (saveTrimap from the editor's brushes); edges are then 'full'. */
  trimapPath?: string;
  /** The person made lighter (+) or darker (−), in EV within ±ID_PHOTO_BRIGHTNESS_EV_MAX, or 'auto' (BrightnessSetting) [0]; the background colour stays as asked. */
  brightnessEv?: BrightnessSetting;
  /** The portrait turned clockwise before it is used (IdPhotoTurn) [0]: one lying on its side. */
  turn?: IdPhotoTurn;
  /** Also write a print sheet (PNG/JPEG/PDF by the output's extension). */
  sheet?: { paper: string; dpi: number; output: string; copies?: number };
}

/** A long piece of work the engine runs; discriminated by `kind`. */
export type JobSpec =
  | { kind: 'cutout'; input: string; output: string; options: CutoutOptions }
  | { kind: 'idphoto'; input: string; output: string; options: IdPhotoJobOptions }
  | { kind: 'sticker'; input: string; output: string; options: StickerJobOptions }
  | { kind: 'batch'; inputs: string[]; outputDir: string; options: BatchJobOptions };

/**
 * A batch's edges when its options name none, per mode: ID photos as the idphoto job, the rest
 * 'fast' (stickers have their own matting and ignore it). The engine and the Batch workspace both read it.
 */
export const BATCH_DEFAULT_REFINE: Record<BatchJobOptions['mode'], RefineMode> = { portrait: 'fast', anime: 'fast', idphoto: ID_PHOTO_REFINE, sticker: 'fast' };

/**
 * A batch's output names when its options give no template, per mode: each mode its own suffix,
 * as `cutout portrait` names a cut-out, so two modes' runs into one folder keep each other's files.
 * The engine (and so the CLI) and the Batch workspace both read it.
 */
export const BATCH_NAME_DEFAULTS: Record<BatchJobOptions['mode'], string> = { portrait: '{name}_cutout', anime: '{name}_anime', idphoto: '{name}_{spec}', sticker: '{name}_sticker' };
/** The output name of a cut-out batch's masks (BatchJobOptions.mask) when its options name none: apart from its cut-outs'. */
export const BATCH_MASK_NAME_DEFAULT = '{name}_mask';

/** Whether a batch mode cuts its subject out (portrait, anime): the modes that take a background picture and make masks. */
export function isCutoutMode(mode: BatchJobOptions['mode']): mode is 'portrait' | 'anime' {
  return mode === 'portrait' || mode === 'anime';
}

/** The output name a batch of `mode` takes when its options name none: the mode's, or its masks' (`isMask`, cut-out modes). */
export function batchNameDefault(mode: BatchJobOptions['mode'], isMask: boolean): string {
  return isMask && isCutoutMode(mode) ? BATCH_MASK_NAME_DEFAULT : BATCH_NAME_DEFAULTS[mode];
}

/** Options of a batch job (plain data; see docs/batch.md). */
export interface BatchJobOptions {
  mode: 'portrait' | 'anime' | 'idphoto' | 'sticker';
  recursive?: boolean;
  /** Output name template without extension: {name} {ext} {mode} {spec} {bg} {index}; default BATCH_NAME_DEFAULTS[mode]. */
  nameTemplate?: string;
  /** The output type: png, jpeg, webp (cut-outs, ID photos); gif, webp, apng, webm (stickers). */
  format?: 'png' | 'jpeg' | 'webp' | 'gif' | 'apng' | 'webm';
  /** JPEG / WebP quality of cut-outs, 1..100 (ID photos meet their spec's KB band instead). */
  quality?: number;
  background?: Background;
  refine?: RefineMode;
  modelId?: string;
  /** ID-photo spec object (idphoto mode), as the idphoto job takes it. */
  idSpec?: { id: string; [field: string]: unknown };
  /** ID-photo print sheet (idphoto mode): one sheet per photo beside it, named '<output>_sheet.<ext>'. */
  idSheet?: { paper: string; dpi: number };
  /** Portrait / anime: write each cut-out's matte alone, a greyscale PNG (CutoutOptions.mask); the background transparent, the format PNG [false]. */
  mask?: boolean;
  /** ID-photo brightness (idphoto mode), as the idphoto job's brightnessEv; 'auto' mends only the photos whose face is too dark or too light [0]. */
  idBrightness?: BrightnessSetting;
  /** ID-photo turn (idphoto mode), as the idphoto job's turn; 'auto' stands up only the pictures lying on their side or upside down [0]. */
  idTurn?: IdPhotoTurn;
  /** Sticker options (sticker mode). */
  sticker?: StickerJobOptions;
  jobs?: number;
  resume?: boolean;
  retryFailed?: boolean;
  /** report.csv says inputs from these folders and outputs from the output folder (set by `cutout serve` to its upload folders; core/batch BatchOptions). */
  reportInputRoots?: string[];
}

/** Progress of one job; throttled to at most 10 per second per job. */
export interface JobProgress {
  jobId: JobId;
  stage: JobStage;
  done: number;
  total: number;
  detail?: string;
  /** Batch jobs: files per second over the processed (not skipped) files, and milliseconds left (absent until a rate is known). */
  rate?: { perSecond: number; etaMs?: number };
  /** Batch jobs: the inputs in flight now; the first is "the current file". */
  current?: string[];
  /** Batch jobs: paused (files in flight finish, nothing new starts until resumeJob). */
  isPaused?: boolean;
  /** Batch jobs: finished inputs by how they ended (done + skipped + failed = `done`). */
  counts?: { done: number; skipped: number; failed: number };
  /**
   * Batch jobs: how far the files at work are, summed (each 0..1): the bar stands at
   * (done + partial) / total, so it moves while a long file (a sticker, a big photo) is made.
   */
  partial?: number;
}

/**
 * A job the engine runs, as a page that did not start it takes it up (listJobs: a page reloaded
 * while a batch ran saw nothing of it, and could neither pause nor cancel it).
 */
export interface RunningJob {
  id: JobId;
  spec: JobSpec;
  /** Milliseconds since the epoch. */
  startedAtMs: number;
  /** Its newest progress; null before the first. */
  progress: JobProgress | null;
  /** Batch jobs: the inputs ended so far, in the order they ended (empty for other kinds). */
  items: Omit<BatchItemFinished, 'jobId'>[];
  /** Asked to cancel, not ended yet. */
  isCancelling: boolean;
  /** Batch jobs: those of its inputs that are folders (the list names their files by their place in them). */
  folders: string[];
  /**
   * Its outcome, when it ended a moment ago (the engine keeps the last few ended jobs a while): a
   * page reloaded as its own job ended hands it over (a photo written during the reload was lost
   * without a word). Other pages leave it.
   */
  ended?: JobOutcome;
}

/** A picture with more pixels than the budget (DEFAULT_MAX_PIXELS, or the host's). */
export interface DownscaledInput {
  /** Its own size (EXIF orientation applied). */
  from: { width: number; height: number };
  /** The size it was worked on and written at: the largest of its aspect within the budget. */
  to: { width: number; height: number };
}

/** A size in megapixels as the notes say it, one decimal ("108.0"). */
export function megapixels(size: { width: number; height: number }): string {
  return ((size.width * size.height) / 1e6).toFixed(1);
}

/**
 * What a note says, as data the UI words in its language (FinishedFile.notes): an animated picture
 * of which only the first frame was cut out (`isClip`: a GIF, WebP or APNG, which Stickers takes), a picture over
 * the pixel budget cut out smaller, a sticker made of the clip's first part only, a clip that stops
 * before the part asked for ends.
 */
export type FileNote =
  | { kind: 'animated'; frames: number; isClip: boolean }
  | ({ kind: 'downscaled' } & DownscaledInput)
  | { kind: 'firstPart'; seconds: number; frames: number }
  | { kind: 'presetLength'; seconds: number; preset: string }
  | { kind: 'pastEnd'; seconds: number }
  /** A whole-seconds platform (LINE) made a part of `fromS` seconds `playedS` long. */
  | { kind: 'wholeSeconds'; fromS: number; playedS: number; preset: string }
  | { kind: 'emptyEnds'; start: number; end: number }
  | { kind: 'stoppedShort'; seconds: number }
  | { kind: 'cutShortFile'; seconds: number }
  | { kind: 'decodeErrors'; count: number }
  /** A sticker made without a platform, bigger than chat apps take (StickerJobResult.chatLimitBytes). */
  | { kind: 'chatSize'; bytes: number; format: NonNullable<StickerJobOptions['format']> }
  /** An ID photo's brightness 'auto' lightened (+) or darkened (−) by `ev` (IdPhotoJobResult.brightnessEv). */
  | { kind: 'autoBrightness'; ev: number }
  /** An ID photo's picture stood up by turn 'auto', clockwise by `deg` (IdPhotoJobResult.turnDeg). */
  | { kind: 'autoTurn'; deg: 90 | 180 | 270 }
  /** An ID photo whose picture ended closer below than its size needs: the clothes carried on `mm` past it (the report's bodyCarriedMm). */
  | { kind: 'clothesCarried'; mm: number }
  /** The clip's drawings set the rate (StickerJobResult.drawing). */
  | ({ kind: 'drawingRate'; leftOut?: DrawingsLeftOut } & DrawingCadence);

/**
 * What a batch file's pipeline adds to its entry when done (kept for skipped ones done before): the
 * review of cut-outs and stickers, and a note.
 */
export interface FinishedFile extends Partial<MatteReview> {
  /** The execution provider its model ran on (cpu, webgpu, …). */
  provider?: string;
  /** Said in the report and the CLI line (a sticker made of the clip's first part only), in English. */
  note?: string;
  /** The same as data, for the UI's words. */
  notes?: FileNote[];
  /**
   * ID photos: the spec checks the written photo fails, each as "name value unit (band)"
   * (failedChecks in core/idphoto/compliance.ts); empty when it meets its spec.
   */
  specFailures?: string[];
}

/** One input of a batch job has ended (the batchItemFinished event; one per input, not throttled). */
export interface BatchItemFinished extends FinishedFile {
  jobId: JobId;
  /** Absolute path of the input. */
  input: string;
  /** Where its output is (done / skipped) or was planned; absent for an input that was not found. */
  output?: string;
  status: 'done' | 'skipped' | 'failed' | 'cancelled';
  /** ErrorCode of a failure. */
  code?: string;
  message?: string;
  /** What the failure's error detail said of the file (damaged, or a still where a clip is wanted); the UI words it. */
  errorKind?: ErrorKind;
  /** Why it was skipped ('done before with these options, the file unchanged since'). */
  reason?: string;
  /** Skipped because an earlier run made its output (resume, or a retry of the failed ones). */
  doneBefore?: boolean;
  /** Failed, not tried again: it failed before as it would now (same file and options, a fault of the file). */
  failedBefore?: boolean;
  /** Failed, and an earlier run's output of it is still there under its name (not this run's). */
  staleOutput?: string;
}

/** What a cancelled batch left: its report, written up to the cancel (the outcome's `leftBehind`). */
export interface CancelledBatch {
  outputDir: string;
  reportJson: string;
  reportCsv: string;
  /** The report of an earlier batch of another kind in the folder, kept under this name (BatchSummary.keptReportCsv). */
  keptReportCsv?: string;
}

/** How a job ended: exactly one per job. */
export type JobOutcome =
  | { jobId: JobId; outcome: 'done'; result: unknown; elapsedMs: number }
  /** `leftBehind`: what it left (a batch: CancelledBatch, its report written up to the cancel). */
  | { jobId: JobId; outcome: 'cancelled'; elapsedMs: number; leftBehind?: unknown }
  | { jobId: JobId; outcome: 'failed'; error: WireError; elapsedMs: number };

/**
 * Where each stage of a multi-stage job sits on its one progress bar ([from, to] of 0..1), the
 * window's and the taskbar's. The engine counts done / total per stage, so without this a sticker's
 * bar ran to 100 % while its frames were segmented and fell back to 0 % for compositing. The edge
 * refine takes nearly all of a cut-out's time (measured at 24 MP with Best edges: 14.4 s of 17.5,
 * beside decode 0.5, segment 0.4, composite 0.5 and encode 1.2; it is told in REFINE_STEPS, so the
 * bar moves while it runs).
 *
 * A sticker's, from the times between its stages' first events (3-s parts of three anime clips on
 * the 2-core CPU, medians; a scratch measurement, docs/batch.md has its result): without a preset decode (probe, first
 * frames, the model's start) 20 %, segment 65 %, composite 5 %, encode 12 % (6 stickers); with a
 * preset the encode is tried again smaller until the file fits its byte budget, and took 18–60 %
 * (median 37; decode 11, segment 50, composite 5; 12 stickers). Segment's 86 % with encode's 8 %
 * held a LINE sticker's bar at 90 % for a third of its time or more, and a sticker batch's ETA at 0:00.
 */
const STAGE_SPANS: Record<StageSpans, Partial<Record<JobStage, readonly [number, number]>>> = {
  sticker: { decode: [0, 0.15], segment: [0.15, 0.82], composite: [0.82, 0.87], encode: [0.87, 0.99], write: [0.99, 1] },
  'sticker-budget': { decode: [0, 0.1], segment: [0.1, 0.57], composite: [0.57, 0.62], encode: [0.62, 0.99], write: [0.99, 1] },
  cutout: { decode: [0, 0.03], segment: [0.03, 0.08], refine: [0.08, 0.92], composite: [0.92, 0.93], encode: [0.93, 1] },
  // An ID photo's bar went 100 % at its composite and back to 0 for its encode.
  idphoto: { detect: [0, 0.3], segment: [0.3, 0.6], composite: [0.6, 0.9], encode: [0.9, 1] },
  batch: {},
};

/** The stage spans a job's bar runs on: its kind's, or a sticker's made to a platform preset's byte budget. */
export type StageSpans = JobSpec['kind'] | 'sticker-budget';

/** The spans of a job: its kind's, a sticker's made to a preset (each has a byte budget) 'sticker-budget'. */
export function stageSpansOf(spec: { kind: JobSpec['kind'] } | JobSpec): StageSpans {
  return spec.kind === 'sticker' && 'options' in spec ? stickerSpansOf(spec.options) : spec.kind;
}

/** A sticker's spans by its options (a batch's `extra`). */
export function stickerSpansOf(options: StickerJobOptions | undefined): StageSpans {
  return options?.preset ? 'sticker-budget' : 'sticker';
}

/**
 * A batch's pace under a tenth of a file a second, as whole seconds a file; undefined at that pace
 * or faster (said in files a second). Big pictures read "0.0 files/s" for minutes, as if nothing
 * moved. The CLI's lines and the app's status bar and Batch workspace say it alike.
 */
export function secondsPerFile(filesPerSec: number): number | undefined {
  return filesPerSec > 0 && filesPerSec < 0.095 ? Math.round(1 / filesPerSec) : undefined;
}

/**
 * 0..1 progress of a job, never going back from one stage to the next; 0 before the first event. A
 * batch's `partial` (its files at work, how far each is) adds to its `done`. `spans` (stageSpansOf
 * its spec) says whose stage spans; else its kind's.
 */
export function jobFraction(job: { done: number; total: number; kind?: JobSpec['kind']; spans?: StageSpans; stage?: JobStage | null; partial?: number }): number {
  const within = job.total > 0 ? Math.min(1, Math.max(0, (job.done + (job.partial ?? 0)) / job.total)) : 0;
  const spans = job.spans ?? job.kind;
  const span = spans && job.stage ? STAGE_SPANS[spans][job.stage] : undefined;
  if (span) return span[0] + (span[1] - span[0]) * within;
  return within;
}
