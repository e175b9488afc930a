// Unit tests of brush stamping, trimap resolution and the TrimapBrushState undo/redo (no DOM).
import { describe, expect, it } from 'vitest';
import { EDIT_AUTO, EDIT_BG, EDIT_FG, EDIT_UNKNOWN, resolveTrimap, stampStroke, strokeBox, touchUpLabels, trimapFromAlpha, type Stroke } from '../../../src/renderer/src/lib/canvas/stroke';
import { paintTrimapOverlay, OVERLAY_COLORS } from '../../../src/renderer/src/lib/canvas/overlay';
import { TrimapBrushState } from '../../../src/renderer/src/lib/state/trimap-brush.svelte';
import { stampStroke as sharedStamp } from '../../../src/shared/trimap-brush';

const W = 64;
const H = 48;
const at = (layer: Uint8Array, x: number, y: number) => layer[y * W + x];
/** A W x H brush with a hard `tool` of `size` px. */
function hardBrush(tool: 'background' | 'foreground', size: number): TrimapBrushState {
  const brush = new TrimapBrushState();
  brush.reset(W, H);
  brush.setTool(tool);
  brush.setSize(size);
  brush.setHardness(1);
  return brush;
}

describe('stampStroke', () => {
  it('paints the hard core with the tool and the soft ring as unknown', () => {
    const layer = new Uint8Array(W * H);
    const stroke: Stroke = { tool: 'background', radiusPx: 10, hardness: 0.5, points: [{ x: 32, y: 24 }] };
    const box = stampStroke(layer, W, H, stroke)!;
    expect(box).toEqual({ x: 21, y: 13, w: 22, h: 22 });
    expect(at(layer, 32, 24)).toBe(EDIT_BG);
    expect(at(layer, 32 + 7, 24)).toBe(EDIT_UNKNOWN);
    expect(at(layer, 32 + 12, 24)).toBe(EDIT_AUTO);
  });

  it('at 0 % hardness still keeps (removes) the middle quarter of its radius: it kept nothing, its ring only opened the background', () => {
    const auto = new Uint8Array(W * H);
    const layer = new Uint8Array(W * H);
    stampStroke(layer, W, H, { tool: 'foreground', radiusPx: 12, hardness: 0, points: [{ x: 32, y: 24 }] }, auto);
    expect([at(layer, 32, 24), at(layer, 32 + 2, 24), at(layer, 32 - 2, 24)]).toEqual([EDIT_FG, EDIT_FG, EDIT_FG]);
    expect([at(layer, 32 + 5, 24), at(layer, 32 + 11, 24)]).toEqual([EDIT_UNKNOWN, EDIT_UNKNOWN]);
    // The engine's stamping (a sticker's strokes, the CLI's) alike.
    const trimap = new Uint8Array(W * H);
    sharedStamp(trimap, W, H, { points: [{ x: 32, y: 24 }], sizePx: 24, hardness: 0, mode: 'bg' });
    expect(trimap[24 * W + 32]).toBe(0);
    const fg = new Uint8Array(W * H).fill(255);
    sharedStamp(fg, W, H, { points: [{ x: 32, y: 24 }], sizePx: 24, hardness: 0, mode: 'bg' });
    expect([fg[24 * W + 34], fg[24 * W + 37], fg[24 * W + 45]]).toEqual([0, 128, 255]);
  });

  it('opens up in its soft ring only what is labelled the other way: painted, or in the automatic trimap', () => {
    // The left half kept (255), the right half background (0), in the automatic trimap.
    const auto = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W / 2; x++) auto[y * W + x] = 255;
    const keep: Stroke = { tool: 'foreground', radiusPx: 10, hardness: 0.5, points: [{ x: 32, y: 24 }] };
    const layer = new Uint8Array(W * H);
    stampStroke(layer, W, H, keep, auto);
    expect(at(layer, 32, 24)).toBe(EDIT_FG);
    // The ring over the background opens up; over the kept half it stays as it was (a Keep dab on
    // the kept face drew an "Edge, solved" ring across the lips).
    expect(at(layer, 32 + 7, 24)).toBe(EDIT_UNKNOWN);
    expect(at(layer, 32 - 8, 24)).toBe(EDIT_AUTO);
    // A painted pixel of the other label opens up; one of the same label or unknown stays.
    const painted = new Uint8Array(W * H);
    painted[24 * W + 24] = EDIT_BG;
    painted[24 * W + 40] = EDIT_FG;
    painted[16 * W + 32] = EDIT_UNKNOWN;
    stampStroke(painted, W, H, keep, auto);
    expect([at(painted, 24, 24), at(painted, 40, 24), at(painted, 32, 16)]).toEqual([EDIT_UNKNOWN, EDIT_FG, EDIT_UNKNOWN]);
    // Unknown in the automatic trimap: left to it (it is solved either way).
    stampStroke(layer, W, H, { ...keep, tool: 'background' }, new Uint8Array(W * H).fill(128));
    expect(at(layer, 32 - 8, 24)).toBe(EDIT_AUTO);
  });

  it('covers the whole segment between points, and clips at the image border', () => {
    const layer = new Uint8Array(W * H);
    stampStroke(layer, W, H, { tool: 'foreground', radiusPx: 3, hardness: 1, points: [{ x: -5, y: 10 }, { x: 60, y: 10 }] });
    for (let x = 0; x < 60; x++) expect(at(layer, x, 10)).toBe(EDIT_FG);
    expect(at(layer, 10, 20)).toBe(EDIT_AUTO);
    expect(strokeBox({ tool: 'eraser', radiusPx: 2, hardness: 1, points: [{ x: -50, y: -50 }] }, W, H)).toBeNull();
  });

  it('the eraser returns pixels to automatic', () => {
    const layer = new Uint8Array(W * H);
    stampStroke(layer, W, H, { tool: 'foreground', radiusPx: 8, hardness: 1, points: [{ x: 20, y: 20 }] });
    stampStroke(layer, W, H, { tool: 'eraser', radiusPx: 3, hardness: 1, points: [{ x: 20, y: 20 }] });
    expect(at(layer, 20, 20)).toBe(EDIT_AUTO);
    expect(at(layer, 26, 20)).toBe(EDIT_FG);
  });
});

