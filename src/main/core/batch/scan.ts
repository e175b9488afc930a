// Finds the inputs of a batch: files and folders (optionally recursive), an extension filter,
// hidden and system files skipped, the output folder excluded when it lies inside an input
// folder (and earlier batches' output folders), symlinked folders not followed (no cycles).
// Deterministic order. Core (no electron).
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { realOrResolved } from '../io/real-path';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { extensionOf, isHiddenOrSystem } from '../../../shared/media';
import { JOURNAL_NAME } from './journal';
import type { BatchItem } from './types';

/** Options of scanInputs. */
export interface ScanOptions {
  recursive: boolean;
  /** Lower-case extensions without the dot. */
  extensions: readonly string[];
  /** Folders never entered (the output folder). */
  excludeDirs?: readonly string[];
  /**
   * Where earlier batches into the same output folder put their inputs, the newest first (JournalIndex.donePlaces):
   * an input folder goes back where it went before, and a new one stays out of the places of
   * folders not in this run (folderPrefixes).
   */
  earlierPlaces?: readonly { input: string; rel: string }[];
  /** The output folder: an input folder's sub-folder of it never lies inside an input folder (folderPrefixes). */
  outDir?: string;
  /** Files an earlier batch wrote as outputs into this output folder (JournalIndex.ownerOf): never taken as inputs. */
  isOwnOutput?: (path: string) => boolean;
  /**
   * A folder's file of another type the mode takes by what it holds (BatchModeHandler.takesByContent:
   * a sticker batch takes an animated PNG, a LINE sticker, and leaves the still ones out).
   */
  takesByContent?: (path: string, extension: string) => Promise<boolean>;
}

/** What the scan found: items in order, and inputs given by path that do not exist. */
export interface ScanResult {
  items: BatchItem[];
  missing: string[];
  /** Files in the folders whose extension the mode does not take (hidden and system files not counted). */
  leftOut: number;
  /** Of leftOut, how many of each extension (lower case, no dot; '' for none). */
  leftOutTypes: Record<string, number>;
  /** Sub-folders not entered because an earlier batch wrote into them (they hold its journal). */
  leftOutFolders: string[];
  /** Sub-folders of the input folders not read because the scan is not recursive (the run says so: they were skipped unsaid). */
  notSearched: string[];
  /** Folders this account may not read, and inputs behind one (the run fails each with INPUT_NOT_READABLE: they were left out unsaid, or said not found). */
  unreadable: string[];
  /**
   * Links in the folders, of a type the mode takes, to a file that is not there (moved, deleted, an
   * unplugged disk), with where they point: the run fails each with INPUT_NOT_FOUND (they were left
   * out unsaid).
   */
  brokenLinks: { path: string; target: string }[];
  /** Each input folder and the sub-folder of the output folder it went to ('' for the top; folderPrefixes). */
  folderPlaces: { input: string; rel: string }[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Spells an input path from an earlier run as this run's inputs spell it: the same folder (or file)
 * given another way (a link to it, /tmp and /private/tmp on macOS) is one input, so a resume through
 * it finds what was done (it redid everything into a new sub-folder). Paths are compared with their
 * folders' links followed (a file's own link is not: a linked picture in a folder is an input of its
 * own name). Each folder is looked up once.
 */
export class InputSpeller {
  private constructor(
    private readonly roots: readonly { path: string; real: string; canonical: string }[],
    private readonly realDirs: Map<string, Promise<string>>,
  ) {}

  /** `inputs`: the files and folders given to this run, as it spells them. */
  static async of(inputs: readonly string[]): Promise<InputSpeller> {
    const realDirs = new Map<string, Promise<string>>();
    const roots = await Promise.all(inputs.map((input) => resolve(input)).map(async (path) => ({ path, real: await realOrResolved(path), canonical: await canonicalOf(path, realDirs) })));
    return new InputSpeller(roots, realDirs);
  }

