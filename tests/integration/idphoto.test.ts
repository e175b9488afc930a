// Integration tests of `cutout idphoto`'s core on real models and real portraits: exact files
// read back, the CN ID card KB band, and the refusal codes for a non-portrait, a group photo and
// a face cut by the border.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { decodeImage } from '../../src/main/core/image/decode';
import { byteBand } from '../../src/main/core/idphoto/exact-file';
import { jpegAppMarkers, readJpegDpi } from '../../src/main/core/image/jpeg-header';
import { readPngDpi } from '../../src/main/core/image/png-chunk';
import { BACKGROUND_COLOUR_MAX_DE, HAIR_CUT_WIDTH_MAX_MM, deltaE, failedChecks, nearestAllowedDeltaE, srgbToLab } from '../../src/main/core/idphoto/compliance';
import { withFileSizeBand } from '../../src/shared/idphoto-report';
import { idPhotoToFile, makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { turnPlane } from '../../src/main/core/image/turn';
import { MIN_TOP_MARGIN_MM } from '../../src/main/core/idphoto/geometry';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { cutoutImage } from '../../src/main/core/pipelines/cutout';
import { EVAL_DIR, evalFile, tempDir, testEnv, twoPortraits } from '../helpers/env';
import { ringOutside } from '../helpers/ring';

const env = testEnv();
let lib: SpecLibrary;
beforeAll(async () => {
  lib = await SpecLibrary.load(specLibraryPath());
});

/** A 10x10 trimap file (any image is larger). */
async function writeSmallTrimap(): Promise<string> {
  const path = join(tempDir(), 'small-trimap.png');
  await sharp(Buffer.alloc(100, 128), { raw: { width: 10, height: 10, channels: 1 } }).png().toFile(path);
  return path;
}

async function rgbaOf(buffer: Buffer) {
  const { data, info } = await sharp(buffer).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe('idphoto on real portraits', () => {
  it('writes a CN ID card JPEG of exactly 358x441 px at 350 dpi, 14-20 KB, no EXIF, passing crown-chin', async () => {
    const dir = tempDir();
    const out = join(dir, 'id.jpg');
    const r = await idPhotoToFile(evalFile('id_portraits', 'images', 'hv_test2.jpg'), out, { spec: lib.get('cn-id-card') }, env);
    const bytes = new Uint8Array(await readFile(out));
    const meta = await sharp(Buffer.from(bytes)).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 358, height: 441, density: 350 });
    expect(meta.exif).toBeUndefined();
    expect(readJpegDpi(bytes)).toBe(350);
    expect(jpegAppMarkers(bytes)).toEqual([0xe0]);
    const [lo, hi] = byteBand([14, 20]);
    expect(bytes.length).toBeGreaterThanOrEqual(lo);
    expect(bytes.length).toBeLessThanOrEqual(hi);
    expect(r.report.measurements.fileSizeKb?.pass).toBe(true);
    expect(r.report.measurements.crownChinMm.pass).toBe(true);
    expect(r.report.measurements.faceCount.value).toBe(1);
    // The background really is the spec's white.
    const px = await rgbaOf(Buffer.from(bytes));
    expect(px.data[0]).toBeGreaterThan(245);
  });

  it('measures the background colour in the written JPEG: squeezed into 1-2 KB it leaves the blue, and the report says so', async () => {
    const dir = tempDir();
    const spec = withFileSizeBand(lib.get('cn-1inch'), [1, 2]);
    const made = await makeIdPhoto(await decodeImage(evalFile('id_portraits', 'images', 'df_img30.jpg')), { spec }, env);
    // As made, the photo's blue is the spec's.
    expect(made.report.measurements.backgroundColourDeltaE.pass).toBe(true);
    const r = await idPhotoToFile(evalFile('id_portraits', 'images', 'df_img30.jpg'), join(dir, 'tiny.jpg'), { spec }, env);
    expect(r.quality).toBeLessThan(15);
    // The file's own plain background, decoded here: its mean is several ΔE off #438EDB.
    const px = await rgbaOf(await readFile(join(dir, 'tiny.jpg')));
    let n = 0;
    const sum = [0, 0, 0];
    for (let i = 0; i < made.alpha.length; i++) {
      if (made.alpha[i] >= 0.02) continue;
      for (let c = 0; c < 3; c++) sum[c] += px.data[i * 4 + c];
      n++;
    }
    const fileDe = nearestAllowedDeltaE(spec, srgbToLab(sum[0] / n, sum[1] / n, sum[2] / n));
    expect(fileDe).toBeGreaterThan(BACKGROUND_COLOUR_MAX_DE);
    // The report reads the file, not the photo before its encoding.
    expect(r.report.measurements.backgroundColourDeltaE.value!).toBeCloseTo(fileDe, 0);
    expect(r.report.measurements.backgroundColourDeltaE.pass).toBe(false);
    expect(r.report.pass).toBe(false);
    expect(failedChecks(r.report)[0]).toMatch(/^backgroundColourDeltaE /);
  });

  it('writes an ICAO PNG with pHYs and a report whose measurements carry bands', async () => {
    const dir = tempDir();
    const out = join(dir, 'icao.png');
    const r = await idPhotoToFile(evalFile('id_portraits', 'images', 'df_img1.jpg'), out, { spec: lib.get('icao-35x45'), background: 'white' }, env);
    const bytes = new Uint8Array(await readFile(out));
    expect(readPngDpi(bytes)).toBe(300);
    expect(await sharp(Buffer.from(bytes)).metadata()).toMatchObject({ width: 413, height: 531, density: 300 });
    const cc = r.report.measurements.crownChinMm;
    expect(cc).toMatchObject({ unit: 'mm', min: 32, max: 36, pass: true });
    expect(r.report.measurements.tiltDeg.pass).toBe(true);
    expect(typeof r.report.pass).toBe('boolean');
    // A portrait is not enlarged (df_img1's face is large in a 758x1024 picture).
    expect(r.report.measurements.sourceScale).toMatchObject({ unit: 'x', max: 2, pass: true });
    expect(r.report.measurements.sourceScale!.value).toBeLessThan(1);
  });

  it('fails a photo enlarged more than 2x from its source: a face taken from a full-body street photo', async () => {
    // ccp_person's full-body pictures (550 px wide): the face is some 60 px across.
    const r = await makeIdPhoto(await decodeImage(evalFile('ccp_person', 'images', 'ccp_0192.jpg')), { spec: lib.get('icao-35x45'), refine: 'fast' }, env);
    expect(r.report.measurements.sourceScale!.value).toBeGreaterThan(2);
    expect(r.report.measurements.sourceScale!.pass).toBe(false);
    expect(r.report.pass).toBe(false);
    expect(failedChecks(r.report)).toContainEqual(expect.stringMatching(/^sourceScale [\d.]+× \(≤ 2×\)$/));
  });
});

