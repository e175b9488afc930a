// The web transport of the AppApi contract for `cutout serve`: POST /api/<method> (Result
// envelopes, bytes as base64), POST /upload, GET /download, WebSocket /events, and the built
// renderer, on 127.0.0.1 only, behind a random session token. Node only.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash, randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { AppApi } from '../../shared/api';
import { AppError, isCancellation, toWire, type Result } from '../../shared/errors';
import { REPORT_CSV } from '../core/batch/report';
import { toWriteError } from '../core/io/atomic-write';
import { assertReadable } from '../core/io/read-head';
import { decodeWire, encodeWire } from '../../shared/wire-codec';
import { callApi } from '../engine/api/index';
import { isUploadFolderName } from '../../shared/api-client';
import { MAX_IMPORT_BYTES, tooLargeToImport } from '../../shared/media';
import { safeFileName, safeNameSegment } from '../engine/api/files';
import { ByteGate } from './byte-gate';
import { createSessionToken, hasValidToken, isSameOriginRequest } from './auth';
import type { EventHub } from './event-hub';
import { CONTENT_SECURITY_POLICY, contentTypeFor, sendFileStream, sendStaticFile } from './static-files';

/** Largest JSON body of an API call (a preview-size trimap is a few MB as base64). */
export const MAX_API_BODY_BYTES = 64 * 1024 * 1024;
/**
 * API bodies larger than this are held under one budget of MAX_API_BODY_BYTES, from their first
 * byte to their answer (ByteGate): a full-size one at a time, smaller large ones together; the
 * calls of every day (settings, a job's start, a stroke's box) pass without waiting.
 */
export const GATED_API_BODY_BYTES = 1024 * 1024;

/** Options of startWebServer. */
export interface WebServerOptions {
  api: AppApi;
  hub: EventHub;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Where uploads are written. */
  uploadDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** When `port` is taken, listen on a free one instead of failing (the default port of `cutout serve`). */
  isPortFallback?: boolean;
  /** Fixed token (tests); default a fresh random one. */
  token?: string;
  /** Whether GET /download may send this file (job outputs, uploads, exports). */
  isDownloadAllowed(path: string): boolean;
  log?: (message: string) => void;
}

