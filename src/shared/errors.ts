// Error codes and the wire form of errors. Imported by main, preload, renderer and the CLI:
// no 'electron', no 'node:*'. Expected failures are AppError; cancellation is CancelledError.

/** Every expected failure the app can report, as a stable code the UI and CLI branch on. */
export const ERROR_CODES = [
  'INPUT_UNSUPPORTED',
  'INPUT_NOT_FOUND',
  'INPUT_NOT_READABLE',
  'IMAGE_TOO_LARGE',
  'MODEL_MISSING',
  'MODEL_CORRUPT',
  'MODEL_INVALID',
  'RUNTIME_UNAVAILABLE',
  'PROVIDER_UNKNOWN',
  'NO_FACE',
  'MULTIPLE_FACES',
  'FACE_CUT_OFF',
  'FACE_NOT_UPRIGHT',
  'TOO_TIGHT',
  'SPEC_UNKNOWN',
  'FFMPEG_MISSING',
  'FFMPEG_FAILED',
  'NO_VIDEO_STREAM',
  'VIDEO_CORRUPT',
  'NO_SUBJECT',
  'DISK_FULL',
  'OUTPUT_NOT_WRITABLE',
  'OUTPUT_EXISTS',
  'INVALID_ARGUMENT',
  'JOB_NOT_FOUND',
  'JOB_KIND_UNSUPPORTED',
  'UNAUTHORIZED',
  'ENGINE_UNREACHABLE',
  'CANCELLED',
  'INTERNAL',
] as const;

/** A stable error code (see ERROR_CODES). */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The structured-clone-able form of an error that crosses IPC, HTTP or a worker boundary. */
export interface WireError {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

/** An expected failure: a code, a sentence a person can act on, and optional detail data. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail?: unknown;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; detail?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = options.detail;
  }
}

/**
 * Default pixel budget of a decoded picture: 80 megapixels (a 50 MP camera photo fits). A bigger
 * picture is IMAGE_TOO_LARGE, or, where the caller asks for it (the cut-out, ID-photo and batch
 * pipelines), downscaled to this budget as it decodes, up to DEFAULT_MAX_SOURCE_PIXELS.
 */
export const DEFAULT_MAX_PIXELS = 80_000_000;

/**
 * The largest picture that is downscaled to the budget rather than refused: 320 megapixels (a 108
 * or 200 MP phone photo is worked on at 80 MP; a 20000x20000 decompression bomb is refused).
 */
export const DEFAULT_MAX_SOURCE_PIXELS = 320_000_000;

/**
 * What an error's detail says of the file, which the UI words apart from the code: `damaged` (a
 * known picture format cut short), `empty` (a file of 0 bytes; VIDEO_CORRUPT for a clip), `still` (a
 * still picture where a clip is wanted), `video` (a video where a picture is wanted) or
 * `unknownFormat` (content the decoder reads as no picture format: a text file named .jpg),
 * `formatNotRead` (a picture of a kind this build cannot decode: a HEIC using a part of HEIF not read), INPUT_UNSUPPORTED;
 * `cutShort` (a video that stops before the part picked), VIDEO_CORRUPT;
 * `tooLarge` (a file over the size the app imports: an upload to `cutout serve`, a paste), INPUT_UNSUPPORTED;
 * `nameTooLong` (an output name over the file system's limit) and `settingsFile` (the settings could not be saved), OUTPUT_NOT_WRITABLE;
 * `settingsFile` too for a settings file that could not be read (not JSON: kept aside, the defaults used), INPUT_UNSUPPORTED;
 * `batchRunning` (another batch writes into that output folder now), OUTPUT_EXISTS; a batch that
 * cannot start for its name template (`badTemplate`; `specNotHere`, {spec} outside an ID-photo batch) or its output folder being the input folder
 * (`outputIsInput`), INVALID_ARGUMENT. `defaultReplaced`: a task's default model that cannot be used
 * while another of its models is used instead (MODEL_CORRUPT, MODEL_MISSING: a notice, not a failure);
 * `noModel`: a task none of whose models can be used (MODEL_MISSING, the app's notice as it starts).
 * `emptyFolder`: a folder picked in a browser that holds no picture or clip (INPUT_NOT_FOUND).
 */
const ERROR_KINDS = ['damaged', 'empty', 'still', 'video', 'unknownFormat', 'formatNotRead', 'cutShort', 'tooLarge', 'nameTooLong', 'settingsFile', 'batchRunning', 'badTemplate', 'specNotHere', 'outputIsInput', 'defaultReplaced', 'noModel', 'sideways', 'below', 'above', 'emptyFolder'] as const;
/** See ERROR_KINDS. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Refusals of what a picture or clip shows, which the same file under the same options meets again. */
const SHOWN_FAULT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['NO_FACE', 'MULTIPLE_FACES', 'FACE_CUT_OFF', 'FACE_NOT_UPRIGHT', 'TOO_TIGHT', 'NO_VIDEO_STREAM']);
/** What a file is, as the decoder or the probe found it (ErrorKind), that the same file is again. */
const FILE_FAULT_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['damaged', 'empty', 'still', 'video', 'unknownFormat', 'cutShort']);

