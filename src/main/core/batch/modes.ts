// Mode dispatch of batch export: each mode is three stages (decode / infer / finish) that the
// batch pipeline runs with bounded queues between them. Adding a mode = one handler here.
// Core (no electron).
import { AppError } from '../../../shared/errors';
import type { Background, FileNote, FinishedFile, RefineMode } from '../../../shared/jobs';
import type { CoreEnv } from '../env';
import { throwIfAborted } from '../abort';
import { fitBackground } from '../image/background';
import { decodeToWorkOn, workingPixelsOf, type DecodedImage, type RgbaImage } from '../image/decode';
import { getSession } from '../inference/session';
import { assertNotAnInput, writeFileAtomic } from '../io/atomic-write';
import { withFileReader } from '../io/read-head';
import { apngFrameCount } from '../image/png-chunk';
import { reviewOf, verdictOf } from '../matting/unsure-share';
import { animatedInputText, checkMaskOptions, downscaledInputText, encodeCutout, downscaledOf, isAnimationClip, isMaskAsked, resolveMaskModel } from '../pipelines/cutout';
import { runMaskModel, type MaskResult } from '../segment/mask-model';
import { failedChecks } from '../idphoto/compliance';
import { runIdPhotoJob } from '../idphoto/id-photo-job';
import { checkPhotoSheet, sheetPathOf } from '../idphoto/print-sheet';
import { parseSpec } from '../idphoto/spec';
import { chatSizeText, checkPresetFormat, cutShortFileText, decodeErrorsText, drawingRateText, emptyEndsText, makeSticker, noSubjectText, pastEndText, presetLengthText, resolveStickerModel, stoppedShortText, validateStickerOptions, wholeSecondsText } from '../sticker/make-sticker';
import { isStickerFormat, STICKER_FORMATS } from '../../../shared/sticker-presets';
import { findPlatformPreset } from '../sticker/presets';
import { evText, isCutoutMode, parseBrightness, parseTurn, stickerSpansOf, turnedText, type BrightnessSetting, type IdPhotoTurn, type StageSpans, type StickerJobOptions, type Subject } from '../../../shared/jobs';
import type { ProgressSink } from '../progress';
import type { RefinePool } from './refine-pool';
import type { BatchFormat, BatchModeId, BatchOptions } from './types';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../../../shared/media';
import { ownValue } from '../../../shared/own';

/** What a mode's stages get: the resolved options, the env (threads set per batch) and the refine pool. */
export interface ModeContext {
  options: Required<Pick<BatchOptions, 'mode'>> & BatchOptions & { background: Background; refine: RefineMode; format: BatchFormat };
  /** A picture background, decoded once by runBatch (modes whose `background` is 'picture'). */
  picture?: RgbaImage;
  env: CoreEnv;
  pool: RefinePool;
  signal?: AbortSignal;
}

/**
 * The stages of one batch run of a mode. decode runs up to `jobs` at once; infer runs one at a
 * time on the shared session; finish (refine, encode, write) runs up to `jobs` at once and must
 * write its output atomically.
 */
export interface ModeStages<Decoded = unknown, Inferred = unknown> {
  decode(input: string): Promise<Decoded>;
  infer(decoded: Decoded): Promise<Inferred>;
  /**
   * Cut-out and sticker modes resolve to the review (report.json's unsureShare / needsReview), and
   * may add a note. `onProgress` hears the file's own steps (modes with fileProgressAs).
   */
  finish(inferred: Inferred, output: string, onProgress?: ProgressSink): Promise<FinishedFile | void>;
}

