// Types of batch folder export: options, per-file entries, progress and the final summary.
// Plain data (structured-clone-able) so the engine can send them over IPC. Core (no electron).
import type { ErrorCode, ErrorKind } from '../../../shared/errors';
import type { Background, FinishedFile, RefineMode } from '../../../shared/jobs';

/** What a batch does to each input. */
export type BatchModeId = 'portrait' | 'anime' | 'idphoto' | 'sticker';

/** Output image formats a batch can write (sticker mode picks its own container). */
export type BatchFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'apng' | 'webm';

/** Options of one batch run. Everything here that changes an output goes into the options hash. */
export interface BatchOptions {
  mode: BatchModeId;
  /** Walk sub-folders of folder inputs (default false: only the folder's own files). */
  recursive?: boolean;
  /** Lower-case extensions without the dot; default: the mode's input extensions. */
  extensions?: string[];
  /** Output name template without extension: {name} {ext} {mode} {spec} {bg} {index}. Default '{name}'. */
  nameTemplate?: string;
  /** Output format; default: the mode's (png for cut-outs, keeps transparency). */
  format?: BatchFormat;
  background?: Background;
  refine?: RefineMode;
  /** Mask model id; default: the mode's task default. */
  modelId?: string;
  /** ID photo spec id (idphoto mode). */
  spec?: string;
  /** Mode-specific extras (idphoto sheet, sticker size/fps ...); hashed with the rest. */
  extra?: Record<string, unknown>;
  /** Files processed at once (default: CPU cores, at most 4). */
  jobs?: number;
  /** Skip inputs the journal in the output folder records as done with the same size, mtime and options. */
  resume?: boolean;
  /** Process only the inputs that failed in the previous run (from the journal / report). */
  retryFailed?: boolean;
  /** JPEG/WebP quality 1..100. */
  quality?: number;
  /**
   * report.csv says each input from the one of these folders that holds it, and each output from
   * the output folder (a browser's batch: `cutout serve` passes the upload folders, whose server
   * paths mean nothing to the page's user). Not an output option: not hashed.
   */
  reportInputRoots?: string[];
}

