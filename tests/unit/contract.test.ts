// The contract test: AppApi's methods, API_METHODS, main's handlers (createAppApi), preload's
// window.api and the web server's routes are one and the same set; AppEvents and EVENT_NAMES too.
// Also runs the IPC client through preload's bridge into main's Result envelope, without Electron.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { API_METHODS, EVENT_NAMES, methodChannel, type AppApi, type AppEvents } from '../../src/shared/api';
import { createIpcClient } from '../../src/shared/api-client';
import { AppError, CancelledError } from '../../src/shared/errors';
import { callApi, createAppApi } from '../../src/main/engine/api/index';
import type { ApiDeps } from '../../src/main/engine/api/deps';
import { JobRegistry } from '../../src/main/services/jobs';
import { SettingsStore } from '../../src/main/services/settings';
import { EventHub } from '../../src/main/server/event-hub';
import { startWebServer, type WebServer } from '../../src/main/server/http-server';
import { buildBridge } from '../../src/preload/bridge';
import { createModelStore } from '../../src/main/cli/cli-env';

// Compile-time exhaustiveness: a method or event missing here is a type error.
const ALL_METHODS: Record<keyof AppApi, true> = {
  getAppInfo: true, rendererReady: true, startJob: true, cancelJob: true, pauseJob: true, resumeJob: true, listJobs: true, listModels: true, listLeftOutModels: true, getSettings: true, setSettings: true,
  loadImagePreview: true, segment: true, rematte: true, saveTrimap: true, importImage: true, expandPaths: true, countBatchInputs: true, chooseFiles: true,
  chooseFolder: true, chooseSaveTarget: true, revealInFolder: true, copyImageToClipboard: true, getRecentFiles: true,
  addRecentFiles: true, clearRecentFiles: true,
  probeClip: true, loadClipFrame: true, loadStickerFile: true, previewStickerFrame: true, previewIdPhoto: true,
};
const ALL_EVENTS: Record<keyof AppEvents, true> = { jobProgress: true, jobFinished: true, settingsChanged: true, filesOpened: true, batchItemFinished: true };

const dir = mkdtempSync(join(tmpdir(), 'cutout-contract-'));
let server: WebServer | undefined;

async function makeDeps(): Promise<ApiDeps> {
  const settings = await SettingsStore.open(dir);
  const refuse = async (): Promise<never> => {
    throw new AppError('RUNTIME_UNAVAILABLE', 'no engine in the contract test');
  };
  return {
    engine: { mode: 'in-process', call: refuse, configure: () => undefined, dispose: async () => undefined },
    jobs: new JobRegistry(async (_spec, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new CancelledError()))), { progress: () => undefined, finished: () => undefined }),
    settings,
    models: createModelStore({ ...process.env, CUTOUT_MODELS_DIR: join(dir, 'no-models') }),
    platform: { chooseFiles: async () => [], chooseFolder: async () => null, chooseSaveTarget: async () => null, revealInFolder: async () => undefined, copyImageToClipboard: async () => undefined },
    tempDir: join(dir, 'tmp'),
    info: { version: '0.0.0-test', transport: 'ipc' },
    onRendererReady: () => undefined,
  };
}

afterAll(async () => {
  await server?.close();
});

