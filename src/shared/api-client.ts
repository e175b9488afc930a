// The one interface the renderer uses to talk to main, and its two implementations: over
// Electron IPC (window.api from preload) and over the `cutout serve` web transport (HTTP +
// WebSocket). Loaded by the renderer (and by tests in Node); no 'electron', no 'node:*'.
import { API_METHODS, type ApiMethod, type AppApi, type AppEvents, type EventName, type FileFilter, type PreloadBridge } from './api';
import { AppError, CancelledError, fromWire, toWire, type Result } from './errors';
import { decodeWire, encodeWire } from './wire-codec';
import { BATCH_JOURNAL_NAME, IMAGE_EXTENSIONS, isHiddenOrSystem, matchesFilter, MAX_IMPORT_BYTES, PICKER_EXTENSIONS, tooLargeToImport } from './media';
import { baseName } from './paths';

/** A File-like object from a drop, a paste or a file input. */
export interface FileLike {
  name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** From a folder pick: the path under the picked folder, the folder's name first ("photos/2024/a.jpg"). */
  webkitRelativePath?: string;
  /** A browser File's size and time (ms since 1970), when known. */
  size?: number;
  lastModified?: number;
}

/**
 * AppApi with plain promises (reject with AppError / CancelledError, branch on `e.code`), plus
 * event subscription and turning a dropped or pasted File into a path the engine can read.
 */
export interface ApiClient extends AppApi {
  readonly transport: 'ipc' | 'web';
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): () => void;
  /**
   * Hears the engine go out of reach ('lost': `cutout serve` stopped) and come back ('back': the
   * page reconnected by itself); returns the unsubscribe function. The desktop's engine is the
   * app's own process: it never says either.
   */
  onConnection(listener: (state: 'lost' | 'back') => void): () => void;
  /** Path of a dropped/pasted File: its real path on the desktop, else an imported temp copy. */
  pathForFile(file: FileLike): Promise<string>;
  /**
   * Copies the image file `path` will name once it is made (null: nothing to copy, false comes
   * back). A browser asks for the clipboard at once with the image still to come, since some allow
   * clipboard writes only right after the click; the desktop copies in main when the file is there.
   */
  copyImageWhenReady(path: Promise<string | null>): Promise<boolean>;
  /** In a browser, the name a written file downloads as (the name asked for it, not the server folder's unique one). */
  downloadNameOf?(path: string): string;
}

/** Turns a Result envelope into a value or a thrown AppError / CancelledError. */
export function unwrapResult<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw fromWire(result.error);
}

type MethodTable = AppApi;

function buildMethods(call: (method: ApiMethod, arg: unknown) => Promise<unknown>): MethodTable {
  const table: Record<string, (arg: unknown) => Promise<unknown>> = {};
  for (const method of API_METHODS) table[method] = (arg: unknown) => call(method, arg);
  return table as unknown as MethodTable;
}

async function importFileBytes(api: Pick<AppApi, 'importImage'>, file: FileLike): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return api.importImage({ name: file.name || 'pasted.png', bytes });
}

/** The desktop client: wraps preload's window.api. */
export function createIpcClient(bridge: PreloadBridge): ApiClient {
  const methods = buildMethods((method, arg) =>
    (bridge.call[method] as (a: unknown) => Promise<Result<unknown>>)(arg).then(unwrapResult),
  );
  return {
    ...methods,
    transport: 'ipc',
    on: (event, listener) => bridge.on(event, listener),
    onConnection: () => () => undefined,
    async pathForFile(file) {
      const path = bridge.getPathForFile(file);
      return path || importFileBytes(methods, file);
    },
    async copyImageWhenReady(pending) {
      const path = await pending;
      if (!path) return false;
      await methods.copyImageToClipboard(path);
      return true;
    },
  };
}

