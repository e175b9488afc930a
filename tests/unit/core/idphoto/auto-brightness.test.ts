import { describe, expect, it } from 'vitest';
import { AUTO_BRIGHTNESS_MIN_GAIN_L, AUTO_BRIGHTNESS_STEP_EV, autoBrightnessEv, composePixel, type PlacedFace } from '../../../../src/main/core/idphoto/auto-brightness';
import { buildComplianceReport, FACE_LIGHTNESS_BAND, srgbToLab } from '../../../../src/main/core/idphoto/compliance';
import { brightnessTable } from '../../../../src/main/core/image/tone';
import type { RgbaImage } from '../../../../src/main/core/image/decode';
import type { IdPhotoSpec } from '../../../../src/main/core/idphoto/spec';
import { ID_PHOTO_BRIGHTNESS_EV_MAX } from '../../../../src/shared/jobs';

const W = 60;
const H = 80;
const EYES = [
  { x: 22, y: 30 },
  { x: 38, y: 30 },
] as const;
const CHIN = { x: 30, y: 55 };
const BG: [number, number, number] = [0x43, 0x8e, 0xdb];

/**
 * A placed photo: a person of one skin colour (`skin`, sRGB) on an oval mask with a soft rim,
 * shadowed towards the bottom (so the face patch holds more than one colour), on ID blue.
 */
function placed(skin: [number, number, number]): PlacedFace {
  const colours: RgbaImage = { data: new Uint8Array(W * H * 4), width: W, height: H };
  const alpha = new Float32Array(W * H);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      const d = Math.hypot((x - 30) / 20, (y - 40) / 30);
      alpha[i] = Math.min(1, Math.max(0, (1.1 - d) * 5));
      const shade = 1 - 0.05 * (y / H);
      for (let c = 0; c < 3; c++) colours.data[i * 4 + c] = Math.round(skin[c] * shade);
      colours.data[i * 4 + 3] = 255;
    }
  }
  return { colours, alpha, bgRgb: BG, eyes: EYES, chin: CHIN };
}

/** The face lightness the compliance report measures on the photo composed at `ev`, as makeIdPhoto composes it. */
function reportedLightness(p: PlacedFace, ev: number): { value: number | null; pass: boolean } {
  const tone = brightnessTable(ev);
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) composePixel(data, i, p.colours.data, i, p.alpha[i], tone, p.bgRgb);
  const spec = { id: 'test', widthMm: 30, heightMm: 40, crownChinMm: [0, 100], background: { default: '#438EDB', allowed: ['#438EDB'] }, use: 'general' } as unknown as IdPhotoSpec;
  const report = buildComplianceReport({ spec, image: { data, width: W, height: H }, alpha: p.alpha, backgroundHex: '#438EDB', crownY: 10, chin: CHIN, eyes: [EYES[0], EYES[1]], centreX: W / 2, faceCount: 1 });
  return report.measurements.faceLightness;
}

describe('auto brightness', () => {
  it('leaves a face that passes as it is, the deepest and the fairest skin tones too', () => {
    for (const skin of [[95, 62, 45], [180, 130, 105], [245, 215, 200]] as [number, number, number][]) {
      const p = placed(skin);
      expect(reportedLightness(p, 0).pass, String(skin)).toBe(true);
      expect(autoBrightnessEv(p), String(skin)).toBe(0);
    }
  });

  it('lightens a face too dark by the least step that makes the check pass, as the check measures it', () => {
    for (const skin of [[40, 26, 19], [55, 38, 30], [62, 45, 36]] as [number, number, number][]) {
      const p = placed(skin);
      expect(reportedLightness(p, 0).value!).toBeLessThan(FACE_LIGHTNESS_BAND[0]);
      const ev = autoBrightnessEv(p);
      expect(ev).toBeGreaterThan(0);
      expect(ev % AUTO_BRIGHTNESS_STEP_EV).toBe(0);
      // It passes at that step, and failed one step less.
      expect(reportedLightness(p, ev).pass, `${skin} at ${ev}`).toBe(true);
      expect(reportedLightness(p, ev - AUTO_BRIGHTNESS_STEP_EV).pass, `${skin} at ${ev - AUTO_BRIGHTNESS_STEP_EV}`).toBe(false);
    }
  });

  it('darkens a face too light by the least step; when no step mends a face, the slider\'s end only if the face shows it', () => {
    const light = placed([255, 250, 248]);
    expect(reportedLightness(light, 0).value!).toBeGreaterThan(FACE_LIGHTNESS_BAND[1]);
    const ev = autoBrightnessEv(light);
    expect(ev).toBeLessThan(0);
    expect(reportedLightness(light, ev).pass).toBe(true);
    expect(reportedLightness(light, ev + AUTO_BRIGHTNESS_STEP_EV).pass).toBe(false);
    // Far too dark: +2 EV does not make it pass, but lifts the face visibly: taken.
    const night = placed([20, 13, 10]);
    const atMost = reportedLightness(night, ID_PHOTO_BRIGHTNESS_EV_MAX);
    expect(atMost.pass).toBe(false);
    expect(atMost.value! - reportedLightness(night, 0).value!).toBeGreaterThan(AUTO_BRIGHTNESS_MIN_GAIN_L);
    expect(autoBrightnessEv(night)).toBe(ID_PHOTO_BRIGHTNESS_EV_MAX);
    // Burnt out to white, or black: they stay so at any brightness, so nothing is changed for nothing.
    for (const value of [255, 0]) {
      const flat = placed([value, value, value]);
      flat.colours.data.fill(value);
      expect(reportedLightness(flat, 0).pass, String(value)).toBe(false);
      expect(autoBrightnessEv(flat), String(value)).toBe(0);
    }
  });

  it('gives 0 when there is no opaque face to measure', () => {
    const p = placed([40, 26, 19]);
    p.alpha.fill(0.5);
    expect(autoBrightnessEv(p)).toBe(0);
    expect(srgbToLab(40, 26, 19)[0]).toBeLessThan(FACE_LIGHTNESS_BAND[0]);
  });
});
