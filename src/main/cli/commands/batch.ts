// `cutout batch IN... -o OUT --mode portrait|anime|idphoto|sticker`: batch folder export with
// resume, a progress bar on a terminal (plain lines otherwise) and report.json/.csv. Node only.
import { lstat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, isCancellation, type CancelledError } from '../../../shared/errors';
import { isCutoutMode, parseBrightness, parseTurn, secondsPerFile, type CancelledBatch } from '../../../shared/jobs';
import { leftOutTypesText } from '../../../shared/media';
import { failedCheckWords, withFileSizeBand } from '../../../shared/idphoto-report';
import { assertOutputFolderNotAnInput, defaultJobCount, runBatch } from '../../core/batch/run-batch';
import { validateNameTemplate } from '../../core/batch/naming';
import { batchFormatOf, getBatchMode, idPhotoBatchExtra } from '../../core/batch/modes';
import { readReport } from '../../core/batch/report';
import type { BatchFormat, BatchModeId, BatchStatus } from '../../core/batch/types';
import { parseBackground } from '../../core/image/composite';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { asUsage, checkedAsUsage, checkModelFlag, choiceFlag, type CliCommand, type CliIo, fitToTerminal, intFlag, kbFlag, numberFlag, qualityFlag, refineFlag, UsageError, outFlag, checkInputs, noteProviderFallback } from '../command';
import { gifFpsCapText, presetSizeText, validateStickerOptions, type StickerOptions } from '../../core/sticker/make-sticker';
import { isStickerFormat } from '../../../shared/sticker-presets';
import { idPhotoBackground } from '../../core/idphoto/make-id-photo';
import { checkPhotoSheet } from '../../core/idphoto/print-sheet';
import { SpecLibrary } from '../../core/idphoto/spec';
import { checkMaskFlags, reviewHint, reviewShareText, reviewText } from './cutout';
import { colourFlag, ditherFlag, unusedPaletteFlagsText } from './sticker';
import { specLibraryPath } from './idphoto';

const MODES: Record<BatchModeId, BatchModeId> = { portrait: 'portrait', anime: 'anime', idphoto: 'idphoto', sticker: 'sticker' };
const FORMATS: Record<string, BatchFormat> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', gif: 'gif', apng: 'apng', webm: 'webm' };

/** "1:05" / "1:02:03" from milliseconds. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The pace of a batch: files a second (to `digits` decimals), or seconds a file when slower (secondsPerFile). */
export function formatRate(filesPerSec: number, digits = 1): string {
  const perFile = secondsPerFile(filesPerSec);
  return perFile === undefined ? `${filesPerSec.toFixed(digits)} files/s` : `${perFile} s/file`;
}

/** One line of progress: bar, N of M, files/s, ETA, current file. */
export function formatStatusLine(s: BatchStatus, width = 24): string {
  const ratio = s.total > 0 ? Math.min(1, (s.finished + s.inFlight) / s.total) : 1;
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const eta = s.etaMs === undefined ? '--:--' : formatDuration(s.etaMs);
  const failed = s.failed > 0 ? `, ${s.failed} failed` : '';
  const state = s.isPaused ? ' paused' : '';
  const cur = s.current[0] ? ` ${basename(s.current[0])}` : '';
  return `${bar} ${s.finished}/${s.total}${failed} ${formatRate(s.filesPerSec)} ETA ${eta}${state}${cur}`;
}

/** Draws the status line in place on a terminal (cursor up + clear), at most 10 times a second. */
function makeTtyBar(io: CliIo): { draw(s: BatchStatus, force?: boolean): void; line(text: string): void } {
  let lastMs = 0;
  let isDrawn = false;
  let lastStatus: BatchStatus | undefined;
  const clear = (): string => (isDrawn ? '\x1b[1A\x1b[2K' : '');
  return {
    draw(s, force = false) {
      lastStatus = s;
      const now = Date.now();
      if (!force && now - lastMs < 100) return;
      lastMs = now;
      io.err(`${clear()}${fitToTerminal(formatStatusLine(s), process.stderr.columns)}`);
      isDrawn = true;
    },
    line(text) {
      io.err(`${clear()}${text}`);
      isDrawn = false;
      if (lastStatus) this.draw(lastStatus, true);
    },
  };
}

