// The app's top-level state (rune class, renderer): the API client, settings, locale and theme,
// the active workspace, recent files, the status line, the error banner and the running jobs.
import type { AppInfo, ModelInfo, RecentFile, RecentMedia } from '../../../../shared/api';
import { engineUnreachable, type ApiClient } from '../../../../shared/api-client';
import { errorKindOf, toWire, type WireError } from '../../../../shared/errors';
import { TASK_WORDS, unusableTasks } from '../../../../shared/models';
import type { BatchItemFinished, JobOutcome, JobSpec, RefineMode, RunningJob, Subject } from '../../../../shared/jobs';
import { DEFAULT_SETTINGS, type Settings } from '../../../../shared/settings';
import { describeError, type ErrorNotice } from '../error-text';
import { baseName } from '../paths';
import { detectLocale, MESSAGES, translate, type Locale, type MessageKey } from '../i18n';
import type { ShortcutAction } from '../shortcuts';
import type { IdPhotoChoices } from '../id-specs';
import { JobTracker } from './jobs.svelte';
import { readTabStored, writeTabStored } from '../storage';

/** The workspaces of the sidebar, in order. */
export const WORKSPACES = ['idphoto', 'cutout', 'sticker', 'batch', 'settings'] as const;
export type Workspace = (typeof WORKSPACES)[number];

/**
 * A status line's parameter worded when it is shown, in the language then: text worded when the
 * line was set stayed in that language after a switch ("Done in 2.5 秒", "1 check fails: 面部亮度").
 */
export type WordedParam = (t: (key: MessageKey, params?: Record<string, string | number>) => string, locale: Locale) => string;

/** One line of the status bar. */
export interface StatusLine {
  key: MessageKey;
  params?: Record<string, string | number | WordedParam>;
  tone: 'idle' | 'busy' | 'ok' | 'warn';
  /** The workspace the message is about: shown only there (elsewhere the line says Ready). */
  owner?: Workspace;
}

/** Formats milliseconds for the status line: 840 ms, 1.3 s, 2 min 5 s. */
export function formatDuration(ms: number, locale: Locale = 'en'): string {
  const [msUnit, sUnit, minUnit] = locale === 'zh-CN' ? [' 毫秒', ' 秒', ' 分 '] : [' ms', ' s', ' min '];
  if (ms < 1000) return `${Math.round(ms)}${msUnit}`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}${sUnit}`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}${minUnit}${s % 60}${sUnit}`;
}

/** What the active workspace does with opened files and shortcuts; registered while it is shown. */
export interface WorkspaceHandlers {
  /** Files opened by drop, dialog, paste, recent list or the OS; `options` when another workspace hands them over. */
  openFiles?(paths: string[], options?: OpenOptions): void;
  /** A shortcut; returns true when handled. */
  command?(action: ShortcutAction): boolean;
}

/** How the ID photo workspace is asked to make a photo it is handed (OpenOptions.idPhoto). */
export interface IdPhotoOpen {
  specId: string;
  background: string;
  kb?: { min: number | null; max: number | null };
  autoBrightness?: boolean;
  sheet?: { paper: IdPhotoChoices['paper']; dpi: IdPhotoChoices['dpi'] };
}

/** How a workspace that hands files over wants them opened (the batch's "open in editor"). */
export interface OpenOptions {
  subject?: Subject;
  refine?: RefineMode;
  /** Stickers: trim to the whole clip (as a sticker batch made it) instead of its first 3 s. */
  wholeClip?: boolean;
  /** Cut-out: the image is an ID photo's portrait, touched up for it ("Use in ID photo" hands the strokes back). */
  forIdPhoto?: boolean;
  /** With forIdPhoto: the photo's background colour ('#RRGGBB'), which the editor shows it on until it goes back. */
  idPhotoBackground?: string;
  /** ID photo: the portrait's touched-up trimap from the editor (null: the touch-up was cleared). */
  trimapPath?: string | null;
  /**
   * ID photo: what to make it with (a batch's photo refused for its several faces, made as its run
   * made the others): the size (a spec id), background colour, the KB band asked (null ends: the
   * size's own), Auto brightness, and the print sheet ('' none).
   */
  idPhoto?: IdPhotoOpen;
}

