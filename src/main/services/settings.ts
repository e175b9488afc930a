// Persisted user settings and recent files: JSON files in the user-data folder, written
// atomically, validated on read (a broken file falls back to defaults). Main process and
// `cutout serve`; Node only, never electron (the folder arrives as an argument).
import { randomUUID } from 'node:crypto';
import { copyFile, open, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RecentFile, RecentMedia } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../../shared/settings';
import { writeFileAtomic } from '../core/io/atomic-write';
import { isRecentShownAs } from '../../shared/media';
import { parseUserJson } from '../core/io/user-json';

/** The kinds a recent file may be opened as. */
const RECENT_MEDIA = ['images', 'videos'] as const satisfies readonly RecentMedia[];

/** How many recent files are kept. */
export const MAX_RECENT_FILES = 20;

async function readJson(path: string): Promise<unknown> {
  try {
    return parseUserJson(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** How long a change waits for another process's change to the settings file before it goes on. */
const SETTINGS_LOCK_WAIT_MS = 2000;
/** A settings lock file older than this was left by a process that ended mid-change: taken over. */
const SETTINGS_LOCK_STALE_MS = 5000;

/**
 * Runs `task` holding `lockPath` (made exclusively, holding a token of this change): two processes
 * that change the settings at the same moment (`cutout serve` beside the desktop app) each read the
 * file after the other's write, where both read it first and the later write lost the earlier
 * change. A lock left by a process that ended is taken over (takeOverStale). Where no lock can be
 * made (a read-only folder, a folder in its place), or one is held past SETTINGS_LOCK_WAIT_MS, the
 * change goes on unlocked: the lock never stops a change (a folder in its place failed every one).
 */
async function whileLocked<T>(lockPath: string, task: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SETTINGS_LOCK_WAIT_MS;
  const token = randomUUID();
  let isLocked = false;
  while (!isLocked && Date.now() <= deadline) {
    try {
      await writeFile(lockPath, token, { flag: 'wx' });
      isLocked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') break;
      const held = await heldLock(lockPath);
      if (held === null) break;
      if (!(held.isStale && (await takeOverStale(lockPath, held.token)))) await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
    }
  }
  try {
    return await task();
  } finally {
    // Removed only while it is still this change's (a lock taken over as stale is another's now).
    if (isLocked && (await readFile(lockPath, 'utf8').catch(() => null)) === token) await rm(lockPath, { force: true }).catch(() => undefined);
  }
}

/**
 * The lock file at `lockPath`: its token and whether it is stale (its time and token read from one
 * open file, so they are of the same lock); `{ token: null }` when it went meanwhile; null when it is
 * no file (a folder: no lock can be made there).
 */
async function heldLock(lockPath: string): Promise<{ token: string | null; isStale: boolean } | null> {
  let file;
  try {
    file = await open(lockPath, 'r');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { token: null, isStale: false } : null;
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) return null;
    return { token: await file.readFile('utf8'), isStale: Date.now() - info.mtimeMs > SETTINGS_LOCK_STALE_MS };
  } catch {
    return null;
  } finally {
    await file.close().catch(() => undefined);
  }
}

/**
 * Removes the stale lock whose token is `token`, and only it; true when it is gone. Takers take
 * turns (a guard file made exclusively) and look again under it, so none removes a lock made since
 * it was judged stale: two takers at once had each removed it, one the other's fresh lock, and a
 * change was lost (3 of 20 runs of two processes).
 */
async function takeOverStale(lockPath: string, token: string | null): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  try {
    await writeFile(guard, '', { flag: 'wx' });
  } catch (error) {
    // Another taker's turn; a guard left by one that ended mid-turn goes once it is stale too.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const held = await heldLock(guard);
      if (held?.isStale) await rm(guard, { force: true }).catch(() => undefined);
    }
    return false;
  }
  try {
    const held = await heldLock(lockPath);
    if (held?.isStale && held.token === token) await rm(lockPath, { force: true });
    return true;
  } catch {
    return false;
  } finally {
    await rm(guard, { force: true }).catch(() => undefined);
  }
}

/** Settings and recent files of one user-data folder. */
export class SettingsStore {
  private settings: Settings = DEFAULT_SETTINGS;
  private recent: RecentFile[] = [];
  private readonly listeners = new Set<(settings: Settings) => void>();
  /** The last write queued (inTurn): settings and recent files are written one at a time. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Where a settings file that could not be read was kept (settings.json.bad), until a change is saved. */
  private keptUnread: string | undefined;

  private constructor(private readonly dir: string) {}

  /**
   * Loads (or defaults) the settings and recent files kept in `dir`. A settings file that is not
   * JSON (edited by hand, cut short) is kept as settings.json.bad: the first change wrote the
   * defaults over it, and the user's values were lost.
   */
  static async open(dir: string): Promise<SettingsStore> {
    const store = new SettingsStore(dir);
    const path = join(dir, 'settings.json');
    const text = await readFile(path, 'utf8').catch(() => null);
    let saved: unknown;
    try {
      saved = text === null ? undefined : parseUserJson(text);
    } catch {
      if (text!.trim() !== '') {
        const kept = `${path}.bad`;
        store.keptUnread = await copyFile(path, kept).then(() => kept, () => undefined);
      }
    }
    store.settings = parseSettings(saved);
    const raw = await readJson(join(dir, 'recent-files.json'));
    store.recent = Array.isArray(raw)
      ? raw
          .filter((r): r is RecentFile => !!r && typeof r.path === 'string' && typeof r.openedAtMs === 'number')
          .map((r) => ({ path: r.path, name: basename(r.path), openedAtMs: r.openedAtMs, ...openedAsOf(r.openedAs) }))
          .slice(0, MAX_RECENT_FILES)
      : [];
    return store;
  }

