// The resume journal in the output folder: append-only JSON lines, each fsync'd after the output
// it names was renamed into place, so after a crash (even kill -9) every journalled output is
// whole. A torn last line is ignored on read. Core (no electron).
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { ErrorCode, ErrorKind } from '../../../shared/errors';
import type { FinishedFile } from '../../../shared/jobs';
import { BATCH_JOURNAL_NAME } from '../../../shared/media';
import { toWriteError } from '../io/atomic-write';
import type { InputSpeller } from './scan';

/** File name of the journal inside the output folder. */
export const JOURNAL_NAME = BATCH_JOURNAL_NAME;

/** One journal line: how one input ended, and what it was when it ended (done files: their review and note, so a resumed run still names the files to look at). */
export interface JournalRecord extends FinishedFile {
  v: 1;
  input: string;
  status: 'done' | 'failed';
  sizeBytes: number;
  mtimeMs: number;
  optionsHash: string;
  /** The hash of the user's choices alone, without the app's output versions (records from 2 December 2026 on). */
  settingsHash?: string;
  output: string;
  /** The output's place in the output folder, '/'-separated (records from 2 December 2026 on). */
  outputRel?: string;
  code?: ErrorCode;
  message?: string;
  /** What a failure's error detail said of the file (records from 2 December 2026 on). */
  errorKind?: ErrorKind;
  /**
   * Read from a report, the journal lost (report-recovery.ts): the input's size and mtime were
   * not compared with the file's then, only its mtime with its output's.
   */
  recovered?: boolean;
  atMs: number;
}

/**
 * A line written just before an output is renamed into place: the place is this input's. A run
 * stopped (Ctrl+C, a full disk, a crash) between the rename and the done record left a file no
 * record owned, and the next run wrote NAME-2 beside it as if it were the user's. Neither done nor
 * failed: --resume and --retry-failed read no outcome from it (versions before it skip the line).
 */
export interface OutputClaim {
  v: 1;
  input: string;
  status: 'writing';
  output: string;
  outputRel?: string;
  atMs: number;
}

/**
 * Whether a parsed line is a done or failed record whose fields, where present, are of their types
 * (a line another tool or a hand wrote with `"output": 5` stopped every run into the folder with an
 * internal error; such a line is passed over, as a torn one is).
 */
function isJournalRecord(r: unknown): r is JournalRecord {
  const c = r as Record<string, unknown> | null;
  if (!c || typeof c !== 'object' || c.v !== 1 || typeof c.input !== 'string' || (c.status !== 'done' && c.status !== 'failed')) return false;
  // A done record names its output (a retry listed it under none, and stopped with INTERNAL).
  if (c.status === 'done' && (typeof c.output !== 'string' || !c.output)) return false;
  const isText = (k: string): boolean => c[k] === undefined || c[k] === null || typeof c[k] === 'string';
  const isNumber = (k: string): boolean => c[k] === undefined || (typeof c[k] === 'number' && Number.isFinite(c[k]));
  return ['output', 'outputRel', 'optionsHash', 'settingsHash', 'code', 'message', 'errorKind'].every(isText) && ['sizeBytes', 'mtimeMs', 'atMs'].every(isNumber);
}

function isOutputClaim(r: unknown): r is OutputClaim {
  const c = r as OutputClaim | null;
  return !!c && c.v === 1 && c.status === 'writing' && typeof c.input === 'string' && typeof c.output === 'string' && typeof c.atMs === 'number';
}

