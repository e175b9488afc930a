// An ID photo's matte holds one person: what the matte keeps away from them (a smudge of the old
// background the segmenter half-believed: a tree's edge beside the head, a pink wall by a
// shoulder) is dropped before the photo is composed. Pure typed arrays. Core (no electron).
import { flood8 } from '../matting/morphology';
import { chamferDistance } from '../trimap/trimap';

/**
 * How far (mm on the photo) the matte may reach beyond the person's solid part (alpha >= 0.5,
 * connected to the face) before it is dropped; from half of it on it fades out. Loose hair within
 * it stays; a blob of background beyond it goes. 1.2 mm is 14 px at 300 dpi.
 */
export const PERSON_REACH_MM = 1.2;

/**
 * Keeps, in place, the matte of the person whose face holds `seed` (output pixels): their solid
 * part is the 8-connected region of alpha >= 0.5 around the seed (plus `keep`, pixels a touch-up
 * painted as foreground), and every solid piece within `reachPx` of it, in turn; a pixel further
 * than `reachPx` from it is cleared, one between reachPx / 2 and reachPx fades linearly. Painted
 * pixels are never changed. Nothing changes when the seed is not solid (the matte missed the face:
 * nothing to measure from). Returns how many pixels lost more than 0.02 of alpha.
 */
export function keepPersonMatte(alpha: Float32Array, width: number, height: number, seed: { x: number; y: number }, reachPx: number, keep?: Uint8Array): number {
  const n = width * height;
  const sx = Math.round(seed.x);
  const sy = Math.round(seed.y);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height || alpha[sy * width + sx] < 0.5) return 0;
  const core = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const start = sy * width + sx;
  core[start] = 1;
  stack[top++] = start;
  if (keep) {
    for (let i = 0; i < n; i++) {
      if (keep[i] && !core[i]) {
        core[i] = 1;
        stack[top++] = i;
      }
    }
  }
  const flood = (): void => {
    flood8(width, height, stack, top, (j) => {
      if (core[j] || alpha[j] < 0.5) return false;
      core[j] = 1;
      return true;
    });
    top = 0;
  };
  flood();
  // Solid pieces within reach of the person belong to them (a dangling earring's links, a strand
  // apart from the hair): they join, and so do pieces within reach of those. Haze never does.
  let dist = chamferDistance(core, width, height);
  for (let pass = 0; pass < 16; pass++) {
    for (let i = 0; i < n; i++) {
      if (!core[i] && alpha[i] >= 0.5 && dist[i] <= reachPx) {
        core[i] = 1;
        stack[top++] = i;
      }
    }
    if (top === 0) break;
    flood();
    dist = chamferDistance(core, width, height);
  }
  const fadeFrom = reachPx / 2;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    if (core[i] || alpha[i] <= 0 || dist[i] <= fadeFrom) continue;
    const a = dist[i] >= reachPx ? 0 : (alpha[i] * (reachPx - dist[i])) / (reachPx - fadeFrom);
    if (alpha[i] - a > 0.02) dropped++;
    alpha[i] = a;
  }
  return dropped;
}
