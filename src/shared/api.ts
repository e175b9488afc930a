// THE contract between the renderer and main (over Electron IPC or the `cutout serve` web
// transport): methods, events and their name lists. Imported by main, preload and renderer:
// plain data only, no 'electron', no 'node:*'. Additions only; see docs/architecture.md.
import type { Result, WireError } from './errors';
import type { BatchItemFinished, BatchJobOptions, DrawingCadence, IdPhotoJobOptions, JobId, JobOutcome, JobProgress, JobSpec, MatteReview, RefineMode, RunningJob, StickerJobOptions, Subject } from './jobs';
import type { Settings } from './settings';

/** A model known to the app, with whether its file was found and verified. */
export interface ModelInfo {
  id: string;
  name: string;
  task: 'person-mask' | 'anime-mask' | 'face-detect' | 'face-landmarks';
  /** ok: verified; unpinned: found, upstream publishes no hash; missing / corrupt / unreadable (permission denied): unusable. */
  state: 'ok' | 'missing' | 'corrupt' | 'unpinned' | 'unreadable';
  licence: string;
  bundled: boolean;
  /** Where to download it when it is not bundled. */
  url?: string;
  /** The name its file is looked for under. */
  file: string;
  /** A model someone added: its description (`*.model.json`). Its file is theirs to put back, not the app's to reinstall. */
  descriptor?: string;
  path: string | null;
  /** True for the model a task uses when none is named. */
  isDefault: boolean;
  /** On the model used by default: the id of the task's own default, used instead of it because that one is missing or damaged. */
  replaces?: string;
}

/**
 * A model descriptor (`*.model.json` in a models folder) the app left out: not JSON, a field wrong,
 * or an app model's id. Settings lists it with why, as `cutout models` does, so a model someone
 * added does not just fail to appear.
 */
export interface LeftOutModel {
  /** The descriptor file. */
  path: string;
  /** The id it names, when it names one. */
  id?: string;
  /** Why (MODEL_INVALID, the message naming the file and the field). */
  error: WireError;
}

/** Facts about the running app the status line and Settings show. */
export interface AppInfo {
  version: string;
  /** Node's process.platform and process.arch of the engine. */
  platform: string;
  arch: string;
  /** How this renderer talks to main. */
  transport: 'ipc' | 'web';
  /** Execution providers the engine will try for the provider setting, in order (cpu last). */
  providers: string[];
  /** What the provider setting may be on this platform ('auto' first): the Settings list. */
  providerChoices: string[];
  /** Of providerChoices, those whose library is not installed here (CUDA, TensorRT: an extra install): chosen, the CPU runs. */
  providersNotInstalled: string[];
  modelsDirs: string[];
  /**
   * The provider the engine's last model run started on, under the provider setting now in force
   * (absent before any run, and after the setting changed): a page opened after it shows where the
   * models run, and says when the first of `providers` could not start (WebGPU without a GPU).
   */
  ranOn?: string;
  /** A settings file found unreadable (not JSON) at start, kept as this copy: the defaults are in use until settings are saved again. */
  settingsUnread?: string;
}

/** Which files an open dialog offers. */
export type FileFilter = 'images' | 'videos' | 'media' | 'any';

/** Arguments of chooseFiles. */
export interface ChooseFilesRequest {
  filter: FileFilter;
  multiple?: boolean;
  title?: string;
  /**
   * A browser only (`cutout serve`, where a batch cannot name a folder on the user's disk): pick a
   * whole folder and upload its files of the filter's kinds. The desktop picks folders with chooseFolder.
   */
  folder?: boolean;
  /** With `folder`: its subfolders' files too (default true). */
  recursive?: boolean;
}

/** Arguments of chooseFolder. */
export interface ChooseFolderRequest {
  title?: string;
}

