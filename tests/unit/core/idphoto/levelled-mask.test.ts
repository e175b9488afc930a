// A rolled head is shown to the person model level, and its mask comes back onto the work image
// (make-id-photo.ts levelledMask).
import { describe, expect, it } from 'vitest';
import { LEVEL_MASK_ROLL_DEG, levelledMask } from '../../../../src/main/core/idphoto/make-id-photo';
import type { RgbaImage } from '../../../../src/main/core/image/decode';

const W = 160;
const H = 120;
const pivot = { x: 80, y: 50 };

/** A "person" (red) on blue: a bar 40 px wide from `top` px above the pivot down, standing along a head rolled by rollDeg. */
function rolledPerson(rollDeg: number, top = 30): { image: RgbaImage; isPerson: (x: number, y: number) => boolean } {
  const t = (rollDeg * Math.PI) / 180;
  const isPerson = (x: number, y: number): boolean => {
    const dx = x - pivot.x;
    const dy = y - pivot.y;
    const u = dx * Math.cos(t) + dy * Math.sin(t);
    const v = -dx * Math.sin(t) + dy * Math.cos(t);
    return Math.abs(u) <= 20 && v >= -top;
  };
  const data = new Uint8Array(W * H * 4);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i += 4) {
      const red = isPerson(x + 0.5, y + 0.5);
      data.set(red ? [255, 0, 0, 255] : [0, 0, 255, 255], i);
    }
  }
  return { image: { data, width: W, height: H }, isPerson };
}

/** A model that calls red pixels person, at half the picture's resolution. */
function redModel(seen: RgbaImage[]) {
  return async (image: RgbaImage) => {
    seen.push(image);
    const width = Math.floor(image.width / 2);
    const height = Math.floor(image.height / 2);
    const mask = new Float32Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[y * width + x] = image.data[((2 * y + 1) * image.width + 2 * x + 1) * 4] > 128 ? 1 : 0;
    return { mask, width, height };
  };
}

const isRed = (image: RgbaImage, x: number, y: number): boolean => image.data[(Math.round(y) * image.width + Math.round(x)) * 4] > 128;

