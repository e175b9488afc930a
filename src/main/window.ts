// The main window, hardened: context isolation, sandbox, no Node in the page, a strict CSP
// (served with the app:// protocol), navigation and new windows blocked, permissions denied
// except clipboard writes; follows the OS theme. Main process (electron).
import { stat } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, nativeTheme, net, protocol, session, shell } from 'electron';
import { CONTENT_SECURITY_POLICY } from './platform/csp';

/** The privileged scheme the built renderer is served from (app://renderer/index.html). */
export const APP_SCHEME = 'app';
/** The URL of the built renderer's page. */
export const APP_PAGE_URL = `${APP_SCHEME}://renderer/index.html`;

/** Must run before app 'ready': app:// behaves like https (secure context, fetch, storage). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/** Serves files of the built renderer over app:// with the CSP header; nothing outside rendererDir. */
export function serveRendererProtocol(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    const file = resolve(join(root, normalize(rel)));
    if (url.host !== 'renderer' || (file !== root && !file.startsWith(root + sep))) return new Response('Not found', { status: 404 });
    const info = await stat(file).catch(() => null);
    const target = info?.isFile() ? file : join(root, 'index.html');
    const response = await net.fetch(pathToFileURL(target).href);
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

/** True when a URL is our page (the app:// renderer, or the dev server's origin). */
export function isAppUrl(url: string, pageUrl: string): boolean {
  try {
    const u = new URL(url);
    const p = new URL(pageUrl);
    return u.protocol === p.protocol && u.host === p.host;
  } catch {
    return false;
  }
}

/** Options of createMainWindow. */
export interface MainWindowOptions {
  preloadPath: string;
  pageUrl: string;
  /** Asked as the window is about to close: false keeps it open (jobs the user keeps running). */
  mayClose?: () => boolean;
  /** Called once the window has closed (the caller stops its jobs). */
  onClosed?: () => void;
  /** Called when the page crashed, before it is loaded again (the caller stops its jobs). */
  onCrashed?: () => void;
}

/** Creates and loads the one main window. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const dark = nativeTheme.shouldUseDarkColors;
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 880,
    minHeight: 600,
    show: false,
    title: 'Cutout Studio',
    backgroundColor: dark ? '#1c1c1e' : '#f5f5f7',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  // Navigation away from our page and new windows are refused; web links open in the OS browser.
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, options.pageUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, options.pageUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
  // The dev server (electron-vite dev) serves over http: give it the same CSP.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  win.once('ready-to-show', () => win.show());
  const onThemeUpdated = (): void => {
    if (!win.isDestroyed()) win.setBackgroundColor(nativeTheme.shouldUseDarkColors ? '#1c1c1e' : '#f5f5f7');
  };
  nativeTheme.on('updated', onThemeUpdated);
  // A page that crashed (out of memory on a huge preview, a GPU fault) is loaded again rather than
  // left blank; the emitter waits for it to say it is ready. Three crashes within a minute are left
  // as they are, not reloaded for ever.
  const crashes: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && now - crashes[0] > 60_000) crashes.shift();
    options.onCrashed?.();
    if (crashes.length <= 3) contents.reload();
  });
  win.on('close', (event) => {
    if (options.mayClose && !options.mayClose()) event.preventDefault();
  });
  win.on('closed', () => {
    nativeTheme.off('updated', onThemeUpdated);
    options.onClosed?.();
  });
  void win.loadURL(options.pageUrl);
  return win;
}
