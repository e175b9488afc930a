// Unit tests of AppState without a DOM: locale and theme from Settings vs the OS, file routing to
// the shown workspace (pending until one registers), errors vs cancellation, job outcomes.
// The API client is a small in-memory stand-in for the transport (the e2e tests use the real one).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvents, AppInfo, ModelInfo } from '../../../src/shared/api';
import type { ApiClient } from '../../../src/shared/api-client';
import { AppError, CancelledError } from '../../../src/shared/errors';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings';
import type { RunningJob } from '../../../src/shared/jobs';
import { AppState, formatDuration, noModelFor, replacedDefault } from '../../../src/renderer/src/lib/state/app.svelte';
import { translate } from '../../../src/renderer/src/lib/i18n';

const infoCalls: number[] = [];

/** What the engine was asked, in order ('set' a setting, 'info' the app info). */
const calls: string[] = [];

function memoryClient(running: RunningJob[] = [], models: ModelInfo[] = [], infoExtra: Partial<AppInfo> = {}) {
  let settings: Settings = { ...DEFAULT_SETTINGS };
  const connection: ((state: 'lost' | 'back') => void)[] = [];
  const listeners: { [K in keyof AppEvents]?: ((p: AppEvents[K]) => void)[] } = {};
  const emit = <K extends keyof AppEvents>(event: K, payload: AppEvents[K]) => listeners[event]?.forEach((l) => l(payload));
  const client = {
    transport: 'web',
    on(event: keyof AppEvents, listener: (p: never) => void) {
      ((listeners[event] ??= []) as unknown[]).push(listener);
      return () => undefined;
    },
    onConnection(listener: (state: 'lost' | 'back') => void) {
      connection.push(listener);
      return () => undefined;
    },
    rendererReady: async () => undefined,
    getAppInfo: async () => (infoCalls.push(1), calls.push('info'), { version: '0.1.0', platform: 'linux', arch: 'x64', transport: 'web', providers: ['cpu'], providerChoices: ['auto', 'cpu', 'webgpu'], providersNotInstalled: [], modelsDirs: [], ...infoExtra }),
    getSettings: async () => settings,
    setSettings: async (patch: Partial<Settings>) => (calls.push('set'), (settings = { ...settings, ...patch })),
    getRecentFiles: async () => [],
    listJobs: async () => running,
    listModels: async () => models,
    startJob: async () => 'job-1',
    cancelJob: async () => {
      emit('jobFinished', { jobId: 'job-1', outcome: 'cancelled', elapsedMs: 3 });
    },
  } as unknown as ApiClient;
  return { client, emit, connect: (state: 'lost' | 'back') => connection.forEach((l) => l(state)), setStored: (s: Partial<Settings>) => (settings = { ...settings, ...s }) };
}

/** The tab's session storage, as a browser keeps it through a reload (Node has none). */
const tabStorage = (() => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), clear: () => items.clear() };
})();
(globalThis as unknown as { sessionStorage: typeof tabStorage }).sessionStorage = tabStorage;

