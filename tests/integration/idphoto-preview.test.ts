// The ID-photo workspace's live preview (engine op previewIdPhoto and its API area): the photo at
// the spec's exact pixels with its report, the print sheet drawn small, refusals by code, and
// nothing written. Real models and eval portraits.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import type { ApiDeps } from '../../src/main/engine/api/deps';
import { createIdPhotoArea } from '../../src/main/engine/api/idphoto';
import { ENGINE_OPS, previewIdPhoto } from '../../src/main/engine/ops';
import { runJob } from '../../src/main/engine/run-job';
import { IdPhotoAnalyses, makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { previewIdPhoto as previewCore } from '../../src/main/core/idphoto/preview';
import { decodeImage, decodeToWorkOn } from '../../src/main/core/image/decode';
import { darkPortrait, evalFile, tempDir, testEnv, twoPortraits } from '../helpers/env';

describe('previewIdPhoto', () => {
  const e = { env: testEnv(), tempDir: tempDir() };

  it('returns the photo at the spec size with its report and a 6-inch sheet, writing nothing', async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const spec = lib.get('cn-1inch');
    const dir = tempDir();
    const src = join(dir, 'portrait.jpg');
    writeFileSync(src, await sharp(evalFile('id_portraits', 'images', 'hv_test2.jpg')).jpeg().toBuffer());
    const r = await previewIdPhoto({ path: src, options: { spec: spec as never, background: '#ffffff', sheet: { paper: '6inch', dpi: 300 } } }, e);
    const meta = await sharp(Buffer.from(r.photo.bytes)).metadata();
    expect([meta.width, meta.height, r.photo.width, r.photo.height]).toEqual([295, 413, 295, 413]);
    expect(r.report.measurements.crownChinMm.pass).toBe(true);
    expect(r.report.background).toBe('#FFFFFF');
    // 6-inch paper (101.6 x 152.4 mm) at 150 dpi, with several 25x35 photos on it.
    const sheet = await sharp(Buffer.from(r.sheet!.bytes)).metadata();
    expect([sheet.width, sheet.height]).toEqual([r.sheet!.width, r.sheet!.height]);
    expect(Math.min(sheet.width!, sheet.height!)).toBe(600);
    expect(r.sheet!.photos).toBeGreaterThanOrEqual(8);
    // A nudge moves the photo's content: the eye guide follows it down.
    const moved = await previewIdPhoto({ path: src, options: { spec: spec as never, background: '#ffffff', nudge: { dyMm: 1 } } }, e);
    expect(moved.report.guides.eyeY).toBeGreaterThan(r.report.guides.eyeY);
    expect(moved.sheet).toBeNull();
    // A side nudge moves the face off the centre line by as much, and never past the spec's 5 %
    // of the width (1.25 mm for 25 mm), where its check would fail.
    const side = await previewIdPhoto({ path: src, options: { spec: spec as never, background: '#ffffff', nudge: { dxMm: 1 } } }, e);
    const far = await previewIdPhoto({ path: src, options: { spec: spec as never, background: '#ffffff', nudge: { dxMm: -3 } } }, e);
    const offset = (p: typeof r) => p.report.measurements.faceCentreOffsetMm;
    expect(offset(side).value! - offset(r).value!).toBeCloseTo(1, 1);
    expect(offset(far).value).toBeCloseTo(-1.25, 1);
    expect([offset(side).pass, offset(far).pass, far.report.pass]).toEqual([true, true, r.report.pass]);
    expect(readdirSync(dir)).toEqual(['portrait.jpg']);
  });

  it("shows the file Export writes: a JPEG squeezed into a small KB band, checked as the file, the same bytes as the job's", async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    // An upload form that takes 4 to 8 KB: a 295 x 413 JPEG is that small only at a low quality.
    const spec = { ...lib.get('cn-1inch'), fileSizeKb: [4, 8] as [number, number] };
    const dir = tempDir();
    const src = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const r = await previewIdPhoto({ path: src, options: { spec: spec as never, background: '#ffffff' } }, e);
    expect(r.photo.mime).toBe('image/jpeg');
    expect(r.file.format).toBe('jpeg');
    expect(r.file.bytes).toBe(r.photo.bytes.length);
    expect(r.file.quality).toBeLessThan(95);
    // Its size is checked before anything is written, as the saved file's is.
    const size = r.report.measurements.fileSizeKb;
    expect(size.value).toBeCloseTo(r.file.bytes / 1024, 1);
    expect([size.min, size.max, size.pass]).toEqual([4, 8, true]);
    const meta = await sharp(Buffer.from(r.photo.bytes)).metadata();
    expect([meta.format, meta.width, meta.height, meta.density]).toEqual(['jpeg', 295, 413, 300]);
    // Export writes those very bytes, and reports them alike.
    const output = join(dir, 'photo.jpg');
    const job = (await runJob({ kind: 'idphoto', input: src, output, options: { spec: spec as never, background: '#ffffff' } }, testEnv(), {})) as { quality: number | null; report: { measurements: Record<string, unknown>; pass: boolean } };
    expect(Buffer.compare(readFileSync(output), Buffer.from(r.photo.bytes))).toBe(0);
    expect(job.quality).toBe(r.file.quality);
    expect(job.report.measurements).toEqual(r.report.measurements);
    // The app's Export (the engine's op) is made on the picture and the analysis the preview made: the same bytes again.
    const exported = join(dir, 'exported.jpg');
    const viaEngine = (await ENGINE_OPS.runJob({ kind: 'idphoto', input: src, output: exported, options: { spec: spec as never, background: '#ffffff' } }, e as never, {})) as { quality: number | null };
    expect(Buffer.compare(readFileSync(exported), Buffer.from(r.photo.bytes))).toBe(0);
    expect(viaEngine.quality).toBe(r.file.quality);
    // Without a band the preview is the spec's JPEG at quality 95.
    const plain = await previewIdPhoto({ path: src, options: { spec: lib.get('cn-1inch') as never, background: '#ffffff' } }, e);
    expect([plain.file.format, plain.file.quality, plain.file.isColourLostToJpeg, plain.file.paddingBytes]).toEqual(['jpeg', 95, false, 0]);
    expect(plain.file.bytes).toBeGreaterThan(r.file.bytes);
  });

  it("places a nudge, a head size or a colour on the picture's analysis: the same photo as made afresh, the face and matte not made again", async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const spec = lib.get('icao-35x45');
    const source = await decodeToWorkOn(evalFile('id_portraits', 'images', 'hv_test2.jpg'), e.env.maxPixels);
    const analyses = new IdPhotoAnalyses(2);
    /** Whether each preview's analysis was made for it (true) or the kept one (false). */
    const made: boolean[] = [];
    const spy = { analyses: { get: (...args: Parameters<IdPhotoAnalyses['get']>) => analyses.get(...args).then((got) => (made.push(got.isNew), got)) } as IdPhotoAnalyses, sourceKey: 'hv_test2' };
    const options = (nudge: { dxMm?: number; dyMm?: number; headBandPos?: number }, background = '#ffffff') => ({ spec: spec as never, background, nudge });
    const first = await previewCore(source, options({}), e.env, {}, spy);
    for (const [nudge, background] of [[{ dyMm: 0.6 }, '#ffffff'], [{ dxMm: -0.5, headBandPos: 0.8 }, '#ffffff'], [{}, '#f0f0f0']] as const) {
      const reused = await previewCore(source, options(nudge, background), e.env, {}, spy);
      const fresh = await previewCore(source, options(nudge, background), e.env);
      expect(Buffer.compare(Buffer.from(reused.photo.bytes), Buffer.from(fresh.photo.bytes))).toBe(0);
      expect(reused.report).toEqual(fresh.report);
    }
    expect(first.nudgeApplied.dyMm).toBe(0);
    // The first preview made the analysis; the nudges, the head size and the colour were placed on it.
    expect(made).toEqual([true, false, false, false]);
    // Another size (its work image is scaled for it) is analysed anew; the first is kept for a way back,
    // and a third picture's analysis pushes the oldest out (two are kept).
    await previewCore(source, { spec: lib.get('us-2x2') as never, background: '#ffffff' }, e.env, {}, spy);
    await previewCore(source, options({ dyMm: 0.3 }), e.env, {}, spy);
    expect(made.slice(4)).toEqual([true, false]);
    await previewCore(source, options({}), e.env, {}, { ...spy, sourceKey: 'another picture' });
    await previewCore(source, { spec: lib.get('us-2x2') as never, background: '#ffffff' }, e.env, {}, spy);
    expect(made.slice(6)).toEqual([true, true]);
  });

  it('composes another background colour on the matte placed last, without solving the edges again, also where the photo reaches past the picture', async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const spec = lib.get('icao-35x45');
    // hv_test2 has room above the head; df_img2 is cropped tight, so the photo's top reaches past the picture.
    for (const name of ['hv_test2.jpg', 'df_img2.jpg']) {
      const source = await decodeToWorkOn(evalFile('id_portraits', 'images', name), e.env.maxPixels);
      const kept = { analyses: new IdPhotoAnalyses(2), sourceKey: name };
      const make = (background: string, nudge = {}) => makeIdPhoto(source, { spec, background, nudge }, e.env, {}, kept);
      const first = await make('#ffffff');
      expect(first.timings.matteMs).toBeGreaterThan(0);
      // Other colours at the same place: composed, the same photo as made afresh.
      for (const background of ['#438edb', '#d93a3a', '#ffffff']) {
        const recoloured = await make(background);
        expect(recoloured.timings.matteMs).toBe(0);
        const fresh = await makeIdPhoto(source, { spec, background }, e.env);
        expect(Buffer.compare(Buffer.from(recoloured.image.data), Buffer.from(fresh.image.data))).toBe(0);
        expect(recoloured.report).toEqual(fresh.report);
        // The matte does not depend on the colour: made afresh on another colour, it is the same alpha.
        expect(Buffer.compare(Buffer.from(fresh.alpha.buffer), Buffer.from(first.alpha.buffer))).toBe(0);
      }
      // A nudge is another place: solved there.
      expect((await make('#438edb', { dyMm: 0.4 })).timings.matteMs).toBeGreaterThan(0);
    }
  });

  it('lightens an under-exposed portrait into the face brightness band: the person only, composed on the matte placed, the background the colour asked', async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const spec = lib.get('cn-1inch');
    // A normal portrait at a quarter of its sRGB values (as a reviewer's under-exposed photo was).
    const dark = await decodeImage(await darkPortrait());
    const kept = { analyses: new IdPhotoAnalyses(2), sourceKey: 'dark' };
    const make = (brightnessEv?: number) => makeIdPhoto(dark, { spec, background: '#438edb', brightnessEv }, e.env, {}, kept);
    const asIs = await make();
    expect(asIs.report.measurements.faceLightness).toMatchObject({ pass: false });
    const lighter = await make(1.5);
    // Composed on the matte placed for the first: the edges were not solved again, and it is the photo made afresh.
    expect(lighter.timings.matteMs).toBe(0);
    const fresh = await makeIdPhoto(dark, { spec, background: '#438edb', brightnessEv: 1.5 }, e.env);
    expect(Buffer.compare(Buffer.from(lighter.image.data), Buffer.from(fresh.image.data))).toBe(0);
    const lightness = lighter.report.measurements.faceLightness;
    expect(lightness.pass).toBe(true);
    expect(lightness.value! - asIs.report.measurements.faceLightness.value!).toBeGreaterThan(8);
    // Where the photo is background (alpha 0) it is exactly the colour asked; where it is person, lighter.
    let background = 0;
    let person = 0;
    for (let i = 0; i < lighter.alpha.length; i++) {
      const o = i * 4;
      if (lighter.alpha[i] === 0) {
        background++;
        expect([lighter.image.data[o], lighter.image.data[o + 1], lighter.image.data[o + 2]]).toEqual([0x43, 0x8e, 0xdb]);
      } else if (lighter.alpha[i] === 1) {
        person++;
        expect(lighter.image.data[o] + lighter.image.data[o + 1] + lighter.image.data[o + 2]).toBeGreaterThanOrEqual(asIs.image.data[o] + asIs.image.data[o + 1] + asIs.image.data[o + 2]);
      }
    }
    expect(background).toBeGreaterThan(0.1 * lighter.alpha.length);
    expect(person).toBeGreaterThan(0.3 * lighter.alpha.length);
    // 0 is the photo as it was, byte for byte; out of range is refused before any work.
    expect(Buffer.compare(Buffer.from((await make(0)).image.data), Buffer.from(asIs.image.data))).toBe(0);
    await expect(make(2.5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("brightness 'auto' mends an under-exposed portrait by the least step that passes, and leaves a portrait that passes byte for byte", async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const spec = lib.get('cn-1inch');
    const portrait = evalFile('id_portraits', 'images', 'df_img2.jpg');
    const dark = await decodeImage(await darkPortrait());
    const kept = { analyses: new IdPhotoAnalyses(2), sourceKey: 'dark' };
    const make = (brightnessEv: number | 'auto') => makeIdPhoto(dark, { spec, background: '#438edb', brightnessEv }, e.env, {}, kept);
    const auto = await make('auto');
    expect(auto.brightnessEv).toBeGreaterThan(0);
    expect(auto.report.measurements.faceLightness.pass).toBe(true);
    // The photo at the EV it took, made by hand, is the same photo; a quarter EV less still fails.
    const byHand = await make(auto.brightnessEv);
    expect(byHand.brightnessEv).toBe(auto.brightnessEv);
    expect(Buffer.compare(Buffer.from(byHand.image.data), Buffer.from(auto.image.data))).toBe(0);
    expect((await make(auto.brightnessEv - 0.25)).report.measurements.faceLightness.pass).toBe(false);
    // A portrait that passes: auto takes 0 and the photo is the one made without it.
    const normal = await decodeImage(readFileSync(portrait));
    const asIs = await makeIdPhoto(normal, { spec, background: '#438edb' }, e.env);
    const normalAuto = await makeIdPhoto(normal, { spec, background: '#438edb', brightnessEv: 'auto' }, e.env);
    expect(asIs.report.measurements.faceLightness.pass).toBe(true);
    expect(normalAuto.brightnessEv).toBe(0);
    expect(Buffer.compare(Buffer.from(normalAuto.image.data), Buffer.from(asIs.image.data))).toBe(0);
  });

  it("keeps the face finder's refusal of a picture and the face it found: another colour or spec does not look for the face again", async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    // Two portraits side by side: MULTIPLE_FACES until one is picked.
    const source = await decodeImage((await twoPortraits()).bytes);
    // The face detector's model is looked up once per search for faces: that is what is counted.
    let searches = 0;
    const store = Object.create(e.env.store) as typeof e.env.store;
    store.resolve = (id) => {
      if (id === 'yunet') searches++;
      return e.env.store.resolve(id);
    };
    const env = { ...e.env, store };
    const kept = { analyses: new IdPhotoAnalyses(2), sourceKey: 'group' };
    const preview = (spec: string, background: string, faceIndex?: number) => previewCore(source, { spec: lib.get(spec) as never, background, faceIndex }, env, {}, kept);
    // The refusal, then a colour and a spec changed: the faces were looked for once.
    const refusals = [];
    for (const [spec, background] of [['icao-35x45', '#ffffff'], ['icao-35x45', '#dbe9f4'], ['us-2x2', '#ffffff']]) refusals.push(await preview(spec, background).catch((err) => err));
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'MULTIPLE_FACES', detail: { count: 2 } });
    expect(searches).toBe(1);
    // A picked face is looked for once, then placed on every spec; the same as made afresh.
    const picked = await preview('icao-35x45', '#ffffff', 1);
    const otherSpec = await preview('us-2x2', '#ffffff', 1);
    expect(searches).toBe(2);
    const fresh = await previewCore(source, { spec: lib.get('us-2x2') as never, background: '#ffffff', faceIndex: 1 }, e.env);
    expect(Buffer.compare(Buffer.from(otherSpec.photo.bytes), Buffer.from(fresh.photo.bytes))).toBe(0);
    expect(picked.report.measurements.crownChinMm.pass).toBe(true);
    // Another picture is looked at afresh.
    await expect(previewCore(source, { spec: lib.get('icao-35x45') as never, background: '#ffffff' }, env, {}, { ...kept, sourceKey: 'group, changed' })).rejects.toMatchObject({ code: 'MULTIPLE_FACES' });
    expect(searches).toBe(3);
  });

  it('refuses a picture without a face by code, and malformed requests before the engine', async () => {
    const dir = tempDir();
    const flat = join(dir, 'flat.png');
    writeFileSync(flat, await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7bd5' } }).png().toBuffer());
    const lib = await SpecLibrary.load(specLibraryPath());
    await expect(previewIdPhoto({ path: flat, options: { spec: lib.get('icao-35x45') as never } }, e)).rejects.toMatchObject({ code: 'NO_FACE' });
    const area = createIdPhotoArea({} as ApiDeps);
    await expect(area.previewIdPhoto({ path: flat, options: {} as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(area.previewIdPhoto({ path: flat, options: { spec: { id: 'x' }, sheet: { paper: 'a4', dpi: 5 } } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
