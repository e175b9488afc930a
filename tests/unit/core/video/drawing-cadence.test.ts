// framesPerDrawingOf: the hold most of a clip's drawings have, from which frames repeat the one before.
import { describe, expect, it } from 'vitest';
import { framesPerDrawingOf } from '../../../../src/main/core/video/drawing-cadence';
import { DEFAULT_STICKER_FPS, resolveTargets } from '../../../../src/main/core/sticker/make-sticker';
import { clipStickerFps } from '../../../../src/shared/sticker-presets';
import type { VideoInfo } from '../../../../src/main/core/video/probe';

/** The cadence of a clip of `fps` whose drawings are held for `holds` frames in turn (its first frame is a new picture). */
function cadence(holds: number[], fps = 24): number {
  const flags: boolean[] = [];
  for (const h of holds) for (let i = 0; i < h; i++) flags.push(i > 0);
  return framesPerDrawingOf(flags.slice(1), fps);
}

describe('framesPerDrawingOf', () => {
  it('finds twos and threes, and says 1 for a new picture every frame', () => {
    expect(cadence(Array(12).fill(3))).toBe(3);
    expect(cadence(Array(12).fill(2))).toBe(2);
    expect(cadence(Array(40).fill(1))).toBe(1);
    // A 60-fps clip drawn 12 times a second.
    expect(cadence(Array(12).fill(5), 60)).toBe(5);
  });

  it('leaves out still moments and the holds the window cuts, not a steady cadence', () => {
    // Threes with a 2-s pause in the middle, and the first and last holds cut by the window.
    expect(cadence([1, 3, 3, 3, 48, 3, 3, 3, 3, 2])).toBe(3);
    // A whole still clip, or too few changes to tell.
    expect(cadence([120])).toBe(1);
    expect(cadence([3, 3, 3, 3])).toBe(1);
  });

  it('says 1 where the drawings take no whole number of frames: no steady rate shows them evenly', () => {
    // 2s and 3s in turn: a 24-fps film in a 60-fps file.
    expect(cadence(Array(10).fill([2, 3]).flat(), 60)).toBe(1);
    // On threes in a 30-fps file (8 a second: 4, 4, 4, 3), and in a 60-fps one (7, 8).
    expect(cadence(Array(6).fill([4, 4, 4, 3]).flat(), 30)).toBe(1);
    expect(cadence(Array(8).fill([7, 8]).flat(), 60)).toBe(1);
    // Threes with a stray 2 and 4: still threes.
    expect(cadence([3, 3, 2, 3, 3, 4, 3, 3, 3, 3, 3])).toBe(3);
  });
});

describe('clipStickerFps and a preset', () => {
  const info = { fps: 24, durationS: 10, width: 640, height: 360 } as VideoInfo;
  const threes = { framesPerDrawing: 3, drawingFps: 8 };

  it('is 12, the clip\'s rate if lower, and its drawing rate if lower', () => {
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 30 })).toBe(12);
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 7.5 })).toBe(7.5);
    expect(clipStickerFps(DEFAULT_STICKER_FPS)).toBe(12);
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 24, drawing: threes })).toBe(8);
    // The workspace's remembered 20 under a 23.98-fps clip; 30 fps on twos: 15 drawings a second, more than 12.
    expect(clipStickerFps(20, { fps: 23.98 })).toBe(20);
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 30, drawing: { framesPerDrawing: 2, drawingFps: 15 } })).toBe(12);
  });

  it('a preset that lowers the rate below the drawings\' keeps every 2nd (3rd) drawing, evenly', () => {
    // LINE: 20 frames at most; 3 s would be 6.67 fps, 4 s 5 fps: every 2nd drawing, 4 fps.
    expect(resolveTargets({ preset: 'line', durationS: 3 }, info, threes).fps).toBe(4);
    expect(resolveTargets({ preset: 'line', durationS: 4 }, info, threes).fps).toBe(4);
    // Telegram allows 30: the drawing rate stands; a rate asked for is kept.
    expect(resolveTargets({ preset: 'telegram', durationS: 3 }, info, threes).fps).toBe(8);
    expect(resolveTargets({ preset: 'line', durationS: 3, fps: 6 }, info, threes).fps).toBe(6);
  });
});
