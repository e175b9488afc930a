// The Content-Security-Policy of the app page, the same on the desktop (app:// protocol) and in
// the browser (`cutout serve`). Main process / Node; no electron.

/** Scripts only from the app itself; no eval, no remote code; inline styles allowed (Svelte style: directives). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
