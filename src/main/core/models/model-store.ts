// Finds model files in the models folders, verifies their sha256 (cached by size + mtime) and
// merges user descriptors (`*.model.json`) with the app manifest. Core: paths arrive as arguments.
import { createHash } from 'node:crypto';
import { constants as fsConstants, createReadStream, statSync } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { isUsableState } from '../../../shared/models';
import { writeFileAtomic } from '../io/atomic-write';
import { loadManifestFile, parseModelEntry, type ModelEntry, type ModelTask } from './manifest';
import { parseUserJson } from '../io/user-json';

/** A manifest entry together with where its file is (if anywhere) and whether it checked out. */
export interface ModelStatus {
  entry: ModelEntry;
  path: string | null;
  state: 'ok' | 'missing' | 'corrupt' | 'unpinned' | 'unreadable';
  actualSha256?: string;
  /** unreadable: the OS's reason (EACCES: permission denied). */
  reason?: string;
  /** Damaged or unreadable copies in earlier folders, passed over for this one (said by `cutout models`). */
  passedOver?: ModelStatus[];
}

/** A task's models in the order its model in use is chosen: the task's default first, then the manifest's order. */
function inChoiceOrder<T>(models: readonly T[], entryOf: (model: T) => ModelEntry): T[] {
  const isDefault = (model: T): number => Number(entryOf(model).default === true);
  return [...models].sort((a, b) => isDefault(b) - isDefault(a));
}

/**
 * Of the checked models of one task, the one ModelStore.defaultFor runs (its default, else the
 * first usable one) and the default it replaces (not usable), for lists that say so (Settings).
 */
export function modelInUse(statuses: readonly ModelStatus[]): { inUse?: ModelStatus; replaces?: ModelStatus } {
  const inUse = inChoiceOrder(statuses, (s) => s.entry).find((s) => isUsableState(s.state));
  const own = statuses.find((s) => s.entry.default === true);
  return { inUse, replaces: own && inUse && own !== inUse ? own : undefined };
}

/** A user descriptor (`*.model.json`) left out of the entries, and why. */
export interface SkippedDescriptor {
  path: string;
  /** Its id, when it names one. */
  id?: string;
  /** The id its file's name gives (`my-model.model.json`: my-model), by which it is looked up too (leftOutNamed): one not JSON names none, one may name no simple name. */
  fileId?: string;
  error: AppError;
}

/** Options of a ModelStore. */
export interface ModelStoreOptions {
  /** Folders searched in order for model files and user descriptors. */
  modelsDirs: string[];
  /** The app manifest (resources/models/manifest.json). */
  manifestPath: string;
  /** JSON file that caches sha256 by path + size + mtime; omitted: in-memory only. */
  hashCachePath?: string;
  /**
   * Told when a task's default model cannot be used (missing, or its file's sha256 is not the
   * manifest's) and defaultFor takes another: the CLI says so on stderr, once per model.
   */
  onDefaultSkipped?: (skipped: ModelStatus, used: ModelEntry) => void;
}

/** Options of ModelStore.check and list. */
export interface CheckOptions {
  /**
   * Hash each file again rather than trust the cache (kept by size and time): a file damaged in
   * place with its time kept (a disk's rot, a tool that restores times) read as ok in `cutout
   * models`, whose job is to verify. The new hash goes into the cache, so later runs see it too.
   */
  rehash?: boolean;
}

