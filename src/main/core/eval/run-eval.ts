// Runs a mask model (+ refinement) over an evaluation set with ground truth and scores each
// image. Sets: images/<id>.(jpg|png) with alpha/<id>.png (soft) or masks/<id>.png (binary).
// Core (no electron).
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { AppError, toWire, type ErrorCode } from '../../../shared/errors';
import { IMAGE_EXTENSIONS } from '../../../shared/media';
import type { MatteReview, RefineMode, Subject } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import type { CoreEnv } from '../env';
import { decodeImage, type RgbaImage } from '../image/decode';
import { readTruth } from '../image/mask-file';
import { areaAverage, reviewMatte } from '../matting/unsure-share';
import type { ModelEntry } from '../models/manifest';
import { cutoutImage, resolveMaskModel } from '../pipelines/cutout';
import { stickerFrameAlpha } from '../sticker/make-sticker';
import type { RunContext } from '../progress';
import { meanScores, pooledIou, scoreMask, type IouCounts, type MaskScores } from './metrics';

/** One scored image, with the cut-out's review (matting/unsure-share.ts). */
export interface EvalImageResult extends MaskScores, MatteReview {
  counts: IouCounts;
  id: string;
  width: number;
  height: number;
  ms: number;
}

/** A cut-out scoring at least this fg IoU counts as good when the review flag is judged. */
export const GOOD_FG_IOU = 0.9;

/** How the review flag fared on a set: flagged images, and flagged among the good ones. */
export interface EvalReviewSummary {
  /** The model's threshold (manifest output.reviewUnsureShare); null: it never flags. */
  threshold: number | null;
  /** Images flagged: above the threshold, or (cut-outs) with nothing found. */
  flagged: number;
  /** Of those, the cut-outs with nothing found (an empty matte, flagged whatever the threshold). */
  empty: number;
  /** Images with a non-empty truth and fg IoU >= GOOD_FG_IOU, and how many of them were flagged. */
  good: number;
  goodFlagged: number;
  /** The others with a non-empty truth (fg IoU < GOOD_FG_IOU), and how many of them were flagged. */
  poor: number;
  poorFlagged: number;
}

/** A scored set. */
export interface EvalResult {
  set: string;
  modelId: string;
  provider: string;
  /** The cut-outs' refine mode (unused when stickerSidePx is set). */
  refine: RefineMode;
  /** The sticker path's working long side when it was scored (EvalOptions.stickerSidePx). */
  stickerSidePx?: number;
  /** True when the ground truth is a soft alpha (SAD/MSE/Grad are meaningful on hair/edges). */
  isSoftTruth: boolean;
  images: EvalImageResult[];
  mean: MaskScores;
  /** IoUs over the pixels of all images together (metrics.pooledIou). */
  pooled: { fgIoU: number; bgIoU: number; meanIoU: number };
  /** Images whose truth has no foreground pixel: their per-image fg IoU is 0 or 1. */
  emptyTruth: number;
  /** Images of the set with no truth of the same name: not scored (said, so a misnamed mask does not quietly change the set). */
  withoutTruth: string[];
  /** Truths with no picture of the same name (said too: a picture in a type the set does not read, or misnamed). */
  truthWithoutImage: string[];
  /** Pairs whose picture could not be cut out (damaged, cut short): said, and the others scored (the first stopped the set, its minutes lost). */
  unscored: { id: string; code: string; message: string }[];
  review: EvalReviewSummary;
}

/** Options of evaluateSet. */
export interface EvalOptions {
  subject: Subject;
  modelId?: string;
  refine: RefineMode;
  /** Evaluate only the first N images (sorted by id). */
  limit?: number;
  /**
   * Score the sticker's per-frame path instead of a cut-out: the image and its truth are
   * area-averaged to this long side (close to what ffmpeg's flags=area does for clip frames), the frame goes
   * through stickerFrameAlpha, and the review uses the model's sticker threshold. `refine` is unused.
   */
  stickerSidePx?: number;
}

/**
 * The (image, truth) pairs of a set, whether the truth is soft, whether it is class ids (0/1, as
 * `cutout training-data` writes annotations/), the images with no truth, and every picture and truth
 * of the set (`files`, scored or not).
 */
