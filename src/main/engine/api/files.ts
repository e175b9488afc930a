// API area "files": imports (paste / upload), expanding dropped folders, dialogs, the file
// manager and the clipboard (the last three through PlatformServices). Main process; Node only.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { AppApi, FileFilter } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { extensionOf, FILTER_EXTENSIONS, matchesFilter, MAX_IMPORT_BYTES, tooLargeToImport } from '../../../shared/media';
import { getBatchMode } from '../../core/batch/modes';
import { isInside, scanInputs } from '../../core/batch/scan';
import { writeFileAtomic } from '../../core/io/atomic-write';
import type { ApiDeps } from './deps';
import { expectObject, expectOneOf, expectString, expectStringArray } from './validate';

/** The most characters of a name safeNameSegment keeps (outputs add their suffix: `_cutout.png`). */
const MAX_NAME_CHARS = 120;

/**
 * One plain file or folder name that every system takes: characters they refuse become '_', at
 * most 120 characters, no trailing dot or space, no name Windows keeps for a device (CON, NUL,
 * COM1 …: prefixed '_'); undefined for an empty, '.' or '..' name. A longer name keeps its start
 * and its extension, with a tag of the whole name (`~1a2b3c4d`) where it was cut: it kept its last
 * 120 characters, so two names that differ in their start ("2024-01-01_…", "2024-02-02_…") became
 * one upload, one picture lost unsaid, and the name shown lost its start.
 */
export function safeNameSegment(name: string): string | undefined {
  let s = name.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_');
  const chars = Array.from(s);
  if (chars.length > MAX_NAME_CHARS) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
    s = chars.slice(0, MAX_NAME_CHARS - Array.from(ext).length - tag.length).join('') + tag + ext;
  }
  s = s.replace(/[. ]+$/, '');
  if (!s) return undefined;
  return /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(s) ? `_${s}` : s;
}

/** A safe file name for an imported file (no folders; safeNameSegment of its last part). */
export function safeFileName(name: string): string {
  return safeNameSegment(basename(name.replace(/\\/g, '/'))) ?? 'import.png';
}

/** Writes imported bytes to `<tempDir>/imports/<uuid>/<name>` and returns the path. */
export async function writeImport(tempDir: string, name: string, bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength === 0) throw new AppError('INPUT_UNSUPPORTED', `${name} is empty (0 bytes)`, { detail: { empty: true } });
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw tooLargeToImport(name);
  const path = join(tempDir, 'imports', randomUUID(), safeFileName(name));
  await writeFileAtomic(path, bytes);
  return path;
}

async function expandOne(path: string, filter: FileFilter, recursive: boolean, out: string[], depth: number): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new AppError('INPUT_NOT_FOUND', `File not found: ${path}`, { detail: { path } });
  if (info.isFile()) {
    if (depth === 0 || matchesFilter(path, filter)) out.push(path);
    return;
  }
  if (!info.isDirectory() || (depth > 0 && !recursive)) return;
  const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (const name of names) {
    const child = join(path, name);
    const s = await stat(child).catch(() => null);
    if (!s) continue;
    if (s.isFile() && matchesFilter(child, filter)) out.push(child);
    else if (s.isDirectory() && recursive && depth < 16) await expandOne(child, filter, recursive, out, depth + 1);
  }
}

/**
 * `chosen` with the extension of `defaultName` when it ends in none of `types`, the types this
 * export writes (`portrait` -> `portrait.png`, `Jane.Doe` -> `Jane.Doe.png`: a dot in a name is no
 * type; a cut-out named `photo.gif` is `photo.gif.png`, as it is written). Trailing dots and spaces
 * go first (`x.` -> `x.png`, as Windows drops them). Default types: `defaultName`'s.
 */
export function withDefaultExtension(chosen: string, defaultName: string, types?: readonly string[]): string {
  const wanted = extensionOf(defaultName);
  const written = new Set((types ?? [wanted]).map((t) => t.toLowerCase().replace(/^\./, '')));
  if (!wanted || written.has(extensionOf(chosen))) return chosen;
  return `${chosen.replace(/[. ]+$/, '')}.${wanted}`;
}

