// A mask file (a ground truth, a user's alpha) read as alpha in 0..1: eval's truths and
// training-data's --alphas read alike. Core (no electron).
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';

/**
 * Reads a ground-truth PNG as alpha in 0..1: its alpha channel where it has one that is not all
 * opaque (a cut-out as truth: its colours were read, and a black one scored an empty truth, a
 * white one the whole picture), else its grey levels over 255; a mask in colours (a palette's
 * class colours, which read as a dim grey) is 1 wherever it is not black. With `isClassIds`
 * (annotations/: 0 background, any other id the subject) any id above 0 is 1 (ids read as 1/255
 * and scored an empty truth). `size`: resized to it first, as an image over the pixel budget is
 * (class ids by their nearest pixel).
 */
export async function readTruth(path: string, isClassIds = false, size?: { width: number; height: number }): Promise<{ alpha: Float32Array; width: number; height: number }> {
  // A damaged truth file is named (it was "INTERNAL: … unsupported image format", no file said).
  const read = size ? sharp(path).resize(size.width, size.height, { fit: 'fill', kernel: isClassIds ? 'nearest' : 'lanczos3' }) : sharp(path);
  const { data, info } = await read
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch((cause: Error) => {
      throw new AppError('INPUT_UNSUPPORTED', `${path}: the ground truth could not be read: it is damaged or not a picture (${cause.message.split('\n')[0]})`, { cause, detail: { path } });
    });
  const n = info.width * info.height;
  const ch = info.channels;
  const alpha = new Float32Array(n);
  const hasAlpha = ch === 2 || ch === 4;
  let isAlphaUsed = false;
  if (hasAlpha && !isClassIds) for (let i = 0; i < n && !isAlphaUsed; i++) isAlphaUsed = data[i * ch + ch - 1] < 255;
  let isColour = false;
  if (ch >= 3 && !isAlphaUsed) for (let i = 0; i < n && !isColour; i++) isColour = data[i * ch] !== data[i * ch + 1] || data[i * ch + 1] !== data[i * ch + 2];
  for (let i = 0; i < n; i++) {
    const o = i * ch;
    if (isAlphaUsed) alpha[i] = data[o + ch - 1] / 255;
    else if (isClassIds) alpha[i] = data[o] > 0 ? 1 : 0;
    else if (isColour) alpha[i] = data[o] > 0 || data[o + 1] > 0 || data[o + 2] > 0 ? 1 : 0;
    else alpha[i] = data[o] / 255;
  }
  return { alpha, width: info.width, height: info.height };
}
