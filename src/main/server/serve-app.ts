// Composition root of `cutout serve`: the shared app core (engine in a worker, jobs, settings),
// the AppApi implementation with browser platform services, and the web transport. Node only.
import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { AppApi, ModelInfo, RecentFile } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { JobSpec } from '../../shared/jobs';
import { maxPixelsFromEnv } from '../core/env';
import { isInside as isInsideFolder } from '../core/batch/scan';
import { ensureWritableFolder } from '../core/io/atomic-write';
import { removeDeadSystemTemps } from '../core/io/stale-temps';
import { defaultModelsDirs, modelsFolderText } from '../core/models/model-store';
import { TASK_WORDS, unusableTasks } from '../../shared/models';
import { createAppApi } from '../engine/api/index';
import { createAppCore, type AppCore } from '../engine/app-core';
import { EventHub } from './event-hub';
import { startWebServer, type WebServer } from './http-server';
import { createWebPlatformServices } from './web-services';

/** Options of startServeApp. */
export interface ServeAppOptions {
  /** The project's resources folder (models manifest). */
  resourcesDir: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  /** When `port` is taken, run on a free one (the default port of `cutout serve`). */
  isPortFallback?: boolean;
  /** Settings and recent files; default CUTOUT_USER_DATA or the OS config folder. */
  userDataDir?: string;
  /** Where exports and batch outputs are written; default defaultExportsDir(env). Kept when the server stops. */
  exportsDir?: string;
  token?: string;
  engineMode?: 'worker' | 'in-process';
  env?: NodeJS.ProcessEnv;
  version?: string;
  log?: (message: string) => void;
}

/** A running `cutout serve`. */
export interface ServeApp {
  server: WebServer;
  core: AppCore;
  api: AppApi;
  /** Session folder: trimaps, imports, the engine's temporary files (removed on close). */
  sessionDir: string;
  /** Uploads, kept by content (defaultUploadsDir, or `uploads` in a user data folder given; pruneUploads). */
  uploadDir: string;
  /** Exports and batch outputs: outside the session folder, so stopping the server never takes them. */
  exportsDir: string;
  close(): Promise<void>;
}

/** The per-user settings folder of `cutout serve`. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CUTOUT_USER_DATA) return env.CUTOUT_USER_DATA;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'cutout-studio');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'cutout-studio');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'cutout-studio');
}

/**
 * Where `cutout serve` writes what the page exports and its batches: CUTOUT_EXPORTS_DIR, else
 * "Cutout Studio" in the home folder. A lasting folder, not the session's temporary one: a batch of
 * hundreds of ID photos is still there after the server stops, and a batch started again in a later
 * session finds its journal and resumes.
 */
export function defaultExportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CUTOUT_EXPORTS_DIR || join(homedir(), 'Cutout Studio');
}

/**
 * Where `cutout serve` keeps the page's uploads when no user data folder is given: the OS's cache
 * folder (not the settings folder, which Windows may roam and sync; uploads are copies of the
 * user's own files, videos among them).
 */
export function defaultUploadsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? env.APPDATA ?? tmpdir(), 'cutout-studio', 'uploads');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'cutout-studio', 'uploads');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cutout-studio', 'uploads');
}

/** How long an upload is kept unused (7 days): a batch picked up again within a week resumes. */
export const UPLOAD_KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * The folders a browser's batch inputs are said from in its report: an upload's own folder
 * (`uploadDir`'s top-level folder that holds it: "folder-1a2b…", under which the page's folder
 * keeps its name), or the folder of `others` (the exports folder) that holds it.
 */
export function reportRootsOf(inputs: readonly unknown[], uploadDir: string, others: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const input of inputs) {
    if (typeof input !== 'string') continue;
    if (isInside(input, uploadDir) && resolve(input) !== resolve(uploadDir)) roots.add(join(resolve(uploadDir), relative(resolve(uploadDir), resolve(input)).split(sep)[0]));
    else for (const dir of others) if (isInside(input, dir)) roots.add(resolve(dir));
  }
  return [...roots];
}

