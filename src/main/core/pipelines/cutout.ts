// Single-image cut-out: decode -> mask model -> refine -> composite -> encode. Used by the
// `cutout portrait` / `cutout anime` commands, the engine and batch export. Core (no electron).
import { extname } from 'node:path';
import { AppError } from '../../../shared/errors';
import { formatLabel } from '../../../shared/labels';
import { didYouMean } from '../../../shared/did-you-mean';
import { megapixels, parseRefineMode, type Background, type CutoutOptions, type DownscaledInput, type MatteReview } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import { prepareBackground } from '../image/background';
import { compositeOver, type CompositeBackground } from '../image/composite';
import { decodeToWorkOn, dpiOfSize, type DecodedImage, type RgbaImage } from '../image/decode';
import { checkEncodable, encodeGrayPng, encodeImage, formatFromPath, IMAGE_FORMATS, isQuality } from '../image/encode';
import { fitWithin, resizeRgba } from '../image/resize';
import { assertNotAnInput, writeFileAtomic } from '../io/atomic-write';
import type { ProviderName } from '../inference/execution-providers';
import { isOpaqueRgba, ownAlphaOf } from '../matting/own-alpha';
import { refineMatte } from '../matting/refine';
import { reviewMatte, reviewOf } from '../matting/unsure-share';
import type { ModelEntry } from '../models/manifest';
import type { RunContext } from '../progress';
import { runMaskModel, type MaskResult } from '../segment/mask-model';
import { RefinePool, type RefineOutput } from '../batch/refine-pool';
import { runRefineTask } from '../batch/refine-task';
import type { CoreEnv } from '../env';
import { decodeTrimapFile } from '../trimap/trimap-file';

/** Milliseconds spent per stage of one cut-out. */
export interface CutoutTimings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  /** cutoutToFile: the refine and the composite, one task (with a worker's start for a big picture). */
  refineMs: number;
  /** cutoutImage only; 0 from cutoutToFile, whose refineMs holds it. */
  compositeMs: number;
  encodeMs: number;
  totalMs: number;
}

/** A finished cut-out in memory. */
export interface CutoutResult {
  image: RgbaImage;
  alpha: Float32Array;
  /** The decoded source (for previews and re-mattes). */
  source: DecodedImage;
  /** Estimated foreground colours (RGBA, A = alpha); the raw source for refine 'off'. */
  foreground: RgbaImage;
  /** Refine 'full': the trimap that was solved (the user's if given) and the automatic one (for the brush overlay and eraser). */
  trimap?: Uint8Array;
  autoTrimap?: Uint8Array;
  modelId: string;
  provider: ProviderName;
  /** How much of the matte is broadly half transparent, and whether that asks for a look. */
  review: MatteReview;
  timings: CutoutTimings;
}

/** Resolves the model for a subject: the named one, or the task's default. */
export async function resolveMaskModel(env: CoreEnv, subject: CutoutOptions['subject'], modelId?: string): Promise<{ entry: ModelEntry; path: string }> {
  const task = subject === 'anime' ? 'anime-mask' : 'person-mask';
  if (!modelId) return env.store.defaultFor(task);
  return resolveNamedMaskModel(env, modelId);
}

/**
 * A mask model named by id. A name no model has, or a model of another task (a face detector), is
 * INVALID_ARGUMENT naming the mask models; a known one that is not there is MODEL_MISSING; one
 * whose user descriptor was left out is that descriptor's MODEL_INVALID.
 */
export async function resolveNamedMaskModel(env: CoreEnv, modelId: string, extraChoices: readonly string[] = []): Promise<{ entry: ModelEntry; path: string }> {
  const all = await env.store.entries();
  const masks = all.filter((e) => e.task === 'person-mask' || e.task === 'anime-mask');
  const entry = all.find((e) => e.id === modelId);
  const choices = [...extraChoices, ...masks.map((e) => e.id)].join(', ');
  // A user's model whose descriptor was left out: why (it read as a name no model has).
  const leftOut = entry ? undefined : env.store.leftOutNamed(modelId);
  if (leftOut) throw leftOut.error;
  if (!entry) throw new AppError('INVALID_ARGUMENT', `Unknown model "${modelId}".${didYouMean(modelId, [...extraChoices, ...masks.map((e) => e.id)])} The models that cut out are ${choices}`, { detail: { id: modelId, known: masks.map((e) => e.id) } });
  if (!masks.includes(entry)) throw new AppError('INVALID_ARGUMENT', `Model ${modelId} is a ${entry.task} model; pick one that cuts out: ${choices}`, { detail: { id: modelId } });
  return env.store.resolve(entry);
}

