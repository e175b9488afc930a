// A sticker's review without the model: per-frame shares, the median that decides, the flagged
// frames and their runs in seconds (CLI), and the "trim to the sure part" range (Stickers workspace).
import { describe, expect, it } from 'vitest';
import { stickerReviewText } from '../../../../src/main/cli/commands/sticker';
import { areaAverage, unsureShare } from '../../../../src/main/core/matting/unsure-share';
import { maxStickerFrames, reviewStickerFrames } from '../../../../src/main/core/sticker/make-sticker';
import { flaggedRanges, frameSeconds, frameRuns, isFlaggedFrame, runSeconds, sureTrim } from '../../../../src/shared/sticker-review';

const W = 120;
const H = 80;
const STEP = 0.25;

/** A frame: an opaque 60×40 block, its left `unsure` columns at 0.5. */
function frame(unsure: number): Float32Array {
  const a = new Float32Array(W * H);
  for (let y = 20; y < 60; y++) for (let x = 30; x < 90; x++) a[y * W + x] = x - 30 < unsure ? 0.5 : 1;
  return a;
}

/** A review of frames that are unsure (1) or sure (0), STEP apart from `t0`. */
function reviewOf(pattern: number[], threshold: number | null = 0.08, t0 = 0) {
  return reviewStickerFrames(pattern.map((u) => frame(u ? 30 : 0)), W, H, pattern.map((_, i) => t0 + i * STEP), STEP, threshold);
}

describe('reviewStickerFrames', () => {
  it('measures every frame and judges the sticker by the median frame', () => {
    const r = reviewOf([0, 1, 1, 0, 0]);
    expect(r.frames.map((f) => f.timeS)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(r.frames[1].unsureShare).toBeCloseTo(unsureShare(frame(30), W, H), 10);
    expect(r.frames[1].unsureShare).toBeGreaterThan(0.3);
    expect(r.frames[0].unsureShare).toBe(0);
    // Two of five frames are unsure: the median frame is sure, so the sticker is not flagged.
    expect(r).toMatchObject({ unsureShare: 0, needsReview: false, reviewThreshold: 0.08, flaggedFrames: 2, frameStepS: STEP });
    const most = reviewOf([1, 1, 1, 0, 0]);
    expect(most.needsReview).toBe(true);
    expect(most.unsureShare).toBeCloseTo(most.frames[0].unsureShare, 10);
  });

  it('an even number of frames takes the mean of the middle two; no threshold flags nothing', () => {
    const r = reviewOf([0, 1], null);
    expect(r.unsureShare).toBeCloseTo(unsureShare(frame(30), W, H) / 2, 10);
    expect(r).toMatchObject({ needsReview: false, reviewThreshold: null, flaggedFrames: 0 });
    expect(isFlaggedFrame(r, 1)).toBe(false);
    expect(reviewStickerFrames([], W, H, [], STEP, 0.08)).toMatchObject({ unsureShare: 0, needsReview: false, frames: [], flaggedFrames: 0 });
  });
});

describe('frame runs (shared by the CLI and the Stickers workspace)', () => {
  it('finds the flagged and the sure runs, a run ending at the last frame included', () => {
    const r = reviewOf([1, 1, 0, 1, 0, 0]);
    expect(frameRuns(r, true)).toEqual([[0, 1], [3, 3]]);
    expect(frameRuns(r, false)).toEqual([[2, 2], [4, 5]]);
    // A run lasts to the end of its last frame.
    expect(runSeconds(r, [4, 5])).toEqual({ startS: 1, endS: 1.5 });
  });

  it('the CLI names the flagged runs in seconds, each to the end of its last frame', () => {
    const r = reviewOf([1, 1, 0, 1, 0]);
    expect(flaggedRanges(r)).toBe('0.00–0.50 s, 0.75–1.00 s');
    expect(stickerReviewText(r, 'person')).toMatch(/^in 3 of the 5 frames taken from the clip, the model was unsure .* at 0\.00–0\.50 s, 0\.75–1\.00 s\); trim those frames away, try --model person, or paint Keep \/ Remove strokes \(--strokes\)$/);
    // The person model ran because no anime model is installed: no other model to suggest.
    expect(stickerReviewText(r, null)).toMatch(/trim those frames away, or paint Keep \/ Remove strokes \(--strokes\)$/);
    expect(flaggedRanges({ ...r, reviewThreshold: null })).toBe('');
  });

  it('names runs less than 0.25 s apart as one range (a 60-fps clip at 24 fps named 14, most a frame long)', () => {
    const times = Array.from({ length: 12 }, (_, i) => i / 24);
    // Unsure, sure, unsure, sure, sure, unsure ... at 24 fps: gaps of 1 and 2 frames join; 6 frames (0.25 s) do not.
    const r = reviewStickerFrames([1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0].map((u) => frame(u ? 30 : 0)), W, H, times, 1 / 24, 0.08);
    expect(flaggedRanges(r)).toBe('0.00–0.25 s');
    const apart = reviewStickerFrames([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0].map((u) => frame(u ? 30 : 0)), W, H, times, 1 / 24, 0.08);
    expect(flaggedRanges(apart)).toBe('0.00–0.04 s, 0.29–0.33 s');
  });
});