/** Arguments of chooseSaveTarget. */
export interface ChooseSaveTargetRequest {
  /** Suggested file name with extension, e.g. 'portrait_cutout.png'. */
  defaultName: string;
  /**
   * Suggested folder. Default: Settings.outputDir when set; else the folder last saved to in this
   * run of the app; else the folder of `nearPath`.
   */
  defaultDir?: string;
  /** The file the export is made from (its folder is the last default: "next to the picture"). */
  nearPath?: string;
  title?: string;
  /**
   * The file types this export writes (lower case, no dot: a cut-out's png, webp, jpg, jpeg). A
   * name typed with none of them gets `defaultName`'s type added, and a file of that name there is
   * replaced only when the user says so. Default: `defaultName`'s type alone.
   */
  types?: readonly string[];
  /**
   * No dialog: a path in the app's own temporary folder (the full-size picture Copy puts on the
   * clipboard is written there). The same name is reused, so copies do not pile up.
   */
  scratch?: boolean;
}

/** Arguments of loadImagePreview. */
export interface PreviewRequest {
  path: string;
  /** Longest side of the preview in pixels; default 1600. The source keeps its size. */
  maxSidePx?: number;
}

/** A decoded image, downscaled for display: RGBA bytes row-major, 4 per pixel. */
export interface ImagePreview {
  path: string;
  width: number;
  height: number;
  /** Size of the file's image (EXIF orientation applied). */
  sourceWidth: number;
  sourceHeight: number;
  rgba: Uint8Array;
  /** Frames of an animated picture (only the first is shown and cut out), absent for a still. */
  frames?: number;
  /** With `frames`: whether Stickers can take it as a clip (an animated GIF, WebP or PNG). */
  isClip?: boolean;
  /** The file's own size when it has more pixels than the budget: sourceWidth x sourceHeight is then the smaller size it is worked on (and exported) at. */
  downscaledFrom?: { width: number; height: number };
}

/** Arguments of segment: cut the subject out of an image for the editor. */
export interface SegmentRequest {
  path: string;
  subject: Subject;
  modelId?: string;
  refine: RefineMode;
  /** Must match the loadImagePreview call the alpha will be drawn over; default 1600. */
  maxSidePx?: number;
}

/** Milliseconds per stage of a preview cut-out. */
export interface PreviewTimings {
  decodeMs: number;
  inferenceMs: number;
  refineMs: number;
  totalMs: number;
}

/** An alpha matte at preview size: one byte per pixel, 0 transparent .. 255 opaque. */
export interface MatteResult {
  path: string;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
  alpha: Uint8Array;
  /**
   * The colours the export gives the soft edge (estimated foreground colours, as compositeOver takes
   * them): 3 bytes (RGB) for each pixel whose alpha is neither 0 nor 255, in reading order. Absent
   * for Raw edges, whose export keeps the picture's own colours. Elsewhere the picture's own.
   */
  edgeColours?: Uint8Array;
  modelId: string;
  /** The execution provider that ran the model ('cpu', 'webgpu', ...). */
  provider: string;
  /** How much of this matte is broadly half transparent; after a re-matte, of the touched-up matte. */
  review: MatteReview;
  timings: PreviewTimings;
}

/** A rectangle in preview pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Arguments of rematte: re-run the matting with a user-edited trimap at preview size
 * (0 background, 128 unknown, 255 foreground; width * height bytes).
 */
export interface RematteRequest {
  path: string;
  subject: Subject;
  modelId?: string;
  width: number;
  height: number;
  trimap: Uint8Array;
  /** The area the strokes touched (preview pixels); outside it the previous matte may be kept. */
  region?: PixelRect;
  /**
   * Solve the whole picture as the export solves it, once strokes settle: `trimap` is then the
   * touch-up (touchUpLabels: the painted labels, TRIMAP_LABEL.auto elsewhere) and `region` is not
   * used. A region's re-solve is quick but cannot carry a stroke's change along an edge band that
   * runs on past it, as the export's solve does. A later re-matte or segment of the picture stops one
   * running (CANCELLED).
   */
  whole?: boolean;
  /**
   * The edges of the automatic matte the editor's strokes lie on: what the engine makes the
   * picture's automatic matte with again when it no longer holds it (a restart, another preview
   * size) or holds one with other edges (a matte asked before the edges changed and done after the
   * new one) [fast; when absent, the one it holds is used as it is].
   */
  refine?: RefineMode;
}