/** One batch mode: what it reads and writes, and how it starts a run. */
export interface BatchModeHandler {
  id: BatchModeId;
  inputExtensions: readonly string[];
  formats: readonly BatchFormat[];
  defaultFormat: BatchFormat;
  /**
   * The most files of this mode at work at once, whatever `jobs` says. A sticker holds all its
   * frames in memory while it is made (1.8 GB measured for 360 frames at 512 × 384 px). A second
   * one at once overlaps one's decoding and encoding with the other's inference (6 eval clips on 2
   * cores: 27 s against 30 s); each further one adds its frames to memory.
   */
  maxJobs?: number;
  /**
   * The stage spans (shared/jobs.ts jobFraction) that turn a file's progress into how far it is, so
   * the batch's bar moves inside a long file: a sticker's made to a preset its own
   * (stickerSpansOf). Absent: a file counts when it ends (ID photos take a second or two).
   */
  fileProgressAs?: (options: BatchOptions) => StageSpans;
  /** Whether the mode uses the refine worker pool. */
  usesRefinePool: boolean;
  /** Whether its outputs are encoded with options.quality (as JPEG / WebP): the resume hash holds it then (hashedQuality). */
  usesQuality?: boolean;
  /** The backgrounds it takes: a colour or a picture (cut-outs), a colour only (ID photos); none: ignored. */
  background?: 'picture' | 'colour';
  /**
   * The first stage that does real work: a file starts (its clock starts; pause holds it before
   * this and every later stage, and "current" lists it while it is inside one) when it enters this
   * stage. Whole-file modes pass through decode and infer.
   */
  firstWorkStage: 'decode' | 'finish';
  /**
   * Bumped when a change to the mode changes its outputs (stickers: 2, since small subjects are
   * worked on at a larger size; 3, a GIF's inside no longer blended with the matte and a WebP's
   * canvas transparent; 4, a clip on threes at its drawing rate; 5, a clip that holds its drawings made
   * as drawn, unevenly held ones too; 6, an APNG as drawn within LINE's 20 frames, budgets in 1000-byte
   * KB and Discord's at 500, no sticker past its preset's longest; 7, a drawing held while only the
   * background moves; 8, a GIF's and a palette APNG's colours mapped alike in every frame; ID photos: 2, a head cut flat by the source fails, and a tight photo's head
   * is the smallest that fits; cut-outs: 1, a 4:2:0 picture's edge without the background's hue,
   * as `cutout portrait` makes it), so --resume redoes that mode's old outputs (and verdicts) only.
   */
  outputVersion?: number;
  /** Files written beside an output (an ID photo's print sheet): a plan passes over a name whose companion is someone else's file. */
  companionsOf?(output: string, options: BatchOptions): string[];
  /**
   * The pixels an input will be worked on at (workingPixelsOf), for the batch's memory bound; modes
   * without it are not weighed. 0 when it cannot be read (the decode then says why).
   */
  weighInput?(input: string, maxPixels: number): Promise<number>;
  /** Once per batch: resolves models, warms the session, validates mode options. Throws to stop the batch. */
  start(mctx: ModeContext): Promise<ModeStages>;
  /** A folder's file of a type not in inputExtensions that it takes by what it holds (ScanOptions.takesByContent). */
  takesByContent?(path: string, extension: string): Promise<boolean>;
}

interface MaskInferred {
  image: DecodedImage;
  mask: MaskResult;
}

/** A note in English: report.csv, the CLI's line and the journal's `note` (the UI words `notes` itself). */
function fileNoteText(n: FileNote): string {
  switch (n.kind) {
    case 'animated':
      return animatedInputText(n.frames, n.isClip);
    case 'downscaled':
      return `a picture of ${downscaledInputText(n)}`;
    case 'firstPart':
      return `the clip's first ${n.seconds.toFixed(2)} s only: a sticker holds at most ${n.frames} frames here`;
    case 'presetLength':
      return presetLengthText(n.preset, n.seconds, `another part is made with \`cutout sticker CLIP -o OUT --preset ${n.preset} --start T\``);
    case 'pastEnd':
      return pastEndText(n.seconds);
    case 'wholeSeconds':
      return wholeSecondsText(n.preset, n.fromS, n.playedS);
    case 'emptyEnds':
      return emptyEndsText(n);
    case 'stoppedShort':
      return stoppedShortText(n.seconds);
    case 'cutShortFile':
      return cutShortFileText(n.seconds);
    case 'decodeErrors':
      return decodeErrorsText(n.count);
    case 'chatSize':
      return chatSizeText(n.bytes, n.format);
    case 'drawingRate':
      return drawingRateText(n, n.leftOut);
    case 'autoBrightness':
      return `brightness auto: ${evText(n.ev)} for a face the face brightness check found too ${n.ev > 0 ? 'dark' : 'light'}`;
    case 'autoTurn':
      return `${turnedText(n.deg)}: the picture lay ${n.deg === 180 ? 'upside down' : 'on its side'}`;
    case 'clothesCarried':
      return `the clothes carried on ${n.mm} mm past the picture, which ends at the shoulders or chest closer than the size needs`;
  }
}

