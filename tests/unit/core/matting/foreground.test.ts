// Foreground colours: the background's hue that a JPEG's half-resolution colour bleeds into the
// subject's edge is taken out (removeBackgroundTint, inside estimateForeground), only for
// pictures whose colour is subsampled, only as chroma, and never adding colour.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, type RgbaImage } from '../../../../src/main/core/image/decode';
import { foregroundColourError } from '../../../../src/main/core/eval/metrics';
import { estimateForeground } from '../../../../src/main/core/matting/foreground';

const W = 160, H = 120;
const HAIR = [40, 26, 18] as const;
const PINK = [245, 160, 160] as const;

/** Dark "hair" with a 2-px soft edge (a wavy disc) over a flat backdrop: true alpha and colours, and its composite. */
function scene(backdrop: readonly number[]): { alpha: Float32Array; truth: Uint8Array; composite: Buffer } {
  const alpha = new Float32Array(W * H);
  const truth = new Uint8Array(W * H * 4);
  const composite = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const r = 45 + 4 * Math.sin(Math.atan2(y - 60, x - 80) * 7);
      const a = Math.min(1, Math.max(0, 0.5 - (Math.hypot(x - 80, y - 60) - r) / 2));
      alpha[i] = a;
      truth.set([...HAIR, 255], i * 4);
      for (let c = 0; c < 3; c++) composite[i * 3 + c] = Math.round(a * HAIR[c] + (1 - a) * backdrop[c]);
    }
  }
  return { alpha, truth, composite };
}

async function asJpeg(composite: Buffer, chromaSubsampling: '4:2:0' | '4:4:4'): Promise<RgbaImage> {
  return decodeImage(await sharp(composite, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90, chromaSubsampling }).toBuffer());
}

const luma = (p: ArrayLike<number>, j: number) => 0.299 * p[j] + 0.587 * p[j + 1] + 0.114 * p[j + 2];
/** Length of a colour's chroma (the colour less its luma). */
const chroma = (p: ArrayLike<number>, j: number) => {
  const y = luma(p, j);
  return Math.hypot(p[j] - y, p[j + 1] - y, p[j + 2] - y);
};

describe('background tint removal', () => {
  it("takes a 4:2:0 JPEG's pink out of dark hair's edge, soft pixels and opaque rim alike", async () => {
    const { alpha, truth, composite } = scene(PINK);
    const image = await asJpeg(composite, '4:2:0');
    expect(image.isColourSubsampled).toBe(true);
    const kept = estimateForeground(image, alpha, { shouldRemoveTint: false });
    const removed = estimateForeground(image, alpha);
    const before = foregroundColourError(kept.data, truth, alpha, W, H);
    const after = foregroundColourError(removed.data, truth, alpha, W, H);
    expect(after.soft).toBeLessThan(before.soft * 0.85);
    expect(after.rim).toBeLessThan(before.rim * 0.85);
    // The pink shows as red over green on the edge: less of it.
    let redBefore = 0, redAfter = 0;
    for (let i = 0; i < W * H; i++) {
      if (alpha[i] < 0.3 || alpha[i] >= 1) continue;
      redBefore += kept.data[i * 4] - kept.data[i * 4 + 1];
      redAfter += removed.data[i * 4] - removed.data[i * 4 + 1];
    }
    expect(redAfter).toBeLessThan(redBefore * 0.8);
  });

  it('changes chroma only, never adds colour, and leaves the inside and the alpha alone', async () => {
    const { alpha, composite } = scene(PINK);
    const image = await asJpeg(composite, '4:2:0');
    const kept = estimateForeground(image, alpha, { shouldRemoveTint: false }).data;
    const removed = estimateForeground(image, alpha).data;
    let changed = 0;
    for (let i = 0; i < W * H; i++) {
      const j = i * 4;
      expect(removed[j + 3]).toBe(kept[j + 3]);
      if (removed[j] === kept[j] && removed[j + 1] === kept[j + 1] && removed[j + 2] === kept[j + 2]) continue;
      changed++;
      expect(alpha[i]).toBeGreaterThan(0);
      expect(Math.abs(luma(removed, j) - luma(kept, j))).toBeLessThan(1.5); // rounding and clamping
      expect(chroma(removed, j)).toBeLessThanOrEqual(chroma(kept, j) + 1);
    }
    expect(changed).toBeGreaterThan(100);
    // 10 px inside the edge nothing moved.
    const inside = (60 * W + 80) * 4;
    expect([...removed.subarray(inside, inside + 4)]).toEqual([...kept.subarray(inside, inside + 4)]);
  });

  it('leaves a picture whose colour is whole (4:4:4), and a grey backdrop, exactly as blur-fusion gives them', async () => {
    const pink = scene(PINK);
    const whole = await asJpeg(pink.composite, '4:4:4');
    expect(whole.isColourSubsampled).toBeUndefined();
    expect(estimateForeground(whole, pink.alpha).data).toEqual(estimateForeground(whole, pink.alpha, { shouldRemoveTint: false }).data);
    const grey = scene([200, 200, 200]);
    const half = await asJpeg(grey.composite, '4:2:0');
    expect(estimateForeground(half, grey.alpha).data).toEqual(estimateForeground(half, grey.alpha, { shouldRemoveTint: false }).data);
  });
});
