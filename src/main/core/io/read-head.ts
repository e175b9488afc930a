// The first bytes of a file, to know what it is by its signature (a BMP, a HEIC) before handing it
// to a decoder; and whether it may be read at all. Core (no electron).
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';

/** Whether an fs error is a refused permission (not a missing file). */
function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** INPUT_NOT_READABLE for `path` (a file or a folder this account may not read). */
export function notReadable(path: string, cause?: unknown): AppError {
  return new AppError('INPUT_NOT_READABLE', `Cannot read ${path}: permission denied (check that this account may read it, or copy it somewhere it may)`, { cause, detail: { path } });
}

/**
 * Refuses an input this account may not read with INPUT_NOT_READABLE, before a decoder or ffmpeg
 * meets it (their EACCES read as INTERNAL: "Internal error: EACCES: permission denied, open …").
 */
export async function assertReadable(path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    if (isPermissionError(error)) throw notReadable(path, error);
  }
}

/** The first `length` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(length);
    const { bytesRead } = await file.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Runs `use` with a reader of the file's bytes at any offset (fewer at its end), the file open meanwhile. */
export async function withFileReader<T>(path: string, use: (readAt: (offset: number, length: number) => Promise<Uint8Array>) => Promise<T>): Promise<T> {
  const file = await open(path, 'r');
  try {
    return await use(async (offset, length) => {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await file.read(bytes, 0, length, offset);
      return bytes.subarray(0, bytesRead);
    });
  } finally {
    await file.close();
  }
}

/**
 * Whether a file's first bytes are text (a note, a web page, an error page saved under a video's
 * name): valid UTF-8 without NUL bytes, with hardly any control characters but tab, line feed,
 * carriage return and form feed. Media files hold NULs or bytes UTF-8 refuses within their first few
 * hundred bytes. The first 4 KB are looked at.
 */
export function holdsText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  if (head.length === 0 || head.includes(0)) return false;
  // A character cut at the end of the head is not a fault of the file's.
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, utf8Boundary(head)));
  } catch {
    return false;
  }
  // Nothing whole to read (a file of a cut multi-byte character) is no text.
  if (text.length === 0) return false;
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127) controls++;
  }
  return controls <= text.length / 100;
}

/** Where the last whole UTF-8 character of `bytes` ends. */
function utf8Boundary(bytes: Uint8Array): number {
  const end = bytes.length;
  // Back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let i = end - 1;
  while (i >= 0 && i > end - 4 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0) return end;
  const lead = bytes[i];
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + size > end ? i : end;
}
