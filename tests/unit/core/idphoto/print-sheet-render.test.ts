// Print sheets as files: a raster sheet and a PDF of the same layout turn sideways photos the same
// way (head to the right), the PDF asks to be printed at actual size, and each photo is its spec's
// size. A made-up photo (red top half, blue bottom half) shows which way is up.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, type PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { layoutSheet, parsePaper, renderSheetPdf, renderSheetRaster } from '../../../../src/main/core/idphoto/print-sheet';
import { tempDir } from '../../../helpers/env';

/** A 350x450 "photo": red above the middle, blue below. */
/** A photo of `width` x `height` px: its top half red, its bottom half blue. */
function halves(width: number, height: number): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(i < (width * height) / 2 ? [220, 20, 20, 255] : [20, 20, 220, 255], i * 4);
  return { data, width, height };
}

describe('print sheet files', () => {
  // CN 2-inch, 35x49 mm, on a 6-inch sheet: 4 upright, then 2 sideways in the room below them.
  const layout = layoutSheet([{ widthMm: 35, heightMm: 49, copies: 0, imageIndex: 0 }], { paper: parsePaper('6inch') });
  const photo = (): { data: Uint8Array; width: number; height: number } => halves(350, 490);
  const sideways = layout.photos.filter((p) => p.isRotated);

  it('turns sideways photos head to the right on a raster sheet', async () => {
    expect(layout.photos.map((p) => (p.isRotated ? 'R' : 'U')).join('')).toBe('UUUURR');
    const png = await renderSheetRaster(layout, [photo()], 300, 'png');
    // Paper is opaque: RGB, no alpha channel (the composite of RGBA photos kept one).
    expect(await sharp(png).metadata()).toMatchObject({ channels: 3, hasAlpha: false, density: 300 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const px = (xMm: number, yMm: number) => {
      const i = (Math.round(yMm * (300 / 25.4)) * info.width + Math.round(xMm * (300 / 25.4))) * 3;
      return data[i] > data[i + 2] ? 'red' : 'blue';
    };
    // A sideways photo's top (red) is on the right of its box, its bottom (blue) on the left; an upright one's on top.
    const p = sideways[0];
    expect([px(p.xMm + p.widthMm * 0.8, p.yMm + p.heightMm / 2), px(p.xMm + p.widthMm * 0.2, p.yMm + p.heightMm / 2)]).toEqual(['red', 'blue']);
    const u = layout.photos[0];
    expect([px(u.xMm + u.widthMm / 2, u.yMm + u.heightMm * 0.2), px(u.xMm + u.widthMm / 2, u.yMm + u.heightMm * 0.8)]).toEqual(['red', 'blue']);
  });

  it("places a photo made at the sheet's dpi at its own pixels, every copy alike, upright or turned (copies were resampled a pixel wider, and blurred)", async () => {
    // CN 1-inch, 25x35 mm: 295x413 px at 300 dpi, in 1-px stripes and a gradient down, so any resampling shows.
    const [width, height] = [295, 413];
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x % 2 ? 0 : 255, (y * 255) / (height - 1), (x * 7 + y * 3) % 256, 255], (y * width + x) * 4);
    const image = { data, width, height };
    const turned = await sharp(data, { raw: { width, height, channels: 4 } }).rotate(90).removeAlpha().raw().toBuffer();
    const upright = await sharp(data, { raw: { width, height, channels: 4 } }).removeAlpha().raw().toBuffer();
    for (const paper of ['6inch', 'a4']) {
      const sheet = layoutSheet([{ widthMm: 25, heightMm: 35, copies: 0, imageIndex: 0 }], { paper: parsePaper(paper) });
      const { data: px, info } = await sharp(await renderSheetRaster(sheet, [image], 300, 'png')).raw().toBuffer({ resolveWithObject: true });
      expect(sheet.photos.length).toBeGreaterThan(paper === 'a4' ? 40 : 10);
      for (const p of sheet.photos) {
        const [w, h] = p.isRotated ? [height, width] : [width, height];
        const [left, top] = [Math.round(p.xMm * (300 / 25.4)), Math.round(p.yMm * (300 / 25.4))];
        const own = p.isRotated ? turned : upright;
        let differing = 0;
        for (let y = 0; y < h; y++) {
          const row = px.subarray(((top + y) * info.width + left) * 3, ((top + y) * info.width + left + w) * 3);
          if (!row.equals(own.subarray(y * w * 3, (y + 1) * w * 3))) differing++;
        }
        expect(differing, `${paper} copy at ${left},${top}`).toBe(0);
        // White paper around it: the copy is no wider than the photo.
        expect([px[((top + 5) * info.width + left - 1) * 3], px[((top + 5) * info.width + left + w) * 3]]).toEqual([255, 255]);
      }
    }
  });

  it('draws the PDF the same way, at actual size, and asks viewers not to scale it', async () => {
    const pdfBytes = await renderSheetPdf(layout, [photo()]);
    const pdf = await PDFDocument.load(pdfBytes);
    const prefs = pdf.catalog.lookup(PDFName.of('ViewerPreferences')) as unknown as { get(k: PDFName): unknown };
    expect(String(prefs.get(PDFName.of('PrintScaling')))).toBe('/None');
    // The page's drawing: each sideways photo turned a quarter clockwise (cos 0, sin -1), every photo
    // drawn 35 mm wide and 49 mm tall (before the turn).
    const contents = pdf.context.lookup(pdf.getPage(0).node.get(PDFName.of('Contents')));
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
    const text = streams.map((stream) => inflateSync(Buffer.from((stream as PDFRawStream).getContents())).toString('latin1')).join('\n');
    expect(text.match(/^\S+ -1 1 \S+ 0 0 cm$/gm)?.length).toBe(sideways.length);
    expect(text.match(/^99\.2125\d* 0 0 138\.897\d* 0 0 cm$/gm)?.length).toBe(layout.photos.length);
    // The printed page shows it (poppler's pdftoppm, which .ci/run installs): red on the right of the first sideways photo.
    const dir = tempDir();
    writeFileSync(join(dir, 'sheet.pdf'), pdfBytes);
    execFileSync('pdftoppm', ['-r', '100', '-png', '-singlefile', join(dir, 'sheet.pdf'), join(dir, 'page')]);
    const { data, info } = await sharp(join(dir, 'page.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const p = sideways[0];
    const px = (xMm: number, yMm: number) => {
      const i = (Math.round(yMm * (100 / 25.4)) * info.width + Math.round(xMm * (100 / 25.4))) * 3;
      return data[i] > data[i + 2] ? 'red' : 'blue';
    };
    expect([px(p.xMm + p.widthMm * 0.8, p.yMm + p.heightMm / 2), px(p.xMm + p.widthMm * 0.2, p.yMm + p.heightMm / 2)]).toEqual(['red', 'blue']);
  });
});
