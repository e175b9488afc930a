// How dark a picture is, and the gain that shows it to a model as if exposed well: a person model
// and the face models see an under-exposed picture brightened, their inputs multiplied after the
// resize (docs/quality.md, "Under-exposed pictures"); the picture itself is not changed. Pure typed
// arrays. Core (no electron).
import { luma } from '../../../shared/color';
import type { RgbaImage } from './decode';

/**
 * The 99th percentile of luma (0..255) a person model's or the face models' input is brought up to
 * when the picture's own is lower, and the most it is multiplied by for that. An under-exposed
 * portrait lost the person model's grip on its edges and moved its landmarks: the 33 `id_portraits`
 * photos at a quarter of their sRGB values gave masks that agree with their own photo's at a mean
 * IoU (at 0.5) of 0.971 (df_img62 0.73), 0.994 seen brightened so, and eyes and chin a median 4.5 %
 * of the eyes' distance from their own photo's, 1.8 % brightened (docs/quality.md, "Under-exposed
 * pictures"). 170 lies below every eval photo's own percentile (174 the lowest, of 114 photos in
 * three sets), so a picture exposed as those are is seen as it is; the gain is continuous in the
 * percentile (no jump between two frames that differ a little).
 */
export const EXPOSURE_TARGET_P99 = 170;
export const EXPOSURE_GAIN_MAX = 4;

/** About how many pixels exposureGain counts, whatever the picture's size. */
const EXPOSURE_SAMPLES = 65536;

/**
 * The gain (1 to EXPOSURE_GAIN_MAX) that brings the picture's 99th percentile of luma up to
 * EXPOSURE_TARGET_P99: 1 for a picture at or above it. Counted on a grid of every k-th pixel of every
 * k-th row, k at least 3 and large enough to keep to about EXPOSURE_SAMPLES pixels (plenty for a
 * percentile; a 24-megapixel photo costs what a 0.6-megapixel one does).
 */
export function exposureGain(image: RgbaImage): number {
  const histogram = new Uint32Array(256);
  const { data, width, height } = image;
  const k = Math.max(3, Math.ceil(Math.sqrt((width * height) / EXPOSURE_SAMPLES)));
  let n = 0;
  for (let y = 1; y < height; y += k) {
    for (let x = 1, j = (y * width + 1) * 4; x < width; x += k, j += 4 * k) {
      histogram[Math.min(255, Math.round(luma(data[j], data[j + 1], data[j + 2])))]++;
      n++;
    }
  }
  if (n === 0) return 1;
  let below = 0;
  let p99 = 255;
  for (let v = 0; v < 256; v++) {
    below += histogram[v];
    if (below >= 0.99 * n) {
      p99 = v;
      break;
    }
  }
  return Math.min(EXPOSURE_GAIN_MAX, Math.max(1, EXPOSURE_TARGET_P99 / Math.max(1, p99)));
}

/** sRGB values multiplied by `gain`, rounded and clipped at 255, as a table of the 256 values. */
function gainTable(gain: number): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, v) => Math.min(255, Math.round(v * gain)));
}

/**
 * Multiplies a model's RGB input (sRGB bytes, after its resize) by `gain` in place (gainTable). Done
 * on the model's input, not the picture: a few hundred pixels a side, whatever the picture's size.
 */
export function applyGain(rgb: Uint8Array, gain: number): void {
  if (gain === 1) return;
  const table = gainTable(gain);
  for (let i = 0; i < rgb.length; i++) rgb[i] = table[rgb[i]];
}
