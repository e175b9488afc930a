// One batch at a time into an output folder: a lock held in this process (the engine of the app
// or of `cutout serve`) and a lock file in the folder for another process (the CLI beside the app).
// Two batches into one folder wrote its files in turn, each other's temp files removed as stale,
// and the report of the one that ended last (a page reloaded mid-run started a second batch beside
// the first, which ran on unseen). Core (no electron).
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { realOrResolved } from '../io/real-path';
import { AppError } from '../../../shared/errors';
import { toWriteError } from '../io/atomic-write';

/** The lock file's name in the output folder (hidden: no scan takes it as an input). */
export const BATCH_LOCK_NAME = '.cutout-batch.lock';

/** How long a lock file that cannot be read yet may be one being written (its few bytes take a moment at most). */
const LOCK_WRITE_MS = 5000;

/** Output folders (real paths) a batch of this process writes into now, each with its batch's signal. */
const held = new Map<string, AbortSignal | undefined>();

function busy(outDir: string, by: string): AppError {
  return new AppError('OUTPUT_EXISTS', `A batch is already writing into ${outDir} (${by}): wait for it to end or cancel it, or choose another output folder`, { detail: { path: outDir, batchRunning: true } });
}

/** A lock file's content, or null when it is none (empty, cut short, not JSON). */
function parseLock(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
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
 * When process `pid` started, as the kernel counts it (Linux's /proc: the 22nd field of its stat),
 * or null where that cannot be read (another system, a process gone). A lock's pid reused by
 * another process after a crash and a reboot ran, and the folder stayed "busy" for good.
 */
export async function processStart(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  // The name in parentheses may hold spaces: the fields after it start at the 3rd.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3] ?? null;
}

/**
 * Takes the output folder `outDir` (which exists) for a batch, or refuses with OUTPUT_EXISTS
 * (`batchRunning`) while another batch writes there: of this process, or of a process of this
 * machine that still runs. A lock file left by a process that ended (killed) is taken over.
 * Returns the release, which the batch calls as it ends, whatever the end. `signal` is the batch's:
 * a batch of this process cancelled and not yet ended is said to be ending.
 */
export async function lockOutputFolder(outDir: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  const key = await realOrResolved(outDir);
  if (held.has(key)) {
    // (Started again at once after a cancel, through the API: "cancel it" named what was done.)
    if (held.get(key)?.aborted) throw new AppError('OUTPUT_EXISTS', `The batch cancelled in ${outDir} is still ending (finishing the files in hand and writing its report): start again in a moment, or choose another output folder`, { detail: { path: outDir, batchRunning: true } });
    throw busy(outDir, 'in this app');
  }
  const path = join(outDir, BATCH_LOCK_NAME);
  const start = await processStart(process.pid);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), atMs: Date.now(), ...(start ? { start } : {}) });
  for (let tries = 0; ; tries++) {
    try {
      await writeFile(path, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) {
        // Made, and not written (a full disk): an empty lock file kept every later batch out
        // ("Unexpected end of JSON input", INTERNAL). Ours to remove (EEXIST is another's).
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await rm(path, { force: true }).catch(() => undefined);
        throw toWriteError(error, path);
      }
      // A lock that cannot be read as one (empty, damaged) is of no batch: taken over, once it is
      // older than a moment (one just made is being written: two batches took the folder).
      const other = (await readFile(path, 'utf8').then(parseLock, () => null)) as { pid?: unknown; host?: unknown; start?: unknown } | null;
      if (other === null) {
        const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
        if (age < LOCK_WRITE_MS) throw busy(outDir, 'another process, starting');
      }
      const pid = typeof other?.pid === 'number' ? other.pid : NaN;
      const isSameProcess = async () => {
        if (typeof other?.start !== 'string') return true;
        const now = await processStart(pid);
        return now === null || now === other.start;
      };
      if (other?.host === hostname() && pid !== process.pid && Number.isInteger(pid) && isRunning(pid) && (await isSameProcess())) throw busy(outDir, `process ${pid}`);
      // Left by a process that ended (or of another machine's, which a network folder shares: it
      // cannot be asked, and its batch's journal lines still keep the files apart), or by this one.
      await rm(path, { force: true });
    }
  }
  held.set(key, signal);
  return async () => {
    held.delete(key);
    await rm(path, { force: true }).catch(() => undefined);
  };
}