describe('sureTrim', () => {
  it('is the longest run of sure frames, its last frame lasting one step', () => {
    expect(sureTrim(reviewOf([1, 0, 1, 0, 0, 1], 0.08, 2), 0.2)).toEqual({ startS: 2.75, durationS: 0.5 });
    // The run may end at the last frame; of equal runs the first is taken.
    expect(sureTrim(reviewOf([1, 0, 0, 1, 0, 0]), 0.2)).toEqual({ startS: 0.25, durationS: 0.5 });
    expect(sureTrim(reviewOf([1, 1, 0, 0, 0]), 0.2)).toEqual({ startS: 0.5, durationS: 0.75 });
  });

  it('made as drawn, each frame lasts as long as its drawing: the longest run in time, to its last drawing\'s end', () => {
    // Drawings of 0.1, 0.1, 0.1 s (sure), one unsure, then one held still 0.8 s (sure).
    const lengths = [0.1, 0.1, 0.1, 0.2, 0.8];
    const times = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
    const r = reviewStickerFrames([0, 0, 0, 1, 0].map((u) => frame(u ? 30 : 0)), W, H, times, 1 / 30, 0.08, { durationsS: lengths });
    expect(r.frames.map((f) => f.durationS)).toEqual(lengths);
    expect(flaggedRanges(r)).toBe('0.30–0.50 s');
    // One still drawing outlasts three short ones.
    expect(sureTrim(r, 0.2)).toEqual({ startS: 0.5, durationS: 0.8 });
  });

  it('ends at the part\'s end at the latest: a 0.8-s clip\'s 10 frames at 12 fps end at 0.8 s, not 0.83', () => {
    const times = Array.from({ length: 10 }, (_, i) => i / 12);
    const r = reviewStickerFrames([0, 0, 0, 0, 0, 0, 0, 0, 1, 1].map((u) => frame(u ? 30 : 0)), W, H, times, 1 / 12, 0.08, { endS: 0.8 });
    expect(flaggedRanges(r)).toBe('0.67–0.80 s');
    // The strip draws each frame as long: the last is 0.05 s, the others a step.
    expect([frameSeconds(r, 0), frameSeconds(r, 9)].map((v) => Number(v.toFixed(6)))).toEqual([Number((1 / 12).toFixed(6)), 0.05]);
    const late = reviewStickerFrames([1, 1, 0, 0, 0, 0, 0, 0, 0, 0].map((u) => frame(u ? 30 : 0)), W, H, times, 1 / 12, 0.08, { endS: 0.8 });
    expect(sureTrim(late, 0.2)).toEqual({ startS: 0.17, durationS: 0.63 });
  });

  it('is null with nothing to trim: no flagged frame, every frame flagged, a run under the minimum, or no threshold', () => {
    expect(sureTrim(reviewOf([0, 0, 0, 0]), 0.2)).toBeNull();
    expect(sureTrim(reviewOf([1, 1, 1, 1]), 0.2)).toBeNull();
    expect(sureTrim(reviewOf([1, 0, 1, 1]), 0.3)).toBeNull(); // one sure frame of 0.25 s
    expect(sureTrim(reviewOf([1, 0, 0, 1], null), 0.2)).toBeNull();
  });
});

describe('maxStickerFrames', () => {
  it('is 360 frames up to 512×512 a frame, fewer for larger frames (at most 360 frames of 512×512 pixels in all)', () => {
    expect(maxStickerFrames(320, 240)).toBe(360);
    expect(maxStickerFrames(512, 512)).toBe(360);
    expect(maxStickerFrames(1024, 1024)).toBe(90);
    expect(maxStickerFrames(2048, 1536)).toBe(30);
    expect(maxStickerFrames(100000, 100000)).toBe(1);
  });
});

describe('areaAverage at the grid size', () => {
  it('returns the map itself (a copy, any channel count) when no averaging is needed', () => {
    const rgba = Uint8Array.from({ length: 7 * 5 * 4 }, (_, i) => (i * 37) % 256);
    const same = areaAverage(rgba, 7, 5, 320, 4);
    expect([same.width, same.height]).toEqual([7, 5]);
    expect(Array.from(same.data)).toEqual(Array.from(rgba));
  });
});
