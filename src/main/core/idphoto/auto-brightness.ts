// The ID photo's person composed at a brightness on the background colour, and the 'auto'
// brightness: the least change that brings a face the face brightness check fails into its band,
// and none for a face that passes. Core (pure typed-array code).
import { ID_PHOTO_BRIGHTNESS_EV_MAX } from '../../../shared/jobs';
import type { RgbaImage } from '../image/decode';
import { brightnessTable } from '../image/tone';
import type { Point } from '../face/yunet';
import { faceLightnessOf, facePatchOf, meanLab } from './compliance';

/** The steps 'auto' tries, EV: the Brightness slider's. */
export const AUTO_BRIGHTNESS_STEP_EV = 0.25;

/**
 * The least change of the face's lightness (ΔL*) that 'auto' makes when no step mends the face:
 * about one just-noticeable difference (ΔE76 2.3). Less is not seen on the face, and the rest of
 * the person would still be made lighter or darker for nothing (white stays white: a face burnt
 * out by flash hardly darkens).
 */
export const AUTO_BRIGHTNESS_MIN_GAIN_L = 2.3;

/**
 * Writes one pixel of an ID photo: the person's colour (`colours` at pixel `i`) through `tone`
 * (brightnessTable) over the background colour by alpha `a`, opaque, into `out` at pixel `o`.
 * makeIdPhoto composes every pixel so, and 'auto' the face's patch.
 */
export function composePixel(out: Uint8Array, o: number, colours: Uint8Array, i: number, a: number, tone: Uint8Array, bgRgb: readonly [number, number, number]): void {
  const to = o * 4;
  const from = i * 4;
  const b = 1 - a;
  out[to] = Math.round(tone[colours[from]] * a + bgRgb[0] * b);
  out[to + 1] = Math.round(tone[colours[from + 1]] * a + bgRgb[1] * b);
  out[to + 2] = Math.round(tone[colours[from + 2]] * a + bgRgb[2] * b);
  out[to + 3] = 255;
}

/**
 * The whole photo composed so (composePixel at every pixel): a plain function, so V8 keeps its
 * optimised loop from photo to photo (inside makeIdPhoto it ran unoptimised after each collection).
 */
export function composePhoto(colours: RgbaImage, alpha: Float32Array, tone: Uint8Array, bgRgb: readonly [number, number, number]): RgbaImage {
  const { width, height } = colours;
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) composePixel(out, i, colours.data, i, alpha[i], tone, bgRgb);
  return { data: out, width, height };
}

/** A placed photo before it is composed: the person's colours and matte at the photo's size, the background colour, and the face's eyes and chin there. */
export interface PlacedFace {
  colours: RgbaImage;
  alpha: Float32Array;
  bgRgb: readonly [number, number, number];
  eyes: readonly [Point, Point];
  chin: Point;
}

/**
 * The brightness (EV) 'auto' gives a photo. 0 when its face passes the face brightness check: a
 * deep skin tone is not an under-exposed photo, nor a fair one a burnt-out one, and a photo that
 * passes is left as it is. Otherwise the least step of AUTO_BRIGHTNESS_STEP_EV (lighter for a face
 * too dark, darker for one too light) whose face passes, measured as the check measures it: the
 * face's patch of the photo composed at that brightness (composePixel, faceLightnessOf). When none
 * does, the slider's end (±ID_PHOTO_BRIGHTNESS_EV_MAX) if it moves the face's lightness at least
 * AUTO_BRIGHTNESS_MIN_GAIN_L towards the band (the photo then still fails, as close as the slider
 * gets it), else 0.
 */
export function autoBrightnessEv(placed: PlacedFace): number {
  const { colours, alpha, bgRgb } = placed;
  const pick = facePatchOf(alpha, placed.eyes, placed.chin);
  const patch: number[] = [];
  for (let y = 0, i = 0; y < colours.height; y++) for (let x = 0; x < colours.width; x++, i++) if (pick(i, x, y)) patch.push(i);
  if (patch.length === 0) return 0;
  // The patch's pixels composed as the photo composes them, in the same order (the same mean).
  const composed: RgbaImage = { data: new Uint8Array(patch.length * 4), width: patch.length, height: 1 };
  const lightnessAt = (ev: number) => {
    const tone = brightnessTable(ev);
    patch.forEach((i, j) => composePixel(composed.data, j, colours.data, i, alpha[i], tone, bgRgb));
    return faceLightnessOf(meanLab(composed, () => true));
  };
  const asIs = lightnessAt(0);
  if (asIs.pass) return 0;
  const direction = asIs.value! < asIs.min! ? 1 : -1;
  let last = asIs;
  for (let k = 1; k * AUTO_BRIGHTNESS_STEP_EV <= ID_PHOTO_BRIGHTNESS_EV_MAX; k++) {
    last = lightnessAt(direction * k * AUTO_BRIGHTNESS_STEP_EV);
    if (last.pass) return direction * k * AUTO_BRIGHTNESS_STEP_EV;
  }
  return Math.abs(last.value! - asIs.value!) >= AUTO_BRIGHTNESS_MIN_GAIN_L ? direction * ID_PHOTO_BRIGHTNESS_EV_MAX : 0;
}