  /** `input` as this run spells it, or as it was when no input of this run is it or holds it. */
  async spell(input: string): Promise<string> {
    if (!isAbsolute(input)) return input;
    const canonical = await canonicalOf(input, this.realDirs);
    for (const root of this.roots) {
      if (canonical === root.canonical) return root.path;
      const inside = root.real.endsWith(sep) ? root.real : root.real + sep;
      if (canonical.startsWith(inside)) return join(root.path, canonical.slice(inside.length));
    }
    return input;
  }
}

/** A path with its folder's links followed (not its own), each folder looked up once in `realDirs`. */
async function canonicalOf(path: string, realDirs: Map<string, Promise<string>>): Promise<string> {
  const dir = dirname(path);
  let real = realDirs.get(dir);
  if (!real) {
    real = realOrResolved(dir);
    realDirs.set(dir, real);
  }
  return join(await real, basename(path));
}

/**
 * Lists the input files. A file given directly is always taken (whatever its extension, so a wrong
 * one is reported rather than silently dropped) and lands at the top of the output folder. A folder
 * contributes its matching files; with one folder its tree mirrors into the output folder, with
 * several each gets a sub-folder named after it.
 */
export async function scanInputs(inputs: readonly string[], options: ScanOptions): Promise<ScanResult> {
  const extensions = new Set(options.extensions.map((e) => e.toLowerCase().replace(/^\./, '')));
  const excluded = await Promise.all((options.excludeDirs ?? []).map(realOrResolved));
  const isExcluded = (real: string): boolean => excluded.some((ex) => real === ex);
  const items: BatchItem[] = [];
  const missing: string[] = [];
  let leftOut = 0;
  const leftOutTypes: Record<string, number> = {};
  const leftOutFolders: string[] = [];
  const notSearched: string[] = [];
  const unreadable: string[] = [];
  const brokenLinks: { path: string; target: string }[] = [];
  const seen = new Set<string>();
  const roots: { path: string; real: string }[] = [];

  for (const input of inputs) {
    const path = resolve(input);
    let denied = false;
    const info = await stat(path).catch((error: unknown) => {
      denied = (error as NodeJS.ErrnoException).code === 'EACCES';
      return undefined;
    });
    if (!info) {
      // Behind a folder this account may not enter: there, but not readable (it read "not found").
      (denied ? unreadable : missing).push(path);
      continue;
    }
    const real = await realOrResolved(path);
    if (info.isDirectory()) {
      // The same folder given twice ("in in/") is read once: it was placed in a second sub-folder that was never made.
      if (!roots.some((root) => root.real === real)) roots.push({ path, real });
    } else if (!seen.has(real)) {
      // A file given by path is taken, a regular one or not (a FIFO, a device): one that is no
      // picture fails as such in the report ("Not a file"), where it was dropped without a word.
      seen.add(real);
      items.push({ input: path, relDir: '', fileName: basename(path), sizeBytes: info.size, mtimeMs: info.mtimeMs });
    }
  }

  const prefixes = folderPrefixes(
    roots.map((r) => r.path),
    options.earlierPlaces ?? [],
    options.outDir === undefined ? undefined : resolve(options.outDir),
  );
  for (let r = 0; r < roots.length; r++) await walk(roots[r].path, prefixes[r], true);
  return { items, missing, leftOut, leftOutTypes, leftOutFolders, notSearched, unreadable, brokenLinks, folderPlaces: roots.map((root, r) => ({ input: root.path, rel: prefixes[r] })) };

  async function walk(dir: string, relDir: string, isRoot = false): Promise<void> {
    if (isExcluded(await realOrResolved(dir))) return;
    // EACCES only: macOS answers EPERM for the folders its privacy settings guard (~/Library/Mail),
    // which a recursive scan of a home folder would list by the dozen.
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') unreadable.push(dir);
      return [];
    });
    const names = entries.map((e) => e.name).sort(byName);
    // An earlier batch's output folder inside the input tree (its journal says so) is not read
    // again: a second run into another folder would cut out the cut-outs. A folder given as an
    // input itself is read (making ID photos of cut-outs is a choice).
    if (!isRoot && names.includes(JOURNAL_NAME)) {
      leftOutFolders.push(dir);
      return;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      if (isHiddenOrSystem(name)) continue;
      const path = join(dir, name);
      const link = await lstat(path).catch(() => undefined);
      if (!link) continue;
      if (link.isDirectory()) {
        subdirs.push(name);
        continue;
      }
      // A symlink to a file is taken; a symlink to a folder is not followed (cycles, surprises).
      const info = link.isSymbolicLink() ? await stat(path).catch(() => undefined) : link;
      const extension = extensionOf(name);
      if (!info && link.isSymbolicLink() && extensions.has(extension)) {
        brokenLinks.push({ path, target: await readlink(path).catch(() => '?') });
        continue;
      }
      if (!info?.isFile()) continue;
      if (!extensions.has(extension) && !(await options.takesByContent?.(path, extension))) {
        leftOut++;
        leftOutTypes[extension] = (leftOutTypes[extension] ?? 0) + 1;
        continue;
      }
      const real = await realOrResolved(path);
      if (seen.has(real)) continue;
      seen.add(real);
      // A cut-out an earlier batch wrote here is its output, not a picture to cut out again.
      if (options.isOwnOutput?.(path)) continue;
      items.push({ input: path, relDir, fileName: name, sizeBytes: info.size, mtimeMs: info.mtimeMs });
    }
    if (!options.recursive) {
      // Said, not skipped unsaid: not the output folder made inside the input, nor an earlier batch's
      // (-r leaves those out too: leftOutFolders).
      for (const name of subdirs) {
        const sub = join(dir, name);
        if (isExcluded(await realOrResolved(sub))) continue;
        if (await lstat(join(sub, JOURNAL_NAME)).then(() => true, () => false)) continue;
        notSearched.push(sub);
      }
      return;
    }
    for (const name of subdirs) await walk(join(dir, name), relDir ? `${relDir}/${name}` : name);
  }
}

