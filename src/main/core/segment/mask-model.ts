// Runs a mask model (person-mask / anime-mask) on an RGBA image: resize + normalise per the
// manifest, inference (with the mirror image and at extra sizes when the manifest asks), decode to a
// 0..1 map at model resolution. Core (no electron).
import { AppError } from '../../../shared/errors';
import type { RgbaImage } from '../image/decode';
import { applyGain, exposureGain } from '../image/exposure';
import { resizeFloatBilinear, resizeToRgb } from '../image/resize';
import { flattenForMatting, MATTING_BACKDROPS, ownAlphaOf } from '../matting/own-alpha';
import type { ModelEntry } from '../models/manifest';
import { getSession, type SessionOptions } from '../inference/session';
import { computePlacement, decodeMaskOutput, packTensor, type Placement } from '../tensor/preprocess';
import type { ProviderName } from '../inference/execution-providers';

/** A low-resolution foreground probability map covering the whole image. */
export interface MaskResult {
  mask: Float32Array;
  width: number;
  height: number;
  provider: ProviderName;
  /**
   * Summed over the sizes: resize + tensor packing, and inference. The extra sizes' resizes run
   * while the main size infers, so preprocessMs + inferenceMs can exceed the wall time.
   */
  timings: { preprocessMs: number; inferenceMs: number };
}

/**
 * The input size a model gets for this image (dynamic models: long side to the reference size, or
 * to `longSide` when given, each side a multiple of the stride).
 */
export function modelInputSize(entry: ModelEntry, imageW: number, imageH: number, longSide?: number): { width: number; height: number } {
  if (!entry.input.dynamic) return { width: entry.input.width, height: entry.input.height };
  const stride = entry.input.stride ?? 32;
  const ref = longSide ?? Math.max(entry.input.width, entry.input.height);
  const [long, short] = [Math.max(imageW, imageH), Math.min(imageW, imageH)];
  // A banner (wider than 2:1) at the long side's size leaves its subject a few pixels tall (a
  // 3600×600 one: 320×48, and an empty cut-out). Beyond 2:1 the short side keeps what a 2:1 picture
  // gets, half the reference size, and the long side grows with it up to 3× the reference size.
  const scale = long > 2 * short ? Math.min(Math.max(ref / long, ref / 2 / short), (3 * ref) / long) : ref / long;
  const round = (v: number): number => Math.max(stride, Math.round((v * scale) / stride) * stride);
  return { width: round(imageW), height: round(imageH) };
}

/** A third of each window is seen by the next one too. */
const WINDOW_OVERLAP = 1 / 3;
/**
 * The most windows a picture is seen in: past about 8:1 (a 20000 × 20 strip made 1500 runs of the
 * model) the windows grow wider than square, squeezed again but far less than the whole.
 */
export const MAX_WINDOWS = 12;

/** A strip of the picture, its whole height: from x, `width` wide. */
export interface Window {
  x: number;
  width: number;
}

/**
 * Where a fixed-size model sees a picture: whole, or, wider than `widerThan` (the manifest's
 * input.windowsWiderThan: a group photo, a banner, a panorama), in windows of its height side by
 * side, square where MAX_WINDOWS allow, each overlapping the next by a third (review s72a: four
 * people filling a 3:1 picture came out as "nothing was found to cut out"). A tall picture is seen
 * whole: a person squeezed from above keeps (a picture 13 times taller than wide was cut out whole).
 */
export function modelWindows(width: number, height: number, widerThan?: number): Window[] {
  if (widerThan === undefined || width <= widerThan * height) return [{ x: 0, width }];
  const side = Math.min(width, Math.max(height, Math.ceil(width / (1 + (MAX_WINDOWS - 1) * (1 - WINDOW_OVERLAP)))));
  const count = Math.ceil((width - side) / (side * (1 - WINDOW_OVERLAP))) + 1;
  return Array.from({ length: count }, (_, i) => ({ x: count === 1 ? 0 : Math.round((i * (width - side)) / (count - 1)), width: side }));
}

/** Options of runMaskModel. */
export interface MaskRunOptions {
  /**
   * Apply the manifest's `output.temperature` (default true). Stickers pass false: their own
   * probability stretch (make-sticker.ts) was tuned on the map without it.
   */
  applyTemperature?: boolean;
  /**
   * The gain a person model's input is multiplied by; default exposureGain(image) (an under-exposed
   * picture brightened). An anime model sees every picture as it is.
   */
  exposureGain?: number;
}

