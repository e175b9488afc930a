// Reading a user-edited trimap (0 background, 128 unknown, 255 foreground) at the image's size: a
// PNG as the editor saves it, or any picture the app opens (a BMP from Paint). Core (no electron).
import { stat } from 'node:fs/promises';
import { decodeImage, type DecodedImage } from '../image/decode';
import { AppError, DEFAULT_MAX_PIXELS } from '../../../shared/errors';
import { TRIMAP_LABEL } from '../../../shared/trimap-brush';

/** Trimap label values, as stored in trimap PNGs (the same as the shared TRIMAP_LABEL). */
export const TRIMAP_BG = TRIMAP_LABEL.bg;
/** Unknown: solved by matting. */
export const TRIMAP_UNKNOWN = TRIMAP_LABEL.unknown;
/** Foreground. */
export const TRIMAP_FG = TRIMAP_LABEL.fg;
/** Left to the automatic trimap (a touch-up's unpainted pixels): exactly this value in a file. */
export const TRIMAP_AUTO = TRIMAP_LABEL.auto;

/** A user trimap with its `auto` pixels taken from the automatic trimap (a new array; `user` as it is when it has none). */
export function withAutoLabels(user: Uint8Array, auto: Uint8Array): Uint8Array {
  if (!user.includes(TRIMAP_AUTO)) return user;
  const out = user.slice();
  for (let i = 0; i < out.length; i++) if (out[i] === TRIMAP_AUTO) out[i] = auto[i];
  return out;
}

/**
 * The last trimap decoded, by file identity: the ID-photo preview asks for the same touch-up on
 * every slider move, and decoding a 2-megapixel PNG costs about 25 ms. A rewritten file (the
 * touch-up is saved by temp file + rename) has another inode or mtime, so it is read again.
 */
let lastDecoded: { key: string; labels: Uint8Array } | null = null;

/**
 * Decodes a trimap PNG to one byte per pixel, snapped to 0 / 128 / 255 (values below 64 are
 * background, above 191 foreground, between unknown), and exactly 64 kept as TRIMAP_AUTO (a
 * touch-up's "as the engine would make it") in a file that holds the four labels alone. It must match the image's size,
 * or `ownSize`, the picture's own size when it is worked on smaller (over the pixel budget): such a
 * trimap is scaled to the image's size nearest-neighbour (it was refused, naming a size the user never saw).
 * The caller owns the returned array (a copy when it comes from the cache).
 */
export async function decodeTrimapFile(path: string, width: number, height: number, ownSize?: { width: number; height: number }): Promise<Uint8Array> {
  // A missing file is said as such, like a missing input or background picture.
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new AppError('INPUT_NOT_FOUND', `Trimap file not found: ${path}`, { detail: { path } });
  const key = `${path}\0${st.dev}:${st.ino}:${st.size}:${Math.floor(st.mtimeMs)}\0${width}x${height}\0${ownSize ? `${ownSize.width}x${ownSize.height}` : ''}`;
  if (lastDecoded?.key === key) return lastDecoded.labels.slice();
  let trimap: DecodedImage;
  try {
    // Decoded as any picture is (a BMP from Paint, a HEIC), its first channel read.
    trimap = await decodeImage(path, ownSize ? { maxPixels: Math.max(DEFAULT_MAX_PIXELS, ownSize.width * ownSize.height) } : {});
  } catch (cause) {
    throw new AppError('INPUT_UNSUPPORTED', `Trimap ${path} could not be read (${(cause as Error).message})`, { cause, detail: { path } });
  }
  const isOwnSize = ownSize !== undefined && trimap.width === ownSize.width && trimap.height === ownSize.height;
  if ((trimap.width !== width || trimap.height !== height) && !isOwnSize) {
    const shown = ownSize ?? { width, height };
    throw new AppError('INVALID_ARGUMENT', `Trimap ${path} is ${trimap.width}x${trimap.height} but the image is ${shown.width}x${shown.height}`, { detail: { path } });
  }
  const out = new Uint8Array(trimap.width * trimap.height);
  let isLabelsOnly = true;
  for (let i = 0; i < out.length; i++) {
    const v = trimap.data[i * 4];
    out[i] = v < 64 ? TRIMAP_BG : v > 191 ? TRIMAP_FG : v === TRIMAP_AUTO ? TRIMAP_AUTO : TRIMAP_UNKNOWN;
    if (v !== TRIMAP_BG && v !== TRIMAP_AUTO && v !== TRIMAP_UNKNOWN && v !== TRIMAP_FG) isLabelsOnly = false;
  }
  // 64 means auto only in a file of the four labels alone (as the editor saves a touch-up): in a
  // hand-made trimap with soft edges it is one more grey between background and unknown.
  if (!isLabelsOnly) for (let i = 0; i < out.length; i++) if (out[i] === TRIMAP_AUTO) out[i] = TRIMAP_UNKNOWN;
  const labels = scaleTrimapNearest(out, trimap.width, trimap.height, width, height);
  lastDecoded = { key, labels: labels.slice() };
  return labels;
}

/** Nearest-neighbour scale of a trimap (labels must stay 0 / 64 / 128 / 255). */
export function scaleTrimapNearest(trimap: Uint8Array, srcW: number, srcH: number, dstW: number, dstH: number): Uint8Array {
  if (srcW === dstW && srcH === dstH) return trimap;
  const out = new Uint8Array(dstW * dstH);
  const xs = new Int32Array(dstW);
  for (let x = 0; x < dstW; x++) xs[x] = Math.min(srcW - 1, Math.floor(((x + 0.5) * srcW) / dstW));
  for (let y = 0; y < dstH; y++) {
    const row = Math.min(srcH - 1, Math.floor(((y + 0.5) * srcH) / dstH)) * srcW;
    const o = y * dstW;
    for (let x = 0; x < dstW; x++) out[o + x] = trimap[row + xs[x]];
  }
  return out;
}
