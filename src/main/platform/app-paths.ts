// Resource and data paths of the desktop app, computed from facts about the running app (so
// the dev vs packaged rules are testable without Electron). platform/paths.ts supplies the facts.
// Main process; Node only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What platform/paths.ts reads from Electron's app and process. */
export interface AppFacts {
  isPackaged: boolean;
  /** process.resourcesPath (packaged: <install>/resources). */
  resourcesPath: string;
  /** app.getAppPath() (dev: the project root; packaged: .../resources/app.asar). */
  appPath: string;
  /** app.getPath('userData'). */
  userDataPath: string;
  /** app.getPath('temp') (the user's own on Windows and macOS). */
  tempPath: string;
  platform: NodeJS.Platform;
  /** Folder of the built main bundle (out/main). */
  mainDir: string;
  /** ELECTRON_RENDERER_URL from `electron-vite dev`, if any. */
  rendererDevUrl?: string;
}

/** Every path the app needs. */
export interface AppPaths {
  /** Models folder (extraResources `models` when packaged; resources/models in dev). */
  modelsDir: string;
  /**
   * The user's own models folder (in the user data folder, writable, kept across updates): where a
   * model downloaded later goes. Searched after CUTOUT_MODELS_DIR and the app's own folder.
   */
  userModelsDir: string;
  manifestPath: string;
  /** Bundled ffmpeg (extraResources `bin`), or null in dev (core finds ffmpeg-static or PATH). */
  ffmpegPath: string | null;
  userDataDir: string;
  /**
   * Per-run temp files of the engine (trimaps, pastes, Copy's pictures): on Windows in the user's
   * local temp folder (the user data folder is in the roaming profile, which follows the user to
   * every computer and syncs), elsewhere in the user data folder (Linux's /tmp is shared by all users).
   */
  tempDir: string;
  preloadPath: string;
  /** The renderer: the dev server URL, or the built index.html. */
  renderer: { kind: 'url'; url: string } | { kind: 'file'; path: string; dir: string };
}

/**
 * Resolves paths for dev and packaged runs. Packaged: models and ffmpeg are real files under
 * resourcesPath (extraResources), never inside app.asar, because onnxruntime and spawn need them.
 */
export function resolveAppPaths(facts: AppFacts): AppPaths {
  const resources = facts.isPackaged ? facts.resourcesPath : join(facts.appPath, 'resources');
  const exe = facts.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const rendererDir = join(facts.mainDir, '..', 'renderer');
  return {
    modelsDir: join(resources, 'models'),
    userModelsDir: join(facts.userDataPath, 'models'),
    manifestPath: join(resources, 'models', 'manifest.json'),
    ffmpegPath: facts.isPackaged ? join(resources, 'bin', exe) : null,
    userDataDir: facts.userDataPath,
    tempDir: facts.platform === 'win32' ? join(facts.tempPath, 'Cutout Studio') : join(facts.userDataPath, 'temp'),
    preloadPath: join(facts.mainDir, '..', 'preload', 'index.cjs'),
    renderer: !facts.isPackaged && facts.rendererDevUrl ? { kind: 'url', url: facts.rendererDevUrl } : { kind: 'file', path: join(rendererDir, 'index.html'), dir: rendererDir },
  };
}

/**
 * Makes the bundled ffmpeg the one this process finds (core/video reads CUTOUT_FFMPEG): the main
 * process probes a clip and shows its frame itself, and the engine worker started after this
 * inherits it. Set only on the main's worker, the Stickers workspace could open no clip in an
 * installed app on a machine without its own ffmpeg (FFMPEG_MISSING). A CUTOUT_FFMPEG the user
 * set is kept. Returns the bundled path when it is the one used, else null.
 */
export function useBundledFfmpeg(env: NodeJS.ProcessEnv, ffmpegPath: string | null, exists: (path: string) => boolean = existsSync): string | null {
  if (env.CUTOUT_FFMPEG || !ffmpegPath || !exists(ffmpegPath)) return null;
  env.CUTOUT_FFMPEG = ffmpegPath;
  return ffmpegPath;
}
