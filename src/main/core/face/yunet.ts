// YuNet face detection (manifest id `yunet`): BGR 0..255 letterboxed top-left to 640x640,
// anchor decoding per stride, score = cls*obj, NMS. Core (no electron); ORT via inference/session.
import { AppError } from '../../../shared/errors';
import type { RgbaImage } from '../image/decode';
import { applyGain } from '../image/exposure';
import { resizeToRgb } from '../image/resize';
import { getSession, type SessionOptions } from '../inference/session';
import type { ModelEntry } from '../models/manifest';
import { computePlacement, packTensor } from '../tensor/preprocess';

/** A point in source-image pixels. */
export interface Point {
  x: number;
  y: number;
}

/** One detected face in source-image pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detection confidence in 0..1: sqrt(cls·obj), as OpenCV's FaceDetectorYN reports it. */
  score: number;
  /** YuNet's 5 points: right eye, left eye (of the person), nose tip, right and left mouth corner. */
  points: Point[];
}

/** Options of detectFaces. */
export interface DetectFacesOptions {
  /** Minimum sqrt(cls·obj) score; default 0.7. */
  minScore?: number;
  /** NMS IoU threshold; default 0.4. */
  nmsIou?: number;
  /** Multiply the detector's input by this after its resize (exposureGain: an under-exposed picture); default 1. */
  gain?: number;
}

/** Intersection over union of two boxes. */
export function boxIou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression, best score first. */
export function suppressOverlaps(boxes: FaceBox[], iouThreshold: number): FaceBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const box of sorted) if (kept.every((k) => boxIou(k, box) <= iouThreshold)) kept.push(box);
  return kept;
}

/** The raw YuNet output tensors of one stride. */
export interface YunetStrideOutput {
  stride: number;
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

/**
 * Decodes YuNet outputs (input side `inputSize`) into boxes in source pixels: anchor (col·s, row·s),
 * centre = bbox[0..1]·s + anchor, size = exp(bbox[2..3])·s, point k = kps[2k..2k+1]·s + anchor,
 * all divided by the letterbox `scale`. Pure; NMS not applied.
 */
export function decodeYunet(outputs: YunetStrideOutput[], inputSize: number, scale: number, minScore: number): FaceBox[] {
  const boxes: FaceBox[] = [];
  for (const { stride, cls, obj, bbox, kps } of outputs) {
    const cols = Math.floor(inputSize / stride);
    const n = cls.length;
    for (let i = 0; i < n; i++) {
      const c = Math.min(1, Math.max(0, cls[i]));
      const o = Math.min(1, Math.max(0, obj[i]));
      const score = Math.sqrt(c * o);
      if (score < minScore) continue;
      const ax = (i % cols) * stride;
      const ay = Math.floor(i / cols) * stride;
      const cx = bbox[i * 4] * stride + ax;
      const cy = bbox[i * 4 + 1] * stride + ay;
      const w = Math.exp(bbox[i * 4 + 2]) * stride;
      const h = Math.exp(bbox[i * 4 + 3]) * stride;
      const points: Point[] = [];
      for (let k = 0; k < 5; k++) points.push({ x: (kps[i * 10 + 2 * k] * stride + ax) / scale, y: (kps[i * 10 + 2 * k + 1] * stride + ay) / scale });
      boxes.push({ x: (cx - w / 2) / scale, y: (cy - h / 2) / scale, width: w / scale, height: h / scale, score, points });
    }
  }
  return boxes;
}

/**
 * Input tensors of finished runs, for the next run of that size to fill again: a 640² tensor is
 * 4.9 MB, and a face's analysis runs the detector two to six times; made afresh each run, they
 * brought on a garbage collection most photos (10–25 ms of the packing's time, against 3 ms).
 */
const spareTensors: Float32Array[] = [];
const MAX_SPARE_TENSORS = 2;

/** Runs YuNet on an image and returns the faces found, best first (source pixels). */
export async function detectFaces(
  image: RgbaImage,
  model: { entry: ModelEntry; path: string },
  sessionOptions: SessionOptions = {},
  options: DetectFacesOptions = {},
): Promise<FaceBox[]> {
  const { entry, path } = model;
  if (entry.task !== 'face-detect' || entry.output.decode !== 'yunet') {
    throw new AppError('MODEL_INVALID', `Model ${entry.id} is not a YuNet face detector`);
  }
  const size = entry.input.width;
  const loaded = await getSession(path, sessionOptions);
  const placement = computePlacement(image.width, image.height, size, size, 'letterbox-topleft');
  const rgb = await resizeToRgb(image, placement.width, placement.height, { kernel: 'linear' });
  applyGain(rgb.data, options.gain ?? 1);
  const spare = spareTensors.findIndex((t) => t.length === 3 * size * size);
  const tensor = packTensor(rgb.data, placement, size, size, entry.preprocess, 'NCHW', spare >= 0 ? spareTensors.splice(spare, 1)[0] : undefined);
  const inputName = entry.input.name && loaded.session.inputNames.includes(entry.input.name) ? entry.input.name : loaded.session.inputNames[0];
  let out: Awaited<ReturnType<typeof loaded.session.run>>;
  try {
    out = await loaded.session.run({ [inputName]: new loaded.ort.Tensor('float32', tensor, [1, 3, size, size]) });
  } finally {
    if (spareTensors.length < MAX_SPARE_TENSORS) spareTensors.push(tensor);
  }
  const strides = entry.output.strides ?? [8, 16, 32];
  const get = (name: string): Float32Array => {
    const t = out[name];
    if (!t) throw new AppError('MODEL_INVALID', `YuNet output ${name} is missing`);
    return t.data as Float32Array;
  };
  const perStride = strides.map((s) => ({ stride: s, cls: get(`cls_${s}`), obj: get(`obj_${s}`), bbox: get(`bbox_${s}`), kps: get(`kps_${s}`) }));
  const raw = decodeYunet(perStride, size, placement.scaleX, options.minScore ?? 0.7);
  return suppressOverlaps(raw, options.nmsIou ?? 0.4);
}
