// Model manifest types, parsing and validation (core; no electron). The manifest is data:
// resources/models/manifest.json plus user descriptors `*.model.json` found in a models folder.
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import { parseUserJson } from '../io/user-json';

/** What a model is for; selects which pipeline may use it. */
export type ModelTask = 'person-mask' | 'anime-mask' | 'face-detect' | 'face-landmarks';

/** How an image is brought to the model's input size. */
export type ResizeMode = 'stretch' | 'letterbox-center' | 'letterbox-topleft';

/** Per-channel normalisation: x = ((v * valueScale) - mean[c]) / std[c] * postScale, v in 0..255. */
export interface Preprocess {
  channelOrder: 'RGB' | 'BGR';
  valueScale: number;
  mean: [number, number, number];
  std: [number, number, number];
  postScale: number;
  resize: ResizeMode;
  padValue: number;
  /** Downscale kernel for the model input; default lanczos3 (antialiased). */
  interpolation?: 'lanczos3' | 'linear' | 'cubic';
}

/** The model's image input. `dynamic` models accept any size that is a multiple of `stride`. */
export interface ModelInput {
  name?: string;
  layout: 'NCHW' | 'NHWC';
  width: number;
  height: number;
  dynamic?: boolean;
  stride?: number;
  /**
   * Test-time augmentation: run the image and its mirror image as one batch of two and average the
   * two (un-mirrored) predictions. Needs a dynamic batch dimension.
   */
  flipAverage?: boolean;
  /**
   * Test-time multi-scale (dynamic models): also run the model with these reference long sides and
   * average the probability maps, each resized to the map of the main size (`width`/`height`).
   */
  extraSizes?: number[];
  /**
   * A fixed-size model sees a picture wider than this (width / height) in square windows side by
   * side (mask-model.ts, modelWindows), not squeezed across whole into its input: MediaPipe lost
   * full-length people squeezed so (1.55, docs/quality.md "Wide pictures"). Unset: always whole.
   */
  windowsWiderThan?: number;
}

/**
 * How to read the output. Mask models: `probability` (already in 0..1), `logit` (sigmoid applied),
 * `softmax-logits` (2-class logits, softmax applied); `channel` is the foreground channel.
 * Face models use their own decoders (`yunet`, `landmarks`).
 */
export interface ModelOutput {
  name?: string;
  layout?: 'NCHW' | 'NHWC';
  decode: 'probability' | 'logit' | 'softmax-logits' | 'yunet' | 'landmarks';
  channel?: number;
  /**
   * Mask models: temperature scaling of the final (averaged) probability map, p -> sigmoid(logit(p) / T).
   * Below 1 it makes the map more decisive; the value is calibrated on held-out data, never on eval.
   */
  temperature?: number;
  /**
   * Mask models: a cut-out whose unsure share (matting/unsure-share.ts) is above this is flagged
   * "needs a look". Calibrated on held-out data (docs/quality.md); absent: never flagged.
   */
  reviewUnsureShare?: number;
  /**
   * Mask models: the same for a sticker, judged on the median of its frames' shares (the sticker
   * path has no temperature and its own probability stretch, so it is calibrated apart).
   */
  stickerReviewUnsureShare?: number;
  strides?: number[];
  points?: number;
  chinIndex?: number;
}

/** One manifest entry: everything needed to find, verify, attribute and run a model. */
export interface ModelEntry {
  id: string;
  name: string;
  task: ModelTask;
  file: string;
  /** Lower-case hex sha256 of the file; null when upstream publishes none (verified as unpinned). */
  sha256: string | null;
  bytes: number | null;
  licence: string;
  attribution?: string;
  source: string;
  url?: string;
  bundled: boolean;
  default?: boolean;
  input: ModelInput;
  preprocess: Preprocess;
  output: ModelOutput;
  /** 2 x multiply-accumulates of the convolutions for one image at input.width x input.height (training/tools/count_flops.py). */
  flops?: number | null;
  /** Number of weights (count_flops.py reports it too). */
  params?: number | null;
  /** Where the entry came from: the app manifest or a user descriptor file. */
  origin?: string;
}

const TASKS: readonly ModelTask[] = ['person-mask', 'anime-mask', 'face-detect', 'face-landmarks'];
const DEFAULT_PREPROCESS: Preprocess = {
  channelOrder: 'RGB',
  valueScale: 1 / 255,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  postScale: 1,
  resize: 'stretch',
  padValue: 0,
};

/**
 * Validates one raw entry (from the manifest or a user descriptor) and fills defaults.
 * Throws MODEL_INVALID naming the origin and the field that is wrong.
 */
