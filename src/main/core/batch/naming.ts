// Output names of a batch: the naming template ({name}, {ext}, {mode}, {spec}, {bg}, {index}),
// the mirrored sub-folder, and deterministic de-duplication (so a resumed run plans the same
// paths). Pure; core (no electron).
import { dirname, extname, join, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors';
import { fitStem } from '../io/atomic-write';
import { isInside } from './scan';
import type { BatchFormat, BatchItem, BatchModeId } from './types';

/** The tokens a naming template may use. */
export const NAME_TOKENS = ['name', 'ext', 'mode', 'spec', 'bg', 'index'] as const;

/** Values substituted into a naming template for one input. */
export type NameVars = Record<(typeof NAME_TOKENS)[number], string>;

/** Extension written for each output format. */
export const FORMAT_EXTENSIONS: Record<BatchFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif', apng: 'png', webm: 'webm' };

/**
 * Checks a template: only known {tokens} ({spec} only in an ID-photo batch, given its `mode`), no
 * path separators, not empty. INVALID_ARGUMENT otherwise.
 * Path separators are refused so a template can never write outside the mirrored folder.
 */
export function validateNameTemplate(template: string, mode?: BatchModeId): void {
  if (template.trim() === '') throw new AppError('INVALID_ARGUMENT', 'The name template is empty; use e.g. {name}_cutout', { detail: { template, badTemplate: true } });
  if (/[\\/]/.test(template) || template.includes('\0')) {
    throw new AppError('INVALID_ARGUMENT', `The name template "${template}" may not contain / or \\; sub-folders mirror the input tree`, { detail: { template, badTemplate: true } });
  }
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(NAME_TOKENS as readonly string[]).includes(m[1])) {
      throw new AppError('INVALID_ARGUMENT', `Unknown token {${m[1]}} in the name template; use ${NAME_TOKENS.map((t) => `{${t}}`).join(' ')}`, {
        detail: { template, badTemplate: true },
      });
    }
    // Only an ID photo has a spec: elsewhere {spec} was empty, and '{spec}' wrote _.png, _-2.png, ….
    if (m[1] === 'spec' && mode !== undefined && mode !== 'idphoto') {
      throw new AppError('INVALID_ARGUMENT', `{spec} in the name template is an ID photo's spec: a ${mode} batch has none; use ${NAME_TOKENS.filter((t) => t !== 'spec').map((t) => `{${t}}`).join(' ')}`, { detail: { template, specNotHere: true } });
    }
  }
}

/**
 * Substitutes the tokens of a (validated) template; characters Windows refuses become '_', and so
 * do path separators in a token's value: the values come from the job (an ID spec's id, a colour's
 * hex, an input's name), and a page's batch with the spec id "../../x" and the template {spec}
 * wrote its cut-out over a file outside the exports folder (a review of `cutout serve`).
 */
