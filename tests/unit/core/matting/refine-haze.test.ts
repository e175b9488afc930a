// refineMatte drops haze linked to nothing solid in fast and full edges, keeps it with raw edges,
// and spares what a user's trimap marks unknown (loose-haze.ts, wired in refine.ts).
import { describe, expect, it } from 'vitest';
import { refineMatte } from '../../../../src/main/core/matting/refine';
import { TRIMAP_AUTO, TRIMAP_UNKNOWN } from '../../../../src/main/core/trimap/trimap-file';

const W = 64;
const H = 64;
/** A dark square on a light picture; its mask (16 x 16) the square, solid, and a half-believed patch of the light background in a corner. */
const image = { data: new Uint8Array(W * H * 4).fill(200), width: W, height: H };
for (let y = 36; y < 60; y++) for (let x = 36; x < 60; x++) image.data.fill(40, (y * W + x) * 4, (y * W + x) * 4 + 3);
for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255; // opaque
const M = 16;
const mask = new Float32Array(M * M);
for (let y = 0; y < M; y++) {
  for (let x = 0; x < M; x++) {
    if (x >= 9 && x < 15 && y >= 9 && y < 15) mask[y * M + x] = 1;
    else if (x < 3 && y < 3) mask[y * M + x] = 0.35;
  }
}
/** The most alpha in the corner patch (pixels 0..11). */
const cornerMax = (alpha: Float32Array) => {
  let m = 0;
  for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) m = Math.max(m, alpha[y * W + x]);
  return m;
};

describe('refineMatte and haze linked to nothing solid', () => {
  it('raw edges keep the patch; fast and full drop it; the subject stays', async () => {
    expect(cornerMax((await refineMatte({ image, mask, maskW: M, maskH: M, mode: 'off' })).alpha)).toBeGreaterThan(0.3);
    for (const mode of ['fast', 'full'] as const) {
      const r = await refineMatte({ image, mask, maskW: M, maskH: M, mode });
      expect(cornerMax(r.alpha), mode).toBe(0);
      expect(r.alpha[48 * W + 48], mode).toBeGreaterThan(0.99);
    }
  });

  it('a user trimap that marks the patch unknown (an Edge stroke) keeps it', async () => {
    const trimap = new Uint8Array(W * H).fill(TRIMAP_AUTO);
    for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) trimap[y * W + x] = TRIMAP_UNKNOWN;
    const r = await refineMatte({ image, mask, maskW: M, maskH: M, mode: 'fast', trimap });
    expect(cornerMax(r.alpha)).toBeGreaterThan(0.2);
  });
});
