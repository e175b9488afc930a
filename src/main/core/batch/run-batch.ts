// Batch folder export: scan -> plan mirrored outputs -> skip what the journal says is done ->
// decode / infer / finish pipeline with bounded queues -> journal each finished file -> report.
// A failing file never stops the batch; pause acts as a file reaches its next stage (a file inside
// a stage finishes it), cancel too, except that a cut-out's refine is stopped where it is (the
// refine pool). Core (no electron).
import { availableParallelism, totalmem } from 'node:os';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { AppError, CancelledError, DEFAULT_MAX_PIXELS, errorKindOfCode, isCancellation, isInputFault, toWire } from '../../../shared/errors';
import { BATCH_DEFAULT_REFINE, batchNameDefault, jobFraction, type CancelledBatch, type FinishedFile } from '../../../shared/jobs';
import type { CoreEnv } from '../env';
import { loadBackgroundPicture } from '../image/background';
import { assertNotAnInput, makeFolders, removeMadeFolders, toWriteError } from '../io/atomic-write';
import { removeOutputTempsOfOthers } from '../io/stale-temps';
import type { ProgressSink, RunContext } from '../progress';
import { lockOutputFolder } from './output-lock';
import { JOURNAL_NAME, JournalWriter, hashOptions, outputKey, readJournal, type JournalIndex, type JournalRecord } from './journal';
import { batchFormatOf, getBatchMode, type BatchModeHandler, type ModeContext } from './modes';
import { checkMaskOptions } from '../pipelines/cutout';
import { FORMAT_EXTENSIONS, planOutputPaths, validateNameTemplate } from './naming';
import { PauseGate } from './pause-gate';
import { RefinePool } from './refine-pool';
import { DEFAULT_QUALITY } from '../image/encode';
import { REPORT_CSV, REPORT_JSON, writeReports } from './report';
import { readEarlierReports, recoveredFromReports, reportedPlaces } from './report-recovery';
import { notReadable } from '../io/read-head';
import { realOrResolved } from '../io/real-path';
import { InputSpeller, scanInputs } from './scan';
import type { BatchEntry, BatchFileEvent, BatchItem, BatchOptions, BatchStatus, BatchSummary } from './types';

/** Bumped when a change to the batch code changes outputs, so --resume redoes old outputs. */
const OUTPUT_VERSION = 1;

/** What runBatch takes besides signal and onProgress: per-file events, status and a pause gate. */
export interface BatchRunContext extends RunContext {
  /** Called once per input when it ends (done / skipped / failed / cancelled). */
  onFile?: (event: BatchFileEvent) => void;
  /** Called when a file starts or ends and on pause/resume: N of M, rate, ETA, current files. */
  onStatus?: (status: BatchStatus) => void;
  /**
   * Called once the run is planned, before any file starts: how many of its files it makes again
   * that the output folder's journal has done with these options (`redoneSame`), so a run that
   * forgot --resume is told at its start, not only at an end a Ctrl+C may never reach.
   */
  onPlanned?: (plan: { redoneSame: number; toDo: number }) => void;
  /** Pause/resume: while the gate is closed no file starts, nor goes on to its next stage. */
  gate?: PauseGate;
  /** Working pixels admitted at once (default pixelsInFlightFor the machine's memory); for tests. */
  pixelsInFlight?: number;
}

/**
 * Bytes of process memory a cut-out's working pixel costs at its peak (source, its copy in the
 * refine worker, alpha, foreground, solver, composite, encoder). Measured: one 80 MP cut-out
 * peaked at 3.0 GB, 37 a pixel with the process's own memory (docs/performance.md); four 200 MP
 * photos (80 MP each) in a `-j 4` batch at 8.0 GB, 25 a pixel, since their peaks do not all meet.
 * 32 lies between.
 */
const BYTES_PER_WORKING_PIXEL = 32;

/**
 * Working pixels a batch admits at once: files whose pictures add up to more wait, so a folder of
 * 108 MP phone photos keeps to half the machine's memory (four at once took 8 GB) while small
 * pictures run as many as the jobs allow. Never below one picture of the budget.
 */
export function pixelsInFlightFor(totalMemBytes: number, maxPixels: number): number {
  return Math.max(maxPixels, Math.floor(totalMemBytes / 2 / BYTES_PER_WORKING_PIXEL));
}

/** Default concurrency: the CPU cores, at most 4 (inference is serialised anyway). */
export function defaultJobCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * How many files' worth of work a batch has done, for its rate and ETA: the files done, the files
 * at work as far as they are (`inFlight`), and each failure as the share of a file's work it took.
 * A broken file that fails at once is not a file done (two read as 2 files/s and ETA 0:01 while
 * three long clips were still to go); a file's work is measured on the files done, else the
 * longest at work (`atWorkMs`) or the failures' own, and failures count whole with nothing to
 * measure against.
 */
export function filesWorked(w: { done: number; failed: number; doneWorkMs: number; failedWorkMs: number; atWorkMs: number; inFlight: number }): number {
  const fileMs = w.done > 0 ? w.doneWorkMs / w.done : Math.max(w.atWorkMs, w.failed > 0 ? w.failedWorkMs / w.failed : 0);
  const failedWorth = fileMs > 0 ? Math.min(w.failed, w.failedWorkMs / fileMs) : w.failed;
  return w.done + failedWorth + w.inFlight;
}

