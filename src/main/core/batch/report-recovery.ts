// A batch's journal lost (deleted, or OUT copied without its hidden files): the reports of the
// runs before stand in for it. Core (no electron).
import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isPlaceInside, outputKey, type JournalIndex, type JournalRecord } from './journal';
import { readReport, type BatchReport } from './report';
import type { InputSpeller } from './scan';
import type { BatchEntry, BatchItem } from './types';

/** A report read, its well-formed entries each with its input as this run spells it (once a run). */
export interface SpelledReport {
  report: BatchReport;
  entries: { input: string; entry: BatchEntry }[];
  /** How its output paths become places in OUT (placerOf), worked out when first asked. */
  placer?: Promise<(output: string) => string | undefined>;
}

/** The reports an earlier run left in OUT: the last one (report.json), and the last one of this mode (report.json, or the report-MODE.json a run of another mode kept). */
export interface EarlierReports {
  latest?: SpelledReport;
  own?: SpelledReport;
}

/** Reads OUT's reports (EarlierReports), each spelled once. */
export async function readEarlierReports(outDir: string, modeId: string, speller: InputSpeller): Promise<EarlierReports> {
  const latestReport = await readReport(outDir);
  const ownReport = latestReport?.summary.mode === modeId ? latestReport : /^[a-z]+$/.test(modeId) ? await readReport(outDir, `report-${modeId}.json`) : undefined;
  const latest = latestReport && (await spelled(latestReport, speller));
  const own = ownReport?.summary.mode !== modeId ? undefined : ownReport === latestReport ? latest : await spelled(ownReport, speller);
  return { latest, own };
}

/** A report with its well-formed entries' inputs spelled as this run spells them. */
async function spelled(report: BatchReport, speller: InputSpeller): Promise<SpelledReport> {
  const entries: SpelledReport['entries'] = [];
  for (const entry of report.entries) {
    if (!entry || typeof entry !== 'object' || typeof entry.input !== 'string' || typeof entry.output !== 'string') continue;
    entries.push({ input: await speller.spell(entry.input), entry });
  }
  return { report, entries };
}

/** The report's placer (placerOf), worked out once. */
function placerFor(spelledReport: SpelledReport, outDir: string): Promise<(output: string) => string | undefined> {
  spelledReport.placer ??= placerOf(spelledReport.report, outDir);
  return spelledReport.placer;
}

/** How many of a report's done outputs are looked for to tell which folder its paths are of. */
const BASE_PROBES = 16;

/**
 * How a report's output paths become places in OUT, '/'-separated: relative to the folder the
 * report was written for (its summary's outputDir: a copy of OUT elsewhere keeps its places) or to
 * OUT as now spelled, whichever finds more of the done outputs the report names (a summary's folder
 * that merely holds OUT, "/" hand-edited in, made every place a path deep inside OUT); neither
 * finding any, OUT.
 */
async function placerOf(report: BatchReport, outDir: string): Promise<(output: string) => string | undefined> {
  const placeFrom = (dir: string) => (output: string): string | undefined => {
    const rel = relative(dir, output).split(sep).join('/');
    return isPlaceInside(rel) ? rel : undefined;
  };
  const own = report.summary.outputDir;
  if (typeof own !== 'string' || !own || resolve(own) === outDir) return placeFrom(outDir);
  const outputs = report.entries.filter((e) => e && isDoneEntry(e) && typeof e.output === 'string' && e.output).slice(0, BASE_PROBES).map((e) => e.output);
  const found = async (place: (output: string) => string | undefined): Promise<number> => {
    let n = 0;
    for (const output of outputs) {
      const rel = place(output);
      if (rel !== undefined && (await stat(join(outDir, ...rel.split('/'))).then((s) => s.isFile(), () => false))) n++;
    }
    return n;
  };
  const [fromOwn, fromOut] = [placeFrom(resolve(own)), placeFrom(outDir)];
  return (await found(fromOwn)) > (await found(fromOut)) ? fromOwn : fromOut;
}

function isDoneEntry(e: BatchEntry): boolean {
  return e.status === 'done' || (e.status === 'skipped' && e.doneBefore === true);
}