/** A done file's notes: as data, and as the one English sentence made from them. */
function withNotes(notes: FileNote[]): Pick<FinishedFile, 'note' | 'notes'> {
  return notes.length ? { note: notes.map(fileNoteText).join('; '), notes } : {};
}

/**
 * Portrait / anime cut-out: the same steps as pipelines/cutout.ts, split into pipeline stages;
 * with options.extra.mask, the matte alone as a greyscale PNG (CutoutOptions.mask).
 */
function makeCutoutMode(id: 'portrait' | 'anime'): BatchModeHandler {
  const subject = id === 'portrait' ? 'person' : 'anime';
  return {
    id,
    inputExtensions: IMAGE_EXTENSIONS,
    formats: ['png', 'webp', 'jpeg'],
    defaultFormat: 'png',
    usesRefinePool: true,
    outputVersion: 1,
    fileProgressAs: () => 'cutout',
    usesQuality: true,
    background: 'picture',
    firstWorkStage: 'decode',
    weighInput: workingPixelsOf,
    async start(mctx) {
      const { options, env, pool, picture, signal } = mctx;
      const session = { provider: env.provider, threads: env.threads };
      const model = await resolveMaskModel(env, subject, options.modelId);
      await getSession(model.path, session);
      // A cut-out mode writes png, jpeg or webp only (batchFormatOf refuses the others before any work).
      const format = options.format === 'jpeg' || options.format === 'webp' ? options.format : 'png';
      // A picture background (decoded once by runBatch) is fitted to each image.
      const background = options.background;
      // The matte alone (options.extra.mask; its background and format were checked before the batch began).
      const isMask = options.extra?.mask === true;
      const stages: ModeStages<DecodedImage, MaskInferred> = {
        decode: (input) => decodeToWorkOn(input, env.maxPixels),
        infer: async (image) => ({ image, mask: await runMaskModel(image, model, session) }),
        async finish({ image, mask }, output, onProgress) {
          // Cancel stops the refine and writes nothing (a big picture's refine takes a minute).
          const { data, unsureShare, isEmpty } = await pool.run({
            data: image.data,
            width: image.width,
            height: image.height,
            // Its colour at half resolution (a 4:2:0 JPEG) has the background's hue taken out of the
            // edge, as a single cut-out has: the batch's task left it out (df_img2's pink sign stayed
            // in the hair's edge, 2215 pixels up to 17 levels off \`cutout portrait\`'s).
            isColourSubsampled: image.isColourSubsampled,
            mask: mask.mask,
            maskW: mask.width,
            maskH: mask.height,
            mode: options.refine,
            background: background.kind === 'image' ? await fitBackground(picture!, image.width, image.height) : background,
            isAlphaOnly: isMask,
          }, { signal, onProgress });
          throwIfAborted(signal);
          onProgress?.({ stage: 'encode', done: 0, total: 1 });
          const bytes = await encodeCutout({ data, width: image.width, height: image.height }, { format, quality: options.quality, mask: isMask, dpi: image.dpi, isOnBackground: background.kind !== 'transparent' });
          throwIfAborted(signal);
          await writeFileAtomic(output, bytes, { signal });
          const downscaled = downscaledOf(image);
          const notes: FileNote[] = [
            ...(image.pages ? [{ kind: 'animated' as const, frames: image.pages, isClip: isAnimationClip(image.format) }] : []),
            ...(downscaled ? [{ kind: 'downscaled' as const, ...downscaled }] : []),
          ];
          return { ...reviewOf(unsureShare, model.entry, 'cutout', isEmpty), ...withNotes(notes), provider: mask.provider };
        },
      };
      return stages as ModeStages;
    },
  };
}

/**
 * A mode whose pipeline is one call per file (its own decode, inference and atomic write): it runs
 * in the finish stage, up to `jobs` files at once. `validate` checks the options and finds the
 * models before any file starts (a missing model failed each file in turn, as a cut-out batch's
 * is refused once).
 */
