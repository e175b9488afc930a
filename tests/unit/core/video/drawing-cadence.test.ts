// framesPerDrawingOf: the hold most of a clip's drawings have, from which frames repeat the one before.
import { describe, expect, it } from 'vitest';
import { framesPerDrawingOf } from '../../../../src/main/core/video/drawing-cadence';
import { defaultStickerFps } from '../../../../src/main/core/sticker/make-sticker';

/** Repeat flags of a clip whose drawings are held for `holds` frames in turn (its first frame is a new picture). */
function repeatsOf(holds: number[]): boolean[] {
  const flags: boolean[] = [];
  for (const h of holds) for (let i = 0; i < h; i++) flags.push(i > 0);
  return flags.slice(1);
}

describe('framesPerDrawingOf', () => {
  it('finds twos and threes, and says 1 for a new picture every frame', () => {
    expect(framesPerDrawingOf(repeatsOf(Array(12).fill(3)))).toBe(3);
    expect(framesPerDrawingOf(repeatsOf(Array(12).fill(2)))).toBe(2);
    expect(framesPerDrawingOf(repeatsOf(Array(40).fill(1)))).toBe(1);
  });

  it('leaves out still moments and the holds the window cuts, not a steady cadence', () => {
    // Threes with a 2-s pause in the middle, and the first and last holds cut by the window.
    expect(framesPerDrawingOf(repeatsOf([1, 3, 3, 3, 48, 3, 3, 3, 3, 2]))).toBe(3);
    // A whole still clip, or too few changes to tell.
    expect(framesPerDrawingOf(repeatsOf([120]))).toBe(1);
    expect(framesPerDrawingOf(repeatsOf([3, 3, 3, 3]))).toBe(1);
  });

  it('says 1 where no hold is most of them: 2s and 3s in turn (a 24-fps film in a 60-fps file) have no lower even rate', () => {
    expect(framesPerDrawingOf(repeatsOf(Array(10).fill([2, 3]).flat()))).toBe(1);
    // Threes with some twos and ones: still threes, most of them.
    expect(framesPerDrawingOf(repeatsOf([3, 3, 2, 3, 3, 1, 3, 3, 3, 2, 3]))).toBe(3);
  });
});

describe('defaultStickerFps', () => {
  it('is 12, the clip\'s rate if lower, and its drawing rate if lower', () => {
    expect(defaultStickerFps({ fps: 30 })).toBe(12);
    expect(defaultStickerFps({ fps: 7.5 })).toBe(7.5);
    expect(defaultStickerFps(undefined)).toBe(12);
    expect(defaultStickerFps({ fps: 24 }, { framesPerDrawing: 3, drawingFps: 8 })).toBe(8);
    // 30 fps on twos: 15 drawings a second, more than 12.
    expect(defaultStickerFps({ fps: 30 }, { framesPerDrawing: 2, drawingFps: 15 })).toBe(12);
  });
});