/** `cutout batch`. */
export const batchCommand: CliCommand = {
  name: 'batch',
  summary: 'batch export folders of pictures (or videos) with resume and a report',
  usage: `cutout batch IN... -o OUT [--mode portrait|anime|idphoto|sticker] [-r|--recursive] [--name TEMPLATE]
       [--format png|jpg|webp|gif|apng|webm] [--bg transparent|white|'#438EDB'|PICTURE] [--mask] [--refine off|fast|full] [--model ID]
       [--spec ID [--kb MIN-MAX] [--brightness auto|EV] [--turn auto|90|180|270] [--sheet 6inch|5inch|5r|a4|a5|letter|WxH --dpi 300]] [--preset line|telegram|discord|wechat] [--fps N] [--max-side PX] [--colors N] [--dither none|ordered] [--matte '#FFFFFF'] [--ext jpg,png] [-j|--jobs N] [--resume] [--retry-failed] [--quality 1-100] [--provider auto|cpu|...] [--threads N] [-q|--quiet]
  IN: files and folders. The input tree is mirrored under OUT (OUT inside IN is never scanned).
  --mode: portrait when not given.
  -q: only the summary and the files to look at (failed, off their spec, needing a look, with a note).
  --name: the output name without extension, from {name} {ext} {mode} {spec} {bg} {index}; default
  per mode, as in the app: '{name}_cutout', '{name}_anime', '{name}_{spec}' (ID photos), '{name}_sticker',
  so two modes' runs into one OUT keep each other's files. --bg PICTURE (an image file) puts every cut-out on that picture,
  scaled to cover and centred ({bg} is then its name). --mask (portrait, anime) writes each cut-out's matte alone, a greyscale
  PNG named '{name}_mask' by default. Hidden and system files are skipped. --format: png, jpg or webp
  (stickers: gif, webp, apng or webm). --refine defaults to fast, and to full for ID photos. ID photos: --spec
  defaults to icao-35x45; each photo's failed checks are said and listed in report.csv's spec column;
  --kb MIN-MAX: the file size band the photos are made to (as \`cutout idphoto --kb\`); --brightness
  auto mends only the photos whose face is too dark or too light for the face brightness check (each
  such photo's note says the EV it took), --brightness EV lightens or darkens every photo, -2 to 2
  (a darkening as --brightness=-1); --turn auto stands up each picture lying on its side or upside
  down with no orientation tag (each such photo's note says how it was turned; without it, such a
  picture fails with FACE_NOT_UPRIGHT), --turn 90|180|270 turns every picture clockwise. Stickers: --preset
  fits each to a chat platform (its format: LINE and Discord APNG, Telegram WebM, WeChat GIF), --fps and
  --max-side, --colors, --dither and --matte as \`cutout sticker\` takes them.
  --resume skips the inputs done before into OUT with the same options and not changed since (by
  OUT's journal, .cutout-batch.jsonl; if it was deleted, by OUT/report.json and the file being no
  newer than its output); --retry-failed redoes only the inputs that failed last time. Neither tries
  again a file that failed for what it is (damaged, no face or several, no video) while it and the
  options stay the same: it is listed as failed.
  OUT/report.json and OUT/report.csv list every input of the run.
  --jobs: files at work at once (default: the cores, at most 4; stickers at most 2, each holds its frames).
  Exit code: 0 all done or skipped, 1 some failed (or, with --retry-failed, some were never done:
  --resume makes them; or OUT holds no earlier batch to retry), 3 none failed but some ID photos
  fail their spec, 2 a wrong command line, 130 cancelled with Ctrl+C (143 stopped with kill; run
  again with --resume).`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        mode: { type: 'string', default: 'portrait' },
        recursive: { type: 'boolean', short: 'r', default: false },
        name: { type: 'string' },
        format: { type: 'string' },
        bg: { type: 'string' },
        refine: { type: 'string' },
        model: { type: 'string' },
        spec: { type: 'string' },
        kb: { type: 'string' },
        brightness: { type: 'string' },
        turn: { type: 'string' },
        sheet: { type: 'string' },
        dpi: { type: 'string' },
        ext: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        resume: { type: 'boolean', default: false },
        'retry-failed': { type: 'boolean', default: false },
        quality: { type: 'string' },
        preset: { type: 'string' },
        fps: { type: 'string' },
        'max-side': { type: 'string' },
        colors: { type: 'string' },
        dither: { type: 'string' },
        matte: { type: 'string' },
        mask: { type: 'boolean', default: false },
        ...ENGINE_FLAGS,
        quiet: { type: 'boolean', short: 'q', default: false },
      },
    });
    if (positionals.length === 0) throw new UsageError(`No inputs. Usage: ${this.usage}`);
    checkInputs(positionals);
    values.out = outFlag(values.out, 'OUT (the output folder)');
    // Any case, as --format takes it.
    const mode = choiceFlag(values.mode, 'mode', MODES, `one of ${Object.keys(MODES).join(', ')}`)!;
    const what = mode === 'sticker' ? 'sticker' : 'cut-out';
    /** How one of them is touched up from the command line (a batch takes no --trimap). */
    const oneFileHint = `one file at a time: \`cutout ${mode} FILE -o OUT.${mode === 'idphoto' ? 'jpg' : 'png'} --trimap TRIMAP.png\``;
    const refine = values.refine === undefined ? undefined : refineFlag(values.refine);
    const format = choiceFlag(values.format, 'format', FORMATS, 'png, jpg, webp, gif, apng or webm');
    const quality = qualityFlag(values.quality);
    const jobs = intFlag(values.jobs, 'jobs', undefined, { min: 1, max: 64 }) ?? defaultJobCount();
    const env = envFromFlags(values);
    const extensions = values.ext?.split(',').map((e) => e.trim().replace(/^\./, '').toLowerCase()).filter(Boolean);
    // `--ext ''` took nothing, exited 0 and said the folder's .jpg files were "not a picture type this mode takes".
    if (extensions?.length === 0) throw new UsageError('--ext names no extension: give one or more, as --ext jpg,png, or leave it out for the types the mode takes');

    // A flag the mode does not use is refused, not taken unsaid (the sticker ran as without it).
    const unused = mode === 'sticker' ? (['bg', 'refine', 'quality'] as const).find((f) => values[f] !== undefined) : mode === 'idphoto' ? (values.model !== undefined ? 'model' : undefined) : undefined;
    if (unused) throw new UsageError(`--${unused} is not used by --mode ${mode}${unused === 'model' ? ': ID photos are cut out with the person model their checks are measured with' : ''}`);
    if (mode !== 'idphoto' && values.spec !== undefined) throw new UsageError('--spec goes with --mode idphoto');
    await checkModelFlag(env, values.model, mode === 'sticker' ? ['anime', 'person'] : []);
    let extra: Record<string, unknown> | undefined;
    let spec = values.spec;
    if (mode === 'idphoto') {
      const library = await SpecLibrary.load(specLibraryPath(), []);
      const listed = checkedAsUsage(() => library.get(values.spec ?? 'icao-35x45'));
      // --kb: the file size band the photos are made to (idphoto's), in place of the spec's own.
      const kb = kbFlag(values.kb);
      const resolved = withFileSizeBand(listed, kb);
      spec = resolved.id;
      // A colour (a picture or transparency is refused before any file starts, as the spec is).
      if (values.bg) checkedAsUsage(() => idPhotoBackground(values.bg, resolved));
      // A print sheet per photo, beside it as <name>_sheet.<ext> (paper and dpi are checked before any file starts).
      const sheetDpi = intFlag(values.dpi, 'dpi') ?? 300;
      // A paper or dpi the sheet does not take, or a paper the photo does not fit on, is a wrong
      // command line, said before OUT is made (a paper too small was found on every file, its photo written).
      // (A sheet is the photo's file type: a raster.)
      if (values.sheet) checkedAsUsage(() => checkPhotoSheet(resolved, { paper: values.sheet!, dpi: sheetDpi, format: 'png' }));
      const brightness = values.brightness === undefined ? undefined : checkedAsUsage(() => parseBrightness(values.brightness, '--brightness'));
      const turn = values.turn === undefined ? undefined : checkedAsUsage(() => parseTurn(values.turn, '--turn'));
      extra = idPhotoBatchExtra(resolved, values.sheet ? { paper: values.sheet, dpi: sheetDpi } : undefined, brightness, turn);
    } else if (values.sheet || values.kb || values.brightness || values.turn) {
      throw new UsageError(`--${values.sheet ? 'sheet' : values.kb ? 'kb' : values.brightness ? 'brightness' : 'turn'} goes with --mode idphoto`);
    }
    const background = values.bg ? checkedAsUsage(() => parseBackground(values.bg!)) : undefined;
    if (values.mask) {
      if (!isCutoutMode(mode)) throw new UsageError('--mask goes with --mode portrait or anime');
      // The matte alone: no background, a PNG (refused before any file starts).
      checkMaskFlags(background, format, values.quality);
      extra = { mask: true };
    }
    if (mode === 'sticker') {
      // Only what was asked (an empty extra would change the options' hash: a resume redid every clip).
      // A platform sets its own size: --max-side is not used then (nor kept, so a resume is not told it changed).
      const maxSidePx = intFlag(values['max-side'], 'max-side');
      // --dither none is the default: left out, so a resume of a run without it skips what that made.
      const dither = ditherFlag(values.dither);
      const sticker = Object.entries({
        preset: values.preset,
        fps: numberFlag(values.fps, 'fps'),
        maxSidePx: values.preset === undefined ? maxSidePx : undefined,
        maxColors: intFlag(values.colors, 'colors'),
        dither: dither === 'none' ? undefined : dither,
        matte: colourFlag(values.matte, 'matte'),
      }).filter(([, v]) => v !== undefined);
      if (sticker.length > 0) extra = Object.fromEntries(sticker);
    } else {
      for (const flag of ['preset', 'fps', 'max-side', 'colors', 'dither', 'matte'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --mode sticker`);
    }
    // A file type the mode does not write (or a sticker platform does not: LINE is APNG), and sticker
    // options out of range, are a wrong command line (exit 2), said before any file starts.
    const writes = checkedAsUsage(() => batchFormatOf(getBatchMode(mode), format, extra));
    const stickerOptions = mode === 'sticker' ? { ...(extra as StickerOptions | undefined), format: isStickerFormat(writes) ? writes : undefined } : undefined;
    if (stickerOptions) {
      checkedAsUsage(() => validateStickerOptions(stickerOptions));
      // As \`cutout sticker\` says them.
      if (stickerOptions.preset && values['max-side'] !== undefined) io.err(`note: ${presetSizeText(stickerOptions.preset, '--max-side')}`);
      const fpsCap = isStickerFormat(writes) ? gifFpsCapText(stickerOptions, writes) : undefined;
      if (fpsCap) io.err(`note: ${fpsCap}`);
      const unused = isStickerFormat(writes) ? unusedPaletteFlagsText(stickerOptions, writes) : undefined;
      if (unused) io.err(`note: ${unused}`);
    }
    if (values.dpi !== undefined && !values.sheet) throw new UsageError('--dpi is the print sheet\'s: it goes with --sheet (the photo has its spec\'s dpi)');
    // A name template the run would refuse, and OUT being an input folder, are a wrong command line
    // (exit 2, said before the run; they read as the run's errors, exit 1).
    if (values.name !== undefined) checkedAsUsage(() => validateNameTemplate(values.name!, mode));
    await assertOutputFolderNotAnInput(positionals, values.out).catch((error: unknown) => {
      throw asUsage(error);
    });
    // No input there at all (a mistyped path): said before anything is made. It made OUT and a
    // report of one failure. (A link to a file that is gone is there: its row says where it led.)
    // (One behind a folder this account may not enter is there: its row says it cannot be read.)
    const missing = await Promise.all(positionals.map((path) => lstat(path).then(() => false, (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ENOTDIR')));
    if (missing.every(Boolean)) {
      throw new AppError('INPUT_NOT_FOUND', `No such file or folder: ${positionals.join(', ')}. Check the ${positionals.length === 1 ? 'path' : 'paths'}; nothing was written`, { detail: { paths: positionals } });
    }
    const bar = io.isTty && !values.quiet ? makeTtyBar(io) : undefined;
    let isProviderSaid = false;
    /** A file's line: above the bar on a terminal, else on stderr. */
    const say = (line: string): void => (bar ? bar.line(line) : io.err(line));
    let lastPlainMs = 0;
    // Clips made as drawn (no --fps): the report's note names no CLI flag, so the way to a steady rate is said once here.
    let madeAsDrawn = 0;
    try {
      const summary = await runBatch(
        positionals,
        values.out,
        {
          mode,
          recursive: values.recursive,
          extensions,
          nameTemplate: values.name,
          format,
          background,
          refine,
          modelId: values.model,
          spec,
          extra,
          jobs,
          resume: values.resume,
          retryFailed: values['retry-failed'],
          quality,
        },
        env,
        {
          signal: io.signal,
          // Said at the start (it was said at the end, which a Ctrl+C before it never reached, and
          // a second run without --resume wrote everything again unsaid), even with -q.
          onPlanned: ({ redoneSame }) => {
            if (redoneSame > 0) say(`note: ${redoneSame === 1 ? '1 file' : `${redoneSame} files`} of this batch ${redoneSame === 1 ? 'was' : 'were'} done before into ${values.out} with these options, and ${redoneSame === 1 ? 'is' : 'are'} made again: stop it (Ctrl+C) and add --resume to skip ${redoneSame === 1 ? 'it' : 'them'}`);
          },
          onStatus: (s) => {
            if (bar) return bar.draw(s, s.finished === s.total);
            // Non-TTY: a plain status line at most every 5 s (per-file lines carry the rest).
            const now = Date.now();
            if (!values.quiet && s.filesPerSec > 0 && now - lastPlainMs >= 5000) {
              lastPlainMs = now;
              io.err(`progress ${s.finished}/${s.total} ${formatRate(s.filesPerSec)} ETA ${s.etaMs === undefined ? '--:--' : formatDuration(s.etaMs)}`);
            }
          },
          onFile: ({ entry }) => {
            // As the first file made says it (a provider asked for that could not start: the run
            // went on on the CPU, unsaid), even with -q.
            if (!isProviderSaid && entry.status === 'done' && entry.provider) {
              isProviderSaid = true;
              noteProviderFallback({ err: say }, values.provider, entry.provider);
            }
            let text: string | undefined;
            const note = entry.note ? ` (${entry.note})` : '';
            if (entry.notes?.some((n) => n.kind === 'drawingRate')) madeAsDrawn++;
            const specFailures = entry.specFailures ?? [];
            if (entry.status === 'failed') {
              const stale = entry.staleOutput ? ` (${entry.staleOutput}, made by an earlier run of the file as it was then, is still there)` : '';
              text = `failed  ${entry.input}: ${entry.code}: ${entry.message}${entry.failedBefore ? ' (as before: not tried again)' : ''}${stale}`;
            }
            // Said even with -q or the bar: the photo was written but does not meet its spec.
            else if (specFailures.length > 0) text = `fails   ${entry.input} -> ${entry.output}: fails its spec: ${specFailures.map(failedCheckWords).join('; ')}${entry.status === 'skipped' ? ' (done before)' : ''}`;
            // What to do with them is said once, under the count at the end (each line said it: 48
            // lines of 300 characters with -q), but for one where nothing was found (the other mode
            // may find it); one done before, with -q or the bar, only counted there.
            else if (entry.needsReview && !(entry.status === 'skipped' && (values.quiet || bar))) {
              const emptyOf = entry.isEmpty ? (mode === 'anime' ? 'anime' : 'person') : undefined;
              const said = emptyOf ? reviewText(entry.unsureShare!, what, emptyOf, oneFileHint) : reviewShareText(entry.unsureShare!, what);
              text = `check   ${entry.input} -> ${entry.output}: ${said}${note}${entry.status === 'skipped' ? ' (done before)' : ''}`;
            }
            // A done file with a note is said even with -q or the bar, like a file to check; so is
            // one done before, whose note its journal kept (a resumed run said only "skipped").
            else if (entry.status === 'done' && note) text = `done    ${entry.input} -> ${entry.output}${note}`;
            else if (entry.status === 'skipped' && entry.doneBefore && entry.note) text = `skipped ${entry.input} -> ${entry.output} (${entry.reason}; ${entry.note})`;
            else if (values.quiet || bar) text = undefined;
            else if (entry.status === 'done') text = `done    ${entry.input} -> ${entry.output}`;
            else if (entry.status === 'skipped') text = `skipped ${entry.input} (${entry.reason})`;
            if (!text) return;
            // One line a file: a name with a line break in it is shown with it escaped (its line broke in two).
            text = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
            say(text);
          },
        },
      );
      const notDone = summary.stoppedBy && summary.cancelled > 0 ? `, ${summary.cancelled} not done` : '';
      const reportSaid = summary.reportError ? ` No report: ${summary.reportError.message}` : summary.reportJson ? ` Report: ${summary.reportJson}` : '';
      io.out(`${summary.done} done, ${summary.skipped} skipped, ${summary.failed} failed${notDone} of ${summary.total} in ${formatDuration(summary.elapsedMs)}${summary.filesPerSec > 0 ? ` (${formatRate(summary.filesPerSec, 2)})` : ''}.${reportSaid}`);
      if (summary.keptReportCsv) io.out(`The report of the earlier batch of another mode in ${summary.outputDir} is kept as ${basename(summary.keptReportCsv)} (and .json)`);
      // A full disk stops the run (each file after it would be made whole and fail the same way).
      if (summary.stoppedBy) {
        const n = summary.cancelled;
        const rest = n === 0 ? 'It was the last file' : `${n === 1 ? '1 file was' : `${n} files were`} not done`;
        io.err(`STOPPED: ${summary.stoppedBy.code}: ${summary.stoppedBy.message} ${rest}: once there is room (or with another -o), run the same command with --resume.`);
      }
      // An empty run is most likely a wrong folder or mode: said, not just "0 of 0".
      if (summary.total === 0) {
        const what = values.ext ? `files of the types --ext ${values.ext} names` : summary.mode === 'sticker' ? 'videos' : 'pictures';
        io.err(`nothing to do: no ${what} found in ${positionals.join(', ')}${values.recursive ? '' : ' (sub-folders are read with -r)'}; nothing was written`);
      }
      // (Where the report could not be written, it is not pointed to.)
      if (summary.toReview > 0) io.out(`${summary.toReview === 1 ? `1 ${what} needs` : `${summary.toReview} ${what}s need`} a look${summary.reportError ? '' : ' (needs_review in report.csv)'}: ${reviewHint(what, summary.toReview, oneFileHint)}`);
      if (summary.leftOut > 0) {
        const why = values.ext ? `not of the types --ext ${values.ext} asks for` : `not a ${summary.mode === 'sticker' ? 'video' : 'picture'} type this mode takes (--ext sets the extensions)`;
        io.out(`${summary.leftOut === 1 ? '1 other file' : `${summary.leftOut} other files`} in the folders left out (${leftOutTypesText(summary.leftOutTypes, 'with no extension')}): ${why}`);
      }
      if (summary.besideOthers > 0) {
        io.out(`${summary.besideOthers === 1 ? '1 output was' : `${summary.besideOthers} outputs were`} named beside a file already there that this batch did not make of that input (NAME-2): a batch writes over no such file. Old outputs whose journal (.cutout-batch.jsonl) and reports were deleted look so: remove them, or use another output folder`);
      }
      if (summary.replacedOther > 0) {
        io.out(`${summary.replacedOther === 1 ? '1 file made before with other options was' : `${summary.replacedOther} files made before with other options were`} written over (the names do not change with the options): to keep both sets, use another output folder or put {bg} or {spec} in --name`);
      }
      if (summary.failedBefore > 0) {
        const n = summary.failedBefore;
        io.out(`${n === 1 ? '1 file' : `${n} files`} failed before with the same file and options and ${n === 1 ? 'was' : 'were'} not tried again: change the file or the options, or run without --resume / --retry-failed to try ${n === 1 ? 'it' : 'them'}`);
      }
      // A folder placed in a sub-folder (several in the run, or others' outputs already at the top): where its outputs are.
      for (const place of summary.folderPlaces.filter((p) => p.rel)) io.out(`${place.input} -> ${join(summary.outputDir, ...place.rel.split('/'))}${sep}`);
      // Sub-folders not read without -r: said with their names (they were skipped unsaid).
      if (summary.notSearched.length > 0) {
        const n = summary.notSearched.length;
        io.out(`${n === 1 ? '1 sub-folder was' : `${n} sub-folders were`} not searched (-r reads them): ${summary.notSearched.map((d) => basename(d)).join(', ')}`);
      }
      if (summary.leftOutFolders.length > 0) {
        const n = summary.leftOutFolders.length;
        io.out(`${n === 1 ? '1 folder' : `${n} folders`} left out, holding an earlier batch's outputs: ${summary.leftOutFolders.join(', ')}`);
      }
      if (madeAsDrawn > 0) io.out(`${madeAsDrawn === 1 ? '1 clip was' : `${madeAsDrawn} clips were`} made as drawn (the note says so): --fps N makes every clip at a steady rate`);
      // What to do next (it said only where the checks are): each photo is written all the same.
      if (summary.specFailed > 0) io.out(`${summary.specFailed === 1 ? '1 ID photo fails its spec' : `${summary.specFailed} ID photos fail their spec`} (the checks each fails: spec in report.csv): ${summary.specFailed === 1 ? 'it is' : 'they are'} written all the same; look at ${summary.specFailed === 1 ? 'it' : 'them'} before use, or use another photo of that person`);
      // Not made, and not failures to retry (a cancel stopped before them): the batch is not complete.
      if (summary.neverDone > 0) io.err(`${summary.neverDone === 1 ? '1 file was' : `${summary.neverDone} files were`} never done, so there was no failure of ${summary.neverDone === 1 ? 'it' : 'theirs'} to retry: run the same command with --resume to make ${summary.neverDone === 1 ? 'it' : 'them'}`);
      // The files are made and journalled; only the report is missing.
      if (summary.reportError && !summary.stoppedBy) io.err(`The files made are kept: once the report can be written there, run the same command with --resume to write it without making them again.`);
      return summary.failed > 0 || summary.neverDone > 0 || summary.stoppedBy || summary.reportError ? 1 : summary.specFailed > 0 ? 3 : 0;
    } catch (error) {
      // Said once, with what to do next (not again as a bare "Cancelled" by the entry point).
      if (isCancellation(error)) {
        // How far it got, from the report the cancelled run wrote.
        const summary = (await readReport(values.out!))?.summary;
        const counts = summary?.isCancelled ? ` after ${summary.done} done, ${summary.skipped} skipped, ${summary.failed} failed of ${summary.total} (${summary.cancelled} not done)` : '';
        io.err(`CANCELLED${counts}: finished files are kept; run the same command with --resume to continue. Report: ${(error as Partial<CancelledError>).leftBehind ? ((error as CancelledError).leftBehind as CancelledBatch).reportJson : join(values.out!, 'report.json')}`);
        return 130;
      }
      throw error;
    }
  },
};