export async function listEvalPairs(setDir: string): Promise<{ pairs: { id: string; image: string; truth: string }[]; isSoftTruth: boolean; isClassIds: boolean; withoutTruth: string[]; truthWithoutImage: string[]; files: string[] }> {
  const imagesDir = join(setDir, 'images');
  const truthDirName = ['alpha', 'masks', 'annotations'].find((d) => existsSync(join(setDir, d)));
  if (!existsSync(setDir)) throw new AppError('INPUT_NOT_FOUND', `Evaluation set not found: ${setDir}`, { detail: { path: setDir } });
  if (!existsSync(imagesDir) || !truthDirName) {
    throw new AppError('INPUT_UNSUPPORTED', `${setDir} is not an evaluation set: it needs images/ and alpha/, masks/ or annotations/`, { detail: { path: setDir } });
  }
  const truthDir = join(setDir, truthDirName);
  // Every picture type the app opens (a TIFF or HEIC set shrank unsaid to its JPEGs).
  const names = (await readdir(imagesDir)).filter((n) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(n).slice(1).toLowerCase())).sort();
  const pairs = [];
  const withoutTruth: string[] = [];
  // One truth for two pictures (a.jpg and a.png) was scored twice, that image weighing double.
  const byId = new Map<string, string[]>();
  for (const name of names) {
    const id = name.slice(0, -extname(name).length);
    byId.set(id, [...(byId.get(id) ?? []), name]);
  }
  const twice = [...byId.values()].filter((n) => n.length > 1);
  if (twice.length > 0) {
    throw new AppError('INPUT_UNSUPPORTED', `${imagesDir} holds ${twice.length === 1 ? 'a picture' : `${twice.length} pictures`} under one name twice (${twice.map((n) => n.join(' and ')).join('; ')}), and each name has one truth: keep one of each`, { detail: { path: imagesDir, twice } });
  }
  for (const [id, [name]] of byId) {
    const truth = join(truthDir, `${id}.png`);
    if (existsSync(truth)) pairs.push({ id, image: join(imagesDir, name), truth });
    else withoutTruth.push(name);
  }
  const truths = (await readdir(truthDir)).filter((n) => /\.png$/i.test(n));
  const truthWithoutImage = truths.filter((n) => !byId.has(n.slice(0, -4))).sort();
  if (pairs.length === 0) throw new AppError('INPUT_UNSUPPORTED', `${setDir} has no image/ground-truth pairs (pictures in images/, each with a PNG of the same name in ${truthDirName}/)`, { detail: { path: setDir } });
  // Every picture and truth of the set, scored or not: what a report may not be written over.
  const files = [...names.map((n) => join(imagesDir, n)), ...truths.map((n) => join(truthDir, n))];
  return { pairs, isSoftTruth: truthDirName === 'alpha', isClassIds: truthDirName === 'annotations', withoutTruth, truthWithoutImage, files };
}


