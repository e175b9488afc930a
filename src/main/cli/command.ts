// The shape of a `cutout` sub-command and shared helpers for them. Node only.
import { lstatSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AppError, type ErrorCode } from '../../shared/errors';
import { MAX_FILE_KB, parseFileSizeBand } from '../../shared/idphoto-report';
import { parseRefineMode, type RefineMode } from '../../shared/jobs';
import { providerLabel } from '../../shared/labels';
import { hasExtension, IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../../shared/media';
import { isQuality } from '../core/image/encode';
import { isProviderInstalled } from '../core/inference/execution-providers';
import { assertReplaceable, ensureWritableFolder, fitStem } from '../core/io/atomic-write';
import type { ProgressEvent } from '../core/progress';
import type { CoreEnv } from '../core/env';
import { resolveNamedMaskModel } from '../core/pipelines/cutout';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** True when stderr is a terminal (draw progress bars). */
  isTty: boolean;
  signal: AbortSignal;
}

/** What a status line says of a stage (a cut-out's, a sticker's). */
const STAGE_WORDS: Record<ProgressEvent['stage'], string> = {
  scan: 'scanning',
  decode: 'reading',
  detect: 'finding the face',
  segment: 'segmenting',
  refine: 'refining edges',
  composite: 'compositing',
  encode: 'encoding',
  extract: 'extracting frames',
  matte: 'matting',
  write: 'writing',
};

/** A stage in words (`refine`: "refining edges"). */
export function stageWords(stage: ProgressEvent['stage']): string {
  return STAGE_WORDS[stage];
}

/** A progress event in words: the stage and, when it counts more than one step, how far (`refining edges 43 %`). */
export function progressText(e: ProgressEvent): string {
  if (e.total <= 1) return STAGE_WORDS[e.stage];
  return e.stage === 'refine' ? `${STAGE_WORDS[e.stage]} ${Math.floor((100 * e.done) / e.total)} %` : `${STAGE_WORDS[e.stage]} ${e.done}/${e.total}`;
}

/**
 * `text` cut to one row of a terminal `columns` wide, keeping its end (where the progress is): a
 * line that wraps is not redrawn in place, and each redraw left a row behind.
 */
export function fitToTerminal(text: string, columns: number | undefined): string {
  if (!columns || columns < 8 || text.length < columns) return text;
  return `…${text.slice(text.length - (columns - 2))}`;
}

/**
 * A status line on a terminal's stderr, redrawn in place at most every `intervalMs`; a text that
 * comes sooner is drawn when the interval is up (so the last one shows: "encoding" followed
 * "compositing" within a millisecond and was dropped, for an 80 MP PNG's ten seconds of encoding).
 * `clear()` wipes it before results are printed. Off a terminal it draws nothing.
 */
export function terminalStatus(io: CliIo, intervalMs = 200): { show(text: string): void; clear(): void } {
  let shownAt = -Infinity;
  let isShown = false;
  let pending: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draw = (text: string): void => {
    shownAt = Date.now();
    isShown = true;
    pending = undefined;
    process.stderr.write(`\r\x1b[2K${fitToTerminal(text, process.stderr.columns)}`);
  };
  return {
    show(text) {
      if (!io.isTty) return;
      const wait = shownAt + intervalMs - Date.now();
      if (wait <= 0) return draw(text);
      pending = text;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (pending !== undefined) draw(pending);
      }, wait);
      // A status line never keeps the process alive.
      timer.unref?.();
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      if (!isShown) return;
      isShown = false;
      shownAt = -Infinity;
      process.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * Runs a core check of the command line's values: its INVALID_ARGUMENT (or SPEC_UNKNOWN, a --spec
 * no spec has) is a wrong command line (a UsageError with the same code, exit 2), said before any
 * work, as the flags' own checks are.
 */
export function checkedAsUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw asUsage(error);
  }
}

