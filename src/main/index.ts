// Composition root of the desktop app: lifecycle, the window, the engine (worker thread), the
// AppApi handlers over IPC and the taskbar progress. Main process (electron). Everything below
// runs without Electron (engine/, services/jobs, services/settings, core/).
import { app, BrowserWindow, nativeTheme } from 'electron';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultModelsDirs } from './core/models/model-store';
import { createAppApi } from './engine/api/index';
import { createAppCore, type AppCore } from './engine/app-core';
import { RendererEmitter } from './ipc/emit';
import { createSenderCheck, registerApi } from './ipc/register-api';
import { installAppMenu } from './platform/menu';
import { appPaths } from './platform/paths';
import { createDesktopPlatformServices } from './services/dialogs';
import { APP_PAGE_URL, createMainWindow, isAppUrl, registerAppScheme, serveRendererProtocol } from './window';

const log = (message: string): void => console.error(message);

registerAppScheme();

/** Files named on a command line (second instance, file association). */
function filesFromArgv(argv: string[]): string[] {
  return argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-') && existsSync(a)).map((a) => resolve(a));
}

/** Events for the one window; queued until its renderer says it is ready. */
const emitter = new RendererEmitter();

async function start(): Promise<void> {
  const paths = appPaths();
  // The previous run's trimaps and pasted images are not needed any more.
  await rm(paths.tempDir, { recursive: true, force: true }).catch(() => undefined);
  await mkdir(paths.userModelsDir, { recursive: true }).catch(() => undefined);
  let win: BrowserWindow | null = null;
  const core: AppCore = await createAppCore({
    engine: {
      // The user's own folder last, made so that Settings can show it (a model downloaded later goes there).
      modelsDirs: [...new Set([...defaultModelsDirs(process.env, paths.modelsDir), paths.userModelsDir])],
      manifestPath: paths.manifestPath,
      tempDir: paths.tempDir,
      ffmpegPath: paths.ffmpegPath && existsSync(paths.ffmpegPath) ? paths.ffmpegPath : null,
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

  const openWindow = (): void => {
    win = createMainWindow({ preloadPath: paths.preloadPath, pageUrl, onClosed: () => (win = null) });
    emitter.attach(win.webContents);
  };
  openWindow();

  const initialFiles = filesFromArgv(process.argv);
  if (initialFiles.length) emitter.emit('filesOpened', { paths: initialFiles });
  app.on('second-instance', (_event, argv) => {
    if (!win) openWindow();
    if (win?.isMinimized()) win.restore();
    win?.focus();
    const files = filesFromArgv(argv);
    if (files.length) emitter.emit('filesOpened', { paths: files });
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('before-quit', () => {
    void core.dispose();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // macOS file association / dock drop before and after ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    emitter.emit('filesOpened', { paths: [path] });
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
    app.exit(1);
  });
}