/** Arguments of saveTrimap: store an edited trimap so an export job can use it (CutoutOptions.trimapPath). */
export interface SaveTrimapRequest {
  /** The source image the trimap belongs to. */
  path: string;
  width: number;
  height: number;
  trimap: Uint8Array;
}

/** Arguments of importImage: bytes from a paste or a browser upload, written to a temp file. */
export interface ImportImageRequest {
  /** Original file name (used for the extension and the export's default name). */
  name: string;
  bytes: Uint8Array;
}

/** Arguments of expandPaths: dropped files and folders -> the media files in them. */
export interface ExpandPathsRequest {
  paths: string[];
  filter: FileFilter;
  /** Look into sub-folders too; default false. */
  recursive?: boolean;
}

/** Arguments of countBatchInputs: a batch's inputs, counted as its run will scan them. */
export interface CountBatchInputsRequest {
  inputs: string[];
  mode: BatchJobOptions['mode'];
  /** Sub-folders too (the batch's "Include sub-folders"); default false. */
  recursive?: boolean;
  /** The batch's output folder, whose files a run never takes as inputs. */
  outputDir?: string;
}

/** What a batch would take of its inputs: the files of each (a file given is 1) and in all (each file once). */
export interface BatchInputCount {
  perInput: number[];
  total: number;
}

/** A recently opened file. */
export interface RecentFile {
  path: string;
  name: string;
  /** Milliseconds since the epoch. */
  openedAtMs: number;
  /**
   * How it was opened: as a picture (Cut-out, ID photo) and / or as a clip (Stickers). A GIF is
   * both kinds of file; each drop zone lists the files opened its way (absent: by extension).
   */
  openedAs?: RecentMedia[];
}

/** What a recent file was opened as. */
export type RecentMedia = 'images' | 'videos';

/** Arguments of addRecentFiles. */
export interface AddRecentRequest {
  paths: string[];
  openedAs: RecentMedia;
}

/** Arguments of probeClip / loadClipFrame / loadStickerFile. */
export interface ClipRequest {
  path: string;
  /** loadClipFrame: time of the frame in seconds (default 0). */
  timeS?: number;
  /** loadClipFrame: longest side of the frame in pixels (default 480). */
  maxSidePx?: number;
}

/** What a clip is (probeClip). Width/height are the displayed size (rotation applied). */
export interface ClipInfo {
  path: string;
  durationS: number;
  fps: number;
  width: number;
  height: number;
  hasAudio: boolean;
  /** Frames stated by the container, else null. */
  frameCount: number | null;
  /** The file is cut short (a GIF without its end): its last frames are missing, and durationS is what is there. */
  isCutShort?: boolean;
  /** How the clip holds its drawings over its first seconds (on twos, threes); absent where a new picture comes every frame. */
  drawing?: DrawingCadence;
}

/** An encoded file's bytes for display (a clip frame as PNG, or a finished sticker). */
export interface MediaBytes {
  path: string;
  mime: string;
  bytes: Uint8Array;
}

/** Arguments of previewStickerFrame: one frame of a clip and the sticker options that shape its cut-out. */
export interface StickerFramePreviewRequest {
  path: string;
  /** Time of the frame in seconds (default 0). */
  timeS?: number;
  /**
   * The model and strokes, and the size (maxSidePx, size, preset, workScale) the sticker works at;
   * the rest shapes the frame as the sticker shows it (`sticker` in the answer).
   */
  options?: Pick<
    StickerJobOptions,
    'model' | 'strokes' | 'maxSidePx' | 'size' | 'preset' | 'workScale' | 'format' | 'threshold' | 'stability' | 'matte' | 'outlinePx' | 'outlineColor' | 'padding' | 'keepSpecks' | 'maxColors' | 'dither'
  >;
}

