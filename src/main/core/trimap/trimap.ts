// Automatic trimap from any soft mask: foreground / unknown / background, the unknown band
// scaled to the image size and widened wherever the mask itself is unsure. Pure typed-array
// code (core); the renderer gets the result through the engine API for its overlay.
import { TRIMAP_BG, TRIMAP_FG, TRIMAP_UNKNOWN } from './trimap-file';

/** Options of computeTrimap. */
export interface TrimapOptions {
  /** Half-width of the unknown band around the 0.5 contour, in pixels; default defaultBandPx(). */
  bandPx?: number;
  /** Mask values strictly between softLow and softHigh count as unsure and become unknown (0.04 / 0.96). */
  softLow?: number;
  softHigh?: number;
}

/**
 * Default half-width of the unknown band: about 1 % of the longer image side (10 px on a
 * 1000 px photo), at least 3 px. A 256 px segmenter upsampled to 1000 px is off by a few px
 * on clean edges; hair is covered by the soft-value rule instead of a wider band everywhere.
 */
export function defaultBandPx(width: number, height: number): number {
  return Math.max(3, Math.round(Math.max(width, height) * 0.01));
}

/**
 * Chamfer distance (1 / sqrt 2 weights, two passes) from every pixel to the nearest pixel
 * where `isSeed` is 1. Returns Float32Array of distances in pixels (Infinity when no seed).
 */
export function chamferDistance(isSeed: Uint8Array, width: number, height: number): Float32Array {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = isSeed[i] ? 0 : Infinity;
  const D = Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let v = d[i];
      if (v === 0) continue;
      if (x > 0 && d[i - 1] + 1 < v) v = d[i - 1] + 1;
      if (y > 0) {
        const up = i - width;
        if (d[up] + 1 < v) v = d[up] + 1;
        if (x > 0 && d[up - 1] + D < v) v = d[up - 1] + D;
        if (x < width - 1 && d[up + 1] + D < v) v = d[up + 1] + D;
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i];
      if (v === 0) continue;
      if (x < width - 1 && d[i + 1] + 1 < v) v = d[i + 1] + 1;
      if (y < height - 1) {
        const dn = i + width;
        if (d[dn] + 1 < v) v = d[dn] + 1;
        if (x < width - 1 && d[dn + 1] + D < v) v = d[dn + 1] + D;
        if (x > 0 && d[dn - 1] + D < v) v = d[dn - 1] + D;
      }
      d[i] = v;
    }
  }
  return d;
}

/**
 * Trimap (0 background, 128 unknown, 255 foreground; one byte per pixel) from a full-resolution
 * soft mask in 0..1. Unknown = within `bandPx` of the mask's 0.5 contour, or a soft mask value.
 * Everything else is foreground where mask >= 0.5, background otherwise.
 */
export function computeTrimap(mask: Float32Array, width: number, height: number, options: TrimapOptions = {}, onStep?: (fraction: number) => void): Uint8Array {
  const n = width * height;
  const band = options.bandPx ?? defaultBandPx(width, height);
  const lo = options.softLow ?? 0.04;
  const hi = options.softHigh ?? 0.96;
  // Seeds: pixels on the 0.5 contour (a 4-neighbour lies on the other side).
  const seed = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const f = mask[i] >= 0.5;
      if ((x > 0 && mask[i - 1] >= 0.5 !== f) || (x < width - 1 && mask[i + 1] >= 0.5 !== f) || (y > 0 && mask[i - width] >= 0.5 !== f) || (y < height - 1 && mask[i + width] >= 0.5 !== f)) {
        seed[i] = 1;
      }
    }
  }
  onStep?.(1 / 3);
  const dist = band > 0 ? chamferDistance(seed, width, height) : null;
  onStep?.(2 / 3);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = mask[i];
    if ((m > lo && m < hi) || (dist !== null && dist[i] <= band)) out[i] = TRIMAP_UNKNOWN;
    else out[i] = m >= 0.5 ? TRIMAP_FG : TRIMAP_BG;
  }
  return out;
}

/** Counts of each trimap label (for logs, tests and the UI's status line). */
export function countTrimap(trimap: Uint8Array): { fg: number; bg: number; unknown: number } {
  let fg = 0;
  let bg = 0;
  for (let i = 0; i < trimap.length; i++) {
    if (trimap[i] === TRIMAP_FG) fg++;
    else if (trimap[i] === TRIMAP_BG) bg++;
  }
  return { fg, bg, unknown: trimap.length - fg - bg };
}
