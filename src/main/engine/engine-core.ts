// The engine's dispatcher, shared by the worker entry and the in-process host: builds CoreEnv
// from EngineConfig, runs ENGINE_OPS with one AbortController per call. Node only, never electron.
import { mkdirSync } from 'node:fs';
import { isCancellation, toWire } from '../../shared/errors';
import { PauseGate } from '../core/batch/pause-gate';
import { ModelStore } from '../core/models/model-store';
import type { ProgressEvent } from '../core/progress';
import { ENGINE_OPS, type EngineContext, type EngineOp } from './ops';
import type { JobRunContext } from './run-job';
import type { EngineConfig, FromEngine } from './protocol';

/** Builds the engine context (model store + settings) from a configuration. */
export function createEngineContext(config: EngineConfig): EngineContext {
  mkdirSync(config.tempDir, { recursive: true });
  if (config.ffmpegPath) process.env.CUTOUT_FFMPEG = config.ffmpegPath;
  const store = new ModelStore({ modelsDirs: config.modelsDirs, manifestPath: config.manifestPath, hashCachePath: config.hashCachePath });
  return {
    env: { store, provider: config.provider ?? 'auto', threads: config.threads ?? undefined, maxPixels: config.maxPixels },
    tempDir: config.tempDir,
  };
}

/** Runs calls by id and reports progress and results through `send`. */
export class EngineDispatcher {
  private context: EngineContext;
  private config: EngineConfig;
  private readonly running = new Map<number, { controller: AbortController; gate: PauseGate }>();

  constructor(config: EngineConfig, private readonly send: (message: FromEngine) => void) {
    this.config = config;
    this.context = createEngineContext(config);
  }

  /** Applies new settings (provider, threads) to later calls; running calls keep theirs. */
  configure(patch: Partial<EngineConfig>): void {
    this.config = { ...this.config, ...patch };
    const { store } = this.context.env;
    this.context = { ...this.context, env: { ...this.context.env, store, provider: this.config.provider ?? 'auto', threads: this.config.threads ?? undefined } };
  }

  /** Starts one call; its end is one 'result' message. */
  async call(id: number, op: EngineOp, arg: unknown): Promise<void> {
    const controller = new AbortController();
    const gate = new PauseGate();
    this.running.set(id, { controller, gate });
    const onProgress = (event: ProgressEvent): void => this.send({ type: 'progress', id, event });
    const onItem: JobRunContext['onItem'] = (item) => this.send({ type: 'item', id, item });
    try {
      const fn = ENGINE_OPS[op] as (a: unknown, e: EngineContext, c: Required<Omit<JobRunContext, 'idPhotoReuse'>>) => Promise<unknown>;
      if (typeof fn !== 'function') throw new Error(`unknown engine op ${String(op)}`);
      const value = await fn(arg, this.context, { signal: controller.signal, onProgress, gate, onItem });
      this.send({ type: 'result', id, ok: true, value });
    } catch (error) {
      const wire = controller.signal.aborted && isCancellation(error) ? { ...toWire(error), code: 'CANCELLED' as const, message: 'Cancelled' } : toWire(error);
      this.send({ type: 'result', id, ok: false, error: wire, stack: wire.code === 'INTERNAL' ? (error as Error)?.stack : undefined });
    } finally {
      this.running.delete(id);
    }
  }

  /** Fires the call's AbortSignal; core stops at its next throwIfAborted. */
  cancel(id: number): void {
    this.running.get(id)?.controller.abort();
  }

  /** Pauses or resumes a call; only ops that wait on the gate (batch jobs, between files) notice. */
  setPaused(id: number, isPaused: boolean): void {
    const gate = this.running.get(id)?.gate;
    if (isPaused) gate?.pause();
    else gate?.resume();
  }
}
