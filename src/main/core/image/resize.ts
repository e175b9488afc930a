// Resizing for model input (sharp, SIMD) and for masks (pure JS bilinear on Float32Array).
// Core (no electron).
import sharp from 'sharp';
import type { RgbaImage } from './decode';

/** An 8-bit RGB image, 3 interleaved channels. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Resizes an RGBA image to exactly width x height RGB (stretch). Transparent areas of an RGBA
 * input are flattened on white first, so models see what a person sees. The default kernel is
 * sharp's antialiased lanczos3: on anime_cutout it reproduces the reference MediaPipe scores
 * (fg IoU 0.8855 / mean 0.9312), where a linear kernel loses about 0.01 fg IoU.
 */
export async function resizeToRgb(
  image: RgbaImage,
  width: number,
  height: number,
  options: { kernel?: 'lanczos3' | 'linear' | 'cubic'; flatten?: boolean } = {},
): Promise<RgbImage> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  if (options.flatten !== false) pipeline = pipeline.flatten({ background: '#ffffff' });
  const { data, info } = await pipeline
    .resize(width, height, { fit: 'fill', kernel: options.kernel ?? 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** Crops a rectangle out of an RGBA image (rows copied; the rectangle must lie inside). */
export function cropRgba(image: RgbaImage, x: number, y: number, width: number, height: number): RgbaImage {
  const out = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const src = ((y + row) * image.width + x) * 4;
    out.set(image.data.subarray(src, src + width * 4), row * width * 4);
  }
  return { data: out, width, height, ...(image.isColourSubsampled ? { isColourSubsampled: true } : {}) };
}

/** Bilinear sampling along one axis: for each output index, two source cells and the weight of the second. */
export interface BilinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  w: Float64Array;
}

/**
 * Taps for enlarging `cells` source cells by an integer-like `factor` to `n` outputs, pixel centres
 * aligned: output i reads source coordinate (i + 0.5) / factor − 0.5, clamped to the grid (past its
 * last cell both taps are that cell). Coarse-grid matting passes (foreground estimation, the fast
 * guided filter) compute these once per axis instead of per pixel.
 */
export function bilinearTaps(n: number, cells: number, factor: number): BilinearTaps {
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = (i + 0.5) / factor - 0.5;
    if (f < 0) f = 0;
    const c = Math.min(cells - 1, f | 0);
    i0[i] = c;
    i1[i] = Math.min(cells - 1, c + 1);
    w[i] = f - c;
  }
  return { i0, i1, w };
}

/**
 * Bilinear resize of a single-channel float map (pixel centres aligned, as in OpenCV's
 * INTER_LINEAR and sharp's linear kernel for upsampling).
 */
export function resizeFloatBilinear(src: Float32Array, srcW: number, srcH: number, dstW: number, dstH: number): Float32Array {
  const dst = new Float32Array(dstW * dstH);
  const sx = srcW / dstW;
  const sy = srcH / dstH;
  const x0s = new Int32Array(dstW);
  const x1s = new Int32Array(dstW);
  const fxs = new Float32Array(dstW);
  for (let x = 0; x < dstW; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    const x0 = Math.min(srcW - 1, Math.floor(fx));
    x0s[x] = x0;
    x1s[x] = Math.min(srcW - 1, x0 + 1);
    fxs[x] = fx - x0;
  }
  for (let y = 0; y < dstH; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    const y0 = Math.min(srcH - 1, Math.floor(fy));
    const y1 = Math.min(srcH - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * srcW;
    const r1 = y1 * srcW;
    const o = y * dstW;
    for (let x = 0; x < dstW; x++) {
      const a = src[r0 + x0s[x]];
      const b = src[r0 + x1s[x]];
      const c = src[r1 + x0s[x]];
      const d = src[r1 + x1s[x]];
      const fx = fxs[x];
      const top = a + (b - a) * fx;
      const bottom = c + (d - c) * fx;
      dst[o + x] = top + (bottom - top) * wy;
    }
  }
  return dst;
}

/** The size of a width x height picture with its longest side at most `maxSidePx`, never enlarged (each side at least 1 px). */
export function fitWithin(width: number, height: number, maxSidePx: number): { width: number; height: number } {
  const scale = Math.min(1, maxSidePx / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Resizes an RGBA image to exactly width x height (alpha kept; premultiplied so edges do not halo). */
export async function resizeRgba(image: RgbaImage, width: number, height: number, kernel: 'lanczos3' | 'linear' = 'lanczos3'): Promise<RgbaImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(width, height, { fit: 'fill', kernel })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
