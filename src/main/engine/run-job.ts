// Job dispatch: a switch on JobSpec.kind that calls the core pipelines. Runs inside the engine
// (worker thread or in-process); Node only, never electron. Each feature adds its case here
// (see docs/architecture.md); a kind without a case fails with JOB_KIND_UNSUPPORTED.
import { AppError } from '../../shared/errors';
import type { BatchItemFinished, JobProgress, JobSpec } from '../../shared/jobs';
import { idPhotoBatchExtra } from '../core/batch/modes';
import { runBatch } from '../core/batch/run-batch';
import type { PauseGate } from '../core/batch/pause-gate';
import type { BatchEntry, BatchStatus } from '../core/batch/types';
import type { CoreEnv } from '../core/env';
import { runIdPhotoJob } from '../core/idphoto/id-photo-job';
import type { IdPhotoReuse } from '../core/idphoto/make-id-photo';
import { cutoutToFile } from '../core/pipelines/cutout';
import type { ProgressEvent, RunContext } from '../core/progress';
import { makeSticker } from '../core/sticker/make-sticker';

/** A job's progress as the engine reports it: JobProgress without the id the registry adds. */
export type JobProgressEvent = Omit<JobProgress, 'jobId'>;

/** What a job gets besides signal and onProgress: a pause gate and per-input events (batch jobs). */
export interface JobRunContext extends RunContext {
  /** Closed while the job is paused; only batch jobs wait on it (between files). */
  gate?: PauseGate;
  /** One batch input has ended. */
  onItem?: (item: Omit<BatchItemFinished, 'jobId'>) => void;
  /** The engine's decoded picture and the live preview's analyses of it, for an 'idphoto' job (Export made on what the preview made). */
  idPhotoReuse?: (input: string) => Promise<IdPhotoReuse>;
}

/** A batch status as a 'write' progress event: N of M plus rate, ETA, current files, pause state and counts. */
export function batchStatusToProgress(s: BatchStatus): JobProgressEvent & ProgressEvent {
  return {
    stage: 'write',
    done: s.finished,
    total: s.total,
    ...(s.current[0] ? { detail: s.current[0] } : {}),
    rate: { perSecond: s.filesPerSec, ...(s.etaMs !== undefined ? { etaMs: s.etaMs } : {}) },
    current: s.current,
    isPaused: s.isPaused,
    counts: { done: s.done, skipped: s.skipped, failed: s.failed },
    partial: s.inFlight,
  };
}

/** The entry fields a batchItemFinished event carries besides input and status. */
const CARRIED_ITEM_FIELDS = ['output', 'code', 'message', 'errorKind', 'reason', 'doneBefore', 'failedBefore', 'staleOutput', 'note', 'notes', 'unsureShare', 'needsReview', 'reviewThreshold', 'isEmpty', 'specFailures', 'provider'] as const satisfies readonly (keyof BatchEntry & keyof BatchItemFinished)[];
// Every field of the event is carried: one added to it and not here fails to compile (staleOutput
// was left out of a hand-written list, and the app never showed it).
type UncarriedItemField = Exclude<keyof Omit<BatchItemFinished, 'jobId' | 'input' | 'status'>, (typeof CARRIED_ITEM_FIELDS)[number]>;
const everyItemFieldCarried: [UncarriedItemField] extends [never] ? true : UncarriedItemField = true;
void everyItemFieldCarried;

/** A finished batch entry as the batchItemFinished event carries it (only the fields it has). */
export function batchItemOf(entry: BatchEntry): Omit<BatchItemFinished, 'jobId'> {
  const optional: Record<string, unknown> = {};
  for (const key of CARRIED_ITEM_FIELDS) {
    const value = key === 'output' ? entry.output || undefined : entry[key];
    if (value !== undefined) optional[key] = value;
  }
  return { input: entry.input, status: entry.status, ...optional };
}

/** Runs one job to the end and returns its (structured-clone-able) result. */
export async function runJob(spec: JobSpec, env: CoreEnv, ctx: JobRunContext): Promise<unknown> {
  switch (spec.kind) {
    case 'cutout':
      return cutoutToFile(spec.input, spec.output, spec.options, env, ctx);
    case 'sticker':
      return makeSticker(spec.input, spec.output, spec.options, env, ctx);
    case 'idphoto':
      return runIdPhotoJob(spec.input, spec.output, spec.options, env, ctx, ctx.idPhotoReuse && (() => ctx.idPhotoReuse!(spec.input)));
    case 'batch': {
      const { idSpec, idSheet, idBrightness, idTurn, sticker, mask, ...options } = spec.options;
      const modeExtra = idSpec ? idPhotoBatchExtra(idSpec, idSheet, idBrightness, idTurn) : sticker ? { ...sticker } : undefined;
      // Masks only when asked (batchFormatOf refuses them outside the cut-out modes); none is no key, as before.
      const extra = mask === undefined || mask === false ? modeExtra : { ...modeExtra, mask };
      const { onProgress, onItem } = ctx;
      return runBatch(spec.inputs, spec.outputDir, { ...options, spec: idSpec?.id, extra }, env, {
        signal: ctx.signal,
        gate: ctx.gate,
        // runBatch reports every status twice (onStatus, then a plain 'write' event); only the rich
        // one is forwarded, so the registry's throttle always holds the latest rate / ETA / counts.
        onProgress: onProgress && ((e) => e.stage !== 'write' && onProgress(e)),
        onStatus: onProgress && ((s) => onProgress(batchStatusToProgress(s))),
        onFile: onItem && (({ entry }) => onItem(batchItemOf(entry))),
      });
    }
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new AppError('JOB_KIND_UNSUPPORTED', `Unknown job kind "${String(kind)}"`, { detail: { kind } });
    }
  }
}
