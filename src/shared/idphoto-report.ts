// How an ID photo's measurement reads, for the CLI, a batch's report and the compliance panel
// alike: its band ("32–36", "≤ 6", "≥ 12", "= 1") and its unit as a symbol. Plain functions, no I/O.
import type { IdPhotoMeasurement } from './api';

/** The most copies of a photo a print sheet is asked for (0: as many as fit): the CLI's --copies, the engine's sheet and the app's field. */
export const MAX_SHEET_COPIES = 500;

/**
 * Paper sizes in mm (portrait). Office papers (A4, A5, Letter) go through a home or office printer,
 * which cannot print the outer 4-5 mm: their photos keep 6 mm from the edge (their cut marks 4.5 mm);
 * a lab prints photo papers to the edge (3 mm).
 */
export const PAPER_SIZES: Record<string, { widthMm: number; heightMm: number; marginMm?: number }> = {
  '6inch': { widthMm: 101.6, heightMm: 152.4 },
  '4r': { widthMm: 101.6, heightMm: 152.4 },
  '5inch': { widthMm: 88.9, heightMm: 127 },
  '3r': { widthMm: 88.9, heightMm: 127 },
  '5r': { widthMm: 127, heightMm: 177.8 },
  a4: { widthMm: 210, heightMm: 297, marginMm: 6 },
  a5: { widthMm: 148, heightMm: 210, marginMm: 6 },
  letter: { widthMm: 215.9, heightMm: 279.4, marginMm: 6 },
};

/** Where the sheet of a photo goes: beside it, '_sheet' before the extension (same format). */
export function sheetPathOf(output: string): string {
  return output.replace(/(\.[^./\\]+)?$/, (ext) => `_sheet${ext}`);
}

/**
 * The print-sheet papers the app's pickers offer, in the order shown: each a name the engine prints
 * on (core/idphoto/print-sheet.ts PAPER_SIZES), each of its sizes once (4R is the 6-inch).
 */
export const SHEET_PAPERS = ['6inch', '5inch', '5r', 'a4', 'a5', 'letter'] as const;

/**
 * How far the face centre (between the eyes) may sit from the photo's vertical centre line, as a
 * fraction of the width each way: ISO/IEC 19794-5 (the basis of ICAO 9303's photo rules) puts the
 * face's horizontal mid-point between 45 % and 55 % of the width. The placement may use it, the
 * report checks it, and the ID photo workspace's left / right nudge stays within it.
 */
export const CENTRE_TOLERANCE = 0.05;

/** The largest left / right nudge (mm, each way) that keeps a centred face within CENTRE_TOLERANCE, in 0.25 mm steps. */
export function maxSideNudgeMm(widthMm: number): number {
  return Math.floor(CENTRE_TOLERANCE * widthMm * 4 + 1e-9) / 4;
}

/** The largest file size a band may ask for, KB (a 600 dpi passport photo is a few hundred). */
export const MAX_FILE_KB = 10_000;

/**
 * A file size band a person asks for, [min, max] KB (an upload form's "20 to 50 KB"), from its
 * ends; an end left out is open (0, or MAX_FILE_KB). Null unless 0 <= min <= max <= MAX_FILE_KB
 * and max > 0, or when both ends are left out.
 */
export function fileSizeBand(minKb: number | undefined, maxKb: number | undefined): [number, number] | null {
  if (minKb === undefined && maxKb === undefined) return null;
  const band: [number, number] = [minKb ?? 0, maxKb ?? MAX_FILE_KB];
  return band.every((n) => Number.isFinite(n)) && band[0] >= 0 && band[0] <= band[1] && band[1] > 0 && band[1] <= MAX_FILE_KB ? band : null;
}

/** A file size band's ends as a measurement holds them: an open end (0, MAX_FILE_KB) is null, so it reads "≤ 50" / "≥ 20". */
export function fileSizeBandEnds(band: readonly [number, number]): { min: number | null; max: number | null } {
  return { min: band[0] > 0 ? band[0] : null, max: band[1] < MAX_FILE_KB ? band[1] : null };
}