function makeWholeFileMode(
  id: BatchModeId,
  inputExtensions: readonly string[],
  formats: readonly BatchFormat[],
  validate: (mctx: ModeContext) => void | Promise<void>,
  processFile: (input: string, output: string, mctx: ModeContext, onProgress?: ProgressSink) => Promise<FinishedFile | void>,
): BatchModeHandler {
  return {
    id,
    inputExtensions,
    formats,
    defaultFormat: formats[0],
    usesRefinePool: false,
    firstWorkStage: 'finish',
    async start(mctx) {
      await validate(mctx);
      const stages: ModeStages<string, string> = {
        decode: async (input) => input,
        infer: async (input) => input,
        finish: (input, output, onProgress) => processFile(input, output, mctx, onProgress),
      };
      return stages as ModeStages;
    },
  };
}

/** The ID-photo spec object a host resolved from its spec library (core knows no resource paths). */
function idSpecOf(mctx: ModeContext): { id: string; [field: string]: unknown } {
  const spec = mctx.options.extra?.spec as { id: string; [field: string]: unknown } | undefined;
  if (!spec || typeof spec !== 'object') throw new AppError('INVALID_ARGUMENT', 'ID photo batches need a spec: --spec ID (see `cutout idphoto --list-specs`)');
  return spec;
}

/**
 * The optional print sheet of an ID-photo batch (options.extra.sheet); INVALID_ARGUMENT before any
 * file starts, also for a paper the spec's photo does not fit on (each file's photo was made and
 * written, then the file failed on it). A sheet is the photo's file type: a raster.
 */
function idSheetOf(mctx: ModeContext): { paper: string; dpi: number } | undefined {
  const sheet = mctx.options.extra?.sheet as { paper?: unknown; dpi?: unknown } | undefined;
  if (sheet === undefined) return undefined;
  if (typeof sheet !== 'object' || sheet === null || typeof sheet.paper !== 'string') throw new AppError('INVALID_ARGUMENT', 'A print sheet needs a paper (6inch, 5inch, a4, a5 or WxH in mm, cm or in)');
  checkPhotoSheet(parseSpec(idSpecOf(mctx), 'batch'), { paper: sheet.paper, dpi: sheet.dpi as number, format: 'png' });
  return { paper: sheet.paper, dpi: sheet.dpi as number };
}

/**
 * An ID-photo batch's options.extra from its spec object, print sheet and brightness: each of the
 * last two only when asked (0 EV is none), so a resume of a run without them skips what it made
 * (they are in the options' hash). The CLI and the app's batch job both make it here.
 */
export function idPhotoBatchExtra(spec: { id: string }, sheet?: { paper: string; dpi: number }, brightness?: BrightnessSetting, turn?: IdPhotoTurn): Record<string, unknown> {
  return { spec, ...(sheet ? { sheet } : {}), ...(brightness !== undefined && brightness !== 0 ? { brightness } : {}), ...(turn !== undefined && turn !== 0 ? { turn } : {}) };
}

/** The turn of an ID-photo batch's pictures (options.extra.turn: a quarter turn or 'auto'); INVALID_ARGUMENT before any file starts. */
function idTurnOf(mctx: ModeContext): IdPhotoTurn | undefined {
  const turn = mctx.options.extra?.turn;
  return turn === undefined ? undefined : parseTurn(turn);
}

/** The brightness of an ID-photo batch (options.extra.brightness: EV or 'auto'); INVALID_ARGUMENT before any file starts. */
function idBrightnessOf(mctx: ModeContext): BrightnessSetting | undefined {
  const brightness = mctx.options.extra?.brightness;
  return brightness === undefined ? undefined : parseBrightness(brightness);
}

/**
 * ID photo per input: the spec object in options.extra.spec (its id in options.spec), background
 * colour, refine, brightness (options.extra.brightness: EV, or 'auto', noted on the photos it
 * changed), and an optional print sheet per photo (options.extra.sheet: paper, dpi). The
 * journal and report name the photo and the spec checks it fails (specFailures); its sheet is
 * written (atomically) before the photo is journalled.
 */
