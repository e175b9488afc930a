// Builds the CoreEnv for the `cutout` command line: models folders from CUTOUT_MODELS_DIR then
// the project's resources/models. Node only (never electron).
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/errors';
import { maxPixelsFromEnv, type CoreEnv } from '../core/env';
import { providerAttemptOrder } from '../core/inference/execution-providers';
import { defaultModelsDirs, ModelStore } from '../core/models/model-store';
import { checkedAsUsage, intFlag } from './command';

/** The project's resources folder, found from this file's place in src/main/cli. */
export function projectResourcesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources');
}

/** Where per-user caches live (sha256 cache of model files). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CUTOUT_CACHE_DIR) return env.CUTOUT_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'cutout-studio', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'cutout-studio');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cutout-studio');
}

/** The model store for a CLI run or a test. */
export function createModelStore(env: NodeJS.ProcessEnv = process.env, onNote: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): ModelStore {
  const resources = projectResourcesDir();
  const said = new Set<string>();
  return new ModelStore({
    modelsDirs: defaultModelsDirs(env, join(resources, 'models')),
    manifestPath: join(resources, 'models', 'manifest.json'),
    hashCachePath: join(userCacheDir(env), 'model-hashes.json'),
    // A default model that cannot be used is said once, with what was used instead.
    onDefaultSkipped: (skipped, used) => {
      if (said.has(skipped.entry.id)) return;
      said.add(skipped.entry.id);
      const why = skipped.state === 'corrupt' ? `is damaged (${skipped.path}: its sha256 is not the manifest's)` : skipped.state === 'unreadable' ? `cannot be read (${skipped.path}: ${skipped.reason})` : 'is missing';
      onNote(`note: the default model ${skipped.entry.id} ${why}; using ${used.id} instead (\`cutout models\` lists what is found)`);
    },
  });
}

/** The ONNX Runtime thread counts the CLI takes, from --threads or CUTOUT_THREADS. */
const THREADS_RANGE = { min: 1, max: 256 };

/** CUTOUT_THREADS as a thread count: a whole number in THREADS_RANGE, else INVALID_ARGUMENT. */
export function threadsFromEnv(value: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < THREADS_RANGE.min || n > THREADS_RANGE.max) {
    throw new AppError('INVALID_ARGUMENT', `CUTOUT_THREADS must be a whole number from ${THREADS_RANGE.min} to ${THREADS_RANGE.max}, got "${value}"`);
  }
  return n;
}

/** The CoreEnv for a CLI run: provider and threads from flags, else CUTOUT_PROVIDER / CUTOUT_THREADS; the pixel budget from CUTOUT_MAX_MEGAPIXELS. */
export function createCliEnv(options: { provider?: string; threads?: number } = {}, env: NodeJS.ProcessEnv = process.env): CoreEnv {
  // CUTOUT_THREADS is checked as --threads is (1 to 256): "abc" reached ONNX Runtime as NaN.
  const threads = options.threads ?? (env.CUTOUT_THREADS ? checkedAsUsage(() => threadsFromEnv(env.CUTOUT_THREADS!)) : undefined);
  // A wrong setting of the command's own environment is a usage error (exit 2), as a wrong flag is.
  const maxPixels = checkedAsUsage(() => maxPixelsFromEnv(env));
  // An empty CUTOUT_PROVIDER is unset, as an empty CUTOUT_THREADS is (it read as a provider named "").
  return { store: createModelStore(env), provider: options.provider ?? (env.CUTOUT_PROVIDER || 'auto'), threads, ...(maxPixels ? { maxPixels } : {}) };
}

/** The flags every command that runs a model takes: `--provider` and `--threads`. Spread into parseArgs options. */
export const ENGINE_FLAGS = { provider: { type: 'string' }, threads: { type: 'string' } } as const;

/** The CoreEnv from parsed `--provider` / `--threads` flags (INVALID_ARGUMENT for a bad thread count). */
export function envFromFlags(values: { provider?: string; threads?: string }): CoreEnv {
  const env = createCliEnv({ provider: values.provider, threads: intFlag(values.threads, 'threads', undefined, THREADS_RANGE) });
  // A provider this platform does not have (--provider, else CUTOUT_PROVIDER) is refused before any
  // work, exit 2 as --bg purple is; commands that run no model (`cutout models`) do not ask.
  checkedAsUsage(() => providerAttemptOrder(env.provider ?? 'auto'));
  return env;
}