/**
 * Whether a failure comes of the input itself, so that the same file under the same options meets
 * it again (a batch's resume and retry do not try it again while neither changes): a refusal of
 * what it shows (no face, several, no video stream), or an unreadable file the decoder or probe said
 * what it is of (damaged, empty, not a picture format, a still where a clip goes), or an output
 * name too long for the file system (OUTPUT_NOT_WRITABLE nameTooLong: its name and the template's). Not one without
 * that word (a permission, a killed ffprobe and a full memory read as INPUT_UNSUPPORTED /
 * VIDEO_CORRUPT too), nor NO_SUBJECT (a missing anime model falls back to the person model), nor
 * IMAGE_TOO_LARGE (the machine's pixel budget), nor anything of the disk, the models or the engine.
 */
export function isInputFault(code: ErrorCode, kind: ErrorKind | undefined): boolean {
  if (SHOWN_FAULT_CODES.has(code)) return true;
  // An output name too long for the file system: the same file under the same name template makes it again.
  if (code === 'OUTPUT_NOT_WRITABLE') return kind === 'nameTooLong';
  return (code === 'INPUT_UNSUPPORTED' || code === 'VIDEO_CORRUPT') && kind !== undefined && FILE_FAULT_KINDS.has(kind);
}

/** The ErrorKind an error's detail flags (`{ damaged: true }`, `{ still: true }`, …), if any. */
export function errorKindOf(detail: unknown): ErrorKind | undefined {
  const flags = detail as Partial<Record<ErrorKind, unknown>> | null | undefined;
  return ERROR_KINDS.find((kind) => flags?.[kind] === true);
}

/** The ErrorKind of an error of `code`: its detail's flag (errorKindOf), or where a TOO_TIGHT photo lacks room (tightKindOf). */
export function errorKindOfCode(code: string, detail: unknown): ErrorKind | undefined {
  return errorKindOf(detail) ?? (code === 'TOO_TIGHT' ? tightKindOf(detail) : undefined);
}

/**
 * Where a TOO_TIGHT photo lacks room (detail.sides): beside the head (a square size on a narrow
 * photo), below the chin (not enough shoulders) or above the head; none when it lacks room on more
 * than one of those. A batch keeps it as its failure's kind: its row said "not enough room around
 * the head" where report.csv said the bottom.
 */
export function tightKindOf(detail: unknown): 'sideways' | 'below' | 'above' | undefined {
  const sides = (detail as { sides?: unknown } | null | undefined)?.sides;
  if (!Array.isArray(sides) || sides.length === 0) return undefined;
  const kinds = new Set(sides.map((side) => (side === 'left' || side === 'right' ? 'sideways' : side === 'bottom' ? 'below' : side === 'top' ? 'above' : 'other')));
  const [only] = kinds;
  return kinds.size === 1 && only !== 'other' ? (only as 'sideways' | 'below' | 'above') : undefined;
}

/** Thrown when an AbortSignal fires. Not an error for the user: never logged or toasted. */
export class CancelledError extends Error {
  readonly code = 'CANCELLED' as const;
  /** What the job left behind before it stopped, for its outcome (a batch: where its report is). */
  readonly leftBehind?: unknown;
  constructor(message = 'Cancelled', leftBehind?: unknown) {
    super(message);
    this.name = 'CancelledError';
    if (leftBehind !== undefined) this.leftBehind = leftBehind;
  }
}

/** True for a CancelledError or a DOM-style AbortError (spawn, fetch and timers throw those). */
export function isCancellation(error: unknown): boolean {
  if (error instanceof CancelledError) return true;
  const e = error as { name?: string; code?: string } | null;
  return e?.name === 'AbortError' || e?.code === 'ABORT_ERR' || e?.code === 'CANCELLED';
}

/**
 * The longest message, or string in a detail's first level, an error carries across (characters;
 * a path is at most 4096 on Linux). A page's call with a 63 MB path was answered with it, six at
 * once held gigabytes (a review of `cutout serve`).
 */
export const WIRE_TEXT_MAX = 8192;

/** `text` cut to WIRE_TEXT_MAX characters, saying so. */
function wireText(text: string): string {
  return text.length > WIRE_TEXT_MAX ? `${text.slice(0, WIRE_TEXT_MAX)}… (${text.length - WIRE_TEXT_MAX} more characters)` : text;
}

/** A detail object with its first level's long strings cut (wireText); anything else as it is. */
function wireDetail(detail: unknown): unknown {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return detail;
  const entries = Object.entries(detail as Record<string, unknown>);
  if (!entries.some(([, v]) => typeof v === 'string' && v.length > WIRE_TEXT_MAX)) return detail;
  return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'string' ? wireText(v) : v]));
}

/** Turns any thrown value into a WireError; unknown errors become INTERNAL. Long texts are cut (WIRE_TEXT_MAX). */
export function toWire(error: unknown): WireError {
  if (error instanceof AppError) return { code: error.code, message: wireText(error.message), detail: wireDetail(error.detail) };
  // What a cancelled job left (a batch's report) crosses with it, in the detail.
  if (isCancellation(error)) return { code: 'CANCELLED', message: 'Cancelled', ...((error as Partial<CancelledError>).leftBehind !== undefined ? { detail: { leftBehind: (error as CancelledError).leftBehind } } : {}) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: wireText(`Internal error: ${message}`) };
}

/** Rebuilds the thrown form of a WireError on the receiving side. */
export function fromWire(wire: WireError): AppError | CancelledError {
  if (wire.code === 'CANCELLED') return new CancelledError(wire.message, (wire.detail as { leftBehind?: unknown } | undefined)?.leftBehind);
  return new AppError(wire.code, wire.message, { detail: wire.detail });
}

/** The envelope every API call returns across a process or network boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };
