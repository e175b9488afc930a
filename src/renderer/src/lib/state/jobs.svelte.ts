// Running jobs as the UI sees them (rune class, renderer): progress per job from jobProgress
// events (batch jobs: rate, ETA, current files, pause state, counts), the one jobFinished per job,
// and the fraction the progress bar shows.
import { jobFraction, stageSpansOf, type JobId, type JobOutcome, type JobProgress, type JobSpec, type JobStage, type RunningJob, type StageSpans } from '../../../../shared/jobs';
import type { WireError } from '../../../../shared/errors';

/** How many ended job ids a tracker keeps. */
const MAX_ENDED_IDS = 1000;

/** A job the UI started and is waiting for. */
export interface TrackedJob {
  id: JobId;
  kind: JobSpec['kind'];
  /** Whose stage spans its bar runs on (stageSpansOf: a sticker made to a preset its own). */
  spans: StageSpans;
  stage: JobStage | null;
  done: number;
  total: number;
  startedAtMs: number;
  isCancelling: boolean;
  /** Batch jobs: files per second and milliseconds left (null until the first batch status). */
  rate: JobProgress['rate'] | null;
  /** Batch jobs: the inputs in flight (the first is "the current file"). */
  currentFiles: string[];
  /** Batch jobs: paused (files in flight finish, nothing new starts). */
  isPaused: boolean;
  /** Batch jobs: finished inputs by how they ended. */
  counts: JobProgress['counts'] | null;
  /** Batch jobs: how far the files at work are, summed (JobProgress.partial). */
  partial: number;
}

/** 0..1 progress of a job (shared/jobs.ts, also the taskbar's). */
export { jobFraction };

/** The words of a job's stage: a sticker's decode reads its clip ("Reading image" was said of a clip). */
export function stageKey(kind: JobSpec['kind'], stage: JobStage): `stage.${string}` {
  return kind === 'sticker' && stage === 'decode' ? 'stage.decodeClip' : `stage.${stage}`;
}

export class JobTracker {
  jobs = $state<TrackedJob[]>([]);
  /** The last finished job's outcome (the status line reads it). */
  lastOutcome = $state.raw<JobOutcome | null>(null);

  isBusy = $derived(this.jobs.length > 0);
  /** Progress of the oldest running job (what the status bar shows). */
  current = $derived(this.jobs[0] ?? null);

  private waiters = new Map<JobId, (o: JobOutcome) => void>();
  /** Outcomes that arrived before track() was called (the event can beat startJob's reply). */
  private early = new Map<JobId, JobOutcome>();

  /**
   * Starts tracking a job; resolves with its outcome when jobFinished arrives. A job taken up
   * already (its progress came, from this page's start, before startJob's reply) keeps its entry,
   * and its end now goes here alone. `job`: its spec (a kind alone runs on the kind's stage spans).
   */
  track(id: JobId, job: JobSpec | JobSpec['kind'], nowMs = Date.now()): Promise<JobOutcome> {
    const spec = typeof job === 'string' ? { kind: job } : job;
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      this.lastOutcome = early;
      return Promise.resolve(early);
    }
    if (this.jobs.some((j) => j.id === id)) return new Promise((resolve) => this.waiters.set(id, resolve));
    this.jobs.push({ id, kind: spec.kind, spans: stageSpansOf(spec), stage: null, done: 0, total: 0, startedAtMs: nowMs, isCancelling: false, rate: null, currentFiles: [], isPaused: false, counts: null, partial: 0 });
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  /**
   * Takes up a job this page did not start (listJobs: the page was reloaded while it ran), with
   * its newest progress; resolves with its outcome. Null when it is tracked already.
   */
  adopt(job: RunningJob): Promise<JobOutcome> | null {
    // Not one that ended and was claimed (a listJobs answer made before its end, coming after it,
    // showed it running for good); one whose end came unclaimed is taken up and ends at once (a
    // batch's summary shows).
    if (this.waiters.has(job.id) || (this.ended.has(job.id) && !this.early.has(job.id))) return null;
    const outcome = this.track(job.id, job.spec, job.startedAtMs);
    if (job.progress) this.onProgress(job.progress);
    if (job.isCancelling) this.markCancelling(job.id);
    return outcome;
  }

  /** Whether the job is tracked, or its end has come before it was. */
  knows(id: JobId): boolean {
    return this.waiters.has(id) || this.early.has(id);
  }

  /** A jobProgress event; progress of unknown jobs is ignored. */
  onProgress(p: JobProgress): void {
    const job = this.jobs.find((j) => j.id === p.jobId);
    if (!job) return;
    job.stage = p.stage;
    job.done = p.done;
    job.total = p.total;
    // The batch fields come whole with each event (the registry's throttle keeps the newest event).
    if (p.rate) job.rate = p.rate;
    if (p.current) job.currentFiles = p.current;
    if (p.isPaused !== undefined) job.isPaused = p.isPaused;
    if (p.counts) job.counts = p.counts;
    job.partial = p.partial ?? 0;
  }

  /**
   * A batch input ended (batchItemFinished): it is no longer at work. Its job's next progress event
   * would say so, but that one is throttled, and a cancel's last one can come only with the end:
   * the file showed "working" beside its own "cancelled" row, and "waiting for 1 file" for it.
   */
  onItemFinished(e: { jobId: JobId; input: string }): void {
    const job = this.jobs.find((j) => j.id === e.jobId);
    if (job?.currentFiles.includes(e.input)) job.currentFiles = job.currentFiles.filter((f) => f !== e.input);
  }

  /** Jobs whose jobFinished came, the newest MAX_ENDED_IDS (not taken up again). */
  private readonly ended = new Set<JobId>();

  /** A jobFinished event: the job leaves the list and its waiter resolves. */
  onFinished(o: JobOutcome): void {
    this.ended.add(o.jobId);
    if (this.ended.size > MAX_ENDED_IDS) this.ended.delete(this.ended.values().next().value!);
    this.end(o);
  }

  /** Ends a job here: it leaves the list and its waiter resolves (or its end is kept for track). */
  private end(o: JobOutcome): void {
    const waiter = this.waiters.get(o.jobId);
    if (!waiter) {
      this.early.set(o.jobId, o);
      // (Other tabs' jobs end here too, never claimed: the oldest go.)
      if (this.early.size > MAX_ENDED_IDS) this.early.delete(this.early.keys().next().value!);
      return;
    }
    this.waiters.delete(o.jobId);
    this.jobs = this.jobs.filter((j) => j.id !== o.jobId);
    this.lastOutcome = o;
    waiter(o);
  }

  /**
   * Ends every job being tracked as failed with `error` (the engine is gone: their jobFinished will
   * never come, and a running sticker showed "working" for good).
   */
  failAll(error: WireError, nowMs = Date.now()): void {
    // Not ended in the engine: taken up again when it is reached again and lists them.
    for (const job of [...this.jobs]) this.end({ jobId: job.id, outcome: 'failed', error, elapsedMs: nowMs - job.startedAtMs });
  }

  /** Marks a job as being cancelled (the button shows it at once; the event ends it). */
  markCancelling(id: JobId): void {
    const job = this.jobs.find((j) => j.id === id);
    if (job) job.isCancelling = true;
  }
}
