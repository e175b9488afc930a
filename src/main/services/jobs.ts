// JobRegistry: starts jobs on the engine, keeps one AbortController per job, throttles progress
// to at most 10 events per second per job, reports an aggregate fraction (the taskbar progress
// bar) and ends every job with exactly one finished event. Main process (and `cutout serve`); Node only.
import { randomUUID } from 'node:crypto';
import { isCancellation, toWire, type CancelledError } from '../../shared/errors';
import { jobFraction, stageSpansOf, type BatchItemFinished, type JobId, type JobOutcome, type JobProgress, type JobSpec, type RunningJob as RunningJobInfo, type StageSpans } from '../../shared/jobs';
import { PauseGate } from '../core/batch/pause-gate';
import type { RunContext } from '../core/progress';

/** Where a registry reports to. */
export interface JobEventSink {
  progress(event: JobProgress): void;
  finished(event: JobOutcome): void;
  /** One input of a batch job ended; never throttled. */
  item?(event: BatchItemFinished): void;
  /** Mean fraction 0..1 over running jobs, or null when none runs (clear the taskbar bar). */
  aggregate?(fraction: number | null): void;
}

/**
 * Runs a job to its end: resolves with the result, rejects with AppError / CancelledError. `gate`
 * is closed while the job is paused (batch jobs wait on it between files); `onItem` reports one
 * batch input's end.
 */
export type JobRunner = (
  spec: JobSpec,
  ctx: Required<RunContext> & { gate: PauseGate; onItem: (item: Omit<BatchItemFinished, 'jobId'>) => void },
) => Promise<unknown>;

interface RunningJob {
  kind: JobSpec['kind'];
  spec: JobSpec;
  /** Whose stage spans its bar runs on (stageSpansOf its spec), read once. */
  spans: StageSpans;
  controller: AbortController;
  gate: PauseGate;
  startedAt: number;
  lastSentAt: number;
  pending?: JobProgress;
  timer?: ReturnType<typeof setTimeout>;
  fraction: number;
  /** Its newest progress, sent or not (what a page that takes the job up shows first). */
  latest: JobProgress | null;
  /** Batch jobs: the inputs ended so far, in the order they ended. */
  items: Omit<BatchItemFinished, 'jobId'>[];
}

/** How many ended jobs the registry keeps for list(), and for how long. */
export const RECENTLY_ENDED_MAX = 20;
export const RECENTLY_ENDED_MS = 5 * 60_000;

