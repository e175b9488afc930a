// Runs a mask model (person-mask / anime-mask) on an RGBA image: resize + normalise per the
// manifest, one inference, decode to a 0..1 map at model resolution. Core (no electron).
import { AppError } from '../../../shared/errors';
import type { RgbaImage } from '../image/decode';
import { resizeToRgb } from '../image/resize';
import type { ModelEntry } from '../models/manifest';
import { getSession, type SessionOptions } from '../inference/session';
import { computePlacement, decodeMaskOutput, packTensor } from '../tensor/preprocess';
import type { ProviderName } from '../inference/execution-providers';

/** A low-resolution foreground probability map covering the whole image. */
export interface MaskResult {
  mask: Float32Array;
  width: number;
  height: number;
  provider: ProviderName;
  timings: { preprocessMs: number; inferenceMs: number };
}

/** The input size a model gets for this image (dynamic models: long side to the reference size, multiple of the stride). */
export function modelInputSize(entry: ModelEntry, imageW: number, imageH: number): { width: number; height: number } {
  if (!entry.input.dynamic) return { width: entry.input.width, height: entry.input.height };
  const stride = entry.input.stride ?? 32;
  const ref = Math.max(entry.input.width, entry.input.height);
  const scale = ref / Math.max(imageW, imageH);
  const round = (v: number): number => Math.max(stride, Math.round((v * scale) / stride) * stride);
  return { width: round(imageW), height: round(imageH) };
}

/** Runs a mask model on the image and returns its foreground probability map. */
export async function runMaskModel(
  image: RgbaImage,
  model: { entry: ModelEntry; path: string },
  sessionOptions: SessionOptions = {},
): Promise<MaskResult> {
  const { entry, path } = model;
  if (entry.task !== 'person-mask' && entry.task !== 'anime-mask') {
    throw new AppError('MODEL_INVALID', `Model ${entry.id} is a ${entry.task} model, not a mask model`);
  }
  const loaded = await getSession(path, sessionOptions);
  const t0 = performance.now();
  const { width: inW, height: inH } = modelInputSize(entry, image.width, image.height);
  const placement = computePlacement(image.width, image.height, inW, inH, entry.preprocess.resize);
  const rgb = await resizeToRgb(image, placement.width, placement.height, { kernel: entry.preprocess.interpolation });
  const tensorData = packTensor(rgb.data, placement, inW, inH, entry.preprocess, entry.input.layout);
  const dims = entry.input.layout === 'NCHW' ? [1, 3, inH, inW] : [1, inH, inW, 3];
  const inputName = entry.input.name && loaded.session.inputNames.includes(entry.input.name) ? entry.input.name : loaded.session.inputNames[0];
  const t1 = performance.now();
  const outputs = await loaded.session.run({ [inputName]: new loaded.ort.Tensor('float32', tensorData, dims) });
  const t2 = performance.now();
  const outName = entry.output.name && outputs[entry.output.name] ? entry.output.name : loaded.session.outputNames[0];
  const out = outputs[outName];
  const decode = entry.output.decode;
  if (decode !== 'probability' && decode !== 'logit' && decode !== 'softmax-logits') {
    throw new AppError('MODEL_INVALID', `Model ${entry.id} output decoding "${decode}" is not a mask decoding`);
  }
  const mask = decodeMaskOutput(out.data as Float32Array, out.dims, entry.output.layout ?? 'NCHW', decode, entry.output.channel ?? 0, placement);
  return { mask, width: placement.width, height: placement.height, provider: loaded.provider, timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1 } };
}
