// Even lighting on real portraits: df_img34, a press photo lit from the side, fails an ICAO photo's
// lighting check; df_img2, lit evenly, passes it, and fails it once the test puts one side of its
// face in shadow (a gain in linear light, 2 stops darker left of the nose, as a window to one side
// would leave it); 1 stop of the same shadow still passes. A studio size shows the value only.
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { failedChecks, LIGHTING_BALANCE_MAX_EV } from '../../src/main/core/idphoto/compliance';
import { makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { decodeImage, type RgbaImage } from '../../src/main/core/image/decode';
import { linearToSrgb8, SRGB_TO_LINEAR } from '../../src/main/core/image/tone';
import { evalFile, testEnv } from '../helpers/env';

const env = testEnv();

/**
 * The picture with the side of the face left of `midX` (the image's left) `stops` darker: the gain
 * runs from 2^-stops to 1 across 0.4 eye distances about the middle of the face, in linear light;
 * then a JPEG of quality 92, as a camera would write it.
 */
async function shadedLeft(image: RgbaImage, midX: number, eyeDistance: number, stops: number): Promise<Buffer> {
  const { data, width, height } = image;
  const out = Buffer.alloc(width * height * 3);
  for (let x = 0; x < width; x++) {
    const t = Math.min(1, Math.max(0, (x - (midX - 0.2 * eyeDistance)) / (0.4 * eyeDistance)));
    const gain = 2 ** (-stops * (1 - t));
    for (let y = 0; y < height; y++) {
      const i = y * width + x;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = linearToSrgb8(SRGB_TO_LINEAR[data[i * 4 + c]] * gain);
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

describe('ID photo: even lighting', () => {
  let lib: SpecLibrary;
  beforeAll(async () => {
    lib = await SpecLibrary.load(specLibraryPath());
  });

  it('fails a portrait lit from one side for a passport, and shows it on a studio size', { timeout: 60_000 }, async () => {
    const image = await decodeImage(evalFile('id_portraits', 'images', 'df_img34.jpg'));
    const icao = await makeIdPhoto(image, { spec: lib.get('icao-35x45') }, env);
    const lighting = icao.report.measurements.lightingBalanceEv!;
    expect(lighting).toMatchObject({ unit: 'EV', max: LIGHTING_BALANCE_MAX_EV, pass: false });
    expect(lighting.value!).toBeGreaterThan(2 * LIGHTING_BALANCE_MAX_EV - 0.5);
    expect(lighting.note).toMatch(/^the left of the photo is darker/);
    expect(failedChecks(icao.report).some((line) => line.startsWith('lightingBalanceEv '))).toBe(true);
    const studio = await makeIdPhoto(image, { spec: lib.get('cn-1inch') }, env);
    expect(studio.report.measurements.lightingBalanceEv).toMatchObject({ min: null, max: null, pass: true });
    expect(studio.report.measurements.lightingBalanceEv!.value!).toBeGreaterThan(LIGHTING_BALANCE_MAX_EV);
  });

  it('passes an evenly lit face, fails it with one side 2 stops darker, and passes 1 stop', { timeout: 90_000 }, async () => {
    const spec = lib.get('icao-35x45');
    const image = await decodeImage(evalFile('id_portraits', 'images', 'df_img2.jpg'));
    const even = await makeIdPhoto(image, { spec }, env);
    const base = even.report.measurements.lightingBalanceEv!;
    expect(base.pass).toBe(true);
    expect(base.value!).toBeLessThan(0.3);
    const [a, b] = even.face.eyes;
    const midX = (a.x + b.x) / 2;
    const eyeDistance = Math.hypot(b.x - a.x, b.y - a.y);
    // The face's own balance, counted towards a darker left.
    const own = base.note!.startsWith('the left') ? base.value! : -base.value!;
    const measured: number[] = [];
    for (const stops of [1, 2]) {
      const r = await makeIdPhoto(await decodeImage(await shadedLeft(image, midX, eyeDistance, stops)), { spec }, env);
      const m = r.report.measurements.lightingBalanceEv!;
      // The shadow is read as laid: its stops on top of the face's own, within a quarter stop.
      expect(Math.abs(m.value! - (stops + own)), `${stops} stops`).toBeLessThan(0.25);
      expect(m.note).toMatch(/^the left of the photo is darker/);
      expect(m.pass, `${stops} stops`).toBe(stops < LIGHTING_BALANCE_MAX_EV);
      measured.push(m.value!);
    }
    expect(measured[1]).toBeGreaterThan(measured[0] + 0.75);
  });
});