export function parseModelEntry(raw: unknown, origin: string): ModelEntry {
  const fail = (what: string): never => {
    throw new AppError('MODEL_INVALID', `Model descriptor ${origin}: ${what}`, { detail: { origin } });
  };
  if (!raw || typeof raw !== 'object') fail('not an object');
  const r = raw as Record<string, any>;
  if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(r.id)) fail('"id" must be a simple name');
  if (!TASKS.includes(r.task)) fail(`"task" must be one of ${TASKS.join(', ')}`);
  if (typeof r.file !== 'string' || !r.file.endsWith('.onnx') || r.file.includes('..')) fail('"file" must be an .onnx file name');
  for (const k of ['flops', 'params'] as const) {
    if (r[k] != null && (!Number.isInteger(r[k]) || r[k] <= 0)) fail(`"${k}" must be a positive integer or null`);
  }
  if (r.sha256 != null && (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(r.sha256))) fail('"sha256" must be 64 hex digits or null');
  const input = r.input ?? {};
  if (!Number.isInteger(input.width) || !Number.isInteger(input.height) || input.width <= 0 || input.height <= 0) fail('"input.width/height" must be positive integers');
  if (input.layout !== undefined && input.layout !== 'NCHW' && input.layout !== 'NHWC') fail('"input.layout" must be NCHW or NHWC');
  if (input.extraSizes !== undefined) {
    if (!Array.isArray(input.extraSizes) || input.extraSizes.some((v: unknown) => !Number.isInteger(v) || (v as number) <= 0)) fail('"input.extraSizes" must be positive integers');
    if (input.dynamic !== true) fail('"input.extraSizes" needs a dynamic input');
  }
  if (input.windowsWiderThan !== undefined) {
    if (typeof input.windowsWiderThan !== 'number' || !(input.windowsWiderThan >= 1)) fail('"input.windowsWiderThan" must be a number of at least 1');
    if (input.dynamic === true) fail('"input.windowsWiderThan" is for a fixed input size');
  }
  const pre: Preprocess = { ...DEFAULT_PREPROCESS, ...(r.preprocess ?? {}) };
  for (const k of ['mean', 'std'] as const) {
    if (!Array.isArray(pre[k]) || pre[k].length !== 3 || pre[k].some((v) => typeof v !== 'number')) fail(`"preprocess.${k}" must be 3 numbers`);
  }
  if (pre.std.some((v) => v === 0)) fail('"preprocess.std" may not contain 0');
  // A misspelt value ran as the default ("bgr" as RGB: a user's BGR model gave another matte unsaid).
  if (pre.channelOrder !== 'RGB' && pre.channelOrder !== 'BGR') fail('"preprocess.channelOrder" must be RGB or BGR');
  for (const k of ['valueScale', 'postScale', 'padValue'] as const) {
    if (typeof pre[k] !== 'number' || !Number.isFinite(pre[k])) fail(`"preprocess.${k}" must be a number`);
  }
  if (pre.interpolation !== undefined && !['lanczos3', 'linear', 'cubic'].includes(pre.interpolation)) fail('"preprocess.interpolation" must be lanczos3, linear or cubic');
  if (!['stretch', 'letterbox-center', 'letterbox-topleft'].includes(pre.resize)) fail('"preprocess.resize" is unknown');
  const output = { ...(r.output ?? {}) } as ModelOutput;
  if (!['probability', 'logit', 'softmax-logits', 'yunet', 'landmarks'].includes(output.decode)) fail('"output.decode" is unknown');
  if (output.layout !== undefined && output.layout !== 'NCHW' && output.layout !== 'NHWC') fail('"output.layout" must be NCHW or NHWC');
  if (output.temperature !== undefined && !(typeof output.temperature === 'number' && output.temperature > 0 && Number.isFinite(output.temperature))) fail('"output.temperature" must be a positive number');
  for (const key of ['reviewUnsureShare', 'stickerReviewUnsureShare'] as const) {
    const v = output[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) fail(`"output.${key}" must be a number from 0 to 1`);
  }
  return {
    id: r.id,
    name: typeof r.name === 'string' ? r.name : r.id,
    task: r.task,
    file: r.file,
    sha256: r.sha256 ? String(r.sha256).toLowerCase() : null,
    bytes: typeof r.bytes === 'number' ? r.bytes : null,
    licence: typeof r.licence === 'string' ? r.licence : 'unknown',
    attribution: r.attribution,
    source: typeof r.source === 'string' ? r.source : origin,
    url: r.url,
    bundled: r.bundled !== false,
    default: r.default === true,
    input: { layout: input.layout ?? 'NCHW', width: input.width, height: input.height, name: input.name, dynamic: input.dynamic, stride: input.stride, flipAverage: input.flipAverage === true, extraSizes: input.extraSizes?.length ? [...input.extraSizes] : undefined, windowsWiderThan: input.windowsWiderThan },
    preprocess: pre,
    output: { layout: 'NCHW', channel: 0, ...output },
    flops: r.flops ?? null,
    params: r.params ?? null,
    origin,
  };
}

/** Reads and validates a manifest file ({ models: [...] }). */
export async function loadManifestFile(path: string): Promise<ModelEntry[]> {
  let json: unknown;
  try {
    json = parseUserJson(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AppError('MODEL_INVALID', `Cannot read model manifest ${path}`, { cause, detail: { path } });
  }
  const models = (json as { models?: unknown[] }).models;
  if (!Array.isArray(models)) throw new AppError('MODEL_INVALID', `Model manifest ${path} has no "models" list`);
  const entries = models.map((m, i) => parseModelEntry(m, `${path}#${i}`));
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.id)) throw new AppError('MODEL_INVALID', `Model manifest ${path} lists "${e.id}" twice`);
    seen.add(e.id);
  }
  return entries;
}
