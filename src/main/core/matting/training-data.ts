// Exports cut-outs (optionally corrected by edited trimaps or alphas) as segmentation training
// pairs in the layout trainers use: images/<id>.jpg|png and annotations/<id>.png holding class
// ids 0 (background) / 1 (subject). Core (no electron).
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { CutoutOptions } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import { decodeImage } from '../image/decode';
import { encodeGrayPng, encodeImage } from '../image/encode';
import type { CoreEnv } from '../env';
import { assertNotAnInput, ensureWritableFolder, writeFileAtomic } from '../io/atomic-write';
import { cutoutImage } from '../pipelines/cutout';
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
  /** Share of class-1 pixels. */
  foregroundShare: number;
}

/** Reads an alpha PNG as 0..1: the alpha channel if it has one, else the first (grey) channel. */
async function readAlphaFile(path: string, width: number, height: number): Promise<Float32Array> {
  const img = await decodeImage(path);
  if (img.width !== width || img.height !== height) {
    throw new AppError('INVALID_ARGUMENT', `Alpha ${path} is ${img.width}x${img.height} but the image is ${width}x${height}`, { detail: { path } });
  }
  const channel = img.hasAlpha ? 3 : 0;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i * 4 + channel] / 255;
  return out;
}

/**
 * Writes images/<id>.<ext> and annotations/<id>.png (0/1 class ids) under `outDir` for each
 * source. Labels come from the source's alpha file, else from a cut-out with its trimap, else
 * from a plain cut-out. Ids are the file stems, made unique with -2, -3, ...
 */
export async function writeTrainingPairs(sources: TrainingSource[], outDir: string, options: TrainingDataOptions, env: CoreEnv, ctx: RunContext = {}): Promise<TrainingPair[]> {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) throw new AppError('INVALID_ARGUMENT', `threshold must be in (0, 1], got ${threshold}`);
  const ext = options.imageFormat ?? 'jpg';
  // A file named as the folder is said as such (OUTPUT_NOT_WRITABLE), not an internal ENOTDIR.
  await ensureWritableFolder(outDir);
  await mkdir(join(outDir, 'images'), { recursive: true });
  await mkdir(join(outDir, 'annotations'), { recursive: true });
  const used = new Set<string>();
  const out: TrainingPair[] = [];
  for (let k = 0; k < sources.length; k++) {
    throwIfAborted(ctx.signal);
    const src = sources[k];
    ctx.onProgress?.({ stage: 'matte', done: k, total: sources.length, detail: src.image });
    const stem = basename(src.image, extname(src.image));
    let id = stem;
    for (let i = 2; used.has(id); i++) id = `${stem}-${i}`;
    used.add(id);
    const imagePath = join(outDir, 'images', `${id}.${ext}`);
    const annotationPath = join(outDir, 'annotations', `${id}.png`);
    await assertNotAnInput(imagePath, [src.image]);

    const image = await decodeImage(src.image, { maxPixels: env.maxPixels });
    let alpha: Float32Array;
    let labelSource: TrainingPair['labelSource'];
    if (src.alpha) {
      alpha = await readAlphaFile(src.alpha, image.width, image.height);
      labelSource = 'alpha';
    } else {
      const r = await cutoutImage(src.image, { ...options.cutout, background: { kind: 'transparent' }, trimapPath: src.trimap }, env, ctx);
      alpha = r.alpha;
      labelSource = src.trimap ? 'trimap' : 'model';
    }
    const labels = new Uint8Array(alpha.length);
    let ones = 0;
    for (let i = 0; i < alpha.length; i++) if (alpha[i] >= threshold) { labels[i] = 1; ones++; }
    const imageBytes = await encodeImage(image, ext === 'png' ? { format: 'png' } : { format: 'jpeg', quality: 95 });
    await writeFileAtomic(imagePath, imageBytes);
    await writeFileAtomic(annotationPath, await encodeGrayPng(labels, image.width, image.height));
    out.push({ id, image: imagePath, annotation: annotationPath, labelSource, foregroundShare: ones / labels.length });
  }
  ctx.onProgress?.({ stage: 'matte', done: sources.length, total: sources.length });
  return out;
}