/** One input found by the scan, with where its output goes. */
export interface BatchItem {
  /** Absolute path of the input. */
  input: string;
  /** Path relative to the output folder of the mirrored folder (forward slashes, '' for the top). */
  relDir: string;
  /** Input file name. */
  fileName: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** How one input ended. */
export type BatchFileStatus = 'done' | 'skipped' | 'failed' | 'cancelled';

/**
 * One line of report.json / report.csv: exactly one per scanned input. Cut-out and sticker modes add
 * the review (MatteReview; reviewThreshold null: the model has none), and a pipeline may add a note
 * (FinishedFile), to done files and to skipped ones done before.
 */
export interface BatchEntry extends FinishedFile {
  input: string;
  status: BatchFileStatus;
  /** Absolute output path (done / skipped), else the planned one. */
  output: string;
  code?: ErrorCode;
  message?: string;
  /**
   * What a failure's error detail said of the file, which the UI words apart from its code: damaged
   * (a known format cut short), or a still picture where a clip is wanted.
   */
  errorKind?: ErrorKind;
  /** Why a file was skipped ('journal': done before with the same size, mtime and options). */
  reason?: string;
  /** A skipped file whose output an earlier run made (resume, or a retry of the failed ones). */
  doneBefore?: boolean;
  /**
   * A failure not tried again (resume, or a retry of the failed ones): an earlier run's, of the
   * input itself (isInputFault), with the same file (size, mtime) and options. Its code, message
   * and errorKind are that run's.
   */
  failedBefore?: boolean;
  /**
   * A failed file's output that an earlier run made of it (the file as it was then) and that is
   * still there, under the name this run would have written: said, so it is not taken for this run's.
   */
  staleOutput?: string;
  /**
   * A cancelled file not made again whose output an earlier run made with these options, of the
   * file as it is, is still there: kept, and the report names it (a run that forgot --resume,
   * cancelled, read as hundreds of files without an output).
   */
  outputKept?: boolean;
  elapsedMs?: number;
  /**
   * The size in bytes of the output as the report was written (done, or skipped as done before):
   * what an upload form's KB limit reads. Absent for a file that wrote nothing.
   */
  outputBytes?: number;
}

/** A per-file status event (the UI's file list; the CLI's non-TTY lines). */
export interface BatchFileEvent {
  index: number;
  entry: BatchEntry;
}

/** Whole-batch progress: N of M, rate, ETA and the files in flight. */
export interface BatchStatus {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** done + skipped + failed. */
  finished: number;
  /**
   * Files per second of the processed (not skipped) files, the ETA's: from a file's worth of work
   * after the first file done, the work since then (run-batch etaRate). The summary's is the whole run's.
   */
  filesPerSec: number;
  /** Estimated milliseconds left; undefined until a rate is known. */
  etaMs?: number;
  /** Inputs in flight now (the first is the "current file"). */
  current: string[];
  /**
   * How far the files in flight are, summed (each 0..1 by its own progress, in its mode's stage
   * spans; a mode that tells none, the ID photo's, counts 0 until the file ends).
   */
  inFlight: number;
  isPaused: boolean;
  elapsedMs: number;
}

/** What runBatch returns (and report.json's `summary`). */
export interface BatchSummary {
  outputDir: string;
  mode: BatchModeId;
  optionsHash: string;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  cancelled: number;
  /** Files whose cut-out or sticker needs a look (needsReview): done now, or before when resumed. */
  toReview: number;
  /** ID photos written that fail their spec (specFailures): done now, or before when resumed. */
  specFailed: number;
  /** Files in the input folders left out because the mode does not take their extension (not in total). */
  leftOut: number;
  /** Of leftOut, how many of each extension (lower case, no dot; '' for none): what to convert. */
  leftOutTypes: Record<string, number>;
  /** Sub-folders of the inputs not read because an earlier batch wrote into them (scan.ts). */
  leftOutFolders: string[];
  /** Sub-folders of the input folders not read: the run is not recursive (CLI without -r, the app's "Include sub-folders" off). */
  notSearched: string[];
  /** Files made again that an earlier run had done with the same input and options (a run without resume / retryFailed). */
  /** With retryFailed: files skipped that were never done (a cancel stopped before them, or added since); not made by this run. */
  neverDone: number;
  /** Each input folder and the sub-folder of the output folder it went to ('' for the top): where to look. */
  folderPlaces: { input: string; rel: string }[];
  redoneSame: number;
  /**
   * Outputs written over that an earlier run made of the same input with other options (another
   * background, size or edges under the same name): said, so a set made first is not lost unseen.
   */
  replacedOther: number;
  /**
   * Outputs named beside a file already there that is not this input's (NAME-2): another input's,
   * a user's, or an earlier batch's whose journal and reports are gone. Said: a run after its journal
   * was deleted wrote every file again as -2 beside the first set, unsaid.
   */
  besideOthers: number;
  /** Of failed, those not tried again: they failed before as they would now (BatchEntry.failedBefore). */
  failedBefore: number;
  /**
   * The execution provider the models ran on, as the first file made by this run says (absent when
   * none was made): a provider asked for that could not start is said (the session falls back to the CPU).
   */
  provider?: string;
  /** Wall time of the run, paused time included. */
  elapsedMs: number;
  /** Of elapsedMs, the time the run was paused (0 when never paused). */
  pausedMs: number;
  /** Processed files per second (done + failed over the processing phase's wall time, paused time left out). */
  filesPerSec: number;
  /** Peak resident set size of this process, in bytes (process-wide, since process start). */
  peakRssBytes: number;
  /** Whether the run was cancelled before every input finished. */
  isCancelled: boolean;
  /**
   * The failure that stopped the run before every input finished: the output disk full (every file
   * after it would fail the same way). The files not done are `cancelled`; a resume does them.
   */
  stoppedBy?: { code: 'DISK_FULL'; message: string; input: string };
  /**
   * The reports written into the output folder; none for a run that found nothing to do (no input,
   * none missing or unreadable): it writes nothing, and makes no output folder that was not there
   * (it made the folder and an empty report, over an earlier batch's report there).
   */
  reportJson?: string;
  reportCsv?: string;
  /**
   * The report a batch of another mode left in the folder, kept beside this one as
   * report-MODE.csv (and .json): a second batch of another mode into the folder replaced it.
   */
  keptReportCsv?: string;
  /** Why report.json / report.csv could not be written (a full disk); they are not there then. */
  reportError?: { code: string; message: string };
  /** The failed entries (for a UI list with "show file" / "retry failed"); all entries are in report.json. */
  failures: BatchEntry[];
  /** The entries whose cut-out or sticker needs a look (for a UI list with "show file"). */
  reviews: BatchEntry[];
}
