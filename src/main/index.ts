// Composition root of the desktop app: lifecycle, the window, the engine (worker thread), the
// AppApi handlers over IPC and the taskbar progress. Main process (electron). Everything below
// runs without Electron (engine/, services/jobs, services/settings, core/).
import { app, BrowserWindow, dialog, nativeTheme } from 'electron';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultModelsDirs } from './core/models/model-store';
import { createAppApi } from './engine/api/index';
import { createAppCore, type AppCore } from './engine/app-core';
import { RendererEmitter } from './ipc/emit';
import { createSenderCheck, registerApi } from './ipc/register-api';
import { useBundledFfmpeg } from './platform/app-paths';
import { filesFromArgv } from './platform/argv';
import { pathBatcher } from './platform/path-batcher';
import { installAppMenu } from './platform/menu';
import { appPaths } from './platform/paths';
import { createDesktopPlatformServices } from './services/dialogs';
import { APP_PAGE_URL, createMainWindow, isAppUrl, registerAppScheme, serveRendererProtocol } from './window';

const log = (message: string): void => console.error(message);

// The app's name as its menus say it (About, Hide, Quit: "cutout-studio", package.json's npm name,
// as nothing gives Electron a product name). Its user data folder keeps the npm name, which
// `cutout serve` shares (settings, recent files, models).
app.setName('Cutout Studio');
app.setPath('userData', join(app.getPath('appData'), 'cutout-studio'));

registerAppScheme();

/** Events for the one window; queued until its renderer says it is ready. */
const emitter = new RendererEmitter();

/** The one window (null when closed: macOS keeps the app running), and how to open it once started. */
let win: BrowserWindow | null = null;
let openWindow: (() => void) | null = null;
/** Quitting waits for the engine to stop (stopping); a second Quit meanwhile waits too, then it is stopped. */
let quitState: 'running' | 'stopping' | 'stopped' = 'running';
/** The user said the running jobs may stop (asked once, by closing the window or quitting). */
let isStopAgreed = false;

/**
 * Whether closing the window (or quitting) may stop the jobs running: asked when there are any
 * (Ctrl+W or Cmd+Q stopped a batch of hundreds of files, a long sticker, without a word). A batch
 * stopped is resumed later with "Skip files already done".
 */
function mayStopJobs(running: number): boolean {
  if (running === 0 || isStopAgreed) return true;
  const options: Electron.MessageBoxSyncOptions = {
    type: 'question',
    buttons: ['Stop and close', 'Keep working'],
    defaultId: 1,
    cancelId: 1,
    message: running === 1 ? 'A job is still running.' : `${running} jobs are still running.`,
    detail: 'Closing stops it and keeps what is finished. A batch can be resumed later: start it again with "Skip files already done".',
  };
  const answer = win && !win.isDestroyed() ? dialog.showMessageBoxSync(win, options) : dialog.showMessageBoxSync(options);
  isStopAgreed = answer === 0;
  return isStopAgreed;
}

/**
 * Files a launch or the OS hands over (a second instance, a file association, the dock): sent to
 * the page (queued until it is ready), with the window brought up, or opened when there is none
 * (macOS after its window was closed: a Finder double-click opened nothing until the dock was
 * clicked). Before start() has made the window they wait in the queue for it.
 */
function openFiles(paths: string[]): void {
  // Quitting: no window is opened to be closed at once.
  if (quitState !== 'running') return;
  if (openWindow && !win) openWindow();
  if (win?.isMinimized()) win.restore();
  win?.focus();
  if (paths.length) emitter.emit('filesOpened', { paths });
}

/** openFiles for the OS's hand-overs, which come a file at a time: gathered into one opening. */
const openHandedFiles = pathBatcher(openFiles);

