// Unit tests of core/image/turn.ts: a plane turns as a picture does, a box found on the turned
// picture is said back on the picture as it was, and a decoded picture keeps what is said of it.
import { describe, expect, it } from 'vitest';
import { boxBeforeTurn, isQuarterTurn, rotateRgba, turnPicture, turnPlane, type QuarterTurn } from '../../../../src/main/core/image/turn';
import { parseTurn } from '../../../../src/shared/jobs';

const TURNS: QuarterTurn[] = [90, 180, 270];

describe('turn', () => {
  it('turns a plane of labels as rotateRgba turns a picture', () => {
    const [w, h] = [5, 3];
    const plane = Uint8Array.from({ length: w * h }, (_, i) => i + 1);
    const rgba = new Uint8Array(w * h * 4);
    plane.forEach((v, i) => (rgba[i * 4] = v));
    for (const deg of TURNS) {
      const turned = rotateRgba({ data: rgba, width: w, height: h }, deg);
      expect(Array.from(turnPlane(plane, w, h, deg)), String(deg)).toEqual(Array.from({ length: w * h }, (_, i) => turned.data[i * 4]));
    }
    // 90° clockwise: the left column, read bottom up, is the top row.
    expect(Array.from(turnPlane(plane, w, h, 90).subarray(0, h))).toEqual([11, 6, 1]);
  });

  it('says a box found on the turned picture on the picture as it was', () => {
    const [w, h] = [9, 6];
    const box = { x: 1, y: 2, width: 3, height: 2, score: 0.9 };
    const plane = new Uint8Array(w * h);
    for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) plane[y * w + x] = 1;
    for (const deg of TURNS) {
      const turned = turnPlane(plane, w, h, deg);
      const [tw, th] = deg === 180 ? [w, h] : [h, w];
      let [x0, y0, x1, y1] = [tw, th, -1, -1];
      for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) if (turned[y * tw + x]) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      expect(boxBeforeTurn({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, score: 0.9 }, w, h, deg), String(deg)).toEqual(box);
    }
  });

  it('keeps what is said of a decoded picture, its size before a downscale turned with it', () => {
    const image = { data: new Uint8Array(4 * 6 * 4), width: 4, height: 6, hasAlpha: false, format: 'jpeg', dpi: 300, isColourSubsampled: true, downscaledFrom: { width: 400, height: 600 } };
    expect(turnPicture(image, 90)).toMatchObject({ width: 6, height: 4, hasAlpha: false, format: 'jpeg', dpi: 300, isColourSubsampled: true, downscaledFrom: { width: 600, height: 400 } });
    expect(turnPicture(image, 180)).toMatchObject({ width: 4, height: 6, downscaledFrom: { width: 400, height: 600 } });
    expect([0, 90, 180, 270].every(isQuarterTurn)).toBe(true);
    expect([45, '90', -90, 360, null].some(isQuarterTurn)).toBe(false);
  });

  it('an ID photo\'s turn is auto or a quarter turn clockwise, from a flag or a request', () => {
    expect(parseTurn('auto')).toBe('auto');
    expect(parseTurn('90')).toBe(90);
    expect(parseTurn(270)).toBe(270);
    expect(parseTurn('0')).toBe(0);
    for (const bad of ['45', -90, 360, 'left', 'Auto', '', null, Number.NaN]) {
      expect(() => parseTurn(bad, '--turn'), String(bad)).toThrow(/--turn must be 90, 180 or 270 \(degrees clockwise\), 0 \(as it is\) or auto/);
    }
  });
});