/** The most a file at work counts by its time alone: it is not done until it ends. */
const AT_WORK_MAX_WORTH = 0.9;

/**
 * How far the files at work are, for the rate: each by its own progress where its mode tells it
 * (`reported`), else by how long it has been at work against a file done's mean (`fileMs`; 0 while
 * none is done), at most AT_WORK_MAX_WORTH. ID photos tell no progress and two end together: the
 * first done read as 0.8 files/s with the second a moment from its end (the run went at 2.3).
 */
export function atWorkWorth(files: readonly { atWorkMs: number; reported?: number }[], fileMs: number): number {
  let worth = 0;
  for (const f of files) worth += f.reported ?? (fileMs > 0 ? Math.min(AT_WORK_MAX_WORTH, f.atWorkMs / fileMs) : 0);
  return worth;
}

/** Files worked and work time (pause left out) at one moment of a batch. */
export interface WorkMark {
  worked: number;
  processingMs: number;
}

/**
 * Files per second for the ETA. Once a file is done (`firstDone`, the mark then) and a file's worth
 * of work more, the rate counts the work since that mark: the first files carry the warm-up (the
 * session's first runs, the refine workers' start): 10 portraits' first one was 0.9 s in its last
 * stage, the next ones 0.45, and the run's mean rate read 1.9 files/s where it went at 5. Before
 * that, the whole run's.
 */
export function etaRate(now: WorkMark, firstDone?: WorkMark): number {
  if (firstDone) {
    const worked = now.worked - firstDone.worked;
    const ms = now.processingMs - firstDone.processingMs;
    if (worked >= 1 && ms > 0) return worked / (ms / 1000);
  }
  return now.worked > 0 && now.processingMs > 0 ? now.worked / (now.processingMs / 1000) : 0;
}

