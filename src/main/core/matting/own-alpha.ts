// Pictures with transparency of their own (a sprite, a cut-out made elsewhere): what the mask
// models and the matting see of them (flattened on a backdrop that stands apart from their edge),
// and what a cut-out keeps of their own alpha. Pure typed arrays. Core (no electron).
import type { RgbaImage } from '../image/decode';
import { defaultBandPx } from '../trimap/trimap';
import { dilateSquare } from './morphology';

/** Whether a picture hides every pixel (alpha 0 all over): nothing of it shows. */
export function isWhollyTransparent(image: Pick<RgbaImage, 'data'>): boolean {
  for (let o = 3; o < image.data.length; o += 4) if (image.data[o] !== 0) return false;
  return true;
}

/**
 * What a picture with transparency of its own keeps of it, in place on `alpha`: nothing it hides
 * comes back, no pixel shows more than it does, and within the edge band of its transparent parts
 * what the matte holds as subject (alpha ≥ 0.5) keeps the picture's own edge instead of a solved,
 * softer one (a dark suit's outline half transparent against the white it was matted on). Those
 * pixels take the picture's colours into `colours.foreground`. Within `box` when given (a brush
 * re-solve); applying it twice changes nothing.
 */
export function keepOwnEdge(
  alpha: Float32Array,
  own: Uint8Array,
  width: number,
  height: number,
  colours?: { source: RgbaImage; foreground: RgbaImage },
  box: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, width, height },
): void {
  const hidden = new Uint8Array(own.length);
  for (let i = 0; i < own.length; i++) hidden[i] = own[i] === 0 ? 1 : 0;
  const near = dilateSquare(hidden, width, height, defaultBandPx(width, height));
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const i = y * width + x;
      if (own[i] === 255 && !near[i]) continue;
      const a = near[i] && alpha[i] >= 0.5 ? 1 : alpha[i];
      const kept = Math.min(a, own[i] / 255);
      if (colours && kept !== alpha[i] && own[i] > 0) {
        const o = i * 4;
        colours.foreground.data[o] = colours.source.data[o];
        colours.foreground.data[o + 1] = colours.source.data[o + 1];
        colours.foreground.data[o + 2] = colours.source.data[o + 2];
      }
      alpha[i] = kept;
    }
  }
}

/**
 * The picture's own alpha channel when any pixel is less than opaque, else null. A decoded picture
 * whose file has no alpha channel (a JPEG: most photos) is known opaque without a scan; the cut-out
 * asks this of the same picture for the model, the matting and the review.
 */
export function ownAlphaOf(image: RgbaImage & { hasAlpha?: boolean }): Uint8Array | null {
  if (image.hasAlpha === false || isOpaqueRgba(image.data)) return null;
  const { data } = image;
  const n = image.width * image.height;
  const own = new Uint8Array(n);
  for (let k = 0; k < n; k++) own[k] = data[k * 4 + 3];
  return own;
}

/** Whether every pixel of RGBA data is opaque (stops at the first that is not). */
export function isOpaqueRgba(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * The picture's own alpha as a person's is in an ID photo, where the person is opaque: a picture
 * faded as a whole (a layer's opacity: a cut-out saved at 50 %) is brought back, each alpha over
 * its 95th percentile among the pixels it shows (its subject's body), so that level reads opaque
 * and the edges scale with it; a cut-out whose body is opaque is unchanged. Null when the picture
 * then hides nothing (no transparency, or a fade alone). A new array; `own` is not changed.
 */
export function unfadedOwnAlpha(own: Uint8Array): Uint8Array | null {
  const counts = new Float64Array(256);
  for (let i = 0; i < own.length; i++) counts[own[i]]++;
  const shown = own.length - counts[0];
  if (shown === 0) return null;
  let level = 255;
  for (let seen = 0; level > 0; level--) {
    seen += counts[level];
    if (seen >= 0.05 * shown) break;
  }
  const out = new Uint8Array(own.length);
  let isOpaque = true;
  for (let i = 0; i < own.length; i++) {
    out[i] = Math.min(255, Math.round((own[i] * 255) / level));
    if (out[i] !== 255) isOpaque = false;
  }
  return isOpaque ? null : out;
}

/** Backdrops a transparent picture may be matted on. */
export const MATTING_BACKDROPS: readonly (readonly [number, number, number])[] = [
  [255, 255, 255],
  [0, 0, 0],
  [128, 128, 128],
];

/**
 * The backdrop a picture with transparency is matted on: of MATTING_BACKDROPS, the one the fewest
 * of its edge pixels (opaque next to transparent) are within 80 of, so the subject's outline
 * stands out from it (a white dress is not matted on white, nor black hair on black). On 30
 * training sprites (every 25th of ../shared/train/anime/fg, not eval data) the anime cut-out's
 * IoU with their own alpha was 0.9585 with this choice, against 0.9429 on white, 0.9313 on
 * black and 0.9545 on grey (docs/matting.md).
 */
export function backdropFor(image: RgbaImage): readonly [number, number, number] {
  const { data, width: W, height: H } = image;
  const close = MATTING_BACKDROPS.map(() => 0);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      if (data[i * 4 + 3] < 128) continue;
      if (data[(i - 1) * 4 + 3] >= 128 && data[(i + 1) * 4 + 3] >= 128 && data[(i - W) * 4 + 3] >= 128 && data[(i + W) * 4 + 3] >= 128) continue;
      const o = i * 4;
      MATTING_BACKDROPS.forEach(([r, g, b], k) => {
        const d = Math.hypot(data[o] - r, data[o + 1] - g, data[o + 2] - b);
        if (d < 80) close[k]++;
      });
    }
  }
  let best = 0;
  for (let k = 1; k < close.length; k++) if (close[k] < close[best]) best = k;
  return MATTING_BACKDROPS[best];
}

/** A copy of `image`, opaque, its transparent parts flattened on `backdrop` (backdropFor by default). */
export function flattenForMatting(image: RgbaImage, backdrop: readonly [number, number, number] = backdropFor(image)): RgbaImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  const [br, bgc, bb] = backdrop;
  for (let o = 0; o < src.length; o += 4) {
    const a = src[o + 3];
    const k = 255 - a;
    out[o] = (src[o] * a + br * k + 127) / 255;
    out[o + 1] = (src[o + 1] * a + bgc * k + 127) / 255;
    out[o + 2] = (src[o + 2] * a + bb * k + 127) / 255;
    out[o + 3] = 255;
  }
  return { ...image, data: out };
}

