// The 'idphoto' job kind through the engine's run-job dispatch: spec as plain data, photo and a
// PDF print sheet written, report returned; a bad spec is INVALID_ARGUMENT.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { runBatch } from '../../src/main/core/batch/run-batch';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { runJob } from '../../src/main/engine/run-job';
import { darkPortrait, evalFile, tempDir, testEnv } from '../helpers/env';

/** An ID photo made as a job, and its compliance report (the measurements these tests read). */
async function idPhotoReport(lib: SpecLibrary, input: string, output: string, specId: string, background: string) {
  type Measured = { value: number; pass: boolean };
  type Report = { pass: boolean; measurements: { faceChroma: Measured; faceLightness: Measured } };
  const result = await runJob({ kind: 'idphoto', input, output, options: { spec: { ...lib.get(specId) } as unknown as { id: string }, background } }, testEnv(), {});
  return (result as { report: Report }).report;
}

describe('idphoto job', () => {
  it('writes the photo and a 6-inch PDF sheet and returns the report', async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const dir = tempDir();
    const spec = { ...(await SpecLibrary.load(specLibraryPath())).get('us-2x2') } as unknown as { id: string };
    const progress: string[] = [];
    const result = (await runJob(
      { kind: 'idphoto', input: evalFile('id_portraits', 'images', 'df_img2.jpg'), output: join(dir, 'us.jpg'), options: { spec, background: 'white', sheet: { paper: '6inch', dpi: 300, output: join(dir, 'sheet.pdf') } } },
      testEnv(),
      { onProgress: (e) => progress.push(e.stage) },
    )) as { widthPx: number; report: { measurements: { crownChinMm: { pass: boolean }; eyeLineFromBottomMm: { min: number } } }; isColourLostToJpeg: boolean; sheet: { photos: number } };
    expect(result.widthPx).toBe(600);
    // No KB band squeezed it: the file's background is the photo's.
    expect(result.isColourLostToJpeg).toBe(false);
    expect(result.report.measurements.crownChinMm.pass).toBe(true);
    expect(result.report.measurements.eyeLineFromBottomMm.min).toBe(28.58);
    // 2×2 in on 4×6 in with 3 mm margins and a 2.5 mm gap: two fit.
    expect(result.sheet.photos).toBe(2);
    const pdf = await PDFDocument.load(await readFile(join(dir, 'sheet.pdf')));
    const { width, height } = pdf.getPage(0).getSize();
    expect(Math.round(Math.min(width, height))).toBe(288);
    expect(Math.round(Math.max(width, height))).toBe(432);
    expect(progress).toContain('encode');
  });

  it('a black-and-white portrait is made but fails the colour check of a passport size', { timeout: 60_000 }, async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const dir = tempDir();
    const grey = join(dir, 'grey.jpg');
    await sharp(evalFile('id_portraits', 'images', 'df_img2.jpg')).greyscale().jpeg({ quality: 90 }).toFile(grey);
    const make = (input: string, name: string) => idPhotoReport(lib, input, join(dir, name), 'us-2x2', 'white');
    const colour = await make(evalFile('id_portraits', 'images', 'df_img2.jpg'), 'colour.jpg');
    expect(colour.measurements.faceChroma.pass).toBe(true);
    const bw = await make(grey, 'grey-us.jpg');
    expect(bw.measurements.faceChroma).toMatchObject({ pass: false });
    expect(bw.measurements.faceChroma.value).toBeLessThan(2);
    expect(bw.pass).toBe(false);
  });

  it('a portrait far too dark is made but fails the face-brightness check, on a studio size too', { timeout: 60_000 }, async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const dir = tempDir();
    const dark = join(dir, 'dark.jpg');
    // A normal portrait at a quarter of its brightness (what a reviewer's under-exposed photo was).
    await darkPortrait(dark);
    const make = (input: string, name: string) => idPhotoReport(lib, input, join(dir, name), 'cn-1inch', 'blue');
    const normal = await make(evalFile('id_portraits', 'images', 'df_img2.jpg'), 'normal.jpg');
    expect(normal.measurements.faceLightness.pass).toBe(true);
    const darkReport = await make(dark, 'dark-cn.jpg');
    expect(darkReport.measurements.faceLightness).toMatchObject({ pass: false });
    expect(darkReport.measurements.faceLightness.value).toBeLessThan(24);
    expect(darkReport.pass).toBe(false);
  });

  it("makes ID photos with 'full' edges unless asked otherwise, as a job and in a batch", { timeout: 60_000 }, async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const dir = tempDir();
    const spec = { ...lib.get('cn-1inch') } as unknown as { id: string };
    const input = evalFile('id_portraits', 'images', 'df_img13.jpg');
    const made: Record<string, Buffer> = {};
    for (const refine of [undefined, 'full', 'fast'] as const) {
      const output = join(dir, `${refine ?? 'default'}.png`);
      await runJob({ kind: 'idphoto', input, output, options: { spec, background: 'blue', ...(refine ? { refine } : {}) } }, testEnv(), {});
      made[refine ?? 'default'] = await readFile(output);
    }
    expect(made.default.equals(made.full)).toBe(true);
    expect(made.default.equals(made.fast)).toBe(false);
    const out = join(dir, 'batch');
    await runBatch([input], out, { mode: 'idphoto', format: 'png', nameTemplate: '{name}', background: { kind: 'color', hex: '#438EDB' }, extra: { spec } }, testEnv());
    expect((await readFile(join(out, 'df_img13.png'))).equals(made.full)).toBe(true);
  });

  it("a batch's photo refused TOO_TIGHT keeps where it lacks room: its row says below the chin, as report.csv does (it said around the head)", async () => {
    // df_img24 as US 2×2: the picture ends too close under the chin to carry the clothes on.
    const spec = { ...(await SpecLibrary.load(specLibraryPath())).get('us-2x2') } as unknown as { id: string };
    const entries: unknown[] = [];
    await runBatch([evalFile('id_portraits', 'images', 'df_img24.jpg')], join(tempDir(), 'tight'), { mode: 'idphoto', refine: 'fast', extra: { spec } }, testEnv(), { onFile: ({ entry }) => entries.push(entry) });
    expect(entries).toEqual([expect.objectContaining({ status: 'failed', code: 'TOO_TIGHT', errorKind: 'below' })]);
  });

  it('rejects an invalid spec', async () => {
    await expect(
      runJob({ kind: 'idphoto', input: evalFile('id_portraits', 'images', 'df_img2.jpg'), output: join(tempDir(), 'x.jpg'), options: { spec: { id: 'Bad Id' } } }, testEnv(), {}),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses a sheet named as a type it is not written as, before the photo is made', async () => {
    const dir = tempDir();
    const spec = (await SpecLibrary.load(specLibraryPath())).get('cn-1inch');
    await expect(
      runJob({ kind: 'idphoto', input: evalFile('id_portraits', 'images', 'df_img2.jpg'), output: join(dir, 'x.jpg'), options: { spec: { ...spec } as unknown as { id: string }, sheet: { paper: '6inch', dpi: 300, output: join(dir, 'sheet.tiff') } } }, testEnv(), {}),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Cannot write a print sheet as \.tiff/) });
    expect(existsSync(join(dir, 'x.jpg'))).toBe(false);
    // Its dpi, its paper, its copies, a paper the photo does not fit on, a raster too large: each was
    // refused after the photo had been written (a review of print sheets).
    const sheets: [Record<string, unknown>, RegExp][] = [
      [{ paper: '6inch', dpi: 50 }, /^Print sheet dpi must be a whole number from 72 to 1200, got 50$/],
      [{ paper: 'a1-ish', dpi: 300 }, /^Unknown paper "a1-ish"/],
      [{ paper: '6inch', dpi: 300, copies: 2.5 }, /^copies must be a whole number from 0/],
      [{ paper: '30x40mm', dpi: 300 }, /^A 25x35 mm photo does not fit on 30x40 mm paper/],
      [{ paper: '594x841', dpi: 600 }, /^A 594x841 mm sheet at 600 dpi would be 279 megapixels, more than 268: at most 588 dpi on this paper, or a PDF sheet$/],
    ];
    for (const [sheet, message] of sheets) {
      await expect(
        runJob({ kind: 'idphoto', input: evalFile('id_portraits', 'images', 'df_img2.jpg'), output: join(dir, 'x.jpg'), options: { spec: { ...spec } as unknown as { id: string }, sheet: { ...sheet, output: join(dir, 'sheet.png') } as never } }, testEnv(), {}),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
      expect(existsSync(join(dir, 'x.jpg'))).toBe(false);
    }
  });

  it('writes neither the sheet nor the photo over what it reads, nor the sheet over the photo (an app\'s job, as the CLI)', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.jpg');
    await sharp(evalFile('id_portraits', 'images', 'df_img2.jpg')).toFile(input);
    const before = await readFile(input);
    const spec = { ...(await SpecLibrary.load(specLibraryPath())).get('cn-1inch') } as unknown as { id: string };
    const job = (output: string, sheetOutput: string) => runJob({ kind: 'idphoto', input, output, options: { spec, sheet: { paper: '6inch', dpi: 300, output: sheetOutput } } }, testEnv(), {});
    // The sheet named as the input (a review of `cutout serve` saw it replace the picture).
    await expect(job(join(dir, 'id.jpg'), input)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    // The sheet named as the photo: the photo was replaced by the sheet, the job said the photo's bytes.
    await expect(job(join(dir, 'id.jpg'), join(dir, 'id.jpg'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/the print sheet and the photo name the same file|the photo and the print sheet name the same file/) });
    expect(await readFile(input)).toEqual(before);
    expect(existsSync(join(dir, 'id.jpg'))).toBe(false);
  });
});