/** Scores a model (+ refine mode) on every pair of a set. */
export async function evaluateSet(setDir: string, options: EvalOptions, env: CoreEnv, ctx: RunContext = {}): Promise<EvalResult> {
  const { pairs, isSoftTruth, isClassIds, withoutTruth, truthWithoutImage } = await listEvalPairs(setDir);
  const chosen = options.limit ? pairs.slice(0, options.limit) : pairs;
  // A pair that cannot be scored stops the set before any model runs (it stopped it there, the
  // images scored before it and their minutes lost).
  for (const pair of chosen) {
    throwIfAborted(ctx.signal);
    await checkPairSizes(pair);
  }
  const images: EvalImageResult[] = [];
  const unscored: EvalResult['unscored'] = [];
  let modelId = options.modelId ?? '';
  let provider = '';
  let emptyTruth = 0;
  let threshold: number | null = null;
  const review = { flagged: 0, empty: 0, good: 0, goodFlagged: 0, poor: 0, poorFlagged: 0 };
  const stickerModel = options.stickerSidePx ? await resolveMaskModel(env, options.subject, options.modelId) : undefined;
  for (let i = 0; i < chosen.length; i++) {
    throwIfAborted(ctx.signal);
    const pair = chosen[i];
    ctx.onProgress?.({ stage: 'segment', done: i, total: chosen.length, detail: pair.id });
    let truth = await readTruth(pair.truth, isClassIds);
    const t0 = performance.now();
    let r;
    try {
      r = stickerModel ? await stickerPathAlpha(pair.image, stickerModel, options.stickerSidePx!, env) : await cutoutImage(pair.image, { subject: options.subject, modelId: options.modelId, background: { kind: 'transparent' }, refine: options.refine }, env);
    } catch (error) {
      // A picture that does not decode (its header read, its data cut short) is the file's fault:
      // said, and the set goes on. Anything else (a model, the disk, a cancel) stops it.
      const wire = toWire(error);
      if (!UNSCORABLE_CODES.has(wire.code)) throw error;
      unscored.push({ id: pair.id, code: wire.code, message: wire.message });
      continue;
    }
    const ms = performance.now() - t0;
    modelId = r.modelId;
    provider = r.provider;
    const own = r.source.downscaledFrom ?? r.source;
    if (own.width !== truth.width || own.height !== truth.height) {
      throw truthSizeError(pair.truth, truth, own);
    }
    // An image over the pixel budget (CUTOUT_MAX_MEGAPIXELS) is scored at the size it was cut out at,
    // its truth resized as it was (the truth was refused as the wrong size, the set ended there).
    if (r.source.downscaledFrom) truth = await readTruth(pair.truth, isClassIds, { width: r.source.width, height: r.source.height });
    if (options.stickerSidePx) {
      const small = areaAverage(truth.alpha, truth.width, truth.height, options.stickerSidePx);
      truth = { alpha: small.data, width: small.width, height: small.height };
    }
    const isEmptyTruth = !truth.alpha.some((v) => v >= 0.5);
    if (isEmptyTruth) emptyTruth++;
    threshold = r.review.reviewThreshold;
    const scores = scoreMask(r.alpha, truth.alpha, truth.width, truth.height);
    images.push({ id: pair.id, width: truth.width, height: truth.height, ms, ...scores, ...r.review });
    if (r.review.needsReview) review.flagged++;
    if (r.review.isEmpty) review.empty++;
    if (!isEmptyTruth) {
      const kind = scores.fgIoU >= GOOD_FG_IOU ? 'good' : 'poor';
      review[kind]++;
      if (r.review.needsReview) review[`${kind}Flagged`]++;
    }
  }
  ctx.onProgress?.({ stage: 'segment', done: chosen.length, total: chosen.length });
  if (images.length === 0) {
    const [first] = unscored;
    throw new AppError(first.code as ErrorCode, `No pair of ${setDir} could be scored: ${unscored.map((u) => u.message).join('; ')}`, { detail: { path: setDir, unscored } });
  }
  const pooled = pooledIou(images.map((r) => r.counts));
  const path = options.stickerSidePx ? { stickerSidePx: options.stickerSidePx } : {};
  return { set: setDir, modelId, provider, refine: options.refine, ...path, isSoftTruth, images, mean: meanScores(images), pooled, emptyTruth, withoutTruth, truthWithoutImage, unscored, review: { threshold, ...review } };
}

/** Codes of a picture that cannot be cut out for what it is (unscored); any other stops the set. */
const UNSCORABLE_CODES: ReadonlySet<string> = new Set(['INPUT_UNSUPPORTED', 'IMAGE_TOO_LARGE']);

/**
 * Refuses a pair whose truth is another size than its picture as it is worked on (turned as its
 * EXIF says), or whose truth is not a picture, from their headers. A picture type libvips does not
 * read (HEIC, BMP) is checked after its cut-out, as before.
 */