describe('levelledMask', () => {
  it('shows a head rolled 30° to the model level, about the eyes, on a picture of the same size, and turns its mask back', async () => {
    const { image, isPerson } = rolledPerson(30);
    const seen: RgbaImage[] = [];
    const result = await levelledMask(image, 30, pivot, async () => ({ image, ox: 0, oy: 0, kx: 1, ky: 1 }), redModel(seen));
    const [level] = seen;
    expect(level).not.toBe(image);
    expect([level.width, level.height]).toEqual([W, H]);
    // Upright in what the model saw: the bar runs straight down from above the pivot, 40 px wide.
    for (const dy of [-20, 0, 20, 40]) {
      expect(isRed(level, pivot.x, pivot.y + dy)).toBe(true);
      expect(isRed(level, pivot.x + 15, pivot.y + dy)).toBe(true);
      expect(isRed(level, pivot.x - 15, pivot.y + dy)).toBe(true);
      expect(isRed(level, pivot.x + 28, pivot.y + dy)).toBe(false);
      expect(isRed(level, pivot.x - 28, pivot.y + dy)).toBe(false);
    }
    expect(isRed(level, pivot.x, pivot.y - 40)).toBe(false);
    // The mask, back on the work image's grid at the model's resolution, is the rolled bar.
    expect([result.width, result.height]).toEqual([W / 2, H / 2]);
    let inter = 0;
    let union = 0;
    for (let y = 0; y < result.height; y++) {
      for (let x = 0; x < result.width; x++) {
        const p = isPerson(2 * x + 1, 2 * y + 1);
        const q = result.mask[y * result.width + x] >= 0.5;
        if (p && q) inter++;
        if (p || q) union++;
      }
    }
    expect(inter / union).toBeGreaterThan(0.93);
  });

  it('takes the work image\'s own mask where the level picture leaves it out: a crown the turn lifts above it makes no band of person', async () => {
    // Its top 55 px above the pivot along the head: rolled 40°, inside the work image (8 px from
    // its top); level, 5 px above the level picture. Its edge carried out made a band of "hair".
    const { image, isPerson } = rolledPerson(40, 55);
    const seen: RgbaImage[] = [];
    const result = await levelledMask(image, 40, pivot, async () => ({ image, ox: 0, oy: 0, kx: 1, ky: 1 }), redModel(seen));
    // The level picture, then the work image as it is.
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(image);
    const t = (40 * Math.PI) / 180;
    let inter = 0;
    let union = 0;
    let aboveCrown = 0;
    for (let y = 0; y < result.height; y++) {
      for (let x = 0; x < result.width; x++) {
        const wx = ((x + 0.5) * W) / result.width;
        const wy = ((y + 0.5) * H) / result.height;
        const p = isPerson(wx, wy);
        const q = result.mask[y * result.width + x] >= 0.5;
        if (p && q) inter++;
        if (p || q) union++;
        // Person said more than two mask pixels above the crown, along the head.
        if (q && -(wx - pivot.x) * Math.sin(t) + (wy - pivot.y) * Math.cos(t) < -55 - 8) aboveCrown++;
      }
    }
    expect(inter / union).toBeGreaterThan(0.93);
    expect(aboveCrown).toBe(0);
  });

  it('takes the level picture from a wider one around the work image where the work image ends', async () => {
    // The work image is the middle of a picture twice its size: the level picture's corners come from it.
    const { image: wide } = rolledPerson(0);
    const work: RgbaImage = { data: wide.data, width: W, height: H };
    const seen: RgbaImage[] = [];
    const big = new Uint8Array(2 * W * 2 * H * 4).fill(0);
    for (let i = 0; i < big.length; i += 4) big.set([0, 255, 0, 255], i);
    for (let y = 0; y < H; y++) big.set(work.data.subarray(y * W * 4, (y + 1) * W * 4), ((y + H / 2) * 2 * W + W / 2) * 4);
    let asked = { x0: 0, y0: 0, x1: 0, y1: 0 };
    await levelledMask(work, 40, pivot, async (reach) => ((asked = reach), { image: { data: big, width: 2 * W, height: 2 * H }, ox: W / 2, oy: H / 2, kx: 1, ky: 1 }), redModel(seen));
    // A corner of the level picture lies outside the work image: it shows the wider picture's green, not the work image's edge.
    const corner = seen[0].data.subarray(0, 4);
    expect([...corner]).toEqual([0, 255, 0, 255]);
    // Asked for as far as the level picture's corners reach: the work image turned 40° about the pivot.
    const t = (40 * Math.PI) / 180;
    const reach = [
      [0, 0],
      [W, 0],
      [0, H],
      [W, H],
    ].map(([x, y]) => ({ x: pivot.x + Math.cos(t) * (x - pivot.x) - Math.sin(t) * (y - pivot.y), y: pivot.y + Math.sin(t) * (x - pivot.x) + Math.cos(t) * (y - pivot.y) }));
    expect(asked.x0).toBeCloseTo(Math.min(...reach.map((p) => p.x)), 6);
    expect(asked.y0).toBeCloseTo(Math.min(...reach.map((p) => p.y)), 6);
    expect(asked.x1).toBeCloseTo(Math.max(...reach.map((p) => p.x)), 6);
    expect(asked.y1).toBeCloseTo(Math.max(...reach.map((p) => p.y)), 6);
  });

  it(`runs the work image as it is at a roll of ${LEVEL_MASK_ROLL_DEG}° or less`, async () => {
    const { image } = rolledPerson(LEVEL_MASK_ROLL_DEG);
    const seen: RgbaImage[] = [];
    let asked = false;
    await levelledMask(image, -LEVEL_MASK_ROLL_DEG, pivot, async () => ((asked = true), { image, ox: 0, oy: 0, kx: 1, ky: 1 }), redModel(seen));
    expect(seen[0]).toBe(image);
    expect(asked).toBe(false);
  });
});
