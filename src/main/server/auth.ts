// Session-token and origin checks of the web transport: only a page opened with the printed
// URL (token -> HttpOnly cookie) on 127.0.0.1 may call the API. Node only (`cutout serve`).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the session cookie. */
export const TOKEN_COOKIE = 'cutout_token';
/** Header a non-browser client (tests, scripts) may send instead of the cookie. */
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
 * Every value of the cookie `name` the request carries (a page on another port of 127.0.0.1 shares
 * the cookie jar, and may set one of the name for a narrower path, which the browser sends first).
 * A value that is not valid percent-encoding is skipped: decodeURIComponent threw, and in the
 * WebSocket upgrade that ended the server ("cutout_token=%E0").
 */
export function readCookies(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      values.push(decodeURIComponent(v.join('=')));
    } catch {
      // Not a value this server set.
    }
  }
  return values;
}

/**
 * True when the request carries the token in a cookie, the header or, where `isQueryAllowed` (the
 * printed address, the WebSocket, a download link), the query: elsewhere a token in a URL would
 * only end up in logs and histories.
 */
export function hasValidToken(req: IncomingMessage, url: URL, token: string, isQueryAllowed = false): boolean {
  const candidates = [...readCookies(req, TOKEN_COOKIE), req.headers[TOKEN_HEADER] as string | undefined, isQueryAllowed ? (url.searchParams.get('token') ?? undefined) : undefined];
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
