// The ID photo's 'auto' brightness: the least change that brings a face the face brightness check
// fails into its band, and none for a face that passes. Core (pure typed-array code).
import { ID_PHOTO_BRIGHTNESS_EV_MAX } from '../../../shared/jobs';
import type { RgbaImage } from '../image/decode';
import { brightnessTable } from '../image/tone';
import type { Point } from '../face/yunet';
import { FACE_LIGHTNESS_BAND, facePatchOf, meanLab, measure } from './compliance';

/** The steps 'auto' tries, EV: the Brightness slider's. */
export const AUTO_BRIGHTNESS_STEP_EV = 0.25;

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
 * face's patch of the photo composed at that brightness. ±ID_PHOTO_BRIGHTNESS_EV_MAX when none does
 * (the photo then still fails, as close as the slider gets it).
 */
export function autoBrightnessEv(placed: PlacedFace): number {
  const { colours, alpha, bgRgb } = placed;
  const pick = facePatchOf(alpha, placed.eyes, placed.chin);
  const patch: number[] = [];
  for (let y = 0, i = 0; y < colours.height; y++) for (let x = 0; x < colours.width; x++, i++) if (pick(i, x, y)) patch.push(i);
  if (patch.length === 0) return 0;
  // The patch's pixels composed as the photo composes them, in the same order (the same mean).
  const composed: RgbaImage = { data: new Uint8Array(patch.length * 4), width: patch.length, height: 1 };
  const passesAt = (ev: number): { pass: boolean; value: number } => {
    const tone = brightnessTable(ev);
    patch.forEach((i, j) => {
      const a = alpha[i];
      for (let c = 0; c < 3; c++) composed.data[j * 4 + c] = Math.round(tone[colours.data[i * 4 + c]] * a + bgRgb[c] * (1 - a));
      composed.data[j * 4 + 3] = 255;
    });
    const value = meanLab(composed, () => true).lab[0];
    return { pass: measure(value, 'L*', FACE_LIGHTNESS_BAND[0], FACE_LIGHTNESS_BAND[1]).pass, value };
  };
  const asIs = passesAt(0);
  if (asIs.pass) return 0;
  const direction = asIs.value < FACE_LIGHTNESS_BAND[0] ? 1 : -1;
  let ev = 0;
  for (let k = 1; k * AUTO_BRIGHTNESS_STEP_EV <= ID_PHOTO_BRIGHTNESS_EV_MAX; k++) {
    ev = direction * k * AUTO_BRIGHTNESS_STEP_EV;
    if (passesAt(ev).pass) break;
  }
  return ev;
}
