// Touch-up re-solve: after a brush stroke, only the stroke's box plus a margin is solved again
// (closed-form, warm-started from the current alpha, ring held fixed) and its foreground colours
// re-estimated. Core (no electron); the engine calls it per stroke for the live preview.
import type { DirtyBox } from '../../../shared/trimap-brush';
import { cropRgba } from '../image/resize';
import type { RgbaImage } from '../image/decode';
import type { RunContext } from '../progress';
import { defaultBandPx } from '../trimap/trimap';
import { solveAlphaInBox, type ClosedFormOptions, type ClosedFormStats, type PixelBox } from './closed-form';
import { defaultForegroundRadius, estimateForeground } from './foreground';

/** The editable matte of one image: everything a stroke re-solve reads and updates. */
export interface MatteState {
  image: RgbaImage;
  /** Current (possibly brushed) trimap, 0 / 128 / 255. */
  trimap: Uint8Array;
  /** Current alpha 0..1, full resolution; updated in place. */
  alpha: Float32Array;
  /** Current estimated foreground (RGBA, A = alpha); updated in place. */
  foreground: RgbaImage;
}

/** The part of the matte a re-solve changed (row-major over `box`). */
export interface RegionUpdate {
  box: PixelBox;
  /** Alpha 0..1 of the box, box.width x box.height. */
  alpha: Float32Array;
  /** RGBA foreground of the box (A = alpha), box.width x box.height x 4. */
  foreground: Uint8Array;
  stats: ClosedFormStats;
}

/**
 * The pixels solved around a stroke's box: three times the automatic trimap band, at least 24. A
 * stroke's effect runs along the unknown band past the box; at the band alone (8 px on a 480-px
 * preview) the held ring left a seam, the re-matte 136/255 off the export's full solve there, and
 * at 24 px 16.5 (a review's measure on df_img-sized previews).
 */
export function regionMarginPx(width: number, height: number): number {
  return Math.max(24, 3 * defaultBandPx(width, height));
}

/** Options of resolveRegion. */
export interface ResolveRegionOptions {
  /** Extra pixels solved around the dirty box; default regionMarginPx. */
  marginPx?: number;
  solve?: Omit<ClosedFormOptions, 'signal' | 'isBorderFixed'>;
}

/** The box a region solve of `dirty` works in: grown by `margin` on each side, within the W x H picture. */
export function regionBox(dirty: DirtyBox, W: number, H: number, margin: number): PixelBox {
  const x0 = Math.max(0, dirty.x - margin);
  const y0 = Math.max(0, dirty.y - margin);
  return { x: x0, y: y0, width: Math.min(W, dirty.x + dirty.width + margin) - x0, height: Math.min(H, dirty.y + dirty.height + margin) - y0 };
}

/**
 * Re-solves alpha inside `dirty` + margin after the trimap changed there, warm-started from the
 * current alpha with the box's outer ring held fixed, then re-estimates the foreground colours
 * of that box. Updates `state.alpha` and `state.foreground` in place and returns the patch.
 */
export async function resolveRegion(state: MatteState, dirty: DirtyBox, options: ResolveRegionOptions = {}, ctx: RunContext = {}): Promise<RegionUpdate> {
  const { image, trimap, alpha, foreground } = state;
  const W = image.width;
  const H = image.height;
  const box = regionBox(dirty, W, H, options.marginPx ?? regionMarginPx(W, H));
  const [x0, y0, x1, y1] = [box.x, box.y, box.x + box.width, box.y + box.height];
  const stats = await solveAlphaInBox(image, trimap, alpha, box, { ...options.solve, isBorderFixed: true, signal: ctx.signal });

  // Foreground: blur-fusion on the box grown by the large blur radius, so it sees the same context.
  const rl = defaultForegroundRadius(W, H);
  const cx0 = Math.max(0, x0 - rl);
  const cy0 = Math.max(0, y0 - rl);
  const cw = Math.min(W, x1 + rl) - cx0;
  const ch = Math.min(H, y1 + rl) - cy0;
  const cropAlpha = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) cropAlpha.set(alpha.subarray((cy0 + y) * W + cx0, (cy0 + y) * W + cx0 + cw), y * cw);
  const fg = estimateForeground(cropRgba(image, cx0, cy0, cw, ch), cropAlpha, { largeRadiusPx: rl });

  const patchAlpha = new Float32Array(box.width * box.height);
  const patchFg = new Uint8Array(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const src = ((y0 - cy0 + y) * cw + (x0 - cx0)) * 4;
    const row = fg.data.subarray(src, src + box.width * 4);
    patchFg.set(row, y * box.width * 4);
    foreground.data.set(row, ((y0 + y) * W + x0) * 4);
    patchAlpha.set(alpha.subarray((y0 + y) * W + x0, (y0 + y) * W + x1), y * box.width);
  }
  return { box, alpha: patchAlpha, foreground: patchFg, stats };
}