/**
 * Where the reports say each input went, for the inputs the journal knows nothing of: the scan
 * puts an input folder back where it went (without them, a folder done into OUT/inB went to the
 * top of OUT, beside another folder's outputs).
 */
export async function reportedPlaces(reports: EarlierReports, outDir: string, journal: JournalIndex): Promise<{ input: string; rel: string }[]> {
  const places: { input: string; rel: string }[] = [];
  for (const report of new Set([reports.own, reports.latest])) {
    if (!report) continue;
    const entries = report.entries.filter(({ input, entry }) => isDoneEntry(entry) && entry.output && journal.outputsOf(input).length === 0);
    if (entries.length === 0) continue;
    const placeOf = await placerFor(report, outDir);
    for (const { input, entry } of entries) {
      const rel = placeOf(entry.output);
      if (rel !== undefined) places.push({ input, rel });
    }
  }
  return places;
}

/**
 * Records the journal no longer has. A file the last run of this mode did, that the journal knows
 * of under neither those options nor at its output's place (a claim: a run stopped after the
 * rename): that place is the input's (this run does not write NAME-2 beside it, nor beside the
 * print sheet of a photo deleted), and --resume skips it when the report's options are these and
 * the input is no newer than its output (a report holds no size or mtime of the input: `recovered`
 * says so); else, or with the output gone, it is made again in its place. Every input the report
 * names counts, not only this run's: a run of one of its folders writes a report of that folder
 * alone, and the next run of another found nothing. Two entries naming one place: the first keeps
 * it. A failure in the last report (whatever its mode) of this run's input the journal knows
 * nothing of is one --retry-failed retries.
 */
export async function recoveredFromReports(reports: EarlierReports, outDir: string, items: readonly BatchItem[], journal: JournalIndex): Promise<JournalRecord[]> {
  const byInput = new Map(items.map((item) => [item.input, item]));
  const records = new Map<string, JournalRecord>();
  const own = reports.own;
  if (own) {
    const optionsHash = typeof own.report.summary.optionsHash === 'string' ? own.report.summary.optionsHash : '';
    const entries = own.entries.filter(({ input, entry }) => isDoneEntry(entry) && entry.output && !journal.latestFor(input, optionsHash));
    const placeOf = entries.length > 0 ? await placerFor(own, outDir) : () => undefined;
    const taken = new Set<string>();
    for (const { input, entry } of entries) {
      const rel = placeOf(entry.output);
      const output = rel === undefined ? undefined : join(outDir, ...rel.split('/'));
      if (!output || records.has(input) || taken.has(outputKey(rel!)) || journal.ownerOf(output) !== undefined) continue;
      taken.add(outputKey(rel!));
      // The input as it is now: this run's, else as the disk has it (moved or deleted: only its place is kept).
      const now = byInput.get(input) ?? (await stat(input).then((s) => (s.isFile() ? { sizeBytes: s.size, mtimeMs: s.mtimeMs } : undefined), () => undefined));
      const made = await stat(output).catch(() => undefined);
      const isUnchanged = now !== undefined && made?.isFile() === true && now.mtimeMs <= made.mtimeMs;
      const { unsureShare, needsReview, reviewThreshold, isEmpty, note, notes, specFailures } = entry;
      records.set(input, {
        v: 1,
        input,
        status: 'done',
        sizeBytes: isUnchanged ? now.sizeBytes : -1,
        mtimeMs: isUnchanged ? now.mtimeMs : -1,
        optionsHash,
        output,
        outputRel: rel,
        unsureShare,
        needsReview,
        reviewThreshold,
        isEmpty,
        note,
        notes,
        specFailures,
        recovered: true,
        atMs: made?.mtimeMs ?? 0,
      });
    }
  }
  for (const { input, entry } of reports.latest?.entries ?? []) {
    if (entry.status === 'failed' && byInput.has(input) && !journal.latest(input) && !records.has(input)) {
      records.set(input, { v: 1, input, status: 'failed', sizeBytes: -1, mtimeMs: -1, optionsHash: '', output: entry.output, code: entry.code, recovered: true, atMs: 0 });
    }
  }
  return [...records.values()];
}