/** A FIFO counting semaphore: the bounded queues between pipeline stages. */
class Semaphore {
  private waiters: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
  async use<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/** A FIFO semaphore of weights (pixels): a waiter goes when its weight fits, in turn. */
class WeightedSemaphore {
  private used = 0;
  private waiters: { weight: number; go: () => void }[] = [];
  constructor(private readonly capacity: number) {}
  /** Waits until `weight` (at most the capacity) fits beside what is held, after earlier waiters. */
  async acquire(weight: number): Promise<number> {
    const w = Math.min(Math.max(0, weight), this.capacity);
    if (this.waiters.length === 0 && this.used + w <= this.capacity) {
      this.used += w;
      return w;
    }
    await new Promise<void>((go) => this.waiters.push({ weight: w, go }));
    return w;
  }
  release(weight: number): void {
    this.used -= weight;
    while (this.waiters.length > 0 && this.used + this.waiters[0].weight <= this.capacity) {
      const next = this.waiters.shift()!;
      this.used += next.weight;
      next.go();
    }
  }
}

/**
 * Refuses an output folder that is one of the inputs (INVALID_ARGUMENT, `outputIsInput`): OUT inside
 * a folder input is left out of its scan, OUT equal to it would leave nothing to do. The CLI says it
 * before the run as a wrong command line.
 */
export async function assertOutputFolderNotAnInput(inputs: readonly string[], outputDir: string): Promise<void> {
  const realOut = await realOrResolved(resolve(outputDir));
  for (const input of inputs) {
    if ((await realOrResolved(input)) === realOut) {
      throw new AppError('INVALID_ARGUMENT', `The output folder is the input folder ${input}: pick another one (for example ${join(input, 'out')})`, { detail: { path: input, outputIsInput: true } });
    }
  }
}

function nothingToRetry(outDir: string): AppError {
  return new AppError('INVALID_ARGUMENT', `Nothing to retry: ${outDir} holds no earlier batch of these files. Run it without --retry-failed (the app: Start).`);
}

/**
 * Sets each written output's size (BatchEntry.outputBytes: a done file's, and a skipped or cancelled
 * one's an earlier run made), as the report says it; an output gone since is left without one.
 */
async function sizeOutputs(entries: BatchEntry[]): Promise<void> {
  const written = entries.filter((e) => e && e.output && (e.status === 'done' || (e.status === 'skipped' && e.doneBefore) || e.outputKept));
  for (let i = 0; i < written.length; i += 64) {
    await Promise.all(
      written.slice(i, i + 64).map(async (e) => {
        const size = await stat(e.output).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
        if (size !== undefined) e.outputBytes = size;
      }),
    );
  }
}

/** The work a batch's rate waits for when no file is done yet (emitStatus). */
const EARLY_RATE_MS = 5000;

/** The provider the first file made by this run ran on (BatchSummary.provider). */
function providerOf(entries: readonly BatchEntry[]): { provider?: string } {
  const provider = entries.find((e) => e.status === 'done' && e.provider)?.provider;
  return provider ? { provider } : {};
}

/**
 * Runs a batch over files and folders into `outputDir`. Returns the summary when every input has
 * ended; throws CancelledError (after writing the reports) when the signal fires, and an AppError
 * only for problems of the whole batch (bad options, unwritable output folder, missing model).
 */
export async function runBatch(inputs: readonly string[], outputDir: string, options: BatchOptions, env: CoreEnv, ctx: BatchRunContext = {}): Promise<BatchSummary> {
  const startedMs = performance.now();
  const { signal, gate = new PauseGate() } = ctx;
  const mode = getBatchMode(options.mode);
  const askedJobs = options.jobs ?? defaultJobCount();
  if (!Number.isInteger(askedJobs) || askedJobs < 1 || askedJobs > 64) throw new AppError('INVALID_ARGUMENT', `--jobs must be a whole number from 1 to 64, got ${askedJobs}`);
  const jobs = Math.min(askedJobs, mode.maxJobs ?? askedJobs);
  const format = batchFormatOf(mode, options.format, options.extra);
  const nameTemplate = options.nameTemplate ?? batchNameDefault(mode.id, options.extra?.mask === true);
  validateNameTemplate(nameTemplate, mode.id);
  if (inputs.length === 0) throw new AppError('INVALID_ARGUMENT', 'No inputs: give files or folders');
  const background = options.background ?? { kind: 'transparent' as const };
  // A mask has no background (its format batchFormatOf checked): said before anything is written.
  if (options.extra?.mask === true) checkMaskOptions(background, format);
  // A picture background is decoded once, before anything is written (the output folder
  // included): a missing or broken one stops the batch with the decoder's own error.
  if (background.kind === 'image' && mode.background === 'colour') {
    throw new AppError('INVALID_ARGUMENT', `Mode ${mode.id} is made on a colour the spec allows, not on a picture: pass a colour to --bg`);
  }
  const picture = background.kind === 'image' && mode.background === 'picture' ? await loadBackgroundPicture(background.path, env.maxPixels) : undefined;
  const refine = options.refine ?? BATCH_DEFAULT_REFINE[mode.id];
  const outDir = resolve(outputDir);
  await assertOutputFolderNotAnInput(inputs, outDir);
  // A retry into a folder that is not there (a typo) has nothing to retry: said before the folder is made.
  if (options.retryFailed && !(await stat(outDir).then(() => true, () => false))) throw nothingToRetry(outDir);
  // A run with nothing to do leaves no folder it made (the folder is made first: its journal guides the scan).
  let isNothingToDo = false;
  let made: string[] = [];
  try {
    made = await makeFolders(outDir);
    const info = await stat(outDir);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw toWriteError(error, outDir);
  }
  // One batch at a time into a folder (output-lock.ts): taken before its stale temp files are removed.
  const releaseFolder = await lockOutputFolder(outDir, signal);
  try {
    await removeOutputTempsOfOthers(outDir);

    // Everything that changes an output's bytes; jobs, resume and retryFailed do not (nor a quality
    // that changes nothing: see hashedQuality).
    // A picture background counts by its bytes' identity too: another picture saved under the same name redoes the outputs.
    const pictureStamp = background.kind === 'image' ? await stat(background.path).then((s) => ({ size: s.size, mtimeMs: s.mtimeMs }), () => null) : undefined;
    const settings = { mode: mode.id, format, nameTemplate, background, refine, modelId: options.modelId, spec: options.spec, extra: options.extra, quality: hashedQuality(mode, format, options.quality) };
    const optionsHash = hashOptions({ v: OUTPUT_VERSION, modeVersion: mode.outputVersion, pictureStamp, ...settings });
    // What the user chose, without the app's output versions or the picture's stamp: a set written
    // over is said only when these differ (an app update that redoes outputs changed no choice).
    const settingsHash = hashOptions(settings);

    // The journal is read on every run: it says which files in OUT a batch wrote, and for which
    // input, so that no run overwrites a file it did not write for the same input (a user's file, or
    // another batch's output of a same-named picture), and where each input folder went (the scan
    // puts it back there). --resume and --retry-failed also read what became of each input under
    // these options (batches of other modes may share OUT).
    const journalPath = join(outDir, JOURNAL_NAME);
    const speller = await InputSpeller.of(inputs);
    const journalIndex = await readJournal(journalPath, outDir, speller);
    // The journal lost (deleted, OUT copied without its hidden files): the reports stand in for it.
    const reports = await readEarlierReports(outDir, mode.id, speller);
    const earlierPlaces = [...journalIndex.donePlaces(), ...(await reportedPlaces(reports, outDir, journalIndex))];
    ctx.onProgress?.({ stage: 'scan', done: 0, total: 1 });
    const scan = await scanInputs(inputs, { recursive: options.recursive ?? false, extensions: options.extensions ?? mode.inputExtensions, excludeDirs: [outDir], earlierPlaces, outDir, isOwnOutput: (path) => journalIndex.ownerOf(path) !== undefined, ...(options.extensions || !mode.takesByContent ? {} : { takesByContent: mode.takesByContent }) });
    ctx.onProgress?.({ stage: 'scan', done: 1, total: 1 });
    const items = scan.items;
    const bgName = background.kind === 'transparent' ? 'transparent' : background.kind === 'image' ? basename(background.path, extname(background.path)) : background.hex.replace('#', '');
    const existing = await existingFiles(outDir, items);
    const recovered = await recoveredFromReports(reports, outDir, items, journalIndex);
    for (const r of recovered) journalIndex.add(r);
    /** Items named beside a file already there that is not theirs (besideOthers counts those done). */
    const besideOthersAt = new Set<number>();
    const outputs = planOutputPaths(items, outDir, nameTemplate, { mode: mode.id, spec: options.spec, bg: bgName }, FORMAT_EXTENSIONS[format], {
      previousOutputsOf: (input) => journalIndex.outputsOf(input),
      // The output, or a file written beside it (an ID photo's sheet), is there and not this input's.
      isForeign: (path, input) => journalIndex.ownerOf(path) !== input && [path, ...(mode.companionsOf?.(path, options) ?? [])].some((p) => existing.has(outputKey(p))),
      onPassedOver: (i) => besideOthersAt.add(i),
    }, mode.companionsOf && ((path) => mode.companionsOf!(path, options)));
    const isContinuing = options.resume === true || options.retryFailed === true;
    // What became of an input before: under these options; for --retry-failed, else its latest record
    // (a failed file is retried with the options it is retried with).
    const previousOf = (input: string): JournalRecord | undefined => {
      if (!isContinuing) return undefined;
      const own = journalIndex.latestFor(input, optionsHash);
      return own || !options.retryFailed ? own : journalIndex.latest(input);
    };

    // A retry of the failures of a batch that never ran into OUT (another folder, a typo) has none
    // to retry: said, rather than listing every file as skipped with an output that was never made.
    if (options.retryFailed && items.length > 0 && items.every((item) => previousOf(item.input) === undefined)) {
      throw nothingToRetry(outDir);
    }
    const entries: BatchEntry[] = [];
    const todo: number[] = [];
    /**
     * `output` when an earlier run's output of the item is still there under it, made of the file as it
     * was then or with other options (a failure now leaves it, and it is not this run's); nothing
     * when that output is as this run would make it (a failure of the disk or a model on a file
     * unchanged since leaves a current output).
     */
    const staleOf = (item: BatchItem, output: string): { staleOutput?: string } => {
      const record = output ? journalIndex.lastDoneAt(output) : undefined;
      if (!record || record.input !== item.input || !existing.has(outputKey(output))) return {};
      const isAsNow = record.sizeBytes === item.sizeBytes && record.mtimeMs === item.mtimeMs && record.optionsHash === optionsHash;
      return isAsNow ? {} : { staleOutput: output };
    };
    let redoneSame = 0;
    /** Entries (their index) made again although an earlier run's output of them, as this run would make it, is there. */
    const redoneAsBefore = new Set<number>();
    let replacedOther = 0;
    let besideOthers = 0;
    /** Items whose output holds a set made with other settings (replacedOther counts those done). */
    const replacing = new Set<number>();
    let failedBefore = 0;
    for (const path of scan.missing) {
      entries.push({ input: path, status: 'failed', output: '', code: 'INPUT_NOT_FOUND', message: `File or folder not found: ${path}` });
    }
    // A folder it may not read (or an input behind one) fails as a file would: it was left out unsaid
    // (or said not found), and the run said all done.
    for (const path of scan.unreadable) {
      const { code, message } = notReadable(path);
      entries.push({ input: path, status: 'failed', output: '', code, message });
    }
    for (const { path, target } of scan.brokenLinks) {
      entries.push({ input: path, status: 'failed', output: '', code: 'INPUT_NOT_FOUND', message: `${path} is a link to ${target}, which is not there (moved, deleted, or on a disk not plugged in)` });
    }
    const base = entries.length;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const record = previousOf(item.input);
      entries.push({ input: item.input, status: 'cancelled', output: outputs[i] });
      if (options.retryFailed && record?.status !== 'failed') {
        // Done before: its output. Never done (cancelled before it, or added since): no output, and said.
        const doneBefore = record?.status === 'done';
        entries[base + i] = doneBefore
          ? // Its own output (the one this run would name may differ: another format or name).
            { input: item.input, status: 'skipped', output: journalIndex.outputOf(record), reason: 'done before', doneBefore, ...finishedOfRecord(record) }
          : { input: item.input, status: 'skipped', output: '', reason: 'not done before, so no failure to retry: --resume (the app: Skip files already done) does it' };
        continue;
      }
      if (record && repeatsFailure(record, item, optionsHash)) {
        const { code, message, errorKind } = record;
        entries[base + i] = { input: item.input, status: 'failed', output: outputs[i], code, message, ...(errorKind ? { errorKind } : {}), failedBefore: true, reason: 'failed before with the same file and options: not tried again', ...staleOf(item, outputs[i]) };
        failedBefore++;
        continue;
      }
      if (options.resume && record?.status === 'done' && (await isStillDone(record, item, outputs[i], optionsHash, journalIndex))) {
        const reason = record.recovered === true ? 'done before with these options by the last report (the journal was lost), the file no newer than its output' : 'done before with these options, the file unchanged since';
        entries[base + i] = { input: item.input, status: 'skipped', output: outputs[i], reason, doneBefore: true, ...finishedOfRecord(record) };
        continue;
      }
      // Made again although the journal has it done as it would be now: said, so a run that forgot
      // --resume knows what it could have skipped.
      if (!isContinuing) {
        const same = journalIndex.latestFor(item.input, optionsHash);
        if (same?.status === 'done' && (await isStillDone(same, item, outputs[i], optionsHash, journalIndex))) {
          redoneSame++;
          redoneAsBefore.add(base + i);
        }
      }
      // Its output is there, made of this input with other settings: this run writes over it when done.
      const there = journalIndex.lastDoneAt(outputs[i]);
      if (there && there.input === item.input && there.optionsHash !== optionsHash && (there.settingsHash ?? '') !== settingsHash && existing.has(outputKey(outputs[i]))) replacing.add(i);
      todo.push(i);
    }

    ctx.onPlanned?.({ redoneSame, toDo: todo.length });
    let done = 0;
    let failed = 0;
    const skipped = entries.filter((e) => e.status === 'skipped').length;
    failed += scan.missing.length + scan.unreadable.length + scan.brokenLinks.length + failedBefore;
    const total = entries.length;
    const current = new Set<string>();
    /** How far each file at work is (0..1), for the modes that tell it (BatchModeHandler.fileProgressAs). */
    const partial = new Map<string, number>();
    let processed = 0;
    /** Work time (from each file's first work stage) of the files done and of those failed. */
    let doneWorkMs = 0;
    let failedWorkMs = 0;
    /** When each file at work began its work. */
    const workStart = new Map<string, number>();
    let processingStartMs = 0;
    // Time spent paused does not count towards the rate (else the ETA grows after a pause). Paused is
    // from when the files at work as Pause came have finished their stages, to the resume: their
    // work after the click counted as pause (two stickers finishing 15 s after it read 27 files/s).
    let pausedMs = 0;
    let pausedAtMs = 0;
    const notePause = (): void => {
      const isAtRest = gate.isPaused && current.size === 0;
      if (isAtRest && !pausedAtMs) pausedAtMs = performance.now();
      else if (!isAtRest && pausedAtMs) {
        if (processingStartMs) pausedMs += performance.now() - Math.max(pausedAtMs, processingStartMs);
        pausedAtMs = 0;
      }
    };
    /** The work when the first file was done: the ETA's rate counts from there (etaRate). */
    let firstDone: WorkMark | undefined;
    const unsubscribePauseClock = gate.onChange(notePause);
    notePause();
    const atWork = (input: string, isAt: boolean): void => {
      if (isAt) current.add(input);
      else current.delete(input);
      notePause();
    };
    /** Time paused since processing began, up to `now` (a pause still on counts until now). */
    const pausedUntil = (now: number): number => pausedMs + (pausedAtMs && processingStartMs ? now - Math.max(pausedAtMs, processingStartMs) : 0);
    const emitStatus = (): void => {
      const finished = done + skipped + failed;
      const now = performance.now();
      const elapsedMs = now - startedMs;
      const processingMs = processingStartMs ? Math.max(0, now - processingStartMs - pausedUntil(now)) : 0;
      // No rate from instant failures alone (a broken file first read as 39 files/s and ETA 0:00),
      // nor from the first files' start (the sessions' first runs, the workers' start: a cut-out run
      // under load read "12 s/file, ETA 3:31" at its first file and took 13 s): it waits for a file
      // done, or EARLY_RATE_MS of work (a batch of long stickers says one before the first ends).
      const hasMeasure = done > 0 || processingMs >= EARLY_RATE_MS;
      // The files at work count as far as they are: a batch of three long stickers has a rate (and an
      // ETA) before the first one ends, and the ETA falls as they go.
      let inFlight = 0;
      for (const f of partial.values()) inFlight += f;
      let atWorkMs = 0;
      const atWorkFiles: { atWorkMs: number; reported?: number }[] = [];
      for (const [input, t] of workStart) {
        atWorkMs = Math.max(atWorkMs, now - t);
        atWorkFiles.push({ atWorkMs: now - t, reported: mode.fileProgressAs ? (partial.get(input) ?? 0) : undefined });
      }
      // The status's inFlight moves the bar: the files' own progress only (an estimate by time could
      // go back as a file done changes the mean). The rate and the ETA count the estimate too.
      const atWorkNow = atWorkWorth(atWorkFiles, done > 0 ? doneWorkMs / done : 0);
      const worked = filesWorked({ done, failed: processed - done, doneWorkMs, failedWorkMs, atWorkMs, inFlight: atWorkNow });
      if (done > 0 && !firstDone) firstDone = { worked, processingMs };
      const filesPerSec = hasMeasure ? etaRate({ worked, processingMs }, firstDone) : 0;
      const remaining = Math.max(0, total - finished - atWorkNow);
      const etaMs = filesPerSec > 0 ? (remaining / filesPerSec) * 1000 : undefined;
      const currentList = [...current];
      ctx.onStatus?.({ total, done, skipped, failed, finished, filesPerSec, etaMs, current: currentList, isPaused: gate.isPaused, elapsedMs, inFlight });
      ctx.onProgress?.({ stage: 'write', done: finished, total, detail: currentList[0] });
    };
    const emitted = new Set<number>();
    const emitFile = (index: number): void => {
      emitted.add(index);
      ctx.onFile?.({ index, entry: entries[index] });
    };
    for (let i = 0; i < entries.length; i++) if (entries[i].status !== 'cancelled') emitFile(i);
    const unsubscribeGate = gate.onChange(emitStatus);

    // Never truncated: a run without --resume only ignores old records, so forgetting the flag (or a
    // run that fails to start) does not throw away what a later --resume could use.
    const hadJournal = await stat(journalPath).then(() => true, () => false);
    const journal = await JournalWriter.open(journalPath);
    /** A journal this run made and wrote nothing in is removed: the folder would pass for an earlier batch's output, which a later scan leaves out. */
    const dropEmptyJournal = async (): Promise<void> => {
      if (!hadJournal) await stat(journalPath).then((s) => (s.size === 0 ? rm(journalPath, { force: true }) : undefined), () => undefined);
    };
    // Written back: the next run finds them in the journal (this run's report may not list them all).
    for (const r of recovered) await journal.append(r);
    const threads = env.threads ?? Math.max(1, Math.floor(availableParallelism() / jobs));
    const modeEnv: CoreEnv = { ...env, threads };
    const pool = new RefinePool(mode.usesRefinePool && todo.length > 0 ? Math.min(jobs, todo.length) : 0);
    // A full disk stops the batch (as a cancel stops it, but the run ends with its summary): every
    // file after it would be worked on whole and fail the same way.
    const halt = new AbortController();
    const runSignal = signal ? AbortSignal.any([signal, halt.signal]) : halt.signal;
    let stoppedBy: BatchSummary['stoppedBy'];
    const mctx: ModeContext = { options: { ...options, background, refine, format }, picture, env: modeEnv, pool, signal: runSignal };
    let isCancelled = false;
    try {
      emitStatus();
      const stages = todo.length > 0 ? await mode.start(mctx) : undefined;
      // Bounded queues: at most `jobs` decoding, one inferring, `jobs` finishing, and no more than
      // 2*jobs+1 files admitted at once, so memory does not grow with the number of inputs.
      // Pause: a file waits on the gate as it enters its next work stage (holding that slot); a file
      // inside a stage finishes that stage (processOne's inStage).
      const decodeSlots = new Semaphore(jobs);
      const inferSlots = new Semaphore(1);
      const finishSlots = new Semaphore(jobs);
      const admitted = new Semaphore(2 * jobs + 1);
      // And by their pictures' working pixels (modes that weigh them): memory stays in bounds with big photos.
      const budget = env.maxPixels ?? DEFAULT_MAX_PIXELS;
      const pixels = new WeightedSemaphore(ctx.pixelsInFlight ?? pixelsInFlightFor(totalmem(), budget));
      const running: Promise<void>[] = [];
      processingStartMs = performance.now();

      const processOne = async (i: number, weight: number): Promise<void> => {
        const item = items[i];
        const index = base + i;
        const output = outputs[i];
        let t0 = performance.now();
        let hasStarted = false;
        // Checked as each stage gets its slot, not only before it queues: a file that waited for a
        // slot while the batch was cancelled starts no new work.
        const throwIfCancelled = (): void => {
          if (runSignal.aborted) throw new CancelledError();
        };
        // One pipeline stage. A file is at work ("current") only inside a stage from its mode's first
        // work stage on: not while it queues for a slot, nor while a pause holds it before a stage.
        // Pause holds a started file before its next stage (it keeps its decoded picture), so a pause
        // takes a stage's time, not that of every file admitted. The pause is checked and the file
        // listed in one step, so a file not listed when the batch pauses does no more work; the last
        // stage ends with the file journalled and done, so none turns done off the list. The clock
        // starts at the first work stage.
        const inStage = <T>(slots: Semaphore, isWork: boolean, run: () => Promise<T>, isLast = false): Promise<T> =>
          slots.use(async () => {
            throwIfCancelled();
            if (!isWork) return run();
            while (gate.isPaused) await gate.wait(runSignal);
            if (!hasStarted) {
              hasStarted = true;
              t0 = performance.now();
              workStart.set(item.input, t0);
            }
            atWork(item.input, true);
            emitStatus();
            try {
              return await run();
            } finally {
              atWork(item.input, false);
              // After the last stage the file's event goes first, then the status (processOne's finally).
              if (!isLast) emitStatus();
            }
          });
        const isDecodeWork = mode.firstWorkStage === 'decode';
        try {
          throwIfCancelled();
          // The files take their decode slot in the inputs' order: the check before it awaited, and a
          // later file's could end first (under load a file after the first met a full disk first).
          const decoded = await inStage(decodeSlots, isDecodeWork, async () => {
            // Nor the picture a batch puts behind its cut-outs (an earlier batch's output, named as --bg).
            await assertNotAnInput(output, background.kind === 'image' ? [item.input, background.path] : [item.input]);
            return stages!.decode(item.input);
          });
          const inferred = await inStage(inferSlots, isDecodeWork, () => stages!.infer(decoded));
          await inStage(finishSlots, true, async () => {
            // The file's own progress, in its mode's stage spans, moves the batch's bar; it never goes back.
            const spans = mode.fileProgressAs?.(options);
            const tell: ProgressSink | undefined = spans
              ? (e) => {
                  const f = jobFraction({ spans, stage: e.stage, done: e.done, total: e.total });
                  if (f <= (partial.get(item.input) ?? 0)) return;
                  partial.set(item.input, f);
                  emitStatus();
                }
              : undefined;
            // The place is claimed first: a run stopped after the rename but before the done record
            // leaves a file a resume redoes in place (it wrote NAME-2 beside it, as if a user's).
            await journal.append({ v: 1, input: item.input, status: 'writing', output, outputRel: journalIndex.relOf(output), atMs: Date.now() });
            const finished = await stages!.finish(inferred, output, tell);
            // Journalled only after the output is renamed into place and synced: a crash before this
            // line leaves the file redone on resume, never a journalled file that is missing or torn.
            await journal.append({ v: 1, input: item.input, status: 'done', sizeBytes: item.sizeBytes, mtimeMs: item.mtimeMs, optionsHash, settingsHash, output, outputRel: journalIndex.relOf(output), ...(finished ?? {}), atMs: Date.now() });
            if (replacing.has(i)) replacedOther++;
            if (besideOthersAt.has(i)) besideOthers++;
            const elapsedMs = performance.now() - t0;
            entries[index] = { input: item.input, status: 'done', output, elapsedMs, ...(finished ?? {}) };
            doneWorkMs += elapsedMs;
            done++;
            processed++;
          }, true);
        } catch (error) {
          if (isCancellation(error)) {
            entries[index] = { input: item.input, status: 'cancelled', output };
          } else {
            const wire = toWire(error);
            const errorKind = errorKindOfCode(wire.code, wire.detail);
            entries[index] = { input: item.input, status: 'failed', output, code: wire.code, message: wire.message, ...(errorKind ? { errorKind } : {}), ...staleOf(item, output), elapsedMs: performance.now() - t0 };
            failedWorkMs += hasStarted ? performance.now() - t0 : 0;
            failed++;
            processed++;
            if (wire.code === 'DISK_FULL' && !stoppedBy) {
              stoppedBy = { code: wire.code, message: wire.message, input: item.input };
              halt.abort();
            }
            await journal
              .append({ v: 1, input: item.input, status: 'failed', sizeBytes: item.sizeBytes, mtimeMs: item.mtimeMs, optionsHash, output, code: wire.code, message: wire.message, ...(errorKind ? { errorKind } : {}), atMs: Date.now() })
              .catch(() => undefined);
          }
        } finally {
          atWork(item.input, false);
          partial.delete(item.input);
          workStart.delete(item.input);
          emitFile(index);
          emitStatus();
          pixels.release(weight);
          admitted.release();
        }
      };

      for (const i of todo) {
        try {
          await gate.wait(runSignal);
        } catch {
          break;
        }
        await admitted.acquire();
        const weight = await pixels.acquire(mode.weighInput ? await mode.weighInput(items[i].input, budget) : 0);
        if (runSignal.aborted) {
          pixels.release(weight);
          admitted.release();
          break;
        }
        running.push(processOne(i, weight));
      }
      await Promise.all(running);
      isCancelled = signal?.aborted === true && entries.some((e) => e.status === 'cancelled');
    } catch (error) {
      if (!isCancellation(error)) {
        // A batch that could not start (a model missing) leaves no empty journal of its own.
        await journal.close();
        await dropEmptyJournal();
        throw error;
      }
      isCancelled = true;
    } finally {
      unsubscribeGate();
      unsubscribePauseClock();
      await pool.close();
      await journal.close();
    }

    // A run cancelled, or stopped by a full disk, says so of the files it did not do (cancelled, or
    // never started; a cancelled row said nothing), and where an earlier run's output of the file,
    // as this run would make it, is there, names that output, kept.
    if (isCancelled || stoppedBy) {
      const why = stoppedBy ? 'the disk filled up' : 'the batch was cancelled';
      entries.forEach((e, i) => {
        if (e.status !== 'cancelled') return;
        if (redoneAsBefore.has(i)) Object.assign(e, { outputKept: true, reason: `not made again: ${why}; the output an earlier run made of it with these options is kept (--resume skips it)` });
        else e.reason = stoppedBy ? 'not done: the disk filled up; free some space and run again, skipping what is done' : 'not done: the batch was cancelled; run it again with --resume (the app: Skip files already done) to do the rest';
      });
    }
    // A cancelled (or stopped) run also ends the inputs that never started, so a list of them shows every input.
    if (isCancelled || stoppedBy) for (let i = 0; i < entries.length; i++) if (!emitted.has(i)) emitFile(i);
    const endMs = performance.now();
    const elapsedMs = endMs - startedMs;
    const batchPausedMs = pausedUntil(endMs);
    // The rate leaves paused time out, as the live one does (a run paused over lunch is not slow).
    const processingMs = Math.max(1, (processingStartMs ? endMs - processingStartMs : elapsedMs) - batchPausedMs);
    const cancelled = entries.filter((e) => e.status === 'cancelled').length;
    const reviews = entries.filter((e) => e.needsReview);
    const summaryCore = {
      outputDir: outDir,
      mode: mode.id,
      optionsHash,
      total,
      done,
      skipped,
      failed,
      cancelled,
      toReview: reviews.length,
      specFailed: entries.filter((e) => (e.specFailures?.length ?? 0) > 0).length,
      leftOut: scan.leftOut,
      leftOutTypes: scan.leftOutTypes,
      leftOutFolders: scan.leftOutFolders,
      notSearched: scan.notSearched,
      folderPlaces: scan.folderPlaces,
      neverDone: entries.filter((e) => e.status === 'skipped' && !e.doneBefore).length,
      redoneSame,
      replacedOther,
      besideOthers,
      failedBefore,
      ...providerOf(entries),
      elapsedMs,
      pausedMs: batchPausedMs,
      // As the live rate counts: a failure as the share of a file's work it took.
      // None made, none a rate (three failures in 84 ms read "79 files/s").
      filesPerSec: done > 0 && processingMs > 0 ? filesWorked({ done, failed: processed - done, doneWorkMs, failedWorkMs, atWorkMs: 0, inFlight: 0 }) / (processingMs / 1000) : 0,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      isCancelled,
      ...(stoppedBy ? { stoppedBy } : {}),
    };
    await sizeOutputs(entries);
    // Nothing found (a wrong folder or mode): no report, which would have replaced an earlier batch's there.
    if (total === 0 && !isCancelled) {
      isNothingToDo = true;
      await dropEmptyJournal();
      return { ...summaryCore, failures: [], reviews: [] };
    }
    // On a full disk the report may not fit: the run still ends with its summary, saying so (one
    // whose files all fit, with the report the first write that did not, ended on the error alone).
    let paths: { json: string; csv: string; kept?: string };
    let reportError: BatchSummary['reportError'];
    try {
      paths = await writeReports(outDir, { version: 1, summary: summaryCore, entries }, options.reportInputRoots ? { inputRoots: options.reportInputRoots, outputDir: outDir } : {});
    } catch (error) {
      const isWriteFault = error instanceof AppError && (error.code === 'DISK_FULL' || error.code === 'OUTPUT_NOT_WRITABLE');
      if (!isWriteFault || isCancelled) throw error;
      const wire = toWire(error);
      reportError = { code: wire.code, message: wire.message };
      paths = { json: join(outDir, REPORT_JSON), csv: join(outDir, REPORT_CSV) };
    }
    if (isCancelled) throw new CancelledError('Cancelled', { outputDir: outDir, reportJson: paths.json, reportCsv: paths.csv, ...(paths.kept ? { keptReportCsv: paths.kept } : {}) } satisfies CancelledBatch);
    return { ...summaryCore, reportJson: paths.json, reportCsv: paths.csv, ...(paths.kept ? { keptReportCsv: paths.kept } : {}), ...(reportError ? { reportError } : {}), failures: entries.filter((e) => e.status === 'failed'), reviews };
  } finally {
    await releaseFolder();
    if (isNothingToDo) await removeMadeFolders(made);
  }
}

