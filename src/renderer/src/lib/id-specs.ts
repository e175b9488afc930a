// The ID-photo spec library as the renderer shows it (the same JSON the engine validates), shared
// by the ID photo and Batch workspaces.
import library from '../../../../resources/specs/id-photo-specs.json';
import { MAX_SHEET_COPIES, SHEET_PAPERS } from '../../../shared/idphoto-report';
import type { Locale } from './i18n';

/** One photo size of resources/specs/id-photo-specs.json (the fields the pickers show). */
export interface SpecEntry {
  id: string;
  /** The name in English; `names` holds it in other UI languages. */
  name: string;
  names?: Partial<Record<Locale, string>>;
  region: string;
  widthMm: number;
  heightMm: number;
  dpi: number;
  widthPx: number;
  heightPx: number;
  crownChinMm: [number, number];
  /** The eye line's band from the bottom edge, where the size has that rule. */
  eyeLineFromBottomMm?: [number, number];
  background: { allowed: string[]; default: string };
  /** The file size band in KB, where the size has one (the CN ID card's 14–20). */
  fileSizeKb?: [number, number];
  format?: 'jpeg' | 'png';
  [field: string]: unknown;
}

/** The print-sheet papers the pickers offer, in the order shown (SHEET_PAPERS). */
export const PAPERS = SHEET_PAPERS;

/** What the ID photo workspace keeps between sessions: the size and the print sheet last picked. */
export interface IdPhotoChoices {
  specId: string;
  paper: '' | (typeof PAPERS)[number];
  dpi: 254 | 300 | 600;
  sheetFormat: 'pdf' | 'jpg';
  /** Photos on the sheet, 1 to MAX_SHEET_COPIES; 0: as many as fit. */
  copies: number;
}

export { MAX_SHEET_COPIES };

/** The size a first run starts on when the system says nothing the tables know: the passport size most of the world takes, as the CLI's. */
export const WORLD_SPEC_ID = 'icao-35x45';

export const ID_PHOTO_CHOICES_KEY = 'cutout.idphoto.choices';
export const DEFAULT_ID_PHOTO_CHOICES: IdPhotoChoices = { specId: WORLD_SPEC_ID, paper: '', dpi: 300, sheetFormat: 'pdf', copies: 0 };

/** The size a system of a region starts on (its own passport's, where the app has it). */
const REGION_SPECS: Record<string, string> = {
  US: 'us-2x2', GB: 'uk-35x45', DE: 'de-passport-35x45', FR: 'fr-passport-35x45', AU: 'au-passport-35x45', NZ: 'nz-passport-35x45',
  IE: 'ie-passport-35x45', JP: 'jp-passport-35x45', KR: 'kr-passport-35x45', CA: 'ca-passport-50x70', IN: 'in-passport-51x51', CN: 'cn-1inch',
  // Chinese elsewhere: not the mainland's 1-inch.
  TW: 'icao-35x45', HK: 'icao-35x45', MO: 'icao-35x45',
};
/** …and a language said without its region, spoken in one country the app has a size of. */
const LANGUAGE_SPECS: Record<string, string> = { zh: 'cn-1inch', ja: 'jp-passport-35x45', ko: 'kr-passport-35x45' };

/**
 * The ID photo size a first run starts on: the app in Chinese, the mainland's 1-inch; else the
 * first of the system's languages whose region (or one-country language) has a size here (en-US:
 * US 2×2, de-DE: Germany's); else ICAO 35×45. Every first run started on the Chinese 1-inch (一寸),
 * an American's too.
 */
export function defaultSpecId(locale: Locale, languages: readonly string[], specIds: readonly string[]): string {
  const ids = [
    ...(locale === 'zh-CN' ? ['cn-1inch'] : []),
    ...languages.map((tag) => {
      const [language, ...parts] = tag.split(/[-_]/);
      const region = parts.find((p) => /^[a-z]{2}$/i.test(p))?.toUpperCase();
      return (region && REGION_SPECS[region]) || LANGUAGE_SPECS[language.toLowerCase()];
    }),
  ];
  return ids.find((id) => id !== undefined && specIds.includes(id)) ?? WORLD_SPEC_ID;
}

/**
 * The choices saved as JSON, each taken back only when it is still one the workspace offers (a
 * spec removed since, a bad value: the default; the size's is `specId`, defaultSpecId's).
 */