/** --refine's value (any case, as --format and --mode): off, fast or full; another is a wrong command line (exit 2). */
export function refineFlag(value: string): RefineMode {
  return checkedAsUsage(() => parseRefineMode(value.toLowerCase(), '--refine'));
}

/** An error of a check of the command line's values as checkedAsUsage throws it (for a check that is async). */
export function asUsage(error: unknown): unknown {
  if (error instanceof AppError && (error.code === 'INVALID_ARGUMENT' || error.code === 'SPEC_UNKNOWN' || error.code === 'PROVIDER_UNKNOWN') && !(error instanceof UsageError)) {
    return new UsageError(error.message, { cause: error, detail: error.detail, code: error.code });
  }
  return error;
}

/**
 * A `--model` no one has is a wrong command line (exit 2), said once before any output is made:
 * `batch`, `eval` and `training-data` found it on each input (exit 1), a batch after making OUT.
 * One that is known but not installed stays MODEL_MISSING (exit 1). `extraChoices`: names the
 * command takes beside model ids (a sticker's anime / person).
 */
export async function checkModelFlag(env: CoreEnv, model: string | undefined, extraChoices: readonly string[] = []): Promise<void> {
  if (model === undefined || extraChoices.includes(model)) return;
  await resolveNamedMaskModel(env, model, extraChoices).catch((error: unknown) => {
    throw asUsage(error);
  });
}

/** One sub-command of `cutout`. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A number as a person writes one: digits, an optional sign and decimal point (not 0x40, 1e2 or Infinity). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Parses a number flag; a UsageError when it is not one. */
export function numberFlag(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!DECIMAL.test(value.trim())) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return Number(value);
}

/**
 * Parses a time flag in seconds: a number (`62.5`), or as a player shows it, `M:SS` or `H:MM:SS`
 * with an optional fraction (`1:02.5`, `0:01:02`). A UsageError otherwise.
 */
export function secondsFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const clock = /^\s*(?:(\d+):)?(\d+):([0-5]?\d(?:\.\d+)?)\s*$/.exec(value);
  if (!clock) {
    if (!DECIMAL.test(value.trim())) throw new UsageError(`--${name} must be seconds (62.5) or a time (1:02.5), got "${value}"`);
    return Number(value);
  }
  const [, h, m, sec] = clock;
  if (h !== undefined && Number(m) > 59) throw new UsageError(`--${name}: minutes past 59 in "${value}" (H:MM:SS)`);
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(sec);
}

/**
 * Parses a whole-number flag (a count, pixels, a port); a UsageError when it is not one, or when it
 * is out of `range` (said before any work: --jobs 0 was refused by the batch, exit 1).
 */