/** A batch the engine runs that this page did not start, taken up (listJobs), with its outcome to come. */
export interface TakenUpBatch {
  job: RunningJob;
  outcome: Promise<JobOutcome>;
  /** How this page found it: as it connected (reloaded), or by its progress (another tab's start). */
  found: 'connect' | 'progress';
}

/** Where a tab keeps the ids of the jobs it started (session storage: its own, through a reload). */
const OWN_JOBS_KEY = 'cutout.ownJobs';
/** The most of them kept. */
const MAX_OWN_JOBS = 50;
/** The tab's session storage key of its jobs whose outcome it had (handled), the newest MAX_OWN_JOBS. */
const HANDLED_JOBS_KEY = 'cutout.handledJobs';

/** A list of strings the tab keeps (session storage); empty when none or unreadable. */
function readTabList(key: string): string[] {
  let items: unknown;
  try {
    items = JSON.parse(readTabStored(key) ?? '[]');
  } catch {
    items = [];
  }
  return Array.isArray(items) ? items.filter((item): item is string => typeof item === 'string') : [];
}

function writeTabList(key: string, items: string[], max: number): void {
  writeTabStored(key, JSON.stringify(items.slice(-max)));
}
/** The most batch items kept while a listJobs answer is on its way. */
const MAX_ITEMS_WHILE_LISTING = 10_000;

/** The notice for a settings file found unreadable at start and kept as `keptAs` (AppInfo.settingsUnread). */
export function settingsUnread(keptAs: string): WireError {
  return { code: 'INPUT_UNSUPPORTED', message: `The settings file is not JSON: it was kept as ${keptAs}, and the defaults are used`, detail: { settingsFile: true, path: keptAs } };
}

/**
 * A task's default model that cannot be used while another of its models is used instead
 * (ModelInfo.replaces), as a notice for the banner; null when none is.
 */
export function replacedDefault(models: readonly ModelInfo[]): WireError | null {
  for (const used of models) {
    const model = used.isDefault && used.replaces ? models.find((m) => m.id === used.replaces) : undefined;
    if (!model) continue;
    const why = model.state === 'corrupt' ? 'is damaged (its sha256 is not the manifest\'s)' : model.state === 'unreadable' ? 'cannot be read (permission denied)' : 'is missing';
    return {
      code: model.state === 'corrupt' ? 'MODEL_CORRUPT' : model.state === 'unreadable' ? 'INPUT_NOT_READABLE' : 'MODEL_MISSING',
      message: `The default model ${model.id} ${why}; ${used.id} is used instead${model.path ? ` (${model.path})` : ''}`,
      detail: { defaultReplaced: true, model: model.name, other: used.name, ...(model.path ? { path: model.path } : {}) },
    };
  }
  return null;
}

/**
 * The tasks none of whose models can be used (each missing, damaged or unreadable), as a notice
 * for the banner; null when every task has one. The app said it only when a picture failed (the
 * server's log said it as it started): a first run without the person models read "Ready".
 */
export function noModelFor(models: readonly ModelInfo[]): WireError | null {
  const lacking = unusableTasks(models);
  if (lacking.length === 0) return null;
  // Each task's default (a missing one is not marked so: then the first the app ships).
  const ofTask = (task: ModelInfo['task']): ModelInfo[] => models.filter((m) => m.task === task);
  const files = lacking.map((task) => (ofTask(task).find((m) => m.isDefault) ?? ofTask(task).find((m) => m.bundled) ?? ofTask(task)[0]).file);
  return {
    code: 'MODEL_MISSING',
    message: `No usable model for ${lacking.map((task) => TASK_WORDS[task]).join('; ')}: these fail until one is in a models folder (${files.join(', ')}). Settings › Models says where to download each and the name to save it as.`,
    detail: { noModel: true, tasks: lacking },
  };
}

/** Adds a batch item to a taken-up batch's list, an input once. */
function addItem(items: Omit<BatchItemFinished, 'jobId'>[], { jobId: _id, ...item }: BatchItemFinished): void {
  if (!items.some((i) => i.input === item.input)) items.push(item);
}