const idPhotoMode: BatchModeHandler = {
  outputVersion: 2,
  ...makeWholeFileMode(
    'idphoto',
    IMAGE_EXTENSIONS,
    ['jpeg', 'png'],
    async (mctx) => {
      parseSpec(idSpecOf(mctx), 'batch');
      idSheetOf(mctx);
      idBrightnessOf(mctx);
      idTurnOf(mctx);
      // The face detector, the landmarks and the person model (analyseFace, analyseIdPhoto).
      await mctx.env.store.resolve('yunet');
      await mctx.env.store.resolve('pfld-98');
      await resolveMaskModel(mctx.env, 'person');
    },
    async (input, output, mctx) => {
      const { options, env, signal } = mctx;
      const background = options.background.kind === 'color' ? options.background.hex : undefined;
      const sheetOptions = idSheetOf(mctx);
      const sheet = sheetOptions ? { ...sheetOptions, output: sheetPathOf(output) } : undefined;
      if (sheet) await assertNotAnInput(sheet.output, [input]);
      const brightness = idBrightnessOf(mctx);
      const turn = idTurnOf(mctx);
      const { report, brightnessEv, turnDeg, provider } = await runIdPhotoJob(input, output, { spec: idSpecOf(mctx), background, refine: options.refine, brightnessEv: brightness, turn, ...(sheet ? { sheet } : {}) }, env, { signal }).catch((error: unknown) => {
        // A batch has no face to pick: said where one is picked.
        if (error instanceof AppError && error.code === 'MULTIPLE_FACES') error.message += ' Pick the face in the ID photo workspace, or with `cutout idphoto --face N`.';
        throw error;
      });
      // Written either way; the report, the CLI and the UI list say which checks it fails.
      const carried = report.measurements.bodyCarriedMm?.value;
      const notes: FileNote[] = [
        ...(turn === 'auto' && turnDeg !== 0 ? [{ kind: 'autoTurn' as const, deg: turnDeg }] : []),
        ...(brightness === 'auto' && brightnessEv !== 0 ? [{ kind: 'autoBrightness' as const, ev: brightnessEv }] : []),
        ...(carried ? [{ kind: 'clothesCarried' as const, mm: carried }] : []),
      ];
      return { specFailures: failedChecks(report), ...withNotes(notes), provider };
    },
  ),
  companionsOf: (output, options) => (options.extra?.sheet ? [sheetPathOf(output)] : []),
  background: 'colour',
  weighInput: workingPixelsOf,
};

/**
 * Sticker per video: `extra` carries StickerJobOptions (size, fps, preset, ...); format gif, webp,
 * apng (true alpha, as LINE and Discord take) or webm (VP9 with alpha, as Telegram takes).
 * Its review (the median frame's unsure share) goes to the report like a cut-out's; a video longer
 * than one sticker holds is made of its first part, with a note saying so.
 */
const stickerMode: BatchModeHandler = {
  fileProgressAs: (options) => stickerSpansOf(options.extra as StickerJobOptions | undefined),
  // A LINE sticker is an APNG named .png: a folder of them is taken, its still pictures are not.
  takesByContent: async (path, extension) => extension === 'png' && ((await withFileReader(path, apngFrameCount).catch(() => null)) ?? 0) > 1,
  ...makeWholeFileMode(
    'sticker',
    VIDEO_EXTENSIONS,
    STICKER_FORMATS,
    async (mctx) => {
      const options = stickerOptionsOf(mctx);
      validateStickerOptions(options);
      await resolveStickerModel(mctx.env, options.model);
    },
    async (input, output, mctx, onProgress) => {
      const options = stickerOptionsOf(mctx);
      const { review, cutToS, presetCutToS, pastEndToS, wholeSecondsFromS, delaysMs, emptyEndsS, endsAtS, cutShortAtS, decodeErrors, drawing, drawingsLeftOut, provider, bytes, format, chatLimitBytes } = await makeSticker(input, output, options, mctx.env, { signal: mctx.signal, onProgress }).catch((error: unknown) => {
        // Another part and Keep strokes are given one clip at a time (the batch takes neither: its
        // line named them as if it did); the other model is the batch's --model.
        if (error instanceof AppError && error.code === 'NO_SUBJECT') {
          const { frames, subject } = error.detail as { frames: number; subject: Subject };
          error.message = noSubjectText(subject, frames, true);
        }
        throw error;
      });
      // The median frame's verdict only: the per-frame list stays out of the journal and report.
      const notes: FileNote[] = [
        ...(cutToS === undefined ? [] : [{ kind: 'firstPart' as const, seconds: cutToS, frames: review.frames.length }]),
        ...(presetCutToS === undefined ? [] : [{ kind: 'presetLength' as const, seconds: presetCutToS, preset: options.preset ?? '' }]),
        ...(pastEndToS === undefined ? [] : [{ kind: 'pastEnd' as const, seconds: pastEndToS }]),
        ...(wholeSecondsFromS === undefined ? [] : [{ kind: 'wholeSeconds' as const, fromS: wholeSecondsFromS, playedS: Math.round(delaysMs.reduce((a, b) => a + b, 0) / 1000), preset: options.preset ?? '' }]),
        ...(emptyEndsS === undefined ? [] : [{ kind: 'emptyEnds' as const, ...emptyEndsS }]),
        ...(endsAtS === undefined ? [] : [{ kind: 'stoppedShort' as const, seconds: endsAtS }]),
        ...(cutShortAtS === undefined ? [] : [{ kind: 'cutShortFile' as const, seconds: cutShortAtS }]),
        ...(decodeErrors === undefined ? [] : [{ kind: 'decodeErrors' as const, count: decodeErrors }]),
        ...(chatLimitBytes === undefined ? [] : [{ kind: 'chatSize' as const, bytes, format }]),
        ...(drawing === undefined ? [] : [{ kind: 'drawingRate' as const, ...drawing, ...(drawingsLeftOut ? { leftOut: drawingsLeftOut } : {}) }]),
      ];
      return { ...verdictOf(review.unsureShare, review.reviewThreshold), ...withNotes(notes), ...(provider ? { provider } : {}) };
    },
  ),
  outputVersion: 9,
  maxJobs: 2,
};

