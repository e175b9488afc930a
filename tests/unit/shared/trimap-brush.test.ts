// Brush stamping on a trimap: labels, soft rim, eraser back to automatic, dirty box.
import { describe, expect, it } from 'vitest';
import { stampStroke, TRIMAP_LABEL, unionBox } from '../../../src/shared/trimap-brush';

describe('stampStroke', () => {
  it('paints a hard background line and reports its box', () => {
    const w = 50, h = 40;
    const t = new Uint8Array(w * h).fill(TRIMAP_LABEL.fg);
    const box = stampStroke(t, w, h, { points: [{ x: 10, y: 20 }, { x: 30, y: 20 }], sizePx: 6, hardness: 1, mode: 'bg' });
    expect(box).toEqual({ x: 7, y: 17, width: 26, height: 6 });
    expect(t[20 * w + 20]).toBe(TRIMAP_LABEL.bg);
    expect(t[20 * w + 10]).toBe(TRIMAP_LABEL.bg);
    expect(t[10 * w + 20]).toBe(TRIMAP_LABEL.fg);
    // Nothing outside the box changed.
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (x < 7 || x >= 33 || y < 17 || y >= 23) expect(t[y * w + x]).toBe(TRIMAP_LABEL.fg);
  });

  it('turns the soft rim of a foreground dab into unknown over background only', () => {
    const w = 40, h = 40;
    const t = new Uint8Array(w * h).fill(TRIMAP_LABEL.bg);
    stampStroke(t, w, h, { points: [{ x: 20, y: 20 }], sizePx: 20, hardness: 0.5, mode: 'fg' });
    expect(t[20 * w + 20]).toBe(TRIMAP_LABEL.fg); // core
    expect(t[20 * w + 28]).toBe(TRIMAP_LABEL.unknown); // rim (8 px from centre, core radius 5)
    expect(t[20 * w + 35]).toBe(TRIMAP_LABEL.bg); // outside
  });

  it('erases back to the automatic trimap', () => {
    const w = 20, h = 20;
    const auto = new Uint8Array(w * h).fill(TRIMAP_LABEL.unknown);
    const t = new Uint8Array(w * h).fill(TRIMAP_LABEL.fg);
    stampStroke(t, w, h, { points: [{ x: 10, y: 10 }], sizePx: 4, hardness: 1, mode: 'auto' }, auto);
    expect(t[10 * w + 10]).toBe(TRIMAP_LABEL.unknown);
    expect(t[2 * w + 2]).toBe(TRIMAP_LABEL.fg);
    expect(() => stampStroke(t, w, h, { points: [{ x: 1, y: 1 }], sizePx: 4, hardness: 1, mode: 'auto' })).toThrow(/automatic trimap/);
  });

  it('returns null for a stroke outside the image and merges boxes', () => {
    const t = new Uint8Array(100);
    expect(stampStroke(t, 10, 10, { points: [{ x: -50, y: -50 }], sizePx: 4, hardness: 1, mode: 'fg' })).toBeNull();
    expect(unionBox({ x: 0, y: 0, width: 2, height: 2 }, { x: 5, y: 1, width: 1, height: 4 })).toEqual({ x: 0, y: 0, width: 6, height: 5 });
    expect(unionBox(null, null)).toBeNull();
  });
});
