// The editor's cut-out painted as the export makes it: the soft edge's estimated colours travel
// beside the preview alpha (packEdgeColours) and are painted there (paintCutout).
import { describe, expect, it } from 'vitest';
import { packEdgeColours, paintCutout } from '../../../src/shared/edge-colours';

describe('edge colours', () => {
  const photo = new Uint8Array([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 1, 2, 3, 255]);
  const alpha = new Uint8Array([0, 128, 255, 7]);
  // The estimated foreground: what the export writes (its own values at every pixel).
  const foreground = new Uint8Array([11, 21, 31, 0, 200, 201, 202, 128, 71, 81, 91, 255, 100, 101, 102, 7]);

  it('packs the foreground of the soft pixels only, in reading order', () => {
    expect([...packEdgeColours(alpha, foreground)]).toEqual([200, 201, 202, 100, 101, 102]);
    expect(packEdgeColours(new Uint8Array([0, 255]), new Uint8Array(8)).length).toBe(0);
  });

  it('paints the photo where opaque, the edge colours where soft and nothing where transparent', () => {
    const out = new Uint8Array(16).fill(9);
    paintCutout(photo, alpha, packEdgeColours(alpha, foreground), out);
    expect([...out]).toEqual([0, 0, 0, 0, 200, 201, 202, 128, 70, 80, 90, 255, 100, 101, 102, 7]);
  });

  it("paints the photo's own colours without edge colours (Raw edges), or with ones of another alpha", () => {
    const out = new Uint8Array(16);
    paintCutout(photo, alpha, undefined, out);
    expect([...out]).toEqual([0, 0, 0, 0, 40, 50, 60, 128, 70, 80, 90, 255, 1, 2, 3, 7]);
    paintCutout(photo, alpha, new Uint8Array(3), out);
    expect([...out]).toEqual([0, 0, 0, 0, 40, 50, 60, 128, 70, 80, 90, 255, 1, 2, 3, 7]);
  });
});
