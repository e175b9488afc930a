// Unit tests of brush stamping, trimap resolution and the TrimapBrushState undo/redo (no DOM).
import { describe, expect, it } from 'vitest';
import { EDIT_AUTO, EDIT_BG, EDIT_FG, EDIT_UNKNOWN, resolveTrimap, stampStroke, strokeBox, touchUpLabels, trimapFromAlpha, type Stroke } from '../../../src/renderer/src/lib/canvas/stroke';
import { paintTrimapOverlay, OVERLAY_COLORS } from '../../../src/renderer/src/lib/canvas/overlay';
import { TrimapBrushState } from '../../../src/renderer/src/lib/state/trimap-brush.svelte';

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
