// Session-token and origin checks of the web transport: only a page opened with the printed
// URL (the token, kept in the page's origin storage and sent as a header) on 127.0.0.1 may call
// the API. Node only (`cutout serve`).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Header the token travels in (the page, tests, scripts). */
export const TOKEN_HEADER = 'x-cutout-token';

/** A fresh random session token (256 bits, URL-safe). */
export function createSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

function equalTokens(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when the request carries the token in the header or, where `isQueryAllowed` (the printed
 * address, the WebSocket, a download link), the query: elsewhere a token in a URL would only end up
 * in logs and histories. No cookie: a browser sends a cookie of 127.0.0.1 to every port of it.
 */
export function hasValidToken(req: IncomingMessage, url: URL, token: string, isQueryAllowed = false): boolean {
  const candidates = [req.headers[TOKEN_HEADER] as string | undefined, isQueryAllowed ? (url.searchParams.get('token') ?? undefined) : undefined];
  return candidates.some((c) => typeof c === 'string' && equalTokens(c, token));
}

/**
 * True when Host names this loopback server (defeats DNS rebinding) and Origin, when sent, is
 * this server (defeats cross-site requests from other pages in the same browser).
 */
export function isSameOriginRequest(req: IncomingMessage, port: number): boolean {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!req.headers.host || !allowed.has(req.headers.host)) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return [...allowed].some((h) => origin === `http://${h}`);
}
