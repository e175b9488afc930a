// Reading a sticker's review (StickerReview, jobs.ts) frame by frame: which frames are unsure, their
// runs in seconds, and the longest sure run as a trim. One place for the CLI's "check it" line and
// the Stickers workspace's strip and "Trim to" button. Pure; no Node, no DOM.
import { verdictOf, type StickerReview } from './jobs';

/** Whether frame `i` is above the review's threshold (never without a threshold). */
export function isFlaggedFrame(review: StickerReview, i: number): boolean {
  return verdictOf(review.frames[i].unsureShare, review.reviewThreshold).needsReview;
}

/** The runs [first, last] of consecutive frames that are flagged (`flagged` true) or sure (false). */
export function frameRuns(review: StickerReview, flagged: boolean): [number, number][] {
  const runs: [number, number][] = [];
  review.frames.forEach((_, i) => {
    if (isFlaggedFrame(review, i) !== flagged) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

/** How long frame `i` lasts in the clip, seconds: its length, or one frame step; to the part's end at the latest. */
export function frameSeconds(review: StickerReview, i: number): number {
  const f = review.frames[i];
  return Math.min(f.durationS ?? review.frameStepS, (review.endS ?? Infinity) - f.timeS);
}

/** A run in seconds of the clip: from its first frame's time to the end of its last frame (frameSeconds). */
export function runSeconds(review: StickerReview, [first, last]: [number, number]): { startS: number; endS: number } {
  return { startS: review.frames[first].timeS, endS: review.frames[last].timeS + frameSeconds(review, last) };
}

/** Flagged runs closer than this (seconds) are named as one range: a sure frame or two between unsure ones is no place to trim to. */
const RANGE_JOIN_S = 0.25;

/**
 * The flagged runs as times in the clip ("0.00–0.50 s, 1.25–1.33 s"), each to the end of its last
 * frame, runs less than RANGE_JOIN_S apart as one (a 60-fps clip made at 24 fps named 14 ranges,
 * "3.67–3.75 s, 3.79–3.83 s, 3.88–3.92 s, …", most a frame long); '' when none.
 */
export function flaggedRanges(review: StickerReview): string {
  const ranges: { startS: number; endS: number }[] = [];
  for (const run of frameRuns(review, true)) {
    const range = runSeconds(review, run);
    const last = ranges[ranges.length - 1];
    if (last && range.startS - last.endS < RANGE_JOIN_S - 1e-9) last.endS = range.endS;
    else ranges.push(range);
  }
  return ranges.map(({ startS, endS }) => `${startS.toFixed(2)}–${endS.toFixed(2)} s`).join(', ');
}

/**
 * The longest run of sure frames as a trim (the longest in time: frames made as drawn last as long
 * as their drawings; the first of equal runs), rounded to 0.01 s; null when nothing needs trimming
 * (no threshold, no flagged frame) or no sure run lasts `minS`.
 */
export function sureTrim(review: StickerReview, minS: number): { startS: number; durationS: number } | null {
  if (review.flaggedFrames === 0) return null;
  const lengthOf = (run: [number, number]): number => {
    const { startS, endS } = runSeconds(review, run);
    return Math.round((endS - startS) * 1e6);
  };
  let best: [number, number] | null = null;
  for (const run of frameRuns(review, false)) if (!best || lengthOf(run) > lengthOf(best)) best = run;
  if (!best) return null;
  const { startS, endS } = runSeconds(review, best);
  const r = (v: number): number => Math.round(v * 100) / 100;
  return endS - startS >= minS ? { startS: r(startS), durationS: r(endS - startS) } : null;
}
