// Batch workspace state (rune class, renderer): the per-file statuses of the batch on screen from
// batchItemFinished events, and the pieces of its progress line (files/s, ETA, pause). No DOM.
import { evText, megapixels, secondsPerFile, type BatchItemFinished, type DrawingsLeftOut, type JobId } from '../../../../shared/jobs';
import { chatKbText, chatStickerLimitsText, PLATFORM_PRESETS, stickerTakesColours, type PlatformPreset, type StickerFormat } from '../../../../shared/sticker-presets';
import { turnWords } from '../error-text';
import { baseName } from '../paths';

/** One finished input as the file list shows it. */
export type BatchItemRow = Omit<BatchItemFinished, 'jobId'>;

/** Most early events kept while no job is attached (they belong to a job whose id is not known yet). */
const MAX_EARLY_ITEMS = 10_000;

/** Milliseconds left as m:ss, or h:mm:ss from an hour on. */
export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const mm = Math.floor(s / 60) % 60;
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${String(mm).padStart(2, '0')}:${ss}` : `${Math.floor(s / 60)}:${ss}`;
}

/** Files per second for display: one decimal below 10, whole numbers above. */
export function formatRate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

/** A batch's pace in words: files a second, or seconds a file when slower (secondsPerFile). */
export function rateText(perSecond: number, t: (key: 'batch.rate' | 'batch.ratePerFile', params: { n: string | number }) => string): string {
  const perFile = secondsPerFile(perSecond);
  return perFile === undefined ? t('batch.rate', { n: formatRate(perSecond) }) : t('batch.ratePerFile', { n: perFile });
}

/** The files at work as the progress line says them ("current: a.jpg", "current: a.jpg and 2 more": it named one of several as if alone); '' for none. */
export function currentText(files: readonly string[], t: (key: 'batch.current' | 'batch.currentMore', params: { name: string; n: number; total: number }) => string): string {
  if (files.length === 0) return '';
  return t(files.length > 1 ? 'batch.currentMore' : 'batch.current', { name: baseName(files[0]), n: files.length - 1, total: files.length });
}

/**
 * How far a running batch is, told to a screen reader at each quarter ("A quarter done: 3 of 12"):
 * it heard "Batch" as the run began and nothing till its end. '' before the first quarter and at the
 * end (the summary says it). The words change only at a quarter, so a live region does not read
 * every file; a batch of 2 or 3 files says each ("1 of 3 files done": it said nothing till its end,
 * 16 s for three stickers).
 */
export function batchProgressWords(
  done: number,
  total: number,
  t: (key: 'batch.quarter.1' | 'batch.quarter.2' | 'batch.quarter.3' | 'batch.fewDone', params: { done: number; total: number }) => string,
): string {
  if (!(total >= 2) || done >= total) return '';
  if (total < 4) return done >= 1 ? t('batch.fewDone', { done, total }) : '';
  const quarter = Math.floor((done * 4) / total);
  if (quarter < 1) return '';
  // The count at the quarter's start, not each file's since: the words stay till the next quarter.
  return t(`batch.quarter.${quarter as 1 | 2 | 3}`, { done: Math.ceil((quarter * total) / 4), total });
}

/**
 * Whether a screen reader is to be told "Resumed": from when a paused run goes on till it reaches
 * its next step of batchProgressWords (it stood till the run ended, and no quarter was said after a pause).
 * Told every change of the run (read it whatever else is said, so a pause is seen).
 */
export class ResumeNotice {
  private wasPaused = false;
  private resumedAt: string | null = null;
  saysResumed(hasJob: boolean, isPaused: boolean, progressWords: string): boolean {
    if (!hasJob || isPaused) {
      this.wasPaused = hasJob;
      this.resumedAt = null;
      return false;
    }
    if (this.wasPaused) {
      this.wasPaused = false;
      this.resumedAt = progressWords;
    }
    if (this.resumedAt !== progressWords) this.resumedAt = null;
    return this.resumedAt !== null;
  }
}

/**
 * A batch that is stopping, as the Batch workspace and the status bar both say it: "Cancelling… /
 * Pausing… waiting for N" while files at work reach a stop, then "Cancelling…" /
 * "Paused"; null while it runs.
 */
export function haltText(
  job: { isPaused: boolean; isCancelling: boolean; currentFiles: readonly string[] },
  t: (key: 'batch.pausing' | 'batch.paused' | 'batch.cancelling' | 'batch.cancellingNow', params?: { n: number }) => string,
): string | null {
  const n = job.currentFiles.length;
  if (job.isCancelling) return n > 0 ? t('batch.cancelling', { n }) : t('batch.cancellingNow');
  if (!job.isPaused) return null;
  return n > 0 ? t('batch.pausing', { n }) : t('batch.paused');
}

type NoteKey =
  | 'batch.note.animated'
  | 'batch.note.animatedClip'
  | 'batch.note.downscaled'
  | 'batch.note.firstPart'
  | 'batch.note.presetLength'
  | 'batch.note.pastEnd'
  | 'batch.note.wholeSeconds'
  | 'batch.note.emptyStart'
  | 'batch.note.emptyEnd'
  | 'batch.note.stoppedShort'
  | 'batch.note.cutShortFile'
  | 'batch.note.decodeErrors'
  | 'batch.note.chatSize'
  | 'batch.note.chatSizeFullColour'
  | 'batch.note.autoBrightness'
  | 'batch.note.autoTurn.clockwise'
  | 'batch.note.autoTurn.counterClockwise'
  | 'batch.note.autoTurn.halfTurn'
  | 'batch.note.clothesCarried'
  | 'batch.note.autoBrightnessDark'
  | 'batch.note.autoBrightnessLight'
  | 'batch.note.drawingRate'
  | 'batch.note.drawingRateUneven'
  | 'batch.note.drawingsShort'
  | 'batch.note.drawingsEvery'
  | `sticker.preset.${PlatformPreset['id']}`;

/** What a sticker left out at its ends (StickerJobResult.emptyEndsS), as sentences: a batch row's note and the Stickers result's line. */
export function emptyEndsSentences(ends: { start: number; end: number }, t: (key: 'batch.note.emptyStart' | 'batch.note.emptyEnd', params: Record<string, string>) => string): string[] {
  return [
    ...(ends.start > 0 ? [t('batch.note.emptyStart', { seconds: ends.start.toFixed(2) })] : []),
    ...(ends.end > 0 ? [t('batch.note.emptyEnd', { seconds: ends.end.toFixed(2) })] : []),
  ];
}

/** What a sticker made as drawn left out (StickerJobResult.drawingsLeftOut), as sentences: a batch row's note and the Stickers result's line. */
export function drawingsLeftOutSentences(leftOut: DrawingsLeftOut | undefined, t: (key: 'batch.note.drawingsShort' | 'batch.note.drawingsEvery', params: Record<string, number>) => string): string[] {
  return [
    ...(leftOut?.short ? [t('batch.note.drawingsShort', { n: leftOut.short })] : []),
    ...(leftOut && leftOut.every > 1 ? [t('batch.note.drawingsEvery', { every: leftOut.every })] : []),
  ];
}

/**
 * A sticker bigger than chat apps take (StickerJobResult.chatLimitBytes), as a sentence: a batch
 * row's note and the Stickers result's. Fewer colours is offered only for a format with a colour count.
 */
export function chatSizeSentence(bytes: number, format: StickerFormat, t: (key: 'batch.note.chatSize' | 'batch.note.chatSizeFullColour', params: Record<string, string>) => string): string {
  return t(stickerTakesColours(format) ? 'batch.note.chatSize' : 'batch.note.chatSizeFullColour', { kb: chatKbText(bytes), limits: chatStickerLimitsText(format) });
}

/**
 * A row's note in the UI's words: each of its notes (FinishedFile.notes) as a sentence, or the
 * engine's English sentence for a record written before notes were data.
 */
export function noteText(row: Pick<BatchItemRow, 'note' | 'notes'>, t: (key: NoteKey, params?: Record<string, string | number>) => string, join: (parts: string[]) => string): string | undefined {
  if (!row.notes?.length) return row.note || undefined;
  return join(
    row.notes.flatMap((n) => {
      switch (n.kind) {
        case 'animated':
          return [t('batch.note.animated', { frames: n.frames }), ...(n.isClip ? [t('batch.note.animatedClip')] : [])];
        case 'downscaled':
          return [t('batch.note.downscaled', { w: n.from.width, h: n.from.height, mp: megapixels(n.from), tw: n.to.width, th: n.to.height, tmp: megapixels(n.to) })];
        case 'firstPart':
          return [t('batch.note.firstPart', { seconds: n.seconds.toFixed(2), frames: n.frames })];
        case 'presetLength':
          return [t('batch.note.presetLength', { seconds: n.seconds, preset: n.preset in PLATFORM_PRESETS ? t(`sticker.preset.${n.preset as PlatformPreset['id']}`) : n.preset })];
        case 'pastEnd':
          return [t('batch.note.pastEnd', { seconds: n.seconds.toFixed(2) })];
        case 'wholeSeconds':
          return [t('batch.note.wholeSeconds', { from: Number(n.fromS.toFixed(2)), played: n.playedS, preset: n.preset in PLATFORM_PRESETS ? t(`sticker.preset.${n.preset as PlatformPreset['id']}`) : n.preset })];
        case 'emptyEnds':
          return emptyEndsSentences(n, t);
        case 'stoppedShort':
          return [t('batch.note.stoppedShort', { seconds: n.seconds.toFixed(2) })];
        case 'cutShortFile':
          return [t('batch.note.cutShortFile', { seconds: n.seconds.toFixed(2) })];
        case 'decodeErrors':
          return [t('batch.note.decodeErrors', { n: String(n.count) })];
        case 'chatSize':
          return [chatSizeSentence(n.bytes, n.format, t)];
        case 'autoBrightness':
          return [t('batch.note.autoBrightness', { ev: evText(n.ev), way: t(n.ev > 0 ? 'batch.note.autoBrightnessDark' : 'batch.note.autoBrightnessLight') })];
        case 'clothesCarried':
          return [t('batch.note.clothesCarried', { mm: n.mm })];
        case 'autoTurn':
          return [t(`batch.note.autoTurn${turnWords(n.deg)}`)];
        case 'drawingRate':
          // (A journal from before uneven holds has no `even`: its drawings were even.)
          return [
            t(n.even !== false ? 'batch.note.drawingRate' : 'batch.note.drawingRateUneven', { frames: Number(n.framesPerDrawing.toFixed(2)), fps: Number(n.drawingFps.toFixed(2)) }),
            ...drawingsLeftOutSentences(n.leftOut, t),
          ];
      }
    }),
  );
}

export class BatchItems {
  /** Finished inputs of the attached job, in the order they ended. */
  rows = $state<BatchItemRow[]>([]);
  failures = $derived(this.rows.filter((r) => r.status === 'failed'));
  /** Inputs with an output: done now or before (a cancelled or failed one is still to do). */
  completed = $derived(this.rows.filter((r) => r.status === 'done' || r.doneBefore === true).length);
  /** Cut-outs that need a look (needsReview), in the order they ended. */
  reviews = $derived(this.rows.filter((r) => r.needsReview));

  private jobId: JobId | null = null;
  /** The inputs in `rows`. */
  private readonly inputs = new Set<string>();
  /** Items that arrived before attach(): startJob's reply can come after the first events. */
  private early: BatchItemFinished[] = [];

  /** A new run is starting: clear the list; items are buffered until attach(id). */
  reset(): void {
    this.rows = [];
    this.inputs.clear();
    this.jobId = null;
    this.early = [];
  }

  /**
   * Shows the items of `jobId`: `before` (those a page taking the job up was told of: listJobs),
   * then those that arrived before its id was known. An input is listed once (an event can also
   * be in `before`).
   */
  attach(jobId: JobId, before: readonly BatchItemRow[] = []): void {
    this.jobId = jobId;
    this.inputs.clear();
    this.rows = [];
    for (const row of before) this.add(row);
    for (const { jobId: id, ...row } of this.early) if (id === jobId) this.add(row);
    this.early = [];
  }

  /** Lists a row, unless its input is listed already. */
  private add(row: BatchItemRow): void {
    if (this.inputs.has(row.input)) return;
    this.inputs.add(row.input);
    this.rows.push(row);
  }

  /** A batchItemFinished event; items of other jobs, and an input listed already, are ignored. */
  onItem(e: BatchItemFinished): void {
    if (this.jobId === null) {
      if (this.early.length < MAX_EARLY_ITEMS) this.early.push(e);
      return;
    }
    if (e.jobId !== this.jobId) return;
    const { jobId: _id, ...row } = e;
    this.add(row);
  }

  /** How an input ended, or undefined while it has not. */
  statusOf(input: string): BatchItemRow | undefined {
    return this.rows.find((r) => r.input === input);
  }
}
