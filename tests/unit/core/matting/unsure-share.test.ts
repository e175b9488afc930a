import { describe, expect, it } from 'vitest';
import { areaAverage, isEmptyMatte, reviewMatte, unsureShare } from '../../../../src/main/core/matting/unsure-share';

/** A w×h matte: 1 inside the disc of radius r around the centre, with `edge` pixels of linear ramp outside it. */
function disc(w: number, h: number, r: number, edge = 0, inner?: { r: number; value: number }): Float32Array {
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x + 0.5 - w / 2, y + 0.5 - h / 2);
      let v = d <= r ? 1 : edge > 0 ? Math.max(0, 1 - (d - r) / edge) : 0;
      if (inner && d <= inner.r) v = inner.value;
      a[y * w + x] = v;
    }
  }
  return a;
}

describe('unsureShare', () => {
  it('is 0 for an empty matte and for a hard-edged subject', () => {
    expect(unsureShare(new Float32Array(200 * 100), 200, 100)).toBe(0);
    expect(unsureShare(disc(300, 300, 100), 300, 300)).toBe(0);
  });

  it('leaves a thin soft edge out (erosion) but counts a broad half-transparent region', () => {
    // A 3-pixel ramp round the disc: unsure cells, but no wider than the erosion.
    expect(unsureShare(disc(300, 300, 100, 3), 300, 300)).toBe(0);
    // The inner disc of radius 50 at 0.5: its area over the subject's, less the eroded rim.
    const share = unsureShare(disc(300, 300, 100, 0, { r: 50, value: 0.5 }), 300, 300);
    const expected = (Math.PI * 48 * 48) / (Math.PI * 100 * 100);
    expect(share).toBeGreaterThan(expected * 0.95);
    expect(share).toBeLessThan(expected * 1.05);
  });

  it('measures on a grid of 320 cells on the long side, so the share does not depend on the image size', () => {
    // 600×400 and 1200×800 both become 320×213 cells; the same drawing scaled gives the same share.
    const medium = disc(600, 400, 160, 0, { r: 80, value: 0.5 });
    const big = disc(1200, 800, 320, 0, { r: 160, value: 0.5 });
    expect(areaAverage(medium, 600, 400, 320)).toMatchObject({ width: 320, height: 213 });
    expect(unsureShare(medium, 600, 400)).toBeGreaterThan(0.2);
    expect(Math.abs(unsureShare(big, 1200, 800) - unsureShare(medium, 600, 400))).toBeLessThan(0.005);
  });

  it('measures a matte smaller than the grid as it is, and gives 0 when its short side is under 5 cells', () => {
    const small = disc(200, 120, 50, 0, { r: 30, value: 0.5 });
    expect(areaAverage(small, 200, 120, 320)).toMatchObject({ width: 200, height: 120 });
    expect(unsureShare(small, 200, 120)).toBeGreaterThan(0.2);
    // All half transparent, but 4 cells high (400×4 px, or 400×5 px, which is 320×4 cells) or one pixel wide: nothing survives the erosion.
    expect(unsureShare(new Float32Array(400 * 4).fill(0.5), 400, 4)).toBe(0);
    expect(unsureShare(new Float32Array(400 * 5).fill(0.5), 400, 5)).toBe(0);
    expect(unsureShare(new Float32Array(1 * 300).fill(0.5), 1, 300)).toBe(0);
    expect(unsureShare(new Float32Array(320 * 5).fill(0.5), 320, 5)).toBeGreaterThan(0);
  });

  it('area-averages: fine 1-pixel stripes read as half transparent (hair-like detail finer than a cell)', () => {
    const w = 1280;
    const h = 640;
    const stripes = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) stripes[y * w + x] = x % 2;
    const grid = areaAverage(stripes, w, h, 320);
    expect([grid.width, grid.height]).toEqual([320, 160]);
    expect(grid.data.every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    expect(unsureShare(stripes, w, h)).toBeGreaterThan(0.9);
  });

  it("measures a picture with its own alpha against what the picture shows: its own half transparency is not the model's doubt", () => {
    // A disc the model is sure of, in a picture 60 % opaque all over: the matte keeps the 60 %.
    const sure = disc(300, 300, 100);
    const seeThrough = sure.map((a) => a * 0.6);
    const own = new Uint8Array(300 * 300).fill(153);
    expect(unsureShare(seeThrough, 300, 300)).toBeGreaterThan(0.9);
    expect(unsureShare(seeThrough, 300, 300, own)).toBe(0);
    // The model's own half transparency inside it still counts: 0.5 of 60 %.
    const unsure = disc(300, 300, 100, 0, { r: 50, value: 0.5 }).map((a) => a * 0.6);
    expect(unsureShare(unsure, 300, 300, own)).toBeCloseTo(unsureShare(disc(300, 300, 100, 0, { r: 50, value: 0.5 }), 300, 300), 2);
    // What the picture hides, or nearly (a 10 % glow round the subject), counts as nothing: a trace
    // of haze there, 0.02 under the glow's 25, would read 0.2, unsure.
    const glow = new Uint8Array(300 * 300).fill(25);
    const haze = new Float32Array(300 * 300).fill(0.02);
    for (let i = 0; i < glow.length; i++) if (sure[i] === 1) [glow[i], haze[i]] = [255, 1];
    expect(unsureShare(haze, 300, 300, glow)).toBe(0);
    expect(unsureShare(haze, 300, 300, glow.map((v) => (v === 25 ? 102 : v)))).toBe(0);
  });

  it('refuses a matte of the wrong length', () => {
    expect(() => unsureShare(new Float32Array(10), 4, 4)).toThrow('unsureShare');
  });
});

