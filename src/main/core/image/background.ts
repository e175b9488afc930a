// Picture backgrounds: decoded once, then fitted (cover, centred) to each cut-out with sharp, for
// compositeOver. Kept out of composite.ts so the refine workers load no sharp. Core.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import type { Background } from '../../../shared/jobs';
import type { CompositeBackground, FittedBackground } from './composite';
import { decodeToWorkOn, type RgbaImage } from './decode';

/** The last picture decoded, by file identity: several inputs on one picture (the CLI, exports from the editor) decode it once. */
let lastPicture: { key: string; image: RgbaImage } | null = null;

/**
 * Decodes a picture background (EXIF orientation applied; INPUT_NOT_FOUND / INPUT_UNSUPPORTED name
 * the picture). The same file (path, inode, size, mtime) is decoded once: the image is shared, so
 * callers only read it. A batch decodes it once and fits it to every file.
 */
export async function loadBackgroundPicture(path: string, maxPixels?: number): Promise<RgbaImage> {
  const st = await stat(path).catch(() => null);
  const key = st?.isFile() ? `${resolve(path)}\0${st.dev}:${st.ino}:${st.size}:${Math.floor(st.mtimeMs)}\0${maxPixels ?? ''}` : null;
  if (key !== null && lastPicture?.key === key) return lastPicture.image;
  try {
    const image = await decodeToWorkOn(path, maxPixels);
    if (key !== null) lastPicture = { key, image };
    return image;
  } catch (error) {
    // Said as the background's fault, not an input's (a batch stops on it before any file).
    if (error instanceof AppError) throw new AppError(error.code, `Background picture: ${error.message}`, { cause: error, detail: error.detail });
    throw error;
  }
}

/**
 * Fits a picture to width x height: scaled to cover it and centred (what is left over at two sides
 * is cut), flattened on white where the picture itself is transparent.
 */
export async function fitBackground(picture: RgbaImage, width: number, height: number): Promise<FittedBackground> {
  const { data } = await sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 4 } })
    .flatten({ background: '#ffffff' })
    .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { kind: 'pixels', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/** The background ready for compositeOver: a picture is decoded and fitted, the others pass through. */
export async function prepareBackground(background: Background, width: number, height: number, maxPixels?: number): Promise<CompositeBackground> {
  if (background.kind !== 'image') return background;
  return fitBackground(await loadBackgroundPicture(background.path, maxPixels), width, height);
}
