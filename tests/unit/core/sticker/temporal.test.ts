// Unit tests of the sticker's temporal logic: zero-lag smoothing, cut resets, hysteresis,
// repeated-frame and scene-cut detection.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../../src/main/core/image/decode';
import {
  binarizeWithHysteresis,
  hysteresisBand,
  isRepeatFrame,
  isSceneCut,
  isSubjectRepeat,
  meanAlphaChange,
  smoothAlphaSequence,
  SUBJECT_MOVED,
  subjectMoved,
} from '../../../../src/main/core/sticker/temporal';

function seq(values: number[]): Float32Array[] {
  return values.map((v) => Float32Array.of(v));
}

function solid(w: number, h: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], i * 4);
  return { data, width: w, height: h };
}

describe('smoothAlphaSequence', () => {
  it('lowers frame-to-frame flicker of a noisy still mask', () => {
    const noisy = seq([0.9, 0.3, 0.85, 0.35, 0.9, 0.4, 0.88, 0.3]);
    const smooth = smoothAlphaSequence(noisy, 0.8);
    expect(meanAlphaChange(smooth)).toBeLessThan(meanAlphaChange(noisy) / 3);
  });
  it('has no lag: a step stays centred on the same frame (forward-backward)', () => {
    const step = seq([0, 0, 0, 0, 1, 1, 1, 1]);
    const out = smoothAlphaSequence(step, 0.6).map((a) => a[0]);
    // Symmetric around the step: out[3] + out[4] ≈ 1 (a one-way EMA would give much less).
    expect(out[3] + out[4]).toBeGreaterThan(0.8);
    expect(out[3] + out[4]).toBeLessThan(1.2);
  });
  it('does not smooth across a scene cut, and stability 0 changes nothing', () => {
    const vals = [0, 0, 0, 1, 1, 1];
    const out = smoothAlphaSequence(seq(vals), 1, new Set([3])).map((a) => a[0]);
    expect(out).toEqual(vals);
    expect(smoothAlphaSequence(seq([0.2, 0.8]), 0).map((a) => a[0])).toEqual([Math.fround(0.2), Math.fround(0.8)]);
  });
  it('with the frames, a moving character leaves no ghost where it was; a still one is smoothed as before', () => {
    // A dark 4-px-wide figure on a light ground moves 4 px right each frame; its alpha follows it.
    const W = 32;
    const frames: RgbaImage[] = [];
    const alphas: Float32Array[] = [];
    for (let t = 0; t < 5; t++) {
      const f = solid(W, 1, [230, 230, 230]);
      const a = new Float32Array(W);
      for (let x = 4 + 4 * t; x < 8 + 4 * t; x++) {
        f.data.set([40, 30, 30, 255], x * 4);
        a[x] = 1;
      }
      frames.push(f);
      alphas.push(a);
    }
    const ghost = (out: Float32Array[]) => Math.max(...out.map((a, t) => Math.max(...Array.from(a).filter((_, x) => x < 4 + 4 * t || x >= 8 + 4 * t))));
    expect(ghost(smoothAlphaSequence(alphas, 0.8))).toBeGreaterThan(0.2); // ungated: a trail
    const gated = smoothAlphaSequence(alphas, 0.8, new Set(), frames);
    expect(ghost(gated)).toBe(0);
    gated.forEach((a, t) => expect(a[4 + 4 * t]).toBe(1)); // the figure itself stays whole
    // Still frames (codec-level noise only): the same smoothing as without frames.
    const still = Array.from({ length: 8 }, (_, t) => solid(1, 1, [120 + (t % 2) * 3, 120, 120]));
    const noisy = seq([0.9, 0.3, 0.85, 0.35, 0.9, 0.4, 0.88, 0.3]);
    expect(smoothAlphaSequence(noisy, 0.8, new Set(), still)).toEqual(smoothAlphaSequence(noisy, 0.8));
    expect(() => smoothAlphaSequence(noisy, 0.8, new Set(), still.slice(1))).toThrow('do not match');
  });
  it("weights each neighbour by how sure the model was: a change of mind on a still picture follows the sure answer, a haze between sure 0s fades", () => {
    const still = Array.from({ length: 6 }, () => solid(1, 1, [120, 90, 60]));
    // Unsure twice, then sure of the subject, nothing moving (the 360p Waifu2x clip's faint arcs: 0.40, 0.40, 1.00).
    const mind = smoothAlphaSequence(seq([0.4, 0.4, 1, 1, 1, 1]), 0.5, new Set(), still).map((m) => m[0]);
    // By time alone the sure frame came out 0.83 and the one after it 0.93.
    expect(mind[2]).toBeGreaterThan(0.9);
    expect(mind[3]).toBeGreaterThan(0.96);
    // An unsure haze on one frame between sure answers of 0: by time alone 0.22 was left of it.
    const haze = smoothAlphaSequence(seq([0, 0, 0, 0.5, 0, 0]), 0.5, new Set(), still).map((m) => m[0]);
    expect(haze[3]).toBeLessThan(0.05);
    // Equally sure answers are weighted by time as before: a still figure's flicker between 0.9 and 0.1 (0.8 apart) is smoothed.
    const even = smoothAlphaSequence(seq([0.9, 0.1, 0.9, 0.1, 0.9, 0.1]), 0.5, new Set(), still).map((m) => m[0]);
    expect(Math.max(...even) - Math.min(...even)).toBeLessThan(0.45);
    // Without the frames too.
    expect(smoothAlphaSequence(seq([0.4, 0.4, 1, 1, 1, 1]), 0.5)[2][0]).toBeCloseTo(mind[2], 6);
  });
});