export function intFlag(value: string | undefined, name: string, fallback?: number, range?: { min: number; max?: number }): number | undefined {
  const n = numberFlag(value, name, fallback);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  if (n !== undefined && value !== undefined && range && (n < range.min || (range.max !== undefined && n > range.max))) {
    throw new UsageError(`--${name} must be a whole number ${range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`}, got ${value}`);
  }
  return n;
}

/** A flag whose value names one of `choices` (case-insensitive, own keys only): its meaning, undefined when not given. */
export function choiceFlag<T>(value: string | undefined, name: string, choices: Readonly<Record<string, T>>, listed: string): T | undefined {
  if (value === undefined) return undefined;
  const key = value.toLowerCase();
  if (!Object.hasOwn(choices, key)) throw new UsageError(`--${name} must be ${listed}, got "${value}"`);
  return choices[key];
}

/** --quality: a whole number 1..100 (JPEG / WebP), undefined when not given. */
export function qualityFlag(value: string | undefined): number | undefined {
  const quality = intFlag(value, 'quality');
  if (quality !== undefined && !isQuality(quality)) throw new UsageError(`--quality must be a whole number 1..100, got "${value}"`);
  return quality;
}

/** `--kb MIN-MAX`: an ID photo's file size band in KB (parseFileSizeBand), or undefined when not given. */
export function kbFlag(value: string | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const band = parseFileSizeBand(value);
  // Upside down ("50-20"): said so, with the band it likely means.
  const ends = /^\s*(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s*(?:kb)?\s*$/i.exec(value);
  if (!band && ends && Number(ends[1]) > Number(ends[2]) && parseFileSizeBand(`${ends[2]}-${ends[1]}`)) throw new UsageError(`--kb ${value}: MIN is above MAX; write --kb ${ends[2]}-${ends[1]}`);
  if (!band) throw new UsageError(`--kb must be a file size in KB: MIN-MAX (20-50), at most MAX (50) or at least MIN (20-), up to ${MAX_FILE_KB}; got "${value}"`);
  return band;
}

/**
 * A wrong command line found by the CLI before any work (a flag's value, a missing -o, flags that
 * do not go together): INVALID_ARGUMENT (SPEC_UNKNOWN for --spec), and the CLI exits 2 for it as
 * for an unknown option. The same code from the work itself (a model name the store does not have,
 * a spec file's content) exits 1.
 */
export class UsageError extends AppError {
  constructor(message: string, options: { cause?: unknown; detail?: unknown; code?: ErrorCode } = {}) {
    super(options.code ?? 'INVALID_ARGUMENT', message, options);
  }
}

/**
 * The `-o` flag's value, or a usage error saying what it names (`missing`). `-o -` is refused:
 * it wrote a file named "-.png" where a pipe was meant (the outputs are files, written whole).
 */
export function outFlag(value: string | undefined, missing: string): string {
  if (!value) throw new UsageError(`Missing -o ${missing}`);
  if (value === '-') throw new UsageError('-o - (standard output) is not supported: name a file or a folder to write to');
  // -o=x.png gives the short option "=x.png" (a file of that name was written): --out=x.png or -o x.png was meant.
  if (value.startsWith('=')) throw new UsageError(`-o${value}: a short option takes its value after a space (-o ${value.slice(1)}), or write --out${value}`);
  return value;
}

/**
 * A command's inputs: "-" (standard input, as many tools take it) is said not to be one (it read
 * "File not found: -"). Given `say`, a file named twice (the same path, however written) is taken
 * once, in place in `positionals`, and said: it was made twice, the second as NAME-2.
 */
export function checkInputs(positionals: string[], say?: (line: string) => void): void {
  if (positionals.includes('-')) throw new UsageError('- (standard input) is not supported as an input: name the files (a file named "-" is ./-)');
  if (!say) return;
  const given = new Map<string, { first: string; n: number }>();
  for (const path of positionals) {
    const key = resolve(path);
    const seen = given.get(key);
    if (seen) seen.n++;
    else given.set(key, { first: path, n: 1 });
  }
  if (given.size === positionals.length) return;
  for (const { first, n } of given.values()) if (n > 1) say(`note: ${first} is given ${n === 2 ? 'twice' : `${n} times`}: made once`);
  positionals.splice(0, positionals.length, ...[...given.values()].map((g) => g.first));
}

/**
 * Checks, before any work, that a file a command writes at its end (`eval --json`, `idphoto
 * --report`) can be: not a folder or a device (OUTPUT_NOT_WRITABLE), its folder made and writable.
 * It was found after the set was scored or the photos made, and the work was lost.
 */
export async function checkOutputFile(path: string): Promise<void> {
  const target = resolve(path);
  await assertReplaceable(target);
  await ensureWritableFolder(dirname(target));
}

/** A message said with its file: the file first, unless the message names it already ("x.jpg could not be decoded" read "x.jpg: x.jpg …"). */
export function namingFile(message: string, file: string): string {
  return message.includes(file) ? message : `${file}: ${message}`;
}

/** The line of a file that failed in a run of several: its code, then what went wrong, naming the file (namingFile). */
export function fileFailureLine(error: unknown, file: string): string {
  const err = error as Partial<AppError>;
  return `${err.code ?? 'INTERNAL'}: ${namingFile(err.message ?? String(error), file)}`;
}

/**
 * Output paths for N inputs: one input and OUT not an existing folder (nor ending in a slash)
 * -> OUT itself; otherwise OUT is a folder and each output is `<name><suffix>.<ext>` inside it.
 */
export async function planOutputs(inputs: string[], out: string, ext: string, suffix = ''): Promise<string[]> {
  const isDir = await stat(out).then((s) => s.isDirectory(), () => false);
  if (inputs.length === 1 && !isDir && !/[\\/]$/.test(out)) {
    // Its folder can be made and written in, said before the work (a read-only one was found once
    // the picture was made); made by the write, so a command refused meanwhile leaves none.
    await ensureWritableFolder(dirname(resolve(out)), { leaveNothing: true });
    return [out];
  }
  // Several inputs into "two.png" would make a folder of that name: a picture's name is not a folder's.
  if (!isDir && hasExtension(out, [...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS, 'pdf', 'jxl'])) {
    throw new UsageError(`${inputs.length} inputs make ${inputs.length} files, so -o must be a folder, not ${out}`, { detail: { path: out } });
  }
  // A folder that cannot be made or written in is said as such (it read INTERNAL: EACCES, mkdir);
  // made by the first write, so a run whose files all fail leaves no empty folder.
  await ensureWritableFolder(out, { leaveNothing: true });
  const used = new Set<string>();
  // Apart from Linux, file systems take A.jpg's and a.jpg's outputs for one file.
  const keyOf = (name: string): string => (process.platform === 'linux' ? name : name.toLowerCase());
  return inputs.map((input) => {
    const stem = fitStem(basename(input, extname(input)), Buffer.byteLength(`${suffix}.${ext}`));
    let name = `${stem}${suffix}.${ext}`;
    for (let i = 2; used.has(keyOf(name)); i++) name = `${stem}${suffix}-${i}.${ext}`;
    used.add(keyOf(name));
    return join(out, name);
  });
}

/**
 * What stands already at the outputs, read before the run: a file or a symbolic link (the write
 * replaces the link, never what it points to). A command writes over its own earlier output (as a
 * batch does), and says so (`cutout portrait` replaced one unsaid). Inputs are never written over
 * (assertSeparateOutputs).
 */
export function filesThere(paths: readonly string[]): Map<string, 'file' | 'link'> {
  const there = new Map<string, 'file' | 'link'>();
  for (const path of paths) {
    // Nothing there (or nothing readable): a new file.
    const info = lstatOrNull(path);
    if (info?.isSymbolicLink()) there.set(resolve(path), 'link');
    else if (info?.isFile()) there.set(resolve(path), 'file');
  }
  return there;
}

/** lstat, or null when nothing is there. */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** What an output line adds for a file written where one stood (filesThere). */
export function writtenOverText(path: string, there: ReadonlyMap<string, 'file' | 'link'>): string {
  const was = there.get(resolve(path));
  return was === 'file' ? ', written over the file there' : was === 'link' ? ', in place of the link there (what it pointed to is kept)' : '';
}

/**
 * Says when the execution provider asked for (--provider) could not start and the model ran on
 * another (the session falls back to the CPU); nothing for `auto`, nor when nothing ran ('none').
 */
export function noteProviderFallback(io: Pick<CliIo, 'err'>, asked: string | undefined, ran: string, env: NodeJS.ProcessEnv = process.env): void {
  // The flag, else CUTOUT_PROVIDER (as envFromFlags reads them).
  const [request, by] = asked ? [asked, `--provider ${asked}`] : [env.CUTOUT_PROVIDER, `CUTOUT_PROVIDER=${env.CUTOUT_PROVIDER}`];
  if (request && request !== 'auto' && ran !== 'none' && request !== ran) {
    const why = isProviderInstalled(request) ? '' : ` (ONNX Runtime's ${providerLabel(request)} libraries are not installed: see README, GPU)`;
    io.err(`note: ${by} could not start here${why}; ran on ${ran}`);
  }
}