/** Removes the uploads (top-level folders of `uploadDir`) not used for `keepMs`. */
export async function pruneUploads(uploadDir: string, keepMs: number, nowMs = Date.now()): Promise<void> {
  const names = await readdir(uploadDir).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(uploadDir, name);
    const info = await stat(path).catch(() => null);
    if (info && nowMs - info.mtimeMs > keepMs) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Whether `path` is `dir` or inside it (a drive root or / too: "E:\\" + sep matched nothing). */
function isInside(path: string, dir: string): boolean {
  return isInsideFolder(resolve(path), resolve(dir));
}

/**
 * Where `path` really is: its links followed (of a file not there yet, its folder's). A link in the
 * exports folder to /etc/passwd was inside it by its name, and downloaded.
 */
function realPlace(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/** Whether `path`, its links followed, is in one of `realDirs` (folders as realPlace gives them). */
function isReallyInside(path: string, realDirs: readonly string[]): boolean {
  const real = realPlace(path);
  return realDirs.some((dir) => isInside(real, dir));
}

/** The named files a call reads ([what, path]; one that is not a string is refused by the confinement), by method; every method is listed. */
export function pathsReadBy(method: keyof AppApi, arg: unknown): [string, unknown][] {
  const o = (arg ?? {}) as Record<string, unknown>;
  const list = (what: string, v: unknown): [string, unknown][] => (Array.isArray(v) ? v.map((p) => [what, p]) : []);
  const options = (o.options ?? {}) as Record<string, unknown>;
  const background = (options.background ?? {}) as Record<string, unknown>;
  const ofOptions: [string, unknown][] = [['the trimap', options.trimapPath], ...(background.kind === 'image' ? [['the background picture', background.path] as [string, unknown]] : [])];
  switch (method) {
    case 'loadImagePreview':
    case 'segment':
    case 'rematte':
    case 'saveTrimap':
    case 'probeClip':
    case 'loadClipFrame':
    case 'loadStickerFile':
    case 'previewStickerFrame':
      return [['the file', o.path]];
    case 'previewIdPhoto':
      return [['the file', o.path], ...ofOptions];
    case 'copyImageToClipboard':
      return [['the file', arg]];
    case 'expandPaths':
      return list('the file', o.paths);
    case 'countBatchInputs':
      return list('the input', o.inputs);
    case 'startJob':
      return [['the input', o.input], ...list('the input', o.inputs), ...ofOptions];
    // Read no file a page names (recent files are only listed; a reveal is a download, checked there).
    case 'getAppInfo':
    case 'rendererReady':
    case 'cancelJob':
    case 'pauseJob':
    case 'resumeJob':
    case 'listJobs':
    case 'listModels':
    case 'listLeftOutModels':
    case 'getSettings':
    case 'setSettings':
    case 'importImage':
    case 'chooseFiles':
    case 'chooseFolder':
    case 'chooseSaveTarget':
    case 'revealInFolder':
    case 'getRecentFiles':
    case 'addRecentFiles':
    case 'clearRecentFiles':
      return [];
    default: {
      // A new method must say here whether it reads a file (a compile error until it does).
      const unlisted: never = method;
      return unlisted;
    }
  }
}

/** The tasks none of whose models can be used, each with its models' states ("cutting out people (mediapipe-selfie missing, sinet missing)"). */
export function unusableTaskWords(models: readonly ModelInfo[]): string[] {
  return unusableTasks(models).map((task) => `${TASK_WORDS[task]} (${models.filter((m) => m.task === task).map((m) => `${m.id} ${m.state}`).join(', ')})`);
}

/** Starts the engine, the API and the web server. */
export async function startServeApp(options: ServeAppOptions): Promise<ServeApp> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((m: string) => console.error(m));
  const exportDir = resolve(options.exportsDir ?? defaultExportsDir(env));
  // Checked first (before anything is made for the session): a folder that cannot be written
  // showed only at the first export, as INTERNAL.
  await ensureWritableFolder(exportDir).catch((error: unknown) => {
    const e = error as AppError;
    throw new AppError(e.code ?? 'OUTPUT_NOT_WRITABLE', `The exports folder cannot be used: ${e.message} Pass --exports DIR (or set CUTOUT_EXPORTS_DIR).`, { cause: error, detail: e.detail });
  });
  // Named for this process: one killed before it could remove it has it removed by the next (stale-temps.ts).
  await removeDeadSystemTemps();
  const sessionDir = await mkdtemp(join(tmpdir(), `cutout-serve-${process.pid}-`));
  const userDataDir = options.userDataDir ?? defaultUserDataDir(env);
  // Uploads are kept by content (a picked folder by its files' names, sizes and times) in a lasting
  // folder, so the same folder picked after a restart has the same paths and a batch into the
  // exports folder resumes; those not used for UPLOAD_KEEP_MS are removed as the server starts.
  const uploadDir = options.userDataDir || env.CUTOUT_USER_DATA ? join(userDataDir, 'uploads') : defaultUploadsDir(env);
  // Checked as the exports folder is (a user data folder that cannot be written stopped the server
  // with INTERNAL: EACCES … mkdir uploads).
  await ensureWritableFolder(uploadDir).catch((error: unknown) => {
    const e = error as AppError;
    throw new AppError(e.code ?? 'OUTPUT_NOT_WRITABLE', `The uploads folder cannot be used: ${e.message} Set CUTOUT_USER_DATA to a folder you can write.`, { cause: error, detail: e.detail });
  });
  await pruneUploads(uploadDir, UPLOAD_KEEP_MS);
  const modelsDirs = defaultModelsDirs(env, join(options.resourcesDir, 'models'));
  const hub = new EventHub();
  const core = await createAppCore({
    engine: {
      modelsDirs,
      manifestPath: join(options.resourcesDir, 'models', 'manifest.json'),
      tempDir: join(sessionDir, 'engine'),
      ffmpegPath: env.CUTOUT_FFMPEG ?? null,
      maxPixels: maxPixelsFromEnv(env),
    },
    userDataDir,
    emit: hub.emit,
    engineMode: options.engineMode,
    log,
  });
  const base = createAppApi({
    ...core,
    platform: createWebPlatformServices(exportDir),
    tempDir: join(sessionDir, 'imports'),
    info: { version: options.version ?? '0.0.0', transport: 'web' },
    onRendererReady: () => undefined,
  });
  // A page reads only what it uploaded and what it made (its exports, the session's trimaps and
  // imports): a token holder could preview, cut out or batch any picture or clip of the server's
  // user (loadStickerFile gave any .png's bytes), and count any folder's files.
  // (The folders' own places taken once: each exists by now, and a check per path read them again.)
  const readableDirs = [uploadDir, exportDir, sessionDir].map(realPlace);
  const isReadable = (path: string) => isReallyInside(path, readableDirs);
  const confined = Object.fromEntries(
    (Object.keys(base) as (keyof AppApi)[]).map((method) => [
      method,
      async (arg: unknown) => {
        for (const [what, path] of pathsReadBy(method, arg)) {
          // A path sent as bytes (the wire's $bytes) is one Node's fs takes too: it went past this
          // check, and the call's error said whether any file of the server's user exists.
          if (path !== undefined && path !== null && typeof path !== 'string') {
            throw new AppError('INVALID_ARGUMENT', `${what} must be a path, not ${Array.isArray(path) ? 'a list' : typeof path === 'object' ? 'bytes or an object' : typeof path}`);
          }
          if (typeof path === 'string' && !isReadable(path)) {
            throw new AppError('INVALID_ARGUMENT', `In a browser, ${what} is one the page uploaded or made (in ${uploadDir} or ${exportDir}), not ${path}`, { detail: { path } });
          }
        }
        return (base[method] as (a: unknown) => Promise<unknown>)(arg);
      },
    ]),
  ) as unknown as AppApi;
  // A page writes only where it was given to (the exports folder, the session's own): a job's
  // output anywhere else was written (a file outside replaced by a PNG), and its folder became
  // downloadable (outputDir "/etc", then /download?path=/etc/passwd).
  const writableDirs = [exportDir, sessionDir].map(realPlace);
  // The recent files listed are those it may read (the desktop app's, which may share the list, and an
  // earlier exports folder's would fail to open, and would tell a token holder the user's paths).
  const readableOnly = (files: RecentFile[]) => files.filter((f) => isReadable(f.path));
  const api: AppApi = {
    ...confined,
    getRecentFiles: async () => readableOnly(await confined.getRecentFiles()),
    clearRecentFiles: async (req) => readableOnly(await confined.clearRecentFiles(req)),
    // Only files it may read are kept (the list may be the desktop app's too): "/etc/passwd" was stored, and only left out of the answer.
    addRecentFiles: async (req) => {
      const paths = Array.isArray(req?.paths) ? req.paths.filter((p) => typeof p === 'string' && isReadable(p)) : req?.paths;
      return readableOnly(await confined.addRecentFiles({ ...req, paths }));
    },
    // The export folder is the server's (a browser does not offer the setting): one a page named was
    // stored, and the desktop app, which may share the settings, saved there.
    async setSettings(patch) {
      if (patch && typeof patch === 'object' && 'outputDir' in patch && patch.outputDir !== undefined) {
        throw new AppError('INVALID_ARGUMENT', `In a browser, exports go to the server's exports folder (${exportDir}); the export folder is set in the desktop app`);
      }
      return confined.setSettings(patch);
    },
    async startJob(spec: JobSpec) {
      const s = (spec ?? {}) as unknown as { output?: unknown; outputDir?: unknown; options?: { sheet?: { output?: unknown } } | null };
      for (const [what, path] of [['output', s.output], ['outputDir', s.outputDir], ['the print sheet', s.options?.sheet?.output]] as const) {
        // A place given as something else (["/tmp/x.png"]) was passed over here and read as its text further on.
        if (path !== undefined && typeof path !== 'string') throw new AppError('INVALID_ARGUMENT', `${what} must be a path (a string)`);
        if (typeof path === 'string' && !isReallyInside(path, writableDirs)) {
          throw new AppError('INVALID_ARGUMENT', `In a browser, ${what} goes in the exports folder (${exportDir}), not ${path}`, { detail: { path } });
        }
      }
      // A batch's report.csv says the page's own names ("photos/a.jpg", "a_cutout.png"), not the
      // server's folders it was uploaded to and written in.
      if (spec?.kind === 'batch' && Array.isArray(spec.inputs) && spec.options && typeof spec.options === 'object') {
        return confined.startJob({ ...spec, options: { ...spec.options, reportInputRoots: reportRootsOf(spec.inputs, uploadDir, [exportDir, sessionDir]) } });
      }
      return confined.startJob(spec);
    },
  };
  // A job no model can do is said as the server starts, not found out from the first picture.
  const lacking = unusableTaskWords(await api.listModels().catch(() => []));
  if (lacking.length > 0) {
    log(`No usable model for ${lacking.join('; ')}: these fail until a model is in ${modelsDirs.map(modelsFolderText).join(' or ')}. \`cutout models\` says where to get each and the file name to save it as.`);
  }
  // A port asked for that is taken stops the start: what was started for it goes.
  const server = await startWebServer({
    api,
    hub,
    rendererDir: options.rendererDir,
    uploadDir,
    port: options.port,
    isPortFallback: options.isPortFallback,
    token: options.token,
    log,
    // Files a page may download: those it may read (its uploads, what its jobs wrote, the session's).
    isDownloadAllowed: isReadable,
  }).catch(async (error: unknown) => {
    await core.dispose();
    await rm(sessionDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  });
  return {
    server,
    core,
    api,
    sessionDir,
    exportsDir: exportDir,
    uploadDir,
    async close() {
      await server.close();
      await core.dispose();
      await rm(sessionDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
