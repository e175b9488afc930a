// The seam between segmentation and compositing: turns a low-resolution mask into a full-
// resolution alpha and the foreground colours to composite with. Modes: off (raw bilinear mask,
// raw pixels), fast (guided filter + foreground estimation), full (trimap + closed-form matting
// + foreground estimation); fast and full then drop the haze linked to nothing solid (loose-haze.ts).
// Core (no electron).
import type { RefineMode } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import type { RgbaImage } from '../image/decode';
import { resizeFloatBilinear } from '../image/resize';
import type { RunContext } from '../progress';
import { computeTrimap, type TrimapOptions } from '../trimap/trimap';
import { TRIMAP_BG, TRIMAP_FG, TRIMAP_UNKNOWN, withAutoLabels } from '../trimap/trimap-file';
import { solveAlphaInBox, type ClosedFormOptions, type ClosedFormStats } from './closed-form';
import { estimateForeground } from './foreground';
import { defaultGuidedSubsample, upsampleMaskGuided } from './guided-filter';
import { dropLooseHaze } from './loose-haze';
import { flattenForMatting, keepOwnEdge, ownAlphaOf } from './own-alpha';

/** What refinement starts from. */
export interface RefineInput {
  image: RgbaImage;
  /** Low-resolution foreground probability (0..1), maskW x maskH, covering the whole image. */
  mask: Float32Array;
  maskW: number;
  maskH: number;
  mode: RefineMode;
  /** Optional user trimap at full resolution: 0 background, 128 unknown, 255 foreground; 64 (a touch-up's unpainted pixels) takes the automatic trimap in 'full'. */
  trimap?: Uint8Array;
  /** Tuning of the automatic trimap ('full' mode). */
  trimapOptions?: TrimapOptions;
  /** Tuning of the closed-form solve ('full' mode). */
  solveOptions?: Omit<ClosedFormOptions, 'signal' | 'isBorderFixed' | 'onProgress'>;
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

/** A refine's progress is told as `done` of this many steps (stage 'refine'). */
export const REFINE_STEPS = 100;

/**
 * Where each step of a refine ends on its progress (0..1), by the time it took on 2 cores at 24 MP
 * (full: guided filter 4.4 s, trimap 1.1 s, solve 6.0 s, foreground colours 2.9 s). The fast
 * guided filter is much quicker, so 'fast' is half filter, half colours.
 */
const FULL_STEPS_END = { guided: 0.3, solve: 0.8 } as const;
/** The trimap's share of solveFullAlpha's progress (1.1 s of 7.1 s at 24 MP). */
const TRIMAP_SHARE = 0.15;
const FAST_GUIDED_END = 0.5;

/** Tells `ctx` a refine's progress (0..1) as stage 'refine', once per step of REFINE_STEPS. */
function refineProgress(ctx: RunContext): (fraction: number) => void {
  let told = -1;
  return (fraction) => {
    const done = Math.round(Math.min(1, Math.max(0, fraction)) * REFINE_STEPS);
    if (done <= told) return;
    told = done;
    ctx.onProgress?.({ stage: 'refine', done, total: REFINE_STEPS });
  };
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
 * unknown solved) modes; 'off' ignores it so raw output stays comparable. Progress is told as stage
 * 'refine', `done` of REFINE_STEPS ('fast' and 'full'; 'off' tells none).
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
  // 'off' only scales the mask (a fraction of a second at 80 MP): it tells no refine, so Raw edges
  // do not show "Refining edges".
  if (mode === 'off') return { alpha: resizeFloatBilinear(mask, maskW, maskH, image.width, image.height), foreground: image };
  const tell = refineProgress(ctx);
  tell(0);
  const isEstimating = input.shouldEstimateForeground !== false;
  /** The foreground colours, told from `from` to 1. */
  const foregroundOf = (alpha: Float32Array, from: number): RgbaImage => {
    const foreground = isEstimating ? estimateForeground(image, alpha, { onStep: (f) => tell(from + (1 - from) * f) }) : image;
    tell(1);
    return foreground;
  };
  // 'fast' solves the guided filter on a coarser grid (the fast guided filter); 'full' keeps the
  // exact filter, its time is in the solve.
  const subsample = mode === 'fast' ? defaultGuidedSubsample(image.width, image.height, maskW, maskH) : 1;
  const guidedEnd = mode === 'fast' ? (isEstimating ? FAST_GUIDED_END : 1) : FULL_STEPS_END.guided;
  // 'fast' keeps the mask where the picture is flat (no halo of the filter's blur round the
  // outline); 'full' solves those pixels again from its trimap, made from the plain filter's alpha.
  const alpha = upsampleMaskGuided(mask, maskW, maskH, image, { subsample, keepFlat: mode === 'fast', onStep: (f) => tell(guidedEnd * f) });
  throwIfAborted(ctx.signal);
  if (mode === 'fast') {
    tell(guidedEnd);
    if (input.trimap) applyTrimapConstraints(alpha, input.trimap);
    dropUserLooseHaze(alpha, image, input.trimap);
    return { alpha, foreground: foregroundOf(alpha, FAST_GUIDED_END) };
  }
  tell(FULL_STEPS_END.guided);
  const solveEnd = isEstimating ? FULL_STEPS_END.solve : 1;
  const { trimap, autoTrimap, solve } = await solveFullAlpha(image, alpha, input, { signal: ctx.signal, onProgress: (e) => tell(FULL_STEPS_END.guided + (solveEnd - FULL_STEPS_END.guided) * (e.done / e.total)) });
  throwIfAborted(ctx.signal);
  dropUserLooseHaze(alpha, image, input.trimap);
  return { alpha, foreground: foregroundOf(alpha, solveEnd), trimap, autoTrimap, solve };
}

/** dropLooseHaze, sparing what the user's trimap marks unknown (asked to be solved). */
function dropUserLooseHaze(alpha: Float32Array, image: RgbaImage, userTrimap: Uint8Array | undefined): void {
  dropLooseHaze(alpha, image.width, image.height, userTrimap && ((i) => userTrimap[i] === TRIMAP_UNKNOWN));
}

/**
 * 'full' edges after the guided filter: the automatic trimap of `alpha` (or the user's) and the
 * closed-form solve of its unknown pixels over the whole image, in place in `alpha`. refineMatte
 * runs it on the work image; an ID photo on its output (core/idphoto/make-id-photo.ts). Progress is
 * told as stage 'refine', `done` of REFINE_STEPS.
 */
export async function solveFullAlpha(
  image: RgbaImage,
  alpha: Float32Array,
  options: Pick<RefineInput, 'trimap' | 'trimapOptions' | 'solveOptions'> = {},
  ctx: RunContext = {},
): Promise<{ trimap: Uint8Array; autoTrimap: Uint8Array; solve: ClosedFormStats }> {
  const tell = refineProgress(ctx);
  // Its passes are told too: 8 s at 80 MP.
  const autoTrimap = computeTrimap(alpha, image.width, image.height, options.trimapOptions, (f) => tell(TRIMAP_SHARE * f));
  // A touch-up's unpainted pixels (TRIMAP_AUTO) are solved as without it.
  const trimap = options.trimap ? withAutoLabels(options.trimap, autoTrimap) : autoTrimap;
  tell(TRIMAP_SHARE);
  const box = { x: 0, y: 0, width: image.width, height: image.height };
  const solve = await solveAlphaInBox(image, trimap, alpha, box, { ...options.solveOptions, signal: ctx.signal, onProgress: (f) => tell(TRIMAP_SHARE + (1 - TRIMAP_SHARE) * f) });
  tell(1);
  return { trimap, autoTrimap, solve };
}