describe('idphoto refusals', () => {
  it('follows a touched-up trimap: hair painted away is background, and the head is placed without it', async () => {
    const path = evalFile('id_portraits', 'images', 'hv_test1.jpg');
    const source = await decodeImage(path);
    const spec = lib.get('icao-35x45');
    const plain = await makeIdPhoto(source, { spec, background: '#438EDB' }, env);
    // The editor's trimap of this portrait (its cut-out's), with the top of the hair painted as background.
    const cut = await cutoutImage(path, { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env);
    const trimap = Uint8Array.from(cut.trimap!);
    const f = plain.face.face;
    const paintedBottom = Math.round(f.y - 0.25 * f.height);
    for (let y = Math.max(0, Math.round(f.y - 1.5 * f.height)); y < paintedBottom; y++) {
      for (let x = Math.max(0, Math.round(f.x - 0.6 * f.width)); x < Math.min(source.width, f.x + 1.6 * f.width); x++) trimap[y * source.width + x] = 0;
    }
    const trimapPath = join(tempDir(), 'touched.png');
    await sharp(trimap, { raw: { width: source.width, height: source.height, channels: 1 } }).png().toFile(trimapPath);
    const touched = await makeIdPhoto(source, { spec, background: '#438EDB', trimapPath }, env);
    // The crown is now the painted edge: less head above the eyes for the same eyes-to-chin.
    const above = (r: typeof plain) => (r.report.guides.eyeY - r.report.guides.crownY) / (r.report.guides.chinY - r.report.guides.eyeY);
    expect(above(touched)).toBeLessThan(above(plain) * 0.85);
    expect(touched.report.measurements.crownChinMm.pass).toBe(true);
    // Above the new crown, on the centre line, is the fill colour (alpha 0), not hair.
    const { crownY, centreX } = touched.report.guides;
    const W = touched.image.width;
    for (const y of [Math.round(crownY) - 6, Math.round(crownY) - 12]) {
      const i = y * W + Math.round(centreX);
      expect(touched.alpha[i]).toBe(0);
      expect([...touched.image.data.subarray(i * 4, i * 4 + 3)]).toEqual([0x43, 0x8e, 0xdb]);
    }
    // A missing trimap file is said as one.
    await expect(makeIdPhoto(source, { spec, trimapPath: join(tempDir(), 'gone.png') }, env)).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    // A trimap of another size is refused, naming both sizes.
    await expect(makeIdPhoto(source, { spec, trimapPath: await writeSmallTrimap() }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`${source.width}x${source.height}`) });
  });

  it('says how much of a nudge was applied: up to the spec\'s bands, never out of them', async () => {
    const source = await decodeImage(evalFile('id_portraits', 'images', 'df_img2.jpg'));
    const spec = lib.get('icao-35x45');
    const plain = await makeIdPhoto(source, { spec }, env);
    const up = await makeIdPhoto(source, { spec, nudge: { dyMm: -3, dxMm: 3 } }, env);
    const small = await makeIdPhoto(source, { spec, nudge: { dyMm: 1 } }, env);
    // A 1-mm nudge fits: applied as asked, and the space above the head grows by it.
    expect(small.nudgeApplied).toMatchObject({ dxMm: 0, dyMm: 1 });
    expect(small.nudgeApplied.headMm).toBe(small.nudgeApplied.headAskedMm);
    expect(small.report.measurements.crownMarginMm.value! - plain.report.measurements.crownMarginMm.value!).toBeCloseTo(1, 1);
    // 3 mm up is more room than there is above the head: stopped at the band, and said so.
    expect(up.nudgeApplied.dyMm).toBeGreaterThan(-3);
    expect(up.nudgeApplied.dyMm).toBeLessThan(0);
    expect(up.nudgeApplied.dxMm).toBe(1.75); // left / right: the centre band, 5 % of 35 mm
    expect(up.report.measurements.crownMarginMm.pass).toBe(true);
    // Pushed up as far as it goes, the crown keeps half a millimetre of background above it (placed
    // at the very edge, it measured -0.02 mm and failed).
    expect(up.report.measurements.crownMarginMm.value!).toBeGreaterThanOrEqual(MIN_TOP_MARGIN_MM - 0.1);
    const largest = await makeIdPhoto(await decodeImage(evalFile('id_portraits', 'images', 'df_img13.jpg')), { spec: lib.get('us-2x2'), nudge: { dyMm: -3, headBandPos: 0.9 } }, env);
    expect(largest.report.measurements.crownMarginMm.value!).toBeGreaterThanOrEqual(MIN_TOP_MARGIN_MM - 0.1);
    expect(largest.report.pass).toBe(true);
    // A photo with little room beside the head: a small head does not fit a square US photo, so a
    // larger one is placed, and the result says so (the head-size slider seemed dead).
    const tight = await makeIdPhoto(await decodeImage(evalFile('id_portraits', 'images', 'df_img29.jpg')), { spec: lib.get('us-2x2'), nudge: { headBandPos: 0.1 } }, env);
    expect(tight.nudgeApplied.headMm - tight.nudgeApplied.headAskedMm).toBeGreaterThan(0.3);
    expect(tight.report.measurements.crownChinMm.value!).toBeCloseTo(tight.nudgeApplied.headMm, 0);
    // Towards smaller never gives a larger head: the smallest that fits is searched, not the next
    // of a few steps from where the slider asks (df_img1 on US 2×2 gave 33.97 mm at 0.1, 32.54 at 0.3).
    const df1 = await decodeImage(evalFile('id_portraits', 'images', 'df_img1.jpg'));
    const heads: number[] = [];
    for (const headBandPos of [0.1, 0.3, 0.5, 0.7, 0.9]) heads.push((await makeIdPhoto(df1, { spec: lib.get('us-2x2'), nudge: { headBandPos } }, env)).nudgeApplied.headMm);
    for (let i = 1; i < heads.length; i++) expect(heads[i], heads.join(', ')).toBeGreaterThanOrEqual(heads[i - 1]);
    expect(heads[0], heads.join(', ')).toBeLessThan(heads[4]);
    // Every corner of the nudges stays in a 2-5 mm crown-margin band (CN 1-inch): pushed to its very
    // edge, the crown measured 1.97 mm and the photo failed its own check.
    const cn = lib.get('cn-1inch');
    const portrait = await decodeImage(evalFile('id_portraits', 'images', 'df_img29.jpg'));
    for (const [dyMm, headBandPos] of [[-3, 0], [3, 0], [-3, 1], [3, 1]]) {
      const r = await makeIdPhoto(portrait, { spec: cn, nudge: { dxMm: 1.25, dyMm, headBandPos } }, env);
      expect(r.report.measurements.crownMarginMm.pass, `dy ${dyMm}, head ${headBandPos}`).toBe(true);
      expect(Math.abs(r.nudgeApplied.dyMm)).toBeGreaterThan(1);
    }
  });

  it('gives NO_FACE for a flat colour and a landscape without people', async () => {
    const flat = await decodeImage(await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a7bd5' } }).png().toBuffer());
    await expect(makeIdPhoto(flat, { spec: lib.get('icao-35x45') }, env)).rejects.toMatchObject({ code: 'NO_FACE' });
    // A synthetic landscape: sky gradient over green hills.
    const w = 480;
    const h = 320;
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const hill = y > h * 0.6 + 30 * Math.sin(x / 40);
        const i = (y * w + x) * 4;
        data.set(hill ? [40, 120 + ((x * y) % 30), 50, 255] : [120 + y / 4, 170 + y / 6, 235, 255], i);
      }
    }
    await expect(makeIdPhoto({ data, width: w, height: h }, { spec: lib.get('cn-1inch') }, env)).rejects.toMatchObject({ code: 'NO_FACE' });
  });

  it('finds a face small in a 24-MP photo, and measures it as in a crop of the same pixels (it was NO_FACE, or a loose box: the chin high, the mouth read open)', { timeout: 120_000 }, async () => {
    /** The portrait at `scale`, pasted low in the middle of a plain 6000x4000 picture, and the 3000x2000 crop holding the same face pixels. */
    const pasted = async (file: string, scale: number) => {
      const source = sharp(evalFile('id_portraits', 'images', file));
      const { width, height } = await source.metadata();
      const small = await source.resize(Math.round(width! * scale), Math.round(height! * scale), { kernel: 'lanczos3' }).jpeg({ quality: 92 }).toBuffer();
      const { width: w, height: h } = await sharp(small).metadata();
      const big = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: { r: 110, g: 120, b: 100 } } }).composite([{ input: small, left: 3000 - Math.round(w! / 2), top: 4000 - h! }]).jpeg({ quality: 92 }).toBuffer();
      const crop = await sharp(big).extract({ left: 1500, top: 2000, width: 3000, height: 2000 }).jpeg({ quality: 92 }).toBuffer();
      return { big: await decodeImage(big), crop: await decodeImage(crop) };
    };
    const icao = lib.get('icao-35x45');
    for (const [file, scale] of [['df_img2.jpg', 0.58], ['hv_test2.jpg', 0.75]] as const) {
      const { big, crop } = await pasted(file, scale);
      const [whole, part] = [await makeIdPhoto(big, { spec: icao }, env), await makeIdPhoto(crop, { spec: icao }, env)];
      // The same face: its eyes-to-chin within 3 % of the crop's, and the same checks failing (none).
      const eyesToChin = (f: typeof whole.face) => Math.hypot(f.chin.x - (f.eyes[0].x + f.eyes[1].x) / 2, f.chin.y - (f.eyes[0].y + f.eyes[1].y) / 2);
      expect(Math.abs(eyesToChin(whole.face) / eyesToChin(part.face) - 1), file).toBeLessThan(0.03);
      expect(failedChecks(whole.report), file).toEqual(failedChecks(part.report));
      expect(whole.report.measurements.mouthOpeningPct!.pass, file).toBe(true);
    }
  });

  it('gives MULTIPLE_FACES with the count and boxes for two portraits side by side, and accepts a picked face', async () => {
    const group = await twoPortraits();
    const image = await decodeImage(group.bytes);
    const err = await makeIdPhoto(image, { spec: lib.get('icao-35x45') }, env).catch((e) => e);
    expect(err.code).toBe('MULTIPLE_FACES');
    expect(err.detail.count).toBe(2);
    expect(err.detail.boxes).toHaveLength(2);
    // Numbered from the left: face 0 is the left portrait's, face 1 the right one's.
    const [left, right] = err.detail.boxes as { x: number; width: number }[];
    expect(left.x + left.width / 2).toBeLessThan(group.leftWidth);
    expect(right.x + right.width / 2).toBeGreaterThan(group.leftWidth);
    const picked = await makeIdPhoto(image, { spec: lib.get('cn-1inch'), faceIndex: 0 }, env);
    expect(picked.image.width).toBe(295);
  });

  it('gives FACE_CUT_OFF for a face cut by the left border', async () => {
    const src = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const image = await decodeImage(src);
    const faceCut = await sharp(src).extract({ left: Math.round(image.width * 0.5), top: 0, width: Math.round(image.width * 0.5), height: image.height }).png().toBuffer();
    const err = await makeIdPhoto(await decodeImage(faceCut), { spec: lib.get('icao-35x45') }, env).catch((e) => e);
    // YuNet still finds the half face; its landmarks run past the left edge.
    expect(err.code).toBe('FACE_CUT_OFF');
  });

  it('places a crown cut by the top edge when its outline bounds the missing hair, and refuses a forehead cut', async () => {
    const src = evalFile('id_portraits', 'images', 'df_img1.jpg');
    const full = await makeIdPhoto(await decodeImage(src), { spec: lib.get('icao-35x45') }, env);
    expect(full.report.measurements.hairCutMm).toBeUndefined();
    expect(full.report.measurements.hairCutWidthMm).toBeUndefined();
    // Where the crown is in the source, from the uncut photo's guides (output px scale alike).
    const g = full.report.guides;
    const crownAboveEyes = (g.eyeY - g.crownY) / (g.chinY - g.eyeY);
    const eyeY = (full.face.eyes[0].y + full.face.eyes[1].y) / 2;
    const eyeChin = full.face.chin.y - eyeY;
    const width = (await sharp(src).metadata()).width!;
    const height = (await sharp(src).metadata()).height!;
    const cutHead = async (fraction: number) => {
      const top = Math.round(eyeY - (crownAboveEyes - fraction * (1 + crownAboveEyes)) * eyeChin);
      return decodeImage(await sharp(src).extract({ left: 0, top, width, height: height - top }).png().toBuffer());
    };
    // 3 % of the head (hair) cut off: made, the report says how much may be missing, and both the
    // visible and the tallest possible crown-chin are inside the band.
    const grazed = await makeIdPhoto(await cutHead(0.03), { spec: lib.get('icao-35x45') }, env);
    const cut = grazed.report.measurements.hairCutMm!;
    expect(cut.value).toBeGreaterThan(0);
    const cc = grazed.report.measurements.crownChinMm;
    expect(cc.pass).toBe(true);
    expect(cc.value!).toBeGreaterThanOrEqual(32);
    expect(cc.maxValue!).toBeLessThanOrEqual(36);
    expect(cc.note).toMatch(/hair cut/);
    // The head sliced flat across several millimetres: that shows, and fails on its own (the hidden
    // height alone passed df_img53's and df_img56's 7-12 mm flat tops: 0.6-0.95 mm missing).
    const flat = grazed.report.measurements.hairCutWidthMm!;
    expect(flat.value!).toBeGreaterThan(HAIR_CUT_WIDTH_MAX_MM);
    expect([flat.pass, grazed.report.pass]).toEqual([false, false]);
    // A quarter of the head cut off (through the forehead): refused.
    const err = await makeIdPhoto(await cutHead(0.25), { spec: lib.get('icao-35x45') }, env).catch((e) => e);
    expect(err.code).toBe('FACE_CUT_OFF');
  });

  it('drops a smudge of the old background the matte keeps away from the person (a tree beside df_img36\'s head)', async () => {
    const r = await makeIdPhoto(await decodeImage(evalFile('id_portraits', 'images', 'df_img36.jpg')), { spec: lib.get('us-2x2'), background: 'white' }, env);
    const W = r.image.width;
    // Left of the head (its edge is at x 159 on row 150), above the shoulders: the segmenter
    // half-believed the tree there (alpha up to 0.46 before); the photo's background now fills it.
    let most = 0;
    for (let y = 100; y < 200; y++) for (let x = 40; x < 140; x++) most = Math.max(most, r.alpha[y * W + x]);
    expect(most).toBeLessThan(0.05);
    // The person is whole (the head's edge where it was) and the photo still passes.
    expect(r.alpha[150 * W + 159]).toBeGreaterThan(0.4);
    expect(r.alpha[150 * W + 170]).toBeGreaterThan(0.95);
    expect(r.report.pass).toBe(true);
  });

  it('makes the photo of a transparent cut-out PNG as of its original: no light haze where the PNG shows through, nor a faded person', { timeout: 120_000 }, async () => {
    const spec = lib.get('icao-35x45');
    const background = '#438EDB';
    const [bgL] = srgbToLab(0x43, 0x8e, 0xdb);
    const W = spec.widthPx;
    const H = spec.heightPx;
    /** Pixels 2-8 px outside the person (alpha ≥ 0.5 in `person`) more than 10 L* lighter than the blue: old background, or a white haze. */
    const lightHaze = (r: { image: { data: Uint8Array } }, person: Float32Array): number => {
      const ring = ringOutside(Uint8Array.from(person, (a) => (a >= 0.5 ? 1 : 0)), W, H);
      let n = 0;
      for (let i = 0, o = 0; i < W * H; i++, o += 4) if (ring[i] && srgbToLab(r.image.data[o], r.image.data[o + 1], r.image.data[o + 2])[0] > bgL + 10) n++;
      return n;
    };
    // Every third eval portrait: each cut out as the Cut-out workspace saves it (a PNG with alpha,
    // full edges), then made into an ID photo from that PNG and from the original. Its soft hair
    // was flattened on white and came out as a white haze on the new colour (577 such pixels
    // around df_img56's hair, 1,159 over the 29 portraits whose cut-out made a photo, against 54 from the originals).
    const files = readdirSync(join(EVAL_DIR, 'id_portraits', 'images')).filter((f) => /\.jpe?g$/i.test(f)).sort().filter((_, i) => i % 3 === 0);
    let fromOriginals = 0;
    let fromCutouts = 0;
    let made = 0;
    for (const file of files) {
      const path = evalFile('id_portraits', 'images', file);
      let original;
      try {
        original = await makeIdPhoto(await decodeImage(path), { spec, background }, env);
      } catch {
        continue; // refused as a picture: several faces, cut off, too tight
      }
      const cut = await cutoutImage(path, { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env);
      const png = await sharp(Buffer.from(cut.image.data), { raw: { width: cut.image.width, height: cut.image.height, channels: 4 } }).png().toBuffer();
      const fromPng = await makeIdPhoto(await decodeImage(png), { spec, background }, env);
      made++;
      fromOriginals += lightHaze(original, original.alpha);
      fromCutouts += lightHaze(fromPng, original.alpha);
      // The person is as opaque as in the photo of the original: its face (between the eye line and the chin).
      const g = fromPng.report.guides;
      let sum = 0;
      let count = 0;
      for (let y = Math.round(g.eyeY); y < Math.round(g.chinY); y++) for (let x = Math.round(g.centreX - W / 8); x < Math.round(g.centreX + W / 8); x++, count++) sum += fromPng.alpha[y * W + x];
      expect(sum / count, file).toBeGreaterThan(0.99);
    }
    expect(made).toBeGreaterThanOrEqual(8);
    expect(fromCutouts).toBeLessThanOrEqual(fromOriginals + 10);
  });

  it('makes a PNG faded as a whole (a cut-out saved at half opacity) as the opaque picture, not washed out on the new colour', async () => {
    const spec = lib.get('cn-1inch');
    const path = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const faded = await sharp(path).ensureAlpha(0.5).png().toBuffer();
    const a = await makeIdPhoto(await decodeImage(path), { spec, background: 'blue' }, env);
    const b = await makeIdPhoto(await decodeImage(faded), { spec, background: 'blue' }, env);
    let diff = 0;
    for (let i = 0; i < a.image.data.length; i += 4) for (let c = 0; c < 3; c++) diff += Math.abs(a.image.data[i + c] - b.image.data[i + c]);
    // The same photo, to a level or two (its face is found on the faded picture as shown, a little apart).
    expect(diff / (a.image.width * a.image.height * 3)).toBeLessThan(4);
    // (washed out on the blue it was 57 levels off on average, and its face 16.8 L* lighter)
    expect(Math.abs(b.report.measurements.faceLightness.value! - a.report.measurements.faceLightness.value!)).toBeLessThan(2);
  });

  it('refuses a picture lying on its side or upside down (no orientation tag), saying which way to turn it; one whose tag says so is turned as it decodes', async () => {
    const src = evalFile('id_portraits', 'images', 'df_img1.jpg');
    const spec = lib.get('icao-35x45');
    // sharp's rotate(angle) turns clockwise: a picture turned 90° counter-clockwise stands up turned 90° clockwise.
    for (const [turned, turnDeg, how] of [[270, 90, 'on its side: turn it 90° clockwise'], [90, 270, 'on its side: turn it 90° counter-clockwise'], [180, 180, 'upside down: turn it half way round']] as const) {
      const lying = await sharp(src).rotate(turned).jpeg({ quality: 92 }).toBuffer();
      const err = await makeIdPhoto(await decodeImage(lying), { spec }, env).catch((e) => e);
      expect(err, `turned ${turned}`).toMatchObject({ code: 'FACE_NOT_UPRIGHT', detail: { turnDeg }, message: `The picture is ${how} (in a photo viewer), then use it again.` });
    }
    // Someone else lying in the picture (too faint as it is to count) does not turn it: the face found is upright.
    const lyingBeside = await sharp({ create: { width: 1550, height: 900, channels: 3, background: '#888888' } })
      .composite([
        { input: await sharp(evalFile('id_portraits', 'images', 'hv_test2.jpg')).resize({ width: 225 }).toBuffer(), left: 20, top: 50 },
        { input: await sharp(src).rotate(270).resize({ height: 320 }).toBuffer(), left: 1000, top: 100 },
      ])
      .jpeg({ quality: 92 })
      .toBuffer();
    const beside = await makeIdPhoto(await decodeImage(lyingBeside), { spec }, env);
    expect(beside.face.faces.length).toBe(1);
    expect(beside.face.face.x + beside.face.face.width).toBeLessThan(250);
    // The same pixels with EXIF orientation 6 (a phone's "turn 90° clockwise to show"): the photo, as from the upright file.
    const tagged = await sharp(src).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    const fromTagged = await makeIdPhoto(await decodeImage(tagged), { spec }, env);
    const upright = await makeIdPhoto(await decodeImage(src), { spec }, env);
    expect(fromTagged.report.measurements.crownChinMm.value).toBeCloseTo(upright.report.measurements.crownChinMm.value!, 0);
    expect(Math.abs(fromTagged.report.measurements.tiltDeg.value!)).toBeLessThan(1);
  });

  it('turns a picture lying on its side when asked (turn 90, or auto): the photo as from the upright picture, its touch-up painted on it as it lies turned with it, a group photo\'s face boxes said on it as it lies', async () => {
    const spec = lib.get('icao-35x45');
    const upright = await decodeImage(evalFile('id_portraits', 'images', 'hv_test1.jpg'));
    const { width: W, height: H } = upright;
    // Lossless, so turned back it is the upright picture pixel for pixel.
    const lyingBytes = await sharp(Buffer.from(upright.data), { raw: { width: W, height: H, channels: 4 } }).rotate(270).png().toBuffer();
    const lying = await decodeImage(lyingBytes);
    expect([lying.width, lying.height]).toEqual([H, W]);
    const asUpright = await makeIdPhoto(upright, { spec }, env);
    expect(asUpright.turnDeg).toBe(0);
    const meanDiff = (a: Uint8Array, b: Uint8Array) => {
      let d = 0;
      for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
      return d / a.length;
    };
    for (const turn of [90, 'auto'] as const) {
      const made = await makeIdPhoto(lying, { spec, turn }, env);
      expect(made.turnDeg, String(turn)).toBe(90);
      expect(meanDiff(made.image.data, asUpright.image.data), String(turn)).toBeLessThan(0.5);
    }
    // 'auto' leaves an upright picture as it is; a wrong turn is refused as the picture then lies.
    expect((await makeIdPhoto(upright, { spec, turn: 'auto' }, env)).turnDeg).toBe(0);
    await expect(makeIdPhoto(lying, { spec, turn: 270 }, env)).rejects.toMatchObject({ code: 'FACE_NOT_UPRIGHT', detail: { turnDeg: 180 } });

    // A touch-up painted on the picture as it lies (the Cut-out editor shows it so): the top of the
    // hair painted as background, as the same strokes on the upright picture do.
    const f = asUpright.face.face;
    const uprightTrimap = new Uint8Array(W * H).fill(64);
    for (let y = Math.max(0, Math.round(f.y - 1.5 * f.height)); y < Math.round(f.y - 0.25 * f.height); y++) {
      for (let x = Math.max(0, Math.round(f.x - 0.6 * f.width)); x < Math.min(W, f.x + 1.6 * f.width); x++) uprightTrimap[y * W + x] = 0;
    }
    const lyingTrimap = turnPlane(uprightTrimap, W, H, 270);
    const uprightPath = join(tempDir(), 'upright-trimap.png');
    const lyingPath = join(tempDir(), 'lying-trimap.png');
    await sharp(uprightTrimap, { raw: { width: W, height: H, channels: 1 } }).png().toFile(uprightPath);
    await sharp(lyingTrimap, { raw: { width: H, height: W, channels: 1 } }).png().toFile(lyingPath);
    const touchedUpright = await makeIdPhoto(upright, { spec, trimapPath: uprightPath }, env);
    const touchedLying = await makeIdPhoto(lying, { spec, turn: 90, trimapPath: lyingPath }, env);
    const above = (r: typeof asUpright) => (r.report.guides.eyeY - r.report.guides.crownY) / (r.report.guides.chinY - r.report.guides.eyeY);
    expect(above(touchedUpright)).toBeLessThan(above(asUpright) * 0.85);
    expect(above(touchedLying)).toBeCloseTo(above(touchedUpright), 2);
    expect(meanDiff(touchedLying.image.data, touchedUpright.image.data)).toBeLessThan(0.5);

    // Two people lying: the face boxes are said on the picture as given (the picker crops them there).
    const group = await decodeImage((await twoPortraits()).bytes);
    const groupLying = await decodeImage(await sharp(Buffer.from(group.data), { raw: { width: group.width, height: group.height, channels: 4 } }).rotate(270).png().toBuffer());
    const uprightRefusal = await makeIdPhoto(group, { spec }, env).catch((e) => e);
    const lyingRefusal = await makeIdPhoto(groupLying, { spec, turn: 90 }, env).catch((e) => e);
    expect(lyingRefusal).toMatchObject({ code: 'MULTIPLE_FACES', detail: { turnedDeg: 90 } });
    type WireBox = { x: number; y: number; width: number; height: number };
    // 90° counter-clockwise takes (x, y) of the upright picture to (y, width − x).
    const expected = (uprightRefusal.detail.boxes as WireBox[]).map((b) => ({ x: b.y, y: group.width - b.x - b.width, width: b.height, height: b.width }));
    const got = lyingRefusal.detail.boxes as WireBox[];
    expect(got.length).toBe(expected.length);
    got.forEach((b, i) => {
      for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(b[k] - expected[i][k]), `box ${i} ${k}`).toBeLessThanOrEqual(1);
    });
  });

  it('makes the photo of a letterboxed picture from what is inside its black bars, as from the picture without them', async () => {
    const src = evalFile('id_portraits', 'images', 'df_img1.jpg');
    const spec = lib.get('icao-35x45');
    // Black bars of 80 px above and below and 60 px at the sides, as a gallery screenshot or a face dataset's padding has.
    const boxed = await sharp(src).extend({ top: 80, bottom: 80, left: 60, right: 60, background: '#000' }).jpeg({ quality: 92 }).toBuffer();
    const plain = await makeIdPhoto(await decodeImage(src), { spec, background: 'white' }, env);
    const made = await makeIdPhoto(await decodeImage(boxed), { spec, background: 'white' }, env);
    expect(made.report.measurements.crownChinMm.value).toBeCloseTo(plain.report.measurements.crownChinMm.value!, 1);
    // Its shoulders ran into the bottom bar: a black wedge under them, which the background checks
    // did not see. Its bottom rows are as dark as the plain picture's (her dress is black).
    const { data, width, height } = made.image;
    const darkShare = (d: Uint8Array): number => {
      let dark = 0;
      for (let y = height - 40; y < height; y++) for (let x = 0; x < width; x++) if (Math.max(d[(y * width + x) * 4], d[(y * width + x) * 4 + 1], d[(y * width + x) * 4 + 2]) < 30) dark++;
      return dark / (40 * width);
    };
    expect(Math.abs(darkShare(data) - darkShare(plain.image.data))).toBeLessThan(0.01);
    let diff = 0;
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) diff += Math.abs(data[i + c] - plain.image.data[i + c]);
    expect(diff / (width * height * 3)).toBeLessThan(4);
  });

  it('carries the clothes on past a picture cut at the shoulders (US 2×2 is square), by at most a sixth of the photo, and says so', async () => {
    const src = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const { width: srcW, height: srcH } = await sharp(src).metadata();
    const spec = lib.get('us-2x2');
    const whole = await makeIdPhoto(await decodeImage(src), { spec, background: '#438EDB' }, env);
    expect(whole.report.measurements.bodyCarriedMm).toBeUndefined();
    const f = whole.face.face;
    /** The picture cut to `faceWidths` face widths each side of the face's middle. */
    const cutTo = async (faceWidths: number) => {
      const left = Math.max(0, Math.round(f.x + f.width / 2 - faceWidths * f.width));
      const right = Math.min(srcW!, Math.round(f.x + f.width / 2 + faceWidths * f.width));
      return decodeImage(await sharp(src).extract({ left, top: 0, width: right - left, height: srcH! }).png().toBuffer());
    };
    // One face width each side: her shoulders run into both edges (refused TOO_TIGHT before).
    const made = await makeIdPhoto(await cutTo(1), { spec, background: '#438EDB' }, env);
    const carried = made.report.measurements.bodyCarriedMm!;
    expect(carried.value).toBeGreaterThan(0);
    // Its band is the limit past which the photo is refused (a sixth of 50.8 mm): a photo made is inside it.
    expect([carried.min, carried.max, carried.pass]).toEqual([null, 8.47, true]);
    expect(made.report.measurements.crownChinMm.pass).toBe(true);
    // The shoulders reach both sides of the photo in the clothes' colour, not cut off by a straight line of background.
    const { width, height, data } = made.image;
    const blue = srgbToLab(0x43, 0x8e, 0xdb);
    for (const x0 of [0, width - Math.round(width * 0.03)]) {
      let alpha = 0;
      let n = 0;
      const lab = [0, 0, 0];
      for (let y = height - 10; y < height; y++) {
        for (let x = x0; x < x0 + Math.round(width * 0.03); x++, n++) {
          const i = y * width + x;
          alpha += made.alpha[i];
          srgbToLab(data[i * 4], data[i * 4 + 1], data[i * 4 + 2]).forEach((v, c) => (lab[c] += v));
        }
      }
      expect(alpha / n).toBeGreaterThan(0.9);
      expect(deltaE(lab.map((v) => v / n) as [number, number, number], blue)).toBeGreaterThan(30);
    }
    // Past the sides the shoulders go on down as they came to the edge, not level (a ledge): the
    // body's top is lower at the photo's side than 3 mm in, both carried (5 mm).
    const topOf = (x: number): number => {
      let y = 0;
      while (y < height && made.alpha[y * width + x] < 0.5) y++;
      return y;
    };
    const inside = Math.round((3 * width) / spec.widthMm);
    expect(carried.value).toBeGreaterThan(3.5);
    expect(topOf(0)).toBeGreaterThan(topOf(inside) + 5);
    expect(topOf(width - 1)).toBeGreaterThan(topOf(width - 1 - inside) + 5);
    // Cut closer, more would have to be made up than a sixth of the photo: refused, as before.
    const err = await makeIdPhoto(await cutTo(0.8), { spec, background: '#438EDB' }, env).catch((e) => e);
    expect(err.code).toBe('TOO_TIGHT');
    expect(err.detail.sides).toEqual(expect.arrayContaining(['left', 'right']));
  });

  it('gives TOO_TIGHT (bottom) when the photo ends just under the chin', async () => {
    const src = evalFile('id_portraits', 'images', 'hv_test1.jpg');
    const full = await makeIdPhoto(await decodeImage(src), { spec: lib.get('icao-35x45') }, env);
    const chinY = full.face.chin.y;
    const faceH = full.face.face.height;
    const tight = await sharp(src).extract({ left: 0, top: 0, width: (await sharp(src).metadata()).width!, height: Math.round(chinY + faceH * 0.12) }).png().toBuffer();
    const err = await makeIdPhoto(await decodeImage(tight), { spec: lib.get('icao-35x45') }, env).catch((e) => e);
    expect(err.code).toBe('TOO_TIGHT');
    expect(err.detail.sides).toContain('bottom');
    // Said with its sides as a list (wordList: "bottom, left and right" when it lacks room on three).
    expect(err.message).toBe('The photo has too little room on the bottom for ICAO / ISO 19794-5 passport 35×45 mm; use a photo with more space around the person.');
  });
});
