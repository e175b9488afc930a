// A mask model run at an input its descriptor says but the model does not take.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../../src/shared/errors';
import { parseModelEntry } from '../../../../src/main/core/models/manifest';
import { MAX_WINDOWS, modelWindows, runMaskModel } from '../../../../src/main/core/segment/mask-model';
import type { RgbaImage } from '../../../../src/main/core/image/decode';
import { SHARED_MODELS_DIR, sinetLikeDescriptor, tempDir } from '../../../helpers/env';

describe('runMaskModel', () => {
  it("an input size the model does not take is MODEL_INVALID naming the model and its descriptor (it was INTERNAL in ONNX Runtime's words)", async () => {
    // SINet takes 320 x 320; the descriptor says 256.
    const origin = '/home/me/models/my-sinet.model.json';
    const entry = parseModelEntry(sinetLikeDescriptor('my-sinet', 'portrait_sinet_softmax_320x320.onnx', 256), origin);
    const image: RgbaImage = { width: 64, height: 80, data: new Uint8Array(64 * 80 * 4).fill(128) };
    const err = (await runMaskModel(image, { entry, path: join(SHARED_MODELS_DIR, entry.file) }, { provider: 'cpu', threads: 1 }).catch((e) => e)) as AppError;
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.message).toMatch(/^Model my-sinet \(\/home\/me\/models\/my-sinet\.model\.json\) does not take the input it is described with \(NCHW 1x3x256x256\): .*invalid dimensions/i);
  });

  it('a model answering NaN (its weights damaged, no sha256 to tell) is MODEL_CORRUPT (eval printed NaN figures and exited 0)', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const bytes = readFileSync(join(SHARED_MODELS_DIR, 'portrait_sinet_softmax_320x320.onnx'));
    bytes.fill(0xff, 300_000, 300_008);
    writeFileSync(join(dir, 'rot.onnx'), bytes);
    const entry = parseModelEntry(sinetLikeDescriptor('rot', 'rot.onnx'), join(dir, 'rot.model.json'));
    const image: RgbaImage = { width: 64, height: 80, data: new Uint8Array(64 * 80 * 4).fill(128) };
    const err = (await runMaskModel(image, { entry, path: join(dir, 'rot.onnx') }, { provider: 'cpu', threads: 1 }).catch((e) => e)) as AppError;
    expect([err.code, err.message]).toEqual(['MODEL_CORRUPT', `Model rot (${join(dir, 'rot.model.json')}) answered with no numbers (NaN): its file is damaged or it does not work as described. Replace the file.`]);
  });
});

describe('modelWindows: where a fixed-size model sees a wide picture', () => {
  it('whole up to the model\'s windowsWiderThan (and always without one) and any tall picture; wider, in square windows of its height, each overlapping the next by a third at least, end to end', () => {
    expect(modelWindows(1024, 682, 1.55)).toEqual([{ x: 0, width: 1024 }]);
    expect(modelWindows(300, 4000, 1.55)).toEqual([{ x: 0, width: 300 }]);
    expect(modelWindows(620, 400, 1.55)).toHaveLength(1);
    // A model without windowsWiderThan (isnetis letterboxes, birefnet-lite takes 1024²: not measured) sees it whole.
    expect(modelWindows(4000, 400)).toEqual([{ x: 0, width: 4000 }]);
    for (const [w, h] of [[1280, 720], [1650, 800], [2400, 800], [3000, 400]]) {
      const windows = modelWindows(w, h, 1.55);
      expect(windows.length).toBeGreaterThan(1);
      expect(windows.every((win) => win.width === h)).toBe(true);
      expect(windows[0].x).toBe(0);
      expect(windows.at(-1)!.x + h).toBe(w);
      for (let i = 1; i < windows.length; i++) expect(windows[i - 1].x + h - windows[i].x).toBeGreaterThanOrEqual(Math.floor(h / 3));
    }
    // A 16:9 frame: three windows.
    expect(modelWindows(1280, 720, 1.55)).toEqual([{ x: 0, width: 720 }, { x: 280, width: 720 }, { x: 560, width: 720 }]);
  });

  it('at most MAX_WINDOWS: a strip far wider than tall is seen in wider windows (a 20000 × 20 one was 1500 runs of the model)', () => {
    for (const [w, h] of [[4000, 400], [20000, 20], [100000, 1]]) {
      const windows = modelWindows(w, h, 1.55);
      expect(windows.length).toBeLessThanOrEqual(MAX_WINDOWS);
      const side = windows[0].width;
      expect(side).toBeGreaterThan(h);
      expect(windows.at(-1)!.x + side).toBe(w);
      for (let i = 1; i < windows.length; i++) expect(windows[i - 1].x + side).toBeGreaterThan(windows[i].x);
    }
  });
});