export class AppState {
  readonly client: ApiClient;
  readonly jobs = new JobTracker();
  /**
   * A batch this page took up when it connected (it was reloaded while the batch ran), until the
   * Batch workspace shows it (takeUpBatch); its inputs that end meanwhile are added to it.
   */
  pendingBatch = $state.raw<TakenUpBatch | null>(null);
  workspace = $state<Workspace>('cutout');
  settings = $state<Settings>({ ...DEFAULT_SETTINGS });
  info = $state.raw<AppInfo | null>(null);
  /** The execution provider the last model run really used (a result says it), null before any. */
  ranOn = $state<string | null>(null);
  /** Where the models last ran: this page's last run, else the engine's (AppInfo.ranOn); null before any. */
  get shownRanOn(): string | null {
    return this.ranOn ?? this.info?.ranOn ?? null;
  }
  /**
   * The provider asked for first that could not start (the last run fell back from it: WebGPU
   * without a GPU ran on the CPU), with where it ran instead; null when it ran where asked.
   * `isAuto`: Automatic chose it (TensorRT before CUDA), not the user.
   */
  get providerFellBack(): { asked: string; ranOn: string; isAuto: boolean } | null {
    const asked = this.info?.providers[0];
    const ranOn = this.shownRanOn;
    return asked && ranOn && ranOn !== asked ? { asked, ranOn, isAuto: this.settings.provider === 'auto' } : null;
  }
  recent = $state.raw<RecentFile[]>([]);
  notice = $state.raw<ErrorNotice | null>(null);
  /** The workspace the banner's error belongs to: the one whose work failed (showError's owner); null: every workspace. */
  private noticeOwner = $state<Workspace | null>(null);
  status = $state.raw<StatusLine>({ key: 'status.connecting', tone: 'busy' });
  connection = $state<'connecting' | 'ok' | 'offline'>('connecting');
  systemLanguages = $state<string[]>(['en']);
  isSystemDark = $state(false);
  isMac = $state(false);

  locale: Locale = $derived(this.settings.language === 'system' ? detectLocale(this.systemLanguages) : this.settings.language);
  theme: 'light' | 'dark' = $derived(this.settings.theme === 'system' ? (this.isSystemDark ? 'dark' : 'light') : this.settings.theme);

  constructor(client: ApiClient, env: { languages?: readonly string[]; isDark?: boolean; isMac?: boolean } = {}) {
    this.client = client;
    this.systemLanguages = [...(env.languages ?? ['en'])];
    this.isSystemDark = env.isDark ?? false;
    this.isMac = env.isMac ?? false;
  }

  /** Each mounted workspace's handlers (workspaces stay mounted once shown; only the shown one gets files and shortcuts). */
  private handlers = new Map<Workspace, WorkspaceHandlers>();
  /** Files for a workspace that has not registered yet; only that workspace gets them. */
  private pendingFiles: { id: Workspace; paths: string[]; options?: OpenOptions } | null = null;

  /** A workspace registers what it does with files and shortcuts; returns the unregister function. */
  registerWorkspace(id: Workspace, handlers: WorkspaceHandlers): () => void {
    this.handlers.set(id, handlers);
    if (this.pendingFiles?.id === id && handlers.openFiles && this.workspace === id) {
      const { paths, options } = this.pendingFiles;
      this.pendingFiles = null;
      handlers.openFiles(paths, options);
    }
    return () => {
      if (this.handlers.get(id) === handlers) this.handlers.delete(id);
    };
  }

  /**
   * Files handed over by a drop or by the OS: on the desktop, folders expand to the pictures and
   * clips in them (a browser cannot hand over a folder); then openFiles.
   */
  async openHanded(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    const expanded = this.client.transport === 'ipc' ? await this.client.expandPaths({ paths, filter: 'media' }).catch(() => paths) : paths;
    this.openFiles(expanded);
  }

  /** Routes opened files to the shown workspace; one without a file handler hands over to Cut-out. */
  openFiles(paths: string[]): void {
    if (paths.length === 0) return;
    const shown = this.handlers.get(this.workspace)?.openFiles;
    if (shown) {
      shown(paths);
      return;
    }
    this.openIn('cutout', paths);
  }

  /** Shows workspace `id` and opens the files there (held until it registers). */
  openIn(id: Workspace, paths: string[], options?: OpenOptions): void {
    this.workspace = id;
    const open = this.handlers.get(id)?.openFiles;
    if (open) open(paths, options);
    else this.pendingFiles = { id, paths, options };
  }

  /** Runs a shortcut in the shown workspace; returns true when it was handled. */
  runCommand(action: ShortcutAction): boolean {
    return this.handlers.get(this.workspace)?.command?.(action) ?? false;
  }

