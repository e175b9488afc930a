// Unit tests of the editor's pure view math and the ViewState rune class (no DOM).
import { describe, expect, it } from 'vitest';
import { clampZoom, constrainPan, fitView, imageToView, MAX_ZOOM, MIN_ZOOM, stepZoom, viewToImage, zoomAround } from '../../../src/renderer/src/lib/canvas/view-math';
import { ViewState } from '../../../src/renderer/src/lib/state/view.svelte';

describe('view math', () => {
  it('fits a tall image centred, never above 100 %', () => {
    const v = fitView(758, 1024, 1000, 800, 24);
    expect(v.zoom).toBeCloseTo(752 / 1024, 6);
    expect(v.panY).toBeCloseTo(24, 6);
    expect(v.panX).toBeCloseTo((1000 - 758 * v.zoom) / 2, 6);
    expect(fitView(100, 80, 1000, 800).zoom).toBe(1);
  });

  it('zooming around a point keeps the image point under it', () => {
    const v = { zoom: 0.5, panX: 30, panY: -12 };
    const before = viewToImage(v, 400, 300);
    const z = zoomAround(v, 2, 400, 300);
    const after = viewToImage(z, 400, 300);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    const back = imageToView(z, after.x, after.y);
    expect(back.x).toBeCloseTo(400, 9);
  });

  it('clamps zoom and steps on a ladder that passes 100 %', () => {
    expect(clampZoom(1000)).toBe(MAX_ZOOM);
    expect(clampZoom(0)).toBe(MIN_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(1);
    expect(stepZoom(0.75, 1)).toBe(1);
    expect(stepZoom(1, 1)).toBe(1.5);
    expect(stepZoom(1, -1)).toBe(0.75);
    expect(stepZoom(MAX_ZOOM, 1)).toBe(MAX_ZOOM);
  });

  it('keeps part of the image reachable when panned far away', () => {
    const v = constrainPan({ zoom: 1, panX: 5000, panY: -5000 }, 200, 100, 800, 600, 48);
    expect(v.panX).toBe(800 - 48);
    expect(v.panY).toBe(48 - 100);
  });
});

describe('ViewState', () => {
  it('fits a new image, zooms with the buttons and refits on resize only while fitted', () => {
    const view = new ViewState();
    view.setViewport(1000, 800);
    view.setImage(2000, 1000);
    expect(view.isFitted).toBe(true);
    expect(view.zoomPct).toBe(48);
    view.setViewport(500, 400);
    expect(view.zoom).toBeCloseTo(452 / 2000, 6);
    // A hidden workspace (no size) keeps its view: fitted to nothing it read 2 % until shown again.
    view.setViewport(0, 0);
    expect(view.zoom).toBeCloseTo(452 / 2000, 6);
    view.zoomIn();
    expect(view.isFitted).toBe(false);
    const z = view.zoom;
    view.setViewport(1000, 800);
    expect(view.zoom).toBe(z);
    view.zoomTo(1);
    expect(view.zoomPct).toBe(100);
  });

  it("gives a big picture's zoom in its own pixels, and Actual size shows one of them per screen pixel", () => {
    // An 8000 x 6000 photo shown through a 2048-px preview: fitted, it is 12 % of its size, not 48 %.
    const view = new ViewState();
    view.setViewport(1000, 800);
    view.setImage(2048, 1536, 8000);
    expect(view.zoom).toBeCloseTo(0.4648, 3);
    expect(view.zoomPct).toBe(12);
    view.zoomToActual();
    expect(view.zoom).toBeCloseTo(8000 / 2048, 6);
    expect(view.zoomPct).toBe(100);
    // The zoom buttons step through the picture's own 75 % and 100 %.
    view.zoomOut();
    expect(view.zoomPct).toBe(75);
    view.zoomIn();
    expect(view.zoomPct).toBe(100);
    // A picture its preview holds whole: the two agree.
    view.setImage(800, 600);
    view.zoomToActual();
    expect([view.zoom, view.zoomPct]).toEqual([1, 100]);
  });

  it('clamps the compare slider to 0..1', () => {
    const view = new ViewState();
    view.setComparePos(1.7);
    expect(view.comparePos).toBe(1);
    view.setComparePos(-3);
    expect(view.comparePos).toBe(0);
    view.setComparePos(Number.NaN);
    expect(view.comparePos).toBe(0.5);
  });
});