/** Stable JSON (sorted keys) so the hash does not depend on property order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (first 16 hex digits) of everything that changes an output. */
export function hashOptions(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

/**
 * A journal as read: the latest record per input and options, the latest per input, and which
 * input each output was last written for (done records only: a failed one wrote nothing).
 * Batches of different modes (or options) may share one output folder; each resumes from its own
 * records. Outputs are known by their place in the output folder (JournalRecord.outputRel), so
 * the folder spelled another way (a link, /tmp and /private/tmp) still finds them.
 */
export class JournalIndex {
  private readonly byRun = new Map<string, JournalRecord>();
  private readonly byInput = new Map<string, JournalRecord>();
  /** The latest done record per output key. */
  private readonly doneAt = new Map<string, JournalRecord>();
  /** The latest claim per output key: the input whose output was being written there (OutputClaim). */
  private readonly claimedAt = new Map<string, OutputClaim>();
  /** Per input, its done records' outputs: key -> path in the output folder as now spelled. */
  private readonly doneOutputs = new Map<string, Map<string, string>>();

  /** `outputDir`: the output folder as this run spells it (resolved); records are keyed against it. */
  constructor(
    private readonly outputDir = '',
    records: Iterable<JournalRecord> = [],
  ) {
    for (const r of records) this.add(r);
  }

  /** Adds a record; a later one for the same input (and options) replaces the earlier. */
  add(record: JournalRecord): void {
    this.byRun.set(`${record.optionsHash}\0${record.input}`, record);
    this.byInput.set(record.input, record);
    if (record.status !== 'done' || !record.output) return;
    const rel = this.placeOf(record);
    const key = outputKey(rel ?? record.output);
    this.doneAt.set(key, record);
    const mine = this.doneOutputs.get(record.input) ?? new Map<string, string>();
    mine.set(key, rel === undefined ? record.output : join(this.outputDir, ...rel.split('/')));
    this.doneOutputs.set(record.input, mine);
  }

  /** The latest record of `input` made with the options hashed `optionsHash`. */
  latestFor(input: string, optionsHash: string): JournalRecord | undefined {
    return this.byRun.get(`${optionsHash}\0${input}`);
  }

  /** The latest record of `input`, whatever its options. */
  latest(input: string): JournalRecord | undefined {
    return this.byInput.get(input);
  }

  /**
   * The input whose output `path` last was (case-insensitive, as file systems on Windows and macOS
   * are): its latest done record's, or a later claim's (an output renamed into place by a run
   * stopped before it journalled it done is that input's, redone in place, not another's file).
   */
  ownerOf(path: string): string | undefined {
    const key = this.keyOf(path);
    const done = this.doneAt.get(key);
    const claim = this.claimedAt.get(key);
    return claim && (!done || claim.atMs >= done.atMs) ? claim.input : done?.input;
  }

  /** Adds a claim (a later one at the same place replaces the earlier). */
  addClaim(claim: OutputClaim): void {
    this.claimedAt.set(outputKey(this.placeOf(claim) ?? claim.output), claim);
  }

  /** The done record last written at `path` (any input, any options), if the journal has one. */
  lastDoneAt(path: string): JournalRecord | undefined {
    return this.doneAt.get(this.keyOf(path));
  }

  /** Whether `record` is the last one written to `path`: no run with other options wrote over it since. */
  isLatestAt(record: JournalRecord, path: string): boolean {
    return this.doneAt.get(this.keyOf(path)) === record;
  }

  /** The outputs `input` was last written to (each still its own), as paths in the output folder. */
  outputsOf(input: string): string[] {
    return [...(this.doneOutputs.get(input) ?? [])].filter(([key]) => this.doneAt.get(key)?.input === input).map(([, path]) => path);
  }

  /** Each output the journal has done (the latest written at its place): the input and the output's place in the output folder, '/'-separated, the newest first. */
  donePlaces(): { input: string; rel: string }[] {
    const places: { input: string; rel: string; atMs: number }[] = [];
    for (const record of this.doneAt.values()) {
      const rel = this.placeOf(record);
      if (rel !== undefined) places.push({ input: record.input, rel, atMs: record.atMs });
    }
    return places.sort((a, b) => b.atMs - a.atMs).map(({ input, rel }) => ({ input, rel }));
  }

  /** Where a record's output is now: its place in the output folder (the folder moved or spelled another way), else the path it was written to. */
  outputOf(record: { output: string; outputRel?: unknown }): string {
    const rel = this.placeOf(record);
    return rel !== undefined && this.outputDir ? join(this.outputDir, ...rel.split('/')) : record.output;
  }

  /** An output's place in the output folder, '/'-separated, or undefined outside it. */
  relOf(path: string): string | undefined {
    if (!this.outputDir || typeof path !== 'string' || !path) return undefined;
    const rel = relative(this.outputDir, path).split(sep).join('/');
    return isPlaceInside(rel) ? rel : undefined;
  }

  /** A record's or claim's output as its place in the output folder: the one written with it, else worked out. */
  private placeOf(r: { output: string; outputRel?: unknown }): string | undefined {
    return isPlaceInside(r.outputRel) ? r.outputRel : this.relOf(r.output);
  }

  private keyOf(path: string): string {
    return outputKey(this.relOf(path) ?? path);
  }
}

/**
 * Whether `rel` is a place inside the output folder, '/'-separated: no part of it "..", "." or
 * empty, not absolute (a hand-edited "../escaped/a.png" or "/tmp/a.png" moved the whole batch's
 * outputs out of OUT, or under OUT/tmp).
 */
export function isPlaceInside(rel: unknown): rel is string {
  if (typeof rel !== 'string' || !rel || isAbsolute(rel) || /^[a-z]:/i.test(rel) || rel.includes('\\')) return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** How output paths are compared: case-insensitively. */
export function outputKey(path: string): string {
  return path.toLowerCase();
}

/**
 * Reads a journal, keyed against the output folder as this run spells it. Missing file -> an empty index. Lines that do not parse (a line torn by a crash
 * mid-append) are skipped. `respell` gives each record's input as this run spells it (an input folder
 * given through a link: InputSpeller).
 */
export async function readJournal(path: string, outputDir = '', respell?: InputSpeller): Promise<JournalIndex> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const index = new JournalIndex(outputDir);
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let r: JournalRecord;
    try {
      r = JSON.parse(line) as JournalRecord;
    } catch {
      // A torn line from a crash: that file was in flight and is redone.
      continue;
    }
    const isRecord = isJournalRecord(r);
    if (!isRecord && !isOutputClaim(r)) continue;
    if (respell) r.input = await respell.spell(r.input);
    if (isRecord) index.add(r);
    else index.addClaim(r as unknown as OutputClaim);
  }
  return index;
}

