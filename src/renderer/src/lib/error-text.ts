// Turns any thrown value into what the error banner shows: the code, a sentence, what to do (renderer).
// Branches on `code`, and on the detail flags that change what to do (a damaged picture, a still
// where a clip is wanted); cancellation is not an error and yields null.
import { DEFAULT_MAX_SOURCE_PIXELS, ERROR_CODES, errorKindOf, errorKindOfCode, isCancellation, type ErrorCode, type ErrorKind, type WireError } from '../../../shared/errors';
import { MAX_IMPORT_BYTES } from '../../../shared/media';
import { MESSAGES, type MessageKey } from './i18n';
import { baseName } from './paths';

/** What the UI shows for a failure. */
export interface ErrorNotice {
  code: ErrorCode;
  messageKey: MessageKey;
  fixKey: MessageKey;
  /** The engine's own sentence (often more specific, e.g. names the file). */
  engineMessage: string;
  detail?: unknown;
  /** Values the message and fix name ({limit} megapixels of IMAGE_TOO_LARGE). */
  params: Record<string, string | number>;
  /**
   * The name of the file it is about (the error's detail.path), shown before the sentence: with
   * several files opened at once, the banner did not say which one failed.
   */
  file?: string;
}

/** The notice for an error, or null for a cancellation. Unknown codes are shown as INTERNAL. */
export function describeError(error: unknown): ErrorNotice | null {
  if (isCancellation(error)) return null;
  const e = (error ?? {}) as Partial<WireError> & { message?: string; errorKind?: ErrorKind };
  const code: ErrorCode = typeof e.code === 'string' && (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'INTERNAL';
  if (code === 'CANCELLED') return null;
  // Two kinds of INPUT_UNSUPPORTED are not "not an image": a picture cut short (a broken download or
  // copy), and a still picture where a clip is wanted (Stickers). Each is said so, with what helps.
  // A video that stops before the part picked (its header gives the whole length) is VIDEO_CORRUPT's.
  // A batch's failure carries the kind itself (errorKind); a thrown error in its detail.
  // An output name too long for the file system is not a read-only folder (OUTPUT_NOT_WRITABLE's).
  const kind = e.errorKind ?? errorKindOfCode(code, e.detail);
  const asked = kind ? `.${kind}` : code === 'FACE_NOT_UPRIGHT' ? turnVariant(e.detail) : '';
  // A kind with no words of its own for this code (the table's) is said as the code's.
  const variant = asked && `error.${code}${asked}` in MESSAGES ? asked : '';
  return {
    code,
    messageKey: `error.${code}${variant}` as MessageKey,
    fixKey: `fix.${code}${variant}` as MessageKey,
    engineMessage: typeof e.message === 'string' ? e.message : String(error),
    detail: e.detail,
    params: paramsOf(code, e.detail),
    ...fileOf(e.detail),
  };
}

/** Codes whose fix points at the details: the engine's sentence names the file, the address, the folder. */
const DETAILS_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['MODEL_MISSING', 'MODEL_CORRUPT', 'INTERNAL']);

/**
 * Whether a failure's words send the user to its details (the engine's sentence), so a line that
 * says it outside the banner (which has its details button) must show that sentence: the ID
 * photo's "The details name the file …" had it only on hover, and in Chinese nowhere.
 */
export function pointsAtDetails(notice: Pick<ErrorNotice, 'code' | 'detail'>): boolean {
  return DETAILS_CODES.has(notice.code) && errorKindOf(notice.detail) === undefined;
}

/** The base name of the file an error's detail names (`detail.path`), if any. */
function fileOf(detail: unknown): { file?: string } {
  const path = (detail as { path?: unknown } | null | undefined)?.path;
  return typeof path === 'string' && path ? { file: baseName(path) } : {};
}

/**
 * What a notice's words name from the error's detail: the models of a default replaced, the size limit of a file too large to
 * import (INPUT_UNSUPPORTED tooLarge, in MB), and the pixel limit of IMAGE_TOO_LARGE (there is
 * no such setting to point at). Without a detail (a batch row carries none) it is the largest
 * picture the app takes, which every picture it opens is held to (bigger ones it downscales).
 */
function paramsOf(code: ErrorCode, detail: unknown): Record<string, string | number> {
  if (errorKindOf(detail) === 'defaultReplaced') {
    const d = detail as { model?: unknown; other?: unknown };
    return { model: String(d.model ?? ''), other: String(d.other ?? '') };
  }
  if (code === 'INPUT_UNSUPPORTED') return errorKindOf(detail) === 'tooLarge' ? { limit: MAX_IMPORT_BYTES / 1024 / 1024 } : {};
  if (code !== 'IMAGE_TOO_LARGE') return {};
  const d = (detail ?? {}) as { maxPixels?: unknown };
  return { limit: Math.round((typeof d.maxPixels === 'number' ? d.maxPixels : DEFAULT_MAX_SOURCE_PIXELS) / 1e6) };
}

/** A quarter turn (clockwise degrees) as the wording's variant of its messages: '.clockwise', '.counterClockwise', '.halfTurn'. */
export function turnWords(deg: 90 | 180 | 270): '.clockwise' | '.counterClockwise' | '.halfTurn' {
  return deg === 90 ? '.clockwise' : deg === 270 ? '.counterClockwise' : '.halfTurn';
}

/** Which way a FACE_NOT_UPRIGHT picture stands up (detail.turnDeg, clockwise), as the wording's variant; '' when not said. */
function turnVariant(detail: unknown): string {
  const turn = (detail as { turnDeg?: unknown } | null | undefined)?.turnDeg;
  return turn === 90 || turn === 180 || turn === 270 ? turnWords(turn) : '';
}