interface HashCacheRecord {
  bytes: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * The models folders in search order: `CUTOUT_MODELS_DIR` first (may list several folders
 * separated by the OS path delimiter), then the app's own resources/models.
 */
export function defaultModelsDirs(env: NodeJS.ProcessEnv, resourcesModelsDir: string): string[] {
  const fromEnv = (env.CUTOUT_MODELS_DIR ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
  // Each folder once (CUTOUT_MODELS_DIR may name resources/models too).
  return [...new Set([...fromEnv.map((d) => resolve(d)), resolve(resourcesModelsDir)])];
}

/** Computes the sha256 of a file by streaming it. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Finds, verifies and lists models; one per app (or CLI run). */
export class ModelStore {
  readonly modelsDirs: string[];
  private readonly manifestPath: string;
  private readonly hashCachePath?: string;
  private readonly onDefaultSkipped?: ModelStoreOptions['onDefaultSkipped'];
  private entriesPromise?: Promise<ModelEntry[]>;
  private entriesLoading = false;
  private skipped: SkippedDescriptor[] = [];
  private hashCache?: Map<string, HashCacheRecord>;

  constructor(options: ModelStoreOptions) {
    this.modelsDirs = options.modelsDirs;
    this.manifestPath = options.manifestPath;
    this.hashCachePath = options.hashCachePath;
    this.onDefaultSkipped = options.onDefaultSkipped;
  }

  /**
   * All known entries: the app manifest, then the user descriptors that can be used. A descriptor
   * that cannot (not JSON, a field wrong, an id another model has) is left out and listed by
   * skippedDescriptors(): one stray file in a models folder stopped every command, `cutout models`
   * too, and one named as an app model's id was dropped without a word.
   */
  entries(): Promise<ModelEntry[]> {
    if (!this.entriesPromise) {
      this.entriesLoading = true;
      const loading = this.loadEntries().finally(() => {
        if (this.entriesPromise === loading) this.entriesLoading = false;
      });
      this.entriesPromise = loading;
      loading.catch(() => {
        if (this.entriesPromise === loading) this.entriesPromise = undefined;
      });
    }
    return this.entriesPromise;
  }

  /** The user descriptors entries() left out, each with why (MODEL_INVALID); read after entries(). */
  async skippedDescriptors(): Promise<SkippedDescriptor[]> {
    await this.entries();
    return this.skipped;
  }

  /** The left-out descriptor a model id names: by its own id, else by its file's name (one not JSON names none). Read after entries(). */
  leftOutNamed(id: string): SkippedDescriptor | undefined {
    return this.skipped.find((s) => s.id === id) ?? this.skipped.find((s) => s.fileId === id);
  }

  /**
   * Forgets the entry list so that a newly added descriptor is seen. A reading already under way
   * began after the call's cause and is kept: Settings asks for the models and the left-out
   * descriptors at once, and each asked for a fresh read of every folder.
   */
  refresh(): void {
    if (!this.entriesLoading) this.entriesPromise = undefined;
  }

  private async loadEntries(): Promise<ModelEntry[]> {
    const entries = await loadManifestFile(this.manifestPath);
    const ids = new Set(entries.map((e) => e.id));
    const skipped: SkippedDescriptor[] = [];
    for (const dir of this.modelsDirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.endsWith('.model.json')).sort()) {
        const path = join(dir, name);
        let raw: unknown;
        try {
          raw = parseUserJson(await readFile(path, 'utf8'));
        } catch (cause) {
          // Named by its file (my-model.model.json: "my-model"), where it names no id to be found by:
          // `--model my-model` then says why, not "Unknown model". A file that cannot be read is said so.
          const why = cause instanceof SyntaxError ? `is not valid JSON: ${cause.message}` : `cannot be read: ${(cause as Error).message}`;
          skipped.push({ path, fileId: name.slice(0, -'.model.json'.length), error: new AppError('MODEL_INVALID', `Model descriptor ${path} ${why}`, { cause, detail: { path } }) });
          continue;
        }
        const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
        let entry: ModelEntry;
        try {
          entry = parseModelEntry({ bundled: true, ...(raw as object) }, path);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          // Found by its file's name too (its id may be no name at all).
          skipped.push({ path, id, fileId: name.slice(0, -'.model.json'.length), error });
          continue;
        }
        if (ids.has(entry.id)) {
          // A descriptor in an earlier folder comes first, as a model's file does; an app model's id
          // is the app's; two in one folder are a mistake, said (the second was dropped unsaid).
          const first = entries.find((e) => e.id === entry.id)!.origin;
          const isAppModel = !first?.endsWith('.model.json');
          if (isAppModel) skipped.push({ path, id, error: new AppError('MODEL_INVALID', `Model descriptor ${path}: its id "${entry.id}" is one of the app's own models'; give it another id`, { detail: { path, id } }) });
          else if (dirname(first!) === dir) skipped.push({ path, id, error: new AppError('MODEL_INVALID', `Model descriptor ${path}: its id "${entry.id}" is ${basename(first!)}'s too, in the same folder; give one of them another id`, { detail: { path, id, other: first } }) });
          continue;
        }
        ids.add(entry.id);
        entries.push(entry);
      }
    }
    this.skipped = skipped;
    return entries;
  }