/** An open journal: appends are serialised and each is on disk (fdatasync) before it resolves. */
export class JournalWriter {
  private tail: Promise<void> = Promise.resolve();
  private constructor(
    private handle: FileHandle,
    readonly path: string,
  ) {}

  /**
   * Opens the journal for appending (created when absent). A torn last line is terminated so the
   * next record starts on its own line.
   */
  static async open(path: string): Promise<JournalWriter> {
    try {
      const handle = await open(path, 'a+');
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await handle.write('\n');
      }
      return new JournalWriter(handle, path);
    } catch (error) {
      throw toWriteError(error, path);
    }
  }

  /**
   * Appends one record and syncs it to disk. A claim is written, not synced on its own: a stopped
   * process leaves it in the file as written, and the done record's sync after the output's
   * rename takes it to the disk with it (one sync a file, not two).
   */
  append(record: JournalRecord | OutputClaim): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const next = this.tail.then(async () => {
      try {
        // The output folder deleted under a running batch: its outputs went with it and the next
        // one makes the folder again, so the journal is made again there, for what is written from
        // now on (appended to the deleted file, it was lost unsaid, and a resume wrote every file
        // again as NAME-2 beside those made after the deletion).
        if ((await this.handle.stat()).nlink === 0) {
          await this.handle.close().catch(() => undefined);
          await mkdir(dirname(this.path), { recursive: true });
          this.handle = await open(this.path, 'a+');
        }
        await this.handle.write(line);
        if (record.status !== 'writing') await this.handle.datasync();
      } catch (error) {
        throw toWriteError(error, this.path);
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.tail;
    await this.handle.close().catch(() => undefined);
  }
}