/**
 * Runs a mask model on the image and returns its foreground probability map, at the model's main
 * input size. With `input.extraSizes` the model also runs at those long sides and the maps are
 * averaged (each resized bilinearly to the main map first); then the manifest's temperature, if any.
 */
export async function runMaskModel(
  image: RgbaImage,
  model: { entry: ModelEntry; path: string },
  sessionOptions: SessionOptions = {},
  options: MaskRunOptions = {},
): Promise<MaskResult> {
  const { entry, path } = model;
  if (entry.task !== 'person-mask' && entry.task !== 'anime-mask') {
    throw new AppError('MODEL_INVALID', `Model ${entry.id} is a ${entry.task} model, not a mask model`);
  }
  const decode = entry.output.decode;
  if (decode !== 'probability' && decode !== 'logit' && decode !== 'softmax-logits') {
    throw new AppError('MODEL_INVALID', `Model ${entry.id} output decoding "${decode}" is not a mask decoding`);
  }
  const loaded = await getSession(path, sessionOptions);
  const extra = entry.input.dynamic ? (entry.input.extraSizes ?? []) : [];
  // A picture with transparency of its own is seen on each backdrop (own-alpha.ts), and a pixel is
  // the subject's where the model sees it on any: on the one backdrop the outline stood apart from,
  // a white shirt inside a dark outline (a sprite's ink line, a cut-out's hair) was taken for the
  // white it was matted on, and cut away though the picture shows it. What it hides stays hidden
  // (keepOwnEdge, in the matting).
  const seen = ownAlphaOf(image) ? MATTING_BACKDROPS.map((backdrop) => flattenForMatting(image, backdrop)) : [image];
  let main: Awaited<ReturnType<typeof runAtSizes>> | undefined;
  for (const picture of seen) {
    const next = await runAtSizes(entry, loaded, picture, image, extra, entry.task === 'person-mask' ? (options.exposureGain ?? exposureGain(picture)) : 1);
    if (!main) main = next;
    else {
      for (let i = 0; i < main.mask.length; i++) main.mask[i] = Math.max(main.mask[i], next.mask[i]);
      main.preprocessMs += next.preprocessMs;
      main.inferenceMs += next.inferenceMs;
    }
  }
  if (!main) throw new Error('runMaskModel: no picture to run');
  const temperature = options.applyTemperature === false ? undefined : entry.output.temperature;
  if (temperature !== undefined && temperature !== 1) applyTemperature(main.mask, temperature);
  return { mask: main.mask, width: main.width, height: main.height, provider: loaded.provider, timings: { preprocessMs: main.preprocessMs, inferenceMs: main.inferenceMs } };
}

/**
 * The model's map of `seen` (the picture as the model sees it: `image` opaque, or flattened), at
 * the main input size and each of `extra` (the maps averaged), its input multiplied by `gain` (an
 * under-exposed picture shown to a person model brightened).
 */
async function runAtSizes(entry: ModelEntry, loaded: Awaited<ReturnType<typeof getSession>>, seen: RgbaImage, image: RgbaImage, extra: readonly number[], gain: number): Promise<{ mask: Float32Array; width: number; height: number; preprocessMs: number; inferenceMs: number }> {
  if (!entry.input.dynamic) {
    const windows = modelWindows(image.width, image.height, entry.input.windowsWiderThan);
    if (windows.length > 1) return runInWindows(entry, loaded, seen, windows, gain);
  }
  // Every size's resize starts now: sharp works on its own threads, so the extra sizes' resizes
  // overlap the main size's inference instead of waiting for it.
  const inputs = [undefined, ...extra].map((longSide) => resizeForModel(seen, entry, modelInputSize(entry, image.width, image.height, longSide), gain));
  inputs.forEach((p) => p.catch(() => undefined)); // awaited below, in order; no unhandled rejection meanwhile
  const main = await runAtSize(entry, loaded, await inputs[0]);
  for (let k = 1; k < inputs.length; k++) {
    const other = await runAtSize(entry, loaded, await inputs[k]);
    const resized = resizeFloatBilinear(other.mask, other.width, other.height, main.width, main.height);
    for (let i = 0; i < main.mask.length; i++) main.mask[i] += resized[i];
    main.preprocessMs += other.preprocessMs;
    main.inferenceMs += other.inferenceMs;
  }
  if (extra.length > 0) for (let i = 0; i < main.mask.length; i++) main.mask[i] /= extra.length + 1;
  return main;
}

