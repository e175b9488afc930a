// Output names of a batch: the naming template ({name}, {ext}, {mode}, {spec}, {bg}, {index}),
// the mirrored sub-folder, and deterministic de-duplication (so a resumed run plans the same
// paths). Pure; core (no electron).
import { extname, join, posix } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { BatchFormat, BatchItem } from './types';

/** The tokens a naming template may use. */
export const NAME_TOKENS = ['name', 'ext', 'mode', 'spec', 'bg', 'index'] as const;

/** Values substituted into a naming template for one input. */
export type NameVars = Record<(typeof NAME_TOKENS)[number], string>;

/** Extension written for each output format. */
export const FORMAT_EXTENSIONS: Record<BatchFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif' };

/**
 * Checks a template: only known {tokens}, no path separators, not empty. INVALID_ARGUMENT otherwise.
 * Path separators are refused so a template can never write outside the mirrored folder.
 */
export function validateNameTemplate(template: string): void {
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
  }
}

/** Substitutes the tokens of a (validated) template; characters Windows refuses become '_'. */
export function renderName(template: string, vars: NameVars): string {
  const name = template.replace(/\{(\w+)\}/g, (_, key: keyof NameVars) => vars[key] ?? '');
  const safe = name.replace(/[<>:"|?*\x00-\x1f]/g, '_').replace(/[. ]+$/, '');
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

/** The stem and extension (no dot, lower case) of a file name. */
export function splitFileName(fileName: string): { stem: string; ext: string } {
  const ext = extname(fileName);
  return { stem: fileName.slice(0, fileName.length - ext.length), ext: ext.slice(1).toLowerCase() };
}

/**
 * Output path of every item under `outputDir`: the mirrored folder plus the rendered name and the
 * format's extension. Items must be in scan order; a name taken twice in one folder (a.jpg and a.png)
 * gets -2, -3 ... in that order, so the plan is the same on every run over the same inputs.
 */
export function planOutputPaths(
  items: readonly BatchItem[],
  outputDir: string,
  template: string,
  vars: { mode: string; spec?: string; bg?: string },
  outputExt: string,
): string[] {
  validateNameTemplate(template);
  const used = new Set<string>();
  const width = String(items.length).length;
  return items.map((item, i) => {
    const { stem, ext } = splitFileName(item.fileName);
    const base = renderName(template, { name: stem, ext, mode: vars.mode, spec: vars.spec ?? '', bg: vars.bg ?? '', index: String(i + 1).padStart(width, '0') });
    let rel = posix.join(item.relDir, `${base}.${outputExt}`);
    for (let n = 2; used.has(rel.toLowerCase()); n++) rel = posix.join(item.relDir, `${base}-${n}.${outputExt}`);
    used.add(rel.toLowerCase());
    return join(outputDir, ...rel.split('/'));
  });
}
