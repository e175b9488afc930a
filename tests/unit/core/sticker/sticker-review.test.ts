// A sticker's review without the model: per-frame shares, the median that decides, the flagged
// frames and their time ranges (CLI), and the "trim to the sure part" range (Stickers workspace).
import { describe, expect, it } from 'vitest';
import { flaggedRanges, stickerReviewText } from '../../../../src/main/cli/commands/sticker';
import { unsureShare } from '../../../../src/main/core/matting/unsure-share';
import { reviewStickerFrames } from '../../../../src/main/core/sticker/make-sticker';
import { sureTrim } from '../../../../src/renderer/src/lib/state/sticker.svelte';

const W = 120;
const H = 80;

/** A frame: an opaque 60×40 block, its left `unsure` columns at 0.5. */
function frame(unsure: number): Float32Array {
  const a = new Float32Array(W * H);
  for (let y = 20; y < 60; y++) for (let x = 30; x < 90; x++) a[y * W + x] = x - 30 < unsure ? 0.5 : 1;
  return a;
}

describe('reviewStickerFrames', () => {
  const times = [0, 0.25, 0.5, 0.75, 1];

  it('measures every frame and judges the sticker by the median frame', () => {
    const alphas = [frame(0), frame(30), frame(30), frame(0), frame(0)];
    const r = reviewStickerFrames(alphas, W, H, times, 0.08);
    expect(r.frames.map((f) => f.timeS)).toEqual(times);
    expect(r.frames[1].unsureShare).toBeCloseTo(unsureShare(frame(30), W, H), 10);
    expect(r.frames[1].unsureShare).toBeGreaterThan(0.3);
    expect(r.frames[0].unsureShare).toBe(0);
    // Two of five frames are unsure: the median frame is sure, so the sticker is not flagged.
    expect(r).toMatchObject({ unsureShare: 0, needsReview: false, reviewThreshold: 0.08, flaggedFrames: 2 });
    const most = reviewStickerFrames([frame(30), frame(30), frame(30), frame(0), frame(0)], W, H, times, 0.08);
    expect(most.needsReview).toBe(true);
    expect(most.unsureShare).toBeCloseTo(most.frames[0].unsureShare, 10);
  });

  it('an even number of frames takes the mean of the middle two; no threshold flags nothing', () => {
    const r = reviewStickerFrames([frame(0), frame(30)], W, H, [0, 0.5], null);
    expect(r.unsureShare).toBeCloseTo(unsureShare(frame(30), W, H) / 2, 10);
    expect(r).toMatchObject({ needsReview: false, reviewThreshold: null, flaggedFrames: 0 });
    expect(reviewStickerFrames([], W, H, [], 0.08)).toMatchObject({ unsureShare: 0, needsReview: false, frames: [], flaggedFrames: 0 });
  });

  it('names the flagged runs in seconds for the CLI', () => {
    const r = reviewStickerFrames([frame(30), frame(30), frame(0), frame(30), frame(0)], W, H, times, 0.08);
    expect(flaggedRanges(r)).toBe('0.00–0.25 s, 0.75 s');
    expect(stickerReviewText(r, 'person')).toMatch(/^in 3 of 5 frames the model was unsure .* at 0\.00–0\.25 s, 0\.75 s\); trim those frames away, or try --model person$/);
    expect(flaggedRanges({ ...r, reviewThreshold: null })).toBe('');
  });
});

describe('sureTrim (Stickers workspace)', () => {
  const times = [2, 2.25, 2.5, 2.75, 3, 3.25];

  it('is the longest run of sure frames, its last frame lasting one step', () => {
    const r = reviewStickerFrames([frame(30), frame(0), frame(30), frame(0), frame(0), frame(30)], W, H, times, 0.08);
    expect(sureTrim(r)).toEqual({ startS: 2.75, durationS: 0.5 });
  });

  it('is null with nothing to trim: no flagged frame, every frame flagged, a run under 0.2 s, or no threshold', () => {
    const sure = Array.from({ length: 6 }, () => frame(0));
    expect(sureTrim(reviewStickerFrames(sure, W, H, times, 0.08))).toBeNull();
    expect(sureTrim(reviewStickerFrames(Array.from({ length: 6 }, () => frame(30)), W, H, times, 0.08))).toBeNull();
    const short = [frame(30), frame(0), frame(30), frame(30), frame(30), frame(30)];
    expect(sureTrim(reviewStickerFrames(short, W, H, times.map((t) => t / 2), 0.08))).toBeNull(); // one sure frame of 0.125 s
    expect(sureTrim(reviewStickerFrames(short, W, H, times, null))).toBeNull();
  });
});