/**
 * The review, note and spec failures a 'done' record kept (so a skipped file still shows them), as judged then: a
 * threshold changed since is not applied. Nothing for other records or malformed fields.
 */
export function finishedOfRecord(record: JournalRecord | undefined): FinishedFile {
  if (record?.status !== 'done') return {};
  // Notes of the kinds the UI words (a hand-edited [null] stopped every resume with INTERNAL).
  const notes = Array.isArray(record.notes) ? record.notes.filter((n) => typeof n === 'object' && n !== null && typeof n.kind === 'string') : [];
  const note = typeof record.note === 'string' && record.note ? { note: record.note, ...(notes.length > 0 ? { notes } : {}) } : {};
  const spec = Array.isArray(record.specFailures) && record.specFailures.every((s) => typeof s === 'string') ? { specFailures: record.specFailures } : {};
  if (typeof record.unsureShare !== 'number' || !Number.isFinite(record.unsureShare)) return { ...note, ...spec };
  const reviewThreshold = typeof record.reviewThreshold === 'number' ? record.reviewThreshold : null;
  return { unsureShare: record.unsureShare, needsReview: record.needsReview === true, reviewThreshold, ...(record.isEmpty === true ? { isEmpty: true } : {}), ...note, ...spec };
}

/**
 * Whether a journalled failure would come again: a fault of the input itself (isInputFault) with
 * the same input size, mtime and options. A failure of the disk, a model or the engine, one whose
 * record does not say what the file is, or one of a file changed since, is tried again.
 */
