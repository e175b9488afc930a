// The ID-photo spec library: resources/specs/id-photo-specs.json plus user spec files, parsed
// and validated (SPEC_UNKNOWN / INVALID_ARGUMENT). Core (no electron); paths arrive as arguments.
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import { didYouMean, nearestName } from '../../../shared/did-you-mean';
import { parseHexColor } from '../image/composite';
import { parseUserJson } from '../io/user-json';
import { SHEET_DPI_RANGE } from './print-sheet';

/** A closed band [min, max]. */
export type Band = [number, number];

/** One ID-photo specification; lengths in millimetres. */
export interface IdPhotoSpec {
  id: string;
  /** The name in English. */
  name: string;
  /** The name in other UI languages, by locale ('zh-CN': '一寸 25×35 mm'); optional. */
  names?: Record<string, string>;
  region: string;
  use: 'document' | 'general' | 'resume' | string;
  widthMm: number;
  heightMm: number;
  dpi: number;
  /** Exact output size in pixels. */
  widthPx: number;
  heightPx: number;
  /** Chin to crown (top of the head, hair included). */
  crownChinMm: Band;
  /** Eye line measured from the bottom edge. */
  eyeLineFromBottomMm?: Band;
  /** Crown to the top edge. */
  crownMarginMm?: Band;
  background: { allowed: string[]; default: string };
  /** File size band in KB; the written file lands inside for both 1000- and 1024-byte KB. */
  fileSizeKb?: Band;
  format: 'jpeg' | 'png';
  source: string;
  /**
   * The rule asks for a closed mouth (a neutral expression: ICAO 9303, Schengen, the UK, China …);
   * default: true for a document, false otherwise. The US takes "a natural smile" (false).
   */
  mouthClosed?: boolean;
  /**
   * The rule asks for open eyes; default: true for a document (every photo ID rule does), false
   * otherwise (a résumé or a general photo: the measurement is shown, not judged).
   */
  eyesOpen?: boolean;
  /** Date (YYYY-MM-DD) the values were compiled. */
  checked: string;
  note?: string;
}

/** The fields a spec may have (the library's `$comment` too): another is a typo, whose rule was left out unsaid. */
const SPEC_FIELDS = ['id', 'name', 'names', 'region', 'use', 'widthMm', 'heightMm', 'dpi', 'widthPx', 'heightPx', 'crownChinMm', 'eyeLineFromBottomMm', 'crownMarginMm', 'background', 'fileSizeKb', 'format', 'source', 'mouthClosed', 'eyesOpen', 'checked', 'note', '$comment'] as const;

/** The least side of an ID photo, mm: a spec of 2x2 "mm" is one in inches (2 in is 50.8 mm). */
const MIN_SPEC_SIDE_MM = 10;

function isBand(v: unknown): v is Band {
  return Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n)) && v[0] <= v[1];
}