async function start(): Promise<void> {
  const paths = appPaths();
  // The previous run's trimaps and pasted images are not needed any more.
  await rm(paths.tempDir, { recursive: true, force: true }).catch(() => undefined);
  await mkdir(paths.userModelsDir, { recursive: true }).catch(() => undefined);
  const core: AppCore = await createAppCore({
    engine: {
      // The user's own folder last, made so that Settings can show it (a model downloaded later goes there).
      modelsDirs: [...new Set([...defaultModelsDirs(process.env, paths.modelsDir), paths.userModelsDir])],
      manifestPath: paths.manifestPath,
      tempDir: paths.tempDir,
      ffmpegPath: useBundledFfmpeg(process.env, paths.ffmpegPath),
    },
    userDataDir: paths.userDataDir,
    emit: emitter.emit,
    // Taskbar / dock progress mirrors the running jobs; -1 removes the bar.
    onAggregateProgress: (fraction) => {
      if (win && !win.isDestroyed()) win.setProgressBar(fraction ?? -1);
    },
    log,
  });
  nativeTheme.themeSource = core.settings.get().theme;
  core.settings.onChange((s) => {
    nativeTheme.themeSource = s.theme;
  });

  const api = createAppApi({
    ...core,
    platform: createDesktopPlatformServices(() => win),
    tempDir: paths.tempDir,
    info: { version: app.getVersion(), transport: 'ipc' },
    onRendererReady: () => emitter.markReady(),
  });
  const pageUrl = paths.renderer.kind === 'url' ? paths.renderer.url : APP_PAGE_URL;
  installAppMenu(!app.isPackaged);
  if (paths.renderer.kind === 'file') serveRendererProtocol(paths.renderer.dir);
  registerApi(api, createSenderCheck((url) => isAppUrl(url, pageUrl)), log);

  openWindow = (): void => {
    // A new window's jobs are asked about anew (the app quitting after its last window closed is not asked again).
    isStopAgreed = false;
    win = createMainWindow({
      preloadPath: paths.preloadPath,
      pageUrl,
      // Closed while jobs run: asked first.
      mayClose: () => mayStopJobs(core.jobs.size),
      // The work in the closed window stops with it (macOS keeps the app, not its jobs: they ran on
      // unseen, their events piling up for no page).
      onClosed: () => {
        win = null;
        core.jobs.cancelAll();
      },
      // A crashed page is loaded again, without the jobs it started: it knows none of them (two
      // batches would meet in one output folder).
      onCrashed: () => core.jobs.cancelAll(),
    });
    emitter.attach(win.webContents);
  };
  openWindow();

  const initialFiles = filesFromArgv(process.argv, { isPackaged: app.isPackaged, cwd: process.cwd() });
  // With the files of the launches that follow at once (Explorer starts one per file selected).
  if (initialFiles.length) openHandedFiles(initialFiles);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow?.();
  });
  // Quitting waits (a little: the engine's own grace) for the jobs to stop at their cancellation
  // points, so their ffmpeg children are ended and no half-written output is left behind.
  app.on('before-quit', (event) => {
    if (quitState === 'stopped') return;
    event.preventDefault();
    if (quitState === 'stopping') return;
    // Quit (Cmd+Q, the menu) while jobs run: asked first, as closing the window is.
    if (!mayStopJobs(core.jobs.size)) return;
    quitState = 'stopping';
    // A launch while this one stops (up to 10 s for a batch) starts anew: it handed its files to
    // this instance, which opens nothing while quitting, and no window came.
    app.releaseSingleInstanceLock();
    void core
      .dispose()
      .catch((error: unknown) => log(`engine did not stop cleanly: ${(error as Error)?.stack ?? error}`))
      .finally(() => {
        quitState = 'stopped';
        app.quit();
      });
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // macOS file association / dock drop, before and after ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openHandedFiles([path]);
  });
  // Another launch (a command line, "Open with" on Windows / Linux): its files, read against the
  // folder it was started from. Listened to from the first moment, so a launch during startup is kept.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    openHandedFiles(filesFromArgv(argv, { isPackaged: app.isPackaged, cwd: workingDirectory }));
  });
  // Any other web contents (none are expected) get the same guards: no navigation, no windows.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start).catch((error) => {
    log(`Cutout Studio failed to start: ${(error as Error)?.stack ?? error}`);
    // A packaged app has no console: said in a box, or the app just does not open.
    dialog.showErrorBox('Cutout Studio could not start', `${(error as Error)?.message ?? String(error)}\n\nThe details are in the log: start it from a terminal to see them.`);
    app.exit(1);
  });
}
