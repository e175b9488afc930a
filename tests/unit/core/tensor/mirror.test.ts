// mirrorWidth: the left-right mirror of one image tensor in either layout (flip test-time averaging).
import { describe, expect, it } from 'vitest';
import { mirrorWidth } from '../../../../src/main/core/segment/mask-model';

describe('mirrorWidth', () => {
  it('reverses each row of each plane (NCHW) and each row of pixels (NHWC), and is its own inverse', () => {
    // 2 channels, 2 rows, 3 columns.
    const nchw = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([...mirrorWidth(nchw, 'NCHW', 2, 2, 3)]).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
    const nhwc = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // pixels (1,2) (3,4) (5,6) / (7,8) ...
    expect([...mirrorWidth(nhwc, 'NHWC', 2, 2, 3)]).toEqual([5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8]);
    expect([...mirrorWidth(mirrorWidth(nchw, 'NCHW', 2, 2, 3), 'NCHW', 2, 2, 3)]).toEqual([...nchw]);
  });
});