/** A cut-out up to its mask: the picture, the model's mask and what the matte and composite take. */
interface SegmentedInput {
  model: { entry: ModelEntry; path: string };
  source: DecodedImage;
  mask: MaskResult;
  /** The user's trimap (CutoutOptions.trimapPath) at the picture's size. */
  trimap?: Uint8Array;
  background: CompositeBackground;
  decodeMs: number;
}

/** Decodes, reads the trimap and background, and runs the mask model; progress: stages decode and segment. */
async function segmentInput(input: string | Uint8Array, options: CutoutOptions, env: CoreEnv, ctx: RunContext, checkSource?: (source: RgbaImage) => void): Promise<SegmentedInput> {
  const { signal, onProgress } = ctx;
  // Options from a page or an API client: one unknown was taken unsaid ("bogus" edges) or failed after the work.
  parseRefineMode(options.refine);
  const t0 = performance.now();
  onProgress?.({ stage: 'decode', done: 0, total: 1 });
  const model = await resolveMaskModel(env, options.subject, options.modelId);
  const source = await decodeToWorkOn(input, env.maxPixels);
  checkSource?.(source);
  const trimap = options.trimapPath ? await decodeTrimapFile(options.trimapPath, source.width, source.height, source.downscaledFrom) : undefined;
  // Before the matting: a picture background that cannot be read fails the cut-out at once.
  const background = await prepareBackground(options.background, source.width, source.height, env.maxPixels);
  throwIfAborted(signal);
  const decodeMs = performance.now() - t0;
  onProgress?.({ stage: 'segment', done: 0, total: 1 });
  const mask = await runMaskModel(source, model, { provider: env.provider, threads: env.threads });
  throwIfAborted(signal);
  return { model, source, mask, trimap, background, decodeMs };
}

/**
 * Cuts the subject out of one image and composites it; nothing is written. Progress is told per
 * stage (decode, segment, refine: REFINE_STEPS, composite).
 */
export async function cutoutImage(input: string | Uint8Array, options: CutoutOptions, env: CoreEnv, ctx: RunContext = {}): Promise<CutoutResult> {
  const t0 = performance.now();
  const { model, source, mask, trimap, background, decodeMs } = await segmentInput(input, options, env, ctx);
  const t2 = performance.now();
  const refined = await refineMatte({ image: source, mask: mask.mask, maskW: mask.width, maskH: mask.height, mode: options.refine, trimap }, ctx);
  throwIfAborted(ctx.signal);
  const t3 = performance.now();
  ctx.onProgress?.({ stage: 'composite', done: 0, total: 1 });
  const image = compositeOver(refined.foreground, refined.alpha, background);
  const t4 = performance.now();
  ctx.onProgress?.({ stage: 'composite', done: 1, total: 1 });
  return {
    image,
    alpha: refined.alpha,
    foreground: refined.foreground,
    trimap: refined.trimap,
    autoTrimap: refined.autoTrimap,
    source,
    modelId: model.entry.id,
    provider: mask.provider,
    review: reviewMatte(refined.alpha, source.width, source.height, model.entry, 'cutout', ownAlphaOf(source)),
    timings: {
      decodeMs,
      preprocessMs: mask.timings.preprocessMs,
      inferenceMs: mask.timings.inferenceMs,
      refineMs: t3 - t2,
      compositeMs: t4 - t3,
      encodeMs: 0,
      totalMs: t4 - t0,
    },
  };
}

/**
 * Pictures of at least this many pixels are refined in a worker thread (refine-pool.ts). The
 * refine's loops run for seconds without a break (a 24 MP full refine: 4 s of guided filter, 3 s of
 * foreground colours), so in the calling thread a cancel waited for them and kept the engine busy;
 * a worker is stopped at once. A smaller one is over sooner than a worker starts.
 */
export const REFINE_IN_WORKER_MIN_PIXELS = 4_000_000;

/** Refines and composites a segmented picture: in a worker when it is big (REFINE_IN_WORKER_MIN_PIXELS), else here. */
async function refineAndComposite({ source, mask, trimap, background }: SegmentedInput, mode: CutoutOptions['refine'], ctx: RunContext, isAlphaOnly = false): Promise<RefineOutput> {
  const task = { data: source.data, width: source.width, height: source.height, isColourSubsampled: source.isColourSubsampled, mask: mask.mask, maskW: mask.width, maskH: mask.height, mode, background, trimap, isAlphaOnly };
  if (source.width * source.height < REFINE_IN_WORKER_MIN_PIXELS) return runRefineTask(task, ctx);
  const pool = new RefinePool(1);
  try {
    return await pool.run(task, { signal: ctx.signal, onProgress: ctx.onProgress });
  } finally {
    await pool.close();
  }
}

