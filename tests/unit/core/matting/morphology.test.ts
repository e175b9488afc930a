import { describe, expect, it } from 'vitest';
import { dilateSquare, erodeSquare } from '../../../../src/main/core/matting/morphology';

/** The (2r+1)² window by definition: any marked (dilate) or all marked, past the border unmarked (erode). */
function brute(mark: Uint8Array, w: number, h: number, r: number, kind: 'dilate' | 'erode'): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let any = false;
      let all = true;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          const v = xx >= 0 && xx < w && yy >= 0 && yy < h ? mark[yy * w + xx] : 0;
          any ||= v === 1;
          all &&= v === 1;
        }
      }
      out[y * w + x] = (kind === 'dilate' ? any : all) ? 1 : 0;
    }
  }
  return out;
}

describe('square morphology', () => {
  it('dilates and erodes exactly by the (2r+1)² window, borders included, on random maps', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let t = 0; t < 200; t++) {
      const w = 1 + Math.floor(rnd() * 30);
      const h = 1 + Math.floor(rnd() * 30);
      const r = Math.floor(rnd() * 4);
      const density = rnd();
      const mark = Uint8Array.from({ length: w * h }, () => (rnd() < density ? 1 : 0));
      expect(dilateSquare(mark, w, h, r)).toEqual(brute(mark, w, h, r, 'dilate'));
      expect(erodeSquare(mark, w, h, r)).toEqual(brute(mark, w, h, r, 'erode'));
    }
  });

  it('a single mark dilates to a centred square, not further on one side', () => {
    const mark = new Uint8Array(9 * 9);
    mark[4 * 9 + 4] = 1;
    const out = dilateSquare(mark, 9, 9, 2);
    const rows = Array.from({ length: 9 }, (_, y) => Array.from(out.subarray(y * 9, y * 9 + 9)).join(''));
    expect(rows).toEqual(['000000000', '000000000', '001111100', '001111100', '001111100', '001111100', '001111100', '000000000', '000000000']);
  });
});
