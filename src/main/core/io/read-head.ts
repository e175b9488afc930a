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
