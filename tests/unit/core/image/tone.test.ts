import { describe, expect, it } from 'vitest';
import { brightnessTable, linearToSrgb8, SRGB_TO_LINEAR, srgbLuminance } from '../../../../src/main/core/image/tone';
import { srgbToLab } from '../../../../src/main/core/idphoto/compliance';
import { ID_PHOTO_BRIGHTNESS_EV_MAX, parseBrightness } from '../../../../src/shared/jobs';

describe('tone', () => {
  it('sRGB codes go to linear light and back unchanged', () => {
    for (let c = 0; c < 256; c++) expect(linearToSrgb8(SRGB_TO_LINEAR[c])).toBe(c);
    expect(linearToSrgb8(-0.5)).toBe(0);
    expect(linearToSrgb8(1.5)).toBe(255);
  });

  it('luminance weighs the channels as sRGB does (D65), the Y of CIE L*', () => {
    expect(srgbLuminance(0, 0, 0)).toBe(0);
    expect(srgbLuminance(255, 255, 255)).toBeCloseTo(1, 6);
    expect(srgbLuminance(0, 255, 0)).toBeCloseTo(0.7151522, 9);
    for (const [r, g, b] of [[200, 120, 90], [30, 60, 200], [128, 128, 128]]) {
      const Y = srgbLuminance(r, g, b);
      expect(srgbToLab(r, g, b)[0]).toBeCloseTo(Y > 216 / 24389 ? 116 * Math.cbrt(Y) - 16 : (24389 / 27) * Y, 9);
    }
  });

  it('brightness 0 is the identity; any other keeps black and white and the order of tones', () => {
    expect(Array.from(brightnessTable(0))).toEqual(Array.from({ length: 256 }, (_, c) => c));
    for (const ev of [-2, -1, -0.25, 0.25, 1, 2]) {
      const t = brightnessTable(ev);
      expect(t[0]).toBe(0);
      expect(t[255]).toBe(255);
      for (let c = 1; c < 256; c++) expect(t[c]).toBeGreaterThanOrEqual(t[c - 1]);
      // Lighter for +, darker for −, at every code between black and white.
      for (let c = 20; c < 236; c++) expect(Math.sign(t[c] - c), `ev ${ev}, code ${c}`).toBe(Math.sign(ev));
    }
  });

  it('+1 EV is twice the light in the shadows and less in the light tones; −1 undoes it', () => {
    const up = brightnessTable(1);
    const down = brightnessTable(-1);
    // Near black the gain is the full stop.
    expect(SRGB_TO_LINEAR[up[10]] / SRGB_TO_LINEAR[10]).toBeCloseTo(2, 0);
    // A mid grey (L* 50) gains less than a stop, so a light face does not burn out.
    const mid = 119;
    expect(SRGB_TO_LINEAR[up[mid]] / SRGB_TO_LINEAR[mid]).toBeGreaterThan(1.4);
    expect(SRGB_TO_LINEAR[up[mid]] / SRGB_TO_LINEAR[mid]).toBeLessThan(1.8);
    expect(srgbToLab(up[230], up[230], up[230])[0] - srgbToLab(230, 230, 230)[0]).toBeLessThan(4);
    // The two curves are each other's inverse, to a code's rounding.
    for (let c = 0; c < 256; c++) expect(Math.abs(down[up[c]] - c), `code ${c}`).toBeLessThanOrEqual(1);
  });

  it('a brightness is auto or a finite number of EV within the range, from a flag or a request', () => {
    expect(parseBrightness('auto')).toBe('auto');
    expect(parseBrightness('1.5')).toBe(1.5);
    expect(parseBrightness(-ID_PHOTO_BRIGHTNESS_EV_MAX)).toBe(-2);
    expect(Object.is(parseBrightness(-0), 0)).toBe(true);
    for (const bad of ['3', -2.5, 'bright', 'Auto', '', Number.NaN, Infinity, null, '1e400']) {
      expect(() => parseBrightness(bad, '--brightness'), String(bad)).toThrow(/--brightness must be auto or a number of EV from -2 to \+2/);
    }
  });
});