describe('trimap resolution and overlay', () => {
  it('painted labels override the automatic trimap; automatic comes from alpha thresholds', () => {
    const alpha = new Uint8Array([0, 10, 128, 245, 255, 255]);
    const auto = trimapFromAlpha(alpha);
    expect([...auto]).toEqual([0, 0, 128, 255, 255, 255]);
    const layer = new Uint8Array([EDIT_AUTO, EDIT_FG, EDIT_AUTO, EDIT_BG, EDIT_UNKNOWN, EDIT_AUTO]);
    const out = new Uint8Array(6);
    resolveTrimap(auto, layer, 3, out);
    expect([...out]).toEqual([0, 255, 128, 0, 128, 255]);
    // The file an export is made with: the painted labels, and auto (64) where nothing is painted.
    expect([...touchUpLabels(layer, 3)]).toEqual([64, 255, 64, 0, 128, 64]);
    const rgba = new Uint8Array(24);
    paintTrimapOverlay(out, 3, rgba);
    expect([...rgba.slice(0, 4)]).toEqual([...OVERLAY_COLORS.background]);
    expect([...rgba.slice(4, 8)]).toEqual([...OVERLAY_COLORS.foreground]);
    expect([...rgba.slice(8, 12)]).toEqual([...OVERLAY_COLORS.unknown]);
  });
});