/** A clip frame cut out as the sticker cuts it: PNG with straight alpha, and how unsure it is. */
export interface StickerFramePreview extends MediaBytes {
  width: number;
  height: number;
  /** The model that ran and what it cuts out. */
  modelId: string;
  subject: Subject;
  /** The execution provider the model ran on (cpu, webgpu, …): the status bar's "ran on". */
  provider: string;
  /** The frame's unsure share (0..1; what the sticker's per-frame strip shows). */
  unsureShare: number;
  /** Whether the frame holds anything to cut out (alpha ≥ 0.5 somewhere): a blank first frame shows an empty still. */
  hasSubject: boolean;
  /**
   * The same frame as the sticker will show it: cropped to its subject, at the output size, with
   * the outline, and in a GIF its 1-bit edge at the threshold flattened against the edge colour
   * and its colours mapped to a palette of `maxColors` with the dither asked for (a GIF always, an
   * APNG given `maxColors`; this frame's palette, not the whole sticker's) (PNG; `format` is the
   * sticker's). Smoothing over time is not in it.
   */
  sticker: MediaBytes & { width: number; height: number; format: 'gif' | 'webp' | 'apng' | 'webm' };
}

/** Arguments of previewIdPhoto: a portrait and the options an 'idphoto' job would get (sheet: paper and dpi only). */
export interface IdPhotoPreviewRequest {
  path: string;
  options: Omit<IdPhotoJobOptions, 'sheet'> & { sheet?: { paper: string; dpi: number; copies?: number } };
}

/** One measurement of an ID photo against its spec (the compliance panel's row). */
export interface IdPhotoMeasurement {
  value: number | null;
  unit: string;
  min: number | null;
  max: number | null;
  pass: boolean;
  note?: string;
  /** When the value is known only as a range (a crown cut by the source): the other end. */
  maxValue?: number | null;
  minValue?: number | null;
}

/** The compliance report of an ID photo: each measurement with its band, guides in photo pixels, overall pass. */
export interface IdPhotoReport {
  specId: string;
  widthPx: number;
  heightPx: number;
  dpi: number;
  background: string;
  measurements: Record<string, IdPhotoMeasurement>;
  guides: { crownY: number; chinY: number; eyeY: number; centreX: number };
  pass: boolean;
}

/** The file an ID photo's preview shows, as Export writes it. */
export interface IdPhotoPreviewFile {
  format: 'jpeg' | 'png';
  /** Its size in bytes. */
  bytes: number;
  /** The JPEG quality it took (a KB band searches it); null for a PNG. */
  quality: number | null;
  /** Its background colour fails only because the JPEG was squeezed into the KB band (the photo as made had it). */
  isColourLostToJpeg: boolean;
  /**
   * Bytes of padding (a JPEG comment, which shows nothing) that raised it to the KB band's floor: at
   * its best quality it is smaller. 0 for none (and for a PNG).
   */
  paddingBytes: number;
}

/** The live preview of an ID photo: the photo's file at the spec's pixel size, its report measured on that file, the print sheet drawn small. */
export interface IdPhotoPreview {
  path: string;
  photo: { mime: string; bytes: Uint8Array; width: number; height: number };
  file: IdPhotoPreviewFile;
  report: IdPhotoReport;
  rollCorrectedDeg: number;
  /** The brightness the person was given, EV: the one asked, or the one 'auto' chose. */
  brightnessEv: number;
  /** The turn the picture was given, clockwise degrees: the one asked, or the one 'auto' chose (0: none). */
  turnDeg: 0 | 90 | 180 | 270;
  /** The nudge as applied (mm): less than asked where the spec's bands stop it; the head size placed, and the one asked for (a tight photo needs a larger head). */
  nudgeApplied: { dxMm: number; dyMm: number; headMm: number; headAskedMm: number };
  /** Present when a paper was asked for: the sheet at 150 dpi and how many photos it holds. */
  sheet: { mime: string; bytes: Uint8Array; width: number; height: number; photos: number } | null;
  /** The execution provider the person model ran on. */
  provider: string;
  timingsMs: number;
}

/**
 * Every method the renderer may call. Each takes at most one structured-clone-able argument and
 * resolves to plain data; expected failures reject with AppError (code), cancellation with
 * CancelledError. Long work is a job: startJob returns at once, progress and the end arrive as events.
 */