  /**
   * The label of a written file's "Show in folder" button: in a browser (`cutout serve`) there is
   * no folder to show, and revealInFolder downloads the file again.
   */
  get revealLabel(): string {
    return this.t(this.client.transport === 'web' ? 'action.downloadAgain' : 'action.reveal');
  }

  /** A written file as its line shows it: the full path on the desktop, the file name in a browser (the server's folder means nothing there). */
  shownPath(path: string): string {
    // In a browser, the name it downloads as (the server's copy may be NAME-2: "Saved NAME-2.png" read of a download named NAME.png).
    return this.client.transport === 'web' ? (this.client.downloadNameOf?.(path) ?? baseName(path)) : path;
  }

  /**
   * A saved file as the status line names it: shownPath, and in a browser the exports folder's copy
   * too where the server named it otherwise (it keeps each export: "Saved NAME.png" was read as the
   * folder's NAME.png, an earlier export, where this one was NAME-4.png).
   */
  savedName(path: string): string | WordedParam {
    const shown = this.shownPath(path);
    const kept = this.keptName(path);
    return kept === null ? shown : (t) => t('status.keptAs', { name: shown, kept });
  }

  /** In a browser, the exports folder's name of a written file where the server named it otherwise than it downloads (NAME-2.png); else null. */
  keptName(path: string): string | null {
    const kept = baseName(path);
    return this.client.transport === 'web' && this.shownPath(path) !== kept ? kept : null;
  }

  /**
   * An engine's message as shown on hover: in a browser each of `paths` in it is said by its name
   * (the server's upload folder showed: "/tmp/…/uploads/1419…/notes.txt is not an image…").
   */
  shownMessage(message: string, paths: readonly string[]): string {
    if (this.client.transport !== 'web') return message;
    return [...paths].sort((a, b) => b.length - a.length).reduce((text, path) => (path ? text.split(path).join(baseName(path)) : text), message);
  }

  /**
   * An engine's message (English) as a failure's tooltip, after its `code`: in English only. In
   * another language the line's own words say it (a Chinese user met English lines on hover, one
   * naming `cutout idphoto --face N`).
   */
  engineTip(message: string | undefined, paths: readonly string[], code?: string): string | undefined {
    if (this.locale !== 'en' || !message) return undefined;
    const shown = this.shownMessage(message, paths);
    return code ? `${code}: ${shown}` : shown;
  }

  /**
   * After an export: in a browser (`cutout serve`) the files are written in the server's exports
   * folder, and each is downloaded as a save would; in the desktop app the folder is shown when the
   * setting asks for it (the first file).
   */
  async deliverExport(paths: readonly string[]): Promise<void> {
    if (this.client.transport === 'web') {
      for (const path of paths) await this.client.revealInFolder(path).catch(() => undefined);
    } else if (this.settings.revealAfterExport && paths.length > 0) {
      await this.client.revealInFolder(paths[0]).catch(() => undefined);
    }
  }

  /** Translates a key in the current locale. */
  t = (key: MessageKey, params?: Record<string, string | number>): string => translate(this.locale, key, params);

  /** Subscribes to events, tells main it is ready, loads info, settings and recent files. */
  async init(): Promise<void> {
    // (Shown again from the back/forward cache, it is not going any more.)
    const page = globalThis as { addEventListener?: (type: string, listener: () => void) => void };
    page.addEventListener?.('pagehide', () => (this.isUnloading = true));
    page.addEventListener?.('pageshow', () => (this.isUnloading = false));
    this.client.on('jobProgress', (p) => {
      this.jobs.onProgress(p);
      this.lookUpJob(p.jobId);
    });
    this.client.on('jobFinished', (o) => {
      this.jobs.onFinished(o);
      const provider = o.outcome === 'done' ? (o.result as { provider?: unknown } | null)?.provider : undefined;
      if (typeof provider === 'string') this.ranOn = provider;
    });
    this.client.on('batchItemFinished', (e) => {
      this.jobs.onItemFinished(e);
      const pending = this.pendingBatch;
      if (pending?.job.id === e.jobId) addItem(pending.job.items, e);
      // Ended while a listJobs answer is on its way: the answer may not have it (merged in takeUpJobs).
      else if (this.listsInFlight > 0 && this.itemsWhileListing.length < MAX_ITEMS_WHILE_LISTING) this.itemsWhileListing.push(e);
    });
    this.client.on('settingsChanged', (s) => this.takeSettings(this.withUnsaved(s)));
    // A folder opened with the app (a command line, "Open with") expands as a dropped one does.
    this.client.on('filesOpened', (e) => void this.openHanded(e.paths));
    this.client.onConnection((state) => void this.onConnection(state));
    await this.connect();
  }

