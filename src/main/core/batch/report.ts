// report.json and report.csv in the output folder: one entry per input (done / skipped / failed /
// cancelled, error code, output path) plus the run summary. Written atomically. Core (no electron).
import { readFile, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { failedCheckWords } from '../../../shared/idphoto-report';
import { writeFileAtomic } from '../io/atomic-write';
import { isInside } from './scan';
import type { BatchEntry, BatchSummary } from './types';

/** File names of the reports inside the output folder. */
export const REPORT_JSON = 'report.json';
/** See REPORT_JSON. */
export const REPORT_CSV = 'report.csv';

/** The content of report.json. */
export interface BatchReport {
  version: 1;
  summary: Omit<BatchSummary, 'reportJson' | 'reportCsv' | 'keptReportCsv' | 'failures' | 'reviews'>;
  entries: BatchEntry[];
}

/**
 * A CSV field, quoted when it needs it (RFC 4180). One a spreadsheet would take for a formula (a
 * file named "=1+1.jpg", "@cmd.jpg": it starts with = + - @ or a tab or CR) leads with an apostrophe,
 * as OWASP advises, so it is shown as text; a number ("-0.5") stays a number.
 */
export function csvField(value: unknown): string {
  const raw = value === undefined || value === null ? '' : String(value);
  const s = /^[=+\-@\t\r]/.test(raw) && !/^[+-]?\d+(\.\d+)?$/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * How report.csv says its paths: as given (the desktop and the CLI: the user's own paths), or, for
 * a browser's batch, each input from the upload folder that holds it ("photos/a.jpg", not the
 * server's uploads/folder-1a2b…/photos/a.jpg) and each output from the output folder.
 */
export interface CsvPaths {
  /** Folders an input is said from (the deepest that holds it); an input in none is said whole. */
  inputRoots?: readonly string[];
  /** With inputRoots: outputs said from this folder. */
  outputDir?: string;
}

/**
 * The CSV text of the entries: header input,status,code,message,output,output_bytes,elapsed_ms,unsure_share,needs_review,spec,note
 * (message: a failure's message, "nothing found to cut out" for an empty cut-out and a skip's reason, joined by '; ';
 * note: what a done file's line said of it (a sticker of the clip's first part only …), in its own column since 2 December 2026;
 * needs_review: yes / no, n/a for a model without a calibrated threshold (yes for an empty cut-out all the same), empty for other modes;
 * spec: ID photos, "pass" or "fail: " and the failed checks joined by '; ', empty for other modes;
 * output: empty for a failed or cancelled file, which wrote nothing (but a cancelled one's output an earlier run made, kept: outputKept); a message names the input as the input column does;
 * output_bytes: the output's size in bytes (what an upload form's KB limit reads), since 7 December 2026; empty where output is).
 */
export function entriesToCsv(entries: readonly BatchEntry[], paths: CsvPaths = {}): string {
  const shownInput = (input: string): string => {
    const root = paths.inputRoots?.filter((r) => input !== r && isInside(input, r)).sort((a, b) => b.length - a.length)[0];
    return root ? relative(root, input) : input;
  };
  const shownOutput = (output: string): string => (paths.outputDir && output && output !== paths.outputDir && isInside(output, paths.outputDir) ? relative(paths.outputDir, output) : output);
  const rows = [['input', 'status', 'code', 'message', 'output', 'output_bytes', 'elapsed_ms', 'unsure_share', 'needs_review', 'spec', 'note'].join(',')];
  for (const e of entries) {
    const review = e.unsureShare === undefined ? ['', ''] : [e.unsureShare.toFixed(3), e.isEmpty || e.needsReview ? 'yes' : e.reviewThreshold === null ? 'n/a' : 'no'];
    // The input as its column says it (a browser's upload was named by its path in the server's upload folder).
    const input = shownInput(e.input);
    const said = [e.message, e.isEmpty ? 'nothing found to cut out' : '', e.reason].filter(Boolean).join('; ');
    const message = input === e.input ? said : said.split(e.input).join(input);
    const spec = e.specFailures === undefined ? '' : e.specFailures.length === 0 ? 'pass' : `fail: ${e.specFailures.map(failedCheckWords).join('; ')}`;
    const output = e.status === 'failed' || (e.status === 'cancelled' && !e.outputKept) ? '' : shownOutput(e.output);
    const bytes = output && e.outputBytes !== undefined ? e.outputBytes : '';
    rows.push([input, e.status, e.code ?? '', message, output, bytes, e.elapsedMs === undefined ? '' : Math.round(e.elapsedMs), ...review, spec, e.note ?? ''].map(csvField).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

/**
 * Writes report.json (the paths whole: a retry reads it) and report.csv (UTF-8 with a byte order
 * mark; its paths as `csvPaths` says) atomically into `outputDir`;
 * returns their paths. A report there of a batch of another mode (ID photos, then cut-outs of the
 * same folder into the same place: the app's exports folder does that) is kept, renamed
 * report-MODE.csv / .json, and `kept` names it (its CSV, or its JSON when it had no CSV); an older
 * report-MODE of this run's own mode, which this one supersedes, is removed. A report that cannot
 * be moved (a CSV open in a spreadsheet on Windows) is written over, as before.
 */
export async function writeReports(outputDir: string, report: BatchReport, csvPaths: CsvPaths = {}): Promise<{ json: string; csv: string; kept?: string }> {
  const json = join(outputDir, REPORT_JSON);
  const csv = join(outputDir, REPORT_CSV);
  const mode = report.summary.mode;
  const before = (await readReport(outputDir))?.summary.mode;
  let kept: string | undefined;
  if (before && before !== mode && /^[a-z]+$/.test(before)) kept = await keepReport(outputDir, before);
  await Promise.all(['csv', 'json'].map((ext) => rm(join(outputDir, `report-${mode}.${ext}`), { force: true }).catch(() => undefined)));
  await writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  // With a UTF-8 byte order mark: Excel reads a CSV without one in the system's code page, and file
  // names in Chinese (or any non-ASCII) came out garbled.
  await writeFileAtomic(csv, `\uFEFF${entriesToCsv(report.entries, csvPaths)}`);
  return { json, csv, ...(kept ? { kept } : {}) };
}

/** Moves report.csv and report.json to report-MODE.*; the path of what was kept (CSV first), or undefined when nothing could be moved. */
async function keepReport(outputDir: string, mode: string): Promise<string | undefined> {
  const moved: string[] = [];
  for (const ext of ['csv', 'json']) {
    const to = join(outputDir, `report-${mode}.${ext}`);
    const error = await rename(join(outputDir, `report.${ext}`), to).then(() => null, (e: unknown) => e);
    if (!error) moved.push(to);
    // The CSV could not be moved (not a missing one): keep neither, and write over both as before.
    else if (ext === 'csv' && (error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return moved[0];
}

/**
 * Reads a previous report.json (or `name`, a kept report-MODE.json); undefined when there is none,
 * it does not parse, or it is not a report (one without its summary stopped every batch into the
 * folder with INTERNAL).
 */
export async function readReport(outputDir: string, name = REPORT_JSON): Promise<BatchReport | undefined> {
  try {
    const report = JSON.parse(await readFile(join(outputDir, name), 'utf8')) as BatchReport;
    const isReport = report?.version === 1 && Array.isArray(report.entries) && typeof report.summary === 'object' && report.summary !== null;
    return isReport ? report : undefined;
  } catch {
    return undefined;
  }
}
