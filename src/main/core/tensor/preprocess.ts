// Pure tensor packing for model input: RGB bytes -> normalised float NCHW/NHWC, with letterbox
// placement. Pure typed-array code (no sharp, no onnxruntime); loaded by core and tests.
import type { Preprocess, ResizeMode } from '../models/manifest';

/** Where the resized image sits inside the model's input canvas. */
export interface Placement {
  /** Size of the resized image inside the canvas. */
  width: number;
  height: number;
  /** Offset of the resized image in the canvas (letterbox padding before it). */
  offsetX: number;
  offsetY: number;
  /** Resized size / source size. */
  scaleX: number;
  scaleY: number;
}

/** Computes how an image of srcW x srcH is placed into a dstW x dstH input by a resize mode. */
export function computePlacement(srcW: number, srcH: number, dstW: number, dstH: number, mode: ResizeMode): Placement {
  if (mode === 'stretch') return { width: dstW, height: dstH, offsetX: 0, offsetY: 0, scaleX: dstW / srcW, scaleY: dstH / srcH };
  const scale = Math.min(dstW / srcW, dstH / srcH);
  const width = Math.max(1, Math.min(dstW, Math.round(srcW * scale)));
  const height = Math.max(1, Math.min(dstH, Math.round(srcH * scale)));
  const offsetX = mode === 'letterbox-center' ? Math.floor((dstW - width) / 2) : 0;
  const offsetY = mode === 'letterbox-center' ? Math.floor((dstH - height) / 2) : 0;
  return { width, height, offsetX, offsetY, scaleX: width / srcW, scaleY: height / srcH };
}

/**
 * Packs an RGB image (already resized to placement.width x placement.height) into a float
 * tensor of dstW x dstH: x = ((v * valueScale) - mean[c]) / std[c] * postScale, channels in
 * the model's order, padding filled with the normalised padValue. Into `out` when given (every
 * value written: a tensor used before can be given again).
 */
export function packTensor(
  rgb: Uint8Array,
  placement: Placement,
  dstW: number,
  dstH: number,
  pre: Preprocess,
  layout: 'NCHW' | 'NHWC',
  out: Float32Array = new Float32Array(3 * dstW * dstH),
): Float32Array {
  if (out.length !== 3 * dstW * dstH) throw new Error('packTensor: the tensor given is not 3 x dstW x dstH');
  const order = pre.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const mul = new Float32Array(3);
  const add = new Float32Array(3);
  // mean/std are given in tensor channel order (BGR models list them as B, G, R).
  for (let c = 0; c < 3; c++) {
    mul[c] = (pre.valueScale / pre.std[c]) * pre.postScale;
    add[c] = (-pre.mean[c] / pre.std[c]) * pre.postScale;
  }
  const plane = dstW * dstH;
  const padNorm = [0, 1, 2].map((c) => pre.padValue * mul[c] + add[c]);
  const isPadded = placement.width !== dstW || placement.height !== dstH;
  if (isPadded) {
    if (layout === 'NCHW') for (let c = 0; c < 3; c++) out.fill(padNorm[c], c * plane, (c + 1) * plane);
    else for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = padNorm[c];
  }
  const { width, height, offsetX, offsetY } = placement;
  const [o0, o1, o2] = order;
  for (let y = 0; y < height; y++) {
    let s = y * width * 3;
    let d = (y + offsetY) * dstW + offsetX;
    if (layout === 'NCHW') {
      for (let x = 0; x < width; x++, s += 3, d++) {
        out[d] = rgb[s + o0] * mul[0] + add[0];
        out[d + plane] = rgb[s + o1] * mul[1] + add[1];
        out[d + 2 * plane] = rgb[s + o2] * mul[2] + add[2];
      }
    } else {
      for (let x = 0; x < width; x++, s += 3, d++) {
        const t = d * 3;
        out[t] = rgb[s + o0] * mul[0] + add[0];
        out[t + 1] = rgb[s + o1] * mul[1] + add[1];
        out[t + 2] = rgb[s + o2] * mul[2] + add[2];
      }
    }
  }
  return out;
}

/**
 * Reads the foreground probability map out of a mask model's raw output and crops away the
 * letterbox padding. Returns a placement.width x placement.height map in 0..1.
 */
export function decodeMaskOutput(
  raw: Float32Array,
  dims: readonly number[],
  layout: 'NCHW' | 'NHWC',
  decode: 'probability' | 'logit' | 'softmax-logits',
  channel: number,
  placement: Placement,
): Float32Array {
  // Accept [1,C,H,W], [1,H,W,C], [1,H,W] and [H,W].
  let c: number, h: number, w: number;
  if (dims.length === 4) {
    [c, h, w] = layout === 'NCHW' ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]];
  } else if (dims.length === 3) {
    [c, h, w] = [1, dims[1], dims[2]];
  } else {
    [c, h, w] = [1, dims[0], dims[1]];
  }
  const at = (ch: number, y: number, x: number): number => (layout === 'NCHW' || c === 1 ? raw[ch * h * w + y * w + x] : raw[(y * w + x) * c + ch]);
  const { width, height, offsetX, offsetY } = placement;
  const out = new Float32Array(width * height);
  const fg = Math.min(channel, c - 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const yy = y + offsetY;
      const xx = x + offsetX;
      let p: number;
      if (decode === 'probability') p = at(fg, yy, xx);
      else if (decode === 'logit') p = 1 / (1 + Math.exp(-at(fg, yy, xx)));
      else {
        // Two-class logits: softmax of the foreground channel against the other.
        const other = at(fg === 0 ? 1 : 0, yy, xx);
        p = 1 / (1 + Math.exp(other - at(fg, yy, xx)));
      }
      out[y * width + x] = p < 0 ? 0 : p > 1 ? 1 : p;
    }
  }
  return out;
}
