// A small worker_threads pool for the JavaScript-heavy part of a cut-out (edge refinement and
// compositing, ~150 ms per megapixel), so a batch uses every core while inference stays on one
// shared ORT session in the calling thread. Falls back to running in-thread when no worker can
// start (e.g. a bundle that did not emit refine-worker.js). Core (no electron).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, CancelledError, fromWire, type WireError } from '../../../shared/errors';
import type { RefineMode } from '../../../shared/jobs';
import type { CompositeBackground } from '../image/composite';
import type { ProgressEvent, ProgressSink } from '../progress';

/** One refine + composite request (the pixels are copied to the worker). */
export interface RefineTask {
  id: number;
  data: Uint8Array;
  width: number;
  height: number;
  /** The picture's colour is subsampled (RgbaImage.isColourSubsampled). */
  isColourSubsampled?: boolean;
  mask: Float32Array;
  maskW: number;
  maskH: number;
  mode: RefineMode;
  /** A picture comes fitted to the image (its pixels are copied to the worker too). */
  background: CompositeBackground;
  /** A user trimap at the image's size (0 background, 128 unknown, 255 foreground), as refineMatte takes it. */
  trimap?: Uint8Array;
  /** The worker posts the refine's progress before its answer (RefinePool.run sets it when it has a listener). */
  tellsProgress?: boolean;
  /**
   * Only the alpha is kept (a mask, CutoutOptions.mask): the foreground colours are not estimated,
   * and the output's RGB is the picture's own. Its alpha is the same either way.
   */
  isAlphaOnly?: boolean;
}

/** What a refine task gives back: the composited RGBA pixels and the matte's unsure share. */
export interface RefineOutput {
  data: Uint8Array;
  unsureShare: number;
  /** Nothing half opaque or more (isEmptyMatte): no subject was found. */
  isEmpty: boolean;
}

/** A worker's answer: the output or a wire error, or (before either) how far the refine is. */
export type RefineReply = ({ id: number; ok: true } & RefineOutput) | { id: number; ok: false; error: WireError } | { id: number; progress: ProgressEvent };

