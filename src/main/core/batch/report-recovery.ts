// A batch's journal lost (deleted, or OUT copied without its hidden files): the reports of the
// runs before stand in for it. Core (no electron).
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isPlaceInside, type JournalIndex, type JournalRecord } from './journal';
import { readReport, type BatchReport } from './report';
import type { InputSpeller } from './scan';
import type { BatchEntry, BatchItem } from './types';

/** The reports an earlier run left in OUT: the last one (report.json), and the last one of this mode (report.json, or the report-MODE.json a run of another mode kept). */
export interface EarlierReports {
  latest?: BatchReport;
  own?: BatchReport;
}

/** Reads OUT's reports (EarlierReports). */
export async function readEarlierReports(outDir: string, modeId: string): Promise<EarlierReports> {
  const latest = await readReport(outDir);
  const own = latest?.summary.mode === modeId ? latest : /^[a-z]+$/.test(modeId) ? await readReport(outDir, `report-${modeId}.json`) : undefined;
  return { latest, own: own?.summary.mode === modeId ? own : undefined };
}

/**
 * A reported output's place in OUT, '/'-separated: inside the output folder the report was written
 * for (its summary's: OUT copied elsewhere keeps its places), else inside OUT as now spelled.
 */
function placeOf(report: BatchReport, output: string, outDir: string): string | undefined {
  const from = typeof report.summary.outputDir === 'string' && report.summary.outputDir ? [report.summary.outputDir, outDir] : [outDir];
  for (const dir of from) {
    const rel = relative(dir, output).split(sep).join('/');
    if (isPlaceInside(rel)) return rel;
  }
  return undefined;
}

function isDoneEntry(e: BatchEntry): boolean {
  return e.status === 'done' || (e.status === 'skipped' && e.doneBefore === true);
}

/** The well-formed entries of a report, each with its input as this run spells it. */
async function entriesOf(report: BatchReport | undefined, speller: InputSpeller): Promise<{ input: string; entry: BatchEntry }[]> {
  const out: { input: string; entry: BatchEntry }[] = [];
  for (const entry of report?.entries ?? []) {
    if (!entry || typeof entry !== 'object' || typeof entry.input !== 'string' || typeof entry.output !== 'string') continue;
    out.push({ input: await speller.spell(entry.input), entry });
  }
  return out;
}

/**
 * Where the reports say each input went, for the inputs the journal knows nothing of: the scan
 * puts an input folder back where it went (without them, a folder done into OUT/inB went to the
 * top of OUT, beside another folder's outputs).
 */
export async function reportedPlaces(reports: EarlierReports, outDir: string, journal: JournalIndex, speller: InputSpeller): Promise<{ input: string; rel: string }[]> {
  const places: { input: string; rel: string }[] = [];
  for (const report of new Set([reports.own, reports.latest])) {
    if (!report) continue;
    for (const { input, entry } of await entriesOf(report, speller)) {
      const rel = isDoneEntry(entry) && entry.output ? placeOf(report, entry.output, outDir) : undefined;
      if (rel !== undefined && !journal.latest(input)) places.push({ input, rel });
    }
  }
  return places;
}

/**
 * Records the journal no longer has, for this run's inputs it knows nothing of (nor of their
 * outputs): a failure in the last report is one --retry-failed retries (whatever its mode). A
 * file the last run of this mode did: its output's place is the input's (this run does not write
 * NAME-2 beside it, nor beside the print sheet of a photo deleted), and --resume skips it when the
 * report's options are these and the input is no newer than its output (a report holds no size or
 * mtime of the input: `recovered` says so); else, or with the output gone, it is made again in
 * its place.
 */
export async function recoveredFromReports(reports: EarlierReports, outDir: string, items: readonly BatchItem[], journal: JournalIndex, speller: InputSpeller): Promise<JournalRecord[]> {
  const byInput = new Map(items.map((item) => [item.input, item]));
  const records = new Map<string, JournalRecord>();
  const isUnknown = (input: string): boolean => byInput.has(input) && !journal.latest(input) && !records.has(input);
  if (reports.own) {
    const optionsHash = typeof reports.own.summary.optionsHash === 'string' ? reports.own.summary.optionsHash : '';
    for (const { input, entry } of await entriesOf(reports.own, speller)) {
      const rel = isDoneEntry(entry) && entry.output ? placeOf(reports.own, entry.output, outDir) : undefined;
      const output = rel === undefined ? undefined : join(outDir, ...rel.split('/'));
      // Known to the journal: the input, or its output (a claim: a run stopped after the rename).
      if (!output || !isUnknown(input) || journal.ownerOf(output) !== undefined) continue;
      const item = byInput.get(input)!;
      const made = await stat(output).catch(() => undefined);
      const isUnchanged = made?.isFile() === true && item.mtimeMs <= made.mtimeMs;
      const { unsureShare, needsReview, reviewThreshold, isEmpty, note, notes, specFailures } = entry;
      records.set(input, {
        v: 1,
        input,
        status: 'done',
        sizeBytes: isUnchanged ? item.sizeBytes : -1,
        mtimeMs: isUnchanged ? item.mtimeMs : -1,
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
  for (const { input, entry } of await entriesOf(reports.latest, speller)) {
    if (entry.status === 'failed' && isUnknown(input)) records.set(input, { v: 1, input, status: 'failed', sizeBytes: -1, mtimeMs: -1, optionsHash: '', output: entry.output, code: entry.code, recovered: true, atMs: 0 });
  }
  return [...records.values()];
}