/** importImage, expandPaths, chooseFiles, chooseFolder, chooseSaveTarget, revealInFolder, copyImageToClipboard. */
export function createFilesArea(deps: ApiDeps): Pick<AppApi, 'importImage' | 'expandPaths' | 'countBatchInputs' | 'chooseFiles' | 'chooseFolder' | 'chooseSaveTarget' | 'revealInFolder' | 'copyImageToClipboard'> {
  const filters = Object.keys(FILTER_EXTENSIONS) as FileFilter[];
  /** Where the last save dialog saved, for the next one's default (when Settings names no folder). */
  let lastSaveDir: string | undefined;
  return {
    async importImage(req) {
      const r = expectObject(req, 'request');
      if (!(r.bytes instanceof Uint8Array)) throw new AppError('INVALID_ARGUMENT', 'bytes must be a Uint8Array');
      return writeImport(deps.tempDir, expectString(r.name, 'name'), r.bytes);
    },
    async expandPaths(req) {
      const r = expectObject(req, 'request');
      const out: string[] = [];
      const filter = expectOneOf(r.filter, filters, 'filter');
      for (const p of expectStringArray(r.paths, 'paths')) await expandOne(p, filter, r.recursive === true, out, 0);
      return [...new Set(out)];
    },
    async countBatchInputs(req) {
      const r = expectObject(req, 'request');
      const inputs = expectStringArray(r.inputs, 'inputs');
      const mode = getBatchMode(expectString(r.mode, 'mode'));
      const options = { recursive: r.recursive === true, extensions: [...mode.inputExtensions], excludeDirs: typeof r.outputDir === 'string' ? [r.outputDir] : [], ...(mode.takesByContent ? { takesByContent: mode.takesByContent } : {}) };
      // As the run scans them (hidden files, other types and an earlier batch's output folders left
      // out), in one walk: each input's share is what the walk took in it (a file given: itself).
      const { items } = await scanInputs(inputs, options);
      const perInput = inputs.map((input) => {
        const path = resolve(input);
        return items.some((item) => item.input === path) ? 1 : items.filter((item) => isInside(item.input, path)).length;
      });
      return { perInput, total: items.length };
    },
    async chooseFiles(req) {
      const r = expectObject(req, 'request');
      return deps.platform.chooseFiles({ filter: expectOneOf(r.filter, filters, 'filter'), multiple: r.multiple === true, title: typeof r.title === 'string' ? r.title : undefined });
    },
    async chooseFolder(req) {
      const r = expectObject(req ?? {}, 'request');
      return deps.platform.chooseFolder({ title: typeof r.title === 'string' ? r.title : undefined });
    },
    async chooseSaveTarget(req) {
      const r = expectObject(req, 'request');
      if (r.scratch === true) {
        const dir = join(deps.tempDir, 'copies');
        await mkdir(dir, { recursive: true });
        return join(dir, safeFileName(expectString(r.defaultName, 'defaultName')));
      }
      // A pasted or dropped-in picture lives in the app's temporary folder, emptied at every start:
      // never offered as the place to save, nor remembered as the last one.
      const near = typeof r.nearPath === 'string' && r.nearPath && !isInside(resolve(r.nearPath), resolve(deps.tempDir)) ? dirname(r.nearPath) : undefined;
      const defaultName = safeFileName(expectString(r.defaultName, 'defaultName'));
      const picked = await deps.platform.chooseSaveTarget({
        defaultName,
        defaultDir: typeof r.defaultDir === 'string' ? r.defaultDir : (deps.settings.get().outputDir ?? lastSaveDir ?? near),
        title: typeof r.title === 'string' ? r.title : undefined,
      });
      if (!picked) return null;
      // A name typed without a type gets the suggested one's here, where the dialog's own "replace
      // it?" was not asked of it (GTK adds none: `portrait` was written as portrait.png, over one
      // there, unasked): asked now, and a "no" is a cancel.
      const types = r.types === undefined ? undefined : expectStringArray(r.types, 'types');
      const chosen = withDefaultExtension(picked, defaultName, types);
      if (chosen !== picked && (await stat(chosen).then(() => true, () => false)) && !(await (deps.platform.confirmReplace?.(chosen) ?? Promise.resolve(true)))) return null;
      if (!isInside(resolve(chosen), resolve(deps.tempDir))) lastSaveDir = dirname(chosen);
      return chosen;
    },
    async revealInFolder(path) {
      await deps.platform.revealInFolder(expectString(path, 'path'));
    },
    async copyImageToClipboard(path) {
      await deps.platform.copyImageToClipboard(expectString(path, 'path'));
    },
  };
}