/** A running web transport. */
export interface WebServer {
  port: number;
  token: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The URL to open: origin + '/?token=...' (the page keeps the token in its origin's storage). */
  url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  const text = encodeWire(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: AppError): void {
  sendJson(res, status, { ok: false, error: toWire(error) });
}

function bodyTooLarge(limit: number): AppError {
  return new AppError('INVALID_ARGUMENT', `Request body larger than ${limit} bytes`);
}

/**
 * Reads a body of at most `limit` bytes; `onLarge` is awaited (reading paused) once it passes
 * `large` bytes. A body past the limit is read to its end and dropped, then refused: leaving the
 * loop early closed the connection under the page, which said "Is cutout serve still running?".
 */
async function readBody(req: IncomingMessage, limit: number, large: number, onLarge: () => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const wasLarge = size > large;
    size += (chunk as Buffer).length;
    if (size > limit) chunks.length = 0;
    else chunks.push(chunk as Buffer);
    if (!wasLarge && size > large) await onLarge();
  }
  if (size > limit) throw bodyTooLarge(limit);
  return Buffer.concat(chunks);
}

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Cutout Studio</title><body style="font:16px system-ui;margin:3em">
<h1>Cutout Studio</h1><p>Open the address that <code>cutout serve</code> printed in the terminal (it contains the session token).</p>`;

/** Starts the web transport on 127.0.0.1. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? createSessionToken();
  const log = options.log ?? ((m: string) => console.error(m));
  await mkdir(options.uploadDir, { recursive: true });
  let port = 0;
  const bodyGate = new ByteGate(MAX_API_BODY_BYTES);

  /** An API call: its body read (under bodyGate when large), the call made, its answer sent. */
  async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const declared = Number(req.headers['content-length']);
    // Refused before it is read (it was read up to the limit first).
    if (declared > MAX_API_BODY_BYTES) {
      res.setHeader('connection', 'close');
      req.resume();
      return sendError(res, 413, bodyTooLarge(MAX_API_BODY_BYTES));
    }
    let giveBack = (): void => undefined;
    try {
      // A declared size takes its bytes before reading; one sent without its size, the most it may
      // be, once past the gated size.
      if (declared > GATED_API_BODY_BYTES) giveBack = await bodyGate.take(declared);
      let arg: unknown;
      try {
        const body = await readBody(req, MAX_API_BODY_BYTES, GATED_API_BODY_BYTES, async () => {
          if (!(declared > GATED_API_BODY_BYTES)) giveBack = await bodyGate.take(MAX_API_BODY_BYTES);
        });
        // A body of JSON null (or a number) is a call without an argument, as an empty one is (null
        // read as "not valid JSON").
        arg = body.length ? (decodeWire<{ arg?: unknown } | null>(body.toString('utf8')) as { arg?: unknown } | null)?.arg : undefined;
      } catch (error) {
        return sendError(res, 400, error instanceof AppError ? error : new AppError('INVALID_ARGUMENT', 'The request body is not valid JSON'));
      }
      const result = await callApi(options.api, method, arg, log);
      return sendJson(res, 200, result);
    } finally {
      giveBack();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!isSameOriginRequest(req, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: wrong host or origin');
      return;
    }
    const authed = hasValidToken(req, url, token, url.pathname === '/' || url.pathname === '/download');
    // A wrong token in the address: said at once, in a page.
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token') && !authed) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY }).end(UNAUTHORIZED_PAGE);
      return;
    }
    // The token travels as a header (the WebSocket's and a download link's in their query), which the
    // page keeps in its origin's storage: a cookie went to every server of 127.0.0.1 whatever its port
    // (a browser scopes cookies by host alone), and a second `cutout serve` overwrote the first's.
    // The app's own files (its page, scripts and styles) hold nothing of the user's: served to any page
    // of this origin, which asks for the token where it has none.
    const isGuarded = url.pathname.startsWith('/api/') || url.pathname === '/upload' || url.pathname === '/download';
    if (!authed && isGuarded) {
      sendError(res, 401, new AppError('UNAUTHORIZED', 'Missing or wrong session token; open the address printed by `cutout serve`'));
      return;
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendError(res, 405, new AppError('INVALID_ARGUMENT', 'API calls are POST requests'));
      return handleApiCall(req, res, url.pathname.slice('/api/'.length));
    }

    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return sendError(res, 405, new AppError('INVALID_ARGUMENT', 'Uploads are POST requests'));
      const name = safeFileName(url.searchParams.get('name') ?? 'upload.png');
      // Written under a temporary folder, then kept under a folder named by its content: the same
      // file uploaded again gets the same path, so what the app keeps per path (the editor's
      // touch-up, the engine's decode cache) finds it again. A file of a picked folder (`dir`: the
      // client's name for the pick, then its place in the folder) is kept at that place instead, so
      // the folder is one input whose tree a batch mirrors.
      const tmpDir = join(options.uploadDir, randomUUID());
      const tmpPath = join(tmpDir, name);
      // A file over the limit is answered with its error, read to its end and written nowhere: the
      // connection closed under it said "Is cutout serve still running?" in the page.
      if (Number(req.headers['content-length']) > MAX_IMPORT_BYTES) {
        res.setHeader('connection', 'close');
        req.resume();
        return sendJson(res, 200, { ok: false, error: toWire(tooLargeToImport(name)) });
      }
      try {
        const folder = uploadFolderOf(url.searchParams.get('dir'));
        await mkdir(tmpDir, { recursive: true });
        let size = 0;
        const hash = createHash('sha256');
        // Sent without its length: past the limit the rest is read and dropped, then refused.
        const limit = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            size += chunk.length;
            if (size > MAX_IMPORT_BYTES) return done();
            hash.update(chunk);
            done(null, chunk);
          },
        });
        // An empty file is kept too: it fails where it is used, as the file itself would in the
        // desktop app (one failed row of a batch, not a refused pick of every file with it).
        await pipeline(req, limit, createWriteStream(tmpPath));
        if (size > MAX_IMPORT_BYTES) throw tooLargeToImport(name);
        const dir = folder ? join(options.uploadDir, ...folder) : join(options.uploadDir, hash.digest('hex').slice(0, 32));
        const path = join(dir, name);
        await mkdir(dir, { recursive: true });
        // Kept by its content, the same file uploaded again is the one there already, its time kept:
        // a batch's journal knows a file by its size and time, and "Add files…" of a batch done
        // before, picked again, redid every file (the file written again was a newer one).
        const isThere = !folder && (await stat(path).then((info) => info.isFile() && info.size === size, () => false));
        if (!isThere) await rename(tmpPath, path);
        await rm(tmpDir, { recursive: true, force: true });
        // Used now: kept another week (serve-app's pruneUploads goes by the top folder's time).
        const now = new Date();
        await utimes(join(options.uploadDir, folder ? folder[0] : basename(dir)), now, now).catch(() => undefined);
        // The file's own time (the browser's lastModified): a batch's journal knows a file by its
        // size and time, so the same file picked again is not taken for a changed one.
        // (A picked folder's files only: a file kept by its content may be picked from several.)
        const mtimeMs = Number(url.searchParams.get('mtime'));
        if (folder && Number.isFinite(mtimeMs) && mtimeMs > 0 && mtimeMs < 8.64e15) await utimes(path, new Date(), new Date(mtimeMs)).catch(() => undefined);
        return sendJson(res, 200, { ok: true, value: path });
      } catch (error) {
        await rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
        // A full disk is DISK_FULL, a read-only upload folder OUTPUT_NOT_WRITABLE (an OS error read INTERNAL).
        // (toWriteError passes an AppError through; a cancellation is not a write's error.)
        const known = isCancellation(error) || !(error as NodeJS.ErrnoException)?.code ? error : toWriteError(error, tmpPath);
        return sendJson(res, 200, { ok: false, error: toWire(known) });
      }
    }

    if (url.pathname === '/download') {
      const path = url.searchParams.get('path') ?? '';
      const info = path ? await stat(path).catch(() => null) : null;
      if (!info?.isFile() || !options.isDownloadAllowed(path)) {
        return sendError(res, 404, new AppError('INPUT_NOT_FOUND', `No downloadable file ${path}`));
      }
      // Opened before the answer starts: a file this account may not read is its own error (a
      // read stream's error was unhandled and ended the server, every job with it).
      const unreadable = await assertReadable(path).then(() => null, (error: AppError) => error);
      if (unreadable) return sendError(res, 403, unreadable);
      // Shown in the page only as a picture or a video; anything else (an uploaded .html or .svg would
      // have run as a page of this origin, with its API) is a download, and runs nothing either way.
      const type = contentTypeFor(path);
      const isInline = url.searchParams.get('inline') === '1' && /^(image\/(png|jpeg|gif|webp|avif|bmp|tiff)|video\/)/.test(type);
      res.writeHead(200, {
        'content-type': type,
        'content-length': info.size,
        'content-disposition': `${isInline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(downloadName(path))}`,
        'content-security-policy': "default-src 'none'; sandbox",
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      await sendFileStream(path, res);
      return;
    }

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (await sendStaticFile(options.rendererDir, url.pathname, res)) return;
      if (!url.pathname.includes('.') && (await sendStaticFile(options.rendererDir, '/', res))) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(405, { 'content-type': 'text/plain' }).end('Method not allowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`serve: ${(error as Error)?.stack ?? error}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toWire(error) });
      else res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    // Nothing a request carries may end the server (an event handler's throw is uncaught).
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/events' || !isSameOriginRequest(req, port) || !hasValidToken(req, url, token, true)) {
        socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const remove = options.hub.add({ send: (text) => ws.send(text) });
        ws.on('close', remove);
        ws.on('error', remove);
      });
    } catch (error) {
      log(`serve: upgrade: ${(error as Error)?.message ?? error}`);
      socket.destroy();
    }
  });

  const listen = (at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(options.port ?? 0);
  } catch (error) {
    const isInUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    // A port asked for that is taken is said as such (it read INTERNAL: listen EADDRINUSE).
    if (isInUse && !options.isPortFallback) throw new AppError('INVALID_ARGUMENT', `Port ${options.port} is in use (another Cutout Studio?): pick another with --port N, or --port 0 for any free one`, { cause: error, detail: { port: options.port } });
    if (!isInUse) throw error;
    options.log?.(`Port ${options.port} is in use (another Cutout Studio?): running on another one, where the page does not find the choices it kept on ${options.port}.`);
    await listen(0);
  }
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The folder segments of an upload's `dir` ("folder-1a2b…/photos/2024"): each one a plain name
 * (safeNameSegment; empty, '.' and '..' segments are dropped), the first a pick's name
 * (isUploadFolderName), so an upload can never leave the uploads folder nor land among the
 * content-named ones. Undefined without `dir`; INVALID_ARGUMENT for a bad first segment.
 */
export function uploadFolderOf(dir: string | null): string[] | undefined {
  if (dir === null || dir === '') return undefined;
  const segments = dir.split(/[\\/]/).flatMap((s) => safeNameSegment(s) ?? []);
  if (!isUploadFolderName(segments[0] ?? '')) throw new AppError('INVALID_ARGUMENT', `Bad upload folder ${dir}`);
  return segments;
}

/**
 * The name a download is saved under: its file's, but a batch's report.csv takes its folder's name
 * before it ("photos_report.csv"): every batch's report downloaded as report.csv, then "report (1).csv",
 * with nothing to say which batch it was.
 */
export function downloadName(path: string): string {
  const name = basename(path);
  const folder = basename(dirname(path));
  return name === REPORT_CSV && folder ? `${folder}_${name}` : name;
}