  /** Reads what the app shows from the engine (info, settings, recent files); offline, says so everywhere. */
  private async connect(): Promise<void> {
    try {
      await this.client.rendererReady();
      const [info, settings, recent, running] = await Promise.all([this.client.getAppInfo(), this.client.getSettings(), this.client.getRecentFiles(), this.listRunning()]);
      this.info = info;
      this.settings = settings;
      this.recent = recent;
      this.takeUpJobs(running, 'connect');
      this.connection = 'ok';
      if (info.settingsUnread && !this.notice) this.showError(settingsUnread(info.settingsUnread), null);
      void this.sayModelNotice();
      if (this.status.key === 'status.offline' || this.status.key === 'status.connecting') this.status = { key: 'status.ready', tone: 'idle' };
    } catch (error) {
      this.connection = 'offline';
      this.status = { key: 'status.offline', tone: 'warn' };
      // The engine is out of reach: said in every workspace.
      this.showError(error, null);
    }
  }

  /**
   * A default model that cannot be used while another of its task's is used instead: the app said
   * it nowhere but in Settings (the CLI says it); and a task with no usable model at all. Said in
   * every workspace's banner at each connect, unless an error is showing.
   */
  private async sayModelNotice(): Promise<void> {
    const models = await this.client.listModels().catch(() => []);
    this.learnModelNames(models);
    const notice = noModelFor(models) ?? replacedDefault(models);
    if (notice && !this.notice) this.showError(notice, null);
  }

  /**
   * The models as Settings read them again: a notice of a task with no usable model (noModelFor)
   * goes once each task has one (it stayed over a model put in place meanwhile).
   */
  modelsListed(models: readonly ModelInfo[]): void {
    this.learnModelNames(models);
    if (errorKindOf(this.notice?.detail) === 'noModel' && noModelFor(models) === null) this.dismissError();
  }

  /** The models' names by id, as the engine lists them. */
  private modelNames = new Map<string, string>();
  private learnModelNames(models: readonly ModelInfo[]): void {
    for (const m of models) this.modelNames.set(m.id, m.name);
  }

  /** A model's whole name as Settings lists it: the app's own in the UI's language (its table's `model.ID`), the others' as their makers name them. */
  modelFullName(model: Pick<ModelInfo, 'id' | 'name'>): string {
    const own = `model.${model.id}`;
    return own in MESSAGES ? this.t(own as MessageKey) : model.name;
  }

  /** A model as the status line names it: its name without the details in brackets ("MediaPipe Selfie Segmentation"; it said the id, "mediapipe-selfie"), the id till the list is read. */
  modelName(id: string): string {
    const name = this.modelNames.get(id);
    return name === undefined ? id : this.modelFullName({ id, name }).replace(/\s*[(（].*[)）]\s*$/, '') || id;
  }

  /** The page has no token the engine takes (opened without the printed address): said so, which "the engine is gone" must not cover. */
  private get isSignedOut(): boolean {
    return this.notice?.code === 'UNAUTHORIZED';
  }

