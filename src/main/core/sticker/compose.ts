// Sticker composition: the union of the subject's boxes over all frames plus padding, the crop
// and resample of colour + alpha to the output size, and the optional outline stroke. Pure
// typed-array code (core).
import { chamferDistance } from '../trimap/trimap';
import { dilateSquare, flood8 } from '../matting/morphology';

/** An axis-aligned box in pixels, x1/y1 exclusive. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The bounding box of pixels with alpha >= threshold, or null when there are none. */
export function alphaBox(alpha: Float32Array, width: number, height: number, threshold = 0.5): Box | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (alpha[row + x] >= threshold) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Where a frame's subject is as a sticker shows it: the box of its solid pixels (alpha ≥ 0.5) once
 * specks are removed as composing removes them (unless kept), and how many such pixels there are.
 * Read from the raw alpha, a fleck far from the character widened every frame's crop (a quarter of
 * a LINE sticker was empty rows, the character drawn that much smaller).
 */
export function subjectBox(alpha: Float32Array, width: number, height: number, keepSpecks = false): { box: Box | null; area: number } {
  const kept = keepSpecks ? alpha : alpha.slice();
  // (Its soft fringe is left: only solid pixels make the box.)
  if (!keepSpecks) removeSpecks(kept, width, height, undefined, false);
  let area = 0;
  for (let i = 0; i < kept.length; i++) if (kept[i] >= 0.5) area++;
  return { box: area > 0 ? alphaBox(kept, width, height, 0.5) : null, area };
}

/** The union of boxes (nulls skipped); null when all are null. */
export function unionBoxes(boxes: readonly (Box | null)[]): Box | null {
  let out: Box | null = null;
  for (const b of boxes) {
    if (!b) continue;
    out = out ? { x0: Math.min(out.x0, b.x0), y0: Math.min(out.y0, b.y0), x1: Math.max(out.x1, b.x1), y1: Math.max(out.y1, b.y1) } : { ...b };
  }
  return out;
}

/** Grows a box by `padPx` on every side, clamped to the frame. */
export function padBox(box: Box, padPx: number, width: number, height: number): Box {
  const p = Math.max(0, Math.round(padPx));
  return { x0: Math.max(0, box.x0 - p), y0: Math.max(0, box.y0 - p), x1: Math.min(width, box.x1 + p), y1: Math.min(height, box.y1 + p) };
}

/**
 * The output size for a crop fitted inside maxW x maxH, keeping the aspect ratio. With
 * `allowUpscale` false the crop is never enlarged.
 */
export function fitSize(cropW: number, cropH: number, maxW: number, maxH: number, allowUpscale = false): { width: number; height: number } {
  let s = Math.min(maxW / cropW, maxH / cropH);
  if (!allowUpscale) s = Math.min(1, s);
  return { width: Math.max(1, Math.round(cropW * s)), height: Math.max(1, Math.round(cropH * s)) };
}

/** Colour (RGBA bytes, A unused) and soft alpha (0..1) of one output frame. */
export interface ColourAlpha {
  rgba: Uint8Array;
  alpha: Float32Array;
  width: number;
  height: number;
}

/**
 * Crops `box` out of a frame (RGBA colours + alpha at frame size) and resamples it to
 * outW x outH. Colours are resampled premultiplied by alpha, so transparent background colour
 * never bleeds into the edge. Bilinear with a 2x2 pre-average when shrinking by more than 2.
 */
