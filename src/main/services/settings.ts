// Persisted user settings and recent files: JSON files in the user-data folder, written
// atomically, validated on read (a broken file falls back to defaults). Main process and
// `cutout serve`; Node only, never electron (the folder arrives as an argument).
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RecentFile, RecentMedia } from '../../shared/api';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../../shared/settings';
import { writeFileAtomic } from '../core/io/atomic-write';

/** How many recent files are kept. */
export const MAX_RECENT_FILES = 20;

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Settings and recent files of one user-data folder. */
export class SettingsStore {
  private settings: Settings = DEFAULT_SETTINGS;
  private recent: RecentFile[] = [];
  private readonly listeners = new Set<(settings: Settings) => void>();

  private constructor(private readonly dir: string) {}

  /** Loads (or defaults) the settings and recent files kept in `dir`. */
  static async open(dir: string): Promise<SettingsStore> {
    const store = new SettingsStore(dir);
    store.settings = parseSettings(await readJson(join(dir, 'settings.json')));
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

  /** Merges a patch (invalid fields ignored), persists it and notifies listeners. */
  async set(patch: unknown): Promise<Settings> {
    const merged = parseSettings({ ...this.settings, ...(patch && typeof patch === 'object' ? patch : {}) }, this.settings);
    this.settings = merged;
    await writeFileAtomic(join(this.dir, 'settings.json'), JSON.stringify(merged, null, 2));
    for (const l of this.listeners) l(merged);
    return merged;
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

  /** Moves the paths to the front of the recent list and persists it. */
  async addRecentFiles(paths: string[], openedAs?: RecentMedia, nowMs = Date.now()): Promise<RecentFile[]> {
    // A file opened both ways (a GIF cut out and made a sticker) stays in both lists.
    const before = new Map(this.recent.map((r) => [r.path, r.openedAs ?? []]));
    const fresh = paths.map((path, i) => {
      const kinds = [...new Set([...(before.get(path) ?? []), ...(openedAs ? [openedAs] : [])])].sort();
      return { path, name: basename(path), openedAtMs: nowMs - i, ...(kinds.length ? { openedAs: kinds } : {}) };
    });
    const seen = new Set(paths);
    this.recent = [...fresh, ...this.recent.filter((r) => !seen.has(r.path))].slice(0, MAX_RECENT_FILES);
    await writeFileAtomic(join(this.dir, 'recent-files.json'), JSON.stringify(this.recent));
    return this.recent;
  }

  /** Empties the recent list. */
  async clearRecentFiles(): Promise<void> {
    this.recent = [];
    await writeFileAtomic(join(this.dir, 'recent-files.json'), '[]');
  }
}

/** The stored openedAs, kept only as known kinds. */
function openedAsOf(value: unknown): { openedAs?: RecentMedia[] } {
  const kinds = Array.isArray(value) ? value.filter((v): v is RecentMedia => v === 'images' || v === 'videos') : [];
  return kinds.length ? { openedAs: [...new Set(kinds)].sort() } : {};
}