  /**
   * Jobs the engine runs that this page did not start (it was reloaded, or the engine was out of
   * reach a while): the status bar shows them with their Cancel, and a batch goes to the Batch
   * workspace, which shows it as if started there (a reloaded page showed nothing of a running
   * batch, and a new one into its folder was refused while it ran).
   */
  private takeUpJobs(running: RunningJob[], found: TakenUpBatch['found']): void {
    const own = this.ownJobIds();
    const handled = readTabList(HANDLED_JOBS_KEY);
    for (const job of running) {
      // Ended a moment ago: handed over here only if this tab started it and never had its outcome
      // (it ended as the tab reloaded: a photo, sticker or batch made then showed nothing, and was
      // not downloaded). A running batch goes to the Batch workspace before one that ended.
      if (job.ended && (!own.includes(job.id) || handled.includes(job.id))) continue;
      if (job.ended && job.spec.kind === 'batch' && this.pendingBatch && running.some((j) => j.id === this.pendingBatch?.job.id)) {
        // Not shown now, and not later (a later lookup took it up over the Batch workspace's).
        this.rememberHandled(job.id);
        continue;
      }
      const outcome = this.jobs.adopt(job);
      if (!outcome) continue;
      // (Unless its end came as an event already, which the adopt took: ended again, it was kept
      // as unclaimed and handed over twice, by a later lookup.)
      if (job.ended && this.jobs.knows(job.id)) this.jobs.onFinished(job.ended);
      if (job.spec.kind === 'batch') {
        for (const e of this.itemsWhileListing) if (e.jobId === job.id) addItem(job.items, e);
        const taken: TakenUpBatch = { job, outcome, found };
        this.pendingBatch = taken;
        // Another tab's batch not shown here by its end (files were picked in this Batch workspace)
        // is not shown afterwards either, as if just run.
        if (found === 'progress') void outcome.then(() => this.pendingBatch === taken && (this.pendingBatch = null));
      }
      // Handed over at its end only by the tab that started it (reloaded): every other tab downloaded it too.
      else if (own.includes(job.id)) void outcome.then((o) => this.endTakenUp(job, o));
      if (own.includes(job.id)) void outcome.then(() => this.rememberHandled(job.id));
    }
    if (this.listsInFlight === 0) this.itemsWhileListing = [];
  }

  /** listJobs, counted while its answer is on its way (items that end meanwhile are kept for it). */
  private async listRunning(): Promise<RunningJob[]> {
    this.listsInFlight++;
    try {
      return await this.client.listJobs();
    } finally {
      this.listsInFlight--;
    }
  }

  /** Answers of listJobs on their way, and the batch items that ended meanwhile. */
  private listsInFlight = 0;
  private itemsWhileListing: BatchItemFinished[] = [];

  /** The jobs this tab started (kept for the tab through a reload: its session storage), newest last. */
  private ownJobIds(): string[] {
    return readTabList(OWN_JOBS_KEY);
  }

  private rememberOwnJob(id: string): void {
    writeTabList(OWN_JOBS_KEY, [...this.ownJobIds(), id], MAX_OWN_JOBS);
  }

  /**
   * This tab had the job's outcome (its workspace showed or delivered it): a reload that finds it
   * ended does not hand it over again. Not while the page unloads: an outcome that came then may
   * not have been delivered, and the reloaded page hands it over.
   */
  private rememberHandled(id: string): void {
    if (this.isUnloading) return;
    writeTabList(HANDLED_JOBS_KEY, [...readTabList(HANDLED_JOBS_KEY), id], MAX_OWN_JOBS);
  }

  /** The page is going (reloaded or closed): set on pagehide. */
  private isUnloading = false;

  /**
   * A taken-up cut-out, ID photo or sticker ends: done, its files are handed over (a browser's
   * download) and said, as the workspace that started it would have; failed, its error is shown.
   * (A sticker made while the page reloaded was written, and nothing downloaded or said it.)
   */
  private async endTakenUp(job: RunningJob, o: JobOutcome): Promise<void> {
    if (job.spec.kind === 'batch') return;
    if (o.outcome === 'failed') {
      this.showError(o.error, null);
      return;
    }
    if (o.outcome !== 'done') return;
    const result = (o.result ?? {}) as { output?: unknown; sheet?: { output?: unknown } | null };
    const output = typeof result.output === 'string' ? result.output : job.spec.output;
    const sheet = typeof result.sheet?.output === 'string' ? [result.sheet.output] : [];
    this.setStatus({ key: 'status.saved', params: { path: this.savedName(output) }, tone: 'ok' });
    await this.deliverExport([output, ...sheet]);
  }

  /** startJob calls not answered yet: their jobs' progress can come before their ids. */
  private startsInFlight = 0;
  /** Jobs of unknown id whose progress came, looked up once each. */
  private readonly lookedUp = new Set<string>();