/**
 * The band a pair of From / To fields asks for: an end left empty is the spec's own (the field's
 * placeholder), else open. Undefined when nothing is asked (both empty, or only "from 0" on a size
 * with no band); null when what is asked is no band.
 */
export function askedFileSizeBand(minKb: number | null, maxKb: number | null, specBand: readonly [number, number] | undefined): [number, number] | null | undefined {
  if (minKb === null && maxKb === null) return undefined;
  if (maxKb === null && minKb === 0 && !specBand) return undefined;
  return fileSizeBand(minKb ?? specBand?.[0], maxKb ?? specBand?.[1]);
}

/** Below this JPEG quality an ID photo shows blocks: a file that needed it to fit a KB band is said to need a look (CLI and app). */
export const LOW_JPEG_QUALITY = 30;

/**
 * What a written ID photo's file size needs said, from its JPEG quality and its fileSizeKb check:
 * 'over' when even the coarsest JPEG is over the band's ceiling (the band cannot be met at the
 * spec's pixel size: the smallest file there is smallestKb), 'blocky' when the band was met only
 * below LOW_JPEG_QUALITY; null when neither (a PNG, no band, a fine JPEG).
 */
export function fileSizeAdvice(quality: number | null, sizeCheck: Pick<IdPhotoMeasurement, 'value' | 'max' | 'pass' | 'maxValue'> | undefined): { kind: 'over'; smallestKb: number; maxKb: number; quality: number } | { kind: 'blocky'; quality: number } | null {
  if (quality === null) return null;
  // The larger reading where the size is shown as two (over the ceiling only in 1,000-byte KB).
  const largest = sizeCheck?.value === null || sizeCheck?.value === undefined ? null : Math.max(sizeCheck.value, sizeCheck.maxValue ?? sizeCheck.value);
  if (sizeCheck && !sizeCheck.pass && largest !== null && sizeCheck.max !== null && largest > sizeCheck.max) {
    // Said rounded up: "2.96" reads as the least a band's ceiling must allow.
    return { kind: 'over', smallestKb: Math.ceil(largest * 100) / 100, maxKb: sizeCheck.max, quality };
  }
  return quality < LOW_JPEG_QUALITY ? { kind: 'blocky', quality } : null;
}

/** The highest JPEG quality the KB band search tries: a file under the band's floor at its default quality tries up to this before padding. */
export const MAX_JPEG_QUALITY = 100;

/** Whether a JPEG padded to a band's floor was held at its quality by the band's ceiling (one step up was over it) rather than by the encoder's top. */
export function isPaddedUnderCeiling(quality: number | null): boolean {
  return quality !== null && quality < MAX_JPEG_QUALITY;
}

/** Whether some file size is inside the band whether a form counts a KB as 1000 bytes or as 1024 (not so under 2.4 % wide: 49–50 KB). */
export function isKbBandBothWays(kb: readonly [number, number]): boolean {
  return Math.ceil(kb[0] * 1024) <= Math.floor(kb[1] * 1000);
}

/** A spec with the file size band asked for in place of its own (the spec a photo is made and checked by); the spec itself when none is asked. */
export function withFileSizeBand<S extends { fileSizeKb?: readonly [number, number] | [number, number] }>(spec: S, band: [number, number] | null | undefined): S {
  return band ? { ...spec, fileSizeKb: band } : spec;
}

/** `--kb`'s value: "20-50" (or "20–50", "20-50KB"), "50" (at most 50), "20-" (at least 20); null when it does not read as a band. */
export function parseFileSizeBand(text: string): [number, number] | null {
  // "14–20" as the checks show a band (an en dash) reads too, and "20-50 KB" as a form writes it.
  const m = /^\s*(\d+(?:\.\d+)?)?\s*([-–])?\s*(\d+(?:\.\d+)?)?\s*(?:kb)?\s*$/i.exec(text);
  if (!m || (!m[1] && !m[3])) return null;
  if (!m[2]) return m[3] ? null : fileSizeBand(undefined, Number(m[1]));
  return fileSizeBand(m[1] ? Number(m[1]) : undefined, m[3] ? Number(m[3]) : undefined);
}