/**
 * A fixed-size model's map of a picture seen in `windows` (modelWindows): the picture resized once
 * to the model's height (a window as wide as the model's input), each window cut from it and its
 * map placed where it lies; where windows overlap the two blended, each weighing less towards its
 * own edge (a person cut by one window's edge is whole in the next).
 */
async function runInWindows(entry: ModelEntry, loaded: Awaited<ReturnType<typeof getSession>>, seen: RgbaImage, windows: readonly Window[], gain: number): Promise<{ mask: Float32Array; width: number; height: number; preprocessMs: number; inferenceMs: number }> {
  const { width: inW, height } = entry.input;
  const width = Math.max(inW, Math.round((seen.width * inW) / windows[0].width));
  const t0 = performance.now();
  const { data: rgb } = await resizeToRgb(seen, width, height, { kernel: entry.preprocess.interpolation });
  applyGain(rgb, gain);
  let preprocessMs = performance.now() - t0;
  let inferenceMs = 0;
  const sum = new Float32Array(width * height);
  const weights = new Float32Array(width);
  const placement: Placement = { width: inW, height, offsetX: 0, offsetY: 0, scaleX: width / seen.width, scaleY: height / seen.height };
  for (const window of windows) {
    const start = Math.min(width - inW, Math.round((window.x * width) / seen.width));
    const part = new Uint8Array(inW * height * 3);
    for (let y = 0; y < height; y++) part.set(rgb.subarray((y * width + start) * 3, (y * width + start + inW) * 3), y * inW * 3);
    const run = await runAtSize(entry, loaded, { rgb: part, placement, size: { width: inW, height }, resizeMs: 0 });
    preprocessMs += run.preprocessMs;
    inferenceMs += run.inferenceMs;
    for (let k = 0; k < inW; k++) {
      // Highest in the window's middle, falling towards its edges (never 0: the picture's own ends are one window's).
      const weight = Math.max(1e-3, Math.min(k + 0.5, inW - k - 0.5) / (inW / 2));
      weights[start + k] += weight;
      for (let y = 0; y < height; y++) sum[y * width + start + k] += weight * run.mask[y * inW + k];
    }
  }
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) sum[y * width + x] /= weights[x];
  return { mask: sum, width, height, preprocessMs, inferenceMs };
}

/** Samples of the temperature curve over [0, 1], per temperature (built once, 256 KB each). */
const TEMPERATURE_STEPS = 65536;
const temperatureTables = new Map<number, Float32Array>();

function temperatureTable(temperature: number): Float32Array {
  let table = temperatureTables.get(temperature);
  if (!table) {
    const k = 1 / temperature;
    table = new Float32Array(TEMPERATURE_STEPS + 1);
    for (let j = 0; j <= TEMPERATURE_STEPS; j++) {
      const p = Math.min(1 - 1e-6, Math.max(1e-6, j / TEMPERATURE_STEPS));
      table[j] = 1 / (1 + Math.pow((1 - p) / p, k));
    }
    temperatureTables.set(temperature, table);
  }
  return table;
}

/**
 * Temperature scaling of a probability map, in place: p -> sigmoid(logit(p) / T). T < 1 makes the
 * map more decisive (0.6 -> 0.63 at T = 0.75), keeping 0.5 where it is; p is clamped to
 * [1e-6, 1 - 1e-6] so that 0 and 1 stay finite. The curve is read from a table of 65,537 samples,
 * interpolated linearly (within 1e-7 of the formula; 0.2 ms instead of 3.6 ms for a 320x192 map).
 */
export function applyTemperature(mask: Float32Array, temperature: number): void {
  const table = temperatureTable(temperature);
  for (let i = 0; i < mask.length; i++) {
    const x = (mask[i] <= 0 ? 0 : mask[i] >= 1 ? 1 : mask[i]) * TEMPERATURE_STEPS;
    const j = Math.min(TEMPERATURE_STEPS - 1, Math.floor(x));
    mask[i] = table[j] + (table[j + 1] - table[j]) * (x - j);
  }
}

/** The image resized for one input size of the model, and how long that took. */
interface ModelInput {
  rgb: Uint8Array;
  placement: Placement;
  size: { width: number; height: number };
  resizeMs: number;
}

async function resizeForModel(image: RgbaImage, entry: ModelEntry, size: { width: number; height: number }, gain = 1): Promise<ModelInput> {
  const t0 = performance.now();
  const placement = computePlacement(image.width, image.height, size.width, size.height, entry.preprocess.resize);
  const rgb = await resizeToRgb(image, placement.width, placement.height, { kernel: entry.preprocess.interpolation });
  applyGain(rgb.data, gain);
  return { rgb: rgb.data, placement, size, resizeMs: performance.now() - t0 };
}