/** Validates one spec object (from the library or a user file); INVALID_ARGUMENT names the problem. */
export function parseSpec(raw: unknown, origin = 'spec'): IdPhotoSpec {
  const s = raw as Partial<IdPhotoSpec> | null;
  const fail = (what: string): never => {
    throw new AppError('INVALID_ARGUMENT', `${origin}: spec ${String(s?.id ?? '?')} ${what}`, { detail: { origin, id: s?.id } });
  };
  if (!s || typeof s !== 'object') return fail('is not an object');
  if (typeof s.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s.id)) fail('needs an id of lower-case letters, digits and dashes');
  // A user file's mistakes are said, each naming its field: a typo's rule (fileSizeKB) was left out,
  // a name of 123 ended every lookup by name, a format of "PNG" wrote a JPEG.
  for (const key of Object.keys(s)) {
    const near = (SPEC_FIELDS as readonly string[]).includes(key) ? undefined : didYouMean(key, SPEC_FIELDS);
    if (near !== undefined) fail(`has an unknown field "${key}"${near ? `.${near}` : ''}`);
  }
  for (const k of ['name', 'region', 'use', 'source', 'checked', 'note'] as const) if (s[k] !== undefined && typeof s[k] !== 'string') fail(`has a ${k} that is not text`);
  if (s.format !== undefined && !['jpeg', 'jpg', 'png'].includes(String(s.format).toLowerCase())) fail(`has format "${String(s.format)}": use jpeg or png`);
  for (const k of ['widthMm', 'heightMm', 'dpi'] as const) if (typeof s[k] !== 'number' || !(s[k]! > 0)) fail(`needs a positive ${k}`);
  // A photo's dpi as a print sheet's (a spec of 20000 dpi asked for a 27559x35433 px photo).
  if (s.dpi! < SHEET_DPI_RANGE.min || s.dpi! > SHEET_DPI_RANGE.max) fail(`has dpi ${s.dpi}: an ID photo's is ${SHEET_DPI_RANGE.min} to ${SHEET_DPI_RANGE.max}`);
  for (const k of ['widthMm', 'heightMm'] as const) if (s[k]! < MIN_SPEC_SIDE_MM) fail(`is ${s[k]} mm ${k === 'widthMm' ? 'wide' : 'high'}: an ID photo's sides are ${MIN_SPEC_SIDE_MM} mm or more (sizes are in mm: 2 in is 50.8 mm)`);
  const widthPx = s.widthPx ?? Math.round((s.widthMm! / 25.4) * s.dpi!);
  const heightPx = s.heightPx ?? Math.round((s.heightMm! / 25.4) * s.dpi!);
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 16 || heightPx < 16) fail('has an invalid pixel size');
  // Its pixels print at its size at its dpi (to a pixel, or 1 %): the photo is placed in mm at
  // heightPx / heightMm, the file says its dpi and a sheet draws it at its mm; 600x600 px at 300 dpi
  // for 35x45 mm printed 51 mm square, with its head 38 mm where the report said 34.
  for (const [side, px, mm] of [['width', widthPx, s.widthMm!], ['height', heightPx, s.heightMm!]] as const) {
    const atDpi = (mm / 25.4) * s.dpi!;
    if (Math.abs(px - atDpi) > Math.max(1, 0.01 * atDpi)) fail(`has ${side}Px ${px}, where ${mm} mm at ${s.dpi} dpi is ${Math.round(atDpi)} px: give the dpi the pixels are for, or leave the pixels out`);
  }
  if (!isBand(s.crownChinMm)) fail('needs crownChinMm as [min, max]');
  if (s.crownChinMm![1] >= s.heightMm!) fail('has a crown–chin band taller than the photo');
  if (!(s.crownChinMm![0] > 0)) fail('has a crown–chin band from 0 or less');
  if (s.names !== undefined && (typeof s.names !== 'object' || s.names === null || Array.isArray(s.names) || !Object.values(s.names).every((v) => typeof v === 'string' && v.trim() !== ''))) {
    fail('has names that are not { locale: name } strings');
  }
  const within = (band: Band, top: number) => band[0] >= 0 && band[1] <= top;
  if (s.eyeLineFromBottomMm !== undefined && !(isBand(s.eyeLineFromBottomMm) && within(s.eyeLineFromBottomMm, s.heightMm!))) fail(`has an invalid eyeLineFromBottomMm: [min, max] from 0 to the photo's ${s.heightMm} mm`);
  if (s.crownMarginMm !== undefined && !(isBand(s.crownMarginMm) && within(s.crownMarginMm, s.heightMm!))) fail(`has an invalid crownMarginMm: [min, max] from 0 to the photo's ${s.heightMm} mm`);
  // Every head the crown–chin band takes fits below the least margin (12 mm over a 36 mm head on a
  // 45 mm photo put the chin 2 mm below its bottom edge, and the photo passed).
  if (s.crownMarginMm && s.crownMarginMm[0] + s.crownChinMm![1] > s.heightMm!) fail(`has crownMarginMm from ${s.crownMarginMm[0]} mm over a crown–chin band up to ${s.crownChinMm![1]} mm: more than the photo's ${s.heightMm} mm, the chin would be cut off`);
  if (s.fileSizeKb !== undefined && !(isBand(s.fileSizeKb) && s.fileSizeKb[0] >= 0 && s.fileSizeKb[1] > 0)) fail('has an invalid fileSizeKb: [min, max] KB, max above 0');
  if (s.mouthClosed !== undefined && typeof s.mouthClosed !== 'boolean') fail('has a mouthClosed that is not true or false');
  if (s.eyesOpen !== undefined && typeof s.eyesOpen !== 'boolean') fail('has an eyesOpen that is not true or false');
  const bg = s.background ?? { allowed: ['#FFFFFF'], default: '#FFFFFF' };
  if (!bg || typeof bg !== 'object' || !Array.isArray(bg.allowed) || bg.allowed.length === 0) fail('needs background.allowed colours');
  // No default: the first allowed colour (it ended as INTERNAL reading undefined).
  const bgDefault = bg.default ?? bg.allowed[0];
  for (const [field, c] of [...bg.allowed.map((c) => ['background.allowed', c] as const), ['background.default', bgDefault] as const]) {
    try {
      parseHexColor(c);
    } catch {
      fail(`has ${field} ${JSON.stringify(c)}, which is not a colour: use #RRGGBB`);
    }
  }
  // A default the spec does not allow made photos that fail their own background check.
  if (!bg.allowed.some((c) => c.toUpperCase() === bgDefault.toUpperCase())) fail(`has background.default ${bgDefault}, which is not one of background.allowed (${bg.allowed.join(', ')})`);
  return {
    id: s.id!,
    name: s.name ?? s.id!,
    ...(s.names ? { names: { ...s.names } } : {}),
    region: s.region ?? '',
    use: s.use ?? 'document',
    widthMm: s.widthMm!,
    heightMm: s.heightMm!,
    dpi: s.dpi!,
    widthPx,
    heightPx,
    crownChinMm: s.crownChinMm!,
    eyeLineFromBottomMm: s.eyeLineFromBottomMm,
    crownMarginMm: s.crownMarginMm,
    background: { allowed: bg.allowed.map((c) => c.toUpperCase()), default: bgDefault.toUpperCase() },
    fileSizeKb: s.fileSizeKb,
    format: String(s.format).toLowerCase() === 'png' ? 'png' : 'jpeg',
    source: s.source ?? 'user spec',
    ...(s.mouthClosed !== undefined ? { mouthClosed: s.mouthClosed } : {}),
    ...(s.eyesOpen !== undefined ? { eyesOpen: s.eyesOpen } : {}),
    checked: s.checked ?? '',
    note: s.note,
  };
}