function stickerOptionsOf(mctx: ModeContext): StickerJobOptions {
  // batchFormatOf chose it (a sticker format, the platform's with a preset).
  const format = isStickerFormat(mctx.options.format) ? mctx.options.format : 'gif';
  const extra = mctx.options.extra as StickerJobOptions | undefined;
  // The batch's model (--model), as a cut-out batch takes it: a sticker batch made every clip with the anime model.
  const model = extra?.model ?? mctx.options.modelId;
  return { ...extra, format, ...(model ? { model } : {}) };
}

/** Every batch mode by id. */
export const BATCH_MODES: Record<BatchModeId, BatchModeHandler> = {
  portrait: makeCutoutMode('portrait'),
  anime: makeCutoutMode('anime'),
  idphoto: idPhotoMode,
  sticker: stickerMode,
};

/**
 * The file type a mode's outputs are written as: `format`, else a sticker platform's (`extra.preset`
 * of a sticker batch: LINE APNG, Telegram WebM), else the mode's default. INVALID_ARGUMENT for one
 * the mode does not write, or one other than the platform's.
 */
export function batchFormatOf(mode: Pick<BatchModeHandler, 'id' | 'formats' | 'defaultFormat'>, format: BatchFormat | undefined, extra?: unknown): BatchFormat {
  const presetId = mode.id === 'sticker' ? (extra as { preset?: unknown } | undefined)?.preset : undefined;
  // An unknown one is left to the mode's check of the sticker options (validateStickerOptions).
  const preset = typeof presetId === 'string' ? findPlatformPreset(presetId) : undefined;
  const chosen = format ?? preset?.format ?? mode.defaultFormat;
  // Named as --format and the help name them (it read "writes png, webp, jpeg").
  const named = (f: BatchFormat): string => (f === 'jpeg' ? 'jpg' : f);
  if (!mode.formats.includes(chosen)) throw new AppError('INVALID_ARGUMENT', `Mode ${mode.id} writes ${mode.formats.map(named).join(', ')}, not ${named(chosen)}`);
  // Masks (extra.mask): a cut-out mode's, as a PNG.
  if (isMaskAsked((extra as { mask?: unknown } | undefined)?.mask)) {
    if (!isCutoutMode(mode.id)) throw new AppError('INVALID_ARGUMENT', `Mode ${mode.id} makes no masks: masks are of cut-outs (portrait, anime)`);
    if (chosen !== 'png') checkMaskOptions({ kind: 'transparent' }, chosen);
  }
  if (preset && isStickerFormat(chosen)) checkPresetFormat(preset, chosen);
  return chosen;
}

/** The handler of a mode; INVALID_ARGUMENT for an unknown one. */
export function getBatchMode(id: string): BatchModeHandler {
  const handler = ownValue(BATCH_MODES as Record<string, BatchModeHandler>, id);
  if (!handler) throw new AppError('INVALID_ARGUMENT', `Unknown batch mode "${id}"; use ${Object.keys(BATCH_MODES).join(', ')}`);
  return handler;
}