  /** The entry with this id, or MODEL_MISSING listing the known ids. */
  async entry(id: string): Promise<ModelEntry> {
    const all = await this.entries();
    const found = all.find((e) => e.id === id);
    // A model named by a descriptor that was left out: why.
    const left = found ? undefined : this.leftOutNamed(id);
    if (left) throw left.error;
    if (!found) {
      throw new AppError('MODEL_MISSING', `Unknown model "${id}". Known models: ${all.map((e) => e.id).join(', ')}`, {
        detail: { id, known: all.map((e) => e.id) },
      });
    }
    return found;
  }

  /** Where the file of an entry would be looked for, in order. */
  candidatePaths(entry: ModelEntry): string[] {
    const dirs = entry.origin && entry.origin.endsWith('.model.json') ? [dirname(entry.origin), ...this.modelsDirs] : this.modelsDirs;
    return [...new Set(dirs.map((d) => join(d, entry.file)))];
  }

  /**
   * The verified path of a model's file. Throws MODEL_MISSING naming the file and every place
   * looked, or MODEL_CORRUPT when the sha256 differs from the manifest's.
   */
  async resolve(idOrEntry: string | ModelEntry): Promise<{ entry: ModelEntry; path: string }> {
    const entry = typeof idOrEntry === 'string' ? await this.entry(idOrEntry) : idOrEntry;
    const status = await this.check(entry);
    if (status.state === 'missing') {
      const looked = this.candidatePaths(entry);
      // A folder that is not there (a mistyped CUTOUT_MODELS_DIR) is said so; the download's own
      // name is often another than the one looked for, so the name to save it as is said too.
      const where = looked.map((p) => (isFolder(dirname(p)) ? p : `${p} (no folder ${dirname(p)})`));
      const hint = entry.url ? ` Download it from ${entry.url} and save it as ${entry.file} in ${dirname(looked[0])}.` : '';
      throw new AppError('MODEL_MISSING', `Model file ${entry.file} (${entry.id}) not found. Looked for: ${where.join(', ')}.${hint}`, {
        detail: { id: entry.id, file: entry.file, looked, url: entry.url },
      });
    }
    if (status.state === 'unreadable') {
      throw new AppError('INPUT_NOT_READABLE', `Model file ${status.path} (${entry.id}) cannot be read: ${status.reason}. Check that your account may read it, or put a copy of it in a models folder of yours.`, {
        detail: { id: entry.id, path: status.path, file: entry.file },
      });
    }
    if (status.state === 'corrupt') {
      const hint = entry.url ? ` Download it again from ${entry.url} and save it as ${entry.file} there.` : ' Replace the file.';
      throw new AppError(
        'MODEL_CORRUPT',
        `Model file ${status.path} (${entry.id}) has sha256 ${status.actualSha256}, expected ${entry.sha256}: it is damaged or another file.${hint}`,
        { detail: { id: entry.id, path: status.path, expected: entry.sha256, actual: status.actualSha256, url: entry.url } },
      );
    }
    return { entry, path: status.path! };
  }