export interface AppApi {
  /** Version, platform, transport and execution providers. */
  getAppInfo(): Promise<AppInfo>;
  /** The renderer has subscribed to events: main flushes the events it queued until now. */
  rendererReady(): Promise<void>;
  /** Starts a job and returns its id at once; its end arrives as one jobFinished event. */
  startJob(spec: JobSpec): Promise<JobId>;
  /** Cancels a job: its jobFinished 'cancelled' arrives within a second. Unknown or ended ids are ignored. */
  cancelJob(id: JobId): Promise<void>;
  /** Pauses a batch job between files (files in flight finish). Other kinds and unknown or ended ids are ignored. */
  pauseJob(id: JobId): Promise<void>;
  /** Resumes a paused batch job. Other kinds, unknown or ended ids and running jobs are ignored. */
  resumeJob(id: JobId): Promise<void>;
  /**
   * The jobs running now, oldest first, for a page that did not start them (reloaded) to take up;
   * then the last few that ended a moment ago, with their outcome (`RunningJob.ended`).
   */
  listJobs(): Promise<RunningJob[]>;
  /** Every model with its state. */
  listModels(): Promise<ModelInfo[]>;
  /** The model descriptors in the models folders that were left out, each with why (read afresh). */
  listLeftOutModels(): Promise<LeftOutModel[]>;
  getSettings(): Promise<Settings>;
  /** Merges a patch (invalid fields are ignored), persists and returns the new settings. */
  setSettings(patch: Partial<Settings>): Promise<Settings>;
  /** Decodes an image and returns a display-size RGBA preview. INPUT_UNSUPPORTED / INPUT_NOT_FOUND. */
  loadImagePreview(req: PreviewRequest): Promise<ImagePreview>;
  /** Cuts the subject out for the editor; returns the alpha at preview size. */
  segment(req: SegmentRequest): Promise<MatteResult>;
  /** Re-mattes with a user-edited trimap (brush strokes); returns the alpha at preview size. */
  rematte(req: RematteRequest): Promise<MatteResult>;
  /** Writes an edited trimap (scaled to the source size) to a temp PNG and returns its path. */
  saveTrimap(req: SaveTrimapRequest): Promise<string>;
  /** Writes pasted or uploaded image bytes to a temp file and returns its path. */
  importImage(req: ImportImageRequest): Promise<string>;
  /** Files and folders -> the matching media files (folders expanded, sorted by name). */
  expandPaths(req: ExpandPathsRequest): Promise<string[]>;
  /** The files a batch over these inputs would take, counted before it starts (the list said "1 folder" and no more). */
  countBatchInputs(req: CountBatchInputsRequest): Promise<BatchInputCount>;
  /** Open dialog; [] when the person cancels. */
  chooseFiles(req: ChooseFilesRequest): Promise<string[]>;
  /** Folder dialog; null when cancelled. */
  chooseFolder(req: ChooseFolderRequest): Promise<string | null>;
  /** Save dialog; null when cancelled. In the browser: a path in the session's export folder. */
  chooseSaveTarget(req: ChooseSaveTargetRequest): Promise<string | null>;
  /** Shows a file in the OS file manager (in the browser: downloads it). */
  revealInFolder(path: string): Promise<void>;
  /** Puts an image file on the clipboard as an image. */
  copyImageToClipboard(path: string): Promise<void>;
  /** Most recent first, at most 20. */
  getRecentFiles(): Promise<RecentFile[]>;
  /** Records opened files and returns the updated list. */
  addRecentFiles(req: AddRecentRequest): Promise<RecentFile[]>;
  /** Empties the recent list: the files a drop zone of `media` lists (others stay), or all; returns what is left. */
  clearRecentFiles(req?: { media?: RecentMedia }): Promise<RecentFile[]>;
  /**
   * Probes a video or GIF for the sticker trim controls. VIDEO_CORRUPT / NO_VIDEO_STREAM / FFMPEG_MISSING;
   * CANCELLED when another probeClip starts before it answers (the clip dropped last is the one opened).
   */
  probeClip(req: ClipRequest): Promise<ClipInfo>;
  /** One frame of a clip at timeS as a PNG, for the trim handles' poster. */
  loadClipFrame(req: ClipRequest): Promise<MediaBytes>;
  /** A finished sticker (.gif .webp .png .webm, at most 16 MB) for the looping preview. */
  loadStickerFile(req: ClipRequest): Promise<MediaBytes>;
  /** One clip frame cut out with the sticker's model and Keep / Remove strokes; nothing is written. */
  previewStickerFrame(req: StickerFramePreviewRequest): Promise<StickerFramePreview>;
  /** The ID photo as it would be exported, with its compliance report and print sheet; nothing is written. NO_FACE / MULTIPLE_FACES / FACE_CUT_OFF / FACE_NOT_UPRIGHT / TOO_TIGHT. */
  previewIdPhoto(req: IdPhotoPreviewRequest): Promise<IdPhotoPreview>;
}