export function cropResample(rgba: Uint8Array, alpha: Float32Array, frameW: number, frameH: number, box: Box, outW: number, outH: number): ColourAlpha {
  const cw = box.x1 - box.x0;
  const ch = box.y1 - box.y0;
  const outRgba = new Uint8Array(outW * outH * 4);
  const outA = new Float32Array(outW * outH);
  const sx = cw / outW;
  const sy = ch / outH;
  const taps = sx > 2 || sy > 2 ? 2 : 1;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let ty = 0; ty < taps; ty++) {
        for (let tx = 0; tx < taps; tx++) {
          let fx = box.x0 + (x + (tx + 0.5) / taps) * sx - 0.5;
          let fy = box.y0 + (y + (ty + 0.5) / taps) * sy - 0.5;
          if (fx < 0) fx = 0;
          if (fy < 0) fy = 0;
          const x0 = Math.min(frameW - 1, Math.floor(fx));
          const y0 = Math.min(frameH - 1, Math.floor(fy));
          const x1 = Math.min(frameW - 1, x0 + 1);
          const y1 = Math.min(frameH - 1, y0 + 1);
          const wx = Math.min(1, fx - x0);
          const wy = Math.min(1, fy - y0);
          // The four corners in turn (x0 y0, x1 y0, x0 y1, x1 y1), alpha-weighted; no array per tap:
          // this runs per pixel of every frame.
          for (let k = 0; k < 4; k++) {
            const i = (k < 2 ? y0 : y1) * frameW + (k & 1 ? x1 : x0);
            const al = alpha[i] * ((k & 1 ? wx : 1 - wx) * (k < 2 ? 1 - wy : wy));
            a += al;
            r += rgba[i * 4] * al;
            g += rgba[i * 4 + 1] * al;
            b += rgba[i * 4 + 2] * al;
          }
        }
      }
      const o = y * outW + x;
      const n = taps * taps;
      outA[o] = a / n;
      if (a > 1e-6) {
        outRgba[o * 4] = Math.round(r / a);
        outRgba[o * 4 + 1] = Math.round(g / a);
        outRgba[o * 4 + 2] = Math.round(b / a);
      }
      outRgba[o * 4 + 3] = 255;
    }
  }
  return { rgba: outRgba, alpha: outA, width: outW, height: outH };
}

/** Smoothing that raised a pixel's alpha by no more than this leaves its colours as estimated. */
const SMOOTHED_GAIN_MIN = 0.02;

/**
 * The colours to compose a frame with once its alpha was smoothed over time. The foreground colours
 * were estimated on the model's own alpha (`raw`); where the smoothing gave a pixel more (a part
 * the model dropped on this frame and its neighbours kept: the top of One Piece's straw hat on two
 * frames), they were a guess from around it, the dark hair under the hat, and the hat came back
 * darkened, a brown ring round the hole in the GIF. There the pixel's own colour is taken for the
 * share of its alpha the smoothing gave. Returns `foreground` itself when no pixel gained; else a copy.
 */
export function coloursAfterSmoothing(foreground: Uint8Array, frame: Uint8Array, raw: Float32Array, smoothed: Float32Array): Uint8Array {
  let out: Uint8Array | null = null;
  for (let i = 0; i < raw.length; i++) {
    const gain = smoothed[i] - raw[i];
    if (gain <= SMOOTHED_GAIN_MIN) continue;
    const w = Math.min(1, gain / smoothed[i]);
    out ??= foreground.slice();
    const p = i * 4;
    for (let c = 0; c < 3; c++) out[p + c] = Math.round(foreground[p + c] + (frame[p + c] - foreground[p + c]) * w);
  }
  return out ?? foreground;
}

/**
 * Distance in pixels from every pixel to the nearest pixel with alpha >= 0.5 (the chamfer
 * transform the trimap uses; Infinity when there is no subject).
 */
export function distanceToSubject(alpha: Float32Array, width: number, height: number): Float32Array {
  const seeds = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) seeds[i] = alpha[i] >= 0.5 ? 1 : 0;
  return chamferDistance(seeds, width, height);
}

/**
 * Adds an outline stroke of `widthPx` in colour `rgb` under the subject (in place): alpha
 * becomes a + s·(1−a) with a soft 1-px stroke edge, colour the matching "over" blend.
 */
export function addOutline(frame: ColourAlpha, widthPx: number, rgb: [number, number, number]): void {
  if (widthPx <= 0) return;
  const { rgba, alpha, width, height } = frame;
  const dist = distanceToSubject(alpha, width, height);
  for (let i = 0; i < alpha.length; i++) {
    const s = Math.min(1, Math.max(0, widthPx + 0.5 - dist[i]));
    if (s <= 0) continue;
    const a = alpha[i];
    const sa = s * (1 - a);
    const outA = a + sa;
    if (outA <= 0) continue;
    const j = i * 4;
    rgba[j] = Math.round((rgba[j] * a + rgb[0] * sa) / outA);
    rgba[j + 1] = Math.round((rgba[j + 1] * a + rgb[1] * sa) / outA);
    rgba[j + 2] = Math.round((rgba[j + 2] * a + rgb[2] * sa) / outA);
    alpha[i] = outA;
  }
}