  /** The current settings. */
  get(): Settings {
    return this.settings;
  }

  /**
   * The copy of a settings file that could not be read as it was found at start (the defaults are
   * in use), until a change is saved; undefined when it was read. The app says so (it said nothing).
   */
  get unreadKeptAs(): string | undefined {
    return this.keptUnread;
  }

  /**
   * The settings once the changes asked before are saved: what a page reads (a page reloaded just
   * after a change read the one before, as a change is taken only once it is saved).
   */
  saved(): Promise<Settings> {
    return this.inTurn(async () => this.settings);
  }

  /**
   * Merges a patch (invalid fields ignored), persists it and notifies listeners. Changes are saved
   * one after another, each on the file as the last one left it: several at once (a held arrow key
   * on a slider) had their writes finish in any order, and the file kept an older value than the
   * app showed (68 of 100 runs of three at once). Each merges onto the file as it is now, so a
   * change another process saved there (`cutout serve` and the desktop app share the folder) is
   * kept, not written over with this one's older copy. A write that fails changes nothing: the
   * settings stay as saved, and the error says the settings file (OUTPUT_NOT_WRITABLE
   * `settingsFile`; it was said as the export's folder, and the next change saved this one unsaid).
   */
  async set(patch: unknown): Promise<Settings> {
    const changes = patch && typeof patch === 'object' ? patch : {};
    const path = join(this.dir, 'settings.json');
    return this.inTurn(() => whileLocked(`${path}.lock`, async () => {
      const saved = await readJson(path);
      const base = saved === undefined ? this.settings : parseSettings(saved, this.settings);
      const merged = parseSettings({ ...base, ...changes }, base);
      // Keys this version does not know (a newer one's, written by it into the same folder) are
      // kept in the file: they were dropped at the first change.
      const unknown = saved && typeof saved === 'object' && !Array.isArray(saved) ? Object.fromEntries(Object.entries(saved).filter(([key]) => !(key in DEFAULT_SETTINGS))) : {};
      await writeFileAtomic(path, JSON.stringify({ ...unknown, ...merged }, null, 2)).catch((error: unknown) => {
        throw error instanceof AppError ? new AppError(error.code, error.message, { cause: error, detail: { ...(error.detail as object | undefined), settingsFile: true } }) : error;
      });
      this.settings = merged;
      this.keptUnread = undefined;
      for (const l of this.listeners) l(merged);
      return merged;
    }));
  }

  /** Runs `task` after the writes before it have finished (failed or not). */
  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.writes.then(task, task);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Recent files, most recent first. */
  recentFiles(): RecentFile[] {
    return this.recent;
  }

  /** Moves the paths to the front of the recent list and persists it (in turn, as set). */
  async addRecentFiles(paths: string[], openedAs?: RecentMedia, nowMs = Date.now()): Promise<RecentFile[]> {
    return this.inTurn(async () => {
      // A file opened both ways (a GIF cut out and made a sticker) stays in both lists.
      const before = new Map(this.recent.map((r) => [r.path, r.openedAs ?? []]));
      const fresh = paths.map((path, i) => {
        const kinds = [...new Set([...(before.get(path) ?? []), ...(openedAs ? [openedAs] : [])])].sort();
        return { path, name: basename(path), openedAtMs: nowMs - i, ...(kinds.length ? { openedAs: kinds } : {}) };
      });
      const seen = new Set(paths);
      const recent = [...fresh, ...this.recent.filter((r) => !seen.has(r.path))].slice(0, MAX_RECENT_FILES);
      await writeFileAtomic(join(this.dir, 'recent-files.json'), JSON.stringify(recent));
      this.recent = recent;
      return recent;
    });
  }

  /**
   * Empties the recent list, or only the files a drop zone of `media` lists (a file opened both
   * ways, a GIF, stays listed the other way); returns what is left.
   */
  async clearRecentFiles(media?: RecentMedia): Promise<RecentFile[]> {
    return this.inTurn(async () => {
      const kept = media === undefined ? [] : this.recent.flatMap((r) => {
        if (!isRecentShownAs(r, media)) return [r];
        const others = (r.openedAs ?? RECENT_MEDIA.filter((m) => isRecentShownAs({ path: r.path }, m))).filter((m) => m !== media);
        return others.length > 0 ? [{ ...r, openedAs: others }] : [];
      });
      await writeFileAtomic(join(this.dir, 'recent-files.json'), JSON.stringify(kept));
      this.recent = kept;
      return kept;
    });
  }
}

/** The stored openedAs, kept only as known kinds. */
function openedAsOf(value: unknown): { openedAs?: RecentMedia[] } {
  const kinds = Array.isArray(value) ? value.filter((v): v is RecentMedia => v === 'images' || v === 'videos') : [];
  return kinds.length ? { openedAs: [...new Set(kinds)].sort() } : {};
}
