// One batch at a time into an output folder: a lock held in this process (the engine of the app
// or of `cutout serve`) and a lock file in the folder for another process (the CLI beside the app).
// Two batches into one folder wrote its files in turn, each other's temp files removed as stale,
// and the report of the one that ended last (a page reloaded mid-run started a second batch beside
// the first, which ran on unseen). Core (no electron).
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import { toWriteError } from '../io/atomic-write';

/** The lock file's name in the output folder (hidden: no scan takes it as an input). */
export const BATCH_LOCK_NAME = '.cutout-batch.lock';

/** Output folders (real paths) a batch of this process writes into now. */
const held = new Set<string>();

function busy(outDir: string, by: string): AppError {
  return new AppError('OUTPUT_EXISTS', `A batch is already writing into ${outDir} (${by}): wait for it to end or cancel it, or choose another output folder`, { detail: { path: outDir, batchRunning: true } });
}

/** Whether process `pid` of this machine still runs (signal 0 tests it; EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the output folder `outDir` (which exists) for a batch, or refuses with OUTPUT_EXISTS
 * (`batchRunning`) while another batch writes there: of this process, or of a process of this
 * machine that still runs. A lock file left by a process that ended (killed) is taken over.
 * Returns the release, which the batch calls as it ends, whatever the end.
 */
export async function lockOutputFolder(outDir: string): Promise<() => Promise<void>> {
  const key = await realpath(outDir).catch(() => outDir);
  if (held.has(key)) throw busy(outDir, 'in this app');
  const path = join(outDir, BATCH_LOCK_NAME);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), atMs: Date.now() });
  for (let tries = 0; ; tries++) {
    try {
      await writeFile(path, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw toWriteError(error, path);
      const other = (await readFile(path, 'utf8').then((text) => JSON.parse(text) as unknown, () => null)) as { pid?: unknown; host?: unknown } | null;
      const pid = typeof other?.pid === 'number' ? other.pid : NaN;
      if (other?.host === hostname() && pid !== process.pid && Number.isInteger(pid) && isRunning(pid)) throw busy(outDir, `process ${pid}`);
      // Left by a process that ended (or of another machine's, which a network folder shares: it
      // cannot be asked, and its batch's journal lines still keep the files apart), or by this one.
      await rm(path, { force: true });
    }
  }
  held.add(key);
  return async () => {
    held.delete(key);
    await rm(path, { force: true }).catch(() => undefined);
  };
}