async function checkPairSizes(pair: { image: string; truth: string }): Promise<void> {
  const truth = await sharp(pair.truth)
    .metadata()
    .catch((cause: Error) => {
      throw new AppError('INPUT_UNSUPPORTED', `${pair.truth}: the ground truth could not be read: it is damaged or not a picture (${cause.message.split('\n')[0]})`, { cause, detail: { path: pair.truth } });
    });
  const image = await sharp(pair.image, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (!image?.width || !image.height || !truth.width || !truth.height) return;
  const isTurned = (image.orientation ?? 1) >= 5;
  const [width, height] = isTurned ? [image.height, image.width] : [image.width, image.height];
  if (width !== truth.width || height !== truth.height) throw truthSizeError(pair.truth, truth, { width, height });
}

function truthSizeError(path: string, truth: { width?: number; height?: number }, image: { width: number; height: number }): AppError {
  return new AppError('INPUT_UNSUPPORTED', `${path} is ${truth.width}x${truth.height} but its image is ${image.width}x${image.height}`, { detail: { path } });
}

/** One image through the sticker's per-frame path at `sidePx` (EvalOptions.stickerSidePx). */
async function stickerPathAlpha(input: string, model: { entry: ModelEntry; path: string }, sidePx: number, env: CoreEnv) {
  const source = await decodeImage(input, { maxPixels: env.maxPixels });
  const small = areaAverage(source.data, source.width, source.height, sidePx, 4);
  const frame: RgbaImage = { data: Uint8Array.from(small.data, (v) => Math.round(v)), width: small.width, height: small.height };
  const { alpha, provider } = await stickerFrameAlpha(frame, model, { provider: env.provider, threads: env.threads });
  return { alpha, source, modelId: model.entry.id, provider, review: reviewMatte(alpha, frame.width, frame.height, model.entry, 'sticker') };
}

function reviewLine(r: EvalReviewSummary, what: string): string {
  const empty = r.empty > 0 ? `, ${r.empty} of them with nothing found` : '';
  if (r.threshold === null) return `flagged for review: ${r.empty > 0 ? `${r.empty}, each with nothing found` : 'none'} (the model has no review threshold${what === 'frames' ? ' for stickers' : ''})`;
  return `flagged for review (unsure share > ${r.threshold}${what === 'frames' ? '' : ', or nothing found'}): ${r.flagged}${empty}; of the good ${what} (fg IoU >= ${GOOD_FG_IOU}) ${r.goodFlagged} of ${r.good}, of the others ${r.poorFlagged} of ${r.poor}`;
}

/** The markdown table and the closing mean lines that `cutout eval` prints. */
export function formatEvalReport(result: EvalResult): string {
  const f4 = (v: number): string => v.toFixed(4);
  const lines = [
    `Set ${result.set}: model ${result.modelId} on ${result.provider}, ${result.stickerSidePx ? `sticker path at ${result.stickerSidePx} px` : `refine ${result.refine}`}, ${result.images.length === 1 ? '1 image' : `${result.images.length} images`}, ground truth ${result.isSoftTruth ? 'soft alpha' : 'binary mask'}`,
    '',
    '| image | fg IoU | bg IoU | mean IoU | SAD (/1000) | MSE | Grad (/1000) | unsure | ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.images.map((r) => `| ${r.id} | ${f4(r.fgIoU)} | ${f4(r.bgIoU)} | ${f4(r.meanIoU)} | ${r.sad.toFixed(2)} | ${r.mse.toFixed(5)} | ${r.grad.toFixed(3)} | ${r.unsureShare.toFixed(3)}${r.needsReview ? ' (review)' : ''} | ${r.ms.toFixed(0)} |`),
    `| **mean** | **${f4(result.mean.fgIoU)}** | **${f4(result.mean.bgIoU)}** | **${f4(result.mean.meanIoU)}** | **${result.mean.sad.toFixed(2)}** | **${result.mean.mse.toFixed(5)}** | **${result.mean.grad.toFixed(3)}** | | |`,
    '',
    `fg IoU: ${f4(result.mean.fgIoU)}`,
    `bg IoU: ${f4(result.mean.bgIoU)}`,
    `mean IoU: ${f4(result.mean.meanIoU)}`,
    `SAD (/1000): ${result.mean.sad.toFixed(3)}`,
    `MSE: ${result.mean.mse.toFixed(5)}`,
    `Grad (/1000): ${result.mean.grad.toFixed(3)}`,
    `pooled fg IoU: ${f4(result.pooled.fgIoU)} (over the pixels of all images)`,
    `pooled mean IoU: ${f4(result.pooled.meanIoU)}`,
    `images with an empty truth: ${result.emptyTruth} (each scores fg IoU 0 or 1 in the per-image mean)`,
    ...(result.truthWithoutImage.length ? [`truths without a picture of the same name, not scored: ${result.truthWithoutImage.length} (${result.truthWithoutImage.slice(0, 5).join(', ')}${result.truthWithoutImage.length > 5 ? ', …' : ''})`] : []),
    ...(result.unscored.length ? [`pictures that could not be cut out, not scored: ${result.unscored.length} (${result.unscored.slice(0, 5).map((u) => `${u.id}: ${u.code}`).join(', ')}${result.unscored.length > 5 ? ', …' : ''})`] : []),
    ...(result.withoutTruth.length ? [`images without a truth of the same name, not scored: ${result.withoutTruth.length} (${result.withoutTruth.slice(0, 5).join(', ')}${result.withoutTruth.length > 5 ? ', …' : ''})`] : []),
    reviewLine(result.review, result.stickerSidePx ? 'frames' : 'cut-outs'),
  ];
  return lines.join('\n');
}