/** Whether a spec's rule asks for a closed mouth: its own `mouthClosed`, else a document's do. */
export function asksClosedMouth(spec: Pick<IdPhotoSpec, 'use' | 'mouthClosed'>): boolean {
  return spec.mouthClosed ?? spec.use === 'document';
}

/** Whether a spec's rule asks for open eyes: its own `eyesOpen`, else a document's do. */
export function asksOpenEyes(spec: Pick<IdPhotoSpec, 'use' | 'eyesOpen'>): boolean {
  return spec.eyesOpen ?? spec.use === 'document';
}

/** Reads a spec file ({ specs: [...] } or a bare array). */
export async function loadSpecFile(path: string): Promise<IdPhotoSpec[]> {
  let raw: unknown;
  try {
    raw = parseUserJson(await readFile(path, 'utf8'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INVALID_ARGUMENT';
    throw new AppError(code, `Cannot read the spec file ${path}: ${(cause as Error).message}`, { cause, detail: { path } });
  }
  const list = Array.isArray(raw) ? raw : (raw as { specs?: unknown[] })?.specs;
  if (!Array.isArray(list)) throw new AppError('INVALID_ARGUMENT', `${path} has no "specs" array`, { detail: { path } });
  return list.map((s) => parseSpec(s, path));
}

/**
 * The library: built-in specs then user files' specs, each id once (a user file's us-2x2 replaced
 * the built-in one unsaid, and a file's second spec of an id its first).
 */
export class SpecLibrary {
  private readonly byId = new Map<string, IdPhotoSpec>();

  constructor(specs: IdPhotoSpec[]) {
    for (const s of specs) this.byId.set(s.id, s);
  }

  /** Loads the app library file and any user spec files, in order; INVALID_ARGUMENT for an id given twice. */
  static async load(libraryPath: string, userPaths: string[] = []): Promise<SpecLibrary> {
    const all: IdPhotoSpec[] = [];
    const from = new Map<string, string>();
    for (const p of [libraryPath, ...userPaths]) {
      for (const spec of await loadSpecFile(p)) {
        const first = from.get(spec.id);
        if (first !== undefined) {
          const where = first === libraryPath ? "is a built-in spec's" : first === p ? 'is given twice in it' : `is ${first}'s too`;
          throw new AppError('INVALID_ARGUMENT', `${p}: spec id ${spec.id} ${where}: give it another id`, { detail: { path: p, id: spec.id } });
        }
        from.set(spec.id, p);
        all.push(spec);
      }
    }
    return new SpecLibrary(all);
  }

  /** Every spec, in file order. */
  list(): IdPhotoSpec[] {
    return [...this.byId.values()];
  }

  /**
   * The spec with this id, or the one a name stands for (its first word in any language: 一寸 or
   * 1寸 is cn-1inch); SPEC_UNKNOWN lists the known ids.
   */
  get(id: string): IdPhotoSpec {
    // Ids are lower case; one typed in capitals ("CN-1INCH", as it is printed) is the same size.
    const s = this.byId.get(id) ?? this.byId.get(id.toLowerCase()) ?? this.byName(id);
    if (!s) {
      const known = [...this.byId.keys()];
      throw new AppError('SPEC_UNKNOWN', `Unknown ID-photo spec "${id}".${didYouMean(id, known)} Known specs: ${known.join(', ')}`, { detail: { id, known, nearest: nearestName(id, known) } });
    }
    return s;
  }

  /** The one spec whose name (any language) begins with `name` as a word, or undefined. */
  private byName(name: string): IdPhotoSpec | undefined {
    const key = name.trim().replace(/^1寸/, '一寸').replace(/^2寸/, '二寸').toLowerCase();
    if (!key) return undefined;
    const found = [...this.byId.values()].filter((s) => [s.name, ...Object.values(s.names ?? {})].some((n) => n.toLowerCase() === key || n.toLowerCase().startsWith(`${key} `)));
    return found.length === 1 ? found[0] : undefined;
  }
}

/** Pixels per millimetre of a spec. */
export function pxPerMm(spec: Pick<IdPhotoSpec, 'widthPx' | 'widthMm'>): number {
  return spec.widthPx / spec.widthMm;
}