interface Pending {
  task: RefineTask;
  resolve: (output: RefineOutput) => void;
  reject: (error: unknown) => void;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

/** How RefinePool.run runs a task. */
export interface RefineRunOptions {
  /** Cancels the task (CancelledError). */
  signal?: AbortSignal;
  /** Hears the refine's steps (stage 'refine'). */
  onProgress?: ProgressSink;
}

/**
 * Starts a worker on refine-worker: the emitted .js beside this file when built, else the .ts
 * source through tsx's loader (CLI, tests, bench run from source). Undefined when neither exists.
 */
function startWorker(): Worker | undefined {
  const here = import.meta.url;
  const jsUrl = new URL('./refine-worker.js', here);
  if (here.endsWith('.js') && existsSync(fileURLToPath(jsUrl))) return new Worker(jsUrl);
  const tsUrl = new URL('./refine-worker.ts', here);
  if (!existsSync(fileURLToPath(tsUrl))) return undefined;
  let tsxApi: string;
  try {
    // tsx's ESM register API; its package "exports" maps ./esm/api to dist/esm/api/index.mjs.
    const pkg = createRequire(fileURLToPath(here)).resolve('tsx/package.json');
    tsxApi = pathToFileURL(pkg.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  } catch {
    return undefined;
  }
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(tsUrl.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** Runs refine tasks on up to `size` workers; `size` 0 runs them in the calling thread. */
export class RefinePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private readonly all = new Set<Worker>();
  private nextId = 1;
  private isClosed = false;
  /** Whether work runs in-thread (no worker could start). */
  isInThread: boolean;

  constructor(size: number) {
    this.isInThread = size <= 0;
    for (let i = 0; i < size && !this.isInThread; i++) {
      let worker: Worker | undefined;
      try {
        worker = startWorker();
      } catch {
        worker = undefined;
      }
      if (!worker) {
        this.isInThread = this.all.size === 0;
        break;
      }
      this.adopt(worker);
    }
  }

  /** Number of workers running. */
  get size(): number {
    return this.all.size;
  }

  private adopt(worker: Worker): void {
    this.all.add(worker);
    this.idle.push(worker);
    worker.on('message', (reply: RefineReply) => {
      if ('progress' in reply) return this.busy.get(worker)?.onProgress?.(reply.progress);
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      if (job) {
        if (reply.ok) job.resolve({ data: reply.data, unsureShare: reply.unsureShare, isEmpty: reply.isEmpty });
        else job.reject(fromWire(reply.error));
      }
      this.idle.push(worker);
      this.pump();
    });
    worker.on('error', (error) => this.retire(worker, error));
    worker.on('exit', (code) => this.retire(worker, new Error(`refine worker exited with code ${code}`)));
  }

  /** A worker died: fail its task (or re-queue it when nothing was started), drop the worker. */
  private retire(worker: Worker, error: unknown): void {
    if (!this.all.delete(worker)) return;
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    if (job) job.reject(new AppError('INTERNAL', `Internal error: refine worker failed (${(error as Error)?.message ?? String(error)})`, { cause: error }));
    if (this.all.size === 0 && !this.isClosed) {
      // No worker left: finish the queue in-thread rather than hang.
      this.isInThread = true;
      const queued = this.queue.splice(0);
      for (const q of queued) this.runInThread(q);
    }
  }

  private runInThread(job: Pending): void {
    import('./refine-task').then((m) => m.runRefineTask(job.task, { signal: job.signal, onProgress: job.onProgress })).then(job.resolve, job.reject);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      // Copied, not moved: sharp's pixels are external memory, which Node will not move to a thread.
      worker.postMessage(job.task);
    }
  }

  /**
   * Refines the mask to full resolution and composites; resolves to RGBA pixels and the unsure share.
   * `signal` cancels it (CancelledError): a queued task leaves the queue, a running one's worker is
   * stopped, and replaced when tasks wait (a big picture's refine takes a minute; a cancelled batch
   * waited for it). In-thread work stops where the refine checks the signal.
   */
  run(task: Omit<RefineTask, 'id'>, { signal, onProgress }: RefineRunOptions = {}): Promise<RefineOutput> {
    if (this.isClosed) return Promise.reject(new AppError('INTERNAL', 'Internal error: refine pool is closed'));
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.cancel(job);
      const settle = <T>(fn: (value: T) => void) => (value: T): void => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      const job: Pending = { task: { ...task, id: this.nextId++, tellsProgress: onProgress !== undefined }, resolve: settle(resolve), reject: settle(reject), onProgress, signal };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.isInThread) return this.runInThread(job);
      this.queue.push(job);
      // Every worker was cancelled away while nothing waited: one starts now.
      if (this.all.size === 0) return this.replaceWorker();
      this.pump();
    });
  }

  /** Cancels one task: out of the queue, or its worker terminated and replaced. */
  private cancel(job: Pending): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return job.reject(new CancelledError());
    }
    const worker = [...this.busy].find(([, j]) => j === job)?.[0];
    if (!worker) return;
    // Forgotten first, so its exit fails nothing. A new worker takes its place when tasks wait; with
    // none waiting, the next run starts one (a one-task pool, closed right after, starts none).
    this.busy.delete(worker);
    this.all.delete(worker);
    job.reject(new CancelledError());
    void worker.terminate();
    if (!this.isClosed && this.queue.length > 0) this.replaceWorker();
  }

  /** Starts a worker in a stopped one's place; with none to start and none left, the queue runs in-thread. */
  private replaceWorker(): void {
    let replacement: Worker | undefined;
    try {
      replacement = startWorker();
    } catch {
      replacement = undefined;
    }
    if (replacement) this.adopt(replacement);
    else if (this.all.size === 0) {
      this.isInThread = true;
      for (const q of this.queue.splice(0)) this.runInThread(q);
    }
    this.pump();
  }

  /** Terminates every worker; queued tasks are rejected. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const q of this.queue.splice(0)) q.reject(new AppError('INTERNAL', 'Internal error: refine pool closed'));
    const workers = [...this.all];
    this.all.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
