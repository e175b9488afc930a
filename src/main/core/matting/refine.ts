// The seam between segmentation and compositing: turns a low-resolution mask into a full-
// resolution alpha and the foreground colours to composite with. Modes: off (raw bilinear mask,
// raw pixels), fast (guided filter + foreground estimation), full (trimap + closed-form matting
// + foreground estimation). Core (no electron).
import type { RefineMode } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import type { RgbaImage } from '../image/decode';
import { resizeFloatBilinear } from '../image/resize';
import type { RunContext } from '../progress';
import { computeTrimap, type TrimapOptions } from '../trimap/trimap';
import { TRIMAP_BG, TRIMAP_FG } from '../trimap/trimap-file';
import { solveAlphaInBox, type ClosedFormOptions, type ClosedFormStats } from './closed-form';
import { estimateForeground } from './foreground';
import { defaultGuidedSubsample, upsampleMaskGuided } from './guided-filter';
import { flattenForMatting, keepOwnEdge, ownAlphaOf } from './own-alpha';

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
  /** Tuning of the automatic trimap ('full' mode). */
  trimapOptions?: TrimapOptions;
  /** Tuning of the closed-form solve ('full' mode). */
  solveOptions?: Omit<ClosedFormOptions, 'signal' | 'isBorderFixed'>;
  /**
   * Estimate foreground colours (default true). Callers that only need the alpha (previews),
   * or that estimate colours later on a smaller crop (ID photos), pass false and get the raw
   * pixels back as `foreground`.
   */
  shouldEstimateForeground?: boolean;
}

/** Full-resolution alpha (0..1) and the RGBA whose colours are composited. */
export interface RefineResult {
  alpha: Float32Array;
  /** Colours to composite: estimated foreground (fast, full) or the raw pixels (off). */
  foreground: RgbaImage;
  /** The trimap that was solved ('full' mode): the user's, or the automatic one. */
  trimap?: Uint8Array;
  /** The automatic trimap ('full' mode), what the brush eraser restores. */
  autoTrimap?: Uint8Array;
  /** Closed-form solve statistics ('full' mode). */
  solve?: ClosedFormStats;
}

/** Forces alpha to 0 / 1 where a trimap says background / foreground. */
export function applyTrimapConstraints(alpha: Float32Array, trimap: Uint8Array): void {
  for (let i = 0; i < alpha.length; i++) {
    if (trimap[i] === TRIMAP_FG) alpha[i] = 1;
    else if (trimap[i] === TRIMAP_BG) alpha[i] = 0;
  }
}

/**
 * Turns a model mask into a full-resolution alpha and foreground colours by the chosen mode.
 * A user trimap is honoured in 'fast' (its fg/bg clamp the alpha) and 'full' (fg/bg fixed,
 * unknown solved) modes; 'off' ignores it so raw output stays comparable.
 */
export async function refineMatte(input: RefineInput, ctx: RunContext = {}): Promise<RefineResult> {
  const own = ownAlphaOf(input.image);
  if (!own) return refineOpaque(input, ctx);
  // A picture with transparency of its own (a sprite, a cut-out made elsewhere): its hidden pixels
  // (often black, or a deleted background) are matted as the models see them (flattenForMatting);
  // then its own edge is kept (keepOwnEdge).
  const flat = flattenForMatting(input.image);
  const result = await refineOpaque({ ...input, image: flat }, ctx);
  const isEstimated = result.foreground !== flat;
  const foreground = isEstimated ? result.foreground : input.image;
  keepOwnEdge(result.alpha, own, input.image.width, input.image.height, isEstimated ? { source: input.image, foreground } : undefined);
  return { ...result, foreground };
}

/** refineMatte for an opaque picture. */
async function refineOpaque(input: RefineInput, ctx: RunContext): Promise<RefineResult> {
  const { image, mask, maskW, maskH, mode } = input;
  const foregroundOf = (alpha: Float32Array): RgbaImage => (input.shouldEstimateForeground === false ? image : estimateForeground(image, alpha));
  if (mode === 'off') {
    return { alpha: resizeFloatBilinear(mask, maskW, maskH, image.width, image.height), foreground: image };
  }
  // 'fast' solves the guided filter on a coarser grid (the fast guided filter); 'full' keeps the
  // exact filter, its time is in the solve.
  const subsample = mode === 'fast' ? defaultGuidedSubsample(image.width, image.height, maskW, maskH) : 1;
  const alpha = upsampleMaskGuided(mask, maskW, maskH, image, { subsample });
  throwIfAborted(ctx.signal);
  if (mode === 'fast') {
    if (input.trimap) applyTrimapConstraints(alpha, input.trimap);
    return { alpha, foreground: foregroundOf(alpha) };
  }
  const { trimap, autoTrimap, solve } = await solveFullAlpha(image, alpha, input, ctx);
  throwIfAborted(ctx.signal);
  return { alpha, foreground: foregroundOf(alpha), trimap, autoTrimap, solve };
}

/**
 * 'full' edges after the guided filter: the automatic trimap of `alpha` (or the user's) and the
 * closed-form solve of its unknown pixels over the whole image, in place in `alpha`. refineMatte
 * runs it on the work image; an ID photo on its output (core/idphoto/make-id-photo.ts).
 */
export async function solveFullAlpha(
  image: RgbaImage,
  alpha: Float32Array,
  options: Pick<RefineInput, 'trimap' | 'trimapOptions' | 'solveOptions'> = {},
  ctx: RunContext = {},
): Promise<{ trimap: Uint8Array; autoTrimap: Uint8Array; solve: ClosedFormStats }> {
  const autoTrimap = computeTrimap(alpha, image.width, image.height, options.trimapOptions);
  const trimap = options.trimap ?? autoTrimap;
  const solve = await solveAlphaInBox(image, trimap, alpha, { x: 0, y: 0, width: image.width, height: image.height }, { ...options.solveOptions, signal: ctx.signal });
  return { trimap, autoTrimap, solve };
}