describe('AppState', () => {
  beforeEach(() => tabStorage.clear());

  it('says the engine is gone when the page loses it (status and banner for every workspace), and takes both down, settings read again, when it is back', async () => {
    const { client, connect, setStored } = memoryClient();
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    expect(app.connection).toBe('ok');
    // A job running when the engine goes ends as failed (its end would never come).
    const running = app.jobs.track('job-7', 'sticker');
    connect('lost');
    expect(await running).toMatchObject({ jobId: 'job-7', outcome: 'failed', error: { code: 'ENGINE_UNREACHABLE' } });
    expect(app.jobs.jobs).toEqual([]);
    expect(app.connection).toBe('offline');
    expect(app.status.key).toBe('status.offline');
    expect(app.shownNotice?.code).toBe('ENGINE_UNREACHABLE');
    // Shown in every workspace, not waiting in one.
    expect(app.unseenErrorIn).toBeNull();
    setStored({ theme: 'dark' });
    connect('back');
    await vi.waitFor(() => expect(app.settings.theme).toBe('dark'));
    expect([app.connection, app.status.key, app.notice]).toEqual(['ok', 'status.ready', null]);
  });

  it('files the OS hands over on the desktop: a folder expands to the pictures in it, as a dropped one (it reached Cut-out as a folder path)', async () => {
    const { client, emit } = memoryClient();
    const asked: unknown[] = [];
    Object.assign(client, { transport: 'ipc', expandPaths: async (req: { paths: string[]; filter: string }) => (asked.push(req), req.paths.flatMap((p) => (p === '/photos' ? ['/photos/a.jpg', '/photos/b.jpg'] : [p]))) });
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    const opened: string[][] = [];
    app.registerWorkspace('batch', { openFiles: (paths) => void opened.push(paths) });
    app.workspace = 'batch';
    emit('filesOpened', { paths: ['/photos', '/c.png'] });
    await vi.waitFor(() => expect(opened).toEqual([['/photos/a.jpg', '/photos/b.jpg', '/c.png']]));
    expect(asked).toEqual([{ paths: ['/photos', '/c.png'], filter: 'media' }]);
  });

  it("rewords the status line's worded parameters in the language it is shown in (a switch left 'Done in 2.5 秒')", async () => {
    const { client } = memoryClient();
    const app = new AppState(client, { languages: ['zh-CN'] });
    await app.init();
    app.setStatus({ key: 'status.doneIn', params: { ms: (_t, locale) => formatDuration(2500, locale), model: 'mediapipe-selfie', provider: 'CPU' }, tone: 'ok' });
    expect(app.statusText).toBe('完成，用时 2.5 秒（mediapipe-selfie，CPU）');
    await app.updateSettings({ language: 'en' });
    expect(app.statusText).toBe('Done in 2.5 s: mediapipe-selfie on CPU');
    // A parameter worded by keys: in the language now.
    app.setStatus({ key: 'status.doneIn', params: { ms: (t) => t('list.separator'), model: 'm', provider: 'p' }, tone: 'ok' });
    await app.updateSettings({ language: 'zh-CN' });
    expect(app.statusText).toBe(`完成，用时 ${translate('zh-CN', 'list.separator')}（m，p）`);
    // An engine's (English) message is a failure's tooltip in English only: in Chinese the line's
    // own words say it (a review met English lines naming \`cutout idphoto --face N\` on hover).
    const message = '2 faces were found; an ID photo needs exactly one.';
    expect(app.engineTip(message, [], 'MULTIPLE_FACES')).toBeUndefined();
    await app.updateSettings({ language: 'en' });
    expect([app.engineTip(message, [], 'MULTIPLE_FACES'), app.engineTip(message, []), app.engineTip(undefined, [])]).toEqual([`MULTIPLE_FACES: ${message}`, message, undefined]);
  });

  it("in a browser an engine's message on hover names a file by its name, not the server's upload path", () => {
    const app = new AppState(memoryClient().client, { languages: ['en'] });
    const upload = '/tmp/cutout-ud/uploads/1419ab/notes.txt';
    expect(app.shownMessage(`${upload} is not an image this app can read`, [upload])).toBe('notes.txt is not an image this app can read');
    expect(app.shownMessage('no path here', [upload, ''])).toBe('no path here');
  });

  it('says a default model that cannot be used while another of its task is used instead, in every workspace', async () => {
    const model = (id: string, state: ModelInfo['state'], isDefault: boolean, replaces?: string, task: ModelInfo['task'] = 'person-mask'): ModelInfo => ({
      id, name: `${id} model`, task, state, licence: 'MIT', bundled: false, file: `${id}.onnx`, path: state === 'missing' ? null : `/models/${id}.onnx`, isDefault, ...(replaces ? { replaces } : {}),
    });
    const damaged = [model('face', 'ok', true, undefined, 'face-detect'), model('selfie', 'corrupt', false), model('sinet', 'ok', true, 'selfie')];
    const app = new AppState(memoryClient([], damaged).client, { languages: ['en'] });
    await app.init();
    await vi.waitFor(() => expect(app.shownNotice?.code).toBe('MODEL_CORRUPT'));
    expect(app.unseenErrorIn).toBeNull();
    const notice = app.shownNotice!;
    expect([notice.file, app.t(notice.messageKey, notice.params)]).toEqual(['selfie.onnx', 'The default model selfie model is damaged: sinet model is used instead.']);
    expect(app.t(notice.fixKey, notice.params)).toContain('Download selfie model again');
    // Missing, said as missing; the default in use, or none usable (the task fails when used): nothing said.
    expect(replacedDefault([model('selfie', 'missing', false), model('sinet', 'unpinned', true, 'selfie')])).toMatchObject({ code: 'MODEL_MISSING', detail: { defaultReplaced: true, model: 'selfie model', other: 'sinet model' } });
    expect(replacedDefault([model('selfie', 'corrupt', false), model('sinet', 'missing', false)])).toBeNull();
    // None usable: the task fails when used, said as the app starts (noModelFor).
    expect(noModelFor([model('selfie', 'corrupt', true), model('sinet', 'missing', false), model('face', 'ok', true, undefined, 'face-detect')])).toMatchObject({
      code: 'MODEL_MISSING',
      message: 'No usable model for cutting out people: these fail until one is in a models folder (selfie.onnx). Settings › Models says where to download each and the name to save it as.',
      detail: { noModel: true, tasks: ['person-mask'] },
    });
    expect(noModelFor([model('selfie', 'unpinned', true), model('face', 'ok', true, undefined, 'face-detect')])).toBeNull();
    // A missing model is not the default in use: the first the app ships is named.
    expect(noModelFor([{ ...model('big', 'missing', false), bundled: false }, { ...model('selfie', 'missing', false), bundled: true }])?.message).toContain('(selfie.onnx)');
    const none = new AppState(memoryClient([], [model('selfie', 'missing', true), model('face', 'missing', true, undefined, 'face-detect')]).client, { languages: ['en'] });
    await none.init();
    await vi.waitFor(() => expect(none.shownNotice?.detail).toMatchObject({ noModel: true, tasks: ['person-mask', 'face-detect'] }));
    expect(none.t(none.shownNotice!.messageKey, none.shownNotice!.params)).toBe('Some models are not installed: what needs them fails until they are.');
    expect(replacedDefault([model('selfie', 'ok', true), model('sinet', 'corrupt', false)])).toBeNull();
  });

  it('says a settings file that could not be read (the defaults are in use), naming the copy kept, before a model notice', async () => {
    const models: ModelInfo[] = [
      { id: 'selfie', name: 'Selfie', task: 'person-mask', state: 'missing', licence: 'MIT', bundled: false, file: 'selfie.onnx', path: null, isDefault: false },
      { id: 'sinet', name: 'SINet', task: 'person-mask', state: 'ok', licence: 'MIT', bundled: false, file: 'sinet.onnx', path: '/m/sinet.onnx', isDefault: true, replaces: 'selfie' },
    ];
    const app = new AppState(memoryClient([], models, { settingsUnread: '/data/settings.json.bad' }).client, { languages: ['en'] });
    await app.init();
    const notice = app.shownNotice!;
    expect([notice.code, notice.file, app.t(notice.messageKey, notice.params)]).toEqual(['INPUT_UNSUPPORTED', 'settings.json.bad', 'Your settings could not be read: the app uses its defaults.']);
    await new Promise((r) => setTimeout(r, 10));
    expect(app.shownNotice?.code).toBe('INPUT_UNSUPPORTED');
  });

  it('takes up the jobs the engine runs that it did not start: tracked, and a batch kept for the Batch workspace with its inputs ended since', async () => {
    const batch: RunningJob = {
      id: 'b1',
      spec: { kind: 'batch', inputs: ['/in'], outputDir: '/out', options: { mode: 'portrait' } },
      startedAtMs: 1,
      progress: { jobId: 'b1', stage: 'write', done: 1, total: 4 },
      items: [{ input: '/in/a.jpg', status: 'done' }],
      isCancelling: false,
      folders: ['/in'],
    };
    const sticker: RunningJob = { id: 's1', spec: { kind: 'sticker', input: '/c.mp4', output: '/c.gif', options: {} }, startedAtMs: 2, progress: null, items: [], isCancelling: false, folders: [] };
    const { client, emit } = memoryClient([batch, sticker]);
    // This tab started the sticker (before its reload): its session storage says so.
    tabStorage.setItem('cutout.ownJobs', JSON.stringify(['s1']));
    const revealed: string[] = [];
    (client as { revealInFolder: unknown }).revealInFolder = async (path: string) => void revealed.push(path);
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    expect(app.jobs.jobs.map((j) => [j.id, j.kind, j.done, j.total])).toEqual([['b1', 'batch', 1, 4], ['s1', 'sticker', 0, 0]]);
    // Inputs that end before the Batch workspace shows it join it (once each); other jobs' do not.
    emit('batchItemFinished', { jobId: 'b1', input: '/in/b.jpg', status: 'failed', code: 'INPUT_CORRUPT', message: 'bad' });
    emit('batchItemFinished', { jobId: 'b1', input: '/in/a.jpg', status: 'done' });
    emit('batchItemFinished', { jobId: 'other', input: '/x.jpg', status: 'done' });
    const taken = app.takeUpBatch();
    expect(taken?.job.items.map((i) => i.input)).toEqual(['/in/a.jpg', '/in/b.jpg']);
    expect(app.takeUpBatch()).toBeNull();
    emit('jobFinished', { jobId: 'b1', outcome: 'done', result: { total: 4 }, elapsedMs: 5 });
    await expect(taken!.outcome).resolves.toMatchObject({ outcome: 'done' });
    expect(app.jobs.jobs.map((j) => j.id)).toEqual(['s1']);
    // The sticker ends: its file is handed over (a browser's download) and said, as the Stickers workspace would have.
    emit('jobFinished', { jobId: 's1', outcome: 'done', result: { output: '/exports/c_sticker.gif' }, elapsedMs: 9 });
    await vi.waitFor(() => expect(revealed).toEqual(['/exports/c_sticker.gif']));
    expect(app.status).toMatchObject({ key: 'status.saved', params: { path: 'c_sticker.gif' }, tone: 'ok' });
  });

  it("takes up a job another tab starts when its progress comes, but not its own, whose progress can come before startJob's reply", async () => {
    const running: RunningJob[] = [];
    const { client, emit } = memoryClient(running);
    let answerStart: (id: string) => void = () => undefined;
    (client as { startJob: unknown }).startJob = () => new Promise<string>((resolve) => (answerStart = resolve));
    let lists = 0;
    (client as { listJobs: unknown }).listJobs = async () => (lists++, running);
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    lists = 0;
    // Its own batch: progress first, then the reply.
    const own: RunningJob = { id: 'mine', spec: { kind: 'batch', inputs: ['/a'], outputDir: '/o', options: { mode: 'portrait' } }, startedAtMs: 1, progress: null, items: [], isCancelling: false, folders: [] };
    running.push(own);
    const started = app.runJob(own.spec);
    emit('jobProgress', { jobId: 'mine', stage: 'scan', done: 0, total: 1 });
    answerStart('mine');
    const { outcome } = await started;
    emit('jobProgress', { jobId: 'mine', stage: 'write', done: 1, total: 2 });
    expect(lists).toBe(0);
    expect(app.pendingBatch).toBeNull();
    expect(app.jobs.jobs.map((j) => [j.id, j.done])).toEqual([['mine', 1]]);
    // Another tab's batch: looked up once at its first progress, and taken up for the Batch workspace.
    const other: RunningJob = { id: 'theirs', spec: { kind: 'batch', inputs: ['/b'], outputDir: '/p', options: { mode: 'anime' } }, startedAtMs: 2, progress: { jobId: 'theirs', stage: 'write', done: 3, total: 9 }, items: [], isCancelling: false, folders: [] };
    running.push(other);
    emit('jobProgress', { jobId: 'theirs', stage: 'write', done: 3, total: 9 });
    emit('jobProgress', { jobId: 'theirs', stage: 'write', done: 4, total: 9 });
    await vi.waitFor(() => expect(app.pendingBatch?.job.id).toBe('theirs'));
    expect(lists).toBe(1);
    expect(app.jobs.jobs.map((j) => j.id)).toEqual(['mine', 'theirs']);
    // Each ends once, where it belongs.
    emit('jobFinished', { jobId: 'mine', outcome: 'done', result: {}, elapsedMs: 3 });
    await expect(outcome).resolves.toMatchObject({ jobId: 'mine', outcome: 'done' });
    emit('jobFinished', { jobId: 'theirs', outcome: 'cancelled', elapsedMs: 4 });
    await expect(app.pendingBatch!.outcome).resolves.toMatchObject({ jobId: 'theirs', outcome: 'cancelled' });
    expect(app.jobs.isBusy).toBe(false);
  });

  it("another tab's export is not handed over here; a stale listJobs answer does not bring back a job that ended; a batch's items that end while the answer is on its way are kept", async () => {
    const running: RunningJob[] = [];
    const { client, emit } = memoryClient(running);
    const answers: ((r: RunningJob[]) => void)[] = [];
    (client as { listJobs: unknown }).listJobs = () => new Promise<RunningJob[]>((resolve) => answers.push(resolve));
    const revealed: string[] = [];
    (client as { revealInFolder: unknown }).revealInFolder = async (path: string) => void revealed.push(path);
    const app = new AppState(client, { languages: ['en'] });
    const init = app.init();
    // As the page connects: a sticker of another tab and a batch run; the batch's b.jpg ends before the answer comes.
    const sticker: RunningJob = { id: 's2', spec: { kind: 'sticker', input: '/c.mp4', output: '/exports/c.gif', options: {} }, startedAtMs: 1, progress: null, items: [], isCancelling: false, folders: [] };
    const batch: RunningJob = { id: 'b2', spec: { kind: 'batch', inputs: ['/in'], outputDir: '/o', options: { mode: 'portrait' } }, startedAtMs: 1, progress: null, items: [{ input: '/in/a.jpg', status: 'done' }], isCancelling: false, folders: [] };
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    emit('batchItemFinished', { jobId: 'b2', input: '/in/b.jpg', status: 'done' });
    answers[0]([sticker, batch]);
    await init;
    expect(app.pendingBatch?.job.items.map((i) => i.input)).toEqual(['/in/a.jpg', '/in/b.jpg']);
    emit('jobFinished', { jobId: 's2', outcome: 'done', result: { output: '/exports/c.gif' }, elapsedMs: 3 });
    await new Promise((r) => setTimeout(r, 0));
    expect(revealed).toEqual([]);
    // A lookup answered after the job's end, made before it: the job stays ended.
    emit('jobProgress', { jobId: 'x', stage: 'segment', done: 1, total: 2 });
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    emit('jobFinished', { jobId: 'x', outcome: 'done', result: {}, elapsedMs: 4 });
    answers[1]([{ ...sticker, id: 'x' }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(app.jobs.jobs.map((j) => j.id)).toEqual(['b2']);
  });

  it("hands over its own jobs that ended as the tab reloaded (a photo written then was lost without a word), once; leaves another tab's", async () => {
    const ended = (id: string, spec: RunningJob['spec'], outcome: RunningJob['ended']): RunningJob => ({ id, spec, startedAtMs: 1, progress: null, items: [], isCancelling: false, folders: [], ended: outcome });
    const photo = ended('p1', { kind: 'idphoto', input: '/me.jpg', output: '/exports/me_cn.jpg', options: { specId: 'cn-1inch', background: '#438EDB' } } as unknown as RunningJob['spec'], { jobId: 'p1', outcome: 'done', result: { output: '/exports/me_cn.jpg', sheet: { output: '/exports/me_sheet.jpg' } }, elapsedMs: 900 });
    const batch = ended('b3', { kind: 'batch', inputs: ['/in'], outputDir: '/o', options: { mode: 'portrait' } }, { jobId: 'b3', outcome: 'done', result: { total: 2 }, elapsedMs: 2000 });
    const others = ended('s3', { kind: 'sticker', input: '/c.mp4', output: '/exports/c.gif', options: {} }, { jobId: 's3', outcome: 'done', result: { output: '/exports/c.gif' }, elapsedMs: 3 });
    const { client, emit } = memoryClient([photo, batch, others]);
    // The photo's end comes as an event too, before the list (the engine keeps events for the next page).
    let lists = 0;
    (client as { listJobs: unknown }).listJobs = async () => {
      if (lists++ === 0) emit('jobFinished', photo.ended!);
      return [photo, batch, others];
    };
    tabStorage.setItem('cutout.ownJobs', JSON.stringify(['p1', 'b3']));
    const revealed: string[] = [];
    (client as { revealInFolder: unknown }).revealInFolder = async (path: string) => void revealed.push(path);
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    await vi.waitFor(() => expect(revealed).toEqual(['/exports/me_cn.jpg', '/exports/me_sheet.jpg']));
    expect(app.status).toMatchObject({ key: 'status.saved', params: { path: 'me_cn.jpg' } });
    // The batch goes to the Batch workspace, ended: its summary shows.
    const taken = app.takeUpBatch();
    expect(taken?.job.id).toBe('b3');
    await expect(taken!.outcome).resolves.toMatchObject({ outcome: 'done' });
    expect(app.jobs.jobs).toEqual([]);
    // A progress of it that came late: its lookup does not take it up once more.
    emit('jobProgress', { jobId: 'p1', stage: 'encode', done: 1, total: 1 });
    await vi.waitFor(() => expect(lists).toBe(2));
    await new Promise((r) => setTimeout(r, 10));
    expect(revealed).toHaveLength(2);
    // Reloaded again: what was handed over is not downloaded twice, nor the batch's summary shown again.
    const again = new AppState(client, { languages: ['en'] });
    await again.init();
    await new Promise((r) => setTimeout(r, 10));
    expect(revealed).toHaveLength(2);
    expect(again.status.key).not.toBe('status.saved');
    expect(again.takeUpBatch()).toBeNull();
  });

  it('a running batch keeps the Batch workspace from an own batch that ended, which a later lookup does not bring back', async () => {
    const running: RunningJob = { id: 'b5', spec: { kind: 'batch', inputs: ['/in'], outputDir: '/o', options: { mode: 'portrait' } }, startedAtMs: 2, progress: null, items: [], isCancelling: false, folders: [] };
    const old: RunningJob = { ...running, id: 'b4', startedAtMs: 1, ended: { jobId: 'b4', outcome: 'done', result: {}, elapsedMs: 9 } };
    const { client, emit } = memoryClient([running, old]);
    tabStorage.setItem('cutout.ownJobs', JSON.stringify(['b4', 'b5']));
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    // The Batch workspace takes it; another tab's progress makes the page list the jobs again: b4 stays left.
    expect(app.takeUpBatch()?.job.id).toBe('b5');
    emit('jobProgress', { jobId: 'x9', stage: 'segment', done: 0, total: 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(app.pendingBatch).toBeNull();
    expect(app.jobs.lastOutcome?.jobId).not.toBe('b4');
  });

  it("does not hand over again, after a reload, a job whose outcome the tab had (a Copy's file was downloaded and said saved)", async () => {
    const { client, emit } = memoryClient();
    const revealed: string[] = [];
    (client as { revealInFolder: unknown }).revealInFolder = async (path: string) => void revealed.push(path);
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    const { id, outcome } = await app.runJob({ kind: 'cutout', input: '/a.png', output: '/tmp/a_copy.png', options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } });
    const done = { jobId: id, outcome: 'done' as const, result: { output: '/tmp/a_copy.png' }, elapsedMs: 5 };
    emit('jobFinished', done);
    await outcome;
    await new Promise((r) => setTimeout(r, 10));
    // The engine lists it a while as ended; the reloaded tab leaves it.
    (client as { listJobs: unknown }).listJobs = async () => [{ id, spec: { kind: 'cutout', input: '/a.png', output: '/tmp/a_copy.png', options: {} }, startedAtMs: 1, progress: null, items: [], isCancelling: false, folders: [], ended: done }];
    const reloaded = new AppState(client, { languages: ['en'] });
    await reloaded.init();
    await new Promise((r) => setTimeout(r, 10));
    expect(revealed).toEqual([]);
    expect(reloaded.status.key).toBe('status.ready');
  });

  it('a page that found no engine at its start reads what it shows once the engine is reached', async () => {
    const { client, connect } = memoryClient();
    const failing = { ...client, getAppInfo: async () => Promise.reject(new Error('fetch failed')) } as typeof client;
    const app = new AppState(failing, { languages: ['en'] });
    await app.init();
    expect([app.connection, app.info]).toEqual(['offline', null]);
    (failing as { getAppInfo: unknown }).getAppInfo = client.getAppInfo;
    connect('back');
    await vi.waitFor(() => expect(app.connection).toBe('ok'));
    expect(app.info?.version).toBe('0.1.0');
    expect(app.status.key).toBe('status.ready');
  });

  it('asks which providers will run only once the engine has the new setting (it asked before, and showed the old order)', async () => {
    const { client } = memoryClient();
    const app = new AppState(client, { languages: ['en'] });
    await app.init();
    calls.length = 0;
    await app.updateSettings({ provider: 'webgpu' });
    await vi.waitFor(() => expect(calls).toEqual(['set', 'info']));
  });

  it('saves changes one at a time, those made meanwhile together, and never shows an older one again', async () => {
    const { client, emit } = memoryClient();
    const sent: Partial<Settings>[] = [];
    let stored: Settings = { ...DEFAULT_SETTINGS, jpegQuality: 99 };
    // A slow disk: each save takes a while, and the engine says each change as it saves it.
    const slow = {
      ...client,
      getSettings: async () => stored,
      setSettings: async (patch: Partial<Settings>) => {
        sent.push(patch);
        await new Promise((r) => setTimeout(r, 5));
        stored = { ...stored, ...patch };
        emit('settingsChanged', stored);
        return stored;
      },
    } as typeof client;
    const app = new AppState(slow, { languages: ['en'] });
    await app.init();
    // Twelve Arrow-Left presses on the quality slider, faster than a save.
    const shown: number[] = [];
    const presses: Promise<void>[] = [];
    for (let q = 98; q >= 87; q--) {
      presses.push(app.updateSettings({ jpegQuality: q }));
      shown.push(app.settings.jpegQuality);
      await new Promise((r) => setTimeout(r, 1));
      shown.push(app.settings.jpegQuality);
    }
    await Promise.all(presses);
    // Never back up: each shown value is at or below the one before.
    expect(shown.every((q, i) => i === 0 || q <= shown[i - 1]!)).toBe(true);
    expect([app.settings.jpegQuality, stored.jpegQuality]).toEqual([87, 87]);
    // One save at a time: the presses made while one was saving went in the next, together.
    expect(sent.length).toBeLessThan(12);
    expect(sent.at(-1)).toEqual({ jpegQuality: 87 });
  });

  it('a change the engine could not save is shown undone, with its error', async () => {
    const { client } = memoryClient();
    const failing = {
      ...client,
      setSettings: async () => Promise.reject(new AppError('OUTPUT_NOT_WRITABLE', 'Cannot write /u/settings.json', { detail: { path: '/u/settings.json', settingsFile: true } })),
    } as typeof client;
    const app = new AppState(failing, { languages: ['en'] });
    await app.init();
    await app.updateSettings({ threads: 1 });
    expect(app.settings.threads).toBe(DEFAULT_SETTINGS.threads);
    expect(app.shownNotice).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', messageKey: 'error.OUTPUT_NOT_WRITABLE.settingsFile', file: 'settings.json' });
    expect(app.t(app.shownNotice!.messageKey)).toBe('The settings could not be saved: the change was not made.');
  });

  it('takes the locale and theme from the OS until Settings override them', async () => {
    const { client, emit } = memoryClient();
    const app = new AppState(client, { languages: ['zh-CN', 'en'], isDark: true });
    await app.init();
    expect(app.connection).toBe('ok');
    expect(app.locale).toBe('zh-CN');
    expect(app.theme).toBe('dark');
    expect(app.t('nav.batch')).toBe('批量处理');
    await app.updateSettings({ language: 'en', theme: 'light' });
    expect(app.locale).toBe('en');
    expect(app.theme).toBe('light');
    emit('settingsChanged', { ...DEFAULT_SETTINGS, theme: 'system' });
    expect(app.theme).toBe('dark');
  });

  it('says which provider the last run really used: a finished job\'s, not the first the engine will try', async () => {
    const { client, emit } = memoryClient();
    const app = new AppState(client);
    await app.init();
    expect(app.ranOn).toBeNull();
    emit('jobFinished', { jobId: 'job-1', outcome: 'done', elapsedMs: 5, result: { output: '/o.png', provider: 'cpu' } });
    expect(app.ranOn).toBe('cpu');
    emit('jobFinished', { jobId: 'job-2', outcome: 'done', elapsedMs: 5, result: { summary: {} } });
    expect(app.ranOn).toBe('cpu');
    // Another provider chosen: forgotten until the next run, and the engine's order asked again.
    infoCalls.length = 0;
    await app.updateSettings({ provider: 'webgpu' });
    expect(app.ranOn).toBeNull();
    expect(infoCalls.length).toBeGreaterThan(0);
  });

  it("keeps each workspace's own status line: another's late message does not turn it to Ready", async () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    await app.init();
    app.workspace = 'sticker';
    app.setStatus({ owner: 'sticker', key: 'sticker.status.openFailed', tone: 'warn' });
    // A cut-out finishing behind it (the CI's e2e read "Ready" here).
    app.setStatus({ owner: 'cutout', key: 'status.ready', tone: 'ok' });
    expect(app.statusText).toBe('That file could not be opened as a clip');
    app.workspace = 'cutout';
    expect(app.shownStatus.owner).toBe('cutout');
    // A workspace with no line of its own reads Ready; a line of none (offline) is everyone's.
    app.workspace = 'batch';
    expect(app.statusText).toBe('Ready');
    app.setStatus({ key: 'status.offline', tone: 'warn' });
    app.workspace = 'sticker';
    expect(app.statusText).toBe('Engine not reachable');
  });

  it("shows where the engine's last run went before this page ran any (a reload), and when the provider asked for fell back", async () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    await app.init();
    app.info = { ...app.info!, providers: ['webgpu', 'cpu'], ranOn: 'cpu' };
    // Asked for by Automatic (the settings' default), not by the user: said so (it named TensorRT as if chosen).
    expect([app.settings.provider, app.shownRanOn, app.providerFellBack]).toEqual(['auto', 'cpu', { asked: 'webgpu', ranOn: 'cpu', isAuto: true }]);
    // This page's own run says it first; one where it was asked is no fall-back.
    app.ranOn = 'webgpu';
    expect([app.shownRanOn, app.providerFellBack]).toEqual(['webgpu', null]);
    // Another provider: neither this page's run nor the engine's is shown until the next.
    const changed = app.updateSettings({ provider: 'cpu' });
    expect([app.ranOn, app.info!.ranOn]).toEqual([null, undefined]);
    await changed;
    // One the user picked that fell back is theirs.
    await app.updateSettings({ provider: 'webgpu' });
    app.info = { ...app.info!, providers: ['webgpu', 'cpu'], ranOn: 'cpu' };
    expect(app.providerFellBack).toEqual({ asked: 'webgpu', ranOn: 'cpu', isAuto: false });
  });

  it('routes files to the shown workspace, holding them until the Cut-out one registers', () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    app.workspace = 'settings';
    app.openFiles(['/a.png']);
    expect(app.workspace).toBe('cutout');
    const got: string[][] = [];
    const unregister = app.registerWorkspace('cutout', { openFiles: (p) => got.push(p), command: (a) => a === 'undo' });
    expect(got).toEqual([['/a.png']]);
    app.openFiles(['/b.png', '/c.png']);
    expect(got[1]).toEqual(['/b.png', '/c.png']);
    expect(app.runCommand('undo')).toBe(true);
    expect(app.runCommand('export')).toBe(false);
    unregister();
    expect(app.runCommand('undo')).toBe(false);
  });

  it('keeps each mounted workspace\'s handlers; files and shortcuts go to the shown one', () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    const batch: string[][] = [];
    const cutout: string[][] = [];
    app.registerWorkspace('batch', { openFiles: (p) => batch.push(p), command: (a) => a === 'open' });
    app.registerWorkspace('cutout', { openFiles: (p) => cutout.push(p) });
    app.registerWorkspace('settings', {});
    app.workspace = 'batch';
    app.openFiles(['/x']);
    expect(app.runCommand('open')).toBe(true);
    app.workspace = 'cutout';
    app.openFiles(['/y']);
    expect(app.runCommand('open')).toBe(false);
    // Settings takes no files: they go to the (already mounted) Cut-out workspace at once.
    app.workspace = 'settings';
    app.openFiles(['/z']);
    expect(app.workspace).toBe('cutout');
    expect([batch, cutout]).toEqual([[['/x']], [['/y'], ['/z']]]);
  });

  it('openIn shows a workspace and hands it the files and options, held for that workspace only until it registers', () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    const got: { where: string; paths: string[]; options?: unknown }[] = [];
    app.openIn('cutout', ['/flagged.png'], { subject: 'anime', refine: 'full' });
    expect(app.workspace).toBe('cutout');
    // Another workspace registering meanwhile does not get them.
    app.registerWorkspace('batch', { openFiles: (paths, options) => got.push({ where: 'batch', paths, options }) });
    expect(got).toEqual([]);
    app.registerWorkspace('cutout', { openFiles: (paths, options) => got.push({ where: 'cutout', paths, options }) });
    expect(got).toEqual([{ where: 'cutout', paths: ['/flagged.png'], options: { subject: 'anime', refine: 'full' } }]);
    // Registered: delivered at once.
    app.openIn('cutout', ['/next.png']);
    expect(got[1]).toEqual({ where: 'cutout', paths: ['/next.png'], options: undefined });
  });

  it('shows errors by code and never shows a cancellation', () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    app.showError(new CancelledError());
    expect(app.notice).toBeNull();
    app.showError(new AppError('MODEL_MISSING', 'selfie.onnx is missing'));
    expect(app.notice?.code).toBe('MODEL_MISSING');
    app.dismissError();
    expect(app.notice).toBeNull();
  });

  it("an error is shown in the workspace it came from, and only that workspace's new work takes it down", () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    app.workspace = 'sticker';
    app.showError(new AppError('VIDEO_CORRUPT', 'not a video'));
    expect(app.unseenErrorIn).toBeNull();
    expect(app.shownNotice?.code).toBe('VIDEO_CORRUPT');
    // Elsewhere it waits (the sidebar marks Stickers); back in Stickers it is there again.
    app.workspace = 'cutout';
    expect(app.shownNotice).toBeNull();
    expect(app.unseenErrorIn).toBe('sticker');
    app.dismissError('cutout');
    app.workspace = 'sticker';
    expect(app.shownNotice?.code).toBe('VIDEO_CORRUPT');
    // Stickers opening another clip clears it.
    app.dismissError('sticker');
    expect(app.notice).toBeNull();
    // An error comes back late from work a workspace started, while another is shown: it is that workspace's.
    app.workspace = 'idphoto';
    app.showError(new AppError('VIDEO_CORRUPT', 'the sticker failed'), 'sticker');
    expect(app.shownNotice).toBeNull();
    expect(app.unseenErrorIn).toBe('sticker');
    app.dismissError('idphoto');
    expect(app.notice?.code).toBe('VIDEO_CORRUPT');
    app.dismissError();
    // An error of no workspace (the engine out of reach) is shown in all.
    app.showError(new AppError('INTERNAL', 'engine gone'), null);
    app.workspace = 'batch';
    expect(app.shownNotice?.code).toBe('INTERNAL');
    app.dismissError('batch');
    expect(app.shownNotice?.code).toBe('INTERNAL');
  });

  it('a cancelled job resolves its outcome as cancelled', async () => {
    const { client } = memoryClient();
    const app = new AppState(client);
    await app.init();
    const { id, outcome } = await app.runJob({ kind: 'cutout', input: '/a.png', output: '/b.png', options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } });
    expect(app.jobs.isBusy).toBe(true);
    await app.cancelJob(id);
    expect((await outcome).outcome).toBe('cancelled');
    expect(app.jobs.isBusy).toBe(false);
  });
});