  /**
   * Locates and verifies one entry without throwing. A file this account may not read is
   * `unreadable` (it was an INTERNAL EACCES that failed the whole `cutout models` list, and a
   * default model's fallback never ran).
   */
  async check(entry: ModelEntry, options: CheckOptions = {}): Promise<ModelStatus> {
    const unusable: ModelStatus[] = [];
    const passedOver = (): Pick<ModelStatus, 'passedOver'> => (unusable.length > 0 ? { passedOver: unusable } : {});
    for (const path of this.candidatePaths(entry)) {
      let info;
      try {
        info = await stat(path);
      } catch {
        continue;
      }
      if (!info.isFile()) continue;
      let actual: string | undefined;
      try {
        if (entry.sha256) actual = await this.cachedSha256(path, info.size, info.mtimeMs, options.rehash === true);
        else await access(path, fsConstants.R_OK);
      } catch (error) {
        // A damaged or unreadable copy in an earlier folder does not hide a good one in a later folder.
        unusable.push({ entry, path, state: 'unreadable', reason: readFailure(error) });
        continue;
      }
      if (!entry.sha256) return { entry, path, state: 'unpinned', ...passedOver() };
      if (actual === entry.sha256) return { entry, path, state: 'ok', ...passedOver() };
      unusable.push({ entry, path, state: 'corrupt', actualSha256: actual });
    }
    return unusable[0] ?? { entry, path: null, state: 'missing' };
  }

  /** Every entry with its status (the `cutout models` listing, which rehashes: CheckOptions). */
  async list(options: CheckOptions = {}): Promise<ModelStatus[]> {
    const all = await this.entries();
    return Promise.all(all.map((e) => this.check(e, options)));
  }

  /**
   * The model a task uses when none is named: the entry marked default that is present and
   * verified, else the first present one (onDefaultSkipped is told); MODEL_MISSING (or
   * MODEL_CORRUPT) for the default when none is.
   */
  async defaultFor(task: ModelTask): Promise<{ entry: ModelEntry; path: string }> {
    // (Checked one by one in that order: a model's hash is read only when the ones before cannot run.)
    const candidates = inChoiceOrder((await this.entries()).filter((e) => e.task === task), (e) => e);
    const skipped: ModelStatus[] = [];
    for (const entry of candidates) {
      const s = await this.check(entry);
      if (isUsableState(s.state)) {
        if (skipped.length > 0 && skipped[0].entry.default === true) this.onDefaultSkipped?.(skipped[0], entry);
        return { entry, path: s.path! };
      }
      skipped.push(s);
    }
    if (candidates.length > 0) return this.resolve(candidates[0]);
    throw new AppError('MODEL_MISSING', `No model for task ${task} is known`, { detail: { task } });
  }

  private async cachedSha256(path: string, bytes: number, mtimeMs: number, isRehash: boolean): Promise<string> {
    const cache = await this.loadHashCache();
    const hit = cache.get(path);
    if (hit && hit.bytes === bytes && hit.mtimeMs === mtimeMs && !isRehash) return hit.sha256;
    const sha256 = await sha256File(path);
    cache.set(path, { bytes, mtimeMs, sha256 });
    await this.saveHashCache(cache);
    return sha256;
  }

  private async loadHashCache(): Promise<Map<string, HashCacheRecord>> {
    if (this.hashCache) return this.hashCache;
    this.hashCache = new Map();
    if (this.hashCachePath) {
      try {
        const raw = JSON.parse(await readFile(this.hashCachePath, 'utf8')) as Record<string, HashCacheRecord>;
        for (const [k, v] of Object.entries(raw)) this.hashCache.set(k, v);
      } catch {
        // No cache yet, or an unreadable one: start empty and rewrite it.
      }
    }
    return this.hashCache;
  }

  private async saveHashCache(cache: Map<string, HashCacheRecord>): Promise<void> {
    if (!this.hashCachePath) return;
    try {
      // Atomic, and no temp file left on a full disk (one a run piled up).
      await writeFileAtomic(this.hashCachePath, JSON.stringify(Object.fromEntries(cache)));
    } catch {
      // The cache is an optimisation; a read-only cache folder only costs re-hashing.
    }
  }
}

/** Why a file could not be read, in words (EACCES: "permission denied"). */
function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error)?.message ?? String(error);
}

/** Whether `path` is a folder that exists. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A models folder as said to a person: its path, marked when it is not there (a mistyped CUTOUT_MODELS_DIR). */
export function modelsFolderText(dir: string): string {
  return isFolder(dir) ? dir : `${dir} (no such folder)`;
}
