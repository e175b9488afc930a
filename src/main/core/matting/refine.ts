// The seam between segmentation and compositing: turns a low-resolution mask into a full-
// resolution alpha and the foreground colours to composite with. Modes: off | fast | full.
// Core (no electron).
import type { RefineMode } from '../../../shared/jobs';
import type { RgbaImage } from '../image/decode';
import { resizeFloatBilinear } from '../image/resize';
import type { RunContext } from '../progress';
import { upsampleMaskGuided } from './guided-filter';

/** What refinement starts from. */
export interface RefineInput {
  image: RgbaImage;
  /** Low-resolution foreground probability (0..1), maskW x maskH, covering the whole image. */
  mask: Float32Array;
  maskW: number;
  maskH: number;
  mode: RefineMode;
  /** Optional user trimap at full resolution: 0 background, 128 unknown, 255 foreground. */
  trimap?: Uint8Array;
}

/** Full-resolution alpha (0..1) and the RGBA whose colours are composited. */
export interface RefineResult {
  alpha: Float32Array;
  foreground: RgbaImage;
}

/** Turns a model mask into a full-resolution alpha (and foreground colours) by the chosen mode. */
export async function refineMatte(input: RefineInput, _ctx: RunContext = {}): Promise<RefineResult> {
  const { image, mask, maskW, maskH, mode } = input;
  if (mode === 'off') {
    return { alpha: resizeFloatBilinear(mask, maskW, maskH, image.width, image.height), foreground: image };
  }
  const alpha = upsampleMaskGuided(mask, maskW, maskH, image);
  return { alpha, foreground: image };
}