  /**
   * Progress of a job this page does not know: one another page started (a second tab) is taken
   * up (listJobs), as a reloaded page takes up its own; that tab showed nothing of it, and offered
   * Start. Not while this page waits for a start's reply: its own job's progress comes first.
   */
  private lookUpJob(id: string): void {
    if (this.jobs.knows(id) || this.startsInFlight > 0 || this.lookedUp.has(id)) return;
    this.lookedUp.add(id);
    void this.listRunning().then(
      (running) => {
        // A start asked meanwhile may be one of these: its own reply tracks it (runJob).
        if (this.startsInFlight === 0) this.takeUpJobs(running, 'progress');
        else this.lookedUp.delete(id);
      },
      () => this.lookedUp.delete(id),
    );
  }

  /** The batch taken up, for the Batch workspace to show; null when none waits. */
  takeUpBatch(): TakenUpBatch | null {
    const pending = this.pendingBatch;
    this.pendingBatch = null;
    return pending;
  }

  /**
   * The engine went out of reach (`cutout serve` stopped): said in the status bar and a banner in
   * every workspace, not found out from an action's "unexpected problem", and the jobs it was
   * running end as failed (their end will never come). When the page reaches it again, the banner
   * goes and what the app shows is read again.
   */
  private async onConnection(state: 'lost' | 'back'): Promise<void> {
    if (state === 'lost') {
      this.connection = 'offline';
      this.status = { key: 'status.offline', tone: 'warn' };
      this.jobs.failAll(toWire(engineUnreachable()));
      // (A page without the token is refused its events too: that is not the engine gone.)
      if (!this.isSignedOut) this.showError(engineUnreachable(), null);
      return;
    }
    if (this.notice?.code === 'ENGINE_UNREACHABLE') this.dismissError();
    await this.connect();
  }

  /** The open dialog for one picture or clip: its path, or null when none was picked; a dialog that fails is said under `owner`. */
  async chooseOne(filter: 'images' | 'videos', owner: Workspace | null): Promise<string | null> {
    try {
      return (await this.client.chooseFiles({ filter, multiple: false }))[0] ?? null;
    } catch (error) {
      this.showError(error, owner);
      return null;
    }
  }

  /**
   * Shows an error in the banner and returns its notice; cancellations are ignored (null). It belongs
   * to `owner` (by default the active workspace, where the action was) and is shown there; null: everywhere.
   */
  showError(error: unknown, owner: Workspace | null = this.workspace): ErrorNotice | null {
    const notice = describeError(error);
    if (notice) {
      this.notice = notice;
      this.noticeOwner = owner;
    }
    return notice;
  }

  /**
   * Takes the banner down. With `owner`, only an error that workspace showed: a workspace that opens
   * or makes something new clears its own stale error, not one another workspace is still showing.
   */
  dismissError(owner?: Workspace): void {
    if (owner !== undefined && this.noticeOwner !== owner) return;
    this.notice = null;
    this.noticeOwner = null;
  }

  setStatus(line: StatusLine): void {
    this.status = line;
    if (line.owner) this.ownStatus = { ...this.ownStatus, [line.owner]: line };
  }

  /**
   * Each workspace's last own status line: one that another workspace's late work (a cut-out
   * finishing behind the Stickers workspace) wrote over still shows in its workspace (it read Ready).
   */
  private ownStatus = $state.raw<Partial<Record<Workspace, StatusLine>>>({});

  /** The workspace whose error waits unseen (the sidebar marks it), or null. */
  get unseenErrorIn(): Workspace | null {
    return this.notice && this.noticeOwner && this.noticeOwner !== this.workspace ? this.noticeOwner : null;
  }

  /** The banner's error where the current workspace shows it: another workspace's error waits there. */
  get shownNotice(): ErrorNotice | null {
    return this.noticeOwner && this.noticeOwner !== this.workspace ? null : this.notice;
  }

  /** The status line as the current workspace shows it: its own last message, or Ready where it has none (another workspace's is not shown). */
  get shownStatus(): StatusLine {
    // A line of no workspace (offline, connecting, ready) is everyone's; else this workspace's own last one.
    if (!this.status.owner) return this.status;
    return this.ownStatus[this.workspace] ?? { key: 'status.ready', tone: 'idle' };
  }

  /** The shown status line's words, in the language now (its worded parameters worded now). */
  get statusText(): string {
    const { key, params } = this.shownStatus;
    const worded = params && Object.fromEntries(Object.entries(params).map(([name, v]) => [name, typeof v === 'function' ? v(this.t, this.locale) : v]));
    return this.t(key, worded);
  }