/**
 * The sub-folder of the output folder each input folder (`roots`, resolved) mirrors into ('' for
 * the output folder itself). One folder alone goes to the top; several each get a sub-folder named
 * after it (-2, -3 for a name met twice). Earlier batches into the same output folder decide
 * first (`earlier`: their outputs' places and inputs, newest first): a folder they placed goes
 * back where it went last, whatever else is in the run or in which order (else a resume wrote it
 * elsewhere and made it all again, or two classes' photos met in one folder). A new folder goes to
 * the top only when no other input has outputs there yet, else to a sub-folder of its own named
 * after it, out of the others' folders: one class after another into one output folder each get
 * their own, and a tree whose sub-folders match an earlier tree's never lands among them.
 */
export function folderPrefixes(roots: readonly string[], earlier: readonly { input: string; rel: string }[], outDir?: string): string[] {
  // A sub-folder of the output folder that is an input folder, or lies inside one, is not a place:
  // "party" into "Pictures" beside "holiday" wrote party's cut-outs among its pictures, and the
  // next run cut out the cut-outs. (An output folder inside an input folder is its own case: the
  // scan never enters it.)
  const landsInInput = (prefix: string): boolean => outDir !== undefined && prefix !== '' && roots.some((r) => isInside(join(outDir, prefix), r) && !isInside(outDir, r));
  const known = new Map<string, string>();
  /** Lower-case top-level folders other inputs' outputs are in. */
  const taken = new Set<string>();
  let hasOthers = false;
  for (const { input, rel } of earlier) {
    // Every top-level folder earlier outputs are in is taken, also by a tree in this run placed at
    // the top (its sub-folders): another folder named as one of them went in among its outputs.
    const slash = rel.indexOf('/');
    if (slash >= 0) taken.add(rel.slice(0, slash).toLowerCase());
    const root = roots.find((r) => isInside(input, r) && input !== r);
    if (root === undefined) {
      hasOthers = true;
      continue;
    }
    if (known.has(root)) continue;
    const relDir = relative(root, dirname(input)).split(sep).join('/');
    const outDir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    if (!relDir) known.set(root, outDir);
    else if (outDir === relDir) known.set(root, '');
    else if (outDir.endsWith(`/${relDir}`)) known.set(root, outDir.slice(0, -relDir.length - 1));
  }
  const used = new Set(taken);
  if (hasOthers) used.add('');
  for (const prefix of known.values()) used.add(prefix.toLowerCase());
  return roots.map((root) => {
    const before = known.get(root);
    if (before !== undefined && !landsInInput(before)) return before;
    if (roots.length === 1 && !used.has('')) {
      used.add('');
      return '';
    }
    const base = basename(root) || 'input';
    let prefix = base;
    for (let n = 2; used.has(prefix.toLowerCase()) || landsInInput(prefix); n++) prefix = `${base}-${n}`;
    used.add(prefix.toLowerCase());
    return prefix;
  });
}

/** Whether `child` is `parent` or lies inside it (both absolute, resolved). */
export function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}
