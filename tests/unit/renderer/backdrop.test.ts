// coverRect: the part of a picture the canvas draws under a cut-out, as the engine's fitBackground
// (sharp fit 'cover', centred) places it.
import { describe, expect, it } from 'vitest';
import { coverRect } from '../../../src/renderer/src/lib/canvas/backdrop';

describe('coverRect', () => {
  it('keeps the centre of a wider picture, whole height', () => {
    expect(coverRect(900, 300, 100, 100)).toEqual({ sx: 300, sy: 0, sw: 300, sh: 300 });
  });
  it('keeps the centre of a taller picture, whole width', () => {
    expect(coverRect(200, 800, 400, 200)).toEqual({ sx: 0, sy: 350, sw: 200, sh: 100 });
  });
  it('keeps all of a picture of the same shape, at any scale', () => {
    expect(coverRect(640, 480, 320, 240)).toEqual({ sx: 0, sy: 0, sw: 640, sh: 480 });
    expect(coverRect(64, 48, 1280, 960)).toEqual({ sx: 0, sy: 0, sw: 64, sh: 48 });
  });
});