/**
 * Removes specks in place: connected regions (8-connected, alpha >= 0.5) smaller than `minFrac`
 * of the largest region are cleared together with the soft fringe around them (alpha < 0.5
 * pixels touching only cleared or empty pixels). A sticker is one character; a stray blob of
 * background the model half-believed would otherwise get its own outline. Without `clearFringe`
 * the soft pixels are left (a caller that reads only the solid ones: subjectBox).
 */
export function removeSpecks(alpha: Float32Array, width: number, height: number, minFrac = 0.02, clearFringe = true): number {
  const n = width * height;
  const label = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (label[start] !== -1 || alpha[start] < 0.5) continue;
    const id = sizes.length;
    stack[0] = start;
    label[start] = id;
    sizes.push(
      flood8(width, height, stack, 1, (j) => {
        if (label[j] !== -1 || alpha[j] < 0.5) return false;
        label[j] = id;
        return true;
      }),
    );
  }
  if (sizes.length < 2) return 0;
  const largest = Math.max(...sizes);
  const drop = sizes.map((s) => s < largest * minFrac);
  let cleared = 0;
  for (let i = 0; i < n; i++) {
    if (label[i] >= 0 && drop[label[i]]) {
      alpha[i] = 0;
      cleared++;
    }
  }
  if (!clearFringe) return cleared;
  // Fringe: soft pixels (0 < a < 0.5) with no kept solid pixel within 2 px.
  const kept = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (label[i] >= 0 && !drop[label[i]]) kept[i] = 1;
  const keptNear = dilateSquare(kept, width, height, 2);
  for (let i = 0; i < n; i++) if (alpha[i] > 0 && alpha[i] < 0.5 && !keptNear[i]) alpha[i] = 0;
  return cleared;
}

/** The largest hole fillPinholes fills, as a share of the frame: 16 px of a 256 x 256 sticker (a 4 x 4 dot). */
export const PINHOLE_MAX_SHARE = 1 / 4096;

/**
 * Fills pinholes of a GIF frame's 1-bit alpha in place: transparent regions (4-connected) enclosed
 * by the subject (not touching the frame's border) of at most `maxShare` of the frame. They come of
 * a frame the model was unsure of in spots (a dithered GIF's noise): a dot the chat shows through,
 * ringed by the edge's blend with the matte, white dots on a dark chat (AnimateDiff model02_03's
 * coat: 39 a frame). A filled pixel is made whole (`alpha` 1) in the mean colour of the subject's
 * pixels round its hole (a hole of alpha 0 has no colour of its own: cropResample leaves it black).
 * A gap the drawing has (between an arm and the body) is larger. Returns how many pixels were filled.
 */
export function fillPinholes(bin: Uint8Array, frame: ColourAlpha, maxShare = PINHOLE_MAX_SHARE): number {
  const { rgba, alpha, width, height } = frame;
  const n = width * height;
  const maxArea = Math.max(1, Math.floor(n * maxShare));
  const seen = new Uint8Array(n);
  const region = new Int32Array(n);
  const stack = new Int32Array(n);
  const onBorder = (i: number): boolean => {
    const x = i % width;
    return x === 0 || x === width - 1 || i < width || i >= n - width;
  };
  let filled = 0;
  for (let start = 0; start < n; start++) {
    if (bin[start] || seen[start]) continue;
    // One transparent region, 4-connected (the dual of the subject's 8-connected outline).
    seen[start] = 1;
    stack[0] = start;
    region[0] = start;
    let size = 1;
    let touchesBorder = onBorder(start);
    flood8(width, height, stack, 1, (j) => {
      if (bin[j] || seen[j]) return false;
      seen[j] = 1;
      region[size++] = j;
      if (onBorder(j)) touchesBorder = true;
      return true;
    }, true);
    if (touchesBorder || size > maxArea) continue;
    // The ring: the subject's pixels beside the hole (8-neighbours), each counted once a neighbour.
    const sum = [0, 0, 0];
    let count = 0;
    for (let r = 0; r < size; r++) {
      const i = region[r];
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const j = (y + dy) * width + x + dx;
          if (!bin[j]) continue;
          for (let c = 0; c < 3; c++) sum[c] += rgba[j * 4 + c];
          count++;
        }
      }
    }
    for (let r = 0; r < size; r++) {
      const i = region[r];
      bin[i] = 1;
      alpha[i] = 1;
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Math.round(sum[c] / count);
    }
    filled += size;
  }
  return filled;
}