/** A measurement's band as read ("24–28", "±1.25" for one centred on 0); empty when it is open at both ends. */
export function bandText(m: Pick<IdPhotoMeasurement, 'min' | 'max'>): string {
  if (m.min !== null && m.max !== null) return m.min === m.max ? `= ${m.min}` : m.min === -m.max ? `±${m.max}` : `${m.min}–${m.max}`;
  if (m.max !== null) return `≤ ${m.max}`;
  return m.min !== null ? `≥ ${m.min}` : '';
}

/** The report's units as shown after a value: symbols that read the same in every language. */
const UNIT_SUFFIX: Record<string, string> = { mm: ' mm', deg: '°', dE: ' ΔE', count: '', KB: ' KB', '%': ' %', x: '×', 'L*': ' L*', EV: ' EV' };

/** A value with its unit ("34.05 mm", "-0.07°", "0.01 ΔE", "1"); a range gives both ends. */
export function valueText(m: Pick<IdPhotoMeasurement, 'value' | 'unit' | 'maxValue' | 'minValue'>): string {
  if (m.value === null) return '—';
  const other = m.maxValue ?? m.minValue;
  // A range reads low to high, whichever end the measured value is.
  const value = other !== undefined && other !== null && other !== m.value ? `${Math.min(m.value, other)}–${Math.max(m.value, other)}` : String(m.value);
  return `${value}${UNIT_SUFFIX[m.unit] ?? ` ${m.unit}`}`;
}

/** Each check's name in English: the app's panel (English) and the CLI and report.csv, which name a failed check by it. */
export const CHECK_NAMES_EN = {
  crownChinMm: 'Crown to chin',
  eyeLineFromBottomMm: 'Eye line from bottom',
  crownMarginMm: 'Space above head',
  faceCentreOffsetMm: 'Face off centre',
  hairCutMm: 'Hair cut by the photo edge',
  hairCutWidthMm: 'Head cut flat by the photo edge',
  tiltDeg: 'Tilt',
  faceCount: 'Faces',
  backgroundUniformityDeltaE: 'Background uniformity',
  backgroundColourDeltaE: 'Background colour',
  clothingContrastDeltaE: 'Clothing vs background',
  fileSizeKb: 'File size',
  matteUnsurePct: 'Unsure edges',
  sourceScale: 'Enlarged from the photo',
  bodyCarriedMm: 'Clothing carried past the photo',
  faceInCutoutPct: 'Face in the cut-out',
  faceChroma: 'Face colour',
  faceLightness: 'Face brightness',
  lightingBalanceEv: 'Even lighting',
  glarePct: 'Glare',
  mouthOpeningPct: 'Mouth open',
  eyeOpeningPct: 'Eye opening',
  gazeOffsetPct: 'Looking aside',
  headTurnDeg: 'Head turned',
} as const satisfies Record<string, string>;

/** A failedCheckLine as English words, for the CLI and report.csv: "Hair cut by the photo edge: 1.84 mm (≤ 1 mm)". */
export function failedCheckWords(line: string): string {
  const { name, rest } = splitFailedCheck(line);
  const words = (CHECK_NAMES_EN as Record<string, string>)[name];
  return words ? `${words}: ${rest}` : line;
}

/**
 * A failed check as one line, "name value unit (band unit)" ("backgroundColourDeltaE 89.62 ΔE (≤ 6 ΔE)"):
 * what a batch keeps as specFailures (data: splitFailedCheck reads it back; failedCheckWords says it).
 */
export function failedCheckLine(name: string, m: Pick<IdPhotoMeasurement, 'value' | 'unit' | 'min' | 'max' | 'maxValue' | 'minValue'>): string {
  const band = bandText(m);
  return `${name} ${m.value === null ? 'missing' : valueText(m)}${band ? ` (${band}${UNIT_SUFFIX[m.unit] ?? ` ${m.unit}`})` : ''}`;
}

/** A failedCheckLine's check name and the rest ("89.62 ΔE (≤ 6 ΔE)"), so a UI can put the name in its own words. */
export function splitFailedCheck(line: string): { name: string; rest: string } {
  const space = line.indexOf(' ');
  return space < 0 ? { name: line, rest: '' } : { name: line.slice(0, space), rest: line.slice(space + 1) };
}
