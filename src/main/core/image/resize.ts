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
 * The taps of resizeFloatBilinear along one axis of `dstN` outputs from `srcN` cells: output i
 * reads source coordinate (i + 0.5)·srcN/dstN − 0.5, clamped to the grid. Each output lies between
 * its two cells' values (w in 0..1).
 */
export function resizeTaps(srcN: number, dstN: number): BilinearTaps {
  const scale = srcN / dstN;
  const i0 = new Int32Array(dstN);
  const i1 = new Int32Array(dstN);
  const w = new Float64Array(dstN);
  for (let i = 0; i < dstN; i++) {
    let f = (i + 0.5) * scale - 0.5;
    if (f < 0) f = 0;
    const c = Math.min(srcN - 1, Math.floor(f));
    i0[i] = c;
    i1[i] = Math.min(srcN - 1, c + 1);
    w[i] = f - c;
  }
  return { i0, i1, w };
}

/** A part of a picture: columns x0..x1 − 1 of rows y0..y1 − 1. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Bilinear resize of a single-channel float map (pixel centres aligned, as in OpenCV's
 * INTER_LINEAR and sharp's linear kernel for upsampling). With `box`, only that part of the
 * dstW x dstH result, the same values (box-sized output).
 */
export function resizeFloatBilinear(src: Float32Array, srcW: number, srcH: number, dstW: number, dstH: number, box: PixelBox = { x0: 0, y0: 0, x1: dstW, y1: dstH }): Float32Array {
  const outW = box.x1 - box.x0;
  const dst = new Float32Array(outW * (box.y1 - box.y0));
  const cols = resizeTaps(srcW, dstW);
  const rows = resizeTaps(srcH, dstH);
  const fxs = Float32Array.from(cols.w);
  for (let y = box.y0; y < box.y1; y++) {
    const wy = rows.w[y];
    const r0 = rows.i0[y] * srcW;
    const r1 = rows.i1[y] * srcW;
    const o = (y - box.y0) * outW - box.x0;
    for (let x = box.x0; x < box.x1; x++) {
      const x0 = cols.i0[x];
      const x1 = cols.i1[x];
      const a = src[r0 + x0];
      const b = src[r0 + x1];
      const c = src[r1 + x0];
      const d = src[r1 + x1];
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