/** One inference at one input size (with the mirror image when flipAverage): the decoded map over the image. */
async function runAtSize(
  entry: ModelEntry,
  loaded: Awaited<ReturnType<typeof getSession>>,
  input: ModelInput,
): Promise<{ mask: Float32Array; width: number; height: number; preprocessMs: number; inferenceMs: number }> {
  const t0 = performance.now();
  const { placement } = input;
  const { width: inW, height: inH } = input.size;
  const single = packTensor(input.rgb, placement, inW, inH, entry.preprocess, entry.input.layout);
  const layout = entry.input.layout;
  // flipAverage: the image and its mirror image in one batch of two.
  const batch = entry.input.flipAverage ? 2 : 1;
  const tensorData = batch === 2 ? concatFloat(single, mirrorWidth(single, layout, 3, inH, inW)) : single;
  const dims = layout === 'NCHW' ? [batch, 3, inH, inW] : [batch, inH, inW, 3];
  const inputName = entry.input.name && loaded.session.inputNames.includes(entry.input.name) ? entry.input.name : loaded.session.inputNames[0];
  const t1 = performance.now();
  const outputs = await loaded.session.run({ [inputName]: new loaded.ort.Tensor('float32', tensorData, dims) }).catch((error: Error) => {
    // A descriptor's input size or layout the model does not take was INTERNAL, in ONNX Runtime's words alone.
    if (!/invalid dimensions|invalid rank|input data type|input name/i.test(error?.message ?? '')) throw error;
    throw new AppError('MODEL_INVALID', `Model ${entry.id} (${entry.origin ?? entry.file}) does not take the input it is described with (${layout} ${dims.join('x')}): ${error.message}`, {
      cause: error,
      detail: { id: entry.id, origin: entry.origin, dims },
    });
  });
  const t2 = performance.now();
  const outName = entry.output.name && outputs[entry.output.name] ? entry.output.name : loaded.session.outputNames[0];
  const out = outputs[outName];
  const decode = entry.output.decode as 'probability' | 'logit' | 'softmax-logits';
  const outLayout = entry.output.layout ?? 'NCHW';
  const channel = entry.output.channel ?? 0;
  const raw = out.data as Float32Array;
  // A model whose weights are damaged (an unpinned one has no sha256 to tell) answers NaN: said,
  // not scored as an empty cut-out (eval printed NaN figures and exited 0).
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== raw[i]) {
      throw new AppError('MODEL_CORRUPT', `Model ${entry.id} (${entry.origin ?? entry.file}) answered with no numbers (NaN): its file is damaged or it does not work as described. Replace the file.`, {
        detail: { id: entry.id, origin: entry.origin },
      });
    }
  }
  let mask: Float32Array;
  if (batch === 2) {
    // Decode both halves (the second un-mirrored first) and average them.
    const half = raw.length / 2;
    const oneDims = [1, ...out.dims.slice(1)];
    const [oc, oh, ow] = outLayout === 'NCHW' ? [oneDims[1], oneDims[2], oneDims[3]] : [oneDims[3], oneDims[1], oneDims[2]];
    const a = decodeMaskOutput(raw.subarray(0, half), oneDims, outLayout, decode, channel, placement);
    const b = decodeMaskOutput(mirrorWidth(raw.subarray(half), outLayout, oc, oh, ow), oneDims, outLayout, decode, channel, placement);
    for (let i = 0; i < a.length; i++) a[i] = 0.5 * (a[i] + b[i]);
    mask = a;
  } else {
    mask = decodeMaskOutput(raw, out.dims, outLayout, decode, channel, placement);
  }
  return { mask, width: placement.width, height: placement.height, preprocessMs: input.resizeMs + (t1 - t0), inferenceMs: t2 - t1 };
}

/** Two float arrays end to end. */
function concatFloat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** One image tensor (C x H x W planes, or H x W x C pixels) mirrored left-right. */
export function mirrorWidth(data: Float32Array, layout: 'NCHW' | 'NHWC', c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  if (layout === 'NCHW') {
    for (let p = 0; p < c * h; p++) {
      const row = p * w;
      for (let x = 0; x < w; x++) out[row + x] = data[row + w - 1 - x];
    }
  } else {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = (y * w + (w - 1 - x)) * c;
        const dst = (y * w + x) * c;
        for (let k = 0; k < c; k++) out[dst + k] = data[src + k];
      }
    }
  }
  return out;
}
