// Exports cut-outs (optionally corrected by edited trimaps or alphas) as segmentation training
// pairs in the layout trainers use: images/<id>.jpg|png and annotations/<id>.png holding class
// ids 0 (background) / 1 (subject). Core (no electron).
import { lstat, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError, isCancellation, toWire } from '../../../shared/errors';
import type { CutoutOptions, DownscaledInput } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import sharp from 'sharp';
import { decodeToWorkOn } from '../image/decode';
import { encodeGrayPng, encodeImage } from '../image/encode';
import type { CoreEnv } from '../env';
import { assertSeparateOutputs, ensureWritableFolder, writeFileAtomic } from '../io/atomic-write';
import { readTruth } from '../image/mask-file';
import { cutoutImage, downscaledOf } from '../pipelines/cutout';
import type { RunContext } from '../progress';

/** One source image and what corrects its matte (an edited alpha wins over an edited trimap). */
export interface TrainingSource {
  image: string;
  /** Edited trimap PNG (0 / 128 / 255) fed to the matting, as `--trimap` does. */
  trimap?: string;
  /** A finished alpha PNG (grey or the alpha channel of an RGBA cut-out) used as the label as is. */
  alpha?: string;
}

/** Options of writeTrainingPairs. */
export interface TrainingDataOptions {
  cutout: Pick<CutoutOptions, 'subject' | 'modelId' | 'refine'>;
  /** Alpha at or above this is class 1. Default 0.5. */
  threshold?: number;
  /** Image file format. Default jpg (quality 95). */
  imageFormat?: 'jpg' | 'png';
}

/** One written pair. */
export interface TrainingPair {
  id: string;
  image: string;
  annotation: string;
  /** Where the label came from. */
  labelSource: 'alpha' | 'trimap' | 'model';
  /** The model that cut it out (a label from the model or a trimap). */
  modelId?: string;
  /** Share of class-1 pixels. */
  foregroundShare: number;
  /** A picture over the pixel budget: the pair is made at the size it was cut out at. */
  downscaled?: DownscaledInput;
  /** A pair of this id was in the folder (an earlier export's): written over, said so. */
  isWrittenOver: boolean;
}

/** A source that could not be made into a pair (an unreadable picture, an alpha of another size). */
export interface TrainingFailure {
  image: string;
  code: string;
  message: string;
}

/** What writeTrainingPairs made, and the sources it could not. */
export interface TrainingPairsResult {
  pairs: TrainingPair[];
  failures: TrainingFailure[];
}

/**
 * Reads an alpha PNG as 0..1 as eval reads a truth (readTruth): its alpha channel where it is not
 * all opaque, else its grey levels (an RGBA or grey+alpha mask saved opaque read as all subject).
 * It must be the picture's own size (`own`); a picture worked on smaller (over the pixel budget)
 * gets it resized alike (`size`).
 */
async function readAlphaFile(path: string, own: { width: number; height: number }, size: { width: number; height: number }): Promise<Float32Array> {
  const meta = await sharp(path)
    .metadata()
    .catch(() => null);
  if (meta?.width && meta.height && (meta.width !== own.width || meta.height !== own.height)) {
    throw new AppError('INVALID_ARGUMENT', `Alpha ${path} is ${meta.width}x${meta.height} but the image is ${own.width}x${own.height}`, { detail: { path } });
  }
  const isResized = size.width !== own.width || size.height !== own.height;
  return (await readTruth(path, false, isResized ? size : undefined)).alpha;
}

/**
 * Writes images/<id>.<ext> and annotations/<id>.png (0/1 class ids) under `outDir` for each
 * source. Labels come from the source's alpha file, else from a cut-out with its trimap, else
 * from a plain cut-out. Ids are the file stems, made unique with -2, -3, ... A source that fails
 * is listed with its code and the rest go on (the first unreadable file stopped the export, and the
 * pairs written before it were not said); `onPair` / `onFailure` hear of each as it ends. A
 * cancellation, a full disk, an output folder that cannot be written or a model that cannot run stops it.
 */