describe('reviewMatte', () => {
  const matte = disc(300, 300, 100, 0, { r: 50, value: 0.5 });
  it('flags a share above the model threshold', () => {
    const r = reviewMatte(matte, 300, 300, { output: { decode: 'probability', reviewUnsureShare: 0.08 } });
    expect(r.unsureShare).toBeGreaterThan(0.08);
    expect(r).toMatchObject({ needsReview: true, reviewThreshold: 0.08 });
    expect(reviewMatte(matte, 300, 300, { output: { decode: 'probability', reviewUnsureShare: 0.5 } }).needsReview).toBe(false);
  });

  it('flags an empty matte (no subject found) whatever the threshold, and says so', () => {
    const empty = new Float32Array(300 * 300).fill(0.3);
    expect(isEmptyMatte(empty)).toBe(true);
    expect(isEmptyMatte(matte)).toBe(false);
    expect(reviewMatte(empty, 300, 300, { output: { decode: 'probability' } })).toMatchObject({ needsReview: true, isEmpty: true, reviewThreshold: null });
    expect(reviewMatte(matte, 300, 300, { output: { decode: 'probability', reviewUnsureShare: 0.5 } }).isEmpty).toBeUndefined();
  });

  it('never flags for a model without a calibrated threshold, but still reports the share', () => {
    const r = reviewMatte(matte, 300, 300, { output: { decode: 'probability' } });
    expect(r).toMatchObject({ needsReview: false, reviewThreshold: null });
    expect(r.unsureShare).toBeGreaterThan(0.08);
  });
});

describe('areaAverage with channels', () => {
  it('averages each interleaved channel as a single-channel map would', () => {
    const w = 37;
    const h = 23;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 7919) % 256;
    const all = areaAverage(rgba, w, h, 10, 4);
    expect([all.width, all.height]).toEqual([10, 6]);
    for (let c = 0; c < 4; c++) {
      const one = areaAverage(Array.from({ length: w * h }, (_, i) => rgba[i * 4 + c]), w, h, 10);
      for (let k = 0; k < one.data.length; k++) expect(all.data[k * 4 + c]).toBeCloseTo(one.data[k], 3);
    }
  });
});

describe('review thresholds by path', () => {
  it('a cut-out uses output.reviewUnsureShare, a sticker output.stickerReviewUnsureShare', () => {
    const entry = { output: { decode: 'probability' as const, reviewUnsureShare: 0.08, stickerReviewUnsureShare: 0.2 } };
    const matte = disc(300, 300, 100, 0, { r: 50, value: 0.5 }); // share about 0.23
    expect(reviewMatte(matte, 300, 300, entry)).toMatchObject({ needsReview: true, reviewThreshold: 0.08 });
    expect(reviewMatte(matte, 300, 300, entry, 'sticker')).toMatchObject({ needsReview: true, reviewThreshold: 0.2 });
    expect(reviewMatte(disc(300, 300, 100, 0, { r: 40, value: 0.5 }), 300, 300, entry, 'sticker')).toMatchObject({ needsReview: false, reviewThreshold: 0.2 });
    expect(reviewMatte(matte, 300, 300, { output: { decode: 'probability', reviewUnsureShare: 0.08 } }, 'sticker')).toMatchObject({ needsReview: false, reviewThreshold: null });
  });
});