/** Events main sends to the renderer. */
export interface AppEvents {
  /** Progress of a running job, at most 10 per second per job. */
  jobProgress: JobProgress;
  /** The one and only end of a job: done | cancelled | failed. */
  jobFinished: JobOutcome;
  /** Settings changed (by another window or the settings file). */
  settingsChanged: Settings;
  /** The OS asked the app to open files (file association, second instance, dock drop). */
  filesOpened: { paths: string[] };
  /** One input of a batch job has ended (done / skipped / failed with its code); one per input, not throttled. */
  batchItemFinished: BatchItemFinished;
}

/** Every method name, in one list; preload, IPC registration and the web server loop over it. */
export const API_METHODS = [
  'getAppInfo',
  'rendererReady',
  'startJob',
  'cancelJob',
  'pauseJob',
  'resumeJob',
  'listJobs',
  'listModels',
  'listLeftOutModels',
  'getSettings',
  'setSettings',
  'loadImagePreview',
  'segment',
  'rematte',
  'saveTrimap',
  'importImage',
  'expandPaths',
  'countBatchInputs',
  'chooseFiles',
  'chooseFolder',
  'chooseSaveTarget',
  'revealInFolder',
  'copyImageToClipboard',
  'getRecentFiles',
  'addRecentFiles',
  'clearRecentFiles',
  'probeClip',
  'loadClipFrame',
  'loadStickerFile',
  'previewStickerFrame',
  'previewIdPhoto',
] as const satisfies readonly (keyof AppApi)[];

/** Every event name, in one list. */
export const EVENT_NAMES = ['jobProgress', 'jobFinished', 'settingsChanged', 'filesOpened', 'batchItemFinished'] as const satisfies readonly (keyof AppEvents)[];

/** A method name. */
export type ApiMethod = keyof AppApi;
/** An event name. */
export type EventName = keyof AppEvents;
/** The argument type of a method (undefined for methods without one). */
export type ApiArg<M extends ApiMethod> = Parameters<AppApi[M]> extends [infer A, ...unknown[]] ? A : undefined;
/** The resolved value of a method. */
export type ApiValue<M extends ApiMethod> = Awaited<ReturnType<AppApi[M]>>;

/** What crosses the boundary: each method resolves to a Result envelope, never throws. */
export type WireApi = { [M in ApiMethod]: (...args: Parameters<AppApi[M]>) => Promise<Result<ApiValue<M>>> };

/** The IPC channel of a method ('app:' + name); never hand-type channel strings. */
export function methodChannel(method: ApiMethod): string {
  return `app:${method}`;
}

/** The IPC channel of an event ('app-event:' + name). */
export function eventChannel(event: EventName): string {
  return `app-event:${event}`;
}

/** True when a string is one of API_METHODS (guards untrusted input such as a URL path). */
export function isApiMethod(name: string): name is ApiMethod {
  return (API_METHODS as readonly string[]).includes(name);
}

/** True when a string is one of EVENT_NAMES. */
export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}

/**
 * What preload exposes as `window.api`: the wire methods (Result envelopes), event subscription
 * and the path of a dropped File. Nothing else crosses the context bridge.
 */
export interface PreloadBridge {
  call: WireApi;
  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): () => void;
  /** Electron's webUtils.getPathForFile: the real path of a File from a drop or file input. */
  getPathForFile(file: unknown): string;
}