/** INVALID_ARGUMENT for an export size that is not a whole number of pixels ≥ 16. */
function checkExportSize(maxSidePx: number): void {
  if (!Number.isInteger(maxSidePx) || maxSidePx < 16) throw new AppError('INVALID_ARGUMENT', `Export size must be a whole number of pixels ≥ 16, got ${maxSidePx}`);
}

/** Downscales so the longest side is at most `maxSidePx` (never enlarges); INVALID_ARGUMENT for a bad size. */
async function fitLongestSide(image: RgbaImage, maxSidePx: number | undefined): Promise<RgbaImage> {
  if (maxSidePx === undefined) return image;
  checkExportSize(maxSidePx);
  const { width, height } = fitWithin(image.width, image.height, maxSidePx);
  return width === image.width && height === image.height ? image : resizeRgba(image, width, height);
}

/** Summary of a cut-out written to disk. */
export interface CutoutFileResult {
  output: string;
  width: number;
  height: number;
  modelId: string;
  provider: ProviderName;
  review: MatteReview;
  /** Frames of an animated input (only the first was cut out), absent for a still. */
  frames?: number;
  /** The animated input's format (sharp's name), with `frames`. */
  format?: string;
  /** An input over the pixel budget: its own size, and the smaller one it was cut out at (DecodedImage.downscaledFrom). */
  downscaled?: DownscaledInput;
  timings: CutoutTimings;
}

/**
 * Whether an animated picture of this format (sharp's name) can be made a sticker: an animated GIF,
 * WebP (its frames through webp-clip.ts) or PNG (an APNG: decode counts its frames, as sharp reads
 * only the first; ffmpeg reads it as an APNG where the probe finds its acTL).
 */
export function isAnimationClip(format: string | undefined): boolean {
  return format === 'gif' || format === 'webp' || format === 'png';
}

/** What the CLI and a batch's note say of an animated picture that was cut out (`isClip`: isAnimationClip of its format). */
export function animatedInputText(frames: number, isClip: boolean): string {
  return `an animation of ${frames} frames: only its first frame was cut out${isClip ? ' (`cutout sticker` makes an animated sticker of it)' : ''}`;
}

/** A decoded picture's own size and the size it is worked at, when it was over the pixel budget. */
export function downscaledOf(image: DecodedImage): DownscaledInput | undefined {
  return image.downscaledFrom ? { from: image.downscaledFrom, to: { width: image.width, height: image.height } } : undefined;
}

/** What the CLI and a batch's note say of a picture over the pixel budget that was cut out at `to`, its largest size within it. */
export function downscaledInputText({ from, to }: DownscaledInput): string {
  return `${from.width}x${from.height} (${megapixels(from)} MP), more pixels than a cut-out is made of: it was cut out at ${to.width}x${to.height} (${megapixels(to)} MP)`;
}

/** Whether a request asks for a mask (CutoutOptions.mask, a batch's extra.mask): absent is no; anything but true or false is INVALID_ARGUMENT. */
export function isMaskAsked(mask: unknown): boolean {
  if (mask !== undefined && typeof mask !== 'boolean') throw new AppError('INVALID_ARGUMENT', `mask must be true or false, got "${String(mask)}"`);
  return mask === true;
}

/** A mask (CutoutOptions.mask) is the matte alone, as a PNG: a background or another file type is refused (INVALID_ARGUMENT). */
export function checkMaskOptions(background: Background, format: string, output?: string): void {
  if (background.kind !== 'transparent') throw new AppError('INVALID_ARGUMENT', 'A mask is the matte alone: it has no background (leave the background transparent)');
  // (A name of another type is refused too when the format was given: a PNG named .jpg is no file an editor opens as a mask.)
  if (format === 'png' && (output === undefined || !extname(output) || /\.png$/i.test(output))) return;
  const why = 'A mask is written as a PNG (8-bit grey, lossless)';
  if (output === undefined) throw new AppError('INVALID_ARGUMENT', `${why}, not ${formatLabel(format)}`);
  throw new AppError('INVALID_ARGUMENT', `${why}: name it .png, not ${extname(output) || 'without an extension'} (${output})`, { detail: { path: output } });
}

