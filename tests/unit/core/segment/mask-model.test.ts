// A mask model run at an input its descriptor says but the model does not take.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../../src/shared/errors';
import { parseModelEntry } from '../../../../src/main/core/models/manifest';
import { runMaskModel } from '../../../../src/main/core/segment/mask-model';
import type { RgbaImage } from '../../../../src/main/core/image/decode';
import { SHARED_MODELS_DIR, sinetLikeDescriptor } from '../../../helpers/env';

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
});