describe('TrimapBrushState', () => {
  it('records strokes, undoes by replay and redoes, and clears redo on a new stroke', () => {
    const brush = hardBrush('background', 10);
    brush.begin(10, 10);
    brush.extend(30, 10);
    const ended = brush.end()!;
    expect(ended.box.x).toBe(4);
    expect(brush.canUndo).toBe(true);
    expect(at(brush.layer, 20, 10)).toBe(EDIT_BG);
    brush.setTool('foreground');
    brush.begin(20, 10);
    brush.end();
    expect(at(brush.layer, 20, 10)).toBe(EDIT_FG);
    const undone = brush.undo();
    expect(undone).not.toBeNull();
    expect(at(brush.layer, 20, 10)).toBe(EDIT_BG);
    expect(brush.canRedo).toBe(true);
    brush.redo();
    expect(at(brush.layer, 20, 10)).toBe(EDIT_FG);
    brush.undo();
    brush.undo();
    expect(brush.layer.every((v) => v === EDIT_AUTO)).toBe(true);
    expect(brush.canUndo).toBe(false);
    // A click off the picture touches nothing: not recorded, and the redo history kept.
    brush.redo();
    brush.begin(-200, -200);
    expect(brush.end()).toBeNull();
    expect([brush.strokes.length, brush.canRedo]).toEqual([1, true]);
    brush.setTool('unknown');
    brush.begin(5, 5);
    brush.end();
    expect(brush.canRedo).toBe(false);
  });

  it('does not undo or redo while a stroke is drawn (Ctrl+Z with the button held lost the open stroke\'s first part until a redo)', () => {
    const brush = hardBrush('background', 6);
    brush.begin(5, 5);
    brush.end();
    brush.begin(20, 20);
    brush.extend(30, 20);
    expect(brush.undo()).toBeNull();
    expect(brush.redo()).toBeNull();
    // Both strokes are as painted: the first kept, the open one's first part too.
    expect([at(brush.layer, 5, 5), at(brush.layer, 20, 20)]).toEqual([EDIT_BG, EDIT_BG]);
    brush.extend(40, 20);
    brush.end();
    expect(brush.strokes).toHaveLength(2);
    // Once lifted, undo takes the whole stroke away.
    brush.undo();
    expect([at(brush.layer, 5, 5), at(brush.layer, 20, 20)]).toEqual([EDIT_BG, EDIT_AUTO]);
  });

  it('is painted while some pixel holds a label: strokes all taken back by Auto leave none (the export then needs no touch-up)', () => {
    const brush = hardBrush('foreground', 10);
    expect(brush.isPainted).toBe(false);
    brush.begin(20, 20);
    brush.end();
    expect(brush.isPainted).toBe(true);
    brush.setTool('eraser');
    brush.setSize(30);
    brush.begin(20, 20);
    brush.end();
    expect([brush.strokes.length, brush.isPainted]).toEqual([2, false]);
    brush.undo();
    expect(brush.isPainted).toBe(true);
  });

  it('clamps size and hardness and does nothing without a tool', () => {
    const brush = new TrimapBrushState();
    brush.reset(W, H);
    brush.setSize(10_000);
    expect(brush.sizePx).toBe(400);
    brush.setSize(0);
    expect(brush.sizePx).toBe(2);
    brush.setHardness(3);
    expect(brush.hardness).toBe(1);
    expect(brush.begin(5, 5)).toBeNull();
    expect(brush.end()).toBeNull();
  });

  it('stamps its strokes over the automatic trimap it is given, again when it changes', () => {
    const brush = new TrimapBrushState();
    brush.reset(W, H);
    const fg = new Uint8Array(W * H).fill(255);
    brush.setAuto(fg);
    brush.addStroke({ tool: 'foreground', radiusPx: 10, hardness: 0.5, points: [{ x: 32, y: 24 }] });
    expect(at(brush.layer, 32 + 7, 24)).toBe(EDIT_AUTO);
    // Another matte, where that ring is background: stamped again, it opens up.
    brush.setAuto(new Uint8Array(W * H));
    expect(at(brush.layer, 32 + 7, 24)).toBe(EDIT_UNKNOWN);
    // A new picture stamps over no automatic trimap until its matte comes (every ring opens up).
    brush.reset(W / 2, H / 2);
    brush.setAuto(fg);
    brush.reset(W, H);
    brush.addStroke({ tool: 'foreground', radiusPx: 10, hardness: 0.5, points: [{ x: 32, y: 24 }] });
    expect(at(brush.layer, 32 + 7, 24)).toBe(EDIT_UNKNOWN);
  });

  it('Clear takes every stroke back in one step, which one undo brings back; the count is of the strokes since', () => {
    const brush = new TrimapBrushState();
    brush.reset(W, H);
    expect(brush.clear()).toBeNull();
    brush.addStroke({ tool: 'foreground', radiusPx: 4, hardness: 1, points: [{ x: 10, y: 10 }] });
    brush.addStroke({ tool: 'background', radiusPx: 4, hardness: 1, points: [{ x: 40, y: 30 }] });
    const painted = Uint8Array.from(brush.layer);
    expect(brush.paintedCount).toBe(2);
    expect(brush.clear()).toEqual({ x: 0, y: 0, w: W, h: H });
    expect(brush.layer.every((c) => c === EDIT_AUTO)).toBe(true);
    expect([brush.isPainted, brush.paintedCount, brush.isClearStroke(brush.strokes.at(-1)!)]).toEqual([false, 0, true]);
    // Nothing painted: a second Clear does nothing.
    expect(brush.clear()).toBeNull();
    brush.undo();
    expect(brush.layer).toEqual(painted);
    expect(brush.paintedCount).toBe(2);
    brush.redo();
    brush.addStroke({ tool: 'unknown', radiusPx: 2, hardness: 1, points: [{ x: 5, y: 5 }] });
    expect(brush.paintedCount).toBe(1);
  });

  it('shows the trimap while Edge is the tool, unless the user had it on', () => {
    const brush = new TrimapBrushState();
    brush.reset(W, H);
    brush.setTool('unknown');
    expect(brush.isOverlayVisible).toBe(true);
    brush.setTool(null);
    expect(brush.isOverlayVisible).toBe(false);
    brush.setOverlay(true);
    brush.setTool('unknown');
    brush.setTool('foreground');
    expect(brush.isOverlayVisible).toBe(true);
    // Turned on by Edge, then kept by the user: it stays.
    brush.setOverlay(false);
    brush.setTool('unknown');
    brush.setOverlay(true);
    brush.setTool(null);
    expect(brush.isOverlayVisible).toBe(true);
  });

  it('resolve() applies the layer to an automatic trimap', () => {
    const brush = new TrimapBrushState();
    brush.reset(W, H);
    brush.addStroke({ tool: 'background', radiusPx: 4, hardness: 1, points: [{ x: 32, y: 24 }] });
    const auto = new Uint8Array(W * H).fill(255);
    const t = brush.resolve(auto);
    expect(t[24 * W + 32]).toBe(0);
    expect(t[0]).toBe(255);
    expect(brush.editedBox()).toEqual({ x: 27, y: 19, w: 10, h: 10 });
  });
});