describe('smoothAlphaSequence: a subject that moved between drawings', () => {
  // A dark figure 12 px wide over a ground of nearly its darkness (a head over a dark tree: each
  // pixel changes by 13 of 255, between the still and moving gates) steps 8 px a frame.
  const W = 48;
  const scene = (shift: number, flicker = 0) => {
    const f = solid(W, 1, [70, 70, 50]);
    const a = new Float32Array(W);
    for (let x = 4 + shift; x < 16 + shift; x++) {
      f.data.set([60, 50, 40, 255], x * 4);
      a[x] = 1;
    }
    // The model unsure of one pixel of a held drawing: its mask alone flickers.
    if (flicker) a[8 + shift] = flicker;
    return { f, a };
  };

  it('leaves no outline of the last drawing in the new one (it blended a second contour in), and still smooths a held drawing\'s flicker', () => {
    const moving = [0, 8, 16, 24].map((s) => scene(s));
    const out = smoothAlphaSequence(moving.map((m) => m.a), 0.8, new Set(), moving.map((m) => m.f));
    out.forEach((a, t) => expect(Array.from(a)).toEqual(Array.from(moving[t].a)));
    expect(subjectMoved(moving[0].a, moving[1].a, moving[0].f, moving[1].f)).toBeCloseTo(16 / 20, 5);
    // Held: the picture the same, one pixel's alpha 1, 0.2, 1, 0.2: smoothed as before (the pair gate stays open).
    const held = [0, 0.2, 0, 0.2].map((v) => scene(0, v));
    expect(subjectMoved(held[0].a, held[1].a, held[0].f, held[1].f)).toBe(0);
    const smoothed = smoothAlphaSequence(held.map((m) => m.a), 0.8, new Set(), held.map((m) => m.f));
    expect(smoothed[1][8]).toBeGreaterThan(0.5);
    expect(smoothed).toEqual(smoothAlphaSequence(held.map((m) => m.a), 0.8));
  });

  it("leaves no contour where an outline moved over the subject's own colour (hair turned over hair): no pixel there changed, those beside it did", () => {
    // A flat figure on a light ground whose soft right edge (alpha 0.5 on its last 2 px, drawn in
    // its own colour) moves 3 px a drawing: the last edge lies inside the new figure, same colour.
    const [W, H] = [80, 8];
    const drawing = (edge: number) => {
      const f = solid(W, H, [230, 230, 230]);
      const a = new Float32Array(W * H);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < edge; x++) {
          f.data.set([90, 60, 40, 255], (y * W + x) * 4);
          a[y * W + x] = x >= edge - 2 ? 0.5 : 1;
        }
      }
      return { f, a };
    };
    const drawings = [drawing(50), drawing(53), drawing(56)];
    // The model unsure of one pixel deep inside the figure in the middle drawing: that is smoothed.
    drawings[1].a[4 * W + 10] = 0.2;
    // Confetti on the ground (x 70 on) changes every frame; the model's haze on the still pixel
    // beside it (x 68, 0.4 in the middle frame only) is smoothed too: it is unsure there, and what
    // moves around it is not its own outline (read around every pixel, the haze stayed).
    drawings.forEach((d, t) => {
      for (let y = 0; y < H; y++) for (let x = 70; x < W; x++) if ((x + y + t) % 2 === 0) d.f.data.set([30, 200, 30, 255], (y * W + x) * 4);
    });
    drawings[1].a[4 * W + 68] = 0.4;
    expect(subjectMoved(drawings[0].a, drawings[1].a, drawings[0].f, drawings[1].f)).toBeLessThan(SUBJECT_MOVED.held);
    const out = smoothAlphaSequence(drawings.map((d) => d.a), 0.8, new Set(), drawings.map((d) => d.f));
    // The last drawing's soft edge (x 48, 49) is not blended into the new figure (it came out 0.75 there).
    for (let y = 0; y < H; y++) for (const x of [48, 49]) expect(out[1][y * W + x]).toBe(1);
    expect(out[1][4 * W + 10]).toBeGreaterThan(0.5);
    expect(out[1][4 * W + 68]).toBeLessThan(0.2);
  });

  it("reads the model's own answer for whether a pixel is sure, in the backward pass too (not the forward pass's output)", () => {
    // A pixel P the model calls 0.8, 1.0, then 0.0 on a flat picture; three pixels beside it change
    // a little between frames 0 and 1, ten around it much between frames 1 and 2 (P itself never).
    const [W, H, P] = [40, 9, 4 * 40 + 20];
    const flat = () => solid(W, H, [90, 60, 40]);
    const frames = [flat(), flat(), flat()];
    for (const dx of [-2, -1, 2]) frames[0].data.set([190, 160, 140, 255], (P + dx) * 4);
    for (let k = 0; k < 10; k++) {
      const i = (2 + Math.floor(k / 5)) * W + 18 + (k % 5);
      if (i !== P) frames[2].data.set([240, 210, 190, 255], i * 4);
    }
    const alphas = [0.8, 1, 0].map((v) => {
      const a = new Float32Array(W * H).fill(1);
      a[P] = v;
      return a;
    });
    const out = smoothAlphaSequence(alphas, 0.8, new Set(), frames);
    // Sure in frame 1 (1.0), with much changed around it towards frame 2: frame 2's 0 is not blended
    // in. Read on the forward pass's output (pulled under 0.98 by frame 0), it came out 0.33.
    expect(out[1][P]).toBeGreaterThan(0.9);
  });

  it('smooths a drawing held over frames (its map reused: the same array) as one frame: each frame of the hold gets one matte', () => {
    const [a, b, c] = seq([0.2, 0.9, 0.4]);
    const out = smoothAlphaSequence([a, b, b, b, c], 0.8);
    // The two passes gave each frame of the hold its own value (0.60, 0.64, 0.66 and so on).
    expect(new Set(out.slice(1, 4).map((m) => m[0])).size).toBe(1);
    // As the hold smoothed once, between the frames before and after it.
    const once = smoothAlphaSequence([a, b, c], 0.8).map((m) => m[0]);
    expect(out.map((m) => m[0])).toEqual([once[0], once[1], once[1], once[1], once[2]]);
    // New arrays, the inputs untouched; a cut inside a hold still restarts there.
    expect(new Set(out).size).toBe(5);
    expect([a[0], b[0], c[0]]).toEqual([Math.fround(0.2), Math.fround(0.9), Math.fround(0.4)]);
    // Frames that do not match the maps are refused, held runs or not.
    expect(() => smoothAlphaSequence([a, a, b], 0.8, new Set(), [solid(1, 1, [0, 0, 0]), solid(1, 1, [0, 0, 0])])).toThrow(/frames do not match/);
    const cut = smoothAlphaSequence([a, b, b, c], 0.8, new Set([2]));
    expect([cut[0][0], cut[1][0]]).toEqual(smoothAlphaSequence([a, b], 0.8).map((m) => m[0]));
    expect([cut[2][0], cut[3][0]]).toEqual(smoothAlphaSequence([b, c], 0.8).map((m) => m[0]));
  });
});

