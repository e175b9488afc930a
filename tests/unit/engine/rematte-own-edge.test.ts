// A picture with transparency of its own (a sprite a third opaque) keeps its own alpha,
// and there its own colours, after a brush re-solve too (engine/ops.ts resolveRegionAlpha), as the
// export's refineMatte does: the editor's edge colours stayed as estimated on the flattened backdrop.
import { describe, expect, it } from 'vitest';
import { refineMatte } from '../../../src/main/core/matting/refine';
import { flattenForMatting, ownAlphaOf } from '../../../src/main/core/matting/own-alpha';
import { resolveRegionAlpha } from '../../../src/main/engine/ops';
import { autoLabelOf, TRIMAP_LABEL } from '../../../src/shared/trimap-brush';

describe('a brush re-solve on a picture with transparency of its own', () => {
  it("keeps the picture's own colours where it keeps its own edge", async () => {
    const [W, H, R] = [96, 96, 30];
    const data = new Uint8Array(W * H * 4);
    const mask = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = Math.hypot(x - 48, y - 48);
        const a = Math.max(0, Math.min(1, R + 1.5 - d) / 3); // a red disk a third opaque (a ghost, glass), its edge softer
        const i = y * W + x;
        if (a > 0) data.set([200, 30, 30, Math.round(a * 255)], i * 4);
        mask[i] = d < R ? 1 : 0;
      }
    }
    const image = { data, width: W, height: H };
    const own = ownAlphaOf(image)!;
    const base = await refineMatte({ image, mask, maskW: W, maskH: H, mode: 'fast' });
    const baseAlpha = Float32Array.from(base.alpha, (a) => Math.round(Math.min(1, Math.max(0, a)) * 255) / 255);
    const state = { key: 'k', refine: 'fast' as const, image: flattenForMatting(image), own, source: image, baseAlpha, alpha: baseAlpha.slice(), foreground: { data: base.foreground.data.slice(), width: W, height: H }, baseForeground: base.foreground.data };
    // A Keep stroke inside the disk near its right edge.
    const trimap = Uint8Array.from(baseAlpha, (a) => autoLabelOf(Math.round(a * 255)));
    for (let y = 44; y < 52; y++) for (let x = 60; x < 66; x++) trimap[y * W + x] = TRIMAP_LABEL.fg;
    await resolveRegionAlpha(state, trimap, { x: 60, y: 44, width: 6, height: 8 }, {});
    // The export of the touch-up (Best edges, the same trimap): where it keeps the picture's own colours, the editor does too.
    const exported = await refineMatte({ image, mask, maskW: W, maskH: H, mode: 'full', trimap });
    const same = (a: Uint8Array, b: Uint8Array, i: number, tolerance: number) => [0, 1, 2].every((c) => Math.abs(a[i * 4 + c] - b[i * 4 + c]) <= tolerance);
    let kept = 0;
    let tinted = 0;
    for (let i = 0; i < W * H; i++) {
      const shown = Math.round(Math.min(1, Math.max(0, state.alpha[i])) * 255);
      if (own[i] === 0 || own[i] === 255 || shown === 0 || shown === 255 || !same(exported.foreground.data, data, i, 0)) continue;
      kept++;
      if (!same(state.foreground.data, data, i, 30)) tinted++;
    }
    expect(kept).toBeGreaterThan(500);
    // (585 of them took the backdrop's tint in the editor: 237, 180, 180 for the disk's 200, 30, 30.)
    expect(tinted).toBe(0);
  });
});