export function repeatsFailure(record: JournalRecord, item: Pick<BatchItem, 'sizeBytes' | 'mtimeMs'>, optionsHash: string): boolean {
  return record.status === 'failed' && record.code !== undefined && isInputFault(record.code, record.errorKind) && record.optionsHash === optionsHash && record.sizeBytes === item.sizeBytes && record.mtimeMs === item.mtimeMs && typeof record.message === 'string';
}

/** The files (output keys) already in the output folders the items map to. */
async function existingFiles(outDir: string, items: readonly BatchItem[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const relDir of new Set(items.map((item) => item.relDir))) {
    const dir = join(outDir, ...relDir.split('/').filter(Boolean));
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (!e.isDirectory()) found.add(outputKey(join(dir, e.name)));
  }
  return found;
}

/**
 * Whether a journalled 'done' record still holds: same input size, mtime and options, its output
 * is `output`, nothing was written there since (a run with other options of the same names), and
 * the output exists.
 */
async function isStillDone(record: JournalRecord, item: BatchItem, output: string, optionsHash: string, journal: JournalIndex): Promise<boolean> {
  if (record.sizeBytes !== item.sizeBytes || record.mtimeMs !== item.mtimeMs || record.optionsHash !== optionsHash || !journal.isLatestAt(record, output)) return false;
  const info = await stat(output).catch(() => undefined);
  return info?.isFile() === true && info.size > 0;
}

/**
 * The quality as the options hash holds it: only where it changes the bytes (a mode that encodes
 * with it, writing JPEG or WebP), and not when it is the encoder's default, so a run given 92 (the
 * app sends its setting) resumes one given none (the CLI without --quality) and journals from
 * before it was hashed.
 */
export function hashedQuality(mode: Pick<BatchModeHandler, 'usesQuality'>, format: string, quality: number | undefined): number | undefined {
  if (!mode.usesQuality || (format !== 'jpeg' && format !== 'webp')) return undefined;
  return quality === undefined || quality === DEFAULT_QUALITY ? undefined : quality;
}
