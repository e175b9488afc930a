// Running jobs as the UI sees them (rune class, renderer): progress per job from jobProgress
// events (batch jobs: rate, ETA, current files, pause state, counts), the one jobFinished per job,
// and the fraction the progress bar shows.
import type { JobId, JobOutcome, JobProgress, JobSpec, JobStage } from '../../../../shared/jobs';

/** A job the UI started and is waiting for. */
export interface TrackedJob {
  id: JobId;
  kind: JobSpec['kind'];
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
}

/**
 * Where each stage of a multi-stage job sits on its one progress bar ([from, to] of 0..1). The engine
 * counts done / total per stage, so without this a sticker's bar ran to 100 % while its frames were
 * segmented and fell back to 0 % for compositing. Segmenting takes nearly all of a sticker's time,
 * the edge refine nearly all of a cut-out's (7 s of 8 for a 12 MP photo with Best edges; it is told
 * in REFINE_STEPS, so the bar moves while it runs).
 */
const STAGE_SPANS: Partial<Record<JobSpec['kind'], Partial<Record<JobStage, readonly [number, number]>>>> = {
  sticker: { decode: [0, 0.02], segment: [0.02, 0.88], composite: [0.88, 0.9], encode: [0.9, 0.98], write: [0.98, 1] },
  cutout: { decode: [0, 0.03], segment: [0.03, 0.08], refine: [0.08, 0.92], composite: [0.92, 0.93], encode: [0.93, 1] },
};

/** 0..1 progress of a job, never going back from one stage to the next; 0 before the first event. */
export function jobFraction(job: Pick<TrackedJob, 'done' | 'total'> & Partial<Pick<TrackedJob, 'kind' | 'stage'>>): number {
  const within = job.total > 0 ? Math.min(1, Math.max(0, job.done / job.total)) : 0;
  const span = job.kind && job.stage ? STAGE_SPANS[job.kind]?.[job.stage] : undefined;
  if (span) return span[0] + (span[1] - span[0]) * within;
  return within;
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

  /** Starts tracking a job; resolves with its outcome when jobFinished arrives. */
  track(id: JobId, kind: JobSpec['kind'], nowMs = Date.now()): Promise<JobOutcome> {
    const early = this.early.get(id);
    if (early) {
      this.early.delete(id);
      this.lastOutcome = early;
      return Promise.resolve(early);
    }
    this.jobs.push({ id, kind, stage: null, done: 0, total: 0, startedAtMs: nowMs, isCancelling: false, rate: null, currentFiles: [], isPaused: false, counts: null });
    return new Promise((resolve) => this.waiters.set(id, resolve));
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
  }

  /** A jobFinished event: the job leaves the list and its waiter resolves. */
  onFinished(o: JobOutcome): void {
    const waiter = this.waiters.get(o.jobId);
    if (!waiter) {
      this.early.set(o.jobId, o);
      return;
    }
    this.waiters.delete(o.jobId);
    this.jobs = this.jobs.filter((j) => j.id !== o.jobId);
    this.lastOutcome = o;
    waiter(o);
  }

  /** Marks a job as being cancelled (the button shows it at once; the event ends it). */
  markCancelling(id: JobId): void {
    const job = this.jobs.find((j) => j.id === id);
    if (job) job.isCancelling = true;
  }
}
