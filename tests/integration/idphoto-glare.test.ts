// Glare on real portraits: df_img2, lit softly, shows none and passes an ICAO photo's glare check;
// with a flash's hot spots laid on her forehead and nose (flashPortrait: white lobes added in linear
// light) it fails, and a small glint on the nose passes. df_img13's own shiny forehead passes. A
// studio size shows the value only.
import { beforeAll, describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { failedChecks, GLARE_MAX_PCT } from '../../src/main/core/idphoto/compliance';
import { makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { decodeImage } from '../../src/main/core/image/decode';
import { evalFile, flashPortrait, testEnv } from '../helpers/env';

const env = testEnv();

describe('ID photo: glare', () => {
  let lib: SpecLibrary;
  beforeAll(async () => {
    lib = await SpecLibrary.load(specLibraryPath());
  });

  it("passes a softly lit face, fails it with a flash's hot spots on the forehead and nose, and passes a small glint", { timeout: 90_000 }, async () => {
    const spec = lib.get('icao-35x45');
    const plain = await makeIdPhoto(await decodeImage(evalFile('id_portraits', 'images', 'df_img2.jpg')), { spec }, env);
    expect(plain.report.measurements.glarePct).toMatchObject({ unit: '%', max: GLARE_MAX_PCT, pass: true });
    expect(plain.report.measurements.glarePct!.value!).toBeLessThan(0.1);

    const flashed = await decodeImage(await flashPortrait());
    const flash = await makeIdPhoto(flashed, { spec }, env);
    const glare = flash.report.measurements.glarePct!;
    expect(glare).toMatchObject({ unit: '%', max: GLARE_MAX_PCT, pass: false });
    expect(glare.value!).toBeGreaterThan(2 * GLARE_MAX_PCT);
    expect(glare.note).toMatch(/^share of the face burnt out to white by a reflection of the light: documents ask for no hot spots/);
    expect(failedChecks(flash.report).some((line) => line.startsWith('glarePct '))).toBe(true);
    // Nothing else about the photo changed: the other checks fail (or pass) as they did.
    expect(failedChecks(flash.report).filter((line) => !line.startsWith('glarePct ')).map((line) => line.split(' ')[0])).toEqual(failedChecks(plain.report).map((line) => line.split(' ')[0]));

    const glint = await makeIdPhoto(await decodeImage(await flashPortrait(undefined, { sigma: 0.04, spots: 'nose' })), { spec }, env);
    expect(glint.report.measurements.glarePct!.value!).toBeGreaterThan(0);
    expect(glint.report.measurements.glarePct!.pass).toBe(true);

    const studio = await makeIdPhoto(flashed, { spec: lib.get('cn-1inch') }, env);
    expect(studio.report.measurements.glarePct).toMatchObject({ min: null, max: null, pass: true });
    expect(studio.report.measurements.glarePct!.value!).toBeGreaterThan(GLARE_MAX_PCT);
  });

  it("passes a shiny forehead's own small highlight", { timeout: 60_000 }, async () => {
    const r = await makeIdPhoto(await decodeImage(evalFile('id_portraits', 'images', 'df_img13.jpg')), { spec: lib.get('icao-35x45') }, env);
    const glare = r.report.measurements.glarePct!;
    expect(glare.value!).toBeGreaterThan(0.3);
    expect(glare.pass).toBe(true);
  });
});