/** Options of the web client. */
export interface WebClientOptions {
  /** e.g. 'http://127.0.0.1:5123' (the browser passes location.origin). */
  baseUrl: string;
  /** Session token, sent as a header (in the WebSocket's query). */
  token?: string;
  fetch?: typeof fetch;
  /** WebSocket constructor (the browser's, or the 'ws' package in Node tests). */
  WebSocket?: new (url: string, options?: unknown) => MiniWebSocket;
  /** Opens the browser's file picker; the files are uploaded and their server paths returned. */
  pickFiles?: (req: { accept: string; multiple: boolean; folder?: boolean }) => Promise<FileLike[]>;
  /**
   * Hands a file to the browser as a download (revealInFolder in a browser): its bytes, fetched with
   * the token in a header (a link with the token in its query stayed in the download history).
   */
  download?: (file: Blob, name: string) => void;
}

/** The part of a WebSocket the client uses. */
export interface MiniWebSocket {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

/** Browser globals the web client uses when present (typed here: src/shared has no DOM lib). */
interface BrowserGlobals {
  navigator?: { clipboard?: { write(items: unknown[]): Promise<void> } };
  ClipboardItem?: new (items: Record<string, Blob | Promise<Blob>>) => unknown;
  createImageBitmap?: (blob: Blob) => Promise<{ width: number; height: number }>;
  OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void }; convertToBlob(o: { type: string }): Promise<Blob> };
}

/** A path's last part, its folder (with the separator), and a file name without its extension. */
const folderOf = (path: string): string => path.slice(0, path.length - baseName(path).length);
const stemOf = (name: string): string => name.replace(/\.[^.]*$/, '');

const ACCEPT: Record<string, string> = {
  images: ['image/*', ...IMAGE_EXTENSIONS.map((e) => `.${e}`)].join(','),
  videos: ['video/*', ...PICKER_EXTENSIONS.videos.map((e) => `.${e}`)].join(','),
  media: 'image/*,video/*',
  any: '',
};

/**
 * The files of a browser folder pick that a desktop folder scan would take: of the filter's kinds,
 * none hidden or system (nor inside such a folder), only the folder's own files unless `recursive`,
 * in the scan's order (by path).
 */
export function folderPickFiles<F extends FileLike>(files: readonly F[], filter: FileFilter, recursive: boolean): F[] {
  const pathOf = (f: F): string => f.webkitRelativePath || f.name;
  // Sub-folders an earlier batch wrote into (they hold its journal) are left out, as a scan leaves them.
  const outputs = files.filter((f) => f.name === BATCH_JOURNAL_NAME && pathOf(f).split('/').length > 2).map((f) => pathOf(f).slice(0, -f.name.length));
  return files
    .filter((f) => {
      const parts = pathOf(f).split('/');
      return matchesFilter(f.name, filter) && !parts.some(isHiddenOrSystem) && (recursive || parts.length <= 2) && !outputs.some((dir) => pathOf(f).startsWith(dir));
    })
    .sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
}

/** The most files of other kinds a picked folder names to the server (empty), so a batch's summary counts them. */
const OTHER_FILES_NAMED = 1000;

/** `fn` over `items`, at most `limit` at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The name of the folder a picked folder is uploaded under: `folder-` and 16 hex digits (fnv1a64). */
export function isUploadFolderName(name: string): boolean {
  return /^folder-[0-9a-f]{16}$/.test(name);
}

/** Whether an uploaded path is a picked folder as folderUploads gives it back: `…/folder-<hash>/<its name>`. */
export function isUploadedFolder(path: string): boolean {
  const parts = path.split(/[\\/]/);
  return parts.length >= 2 && isUploadFolderName(parts[parts.length - 2]) && parts[parts.length - 1] !== '';
}

/** FNV-1a, 64 bits, as 16 hex digits: a name for a picked folder (not a security measure). */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** The picked folder in a file's path uploaded under `key`: `…/<key>/<folder>` (either separator). */
export function pickRootOf(path: string, key: string): string {
  const at = path.lastIndexOf(key);
  if (at < 0) return path;
  const start = at + key.length + 1;
  const rest = path.slice(start);
  const end = rest.search(/[\\/]/);
  return end < 0 ? path : path.slice(0, start + end);
}