/** Keeps running jobs by id; no module-level state. */
export class JobRegistry {
  private readonly jobs = new Map<JobId, RunningJob>();
  /** Jobs that ended, the newest RECENTLY_ENDED_MAX, each as list() said it then with its outcome; each let go RECENTLY_ENDED_MS after its end. */
  private readonly recentlyEnded = new Map<JobId, Omit<RunningJobInfo, 'folders'>>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly run: JobRunner,
    private readonly sink: JobEventSink,
    options: { intervalMs?: number; now?: () => number; log?: (message: string) => void } = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((m) => console.error(m));
  }

  private readonly log: (message: string) => void;

  /** Number of jobs still running. */
  get size(): number {
    return this.jobs.size;
  }

  /** Ids of the running jobs. */
  ids(): JobId[] {
    return [...this.jobs.keys()];
  }

  /**
   * The running jobs as a page that did not start them takes them up (a page reloaded, or opened
   * beside the first): each one's spec, start, newest progress and, of a batch, the inputs ended;
   * then those that ended in the last RECENTLY_ENDED_MS, with their outcome (`ended`).
   */
  list(): Omit<RunningJobInfo, 'folders'>[] {
    return [...[...this.jobs].map(([id, job]) => this.infoOf(id, job)), ...this.recentlyEnded.values()];
  }

  private infoOf(id: JobId, job: RunningJob): Omit<RunningJobInfo, 'folders'> {
    return { id, spec: job.spec, startedAtMs: job.startedAt, progress: job.latest, items: [...job.items], isCancelling: job.controller.signal.aborted };
  }

  /** Starts a job and returns its id at once. */
  start(spec: JobSpec): JobId {
    const id: JobId = randomUUID();
    const job: RunningJob = { kind: spec.kind, spec, spans: stageSpansOf(spec), controller: new AbortController(), gate: new PauseGate(), startedAt: this.now(), lastSentAt: -Infinity, fraction: 0, latest: null, items: [] };
    this.jobs.set(id, job);
    const ctx = {
      signal: job.controller.signal,
      gate: job.gate,
      onProgress: (e: Omit<JobProgress, 'jobId'>) => this.onProgress(id, job, e),
      onItem: (item: Omit<BatchItemFinished, 'jobId'>) => {
        if (this.jobs.get(id) !== job) return;
        job.items.push(item);
        this.sink.item?.({ jobId: id, ...item });
      },
    };
    // Defer so that the caller has the id before any event about it can arrive.
    void Promise.resolve()
      .then(() => this.run(spec, ctx))
      .then(
        (result) => this.finish(id, job, { jobId: id, outcome: 'done', result, elapsedMs: this.now() - job.startedAt }),
        (error) => {
          const elapsedMs = this.now() - job.startedAt;
          if (isCancellation(error)) {
            // Read off the error, not by its class: a bundle may hold two copies of CancelledError.
            const leftBehind = (error as Partial<CancelledError> | null)?.leftBehind;
            this.finish(id, job, { jobId: id, outcome: 'cancelled', elapsedMs, ...(leftBehind !== undefined ? { leftBehind } : {}) });
          }
          else {
            const wire = toWire(error);
            if (wire.code === 'INTERNAL') this.log(`job ${id} (${spec.kind}) failed: ${(error as Error)?.stack ?? error}`);
            this.finish(id, job, { jobId: id, outcome: 'failed', error: wire, elapsedMs });
          }
        },
      );
    this.updateAggregate();
    return id;
  }

  /** Cancels a job; unknown or finished ids are ignored (cancel races with the end). */
  cancel(id: JobId): void {
    this.jobs.get(id)?.controller.abort();
  }

  /** Pauses a batch job between files (files in flight finish); other kinds and unknown or ended ids are ignored. */
  pause(id: JobId): void {
    const job = this.jobs.get(id);
    if (job?.kind === 'batch') job.gate.pause();
  }

  /** Resumes a paused batch job; other kinds and unknown or ended ids are ignored. */
  resume(id: JobId): void {
    const job = this.jobs.get(id);
    if (job?.kind === 'batch') job.gate.resume();
  }

  /** Cancels every running job (window closing, app quitting). */
  cancelAll(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }

  private onProgress(id: JobId, job: RunningJob, e: Omit<JobProgress, 'jobId'>): void {
    // A cancelled batch still says which files it is finishing until it stops; other jobs go quiet.
    if (!this.jobs.has(id) || (job.controller.signal.aborted && job.kind !== 'batch')) return;
    // The optional batch fields travel whole with each event, so the one a throttle keeps is complete.
    const event: JobProgress = {
      jobId: id,
      stage: e.stage,
      done: e.done,
      total: e.total,
      ...(e.detail ? { detail: e.detail } : {}),
      ...(e.rate ? { rate: e.rate } : {}),
      ...(e.current ? { current: e.current } : {}),
      ...(e.isPaused !== undefined ? { isPaused: e.isPaused } : {}),
      ...(e.counts ? { counts: e.counts } : {}),
      ...(e.partial !== undefined ? { partial: e.partial } : {}),
    };
    job.latest = event;
    // Where the window's bar is: a cut-out's taskbar bar fell back to 0 for its encode.
    job.fraction = jobFraction({ spans: job.spans, stage: e.stage, done: e.done, total: e.total, partial: e.partial });
    const t = this.now();
    if (t - job.lastSentAt >= this.intervalMs) {
      job.lastSentAt = t;
      job.pending = undefined;
      // A late timer (the event loop stalled past its time, and this event came first) would
      // otherwise send the next pending event too soon after this one.
      if (job.timer) clearTimeout(job.timer);
      job.timer = undefined;
      this.sink.progress(event);
      this.updateAggregate();
      return;
    }
    // Too soon: keep only the newest event and send it when the interval is up.
    job.pending = event;
    if (!job.timer) this.sendPendingLater(id, job, this.intervalMs - (t - job.lastSentAt));
  }

  /**
   * Sends the job's pending event after `delayMs`. Timers keep whole milliseconds and may fire up to
   * one early: then the timer is set again for the rest, so events are never closer than the interval.
   */
  private sendPendingLater(id: JobId, job: RunningJob, delayMs: number): void {
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (!job.pending || !this.jobs.has(id)) return;
      const t = this.now();
      const rest = this.intervalMs - (t - job.lastSentAt);
      if (rest > 0) return this.sendPendingLater(id, job, rest);
      job.lastSentAt = t;
      const pending = job.pending;
      job.pending = undefined;
      this.sink.progress(pending);
      this.updateAggregate();
    }, Math.max(0, delayMs));
  }

  private finish(id: JobId, job: RunningJob, outcome: JobOutcome): void {
    if (this.jobs.get(id) !== job) return;
    const info = this.infoOf(id, job);
    // An ended job is not paused: one cancelled while paused was listed as paused still.
    const progress = info.progress?.isPaused ? { ...info.progress, isPaused: false } : info.progress;
    const ended = { ...info, progress, isCancelling: false, ended: outcome };
    this.recentlyEnded.set(id, ended);
    if (this.recentlyEnded.size > RECENTLY_ENDED_MAX) this.recentlyEnded.delete(this.recentlyEnded.keys().next().value!);
    // Let go once its time is up (a big batch's items were held for good when only a list let them go).
    setTimeout(() => this.recentlyEnded.get(id) === ended && this.recentlyEnded.delete(id), RECENTLY_ENDED_MS).unref?.();
    this.jobs.delete(id);
    if (job.timer) clearTimeout(job.timer);
    job.pending = undefined;
    this.sink.finished(outcome);
    this.updateAggregate();
  }

  private updateAggregate(): void {
    if (!this.sink.aggregate) return;
    if (this.jobs.size === 0) return this.sink.aggregate(null);
    let sum = 0;
    for (const job of this.jobs.values()) sum += job.fraction;
    this.sink.aggregate(sum / this.jobs.size);
  }
}
