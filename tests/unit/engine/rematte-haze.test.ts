// The editor's re-solve shows the matte without the haze a stroke left linked to nothing solid,
// as the export does (engine/ops.ts withoutLooseHaze), and keeps what the user painted unknown.
import { describe, expect, it } from 'vitest';
import { withoutLooseHaze } from '../../../src/main/engine/ops';
import { TRIMAP_LABEL, trimapFromAlpha } from '../../../src/shared/trimap-brush';

const W = 80;
const H = 40;
const fill = (a: Float32Array | Uint8Array, x0: number, y0: number, x1: number, y1: number, v: number) => {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * W + x] = v;
};

describe('withoutLooseHaze (the re-solve the editor shows)', () => {
  // The segment's matte: a solid body (columns 0..29) and a soft patch (0.3) joined to it by a soft bridge.
  const baseAlpha = new Float32Array(W * H);
  fill(baseAlpha, 0, 0, 30, H, 1);
  fill(baseAlpha, 30, 18, 50, 22, 0.3);
  fill(baseAlpha, 50, 10, 70, 30, 0.3);
  const auto = trimapFromAlpha(Uint8Array.from(baseAlpha, (a) => Math.round(a * 255)));

  it('a Remove stroke across the bridge cuts the patch off: the shown matte drops it, the kept one does not', () => {
    const alpha = baseAlpha.slice();
    fill(alpha, 38, 0, 42, H, 0); // the re-solve of a Remove stroke across the bridge
    const trimap = auto.slice();
    fill(trimap, 38, 0, 42, H, TRIMAP_LABEL.bg);
    const shown = withoutLooseHaze({ alpha, baseAlpha }, trimap, W, H);
    expect(shown[20 * W + 60]).toBe(0);
    expect(shown[20 * W + 35]).toBeCloseTo(0.3, 6); // the bridge's part still joined to the body
    expect(shown[20 * W + 10]).toBe(1);
    expect(alpha[20 * W + 60]).toBeCloseTo(0.3, 6); // undone, the stroke brings the patch back
  });

  it('what the user painted unknown (an Edge stroke over removed background) is kept and links', () => {
    const alpha = baseAlpha.slice();
    fill(alpha, 38, 0, 42, H, 0);
    fill(alpha, 72, 15, 78, 25, 0.25); // an Edge stroke's solve beyond the patch, where the matte was empty
    const trimap = auto.slice();
    fill(trimap, 38, 0, 42, H, TRIMAP_LABEL.bg);
    fill(trimap, 72, 15, 78, 25, TRIMAP_LABEL.unknown);
    const shown = withoutLooseHaze({ alpha, baseAlpha }, trimap, W, H);
    expect(shown[20 * W + 75]).toBeCloseTo(0.25, 6);
    // The patch is unknown in the automatic trimap too (not painted): it is not spared.
    expect(shown[20 * W + 60]).toBe(0);
  });
});
