// Edge-preserving smoothing of the colours the matting Laplacian reads (closed-form.ts): a
// bilateral filter that evens out steps of a few levels (a JPEG's 8x8 and 16x16 blocks, its
// ringing, sensor noise) and keeps edges of more. Without it the solve followed the blocks where a
// dark JPEG's hair met a dark background, and its alpha came out in grey squares. It is computed
// only where the solve reads, a row at a time. Pure typed-array code (core).

/** The filter: its spatial radius in pixels (Gaussian of sigma radius / 2) and its range sigma in levels, the sum over R, G and B of 0..255 differences. */
export interface GuideSmoothing {
  radius: number;
  range: number;
  /** Taps every `step` pixels across the radius (default 1: every pixel). */
  step?: number;
}

/**
 * The smoothing a solve uses by default: 81 taps over 17x17 pixels. Chosen on composites of the
 * training set's anime foregrounds over its backgrounds (as PNG, as JPEG q80, darkened to a quarter
 * then JPEG q80), against radius 3-10, range 2-6 and every pixel or every other, then checked on
 * the evaluation sets (docs/matting.md).
 */
export const DEFAULT_GUIDE_SMOOTHING: GuideSmoothing = { radius: 8, range: 5, step: 2 };

/** A filter's tables: the taps (offsets and spatial weights) and the weight of each colour difference. */
export interface GuideKernel {
  radius: number;
  dx: Int32Array;
  dy: Int32Array;
  spatial: Float32Array;
  /** Weight of an L1 colour difference 0..765. */
  rangeWeight: Float32Array;
}

/** The taps' offsets in an RGBA picture `width` pixels wide (byte offsets from the centre's red). */
export function tapOffsets(k: GuideKernel, width: number): Int32Array {
  return Int32Array.from(k.dx, (dx, t) => (k.dy[t] * width + dx) * 4);
}

/** The tables of a smoothing. */
export function guideKernel(s: GuideSmoothing): GuideKernel {
  const r = Math.max(0, Math.round(s.radius));
  const step = Math.max(1, Math.round(s.step ?? 1));
  const side = 2 * Math.floor(r / step) + 1;
  const n = side * side;
  const dx = new Int32Array(n);
  const dy = new Int32Array(n);
  const spatial = new Float32Array(n);
  const ss = Math.max(r / 2, 0.5);
  const reach = Math.floor(r / step) * step;
  for (let t = 0, y = -reach; y <= reach; y += step) {
    for (let x = -reach; x <= reach; x += step, t++) {
      dx[t] = x;
      dy[t] = y;
      spatial[t] = Math.exp(-(x * x + y * y) / (2 * ss * ss));
    }
  }
  const rangeWeight = new Float32Array(766);
  for (let d = 0; d < rangeWeight.length; d++) rangeWeight[d] = Math.exp(-(d * d) / (2 * s.range * s.range));
  return { radius: r, dx, dy, spatial, rangeWeight };
}

/**
 * Writes the smoothed colour (0..1) of pixel (x, y) of `px` (RGBA, W x H) to out[o], out[o + 1],
 * out[o + 2]. Taps outside the picture are left out. `offsets`: tapOffsets(k, W).
 */
export function smoothedAt(px: Uint8Array, W: number, H: number, x: number, y: number, k: GuideKernel, offsets: Int32Array, out: Float32Array, o: number): void {
  const c = (y * W + x) * 4;
  const r0 = px[c], g0 = px[c + 1], b0 = px[c + 2];
  const { dx, dy, spatial, rangeWeight } = k;
  const n = spatial.length;
  const isInside = x >= k.radius && y >= k.radius && x + k.radius < W && y + k.radius < H;
  let sr = 0, sg = 0, sb = 0, sw = 0;
  for (let t = 0; t < n; t++) {
    if (!isInside) {
      const xx = x + dx[t], yy = y + dy[t];
      if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
    }
    const q = c + offsets[t];
    const r = px[q], g = px[q + 1], b = px[q + 2];
    const d = (r > r0 ? r - r0 : r0 - r) + (g > g0 ? g - g0 : g0 - g) + (b > b0 ? b - b0 : b0 - b);
    const w = spatial[t] * rangeWeight[d];
    sr += w * r;
    sg += w * g;
    sb += w * b;
    sw += w;
  }
  const s = 1 / (255 * sw);
  out[o] = sr * s;
  out[o + 1] = sg * s;
  out[o + 2] = sb * s;
}
