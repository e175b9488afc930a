// cadenceOfHolds: how a clip holds its drawings, from the runs of frames showing one picture; and the
// rate a sticker of it is made at (as drawn, or a steady one).
import { describe, expect, it } from 'vitest';
import { cadenceOfHolds } from '../../../../src/main/core/video/drawing-cadence';
import { DEFAULT_STICKER_FPS, isMadeAsDrawn, resolveTargets, shortestFrameMs } from '../../../../src/main/core/sticker/make-sticker';
import { clipStickerFps } from '../../../../src/shared/sticker-presets';
import type { VideoInfo } from '../../../../src/main/core/video/probe';

/** cadenceOfHolds of a clip of `fps` whose drawings are held for `holds` frames in turn, without its rate. */
function cadence(holds: number[], fps = 24): { framesPerDrawing: number; even: boolean } | null {
  const held = cadenceOfHolds(holds, fps);
  return held && { framesPerDrawing: held.framesPerDrawing, even: held.even };
}

describe('cadenceOfHolds', () => {
  it('of the holds a sticker made as drawn kept: their rate, the first and last left out as cut by the part', () => {
    expect(cadenceOfHolds([12, 3, 3, 3, 3, 3, 3, 1], 24)).toEqual({ framesPerDrawing: 3, even: true, drawingFps: 8 });
    expect(cadenceOfHolds([3, 3, 3, 3], 24)).toBeNull();
  });

  it('finds twos and threes, and nothing for a new picture every frame', () => {
    expect(cadence(Array(12).fill(3))).toEqual({ framesPerDrawing: 3, even: true });
    expect(cadence(Array(12).fill(2))).toEqual({ framesPerDrawing: 2, even: true });
    expect(cadence(Array(40).fill(1))).toBeNull();
    // A 60-fps clip drawn 12 times a second.
    expect(cadence(Array(12).fill(5), 60)).toEqual({ framesPerDrawing: 5, even: true });
    // A picture that stays for a frame now and then (a person moving, a few frames alike): not held.
    expect(cadence([1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 2])).toBeNull();
  });

  it('leaves out still moments and the holds the window cuts', () => {
    // Threes with a 2-s pause in the middle, and the first and last holds cut by the window.
    expect(cadence([1, 3, 3, 3, 48, 3, 3, 3, 3, 2])).toEqual({ framesPerDrawing: 3, even: true });
    // A whole still clip, or too few changes to tell.
    expect(cadence([120])).toBeNull();
    expect(cadence([3, 3, 3, 3])).toBeNull();
  });

  it('says uneven, with the mean hold, where the drawings take no whole number of frames', () => {
    // 2s and 3s in turn: a 24-fps film in a 60-fps file.
    expect(cadence(Array(10).fill([2, 3]).flat(), 60)).toEqual({ framesPerDrawing: expect.closeTo(2.5, 1), even: false });
    // On threes in a 30-fps file (8 a second: 4, 4, 4, 3), and in a 60-fps one (7, 8).
    expect(cadence(Array(6).fill([4, 4, 4, 3]).flat(), 30)).toEqual({ framesPerDrawing: expect.closeTo(3.75, 1), even: false });
    expect(cadence(Array(8).fill([7, 8]).flat(), 60)).toEqual({ framesPerDrawing: expect.closeTo(7.5, 1), even: false });
    // Threes with a stray 2 and 4: still threes.
    expect(cadence([3, 3, 2, 3, 3, 4, 3, 3, 3, 3, 3])).toEqual({ framesPerDrawing: 3, even: true });
  });
});

describe('clipStickerFps, isMadeAsDrawn and a preset', () => {
  const info = { fps: 24, durationS: 10, width: 640, height: 360 } as VideoInfo;
  const threes = { framesPerDrawing: 3, drawingFps: 8, even: true };
  const uneven = { framesPerDrawing: 3.75, drawingFps: 8, even: false };

  it('is 12, the clip\'s rate if lower, and its drawing rate if lower', () => {
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 30 })).toBe(12);
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 7.5 })).toBe(7.5);
    expect(clipStickerFps(DEFAULT_STICKER_FPS)).toBe(12);
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 24, drawing: threes })).toBe(8);
    // The workspace's remembered 20 under a 23.98-fps clip; 30 fps on twos: 15 drawings a second, more than 12.
    expect(clipStickerFps(20, { fps: 23.98 })).toBe(20);
    expect(clipStickerFps(DEFAULT_STICKER_FPS, { fps: 30, drawing: { framesPerDrawing: 2, drawingFps: 15, even: true } })).toBe(12);
  });

  it('is made as drawn where the clip holds its drawings fewer than the rate wanted a second, and none was asked or as drawn was', () => {
    expect(isMadeAsDrawn({}, uneven)).toBe(true);
    expect(isMadeAsDrawn({}, threes)).toBe(true);
    expect(isMadeAsDrawn({}, null)).toBe(false);
    expect(isMadeAsDrawn({}, { framesPerDrawing: 2, drawingFps: 15, even: true })).toBe(false);
    // A rate asked for is kept; the workspace asks for its slider's rate and as drawn.
    expect(isMadeAsDrawn({ fps: 12 }, uneven)).toBe(false);
    expect(isMadeAsDrawn({ fps: 8, asDrawn: true }, uneven)).toBe(true);
    expect(isMadeAsDrawn({ fps: 6, asDrawn: true }, uneven)).toBe(false);
    expect(isMadeAsDrawn({ asDrawn: false }, uneven)).toBe(false);
  });

  it('as drawn, the clip is decoded at its own rate (at most 60), whose repeats are merged', () => {
    const at30 = { ...info, fps: 30 };
    expect(resolveTargets({}, at30, uneven)).toMatchObject({ asDrawn: true, fps: 30 });
    // A 60-fps file: each drawing a whole number of its frames, a GIF too (its 50 a second most is playedFrames' shortest frame).
    expect(resolveTargets({ format: 'webp' }, { ...info, fps: 60 }, uneven)).toMatchObject({ asDrawn: true, fps: 60 });
    expect(resolveTargets({}, { ...info, fps: 60 }, uneven)).toMatchObject({ asDrawn: true, fps: 60 });
    expect(shortestFrameMs(resolveTargets({}, at30, uneven))).toBe(20);
    // LINE plays 20 a second at most, WeChat 15: their shortest frames; LINE's frame limit keeps every n-th drawing (playedFrames).
    expect(resolveTargets({ preset: 'line', durationS: 4 }, at30, uneven)).toMatchObject({ asDrawn: true, fps: 30 });
    expect(shortestFrameMs(resolveTargets({ preset: 'line', durationS: 4 }, at30, uneven))).toBe(50);
    expect(shortestFrameMs(resolveTargets({ preset: 'wechat' }, at30, uneven))).toBeCloseTo(1000 / 15, 9);
    expect(shortestFrameMs(resolveTargets({ format: 'webp' }, at30, uneven))).toBe(0);
    // A rate asked for: steady, as before.
    expect(resolveTargets({ fps: 12 }, at30, uneven)).toMatchObject({ asDrawn: false, fps: 12 });
    expect(resolveTargets({ preset: 'line', durationS: 3, fps: 6 }, info, threes)).toMatchObject({ asDrawn: false, fps: 6 });
    // No cadence: 12, the preset's frame limit (LINE 20 frames over 4 s: 5 fps).
    expect(resolveTargets({}, info, null)).toMatchObject({ asDrawn: false, fps: 12 });
    expect(resolveTargets({ preset: 'line', durationS: 4 }, info, null)).toMatchObject({ asDrawn: false, fps: 5 });
  });
});
