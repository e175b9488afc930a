// The black bars round a letterboxed picture's content (contentBox), on pictures made here.
import { describe, expect, it } from 'vitest';
import { contentBox } from '../../../../src/main/core/image/border-bars';

/** A w x h picture: `fill(x, y)` gives each pixel's RGBA. */
function picture(w: number, h: number, fill: (x: number, y: number) => [number, number, number, number]) {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(fill(x, y), (y * w + x) * 4);
  return { data, width: w, height: h };
}

/** A photo's content: a mid-grey texture with its own dark corner (a room's shadow). */
const photo = (x: number, y: number): [number, number, number, number] => {
  const v = x + y < 40 ? 10 + ((x * 7 + y * 3) % 9) : 90 + ((x * 13 + y * 7) % 60);
  return [v, v - 5, v - 10, 255];
};

describe('contentBox', () => {
  it('finds black bars on each side, through a JPEG-like blur at their edge', () => {
    // 200 x 160 with bars: 30 above (and a line blurred to 3 after it, taken as bar), 20 below, 25
    // left, none right; the content's top left corner is dark, near the bars' black.
    const bars = picture(200, 160, (x, y) => (y < 30 || y >= 140 || x < 25 ? [0, 0, 0, 255] : y === 30 ? [3, 3, 3, 255] : photo(x - 25, y - 31)));
    expect(contentBox(bars)).toEqual({ x: 25, y: 31, width: 175, height: 109 });
  });

  it('leaves a picture without bars, and a backdrop that only looks like one, whole', () => {
    const box = { x: 0, y: 0, width: 120, height: 100 };
    expect(contentBox(picture(120, 100, photo))).toEqual(box);
    // A person on a flat black backdrop: their shoulder begins inside the first column that is not backdrop.
    const onBlack = picture(120, 100, (x, y) => ((x - 60) ** 2 / 900 + (y - 100) ** 2 / 2500 < 1 || (x - 60) ** 2 + (y - 35) ** 2 < 400 ? photo(x, y) : [0, 0, 0, 255]));
    expect(contentBox(onBlack)).toEqual(box);
    // A white or coloured side, and a transparent margin (a cut-out's own), are not bars.
    for (const margin of [[255, 255, 255, 255], [40, 90, 200, 255], [0, 0, 0, 0]] as const) {
      expect(contentBox(picture(120, 100, (x, y) => (x < 20 ? [...margin] : photo(x, y)))), String(margin)).toEqual(box);
    }
    // A one-pixel frame, and a "bar" half the picture deep, are not bars either.
    expect(contentBox(picture(120, 100, (x, y) => (y < 1 ? [0, 0, 0, 255] : photo(x, y))))).toEqual(box);
    expect(contentBox(picture(120, 100, (x, y) => (y < 50 ? [0, 0, 0, 255] : photo(x, y))))).toEqual(box);
  });
});