/** Files uploaded at once from a pick: each is read whole into memory while it is sent. */
const UPLOADS_AT_ONCE = 4;

/** What a page says when `cutout serve` is out of reach (a call or an upload fails to connect, the event socket closes). */
export function engineUnreachable(cause?: unknown): AppError {
  return new AppError('ENGINE_UNREACHABLE', 'Lost the connection to the Cutout Studio engine. Is `cutout serve` still running?', cause === undefined ? {} : { cause });
}

/** The browser client for `cutout serve`: POST /api/<method>, POST /upload, GET /download, WS /events. */
export function createWebClient(options: WebClientOptions): ApiClient & { close(): void; ready: Promise<void> } {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers['x-cutout-token'] = options.token;
  const base = options.baseUrl.replace(/\/$/, '');

  async function call(method: ApiMethod, arg: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${base}/api/${method}`, { method: 'POST', headers, body: encodeWire({ arg }), credentials: 'same-origin' });
    } catch (cause) {
      throw engineUnreachable(cause);
    }
    const text = await response.text();
    let result: Result<unknown>;
    try {
      result = decodeWire<Result<unknown>>(text);
    } catch {
      result = { ok: false, error: toWire(new AppError('INTERNAL', `Server answered ${response.status}: ${text.slice(0, 200)}`)) };
    }
    return unwrapResult(result);
  }

  const methods = buildMethods(call);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: MiniWebSocket | undefined;
  let closed = false;
  const connectionListeners = new Set<(state: 'lost' | 'back') => void>();
  /**
   * Whether the engine answers: unknown until the socket first opens or fails. Its going (a close,
   * or a first connection that fails) is said once as 'lost', its coming back as 'back'.
   */
  let isReachable: boolean | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  function connect(): void {
    const WS = options.WebSocket ?? (globalThis as unknown as { WebSocket: WebClientOptions['WebSocket'] }).WebSocket!;
    const url = `${base.replace(/^http/, 'ws')}/events${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`;
    const ws = new WS(url);
    socket = ws;
    ws.onopen = () => {
      resolveReady();
      const wasLost = isReachable === false;
      isReachable = true;
      if (wasLost) for (const l of connectionListeners) l('back');
    };
    ws.onmessage = (ev) => {
      const { event, payload } = decodeWire<{ event: string; payload: unknown }>(String(ev.data));
      for (const l of listeners.get(event) ?? []) l(payload);
    };
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (closed) return;
      if (isReachable !== false) {
        isReachable = false;
        for (const l of connectionListeners) l('lost');
      }
      setTimeout(connect, 1000);
    };
  }
  connect();

  /** Uploads a file; `dir` places it in a picked folder's tree (folderUploads), else it is kept by its content. */
  async function upload(file: FileLike, dir?: string): Promise<string> {
    // Said before it is read into memory and sent (the server's refusal closed the connection:
    // "Is cutout serve still running?").
    if (file.size !== undefined && file.size > MAX_IMPORT_BYTES) throw tooLargeToImport(file.name);
    const body = new Uint8Array(await file.arrayBuffer());
    const uploadHeaders: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (options.token) uploadHeaders['x-cutout-token'] = options.token;
    // A picked folder's file keeps its own time there (the server keeps it for those only).
    const query = [`name=${encodeURIComponent(file.name || 'upload.png')}`, ...(dir ? [`dir=${encodeURIComponent(dir)}`, ...(file.lastModified ? [`mtime=${file.lastModified}`] : [])] : [])].join('&');
    let response: Response;
    try {
      response = await doFetch(`${base}/upload?${query}`, { method: 'POST', headers: uploadHeaders, body, credentials: 'same-origin' });
    } catch (cause) {
      throw engineUnreachable(cause);
    }
    return unwrapResult(decodeWire<Result<string>>(await response.text()));
  }

  /**
   * A picked folder's pictures and videos, sub-folders too (what a folder scan of any mode could
   * take), and its other files empty (for the count of what is left out), uploaded in their tree under a folder named by them (names, sizes, times: the same folder
   * picked again lands in the same place, so a batch over it resumes); returns that folder's path,
   * as the desktop's folder dialog does. The batch then takes what its mode and "Include
   * sub-folders" say, as they are at Start: uploading only the kinds of the mode at the pick left a
   * folder's videos out of a sticker batch chosen after it, and a changed pick put the same folder's
   * outputs in a second folder. Files without their place in the folder (an old browser) are
   * uploaded one by one, those of `filter` (and of sub-folders only when `recursive`).
   */
  async function folderUploads(files: readonly FileLike[], filter: FileFilter, recursive: boolean): Promise<string[]> {
    if (!files.every((f) => f.webkitRelativePath?.includes('/'))) return mapLimited(folderPickFiles(files, filter, recursive), UPLOADS_AT_ONCE, (f) => upload(f));
    const picked = folderPickFiles(files, 'media', true);
    if (picked.length === 0) {
      // A folder of files none of which is a picture or a clip: said (it added nothing, unsaid).
      const folder = files[0]?.webkitRelativePath?.split('/')[0];
      if (folder) throw new AppError('INPUT_NOT_FOUND', `The folder ${folder} holds no picture or clip this app opens (${files.length === 1 ? '1 file' : `${files.length} files`} of other kinds)`, { detail: { emptyFolder: true, path: folder } });
      return [];
    }
    const key = `folder-${fnv1a64(picked.map((f) => `${f.webkitRelativePath}\u0000${f.size ?? ''}\u0000${f.lastModified ?? ''}`).join('\n'))}`;
    const dirOf = (f: FileLike): string => `${key}/${f.webkitRelativePath!.split('/').slice(0, -1).join('/')}`;
    const paths = await mapLimited(picked, UPLOADS_AT_ONCE, (f) => upload(f, dirOf(f)));
    // The folder's other files, empty, by name: the batch's scan counts them as left out, as on the
    // desktop ("2 other files in the folders left out (1 .mp4, 1 .txt)"; a browser's said only the
    // clips and pictures of the other mode: a review). At most OTHER_FILES_NAMED of them.
    const others = folderPickFiles(files, 'any', true).filter((f) => !matchesFilter(f.name, 'media')).slice(0, OTHER_FILES_NAMED);
    await mapLimited(others, UPLOADS_AT_ONCE, (f) => upload({ name: f.name, webkitRelativePath: f.webkitRelativePath, size: 0, lastModified: f.lastModified, arrayBuffer: async () => new ArrayBuffer(0) }, dirOf(f)));
    // The picked folder: the segment after the pick's name in the first file's path (the server
    // may split a name the browser kept whole, as "a\\b" on Linux).
    return [pickRootOf(paths[0], key)];
  }

  /** A written image as a PNG blob (browsers take only PNG on the clipboard: JPEG / WebP are re-encoded). */
  async function pngBlobOf(path: string): Promise<Blob> {
    const g = globalThis as unknown as BrowserGlobals;
    const blob = await fetchFile(path, true, 'for the clipboard');
    if (blob.type === 'image/png') return blob;
    const bitmap = await g.createImageBitmap!(blob);
    const canvas = new g.OffscreenCanvas!(bitmap.width, bitmap.height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type: 'image/png' });
  }

  /**
   * The names the page asked for its save targets (chooseSaveTarget's defaultName), by the path the
   * server gave: the server's exports folder makes a name unique (photo_cutout-2.png, a user's first
   * download when an earlier one was kept there), where a browser's downloads folder keeps its own.
   */
  const askedNames = new Map<string, string>();
  /** The name a written file is downloaded as: the name asked for it, or for the save target it was written beside under its own name (an ID photo's photo-2_sheet.pdf is photo_sheet.pdf). */
  function downloadName(path: string): string {
    const name = baseName(path);
    const asked = askedNames.get(path);
    if (asked !== undefined) return asked;
    for (const [target, wanted] of askedNames) {
      const targetStem = stemOf(baseName(target));
      if (folderOf(path) === folderOf(target) && name.startsWith(`${targetStem}_`)) return `${stemOf(wanted)}${name.slice(targetStem.length)}`;
    }
    return name;
  }

  /** A written file's bytes from /download, the token in a header; its error as the server said it. */
  async function fetchFile(path: string, inline: boolean, what: string): Promise<Blob> {
    let response: Response;
    try {
      response = await doFetch(`${base}/download?path=${encodeURIComponent(path)}${inline ? '&inline=1' : ''}`, { headers: options.token ? { 'x-cutout-token': options.token } : {}, credentials: 'same-origin' });
    } catch (cause) {
      throw engineUnreachable(cause);
    }
    if (response.ok) return response.blob();
    const text = await response.text().catch(() => '');
    let error: AppError;
    try {
      const result = decodeWire<Result<unknown>>(text);
      error = result.ok ? new AppError('INPUT_NOT_FOUND', `Cannot read ${path} ${what}`) : fromWire(result.error);
    } catch {
      error = new AppError('INPUT_NOT_FOUND', `Cannot read ${path} ${what} (the server answered ${response.status})`);
    }
    throw error;
  }

  return {
    ...methods,
    transport: 'web',
    ready,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => {
        set.delete(listener as (payload: unknown) => void);
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    pathForFile: upload,
    async chooseFiles(req) {
      if (!options.pickFiles) return methods.chooseFiles(req);
      const files = await options.pickFiles({ accept: ACCEPT[req.filter] ?? '', multiple: req.multiple === true, folder: req.folder === true });
      // A folder picker offers every file in it: only those a folder scan would take are uploaded.
      if (req.folder) return folderUploads(files, req.filter, req.recursive !== false);
      return mapLimited(files, UPLOADS_AT_ONCE, (f) => upload(f));
    },
    downloadNameOf: downloadName,
    async chooseSaveTarget(req) {
      const path = await methods.chooseSaveTarget(req);
      if (path !== null && req.scratch !== true) askedNames.set(path, baseName(req.defaultName));
      return path;
    },
    async revealInFolder(path) {
      if (!options.download) return methods.revealInFolder(path);
      options.download(await fetchFile(path, false, 'to download it'), downloadName(path) || 'download');
    },
    async copyImageToClipboard(path) {
      const g = globalThis as unknown as BrowserGlobals;
      if (!g.navigator?.clipboard?.write || !g.ClipboardItem) return methods.copyImageToClipboard(path);
      await g.navigator.clipboard.write([new g.ClipboardItem({ 'image/png': pngBlobOf(path) })]);
    },
    async copyImageWhenReady(pending) {
      const g = globalThis as unknown as BrowserGlobals;
      if (!g.navigator?.clipboard?.write || !g.ClipboardItem) {
        const path = await pending;
        if (path) await methods.copyImageToClipboard(path);
        return path !== null;
      }
      // The clipboard is asked for now, the image is handed over when it is made.
      let isMade = true;
      const blob = pending.then((path) => {
        if (path) return pngBlobOf(path);
        isMade = false;
        throw new CancelledError();
      });
      blob.catch(() => undefined); // handled below; not an unhandled rejection meanwhile
      try {
        await g.navigator.clipboard.write([new g.ClipboardItem({ 'image/png': blob })]);
        return true;
      } catch (error) {
        if (!isMade) return false;
        // The job's own error (a failed copy) before the browser's wrapping of it.
        await blob;
        throw error;
      }
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
