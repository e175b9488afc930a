// A cut-out keeps only haze linked to something solid (loose-haze.ts), on mattes made by the test.
import { describe, expect, it } from 'vitest';
import { dropLooseHaze, HAZE_LINK_ALPHA } from '../../../../src/main/core/matting/loose-haze';

const W = 120;
const H = 100;
const fill = (a: Float32Array, x0: number, y0: number, x1: number, y1: number, v: number) => {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * W + x] = v;
};
const sum = (a: Float32Array, x0: number, y0: number, x1: number, y1: number) => {
  let s = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += a[y * W + x];
  return s;
};
/** A solid body (columns 40..69) with a soft strand of hair falling from it (columns 70..89, alpha 0.3 then 0.1). */
function subject(): Float32Array {
  const a = new Float32Array(W * H);
  fill(a, 40, 10, 70, 100, 1);
  fill(a, 70, 20, 80, 24, 0.3);
  fill(a, 80, 20, 90, 24, 0.1);
  return a;
}

describe('dropLooseHaze', () => {
  it('drops a half-transparent patch that floats apart from the subject, and keeps the subject and its soft strand', () => {
    const a = subject();
    fill(a, 5, 40, 25, 70, 0.4); // a smudge of background, 15 px from the body
    fill(a, 100, 5, 110, 12, 0.03); // a faint one
    const before = a.slice();
    const cleared = dropLooseHaze(a, W, H);
    expect(sum(a, 5, 40, 25, 70)).toBe(0);
    expect(sum(a, 100, 5, 110, 12)).toBe(0);
    expect(cleared).toBeCloseTo(20 * 30 * 0.4 + 10 * 7 * 0.03, 3);
    // Everything else is as it was: the body and the strand linked to it through alpha > 0.05.
    fill(before, 5, 40, 25, 70, 0);
    fill(before, 100, 5, 110, 12, 0);
    expect(a).toEqual(before);
  });

  it('a patch joined to the body only through alpha below the link threshold is dropped; the faint joint beside the body stays', () => {
    const a = subject();
    const faint = HAZE_LINK_ALPHA * 0.8;
    fill(a, 70, 60, 76, 62, faint); // the joint
    fill(a, 76, 55, 100, 70, 0.45);
    dropLooseHaze(a, W, H);
    expect(sum(a, 76, 55, 100, 70)).toBe(0);
    // Faint alpha within 2 px of the body stays (an anti-aliased outline); further out it goes.
    expect(a[60 * W + 71]).toBeCloseTo(faint, 6);
    expect(a[60 * W + 74]).toBe(0);
  });

  it('a second person, solid, is kept with their own haze; what the user asked solved is kept', () => {
    const a = subject();
    fill(a, 95, 50, 115, 100, 0.9); // someone else, solid
    fill(a, 90, 40, 115, 50, 0.2); // their hair
    fill(a, 5, 5, 20, 20, 0.3); // a loose patch the user painted unknown
    const keep = (i: number) => i % W < 20 && Math.floor(i / W) < 20;
    const before = a.slice();
    expect(dropLooseHaze(a, W, H, keep)).toBe(0);
    expect(a).toEqual(before);
  });

  it('what a touch-up asked solved links what touches it: haze joined to the body only through an Edge stroke stays', () => {
    const a = subject();
    fill(a, 72, 60, 80, 62, 0.2); // an Edge stroke's solve, 2 px apart from the body
    fill(a, 80, 55, 100, 70, 0.3); // haze touching the stroke
    const stroke = (i: number) => i % W >= 72 && i % W < 80 && Math.floor(i / W) >= 60 && Math.floor(i / W) < 62;
    const without = a.slice();
    dropLooseHaze(without, W, H);
    expect(sum(without, 72, 55, 100, 70)).toBe(0);
    const before = a.slice();
    expect(dropLooseHaze(a, W, H, stroke)).toBe(0);
    expect(a).toEqual(before);
  });

  it('leaves a matte with nothing solid as it is', () => {
    const a = new Float32Array(W * H);
    fill(a, 10, 10, 60, 60, 0.3);
    const before = a.slice();
    expect(dropLooseHaze(a, W, H)).toBe(0);
    expect(a).toEqual(before);
  });
});
