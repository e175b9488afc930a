// Serves the built renderer (out/renderer) with a strict CSP; refuses paths outside its folder.
// Node only (`cutout serve`).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../platform/csp';

/** Re-exported: the one CSP of the app page. */
export { CONTENT_SECURITY_POLICY };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

/** The MIME type for a file name. */
export function contentTypeFor(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Sends `urlPath` from `rootDir` (index.html for '/'); false when there is no such file. */
export async function sendStaticFile(rootDir: string, urlPath: string, res: ServerResponse): Promise<boolean> {
  const root = resolve(rootDir);
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return false;
  }
  const file = resolve(join(root, normalize(rel)));
  if (file !== root && !file.startsWith(root + sep)) return false;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'content-type': contentTypeFor(file),
    'content-length': info.size,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': file.endsWith('.html') ? 'no-store' : 'max-age=3600',
  });
  await sendFileStream(file, res);
  return true;
}

/**
 * Streams a file as the body of an answer already begun. A read that fails on the way (the file
 * removed or its rights changed since it was checked) ends this answer alone: `.pipe` left the
 * stream's error unhandled, and Node ended the server with it.
 */
export async function sendFileStream(path: string, res: ServerResponse): Promise<void> {
  await pipeline(createReadStream(path), res).catch(() => {
    if (!res.destroyed) res.destroy();
  });
}
