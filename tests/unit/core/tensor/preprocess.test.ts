// Tensor packing per MODELS.md: MediaPipe NHWC RGB/255, SINet NCHW BGR (v-mean)/std/255,
// YuNet BGR raw with top-left letterbox, PFLD (v/255-0.5)/0.5; mask decoding and unpadding.
import { describe, expect, it } from 'vitest';
import { computePlacement, decodeMaskOutput, packTensor } from '../../../../src/main/core/tensor/preprocess';
import { parseModelEntry } from '../../../../src/main/core/models/manifest';
import manifest from '../../../../resources/models/manifest.json';

const entry = (id: string) => parseModelEntry(manifest.models.find((m) => m.id === id), id);
// A 2x1 RGB image: pixel 0 = (10, 20, 30), pixel 1 = (200, 100, 50).
const rgb = new Uint8Array([10, 20, 30, 200, 100, 50]);

describe('packTensor', () => {
  it('MediaPipe selfie: NHWC, RGB, v/255', () => {
    const e = entry('mediapipe-selfie');
    const t = packTensor(rgb, computePlacement(2, 1, 2, 1, 'stretch'), 2, 1, e.preprocess, e.input.layout);
    expect(e.input.layout).toBe('NHWC');
    expect([...t].map((v) => +v.toFixed(5))).toEqual([10 / 255, 20 / 255, 30 / 255, 200 / 255, 100 / 255, 50 / 255].map((v) => +v.toFixed(5)));
  });

  it('SINet: NCHW, BGR, (v - mean) / std / 255 with mean/std in B, G, R order', () => {
    const e = entry('sinet');
    const t = packTensor(rgb, computePlacement(2, 1, 2, 1, 'stretch'), 2, 1, e.preprocess, e.input.layout);
    const mean = [102.890434, 111.25247, 126.91212];
    const std = [62.93292, 62.82138, 66.355705];
    // Plane 0 is blue: pixels' B = 30 and 50.
    expect(t[0]).toBeCloseTo((30 - mean[0]) / std[0] / 255, 6);
    expect(t[1]).toBeCloseTo((50 - mean[0]) / std[0] / 255, 6);
    expect(t[2]).toBeCloseTo((20 - mean[1]) / std[1] / 255, 6);
    expect(t[5]).toBeCloseTo((200 - mean[2]) / std[2] / 255, 6);
  });

  it('YuNet: BGR raw 0..255, letterboxed top-left with zero padding', () => {
    const e = entry('yunet');
    const placement = computePlacement(2, 1, 4, 4, e.preprocess.resize);
    expect(placement).toMatchObject({ width: 4, height: 2, offsetX: 0, offsetY: 0 });
    const resized = new Uint8Array(4 * 2 * 3).fill(7);
    const t = packTensor(resized, placement, 4, 4, e.preprocess, 'NCHW');
    expect(t[0]).toBe(7);
    expect(t[2 * 4]).toBe(0); // row 2 is padding
    expect(t[16 + 4 * 4 - 1]).toBe(0);
  });

  it('PFLD: RGB, (v/255 - 0.5) / 0.5', () => {
    const e = entry('pfld-98');
    const t = packTensor(rgb, computePlacement(2, 1, 2, 1, 'stretch'), 2, 1, e.preprocess, e.input.layout);
    expect(t[0]).toBeCloseTo((10 / 255 - 0.5) / 0.5, 6);
    expect(t[2]).toBeCloseTo((20 / 255 - 0.5) / 0.5, 6);
  });

  it('fills a tensor given again, every value (the detector reuses its input tensors), and refuses one of another size', () => {
    const e = entry('yunet');
    const image = Uint8Array.from({ length: 3 * 3 * 2 }, (_, i) => (i * 37) % 256);
    for (const [w, h] of [[3, 2], [4, 4]]) {
      const placement = computePlacement(3, 2, w, h, e.preprocess.resize); // unpadded, then letterboxed
      const used = new Float32Array(3 * w * h).fill(Number.NaN);
      const again = packTensor(image, placement, w, h, e.preprocess, 'NCHW', used);
      expect(again).toBe(used);
      expect(again).toEqual(packTensor(image, placement, w, h, e.preprocess, 'NCHW'));
    }
    expect(() => packTensor(image, computePlacement(3, 2, 4, 4, 'letterbox-topleft'), 4, 4, e.preprocess, 'NCHW', new Float32Array(47))).toThrow(/not 3 x dstW x dstH/);
  });

  it('letterbox-center splits the padding and keeps the aspect ratio', () => {
    const p = computePlacement(1000, 500, 1024, 1024, 'letterbox-center');
    expect(p).toMatchObject({ width: 1024, height: 512, offsetX: 0, offsetY: 256 });
  });
});

describe('decodeMaskOutput', () => {
  const placement = computePlacement(2, 1, 2, 2, 'letterbox-topleft');
  it('reads the foreground channel of a 2-class softmax (NCHW) and drops padding rows', () => {
    // [1, 2, 2, 2]: channel 1 = person.
    const raw = new Float32Array([0.9, 0.2, 0, 0, 0.1, 0.8, 1, 1]);
    expect([...decodeMaskOutput(raw, [1, 2, 2, 2], 'NCHW', 'probability', 1, placement)].map((v) => +v.toFixed(3))).toEqual([0.1, 0.8]);
  });
  it('applies the sigmoid to logits and softmax to 2-class logits', () => {
    const logit = decodeMaskOutput(new Float32Array([0, 2, 9, 9]), [1, 1, 2, 2], 'NCHW', 'logit', 0, placement);
    expect(logit[0]).toBeCloseTo(0.5, 6);
    expect(logit[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    const soft = decodeMaskOutput(new Float32Array([0, 1, 0, 0, 0, 3, 0, 0]), [1, 2, 2, 2], 'NCHW', 'softmax-logits', 1, placement);
    expect(soft[0]).toBeCloseTo(0.5, 6);
    expect(soft[1]).toBeCloseTo(1 / (1 + Math.exp(1 - 3)), 6);
  });
  it('reads NHWC single-channel output (MediaPipe)', () => {
    const m = decodeMaskOutput(new Float32Array([0.25, 0.75, 0, 0]), [1, 2, 2, 1], 'NHWC', 'probability', 0, placement);
    expect([...m]).toEqual([0.25, 0.75]);
  });
});
