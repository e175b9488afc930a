// What a finished batch's summary offers next (renderer only, no I/O).
import { isInputFault, type ErrorCode, type ErrorKind } from '../../../shared/errors';

/** A failed file as a batch's summary lists it. */
export interface FailedFile {
  code?: string;
  errorKind?: ErrorKind;
  failedBefore?: boolean;
}

/**
 * Whether "Retry failed" would try anything: some failure is not of the file itself (a disk, a
 * model, the engine), so it may go now. A fault of the file (damaged, no face, too tight) comes
 * again with the same file and settings: retrying only said "failed before … not retried" (a
 * replaced file is tried by Start). After a full disk, Start (skipping what is done) does the rest.
 */
export function canRetryFailed(summary: { failures: readonly FailedFile[]; stoppedBy?: unknown }): boolean {
  if (summary.stoppedBy) return false;
  return summary.failures.some((f) => !f.failedBefore && !(f.code !== undefined && isInputFault(f.code as ErrorCode, f.errorKind)));
}
