// ONNX Runtime sessions: one cache per (model file, provider, threads), provider fallback to CPU,
// and the name of the provider that really ran. The only file that imports onnxruntime-node.
import { availableParallelism } from 'node:os';
import type * as Ort from 'onnxruntime-node';
import { disableOrtTelemetry } from './telemetry';
import { AppError } from '../../../shared/errors';
import { providerAttemptOrder, type ProviderName } from './execution-providers';

/** onnxruntime-node's module type, loaded lazily. */
export type OrtModule = typeof Ort;
/** A tensor of onnxruntime-node. */
export type OrtTensor = Ort.Tensor;

/** Options for creating (or reusing) a session. */
export interface SessionOptions {
  /** Execution provider request: a name or 'auto'. */
  provider?: string;
  /** Intra-op threads; default: all cores. */
  threads?: number;
}

/** A ready session and the provider it was actually created with. */
export interface LoadedSession {
  session: Ort.InferenceSession;
  provider: ProviderName;
  /** Providers that were tried and failed before this one, with their messages. */
  fallbacks: { provider: ProviderName; message: string }[];
  ort: OrtModule;
}

let ortPromise: Promise<OrtModule> | undefined;

/** Loads onnxruntime-node once; RUNTIME_UNAVAILABLE when its native binding cannot load. */
export function loadOrt(): Promise<OrtModule> {
  // The app is offline: ONNX Runtime's telemetry off before its native library loads (telemetry.ts).
  disableOrtTelemetry();
  ortPromise ??= import('onnxruntime-node')
    .then((m) => ((m as { default?: OrtModule }).default ?? m) as OrtModule)
    .then((ort) => {
      // Before the first session starts ONNX Runtime's logger: a provider that cannot start
      // (CUDA without its libraries) otherwise prints a red native error although the fallback
      // handles it; its message is kept in the session's fallbacks instead.
      ort.env.logLevel = 'fatal';
      return ort;
    })
    .catch((cause) => {
      ortPromise = undefined;
      throw new AppError('RUNTIME_UNAVAILABLE', `ONNX Runtime could not be loaded: ${(cause as Error).message}`, { cause });
    });
  return ortPromise;
}

const cache = new Map<string, Promise<LoadedSession>>();

/** Default intra-op thread count: every core (inference is the bottleneck of every pipeline). */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The intra-op threads a session gets: the ones asked, at most one a core (256 stored in the
 * settings, on 2 cores: a review's one cut-out took 19 s against 2.3 s), every core when none is asked.
 */
export function sessionThreads(asked: number | undefined, cores = defaultThreadCount()): number {
  return asked === undefined ? cores : Math.max(1, Math.min(asked, cores));
}

/**
 * Returns the cached session for (modelPath, provider request, threads), creating it on first use:
 * providers are tried one at a time in the platform order, falling back to CPU, so the provider
 * reported is the one that really started. A rejected creation is evicted from the cache.
 */
export function getSession(modelPath: string, options: SessionOptions = {}): Promise<LoadedSession> {
  const request = options.provider ?? 'auto';
  const threads = sessionThreads(options.threads);
  const order = providerAttemptOrder(request);
  const key = `${modelPath}|${request}|${threads}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = createSession(modelPath, order, threads);
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function createSession(modelPath: string, order: ProviderName[], threads: number): Promise<LoadedSession> {
  const ort = await loadOrt();
  const fallbacks: { provider: ProviderName; message: string }[] = [];
  for (const provider of order) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // 3 = errors only: some exporters (SINet's) list initializers as graph inputs, and ORT
        // warns once per tensor, hundreds of lines on every session start.
        logSeverityLevel: 3,
      });
      return { session, provider, fallbacks, ort };
    } catch (e) {
      fallbacks.push({ provider, message: (e as Error).message });
    }
  }
  const last = fallbacks[fallbacks.length - 1];
  // "Load model from … failed:system error number 13": the file, not the model (it read MODEL_CORRUPT).
  if (last && /system error number (13|1)\b|permission denied/i.test(last.message)) {
    throw new AppError('INPUT_NOT_READABLE', `Model file ${modelPath} cannot be read: permission denied. Check that your account may read it.`, {
      detail: { path: modelPath, fallbacks },
    });
  }
  if (last && /protobuf|invalid model|load model|ModelProto/i.test(last.message)) {
    throw new AppError('MODEL_CORRUPT', `Model file ${modelPath} could not be parsed by ONNX Runtime: ${last.message}`, {
      detail: { path: modelPath, fallbacks },
    });
  }
  throw new AppError('RUNTIME_UNAVAILABLE', `No execution provider could start ${modelPath}: ${fallbacks.map((f) => `${f.provider}: ${f.message}`).join('; ')}`, {
    detail: { path: modelPath, fallbacks },
  });
}

/** Drops every cached session (tests, or after the models folder changed). */
export async function releaseSessions(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map((p) => p.then((s) => s.session.release()).catch(() => undefined)));
}