export function readIdPhotoChoices(raw: string | null, specIds: readonly string[], specId = DEFAULT_ID_PHOTO_CHOICES.specId): IdPhotoChoices {
  const saved = storedFields<keyof IdPhotoChoices>(raw);
  const d = DEFAULT_ID_PHOTO_CHOICES;
  return {
    specId: typeof saved.specId === 'string' && specIds.includes(saved.specId) ? saved.specId : specId,
    paper: isSheetPaper(saved.paper) ? saved.paper : d.paper,
    dpi: isSheetDpi(saved.dpi) ? saved.dpi : d.dpi,
    sheetFormat: saved.sheetFormat === 'pdf' || saved.sheetFormat === 'jpg' ? saved.sheetFormat : d.sheetFormat,
    copies: sheetCopies(saved.copies),
  };
}

/** A stored choice's fields (JSON of an object), each still to be checked; none for a damaged or missing entry. */
export function storedFields<K extends string>(raw: string | null): Partial<Record<K, unknown>> {
  try {
    const parsed = JSON.parse(raw ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Partial<Record<K, unknown>>) : {};
  } catch {
    return {};
  }
}

/** A print sheet's paper as the workspaces offer it ('' for none). */
export function isSheetPaper(value: unknown): value is '' | (typeof PAPERS)[number] {
  return value === '' || (PAPERS as readonly unknown[]).includes(value);
}

/** A print sheet's dpi as the workspaces offer it. */
export function isSheetDpi(value: unknown): value is 254 | 300 | 600 {
  return value === 254 || value === 300 || value === 600;
}

/** The copies a field holds, as a sheet takes them: a whole number 1 to MAX_SHEET_COPIES, else 0 (as many as fit). */
export function sheetCopies(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SHEET_COPIES ? value : 0;
}

/** Every spec of the library, in file order. */
export const ID_SPECS: SpecEntry[] = (library as unknown as { specs: SpecEntry[] }).specs;

/** A spec's name in the UI's language, else its English name. */
export function specName(spec: Pick<SpecEntry, 'name' | 'names'>, locale: Locale): string {
  return spec.names?.[locale] ?? spec.name;
}

/**
 * What the size search looks in: the id, the region and every name, plus the Chinese sizes with
 * digits ("2寸" finds 二寸), so a search in either language finds a spec.
 */
function specSearchText(spec: Pick<SpecEntry, 'id' | 'name' | 'names' | 'region'>): string {
  const names = Object.values(spec.names ?? {}).filter((n): n is string => typeof n === 'string');
  const digits = names.map((n) => n.replace(/一寸/g, '1寸').replace(/二寸/g, '2寸'));
  const everyday = names.flatMap((n) => Object.entries(EVERYDAY_NAMES).filter(([name]) => n.includes(name)).map(([, words]) => words));
  return [spec.id, spec.region, spec.name, ...names, ...digits, ...everyday].join(' ');
}

/** What people call a size in everyday Chinese, found by the search with its official name. */
const EVERYDAY_NAMES: Record<string, string> = {
  机动车驾驶证: '驾照',
  居民身份证: '身份证 二代证',
  往来港澳通行证: '港澳通行证 港澳台',
  简历照: '求职 毕业 教师资格证',
};

/** The specs in the order the size list shows them: in Chinese, the Chinese sizes first (then the file's order). */
export function specsForLocale<S extends Pick<SpecEntry, 'region'>>(specs: readonly S[], locale: Locale): S[] {
  if (locale !== 'zh-CN') return [...specs];
  return [...specs.filter((s) => s.region === 'CN'), ...specs.filter((s) => s.region !== 'CN')];
}

/**
 * The specs a search finds: every word of the query must start a word of the spec's search text
 * ("us" finds "US 2x2", not "Australia"); a word with letters beyond ASCII (一寸, 护照) may match
 * anywhere. An empty query finds them all.
 */
export function searchSpecs<S extends Pick<SpecEntry, 'id' | 'name' | 'names' | 'region'>>(specs: readonly S[], query: string): S[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...specs];
  return specs.filter((spec) => {
    const text = specSearchText(spec).toLowerCase();
    return words.every((w) => (/^[\x00-\x7f]+$/.test(w) ? new RegExp(`(^|[^a-z0-9])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(text) : text.includes(w)));
  });
}
