// `cutout idphoto` end to end through the CLI entry: spec list, a photo + JSON report + PNG sheet,
// and a refusal code on stderr with a non-zero exit.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { darkPortrait, evalFile, REPO_ROOT, SHARED_MODELS_DIR, tempDir } from '../helpers/env';

const run = promisify(execFile);
const env = { ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR };
const cli = join(REPO_ROOT, 'bin', 'cutout.mjs');

describe('cutout idphoto', () => {
  it('lists the specs', async () => {
    const { stdout } = await run(process.execPath, [cli, 'idphoto', '--list-specs'], { env });
    expect(stdout).toMatch(/^cn-id-card\s/m);
    expect(stdout.trim().split('\n').length).toBeGreaterThanOrEqual(25);
    // A --spec-file that is no spec file is a wrong command line: exit 2 (it exited 1), as a bad
    // --strokes file is; one that is not there stays INPUT_NOT_FOUND, 1.
    const dir = tempDir();
    const notJson = join(dir, 'specs.json');
    writeFileSync(notJson, 'specs: [us-2x2]');
    const bad = await run(process.execPath, [cli, 'idphoto', '--list-specs', '--spec-file', notJson], { env }).catch((e) => e);
    expect([bad.code, String(bad.stderr).trim()]).toEqual([2, expect.stringMatching(/^INVALID_ARGUMENT: Cannot read the spec file \S*specs\.json: /)]);
    const missing = await run(process.execPath, [cli, 'idphoto', '--list-specs', '--spec-file', join(dir, 'none.json')], { env }).catch((e) => e);
    expect([missing.code, String(missing.stderr)]).toEqual([1, expect.stringMatching(/^INPUT_NOT_FOUND: /)]);
  });

  it('writes the photo, the JSON report and a 6-inch sheet', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const out = join(dir, 'one.jpg');
    const report = join(dir, 'one.json');
    await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '--spec', 'cn-1inch', '--bg', 'blue', '-o', out, '--report', report, '--sheet', '6inch', '--dpi', '300'], { env });
    expect(await sharp(out).metadata()).toMatchObject({ width: 295, height: 413, density: 300 });
    const r = JSON.parse(await readFile(report, 'utf8'));
    expect(r.specId).toBe('cn-1inch');
    // Which model cut it out, on which provider (as every result says).
    expect([r.modelId, r.provider]).toEqual(['mediapipe-selfie', 'cpu']);
    expect(r.measurements.crownChinMm).toMatchObject({ unit: 'mm', min: 24, max: 28, pass: true });
    // The matte check: mediapipe-selfie's calibrated threshold (0.08) as a % band; this portrait is clean.
    expect(r.measurements.matteUnsurePct).toMatchObject({ unit: '%', min: null, max: 8, pass: true });
    expect(r.measurements.matteUnsurePct.value).toBeLessThan(2);
    expect(typeof r.pass).toBe('boolean');
    // Beside the photo, in its format.
    const sheet = await sharp(join(dir, 'one_sheet.jpg')).metadata();
    expect(sheet.format).toBe('jpeg');
    // 4x6 in at 300 dpi.
    expect([sheet.width, sheet.height].sort()).toEqual([1200, 1800]);
    expect(sheet.density).toBe(300);
    // The report says where the sheet is, as the line does (it said nothing of it).
    // (Turned landscape: 13 fit, 5 upright and 8 sideways.)
    expect(r.sheet).toMatchObject({ output: join(dir, 'one_sheet.jpg'), paperMm: [152.4, 101.6], dpi: 300, photos: 13, leftOff: [] });
    expect(r.sheet.photos).toBe(r.sheet.copiesEach);
    expect(r.sheet.photos).toBeGreaterThan(4);
    // Made again: the photo and its sheet are written over, and the lines say so (it was unsaid).
    const again = await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '--spec', 'cn-1inch', '--refine', 'fast', '-o', out, '--sheet', '6inch'], { env });
    expect(again.stdout.trim().split('\n')).toEqual([expect.stringMatching(/-> \S+one\.jpg \(.*, written over the file there\)$/), expect.stringMatching(/^sheet -> \S+one_sheet\.jpg \(.*, written over the file there\)$/)]);
    // A PDF sheet places the photos' own pixels at their size: a --dpi is said to be for a raster sheet (it was taken unsaid).
    const pdf = await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '--spec', 'cn-1inch', '--refine', 'off', '-o', join(dir, 'three.jpg'), '--sheet', '6inch', '--dpi', '600', '--sheet-out', join(dir, 'three.pdf')], { env });
    expect(pdf.stderr).toMatch(/^note: a PDF sheet holds each photo's own pixels \(300 dpi\) at its size in mm, for any printer: --dpi is for a PNG or JPEG sheet$/m);
    expect(existsSync(join(dir, 'three.pdf'))).toBe(true);
    // A --sheet-out that cannot be written is said before any work, as -o is (it was found once the
    // photo was made and written).
    writeFileSync(join(dir, 'a-file'), 'x');
    const failed = await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '--spec', 'cn-1inch', '-o', join(dir, 'two.jpg'), '--report', join(dir, 'two.json'), '--sheet', '6inch', '--sheet-out', join(dir, 'a-file', 'sheet.png')], { env }).catch((e) => e);
    expect([failed.code, failed.stdout, String(failed.stderr).trim()]).toEqual([1, '', `OUTPUT_NOT_WRITABLE: Cannot write ${join(dir, 'a-file')}: ${join(dir, 'a-file')} is a file, not a folder.`]);
    expect([existsSync(join(dir, 'two.jpg')), existsSync(join(dir, 'two.json'))]).toEqual([false, false]);
  });

  it('shares one sheet evenly among several portraits: none is left off', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const inputs = ['hv_test1.jpg', 'df_img1.jpg'].map((f) => evalFile('id_portraits', 'images', f));
    // 13 one-inch photos fit on 6 inches: 8 of each were asked for, 6 of each are on it (the photos
    // after the first were cut short, or left off without a word).
    const { stdout } = await run(process.execPath, [cli, 'idphoto', ...inputs, '--spec', 'cn-1inch', '-o', dir + '/', '--sheet', '4x6', '--copies', '8', '--report', join(dir, 'both.json')], { env });
    expect(stdout).toMatch(/sheet -> \S+_sheet\.jpg \(12 photos on 101\.6x152\.4 mm: 6 each of 2 people; 8 each were asked for, 6 each fit\)/);
    const report = JSON.parse(readFileSync(join(dir, 'both.json'), 'utf8'));
    expect(report.results).toHaveLength(2);
    expect(report.sheet).toMatchObject({ paperMm: [101.6, 152.4], dpi: 300, photos: 12, copiesEach: 6, inputs, leftOff: [], failingSpec: [] });
  });

  it('names a shared sheet after the first photo made: after a first input that failed, it bore the name of a photo that is not there', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const noFace = join(dir, 'a_sky.jpg');
    await sharp({ create: { width: 400, height: 500, channels: 3, background: '#7fb2e5' } }).jpeg().toFile(noFace);
    const portrait = evalFile('id_portraits', 'images', 'df_img1.jpg');
    const out = join(dir, 'out');
    const r = await run(process.execPath, [cli, 'idphoto', noFace, portrait, '--spec', 'cn-1inch', '-o', out + '/', '--sheet', '6inch'], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect((r as { code?: number }).code).toBe(1);
    expect(r.stderr).toMatch(/^NO_FACE: /m);
    expect(readdirSync(out).sort()).toEqual(['df_img1_cn-1inch_id-blue.jpg', 'df_img1_cn-1inch_id-blue_sheet.jpg']);
    expect(r.stdout).toContain(`sheet -> ${join(out, 'df_img1_cn-1inch_id-blue_sheet.jpg')} (`);
  });

  it('says which photos on a shared sheet fail their spec (a photo enlarged past 2x from a small picture)', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const small = join(dir, 'small.jpg');
    await sharp(evalFile('id_portraits', 'images', 'hv_test2.jpg')).resize({ width: 140 }).jpeg().toFile(small);
    const good = evalFile('id_portraits', 'images', 'df_img13.jpg');
    const failed = await run(process.execPath, [cli, 'idphoto', good, small, '--spec', 'cn-1inch', '-o', dir + '/', '--sheet', '6inch', '--report', join(dir, 'r.json')], { env }).catch((e) => e);
    expect(failed.code).toBe(3);
    expect(String(failed.stdout)).toMatch(/small\.jpg -> .*FAIL: Enlarged/);
    expect(String(failed.stdout)).toMatch(/sheet -> \S+ \(12 photos on .*: 6 each of 2 people\)/);
    expect(String(failed.stderr)).toContain(`note: ${small} is on the sheet but fails 1-inch photo 25×35 mm (一寸), as said above: leave it out and run again for a sheet of photos that pass`);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).sheet.failingSpec).toEqual([small]);
    // Photos whose files only miss what the file is checked for (squeezed into 1-2 KB) print well:
    // the sheet is made of the photos as made, and none is named.
    const squeezed = await run(process.execPath, [cli, 'idphoto', good, evalFile('id_portraits', 'images', 'df_img1.jpg'), '--spec', 'cn-1inch', '--kb', '1-2', '-o', join(dir, 'kb') + '/', '--sheet', '6inch', '--report', join(dir, 'kb.json')], { env }).catch((e) => e);
    expect(squeezed.code).toBe(3);
    expect(String(squeezed.stderr)).not.toMatch(/on the sheet but fail/);
    expect(JSON.parse(readFileSync(join(dir, 'kb.json'), 'utf8')).sheet.failingSpec).toEqual([]);
  });

  it('says when a KB band is met only by a blocky JPEG, and when no JPEG of the size can meet it', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    // Made, and failed (exit 3): at quality 5 the file's blue is no longer the spec's (the colour
    // check reads the written JPEG).
    const { stdout, stderr, code } = await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'df_img1.jpg'), '--spec', 'cn-1inch', '--kb', '1-2', '-o', join(dir, 'tiny.jpg')], { env }).catch((e) => e);
    expect(code).toBe(3);
    expect(stdout).toMatch(/tiny\.jpg \(295x413 @300 dpi, 1\.\d KB, crown-chin [\d.]+ mm, FAIL: Background colour: [\d.]+ ΔE \(≤ 6 ΔE\)/);
    expect(stderr).toMatch(/note: to be at most 2 KB, \S*tiny\.jpg is a JPEG of quality \d+ of 100: look at it before sending it/);
    // The cause is said: the JPEG's quality, not the colour asked for.
    expect(stderr).toMatch(/note: the photo's background is 1-inch photo 25×35 mm \(一寸\)'s colour, but at JPEG quality \d+ \(to fit the KB band\) the file's is [\d.]+ ΔE off it: allow a larger --kb band/);
    // 413x531 px cannot be 2 KB: the note says so and the least a band must allow, not "blocky".
    const over = await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'df_img1.jpg'), '--spec', 'icao-35x45', '--kb', '1-2', '-o', join(dir, 'over.jpg')], { env }).catch((e) => e);
    expect(over.code).toBe(3);
    const smallest = Number(/is (\d+\.\d+) KB, so the band cannot be met/.exec(String(over.stderr))?.[1]);
    expect(String(over.stderr)).toMatch(/note: \S*over\.jpg cannot be made 2 KB or less: at 413x531 px even a JPEG of quality 5 of 100 is \d+\.\d+ KB, so the band cannot be met at this size/);
    expect(String(over.stderr)).not.toMatch(/too blocky/);
    // The smallest said is the file written (its KB to two places: 3032 bytes read 2.96).
    expect(smallest).toBeCloseTo(readFileSync(join(dir, 'over.jpg')).length / 1024, 2);
    expect(smallest).toBeGreaterThan(2);
    // 49-50 KB holds no size in both readings of a KB: made in KB of 1024 bytes, and said (in the note and the report), not passed unsaid.
    const narrow = await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'df_img1.jpg'), '--spec', 'icao-35x45', '--kb', '49-50', '-o', join(dir, 'narrow.jpg'), '--report', join(dir, 'narrow.json')], { env }).catch((e) => e);
    const bytes = readFileSync(join(dir, 'narrow.jpg')).length;
    expect(bytes).toBeGreaterThanOrEqual(49 * 1024);
    expect(bytes).toBeLessThanOrEqual(50 * 1024);
    expect(String(narrow.stderr)).toContain(`note: no file is 49–50 KB both when a KB is 1000 bytes and when it is 1024: ${join(dir, 'narrow.jpg')} is ${bytes} bytes, inside the band in KB of 1024 bytes`);
    const report = JSON.parse(readFileSync(join(dir, 'narrow.json'), 'utf8')) as { measurements: { fileSizeKb: { pass: boolean; note?: string } } };
    expect(report.measurements.fileSizeKb).toMatchObject({ pass: true, note: expect.stringContaining('made to KB of 1024 bytes') });
  });

  it('names the failed checks and exits 3 for a photo made off its spec; refuses what it cannot write', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const portrait = evalFile('id_portraits', 'images', 'hv_test1.jpg');
    // Red is not a background ICAO allows: said before the work, and on the photo's line.
    const err = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '--bg', 'red', '-o', join(dir, 'red.jpg')], { env }).catch((e) => e);
    expect(err.code).toBe(3);
    expect(String(err.stderr)).toMatch(/note: red is not a background icao-35x45 allows \(#FFFFFF/);
    expect(String(err.stdout)).toMatch(/FAIL: Background colour: \d+(\.\d+)? ΔE \(≤ 6 ΔE\)/);
    expect((await sharp(join(dir, 'red.jpg')).metadata()).width).toBe(413);
    // A PNG asked for by name is written (RGB, the spec's dpi), with a note that the spec wants a JPEG.
    // hv_test1's lips are apart (15 % of the mouth's width): ICAO asks for a closed mouth, so the
    // photo is written, its line says why it fails, and the exit is 3.
    const png = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '-o', join(dir, 'photo.png')], { env }).catch((e) => e);
    expect(png.code).toBe(3);
    expect(String(png.stdout)).toMatch(/, FAIL: Mouth open: 1\d(\.\d+)? % \(≤ 10 %\), /);
    expect(String(png.stderr)).toMatch(/note: ICAO \/ ISO 19794-5 passport 35×45 mm asks for a JPEG file; \S*photo\.png is a PNG/);
    expect(await sharp(join(dir, 'photo.png')).metadata()).toMatchObject({ format: 'png', width: 413, channels: 3 });
    // A studio size (as the US passport) takes a smile: the same face is measured there for information.
    const studio = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'cn-1inch', '-o', join(dir, 'studio.jpg'), '--report', join(dir, 'studio.json')], { env }).catch((e) => e);
    expect(String(studio.stdout)).not.toContain('Mouth open');
    const studioReport = JSON.parse(readFileSync(join(dir, 'studio.json'), 'utf8')) as { measurements: { mouthOpeningPct: { value: number; min: null; max: null; pass: boolean } } };
    expect(studioReport.measurements.mouthOpeningPct).toMatchObject({ min: null, max: null, pass: true });
    expect(studioReport.measurements.mouthOpeningPct.value).toBeGreaterThan(10);
    // Into a folder, one input is named by its spec as several are, and by its colour where the spec
    // lists several (as the app names it): a white and a blue photo of one size were one file.
    await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '-o', join(dir, 'photos') + '/'], { env }).catch((e) => e);
    await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '--bg', '#DCEBFA', '-o', join(dir, 'photos') + '/'], { env }).catch((e) => e);
    await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'us-visa-2x2', '--bg', 'white', '-o', join(dir, 'photos') + '/'], { env }).catch((e) => e);
    await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'cn-visa-33x48', '-o', join(dir, 'photos') + '/'], { env }).catch((e) => e);
    expect(readdirSync(join(dir, 'photos')).sort()).toEqual(['hv_test1_cn-visa-33x48.jpg', 'hv_test1_icao-35x45_light-blue.jpg', 'hv_test1_icao-35x45_white.jpg', 'hv_test1_us-visa-2x2_white.jpg']);
    // Bad requests are refused before any work, with the code, and exit 2, as the help says of a
    // wrong command line (an output type, a spec, a colour or a paper the command does not take
    // exited 1).
    const refusals: [string[], RegExp, number][] = [
      [['-o', join(dir, 'x.webp')], /^INVALID_ARGUMENT: Cannot write an ID photo as \.webp: use \.jpg or \.png/, 2],
      [['-o', join(dir, 'x.jpg ')], /^INVALID_ARGUMENT: Cannot write an ID photo as "\.jpg " \(the name ends in a space\): use \.jpg or \.png/, 2],
      [['-o', join(dir, 'x.jpg'), '--spec', 'nope'], /^SPEC_UNKNOWN: Unknown ID-photo spec "nope"/, 2],
      [['-o', join(dir, 'x.jpg'), '--bg', 'green'], /^INVALID_ARGUMENT: "green" is not a colour: an ID photo's background is white, blue, red, grey or #RRGGBB\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--bg', join(dir, 'sky.png')], /^INVALID_ARGUMENT: An ID photo needs a background colour \(white, blue, red, grey or #RRGGBB\), not a picture\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--copies', '3'], /INVALID_ARGUMENT: --copies is the print sheet's: it goes with --sheet/, 2],
      [['-o', join(dir, 'x.jpg'), '--dpi', '600'], /INVALID_ARGUMENT: --dpi is the print sheet's/, 2],
      [['-o', join(dir, 'x.jpg'), '--sheet', '20x20'], /INVALID_ARGUMENT: A 35x45 mm photo does not fit on 20x20 mm paper/, 2],
      // A sheet's dpi out of range: --dpi 100000 ran for ten minutes past Ctrl+C, 0 failed after the photo was written.
      [['-o', join(dir, 'x.jpg'), '--sheet', '6inch', '--dpi', '100000'], /^INVALID_ARGUMENT: Print sheet dpi must be a whole number from 72 to 1200, got 100000\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--sheet', '6inch', '--dpi', '0'], /^INVALID_ARGUMENT: Print sheet dpi must be a whole number from 72 to 1200, got 0\n$/, 2],
      // A raster past sharp's limit: INTERNAL after the photo was written.
      [['-o', join(dir, 'x.jpg'), '--sheet', '594x841', '--dpi', '600'], /^INVALID_ARGUMENT: A 594x841 mm sheet at 600 dpi would be 279 megapixels, more than 268: at most 588 dpi on this paper, or a PDF sheet\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--face=0'], /^INVALID_ARGUMENT: --face must be a whole number of at least 1, got 0\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--brightness', '3'], /^INVALID_ARGUMENT: --brightness must be auto or a number of EV from -2 to \+2 \(0 leaves the photo as it is\), got "3"\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--brightness=lighter'], /^INVALID_ARGUMENT: --brightness must be auto or a number of EV/, 2],
      [['-o', join(dir, 'x.jpg'), '--kb', '50-20'], /^INVALID_ARGUMENT: --kb 50-20: MIN is above MAX; write --kb 20-50\n$/, 2],
      [['-o', join(dir, 'x.jpg'), '--kb', '0'], /^INVALID_ARGUMENT: --kb must be a file size in KB: MIN-MAX \(20-50\), at most MAX \(50\) or at least MIN \(20-\), up to 10000; got "0"\n$/, 2],
      // A print sold in centimetres without its unit: 9x13 was made as 9 × 13 inches, unsaid.
      [['-o', join(dir, 'x.jpg'), '--sheet', '9x13'], /^INVALID_ARGUMENT: Paper "9x13" needs a unit: 9x13cm for the 9 × 13 cm print, 9x13in for inches\n$/, 2],
    ];
    for (const [args, message, code] of refusals) {
      const refused = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', ...args], { env }).catch((e) => e);
      expect(refused.code).toBe(code);
      expect(String(refused.stderr)).toMatch(message);
    }
    expect(existsSync(join(dir, 'x.jpg'))).toBe(false);
    // The report and the sheet are never written over the input, nor over the photo (they were: a
    // --report named as the input turned the portrait into JSON).
    const mine = join(dir, 'mine.jpg');
    copyFileSync(portrait, mine);
    const before = readFileSync(mine);
    const clashes: [string[], RegExp, number][] = [
      [['-o', join(dir, 'p1.jpg'), '--report', mine], /^OUTPUT_EXISTS: Refusing to overwrite the input \S*mine\.jpg/m, 1],
      [['-o', join(dir, 'p2.jpg'), '--sheet', '6inch', '--sheet-out', mine], /^OUTPUT_EXISTS: Refusing to overwrite the input \S*mine\.jpg/m, 1],
      [['-o', join(dir, 'p3.jpg'), '--report', join(dir, 'p3.jpg')], /^INVALID_ARGUMENT: --report and -o name the same file \S*p3\.jpg/m, 2],
      [['-o', join(dir, 'p4.jpg'), '--sheet', '6inch', '--sheet-out', join(dir, 'p4.jpg')], /^INVALID_ARGUMENT: --sheet-out and -o name the same file/m, 2],
      // A sheet named as a type it is not written as (a .tiff was written as PNG bytes).
      [['-o', join(dir, 'p5.jpg'), '--sheet', '6inch', '--sheet-out', join(dir, 'p5_sheet.tiff')], /^INVALID_ARGUMENT: Cannot write a print sheet as \.tiff: use \.png, \.jpg or \.pdf/m, 2],
    ];
    for (const [args, message, code] of clashes) {
      const refused = await run(process.execPath, [cli, 'idphoto', mine, '--spec', 'icao-35x45', ...args], { env }).catch((e) => e);
      expect(refused.code).toBe(code);
      expect(String(refused.stderr)).toMatch(message);
    }
    expect(readFileSync(mine).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => /^p\d/.test(f))).toEqual([]);
  });

  it('--kb makes the JPEG fit the file size an upload form asks for, in place of the spec\'s band, and checks it', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    // A closed mouth (hv_test1's lips are apart: it fails ICAO for that).
    const portrait = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const out = join(dir, 'kb.jpg');
    const json = join(dir, 'kb.json');
    const r = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '--refine', 'off', '--kb', '12-18', '-o', out, '--report', json], { env });
    expect(r.stdout).toMatch(/ KB, crown-chin [\d.]+ mm, PASS,/);
    // Inside the band whether a KB is 1000 or 1024 bytes.
    const bytes = readFileSync(out).length;
    expect(bytes).toBeGreaterThanOrEqual(12 * 1024);
    expect(bytes).toBeLessThanOrEqual(18 * 1000);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { measurements: { fileSizeKb: { min: number | null; max: number | null; pass: boolean } } };
    expect(report.measurements.fileSizeKb).toMatchObject({ min: 12, max: 18, pass: true });
    expect(r.stderr).not.toContain('padding');
    // A floor above the best JPEG: met with padding, and said so.
    const padded = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '--refine', 'off', '--kb', '400-500', '-o', join(dir, 'padded.jpg')], { env });
    expect(padded.stdout).toMatch(/ KB, crown-chin [\d.]+ mm, PASS,/);
    expect(readFileSync(join(dir, 'padded.jpg')).length).toBeGreaterThanOrEqual(400 * 1024);
    expect(padded.stderr).toMatch(/note: at its best quality \(100\) \S+padded\.jpg is [\d.]+ KB; it was raised to the 400 KB floor with [\d.]+ KB of padding \(a JPEG comment, which shows nothing\)/);
    // "At most": a band open below reads "≤ 1" when it cannot be met (a photo is more than 1 KB), and exits 3.
    const tiny = await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'icao-35x45', '--refine', 'off', '--kb', '1', '-o', join(dir, 'tiny.jpg')], { env }).catch((e) => e);
    expect(tiny.code).toBe(3);
    expect(String(tiny.stdout)).toMatch(/FAIL: File size: [\d.]+ KB \(≤ 1 KB\)/);
  });

  it('--brightness lightens or darkens the person, not the background: the face brightness check measures it', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const input = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const made: { lightness: number; corner: number[] }[] = [];
    for (const ev of ['0', '1', '=-1']) {
      const out = join(dir, `b${made.length}.png`);
      const report = join(dir, `b${made.length}.json`);
      const flag = ev.startsWith('=') ? [`--brightness${ev}`] : ['--brightness', ev];
      await run(process.execPath, [cli, 'idphoto', input, '--spec', 'cn-1inch', '--bg', 'blue', '--refine', 'off', ...flag, '-o', out, '--report', report], { env });
      const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      made.push({ lightness: JSON.parse(await readFile(report, 'utf8')).measurements.faceLightness.value, corner: [...data.subarray(0, 3)] });
    }
    expect(made[1].lightness).toBeGreaterThan(made[0].lightness + 5);
    expect(made[2].lightness).toBeLessThan(made[0].lightness - 5);
    // The background is the spec's blue in every one.
    for (const m of made) expect(m.corner).toEqual([0x43, 0x8e, 0xdb]);
  });

  it('--turn: a picture lying on its side is refused naming the flag, --turn auto stands it up and says so, in idphoto and in a batch; a bad turn is a wrong command line', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const input = join(dir, 'in');
    mkdirSync(input);
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), join(input, 'upright.jpg'));
    const lying = join(input, 'lying.jpg');
    await sharp(evalFile('id_portraits', 'images', 'df_img2.jpg')).rotate(270).jpeg({ quality: 92 }).toFile(lying);
    const idphoto = (out: string, ...more: string[]) => run(process.execPath, [cli, 'idphoto', lying, '--refine', 'off', ...more, '-o', join(dir, out), '--report', join(dir, `${out}.json`)], { env });
    const refused = await idphoto('refused.jpg').catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The picture is on its side: turn it 90° clockwise (in a photo viewer), then use it again, or give --turn 90.');
    const turned = await idphoto('turned.jpg', '--turn', 'auto').catch((e) => e);
    expect(turned.stdout).toMatch(/lying\.jpg -> .*turned\.jpg \(413x531 @300 dpi, .*, turned 90° clockwise, /);
    expect(JSON.parse(await readFile(join(dir, 'turned.jpg.json'), 'utf8')).turnDeg).toBe(90);
    // Turned by hand, the same file.
    await idphoto('byhand.jpg', '--turn', '90').catch((e) => e);
    expect(readFileSync(join(dir, 'byhand.jpg')).equals(readFileSync(join(dir, 'turned.jpg')))).toBe(true);
    const bad = await idphoto('bad.jpg', '--turn', '45').catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('INVALID_ARGUMENT: --turn must be 90, 180 or 270');
    // A batch: the lying picture is stood up and its note says so; the upright one is as it was.
    const out = join(dir, 'out');
    const batch = await run(process.execPath, [cli, 'batch', input, '-o', out, '--mode', 'idphoto', '--refine', 'off', '--turn', 'auto'], { env }).catch((e) => e);
    expect(batch.stderr).toMatch(/lying\.jpg -> .*\(turned 90° clockwise: the picture lay on its side\)/);
    const entries = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).entries as { input: string; status: string; notes?: { kind: string; deg: number }[] }[];
    const entryOf = (name: string) => entries.find((e) => e.input.endsWith(name))!;
    expect(entryOf('lying.jpg')).toMatchObject({ status: 'done', notes: [{ kind: 'autoTurn', deg: 90 }] });
    expect(entryOf('upright.jpg').notes).toBeUndefined();
    expect(readFileSync(join(out, 'lying_icao-35x45.jpg')).equals(readFileSync(join(dir, 'turned.jpg')))).toBe(true);
    const wrongMode = await run(process.execPath, [cli, 'batch', input, '-o', join(dir, 'out2'), '--turn', 'auto'], { env }).catch((e) => e);
    expect(wrongMode.code).toBe(2);
    expect(wrongMode.stderr).toContain('--turn goes with --mode idphoto');
  });

  it('--brightness auto mends only the photo whose face is too dark, in idphoto and in a batch, and says the EV it took', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const input = join(dir, 'in');
    mkdirSync(input);
    const normal = join(input, 'normal.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), normal);
    // The same portrait at a quarter of its sRGB values: too dark for the face brightness check.
    const dark = join(input, 'dark.jpg');
    await darkPortrait(dark);
    const idphoto = (file: string, out: string, ...more: string[]) => run(process.execPath, [cli, 'idphoto', file, '--spec', 'cn-1inch', '--bg', 'blue', '--refine', 'off', ...more, '-o', join(dir, out), '--report', join(dir, `${out}.json`)], { env });
    const auto = await idphoto(dark, 'dark-auto.png', '--brightness', 'auto');
    const report = JSON.parse(await readFile(join(dir, 'dark-auto.png.json'), 'utf8'));
    expect(report.brightnessEv).toBeGreaterThan(0);
    expect(report.measurements.faceLightness.pass).toBe(true);
    expect(auto.stdout).toContain(`brightness auto +${report.brightnessEv} EV, PASS`);
    // The photo it made is the one --brightness at that EV makes.
    await idphoto(dark, 'dark-byhand.png', '--brightness', String(report.brightnessEv));
    expect(readFileSync(join(dir, 'dark-byhand.png')).equals(readFileSync(join(dir, 'dark-auto.png')))).toBe(true);
    // A batch: the dark photo is mended and its note says so; the one that passes is the photo made without --brightness.
    const out = join(dir, 'out');
    const batch = await run(process.execPath, [cli, 'batch', input, '-o', out, '--mode', 'idphoto', '--spec', 'cn-1inch', '--bg', 'blue', '--refine', 'off', '--format', 'png', '--brightness', 'auto'], { env });
    // Its line (on stderr, with the progress) and report.csv's note column say it.
    expect(batch.stderr).toMatch(/dark\.jpg -> .*\(brightness auto: \+[\d.]+ EV for a face the face brightness check found too dark\)/);
    expect(readFileSync(join(out, 'report.csv'), 'utf8')).toContain(`,pass,brightness auto: +${report.brightnessEv} EV for a face the face brightness check found too dark`);
    const entries = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).entries as { input: string; notes?: { kind: string; ev: number }[]; specFailures: string[] }[];
    const entryOf = (name: string) => entries.find((e) => e.input.endsWith(name))!;
    expect(entryOf('dark.jpg').notes).toEqual([{ kind: 'autoBrightness', ev: report.brightnessEv }]);
    expect(entryOf('dark.jpg').specFailures.join()).not.toMatch(/faceLightness/);
    expect(entryOf('normal.jpg').notes).toBeUndefined();
    await idphoto(normal, 'normal.png');
    expect(readFileSync(join(out, 'normal_cn-1inch.png')).equals(readFileSync(join(dir, 'normal.png')))).toBe(true);
    expect(readFileSync(join(out, 'dark_cn-1inch.png')).equals(readFileSync(join(dir, 'dark-auto.png')))).toBe(true);
    // Outside ID photos it is a wrong command line.
    const wrong = await run(process.execPath, [cli, 'batch', input, '-o', join(dir, 'x'), '--brightness', 'auto'], { env }).catch((e) => e);
    expect(wrong.code).toBe(2);
    expect(String(wrong.stderr)).toContain('--brightness goes with --mode idphoto');
  });

  it('says how far the clothes were carried past a picture cut at the shoulders (a US 2×2 of df_img47), and a batch notes it', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const tight = evalFile('id_portraits', 'images', 'df_img47.jpg');
    const { stdout } = await run(process.execPath, [cli, 'idphoto', tight, '--spec', 'us-2x2', '-o', join(dir, 'us.jpg'), '--report', join(dir, 'us.json')], { env });
    const carried = JSON.parse(readFileSync(join(dir, 'us.json'), 'utf8')).measurements.bodyCarriedMm;
    expect(carried).toMatchObject({ max: 8.47, pass: true });
    expect(stdout).toContain(`(600x600 @300 dpi, `);
    expect(stdout).toContain(`, clothes carried ${carried.value} mm past the picture, PASS, `);
    // A batch of it and of a portrait with room around the shoulders: only the first is noted, as data and in report.csv.
    const input = join(dir, 'in');
    mkdirSync(input);
    copyFileSync(tight, join(input, 'tight.jpg'));
    copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), join(input, 'roomy.jpg'));
    const out = join(dir, 'out');
    await run(process.execPath, [cli, 'batch', input, '-o', out, '--mode', 'idphoto', '--spec', 'us-2x2'], { env });
    const entries = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).entries as { input: string; notes?: { kind: string; mm?: number }[] }[];
    expect(entries.find((e) => e.input.endsWith('tight.jpg'))!.notes).toEqual([{ kind: 'clothesCarried', mm: carried.value }]);
    expect(entries.find((e) => e.input.endsWith('roomy.jpg'))!.notes).toBeUndefined();
    expect(readFileSync(join(out, 'report.csv'), 'utf8')).toContain(`the clothes carried on ${carried.value} mm past the picture, which ends at the shoulders or chest closer than the size needs`);
  });

  it('exits non-zero with the code for a picture without a face', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const flat = join(dir, 'flat.png');
    await sharp({ create: { width: 300, height: 300, channels: 3, background: '#88aa44' } }).png().toFile(flat);
    const err = await run(process.execPath, [cli, 'idphoto', flat, '--spec', 'icao-35x45', '-o', join(dir, 'x.jpg')], { env }).catch((e) => e);
    expect(err.code).not.toBe(0);
    // One line, naming the file.
    expect(String(err.stderr)).toMatch(/^NO_FACE: \S*flat\.png: /);
    // A picture transparent all over is said to be, not to lack a face.
    const clear = join(dir, 'clear.png');
    await sharp({ create: { width: 300, height: 300, channels: 4, background: { r: 200, g: 150, b: 120, alpha: 0 } } }).png().toFile(clear);
    const none = await run(process.execPath, [cli, 'idphoto', clear, '--spec', 'icao-35x45', '-o', join(dir, 'y.jpg')], { env }).catch((e) => e);
    expect(String(none.stderr)).toMatch(/^NO_FACE: \S*clear\.png: This picture is transparent all over: nothing in it shows/);
    // Two faces: said once how to pick one, not twice.
    const two = join(dir, 'two.jpg');
    const [a, b] = ['df_img1.jpg', 'df_img2.jpg'].map((f) => sharp(evalFile('id_portraits', 'images', f)).resize({ height: 600 }).toBuffer());
    const [left, right] = await Promise.all([a, b]);
    const widthOf = async (buf: Buffer) => (await sharp(buf).metadata()).width!;
    const [wl, wr] = await Promise.all([widthOf(left), widthOf(right)]);
    await sharp({ create: { width: wl + wr, height: 600, channels: 3, background: '#ffffff' } }).composite([{ input: left, left: 0, top: 0 }, { input: right, left: wl, top: 0 }]).jpeg().toFile(two);
    const several = await run(process.execPath, [cli, 'idphoto', two, '--spec', 'icao-35x45', '-o', join(dir, 'y.jpg')], { env }).catch((e) => e);
    expect(String(several.stderr)).toMatch(/^MULTIPLE_FACES: \S*two\.jpg: 2 faces were found; an ID photo needs exactly one\. Pick one with --face N: 1 is the leftmost of the 2\.$/m);
    // Faces are numbered from 1, as the app's buttons are: --face 2 is the right-hand one (df_img2),
    // and a third is said in the same numbers.
    const photoOf = async (input: string, name: string, face?: string): Promise<Buffer> => {
      const out = join(dir, name);
      await run(process.execPath, [cli, 'idphoto', input, '--spec', 'icao-35x45', '--refine', 'off', ...(face ? ['--face', face] : []), '-o', out], { env }).catch((e) => e);
      return sharp(out).resize(32, 32, { fit: 'fill' }).greyscale().raw().toBuffer();
    };
    const alone = await photoOf(evalFile('id_portraits', 'images', 'df_img2.jpg'), 'alone.jpg');
    const distance = (a: Buffer): number => a.reduce((sum, v, i) => sum + Math.abs(v - alone[i]), 0) / a.length;
    const [first, second] = [await photoOf(two, 'first.jpg', '1'), await photoOf(two, 'second.jpg', '2')];
    expect(distance(second)).toBeLessThan(distance(first));
    const third = await run(process.execPath, [cli, 'idphoto', two, '--spec', 'icao-35x45', '--face', '3', '-o', join(dir, 'z.jpg')], { env }).catch((e) => e);
    expect(String(third.stderr)).toMatch(/^INVALID_ARGUMENT: --face 3: the picture has 2 faces \(1 is the leftmost\)\.$/m);
  });

  it('Ctrl+C while the print sheet is made: exit 130, the photo kept, no sheet (it was written, exit 0)', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'df_img12.jpg'), '-o', join(dir, 'id.jpg'), '--sheet', 'a4', '--dpi', '600', '--sheet-out', join(dir, 'sheet.png')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The photo's line comes as it is written; the 600-dpi A4 sheet of 30 takes seconds after it.
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes(' -> ')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('CANCELLED');
    expect(readdirSync(dir).sort()).toEqual(['id.jpg']);
  });
});

