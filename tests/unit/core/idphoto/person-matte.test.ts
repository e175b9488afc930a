// An ID photo's matte holds one person: what it keeps away from them is dropped (person-matte.ts).
import { describe, expect, it } from 'vitest';
import { keepPersonMatte } from '../../../../src/main/core/idphoto/person-matte';

const W = 200;
const H = 200;

/** A head (disc at 100,70 r 30) on shoulders (rows 120..199, columns 40..159), solid. */
function person(): Float32Array {
  const a = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if ((x - 100) ** 2 + (y - 70) ** 2 <= 900 || (y >= 95 && x >= 85 && x <= 115) || (y >= 120 && x >= 40 && x <= 159)) a[y * W + x] = 1;
    }
  }
  return a;
}
const fill = (a: Float32Array, x0: number, y0: number, x1: number, y1: number, v: number) => {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * W + x] = v;
};
const max = (a: Float32Array, x0: number, y0: number, x1: number, y1: number) => {
  let m = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m = Math.max(m, a[y * W + x]);
  return m;
};

describe('keepPersonMatte', () => {
  const seed = { x: 100, y: 75 };
  const reach = 14;

  it('drops a smudge of background far from the person, solid or soft, and keeps the person whole', () => {
    const a = person();
    fill(a, 5, 10, 35, 40, 0.35); // a soft smudge beside the head, 35 px away
    fill(a, 170, 20, 190, 40, 0.8); // a solid blob in a corner
    const before = a.slice();
    const dropped = keepPersonMatte(a, W, H, seed, reach);
    expect(max(a, 5, 10, 35, 40)).toBe(0);
    expect(max(a, 170, 20, 190, 40)).toBe(0);
    expect(dropped).toBe(30 * 30 + 20 * 20);
    // The person is untouched.
    for (let i = 0; i < a.length; i++) if (before[i] === 1 && !((i % W >= 170 && Math.floor(i / W) < 40))) expect(a[i]).toBe(1);
  });

  it('keeps loose hair near the head, fades what lies between half the reach and the reach', () => {
    const a = person();
    fill(a, 131, 60, 135, 80, 0.4); // a soft strand 1-4 px from the head: kept as it is
    fill(a, 140, 60, 142, 80, 0.4); // 10-11 px away: faded, not gone
    keepPersonMatte(a, W, H, seed, reach);
    expect(max(a, 131, 60, 135, 80)).toBeCloseTo(0.4, 5);
    const faded = max(a, 140, 60, 142, 80);
    expect(faded).toBeGreaterThan(0);
    expect(faded).toBeLessThan(0.4);
  });

  it('keeps solid pieces within reach of the person, one after another (a dangling earring), but not haze that chains', () => {
    const a = person();
    // Links 8 px apart hanging from the ear, down to 60 px below it.
    for (let k = 0; k < 6; k++) fill(a, 134, 75 + k * 10, 137, 77 + k * 10, 0.9);
    // Haze in steps of 8 px too, but soft: only what is within reach of the person stays.
    for (let k = 0; k < 6; k++) fill(a, 60 - k * 8, 20, 62 - k * 8, 22, 0.3);
    keepPersonMatte(a, W, H, seed, reach);
    for (let k = 0; k < 6; k++) expect(max(a, 134, 75 + k * 10, 137, 77 + k * 10)).toBeCloseTo(0.9, 5);
    expect(max(a, 20, 20, 30, 22)).toBe(0);
  });

  it('never changes what a touch-up painted as foreground, and changes nothing when the face is not solid', () => {
    const a = person();
    fill(a, 5, 150, 30, 190, 0.6);
    const keep = new Uint8Array(W * H);
    for (let y = 150; y < 190; y++) for (let x = 5; x < 30; x++) keep[y * W + x] = 1;
    keepPersonMatte(a, W, H, seed, reach, keep);
    expect(max(a, 5, 150, 30, 190)).toBeCloseTo(0.6, 5);
    const missed = person();
    fill(missed, 60, 40, 140, 100, 0.3);
    fill(missed, 5, 10, 35, 40, 0.35);
    expect(keepPersonMatte(missed, W, H, seed, reach)).toBe(0);
    expect(max(missed, 5, 10, 35, 40)).toBeCloseTo(0.35, 5);
  });
});
