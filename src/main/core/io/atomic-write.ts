// Atomic output files: write to a temp file in the same folder, fsync, rename over the target.
// Maps OS errors to DISK_FULL / OUTPUT_NOT_WRITABLE. Core (no electron).
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError, CancelledError } from '../../../shared/errors';
import { removeDeadOutputTemps } from './stale-temps';
import { realOrResolved } from './real-path';

/** Maps a filesystem error while writing `path` to an AppError with a code. */
export function toWriteError(error: unknown, path: string): AppError {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (error instanceof AppError) return error;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new AppError('DISK_FULL', `The disk is full (or over quota) while writing ${path}. Free some space and try again.`, {
      cause: error,
      detail: { path, errno: code },
    });
  }
  if (code === 'ENAMETOOLONG') {
    // The name itself, or (with a legal name) the whole path: a deep folder tree on a system with a short path limit.
    const nameBytes = Buffer.byteLength(basename(path));
    const why = nameBytes > MAX_NAME_BYTES ? `its name is too long (${nameBytes} bytes; at most ${MAX_NAME_BYTES}). Use a shorter name.` : 'its path is too long for this system. Use a folder nearer the top of the disk, or shorter names.';
    return new AppError('OUTPUT_NOT_WRITABLE', `Cannot write ${path}: ${why}`, { cause: error, detail: { path, errno: code, nameTooLong: true } });
  }
  // mkdir through a path with a file in it ("in/photo.jpg/x.png"): EEXIST or ENOTDIR. Said as such.
  const blocker = code === 'EEXIST' || code === 'ENOTDIR' ? fileInTheWay(path) : null;
  if (blocker) {
    return new AppError('OUTPUT_NOT_WRITABLE', `Cannot write ${path}: ${blocker} is a file, not a folder.`, { cause: error, detail: { path, errno: code, blocker } });
  }
  // A folder that could not be made under a read-only one: mkdir -p tells ENOENT on a read-only
  // mount ("no such file or directory, mkdir"), which read as if something were missing; a mkdir
  // in a folder this user may not write in tells EACCES, which read "the folder is read-only or not
  // a folder" of the one not there.
  const made = error as NodeJS.ErrnoException;
  const isMkdirRefused = (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') && made.syscall === 'mkdir' && typeof made.path === 'string';
  const readOnlyAbove = code === 'ENOENT' ? readOnlyAncestor(dirname(path)) : isMkdirRefused ? dirname(made.path!) : null;
  if (readOnlyAbove) {
    return new AppError('OUTPUT_NOT_WRITABLE', `Cannot write ${path}: the folder ${readOnlyAbove} is read-only, so no folder can be made in it.`, { cause: error, detail: { path, errno: code, readOnly: readOnlyAbove } });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new AppError('OUTPUT_NOT_WRITABLE', `Cannot write ${path}: the folder is read-only or not a folder (${code}).`, {
      cause: error,
      detail: { path, errno: code },
    });
  }
  return new AppError('OUTPUT_NOT_WRITABLE', `Cannot write ${path}: ${(error as Error)?.message ?? String(error)}`, { cause: error, detail: { path, errno: code } });
}

/** The nearest part of `path` (itself or a parent) that exists as a file, when one stands where a folder must be. */
function fileInTheWay(path: string): string | null {
  for (let dir = path; ; dir = dirname(dir)) {
    const info = statSyncOrNull(dir);
    if (info) return info.isDirectory() ? null : dir;
    if (dirname(dir) === dir) return null;
  }
}

function canWrite(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest existing folder above or at `dir`, when it cannot be written to; null when it can (or none exists). */
export function readOnlyAncestor(dir: string, isWritable: (dir: string) => boolean = canWrite): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const info = statSyncOrNull(d);
    if (info) return info.isDirectory() && !isWritable(d) ? d : null;
    if (dirname(d) === d) return null;
  }
}

function statSyncOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The longest file name (bytes of UTF-8) most file systems take: ext4, APFS, NTFS (255 UTF-16 units, more bytes). */
export const MAX_NAME_BYTES = 255;

/** `text` cut at a character so its UTF-8 takes at most `maxBytes` bytes. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const chars = [...text];
  while (chars.length > 0 && Buffer.byteLength(chars.join('')) > maxBytes) chars.pop();
  return chars.join('');
}

/**
 * Bytes a generated name keeps free for what may be added to it: a -2 … -99999 for a name taken,
 * and a companion's "_sheet" (an ID photo's print sheet beside it).
 */
export const NAME_ROOM_BYTES = 16;

/**
 * An input's stem as it goes into a generated output name whose other parts (suffix, extension,
 * the template's words) take `otherBytes`, `times` times over (a template naming it twice): cut
 * at a character so the name and what may be added to it fit MAX_NAME_BYTES. A 248-byte input
 * name's "_cutout.png" was refused as too long (a photo named by a long title, or in Chinese: 85
 * characters are 255 bytes).
 */
export function fitStem(stem: string, otherBytes: number, times = 1): string {
  const room = Math.floor((MAX_NAME_BYTES - NAME_ROOM_BYTES - otherBytes) / Math.max(1, times));
  return room > 0 ? cutToBytes(stem, room) : stem;
}

/**
 * The temp-file name used next to `path` while it is written (hidden, unique, `.part`). The output's
 * name is cut (at a character) so the temp name fits MAX_NAME_BYTES: a long but legal output name
 * must not fail for its temp name.
 */