export async function writeTrainingPairs(
  sources: TrainingSource[],
  outDir: string,
  options: TrainingDataOptions,
  env: CoreEnv,
  ctx: RunContext & { onPair?: (pair: TrainingPair) => void; onFailure?: (failure: TrainingFailure) => void } = {},
): Promise<TrainingPairsResult> {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) throw new AppError('INVALID_ARGUMENT', `threshold must be in (0, 1], got ${threshold}`);
  const ext = options.imageFormat ?? 'jpg';
  const used = new Set<string>();
  const ids = sources.map((src) => {
    const stem = basename(src.image, extname(src.image));
    let id = stem;
    for (let i = 2; used.has(id); i++) id = `${stem}-${i}`;
    used.add(id);
    return id;
  });
  // Nothing read is written over, before anything is: another input (-o holding a picture to
  // come, images/a.jpg) or an alpha or trimap (--alphas OUT/annotations) was replaced, and the
  // pair made of what had been written there.
  await assertSeparateOutputs(
    ids.flatMap((id, k) => [
      { path: join(outDir, 'images', `${id}.${ext}`), what: `the picture of ${sources[k].image}` },
      { path: join(outDir, 'annotations', `${id}.png`), what: `the annotation of ${sources[k].image}` },
    ]),
    sources.flatMap((src) => [src.image, ...(src.alpha ? [src.alpha] : []), ...(src.trimap ? [src.trimap] : [])]),
  );
  // A file named as the folder is said as such (OUTPUT_NOT_WRITABLE), not an internal ENOTDIR.
  // images/ and annotations/ are made by the first pair's writes: an export whose every input
  // failed left them empty.
  await ensureWritableFolder(outDir, { leaveNothing: true });
  const pairs: TrainingPair[] = [];
  const failures: TrainingFailure[] = [];
  for (let k = 0; k < sources.length; k++) {
    throwIfAborted(ctx.signal);
    const src = sources[k];
    ctx.onProgress?.({ stage: 'matte', done: k, total: sources.length, detail: src.image });
    const id = ids[k];
    try {
      const pair = await writePair(src, id, outDir, ext, threshold, options, env, ctx);
      pairs.push(pair);
      ctx.onPair?.(pair);
    } catch (error) {
      if (isCancellation(error)) throw error;
      const wire = toWire(error);
      if (STOPS_THE_EXPORT.has(wire.code)) throw error;
      const failure = { image: src.image, code: wire.code, message: wire.message };
      failures.push(failure);
      ctx.onFailure?.(failure);
    }
  }
  ctx.onProgress?.({ stage: 'matte', done: sources.length, total: sources.length });
  return { pairs, failures };
}

/** Faults of the output folder, the disk or the models, which every later source would meet too. */
const STOPS_THE_EXPORT: ReadonlySet<string> = new Set(['DISK_FULL', 'OUTPUT_NOT_WRITABLE', 'MODEL_MISSING', 'MODEL_CORRUPT', 'MODEL_INVALID', 'RUNTIME_UNAVAILABLE', 'PROVIDER_UNKNOWN']);

/** One source's pair, written as images/<id>.<ext> and annotations/<id>.png. */
async function writePair(src: TrainingSource, id: string, outDir: string, ext: 'jpg' | 'png', threshold: number, options: TrainingDataOptions, env: CoreEnv, ctx: RunContext): Promise<TrainingPair> {
  const imagePath = join(outDir, 'images', `${id}.${ext}`);
  const annotationPath = join(outDir, 'annotations', `${id}.png`);
  // An earlier export's pair of this id, its picture in either format: replaced whole (a PNG pair
  // over a JPEG one left images/<id>.jpg beside images/<id>.png, one annotation for two pictures).
  const otherImagePath = join(outDir, 'images', `${id}.${ext === 'png' ? 'jpg' : 'png'}`);
  const there = await Promise.all([imagePath, otherImagePath, annotationPath].map((p) => lstat(p).then(() => true, () => false)));
  // Over the pixel budget, the pair is made at the size a cut-out is (it was refused).
  const image = await decodeToWorkOn(src.image, env.maxPixels);
  let alpha: Float32Array;
  let labelSource: TrainingPair['labelSource'];
  let modelId: string | undefined;
  if (src.alpha) {
    alpha = await readAlphaFile(src.alpha, image.downscaledFrom ?? image, image);
    labelSource = 'alpha';
  } else {
    const r = await cutoutImage(src.image, { ...options.cutout, background: { kind: 'transparent' }, trimapPath: src.trimap }, env, ctx);
    alpha = r.alpha;
    labelSource = src.trimap ? 'trimap' : 'model';
    modelId = r.modelId;
  }
  const labels = new Uint8Array(alpha.length);
  let ones = 0;
  for (let i = 0; i < alpha.length; i++) if (alpha[i] >= threshold) { labels[i] = 1; ones++; }
  const imageBytes = await encodeImage(image, ext === 'png' ? { format: 'png' } : { format: 'jpeg', quality: 95 });
  await writeFileAtomic(imagePath, imageBytes);
  await writeFileAtomic(annotationPath, await encodeGrayPng(labels, image.width, image.height));
  if (there[1]) await rm(otherImagePath, { force: true });
  return { id, image: imagePath, annotation: annotationPath, labelSource, ...(modelId ? { modelId } : {}), foregroundShare: ones / labels.length, ...(image.downscaledFrom ? { downscaled: downscaledOf(image) } : {}), isWrittenOver: there.some(Boolean) };
}
