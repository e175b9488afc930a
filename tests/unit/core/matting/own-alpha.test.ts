// Pictures with transparency of their own: which ones, the backdrop they are matted on, and what
// a cut-out keeps of their alpha.
import { describe, expect, it } from 'vitest';
import { backdropFor, flattenForMatting, keepOwnEdge, ownAlphaOf, unfadedOwnAlpha } from '../../../../src/main/core/matting/own-alpha';
import type { RgbaImage } from '../../../../src/main/core/image/decode';

/** A W x H picture: an opaque disc of `colour` in the middle, transparent black around it. */
function disc(W: number, H: number, colour: [number, number, number]): RgbaImage {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      if (Math.hypot(x - W / 2, y - H / 2) < W / 4) data.set([...colour, 255], o);
    }
  }
  return { data, width: W, height: H };
}

describe('own alpha', () => {
  it('is null for an opaque picture, the alpha channel otherwise', () => {
    const opaque: RgbaImage = { data: new Uint8Array(16).fill(255), width: 2, height: 2 };
    expect(ownAlphaOf(opaque)).toBeNull();
    const img = disc(40, 40, [200, 30, 30]);
    const own = ownAlphaOf(img)!;
    expect(own[0]).toBe(0);
    expect(own[20 * 40 + 20]).toBe(255);
  });

  it('mattes a white subject on black, a black one on white, and flattens with the backdrop', () => {
    expect(backdropFor(disc(40, 40, [250, 250, 250]))).toEqual([0, 0, 0]);
    expect(backdropFor(disc(40, 40, [10, 10, 10]))).toEqual([255, 255, 255]);
    const flat = flattenForMatting(disc(40, 40, [250, 250, 250]));
    expect([...flat.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...flat.data.subarray((20 * 40 + 20) * 4, (20 * 40 + 20) * 4 + 4)]).toEqual([250, 250, 250, 255]);
  });

  it('hides what the picture hides, keeps its own edge where the matte holds the subject, and is idempotent', () => {
    const W = 40;
    const img = disc(W, W, [200, 30, 30]);
    const own = ownAlphaOf(img)!;
    // A soft solved matte: 0.7 everywhere, 0.3 in one corner of the disc's edge band.
    const alpha = new Float32Array(W * W).fill(0.7);
    const soft = 20 * W + 11; // just inside the disc's left edge (radius 10)
    alpha[soft] = 0.3;
    keepOwnEdge(alpha, own, W, W);
    expect(alpha[0]).toBe(0); // hidden: nothing comes back
    expect(alpha[20 * W + 12]).toBe(1); // edge band, held as subject: the picture's own edge
    expect(alpha[soft]).toBeCloseTo(0.3, 6); // edge band, not held: the matte's call
    expect(alpha[20 * W + 20]).toBeCloseTo(0.7, 6); // inside, away from the edge: untouched
    const again = alpha.slice();
    keepOwnEdge(again, own, W, W);
    expect(again).toEqual(alpha);
  });

  it('an ID photo brings back a picture faded as a whole, and leaves a cut-out whose body is opaque as it is', () => {
    // A cut-out: an opaque body (90 % of what shows), a soft edge, hidden around it.
    const cut = new Uint8Array(200);
    cut.fill(255, 0, 90);
    cut.fill(128, 90, 100);
    expect(unfadedOwnAlpha(cut)).toEqual(cut);
    // The same saved at half opacity: its body reads opaque again and its edge scales with it.
    const half = cut.map((a) => Math.round(a / 2));
    const back = unfadedOwnAlpha(half)!;
    expect([back[0], back[95], back[150]]).toEqual([255, 128, 0]);
    expect(half[0]).toBe(128); // not changed in place
    // Faded everywhere, hiding nothing: opaque, so null; and nothing shown at all is null too.
    expect(unfadedOwnAlpha(new Uint8Array(50).fill(128))).toBeNull();
    expect(unfadedOwnAlpha(new Uint8Array(50))).toBeNull();
  });
});
