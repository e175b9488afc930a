// Unit tests of the face cut-off rules (pure): YuNet box past an edge, landmarks past an edge.
import { describe, expect, it } from 'vitest';
import { cutOffSides, FACE_TILE_SIDE, faceTiles, landmarkCutOffSides } from '../../../../src/main/core/face/analyse-face';
import { rotateRgba } from '../../../../src/main/core/image/turn';
import { landmarkCrop } from '../../../../src/main/core/face/landmarks';

const face = (x: number, y: number, width = 100, height = 120) => ({ x, y, width, height, score: 0.9, points: [] });

describe('face cut-off', () => {
  it('flags a box that leaves the frame by more than 4 % and tolerates less', () => {
    expect(cutOffSides(face(50, 50), 400, 400)).toEqual([]);
    expect(cutOffSides(face(-3, 50), 400, 400)).toEqual([]);
    expect(cutOffSides(face(-10, 50), 400, 400)).toEqual(['left']);
    expect(cutOffSides(face(320, 300), 400, 400)).toEqual(['bottom', 'right']);
  });

  it('counts a side when 3 or more landmarks lie past it', () => {
    const inside = Array.from({ length: 98 }, (_, i) => ({ x: 100 + i, y: 100 }));
    expect(landmarkCutOffSides(inside, 400, 400)).toEqual([]);
    const two = [...inside.slice(2), { x: -1, y: 100 }, { x: -2, y: 100 }];
    expect(landmarkCutOffSides(two, 400, 400)).toEqual([]);
    const three = [...inside.slice(3), { x: 50, y: 400 }, { x: 60, y: 401 }, { x: 70, y: 450 }];
    expect(landmarkCutOffSides(three, 400, 400)).toEqual(['bottom']);
  });

  it('crops a square of side max(w, h) centred on the box for PFLD', () => {
    expect(landmarkCrop(face(10, 20, 100, 120))).toEqual({ x: 0, y: 20, side: 120 });
  });
});

describe('faceTiles', () => {
  it('covers a large picture with overlapping tiles flush with its edges, and a small side with one', () => {
    const tiles = faceTiles(6000, 4000);
    const xs = [...new Set(tiles.map((t) => t.x))];
    const ys = [...new Set(tiles.map((t) => t.y))];
    expect(xs).toEqual([0, 1200, 2400, 3600, 4400]);
    expect(ys).toEqual([0, 1200, 2400]);
    expect(tiles).toHaveLength(15);
    for (const t of tiles) expect([t.width, t.height, t.x + t.width <= 6000, t.y + t.height <= 4000]).toEqual([FACE_TILE_SIDE, FACE_TILE_SIDE, true, true]);
    // A picture lower than a tile: one row as high as it, the last tile flush with its right edge.
    expect(faceTiles(2100, 900)).toEqual([
      { x: 0, y: 0, width: 1600, height: 900 },
      { x: 500, y: 0, width: 1600, height: 900 },
    ]);
  });
});

describe('rotateRgba', () => {
  it('turns a picture clockwise by quarters, each pixel whole', () => {
    // 3 wide, 2 high; pixel k is [k, 10 + k, 20 + k, 255].
    const image = { width: 3, height: 2, data: Uint8Array.from({ length: 24 }, (_, i) => (i % 4 === 3 ? 255 : (i % 4) * 10 + (i >> 2))) };
    const order = (turned: { width: number; height: number; data: Uint8Array }) => ({ size: [turned.width, turned.height], pixels: Array.from({ length: turned.width * turned.height }, (_, k) => turned.data[k * 4]) });
    // 0 1 2 / 3 4 5 turned 90° clockwise: 3 0 / 4 1 / 5 2.
    expect(order(rotateRgba(image, 90))).toEqual({ size: [2, 3], pixels: [3, 0, 4, 1, 5, 2] });
    expect(order(rotateRgba(image, 180))).toEqual({ size: [3, 2], pixels: [5, 4, 3, 2, 1, 0] });
    expect(order(rotateRgba(image, 270))).toEqual({ size: [2, 3], pixels: [2, 5, 1, 4, 0, 3] });
    expect([...rotateRgba(image, 90).data.subarray(0, 4)]).toEqual([3, 13, 23, 255]);
    // Pixels that start at any byte of their buffer (a view into a larger one) turn the same.
    const shifted = new Uint8Array(25);
    shifted.set(image.data, 1);
    expect(order(rotateRgba({ ...image, data: shifted.subarray(1) }, 270))).toEqual({ size: [2, 3], pixels: [2, 5, 1, 4, 0, 3] });
  });
});
