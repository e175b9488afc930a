// Temp files of a process that died before it could remove them (killed: kill -9, the OOM killer,
// a power cut): a hidden `.NAME.<pid>.<hex>.part` beside an output (atomic-write.ts), and in the
// system's temp folder an ffmpeg sticker encode (`cutout-sticker-<pid>-…`, which the orphaned
// ffmpeg even finished), an animated WebP's frame copies (`cutout-webp-frames-<pid>-…`) or a
// server's session folder (`cutout-serve-<pid>-…`). Each names its process; one whose process is
// gone and that was last written a while ago is removed: an output folder's the first time this
// process writes there, the temp folder's once a process. A live process's (another command writing
// there now) is left, and so is a recent one: a process in another container or on another computer
// (a shared folder) has an id this one cannot see, and looks gone. Core (no electron).
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a process of this id is running (one of another user's is: kill answers EPERM). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A temp file's name beside an output (tempPathFor): `.NAME.<pid>.<8 hex>.part`. */
export const OUTPUT_TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.part$/;
/** This app's files and folders in the system's temp folder, by the process that made them. */
const SYSTEM_TEMP_NAME = /^cutout-(?:sticker|webp-frames|serve)-(\d+)-/;

/** How long a dead process's output temp file is left (a writer this process cannot see updates it as it writes). */
const OUTPUT_TEMP_AGE_MS = 10 * 60 * 1000;
/** How long a dead process's file or folder in the system's temp folder is left (a server's session folder may sit unchanged for long). */
const SYSTEM_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

const sweptFolders = new Set<string>();

/** Removes the output temp files (OUTPUT_TEMP_NAME) of dead processes in `dir`, the first time it is asked for that folder. Never fails. */
export async function removeDeadOutputTemps(dir: string): Promise<void> {
  if (sweptFolders.has(dir)) return;
  sweptFolders.add(dir);
  await removeDead(dir, OUTPUT_TEMP_NAME, OUTPUT_TEMP_AGE_MS);
}

/**
 * Removes every output temp file (OUTPUT_TEMP_NAME) but this process's in `dir` and its folders,
 * whatever their age: for a caller that holds the folder (a batch, whose lock no other writer
 * passes), a killed run's are all left over. Never fails.
 */
export async function removeOutputTempsOfOthers(dir: string, depth = 0): Promise<void> {
  if (depth > 32) return;
  sweptFolders.add(dir);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await removeOutputTempsOfOthers(path, depth + 1);
    else if (e.isFile() && OUTPUT_TEMP_NAME.test(e.name) && !e.name.includes(`.${process.pid}.`)) await rm(path, { force: true }).catch(() => undefined);
  }
}

let systemSwept: Promise<void> | null = null;

/** Removes this app's temp files and folders of dead processes in the system's temp folder, once a process. Never fails. */
export function removeDeadSystemTemps(): Promise<void> {
  systemSwept ??= removeDead(tmpdir(), SYSTEM_TEMP_NAME, SYSTEM_TEMP_AGE_MS);
  return systemSwept;
}

async function removeDead(dir: string, pattern: RegExp, minAgeMs: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || isProcessAlive(Number(m[1]))) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs >= minAgeMs) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}