export function renderName(template: string, vars: NameVars): string {
  const name = template.replace(/\{(\w+)\}/g, (_, key: keyof NameVars) => (vars[key] ?? '').replace(/[\\/]/g, '_'));
  const safe = name.replace(/[<>:"|?*\x00-\x1f]/g, '_').replace(/[. ]+$/, '');
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

/** The stem and extension (no dot, lower case) of a file name. */
export function splitFileName(fileName: string): { stem: string; ext: string } {
  const ext = extname(fileName);
  return { stem: fileName.slice(0, fileName.length - ext.length), ext: ext.slice(1).toLowerCase() };
}

/** What a plan must respect in an output folder that already holds files (core/batch/run-batch.ts). */
export interface PlanClaims {
  /** The outputs `input` was written to before (the journal): it keeps one that is still of its names. */
  previousOutputsOf(input: string): readonly string[];
  /** Whether `path` holds a file that is not `input`'s own output: another input's, or one no batch wrote. */
  isForeign(path: string, input: string): boolean;
  /** Item `index`'s name was passed over for such a file (it is named beside it: NAME-2). */
  onPassedOver?(index: number): void;
}

/** The most digits an {index} is given room for in a name (a million files). */
const MAX_INDEX_DIGITS = 7;

/** Stands for the {index} token while a name is matched against earlier outputs (renderName keeps it). */
const INDEX_MARK = '\uE000';

/**
 * Output path of every item under `outputDir`: the mirrored folder plus the rendered name and the
 * format's extension. Items must be in scan order; a name taken twice in one folder (a.jpg and a.png)
 * gets -2, -3 ... in that order. With `claims`, an input keeps the name it was written to before
 * (so adding a.gif later does not move a.jpg's output), and a name that holds a file which is not
 * the input's own is passed over: a batch never overwrites what it did not write for that input.
 * {index} is the place in scan order; an input written before keeps its number, and a file added
 * later takes its place's number when no earlier output holds it, else the smallest one free (so
 * adding a file never renumbers, nor orphans, the outputs already written).
 * `companionsOf` names the files written beside an output (an ID photo's print sheet, a_sheet.jpg
 * beside a.jpg): no output nor companion takes another's name, nor a mirrored folder's.
 */
export function planOutputPaths(
  items: readonly BatchItem[],
  outputDir: string,
  template: string,
  vars: { mode: string; spec?: string; bg?: string },
  outputExt: string,
  claims?: PlanClaims,
  companionsOf?: (output: string) => string[],
): string[] {
  validateNameTemplate(template);
  const ext = `.${outputExt}`;
  // A long input name is cut so its output's name fits (fitStem): by the template's other words with
  // the widest {index} a folder could need, so a run with more files later cuts it the same.
  const nameTimes = [...template.matchAll(/\{name\}/g)].length;
  const itemVars = items.map((item) => {
    const { stem, ext: inputExt } = splitFileName(item.fileName);
    const rest = { ext: inputExt, mode: vars.mode, spec: vars.spec ?? '', bg: vars.bg ?? '' };
    const otherBytes = Buffer.byteLength(renderName(template, { ...rest, name: '', index: '0'.repeat(MAX_INDEX_DIGITS) }) + ext);
    return { name: fitStem(stem, otherBytes, nameTimes), ...rest };
  });
  const folderOf = (i: number): string => join(outputDir, ...items[i].relDir.split('/').filter(Boolean));
  // The names item i may have been written to, whatever its number: its folder, the name with any
  // index, then nothing or -2, -3 … (case-insensitively).
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const family = items.map((_, i) => {
    const base = renderName(template, { ...itemVars[i], index: INDEX_MARK });
    const name = base.split(INDEX_MARK).map(escape).join('(\\d+)');
    return new RegExp(`^${escape(folderOf(i) + sep)}${name}(?:-[1-9]\\d*)?${escape(ext)}$`, 'i');
  });
  // Names taken: each planned output with the files written beside it (a.jpg's sheet a_sheet.jpg
  // overwrote the photo of an input named a_sheet.jpg), and the folders the batch mirrors
  // (IN/a_cutout.png/b.jpg made OUT/a_cutout.png a folder, and a.jpg's output failed, or b.jpg's).
  const used = new Set<string>();
  const filesOf = (path: string): string[] => [path, ...(companionsOf?.(path) ?? [])];
  const isFree = (path: string): boolean => filesOf(path).every((p) => !used.has(p.toLowerCase()));
  const take = (path: string): void => filesOf(path).forEach((p) => used.add(p.toLowerCase()));
  for (let i = 0; i < items.length; i++) {
    for (let dir = folderOf(i); isInside(dir, outputDir) && !used.has(dir.toLowerCase()); dir = dirname(dir)) used.add(dir.toLowerCase());
  }
  const plan: (string | undefined)[] = items.map(() => undefined);
  const numbers: (number | undefined)[] = items.map(() => undefined);
  // The digits the kept names were padded to: a name added keeps the folder's padding (09, not 9).
  let keptWidth = 0;
  if (claims) {
    for (let i = 0; i < items.length; i++) {
      for (const p of claims.previousOutputsOf(items[i].input)) {
        const match = family[i].exec(p);
        if (!match || !isFree(p)) continue;
        plan[i] = p;
        take(p);
        if (match[1] !== undefined) {
          numbers[i] = Number(match[1]);
          if (match[1].startsWith('0')) keptWidth = Math.max(keptWidth, match[1].length);
        }
        break;
      }
    }
  }
  // Numbers for the rest: its place's, unless an earlier output holds it; else the smallest free.
  const taken = new Set(numbers.filter((n): n is number => n !== undefined));
  for (let i = 0; i < items.length; i++) if (plan[i] === undefined && !taken.has(i + 1)) numbers[i] = i + 1;
  for (let i = 0; i < items.length; i++) if (numbers[i] !== undefined) taken.add(numbers[i]!);
  let free = 1;
  for (let i = 0; i < items.length; i++) {
    if (plan[i] !== undefined || numbers[i] !== undefined) continue;
    while (taken.has(free)) free++;
    numbers[i] = free;
    taken.add(free);
  }
  let largest = items.length;
  for (const n of taken) largest = Math.max(largest, n);
  const width = Math.max(String(largest).length, keptWidth);
  const pathOf = (i: number, n: number): string => {
    const base = renderName(template, { ...itemVars[i], index: String(numbers[i]).padStart(width, '0') });
    return join(folderOf(i), n === 1 ? `${base}${ext}` : `${base}-${n}${ext}`);
  };
  return plan.map((kept, i) => {
    if (kept) return insideOutput(kept, outputDir);
    let path = pathOf(i, 1);
    let isPassedOver = false;
    for (let n = 2; ; n++) {
      if (isFree(path) && !claims?.isForeign(path, items[i].input)) break;
      if (isFree(path)) isPassedOver = true;
      path = pathOf(i, n);
    }
    if (isPassedOver) claims?.onPassedOver?.(i);
    take(path);
    return insideOutput(path, outputDir);
  });
}

/** `path`, when it lies inside `outputDir`; a planned output that does not is a bug said as one (INTERNAL), never written. */
function insideOutput(path: string, outputDir: string): string {
  const [file, folder] = [resolve(path), resolve(outputDir)];
  if (file === folder || !isInside(file, folder)) throw new AppError('INTERNAL', `A batch output was planned outside its folder ${outputDir}: ${path}`, { detail: { path } });
  return path;
}
