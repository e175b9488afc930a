// The resume journal in the output folder: append-only JSON lines, each fsync'd after the output
// it names was renamed into place, so after a crash (even kill -9) every journalled output is
// whole. A torn last line is ignored on read. Core (no electron).
import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { ErrorCode } from '../../../shared/errors';
import type { FinishedFile } from '../../../shared/jobs';
import { toWriteError } from '../io/atomic-write';

/** File name of the journal inside the output folder. */
export const JOURNAL_NAME = '.cutout-batch.jsonl';

/** One journal line: how one input ended, and what it was when it ended (done files: their review and note, so a resumed run still names the files to look at). */
export interface JournalRecord extends FinishedFile {
  v: 1;
  input: string;
  status: 'done' | 'failed';
  sizeBytes: number;
  mtimeMs: number;
  optionsHash: string;
  output: string;
  code?: ErrorCode;
  message?: string;
  atMs: number;
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
 * input each output was last written for. Batches of different modes (or options) may share one
 * output folder; each resumes from its own records.
 */
export class JournalIndex {
  private readonly byRun = new Map<string, JournalRecord>();
  private readonly byInput = new Map<string, JournalRecord>();
  private readonly owners = new Map<string, string>();

  constructor(records: Iterable<JournalRecord> = []) {
    for (const r of records) this.add(r);
  }

  /** Adds a record; a later one for the same input (and options) replaces the earlier. */
  add(record: JournalRecord): void {
    this.byRun.set(`${record.optionsHash}\0${record.input}`, record);
    this.byInput.set(record.input, record);
    if (record.output) this.owners.set(outputKey(record.output), record.input);
  }

  /** The latest record of `input` made with the options hashed `optionsHash`. */
  latestFor(input: string, optionsHash: string): JournalRecord | undefined {
    return this.byRun.get(`${optionsHash}\0${input}`);
  }

  /** The latest record of `input`, whatever its options. */
  latest(input: string): JournalRecord | undefined {
    return this.byInput.get(input);
  }

  /** The input whose output `path` last was (case-insensitive, as file systems on Windows and macOS are). */
  ownerOf(path: string): string | undefined {
    return this.owners.get(outputKey(path));
  }

  /** Every output path a record names for `input` (the latest record per output). */
  outputsOf(input: string): string[] {
    return [...this.byRun.values()].filter((r) => r.input === input && r.output && this.ownerOf(r.output) === input).map((r) => r.output);
  }
}

/** How output paths are compared: case-insensitively. */
export function outputKey(path: string): string {
  return path.toLowerCase();
}

/**
 * Reads a journal. Missing file -> an empty index. Lines that do not parse (a line torn by a crash
 * mid-append) are skipped.
 */
export async function readJournal(path: string): Promise<JournalIndex> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const index = new JournalIndex();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as JournalRecord;
      if (r && r.v === 1 && typeof r.input === 'string' && (r.status === 'done' || r.status === 'failed')) index.add(r);
    } catch {
      // A torn line from a crash: that file was in flight and is redone.
    }
  }
  return index;
}

/** An open journal: appends are serialised and each is on disk (fdatasync) before it resolves. */
export class JournalWriter {
  private tail: Promise<void> = Promise.resolve();
  private constructor(
    private readonly handle: FileHandle,
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

  /** Appends one record and syncs it to disk. */
  append(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const next = this.tail.then(async () => {
      try {
        await this.handle.write(line);
        await this.handle.datasync();
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
