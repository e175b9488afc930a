// The engine host: runs ENGINE_OPS off the main event loop in a worker thread (default) or
// in-process (tests, fallback). The only file that knows which; callers see EngineHost.
// Loaded by main (Electron) and by `cutout serve` (Node); never imports electron.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, CancelledError, fromWire } from '../../shared/errors';
import { disableOrtTelemetry } from '../core/inference/telemetry';
import { EngineDispatcher } from './engine-core';
import type { EngineArg, EngineOp, EngineValue } from './ops';
import type { JobRunContext } from './run-job';
import type { EngineConfig, FromEngine, ToEngine } from './protocol';

/**
 * How long a cancelled call may take to stop before the host reports it cancelled anyway (its late
 * result is dropped). A single file's job drops its output when cancelled, so it may be let go.
 */
export const CANCEL_GRACE_MS = 500;

/**
 * A batch writes a file per input, its journal and its reports: it is reported cancelled when the
 * engine has stopped it, so nothing is written behind the report (a batch went on writing outputs
 * and a report over the next run's). This is only the backstop for an engine that hangs.
 */
export const BATCH_CANCEL_GRACE_MS = 60_000;

/**
 * How long dispose() waits for the calls still running in the worker to stop at their
 * cancellation points (killing their ffmpeg children, dropping half-written outputs) before it
 * ends the thread: quitting mid-inference waits for at most this. A batch gets longer: it stops
 * between its files' stages (one inference, a refine) and then writes its journal and report.
 */
export const DISPOSE_GRACE_MS = 2_000;
export const BATCH_DISPOSE_GRACE_MS = 10_000;

/**
 * Runs engine operations; cancel through ctx.signal, progress through ctx.onProgress. A job call
 * may also pass a pause gate (mirrored to the engine's own) and a per-input sink (batch jobs).
 */
export interface EngineHost {
  readonly mode: 'worker' | 'in-process';
  call<O extends EngineOp>(op: O, arg: EngineArg<O>, ctx?: JobRunContext): Promise<EngineValue<O>>;
  /** Changes provider / threads for later calls. */
  configure(patch: Partial<EngineConfig>): void;
  /** Stops the engine; pending calls are rejected. */
  dispose(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  ctx: JobRunContext;
  cleanup(): void;
}

/** Where the engine worker script is: the built out/main/engine.js, else the TypeScript source. */
function engineEntry(): { url: URL; isTypeScript: boolean } {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, 'engine.js');
  if (!import.meta.url.endsWith('.ts') && existsSync(built)) return { url: pathToFileURL(built), isTypeScript: false };
  return { url: new URL('./entry.ts', import.meta.url), isTypeScript: true };
}

