// Builds the parts both hosts share (the Electron main process and `cutout serve`): the engine,
// the model store, settings and the job registry, wired so that settings reach the engine and
// job events reach the renderer. Node only, never electron.
import { join } from 'node:path';
import { providerRequestHere } from '../core/inference/execution-providers';
import { ModelStore } from '../core/models/model-store';
import { JobRegistry } from '../services/jobs';
import { SettingsStore } from '../services/settings';
import type { EmitEvent } from './api/deps';
import { startEngine, type EngineHost } from './host';
import type { EngineArg, EngineOp, EngineValue } from './ops';
import type { EngineConfig } from './protocol';
import type { JobRunContext } from './run-job';

/** The shared services of one running app. */
export interface AppCore {
  engine: EngineHost;
  models: ModelStore;
  settings: SettingsStore;
  jobs: JobRegistry;
  /**
   * The execution provider the engine's last model run started on, where that run was asked under
   * the provider setting now in force (AppInfo.ranOn); undefined before any, or after a change.
   */
  lastRanOn(): string | undefined;
  /** Cancels jobs and stops the engine. */
  dispose(): Promise<void>;
}

/** Options of createAppCore. */
export interface AppCoreOptions {
  engine: EngineConfig;
  /** Where settings.json and recent-files.json live. */
  userDataDir: string;
  emit: EmitEvent;
  engineMode?: 'worker' | 'in-process';
  /** Mean progress of running jobs (0..1) or null: mirrored to the taskbar. */
  onAggregateProgress?: (fraction: number | null) => void;
  log?: (message: string) => void;
}

/** Starts the engine and the services around it. */
export async function createAppCore(options: AppCoreOptions): Promise<AppCore> {
  const log = options.log ?? ((m: string) => console.error(m));
  const settings = await SettingsStore.open(options.userDataDir);
  const initial = settings.get();
  const host = startEngine({ ...options.engine, provider: providerRequestHere(initial.provider), threads: initial.threads }, { mode: options.engineMode, log });
  // Where the last model run really ran (a result's `provider`: a job's, a preview's), and under
  // which setting: a page opened or reloaded after it shows that, not the first provider the
  // engine will try (WebGPU, which could not start here, read as running).
  let lastRan: { provider: string; request: string } | undefined;
  const engine: EngineHost = {
    mode: host.mode,
    configure: (patch) => host.configure(patch),
    dispose: () => host.dispose(),
    async call<O extends EngineOp>(op: O, arg: EngineArg<O>, ctx?: JobRunContext): Promise<EngineValue<O>> {
      const request = providerRequestHere(settings.get().provider);
      const value = await host.call(op, arg, ctx);
      const provider = (value as { provider?: unknown } | null)?.provider;
      if (typeof provider === 'string') lastRan = { provider, request };
      return value;
    },
  };
  const models = new ModelStore({
    modelsDirs: options.engine.modelsDirs,
    manifestPath: options.engine.manifestPath,
    hashCachePath: options.engine.hashCachePath ?? join(options.userDataDir, 'model-hashes.json'),
  });
  const jobs = new JobRegistry((spec, ctx) => engine.call('runJob', spec, ctx), {
    progress: (e) => options.emit('jobProgress', e),
    finished: (e) => options.emit('jobFinished', e),
    item: (e) => options.emit('batchItemFinished', e),
    aggregate: options.onAggregateProgress,
  }, { log });
  settings.onChange((s) => {
    engine.configure({ provider: providerRequestHere(s.provider), threads: s.threads });
    options.emit('settingsChanged', s);
  });
  return {
    engine,
    models,
    settings,
    jobs,
    lastRanOn: () => (lastRan && lastRan.request === providerRequestHere(settings.get().provider) ? lastRan.provider : undefined),
    async dispose() {
      jobs.cancelAll();
      await engine.dispose();
    },
  };
}