export function tempPathFor(path: string): string {
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  const room = MAX_NAME_BYTES - 1 - Buffer.byteLength(suffix);
  return join(dirname(path), `.${cutToBytes(basename(path), room)}${suffix}`);
}

/**
 * Writes `data` to `path` atomically: readers see the old file or the whole new one, never a
 * partial one, and a failure leaves no temp file behind. With a signal, a cancel that arrives
 * while the bytes are written drops them instead of renaming (CancelledError): a cancelled job
 * leaves no output.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { signal?: AbortSignal } = {}): Promise<void> {
  const target = resolve(path);
  await assertReplaceable(target);
  const tmp = tempPathFor(target);
  // The folders this write made, taken away again (when empty) if it fails: a write refused for a
  // full disk or a name too long left a new, empty folder behind.
  let made: string[] = [];
  try {
    made = await makeFolders(dirname(target));
    // What a killed run left here (its hidden .part), once a folder.
    await removeDeadOutputTemps(dirname(target));
    // Another write's failure may take away a folder this one found there a moment ago: made again.
    const handle = await open(tmp, 'wx').catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      made = [...made, ...(await makeFolders(dirname(target)))];
      return open(tmp, 'wx');
    });
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.signal?.aborted) throw new CancelledError();
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    await removeMadeFolders(made);
    if (error instanceof CancelledError) throw error;
    throw toWriteError(error, target);
  }
}

/**
 * Makes `dir` and the folders above it that are missing, as `mkdir -p`, and returns those it made
 * (the topmost first). Node's own recursive mkdir
 * never returns (at 100 % CPU) where a folder cannot be made in one that is there (/proc/x: the
 * command hung); one level at a time, that fails with the system's error (ENOENT, EACCES, ENOTDIR).
 */
export async function makeFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; ) {
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
    if (info) {
      if (!info.isDirectory()) throw Object.assign(new Error(`not a directory: ${at}`), { code: 'ENOTDIR', path: at });
      break;
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    await mkdir(folder).then(
      () => made.push(folder),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
  }
  return made;
}

/** Removes the folders makeFolders made, deepest first; one that holds something (another file's write) stays. */
export async function removeMadeFolders(made: readonly string[]): Promise<void> {
  for (const folder of [...made].reverse()) await rmdir(folder).catch(() => undefined);
}

/**
 * Refuses to replace what is at `path` unless it is nothing, a file or a symbolic link (the link is
 * replaced by the new file and what it pointed to is left as it was: a link in an output folder to
 * a user's file, or to another input of a batch, never has that file written over), with
 * OUTPUT_NOT_WRITABLE: a folder, and a device or a named pipe (as root, `-o /dev/null` replaced the
 * system's /dev/null with a picture).
 */
export async function assertReplaceable(path: string): Promise<void> {
  const info = await lstat(path).catch(() => null);
  if (!info || info.isFile() || info.isSymbolicLink()) return;
  const what = info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a file';
  // Said for a name the user gave and for one a batch chose alike ("name a file to write" read
  // oddly in a batch, whose user named no file).
  throw new AppError('OUTPUT_NOT_WRITABLE', `Cannot write ${path}: it is ${what}, not a file; move or rename it, or write to another name.`, { detail: { path, notAFile: what } });
}

/**
 * Makes `dir` (and the folders above it) and checks a file can be written in it, before any work
 * is done for it: OUTPUT_NOT_WRITABLE (or DISK_FULL) naming why, as a write there would. With
 * `leaveNothing`, the folders it made are removed again (the write at the end makes them): a
 * command refused afterwards, or whose input is missing, leaves no empty folder behind.
 */
export async function ensureWritableFolder(dir: string, options: { leaveNothing?: boolean } = {}): Promise<void> {
  const target = resolve(dir);
  const probe = tempPathFor(join(target, '.cutout-write-check'));
  let made: string[] = [];
  try {
    made = await makeFolders(target);
    const handle = await open(probe, 'wx');
    await handle.close();
  } catch (error) {
    throw toWriteError(error, target);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
    if (options.leaveNothing) await removeMadeFolders(made);
  }
}

/** Refuses an output path that is one of the inputs (inputs are never overwritten). */
export async function assertNotAnInput(output: string, inputs: readonly string[]): Promise<void> {
  const out = await realOrResolved(output);
  for (const input of inputs) {
    if ((await realOrResolved(input)) === out) {
      throw new AppError('OUTPUT_EXISTS', `Refusing to overwrite the input ${input}; choose another output.`, { detail: { path: input } });
    }
  }
}

/**
 * Checks the files a command is about to write: none is one of its inputs (OUTPUT_EXISTS, as
 * assertNotAnInput), and no two are the same file (INVALID_ARGUMENT: the later would replace the
 * earlier, e.g. an ID photo's report written over the photo). `what` names each in the message.
 */
export async function assertSeparateOutputs(outputs: readonly { path: string; what: string }[], inputs: readonly string[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const { path, what } of outputs) {
    await assertNotAnInput(path, inputs);
    // Apart from Linux, file systems take P.jpg and p.jpg for one file.
    const real = await realOrResolved(path);
    const key = process.platform === 'linux' ? real : real.toLowerCase();
    const other = seen.get(key);
    if (other) throw new AppError('INVALID_ARGUMENT', `${what} and ${other} name the same file ${path}: one would replace the other; name them apart.`, { detail: { path } });
    seen.set(key, what);
  }
}