function createWorker(config: EngineConfig): Worker {
  // Set here, in the thread that starts the worker: ONNX Runtime in the worker reads the process
  // environment, which a worker's own process.env does not change.
  disableOrtTelemetry();
  const entry = engineEntry();
  if (!entry.isTypeScript) return new Worker(entry.url, { workerData: config });
  // From source (tsx, vitest): register tsx's loader inside the worker, then load entry.ts.
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.url.href)}); });`;
  return new Worker(code, { eval: true, workerData: config });
}

/** Starts the engine. mode 'worker' (default) runs it in a worker thread. */
export function startEngine(config: EngineConfig, options: { mode?: 'worker' | 'in-process'; log?: (message: string) => void } = {}): EngineHost {
  const mode = options.mode ?? 'worker';
  const log = options.log ?? ((m: string) => console.error(m));
  const pending = new Map<number, Pending>();
  /** Calls the worker has not answered yet (a call reported cancelled by its grace may still run there), and whether each is a batch. */
  const running = new Map<number, boolean>();
  let nextId = 1;
  let current: Partial<EngineConfig> = {};
  let worker: Worker | undefined;
  let dispatcher: EngineDispatcher | undefined;
  let disposed = false;

  const onMessage = (message: FromEngine): void => {
    if (message.type !== 'progress' && message.type !== 'item') running.delete(message.id);
    const p = pending.get(message.id);
    if (!p) return;
    if (message.type === 'progress') {
      p.ctx.onProgress?.(message.event);
      return;
    }
    if (message.type === 'item') {
      p.ctx.onItem?.(message.item);
      return;
    }
    pending.delete(message.id);
    p.cleanup();
    if (message.ok) p.resolve(message.value);
    else {
      if (message.stack) log(`engine: ${message.stack}`);
      p.reject(fromWire(message.error));
    }
  };

  const send = (message: ToEngine): void => {
    if (mode === 'in-process') {
      dispatcher ??= new EngineDispatcher({ ...config, ...current }, (m) => queueMicrotask(() => onMessage(m)));
      if (message.type === 'call') void dispatcher.call(message.id, message.op, message.arg);
      else if (message.type === 'cancel') dispatcher.cancel(message.id);
      else if (message.type === 'pause') dispatcher.setPaused(message.id, message.isPaused);
      else dispatcher.configure(message.config);
      return;
    }
    if (!worker) {
      const w = createWorker({ ...config, ...current });
      worker = w;
      w.on('message', onMessage);
      w.on('error', (error) => log(`engine worker error: ${error.stack ?? error}`));
      w.on('exit', (code) => {
        if (worker === w) worker = undefined;
        running.clear();
        // A crash (native fault, OOM) ends every call in flight with a coded error; the next call restarts the engine.
        for (const [id, p] of pending) {
          pending.delete(id);
          p.cleanup();
          p.reject(disposed ? new CancelledError() : new AppError('RUNTIME_UNAVAILABLE', `The engine stopped unexpectedly (exit code ${code}); try again`, { detail: { exitCode: code } }));
        }
      });
    }
    if (message.type === 'call') running.set(message.id, message.op === 'runJob' && (message.arg as { kind?: string }).kind === 'batch');
    worker.postMessage(message);
  };

  return {
    mode,
    call<O extends EngineOp>(op: O, arg: EngineArg<O>, ctx: JobRunContext = {}): Promise<EngineValue<O>> {
      if (disposed) return Promise.reject(new AppError('RUNTIME_UNAVAILABLE', 'The engine has been stopped'));
      if (ctx.signal?.aborted) return Promise.reject(new CancelledError());
      const id = nextId++;
      return new Promise<EngineValue<O>>((resolve, reject) => {
        let graceTimer: ReturnType<typeof setTimeout> | undefined;
        const onAbort = (): void => {
          send({ type: 'cancel', id });
          // The call stops at its next cancellation point; if that takes too long (one long
          // inference), it is reported cancelled and its late result dropped.
          const isBatch = op === 'runJob' && (arg as { kind?: string }).kind === 'batch';
          graceTimer = setTimeout(() => {
            const p = pending.get(id);
            if (!p) return;
            pending.delete(id);
            p.cleanup();
            p.reject(new CancelledError());
          }, isBatch ? BATCH_CANCEL_GRACE_MS : CANCEL_GRACE_MS);
        };
        ctx.signal?.addEventListener('abort', onAbort, { once: true });
        // The caller's gate is mirrored to the engine's gate of this call (another thread).
        const unsubscribeGate = ctx.gate?.onChange((isPaused) => send({ type: 'pause', id, isPaused }));
        pending.set(id, {
          resolve: resolve as (v: unknown) => void,
          reject,
          ctx,
          cleanup: () => {
            ctx.signal?.removeEventListener('abort', onAbort);
            unsubscribeGate?.();
            if (graceTimer) clearTimeout(graceTimer);
          },
        });
        send({ type: 'call', id, op, arg });
        if (ctx.gate?.isPaused) send({ type: 'pause', id, isPaused: true });
      });
    },
    configure(patch) {
      current = { ...current, ...patch };
      if (worker || dispatcher) send({ type: 'configure', config: patch });
    },
    async dispose() {
      disposed = true;
      if (worker && running.size > 0) {
        // Told to stop, then given a moment to: terminate() alone left a call's ffmpeg running.
        for (const id of running.keys()) send({ type: 'cancel', id });
        const until = Date.now() + ([...running.values()].some(Boolean) ? BATCH_DISPOSE_GRACE_MS : DISPOSE_GRACE_MS);
        while (running.size > 0 && worker && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      }
      for (const [id, p] of pending) {
        pending.delete(id);
        p.cleanup();
        p.reject(new CancelledError());
      }
      if (worker) await worker.terminate();
      worker = undefined;
    },
  };
}