describe('binarizeWithHysteresis', () => {
  it('keeps an on pixel on while alpha wobbles around the threshold', () => {
    const band = hysteresisBand(0.5, 0.5);
    const wobble = seq([0.8, 0.45, 0.55, 0.42, 0.58, 0.1]);
    const bins = binarizeWithHysteresis(wobble, band).map((b) => b[0]);
    expect(bins).toEqual([1, 1, 1, 1, 1, 0]);
    const plain = [0.8, 0.45, 0.55, 0.42, 0.58, 0.1].map((v) => (v > 0.5 ? 1 : 0));
    expect(plain).toEqual([1, 0, 1, 0, 1, 0]);
  });
  it('restarts from the plain threshold at a cut', () => {
    const bins = binarizeWithHysteresis(seq([0.9, 0.45]), hysteresisBand(0.5, 0.5), new Set([1])).map((b) => b[0]);
    expect(bins).toEqual([1, 0]);
  });
});

describe('repeat and cut detection', () => {
  it('treats codec noise as a repeat but a local change as new', () => {
    const a = solid(64, 64, [100, 120, 140]);
    const noisy = { ...a, data: a.data.map((v, i) => (i % 4 === 3 ? v : v + ((i * 7) % 3) - 1)) };
    expect(isRepeatFrame(a, noisy)).toBe(true);
    const moved = { ...a, data: new Uint8Array(a.data) };
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) moved.data.set([250, 20, 20, 255], (y * 64 + x) * 4);
    expect(isRepeatFrame(a, moved)).toBe(false);
  });
  it('holds a drawing whose subject repeats though the background moved, but not one that changed or gained a subject', () => {
    // A 64x64 frame, its subject the left half (alpha 1), a grey background on the right.
    const frame = solid(64, 64, [120, 120, 130]);
    const alpha = new Float32Array(64 * 64);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 32; x++) alpha[y * 64 + x] = 1;
    const paint = (image: RgbaImage, x0: number, x1: number, y0: number, y1: number, rgb: [number, number, number]): RgbaImage => {
      const out = { ...image, data: new Uint8Array(image.data) };
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.data.set([...rgb, 255], (y * image.width + x) * 4);
      return out;
    };
    // Something moving in the background: the whole frame is no repeat, its subject is.
    const background = paint(frame, 40, 56, 8, 24, [250, 20, 20]);
    expect(isRepeatFrame(frame, background)).toBe(false);
    expect(isSubjectRepeat(frame, alpha, background, alpha)).toBe(true);
    // The subject changed colour in a 4x4 patch (one block of 16x16): a new drawing.
    expect(isSubjectRepeat(frame, alpha, paint(frame, 8, 12, 8, 12, [250, 20, 20]), alpha)).toBe(false);
    // Something came into the background that the model calls subject (a character entering): its
    // alpha is new, though the frame's colours there are as the background was.
    const entering = new Float32Array(alpha);
    for (let y = 40; y < 44; y++) for (let x = 56; x < 64; x++) entering[y * 64 + x] = 1;
    expect(isSubjectRepeat(frame, alpha, frame, entering)).toBe(false);
    // Edge noise of the model, well under a block's 3 %, is no change.
    const noisy = new Float32Array(alpha);
    for (let y = 0; y < 64; y += 8) noisy[y * 64 + 32] = 0.3;
    expect(isSubjectRepeat(frame, alpha, background, noisy)).toBe(true);
    expect(isSubjectRepeat(frame, alpha, solid(32, 32, [120, 120, 130]), alpha)).toBe(false);
    // Frames with nobody in them: no drawing to hold.
    const nobody = new Float32Array(64 * 64);
    expect(isSubjectRepeat(frame, nobody, background, nobody)).toBe(false);
    // A character coming in at the edge of a 320x160 frame: 10 pixels of it the model half sees (its
    // alpha 6.4/255 of their 20x10 block, under 8), in colours not the background's.
    const wide = solid(320, 160, [120, 120, 130]);
    const wideAlpha = new Float32Array(320 * 160);
    for (let y = 0; y < 160; y++) for (let x = 0; x < 100; x++) wideAlpha[y * 320 + x] = 1;
    const sliverAlpha = new Float32Array(wideAlpha);
    for (let y = 80; y < 85; y++) for (let x = 318; x < 320; x++) sliverAlpha[y * 320 + x] = 0.5;
    expect(isSubjectRepeat(wide, wideAlpha, paint(wide, 318, 320, 80, 85, [250, 200, 180]), sliverAlpha)).toBe(false);
  });
  it('finds a cut between unlike shots but not within one', () => {
    expect(isSceneCut(solid(32, 32, [20, 20, 30]), solid(32, 32, [230, 220, 200]))).toBe(true);
    expect(isSceneCut(solid(32, 32, [120, 120, 130]), solid(32, 32, [125, 122, 128]))).toBe(false);
  });
});
