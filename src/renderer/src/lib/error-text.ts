// Turns any thrown value into what the error banner shows: the code, a sentence, what to do (renderer).
// Branches on `code`, and on the one detail flag that changes what to do (a damaged picture);
// cancellation is not an error and yields null.
import { ERROR_CODES, isCancellation, type ErrorCode, type WireError } from '../../../shared/errors';
import type { MessageKey } from './i18n';

/** What the UI shows for a failure. */
export interface ErrorNotice {
  code: ErrorCode;
  messageKey: MessageKey;
  fixKey: MessageKey;
  /** The engine's own sentence (often more specific, e.g. names the file). */
  engineMessage: string;
  detail?: unknown;
}

/** The notice for an error, or null for a cancellation. Unknown codes are shown as INTERNAL. */
export function describeError(error: unknown): ErrorNotice | null {
  if (isCancellation(error)) return null;
  const e = (error ?? {}) as Partial<WireError> & { message?: string };
  const code: ErrorCode = typeof e.code === 'string' && (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'INTERNAL';
  if (code === 'CANCELLED') return null;
  // A picture cut short (a broken download or copy) is not "not an image": say so, and what helps.
  const isDamaged = code === 'INPUT_UNSUPPORTED' && (e.detail as { damaged?: unknown } | undefined)?.damaged === true;
  return {
    code,
    messageKey: (isDamaged ? 'error.INPUT_UNSUPPORTED.damaged' : `error.${code}`) as MessageKey,
    fixKey: (isDamaged ? 'fix.INPUT_UNSUPPORTED.damaged' : `fix.${code}`) as MessageKey,
    engineMessage: typeof e.message === 'string' ? e.message : String(error),
    detail: e.detail,
  };
}
