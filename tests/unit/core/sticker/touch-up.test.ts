// Keep / Remove strokes of a sticker: stamped in frame fractions onto a hint map, applied to alpha,
// and refused with INVALID_ARGUMENT when malformed.
import { describe, expect, it } from 'vitest';
import { applyStickerHints, MAX_STICKER_STROKES, MAX_STROKE_POINTS, stickerHintMap, validateStickerStrokes } from '../../../../src/main/core/sticker/touch-up';
import type { StickerStroke } from '../../../../src/shared/jobs';

describe('sticker touch-up strokes', () => {
  it('stamps strokes in frame fractions; a later stroke wins; unpainted pixels stay 128', () => {
    // 40 x 20 frame: size 0.25 of the long side is a 10-px brush.
    const strokes: StickerStroke[] = [
      { mode: 'bg', size: 0.25, points: [{ x: 0.25, y: 0.5 }, { x: 0.75, y: 0.5 }] },
      { mode: 'fg', size: 0.25, points: [{ x: 0.5, y: 0.5 }] },
    ];
    const hint = stickerHintMap(strokes, 40, 20)!;
    const at = (x: number, y: number) => hint[y * 40 + x];
    expect(at(10, 10)).toBe(0); // the remove line, left end
    expect(at(29, 10)).toBe(0); // its right end
    expect(at(20, 10)).toBe(255); // the keep dab painted over it
    expect(at(20, 1)).toBe(128); // above both
    expect(at(0, 10)).toBe(128); // left of the line's end cap
    expect(stickerHintMap([], 40, 20)).toBeNull();
    expect(stickerHintMap(undefined, 40, 20)).toBeNull();
  });

  it('sets alpha to 1 where kept and 0 where removed, and leaves the rest', () => {
    const alpha = new Float32Array([0.2, 0.5, 0.9]);
    applyStickerHints(alpha, new Uint8Array([255, 128, 0]));
    expect([...alpha]).toEqual([1, 0.5, 0]);
    expect(applyStickerHints(alpha, null)).toBe(alpha);
    expect(() => applyStickerHints(alpha, new Uint8Array(2))).toThrow();
  });

  it('refuses malformed strokes with INVALID_ARGUMENT', () => {
    const ok: StickerStroke = { mode: 'fg', size: 0.1, points: [{ x: 0.5, y: 0.5 }] };
    expect(() => validateStickerStrokes([ok])).not.toThrow();
    expect(() => validateStickerStrokes(undefined)).not.toThrow();
    for (const bad of [
      { ...ok, mode: 'unknown' },
      { ...ok, size: 0 },
      { ...ok, size: 2 },
      { ...ok, points: [] },
      { ...ok, points: [{ x: Number.NaN, y: 0.5 }] },
      { ...ok, points: [{ x: 5, y: 0.5 }] },
      { ...ok, points: [{ x: '0.5', y: 0.5 }] },
      { ...ok, size: '0.1' },
    ]) {
      expect(() => validateStickerStrokes([bad as StickerStroke])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => validateStickerStrokes(Array(MAX_STICKER_STROKES + 1).fill(ok))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const long = { ...ok, points: Array.from({ length: MAX_STROKE_POINTS / 2 + 1 }, () => ({ x: 0.5, y: 0.5 })) };
    expect(() => validateStickerStrokes([long])).not.toThrow();
    expect(() => validateStickerStrokes([long, long])).toThrow(/more than 20000 points in all/);
  });
});
