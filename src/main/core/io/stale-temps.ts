// Temp files of a process that died before it could remove them (killed: kill -9, the OOM killer,
// a power cut): a hidden `.NAME.<pid>.<hex>.part` beside an output (atomic-write.ts), and in the
// system's temp folder an ffmpeg sticker encode (`cutout-sticker-<pid>-…`, which the orphaned
// ffmpeg even finished), an animated WebP's frame copies (`cutout-webp-frames-<pid>-…`) or a
// server's session folder (`cutout-serve-<pid>-…`). Each names its process; one whose process is
// gone is removed: an output folder's the first time this process writes there, the temp folder's
// once a process. A live process's (another command writing there now) is left. Core (no electron).
import { readdir, rm } from 'node:fs/promises';
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

const sweptFolders = new Set<string>();

/** Removes the output temp files (OUTPUT_TEMP_NAME) of dead processes in `dir`, the first time it is asked for that folder. Never fails. */
export async function removeDeadOutputTemps(dir: string): Promise<void> {
  if (sweptFolders.has(dir)) return;
  sweptFolders.add(dir);
  await removeDead(dir, OUTPUT_TEMP_NAME);
}

let systemSwept: Promise<void> | null = null;

/** Removes this app's temp files and folders of dead processes in the system's temp folder, once a process. Never fails. */
export function removeDeadSystemTemps(): Promise<void> {
  systemSwept ??= removeDead(tmpdir(), SYSTEM_TEMP_NAME);
  return systemSwept;
}

async function removeDead(dir: string, pattern: RegExp): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = pattern.exec(name);
    if (m && !isProcessAlive(Number(m[1]))) await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