  /**
   * Changes settings: shown at once, saved one change at a time (changes made while one is being
   * saved go together in the next). Sent at once, each reply was taken as it came: an older one
   * coming last put the slider back (12 Arrow-Left presses from 99 stopped at 96), and over HTTP the
   * engine could save them out of order. Resolves once this change is saved or refused; a refused
   * one shows what is saved again, and the error.
   */
  async updateSettings(patch: Partial<Settings>): Promise<void> {
    this.takeSettings({ ...this.settings, ...patch }, { isSaved: false });
    this.unsavedSettings = { ...this.unsavedSettings, ...patch };
    this.savingSettings ??= this.saveSettings().finally(() => (this.savingSettings = null));
    await this.savingSettings;
  }

  /** Changes not yet sent to the engine (updateSettings), and the ones it is saving. */
  private unsavedSettings: Partial<Settings> | null = null;
  private sentSettings: Partial<Settings> | null = null;
  private savingSettings: Promise<void> | null = null;

  /** Sends the unsaved changes until none are left; what is shown keeps those not yet saved. */
  private async saveSettings(): Promise<void> {
    // A provider chosen is asked about (takeSettings) once all is saved, not lost under a later change.
    let hasNewProvider = false;
    while (this.unsavedSettings) {
      const patch = (this.sentSettings = this.unsavedSettings);
      this.unsavedSettings = null;
      try {
        const saved = await this.client.setSettings(patch);
        this.sentSettings = null;
        hasNewProvider ||= 'provider' in patch;
        this.takeSettings(this.withUnsaved(saved), { isSaved: !this.unsavedSettings, hasNewProvider });
      } catch (error) {
        this.sentSettings = null;
        this.showError(error);
        const saved = await this.client.getSettings().catch(() => null);
        if (saved) this.takeSettings(this.withUnsaved(saved), { isSaved: !this.unsavedSettings });
      }
    }
  }

  /** Settings as the engine has them, with this page's changes it has not saved yet on top. */
  private withUnsaved(saved: Settings): Settings {
    return { ...saved, ...this.sentSettings, ...this.unsavedSettings };
  }

  /**
   * Takes new settings. Another provider: the status bar's "ran on" is forgotten until the next run,
   * and the order the engine will try is asked for again, once the engine has them (asked before,
   * it gave the old provider's order: CUDA's after going back to Automatic).
   */
  private takeSettings(next: Settings, { isSaved = true, hasNewProvider = false } = {}): void {
    const isOtherProvider = next.provider !== this.settings.provider;
    this.settings = next;
    if (isOtherProvider) {
      this.ranOn = null;
      // The engine's last run too, until it answers for the new setting (the chip showed the old one).
      if (this.info?.ranOn) this.info = { ...this.info, ranOn: undefined };
    }
    if (isSaved && (isOtherProvider || hasNewProvider)) this.client.getAppInfo().then((info) => (this.info = info), () => undefined);
  }

  /** Records files as opened as pictures or as clips (each drop zone lists its own kind). */
  async addRecent(paths: string[], openedAs: RecentMedia): Promise<void> {
    try {
      this.recent = await this.client.addRecentFiles({ paths, openedAs });
    } catch {
      // Recent files are a convenience: a failure to record one must not interrupt opening it.
    }
  }

  /** Empties the recent list of `media` (a drop zone's), or all of it. */
  async clearRecent(media?: RecentMedia): Promise<void> {
    try {
      this.recent = await this.client.clearRecentFiles(media ? { media } : {});
    } catch (error) {
      this.showError(error);
    }
  }

  /** Starts a job and resolves with its outcome (done | cancelled | failed). */
  async runJob(spec: JobSpec) {
    this.startsInFlight++;
    try {
      const id = await this.client.startJob(spec);
      this.rememberOwnJob(id);
      // Taken up before its reply came (looked up by another start's progress): this page's own.
      if (this.pendingBatch?.job.id === id) this.pendingBatch = null;
      const outcome = this.jobs.track(id, spec);
      // Its workspace has it once this resolves (after the workspace's own handlers, queued first).
      void outcome.then(() => setTimeout(() => this.rememberHandled(id), 0));
      return { id, outcome };
    } finally {
      this.startsInFlight--;
    }
  }

  async cancelJob(id: string): Promise<void> {
    this.jobs.markCancelling(id);
    await this.client.cancelJob(id).catch((e) => this.showError(e));
  }
}