describe('the AppApi contract', () => {
  it('API_METHODS lists every AppApi method once, EVENT_NAMES every event once', () => {
    expect([...API_METHODS].sort()).toEqual(Object.keys(ALL_METHODS).sort());
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(ALL_EVENTS).sort());
  });

  it("main's handlers are exactly API_METHODS", async () => {
    const impl = createAppApi(await makeDeps());
    expect(Object.keys(impl).sort()).toEqual([...API_METHODS].sort());
    for (const m of API_METHODS) expect(typeof impl[m]).toBe('function');
  });

  it("preload's window.api exposes exactly API_METHODS on their channels, plus on and getPathForFile", async () => {
    const invoked: string[] = [];
    const bridge = buildBridge({ invoke: async (channel) => (invoked.push(channel), { ok: true, value: null }), on: () => undefined, removeListener: () => undefined }, () => '/x');
    expect(Object.keys(bridge).sort()).toEqual(['call', 'getPathForFile', 'on']);
    expect(Object.keys(bridge.call).sort()).toEqual([...API_METHODS].sort());
    for (const m of API_METHODS) await (bridge.call[m] as (a?: unknown) => Promise<unknown>)(undefined);
    expect(invoked).toEqual(API_METHODS.map(methodChannel));
    expect(() => bridge.on('notAnEvent' as never, () => undefined)).toThrow(/Unknown event/);
  });

  it('the web server routes exactly API_METHODS (other names are refused)', async () => {
    const impl = createAppApi({ ...(await makeDeps()), info: { version: 't', transport: 'web' } });
    server = await startWebServer({ api: impl, hub: new EventHub(), rendererDir: join(dir, 'renderer'), uploadDir: join(dir, 'up'), isDownloadAllowed: () => false, log: () => undefined });
    const post = async (name: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> =>
      (await (await fetch(`${server!.origin}/api/${name}`, { method: 'POST', body: '{}', headers: { 'x-cutout-token': server!.token } })).json()) as never;
    for (const m of API_METHODS) {
      const r = await post(m);
      expect(r.error?.message ?? '').not.toMatch(/Unknown API method/);
    }
    const unknown = await post('constructor');
    expect(unknown.error?.message).toMatch(/Unknown API method/);
  });

  it('pauseJob / resumeJob reach a batch job through the registry; other kinds are ignored', async () => {
    const deps = await makeDeps();
    const seen: { kind: string; isPaused: boolean }[] = [];
    deps.jobs = new JobRegistry(
      async (spec, ctx) =>
        new Promise((_r, reject) => {
          ctx.gate.onChange((isPaused) => seen.push({ kind: spec.kind, isPaused }));
          ctx.signal.addEventListener('abort', () => reject(new CancelledError()));
        }),
      { progress: () => undefined, finished: () => undefined },
    );
    const impl = createAppApi(deps);
    const batch = await impl.startJob({ kind: 'batch', inputs: ['/a'], outputDir: '/o', options: { mode: 'portrait' } });
    const cutout = await impl.startJob({ kind: 'cutout', input: '/a.png', output: '/b.png', options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } });
    await new Promise((r) => setTimeout(r, 0));
    for (const id of [batch, cutout]) {
      await impl.pauseJob(id);
      await impl.pauseJob(id);
      await impl.resumeJob(id);
    }
    expect(seen).toEqual([{ kind: 'batch', isPaused: true }, { kind: 'batch', isPaused: false }]);
    deps.jobs.cancelAll();
  });

  it('listJobs gives a page that did not start them the running jobs: spec, newest progress, ended inputs, folders', async () => {
    const deps = await makeDeps();
    const folder = mkdtempSync(join(dir, 'in-'));
    let finishBatch = (): void => undefined;
    deps.jobs = new JobRegistry(
      async (spec, ctx) =>
        new Promise((resolve, reject) => {
          if (spec.kind === 'batch') {
            // Three events at once: the throttle sends the first and holds the newest back.
            ctx.onProgress({ stage: 'segment', done: 0, total: 3 });
            ctx.onProgress({ stage: 'segment', done: 1, total: 3 });
            ctx.onProgress({ stage: 'segment', done: 2, total: 3, current: [join(folder, 'c.png')] } as Parameters<typeof ctx.onProgress>[0]);
            ctx.onItem({ input: join(folder, 'a.png'), output: '/o/a.png', status: 'done' });
            ctx.onItem({ input: '/b.png', status: 'failed', code: 'UNSUPPORTED_FORMAT', message: 'no' });
            finishBatch = () => resolve({});
          }
          ctx.signal.addEventListener('abort', () => reject(new CancelledError()));
        }),
      { progress: () => undefined, finished: () => undefined },
      { intervalMs: 60_000 },
    );
    const impl = createAppApi(deps);
    expect(await impl.listJobs()).toEqual([]);
    const batchSpec = { kind: 'batch' as const, inputs: [folder, '/b.png', join(dir, 'gone')], outputDir: '/o', options: { mode: 'portrait' as const } };
    const batch = await impl.startJob(batchSpec);
    const sticker = await impl.startJob({ kind: 'sticker', input: '/c.mp4', output: '/c.gif', options: {} });
    await new Promise((r) => setTimeout(r, 0));
    await impl.cancelJob(sticker);
    const listed = await impl.listJobs();
    expect(listed.map((j) => j.id)).toEqual([batch, sticker]);
    expect(listed[0]).toMatchObject({
      spec: batchSpec,
      progress: { jobId: batch, stage: 'segment', done: 2, total: 3, current: [join(folder, 'c.png')] },
      items: [
        { input: join(folder, 'a.png'), status: 'done' },
        { input: '/b.png', status: 'failed', code: 'UNSUPPORTED_FORMAT' },
      ],
      isCancelling: false,
      folders: [folder],
    });
    expect(listed[0].startedAtMs).toBeGreaterThan(Date.now() - 60_000);
    expect(listed[1]).toMatchObject({ progress: null, items: [], isCancelling: true, folders: [] });
    finishBatch();
    await new Promise((r) => setTimeout(r, 0));
    // None runs; both are listed a while as ended, with their outcome (a page reloaded as they ended hands its own over).
    const after = await impl.listJobs();
    expect(after.map((j) => [j.id, j.ended?.outcome, j.isCancelling])).toEqual([[sticker, 'cancelled', false], [batch, 'done', false]]);
    expect(after[1].items).toHaveLength(2);
  });

  it('the IPC client unwraps Result envelopes: values, AppError codes, settings round trip', async () => {
    const impl = createAppApi(await makeDeps());
    const listeners = new Map<string, (e: unknown, p: unknown) => void>();
    const ipc = {
      invoke: (channel: string, arg: unknown) => callApi(impl, channel.slice('app:'.length), structuredClone(arg), () => undefined),
      on: (channel: string, l: (e: unknown, p: unknown) => void) => listeners.set(channel, l),
      removeListener: (channel: string) => listeners.delete(channel),
    };
    const api = createIpcClient(buildBridge(ipc, () => ''));
    expect(api.transport).toBe('ipc');
    const s = await api.setSettings({ theme: 'dark', threads: 0 as never });
    expect(s.theme).toBe('dark');
    expect(s.threads).toBeNull();
    expect((await api.getSettings()).theme).toBe('dark');
    await expect(api.loadImagePreview({ path: '/x.png' })).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    await expect(api.startJob({ kind: 'cutout' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const id = await api.startJob({ kind: 'cutout', input: '/a.png', output: '/b.png', options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } });
    expect(typeof id).toBe('string');
    // Pause / resume: ignored for a non-batch job and for unknown ids (no error).
    await api.pauseJob(id);
    await api.resumeJob(id);
    await api.pauseJob('no-such-job');
    await expect(api.pauseJob(42 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await api.cancelJob(id);
    const got: unknown[] = [];
    const off = api.on('filesOpened', (p) => got.push(p));
    listeners.get('app-event:filesOpened')?.({ sender: 'hidden' }, { paths: ['/a.png'] });
    off();
    expect(got).toEqual([{ paths: ['/a.png'] }]);
    expect(listeners.has('app-event:filesOpened')).toBe(false);
    // A pasted File has no path on disk: the client imports its bytes.
    const path = await api.pathForFile({ name: 'paste.png', arrayBuffer: async () => new Uint8Array([1, 2, 3]).buffer });
    expect(path).toMatch(/paste\.png$/);
  });
});