/**
 * A cut-out's file: the image in its format, or its alpha alone as an 8-bit greyscale PNG (`mask`),
 * at `dpi` (its picture's, dpiOfSize; unsaid, 72). A cut-out placed on a colour or a picture
 * (`isOnBackground`) with no transparency left is written without an alpha channel: a PNG on ID
 * blue was RGBA, every alpha 255 (3 % bigger for hv_test2, and read as a picture with transparency
 * by forms that refuse one). A transparent cut-out stays RGBA, whatever its matte (a batch's files
 * all alike).
 */
export async function encodeCutout(image: RgbaImage, options: { format: 'png' | 'jpeg' | 'webp'; quality?: number; mask?: boolean; dpi?: number; isOnBackground?: boolean }): Promise<Buffer> {
  if (!options.mask) return encodeImage(image, { format: options.format, quality: options.quality, dpi: options.dpi, opaque: options.format !== 'jpeg' && options.isOnBackground === true && isOpaqueRgba(image.data) });
  const alpha = new Uint8Array(image.width * image.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = image.data[i * 4 + 3];
  return encodeGrayPng(alpha, image.width, image.height, options.dpi);
}

/** Cuts out one image file and writes the result atomically (never over the input): the cut-out, or its matte (`mask`). */
export async function cutoutToFile(input: string, output: string, options: CutoutOptions, env: CoreEnv, ctx: RunContext = {}): Promise<CutoutFileResult> {
  // Nor the background picture nor the trimap it reads (an app's job named its background as the output).
  await assertNotAnInput(output, [input, ...(options.background?.kind === 'image' ? [options.background.path] : []), ...(typeof options.trimapPath === 'string' ? [options.trimapPath] : [])]);
  // Refused before the work (a GIF failed as a write error once the model and edges had run).
  if (options.format !== undefined && !(IMAGE_FORMATS as readonly string[]).includes(options.format)) throw new AppError('INVALID_ARGUMENT', `A cut-out is written as png, jpeg or webp, not ${String(options.format)}`);
  if (options.maxSidePx !== undefined) checkExportSize(options.maxSidePx);
  const format = options.format ?? formatFromPath(output);
  if (options.quality !== undefined && !isQuality(options.quality)) {
    throw new AppError('INVALID_ARGUMENT', `quality must be a whole number 1..100, got ${options.quality}`);
  }
  const isMask = isMaskAsked(options.mask);
  if (isMask) checkMaskOptions(options.background, format, output);
  const t0 = performance.now();
  // A size the format cannot hold is refused once decoded, before the model and the edges run.
  const segmented = await segmentInput(input, options, env, ctx, (source) => {
    if (!isMask) {
      const { width, height } = options.maxSidePx === undefined ? source : fitWithin(source.width, source.height, options.maxSidePx);
      checkEncodable(format, width, height);
    }
  });
  const { source, model, mask } = segmented;
  const downscaled = downscaledOf(source);
  const t1 = performance.now();
  // A mask keeps the alpha alone: no foreground colours are estimated for it.
  const refined = await refineAndComposite(segmented, options.refine, ctx, isMask);
  throwIfAborted(ctx.signal);
  ctx.onProgress?.({ stage: 'composite', done: 1, total: 1 });
  const t2 = performance.now();
  ctx.onProgress?.({ stage: 'encode', done: 0, total: 1 });
  const image = await fitLongestSide({ data: refined.data, width: source.width, height: source.height }, options.maxSidePx);
  const bytes = await encodeCutout(image, { format, quality: options.quality, mask: isMask, dpi: dpiOfSize(source, image.width), isOnBackground: options.background.kind !== 'transparent' });
  await writeFileAtomic(output, bytes, { signal: ctx.signal });
  const t3 = performance.now();
  ctx.onProgress?.({ stage: 'encode', done: 1, total: 1 });
  return {
    output,
    width: image.width,
    height: image.height,
    modelId: model.entry.id,
    provider: mask.provider,
    review: reviewOf(refined.unsureShare, model.entry, 'cutout', refined.isEmpty),
    ...(source.pages ? { frames: source.pages, format: source.format } : {}),
    ...(downscaled ? { downscaled } : {}),
    timings: {
      decodeMs: segmented.decodeMs,
      preprocessMs: mask.timings.preprocessMs,
      inferenceMs: mask.timings.inferenceMs,
      refineMs: t2 - t1,
      compositeMs: 0,
      encodeMs: t3 - t2,
      totalMs: t3 - t0,
    },
  };
}
