// HEIC pictures (iPhones' and many Android phones'): the app's decoder (the HEIF container read in
// TypeScript, HEVC decoded by the real ffmpeg) against libheif's own decode (heif-convert) and
// against the source picture, on files written by libheif's heif-enc and by tests/helpers/heic.ts
// (an iPhone-like grid of tiles, turned, mirrored, cropped); then an ID photo made from a portrait
// that arrives as a turned HEIC.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { decodeImage, type DecodedImage } from '../../src/main/core/image/decode';
import { evalFile, REPO_ROOT, SHARED_DIR, SHARED_MODELS_DIR, tempDir } from '../helpers/env';
import { hasLibheifTools, heifEnc, type HeifTransform, libheifDecode, meanColourDiff, pngRgba, writeHeic } from '../helpers/heic';

const run = promisify(execFile);

/** A decoded picture's RGBA next to another's: the mean colour difference (sizes must match). */
function diff(a: { data: Uint8Array; width: number; height: number }, b: { data: Uint8Array; width: number; height: number }): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  return meanColourDiff(a.data, b.data);
}

describe('HEIC pictures', () => {
  let dir: string;
  let card: string;
  beforeAll(async () => {
    // .ci/run installs libheif-examples: heif-enc writes, heif-convert is the reference decoder.
    expect(hasLibheifTools(), 'heif-enc / heif-convert (apt-get install libheif-examples)').toBe(true);
    dir = tempDir();
    // ffmpeg's test card at a size that is not a whole number of tiles.
    card = join(dir, 'card.png');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=700x500', '-frames:v', '1', card]);
  });

  it('decodes what libheif writes as libheif decodes it, and close to the source', async () => {
    const heic = heifEnc(card, join(dir, 'card.heic'));
    const ours = await decodeImage(heic);
    expect(ours).toMatchObject({ format: 'heif', width: 700, height: 500, hasAlpha: false, isColourSubsampled: true });
    expect(diff(ours, await libheifDecode(heic, dir))).toBeLessThan(0.05);
    expect(diff(ours, await pngRgba(card))).toBeLessThan(1.5);
  });

  it('puts an iPhone-like grid of tiles together, turned, mirrored and cropped as its properties say', async () => {
    const turned = sharp(card);
    const cases: { transforms: HeifTransform[]; size: [number, number]; expected: () => Sharp }[] = [
      { transforms: [], size: [700, 500], expected: () => turned.clone() },
      // irot turns anticlockwise.
      { transforms: [{ irot: 1 }], size: [500, 700], expected: () => turned.clone().rotate(270) },
      { transforms: [{ irot: 3 }], size: [500, 700], expected: () => turned.clone().rotate(90) },
      // imir mode 0 swaps top and bottom, 1 left and right.
      { transforms: [{ imir: 0 }], size: [700, 500], expected: () => turned.clone().flip() },
      { transforms: [{ imir: 1 }], size: [700, 500], expected: () => turned.clone().flop() },
      // In the order listed: crop (centred, moved 20 px left and 10 down), then a quarter turn.
      { transforms: [{ clap: { width: 600, height: 400, offsetX: -20, offsetY: 10 } }, { irot: 1 }], size: [400, 600], expected: () => turned.clone().extract({ left: 30, top: 60, width: 600, height: 400 }).rotate(270) },
    ];
    for (const { transforms, size, expected } of cases) {
      const file = join(dir, `grid-${JSON.stringify(transforms).replace(/\W+/g, '')}.heic`);
      writeFileSync(file, await writeHeic({ png: card, tile: 256, nclx: true, transforms }));
      const ours = await decodeImage(file);
      expect([ours.width, ours.height], JSON.stringify(transforms)).toEqual(size);
      // As libheif reads the same file, to the pixel; and the source turned the same way.
      expect(diff(ours, await libheifDecode(file, dir)), JSON.stringify(transforms)).toBeLessThan(0.05);
      expect(diff(ours, await pngRgba(await expected().png().toBuffer())), JSON.stringify(transforms)).toBeLessThan(1.5);
    }
  });

  it("takes a grid's colours from the grid's own nclx, over what its tiles' stream says", async () => {
    // Tiles coded full range BT.601 whose stream says limited range BT.709; the grid's nclx says the truth.
    const file = join(dir, 'nclx.heic');
    writeFileSync(file, await writeHeic({ png: card, tile: 256, nclx: true, streamSays: { range: 'limited', matrix: 'bt709' } }));
    expect(diff(await decodeImage(file), await pngRgba(card))).toBeLessThan(1.5);
  });

  it('refuses a file whose pictures are not the size it says, or larger than the limit, before or while decoding', async () => {
    // One 256-px tile that says it is 64x64: damaged (not striped, not decoded past what it says).
    const liar = join(dir, 'liar.heic');
    const small = join(dir, 'small.png');
    await sharp(card).extract({ left: 0, top: 0, width: 256, height: 256 }).png().toFile(small);
    writeFileSync(liar, await writeHeic({ png: small, claims: { tile: { width: 64, height: 64 } } }));
    const err = (await decodeImage(liar).catch((e) => e)) as AppError;
    expect(err.code).toBe('INPUT_UNSUPPORTED');
    expect(err.message).toMatch(/not the size it says/);
    // A grid that says it is 100000 x 100000: over the limit, before any tile is decoded.
    const huge = join(dir, 'huge.heic');
    writeFileSync(huge, await writeHeic({ png: card, tile: 256, claims: { grid: { width: 100_000, height: 100_000 } } }));
    expect(((await decodeImage(huge).catch((e) => e)) as AppError).code).toBe('IMAGE_TOO_LARGE');
  });

  it('keeps an alpha plane and converts an ICC profile (Display P3) to sRGB', async () => {
    // A training sprite with exact alpha (third-party, read at run time).
    const sprite = join(dir, 'sprite.png');
    await sharp(join(SHARED_DIR, 'train', 'anime', 'fg', 'amehazu_1.png')).resize(300).png().toFile(sprite);
    const withAlpha = await decodeImage(heifEnc(sprite, join(dir, 'sprite.heic')));
    expect(withAlpha.hasAlpha).toBe(true);
    const reference = await libheifDecode(join(dir, 'sprite.heic'), dir);
    let alphaOff = 0;
    for (let i = 3; i < reference.data.length; i += 4) alphaOff = Math.max(alphaOff, Math.abs(reference.data[i] - withAlpha.data[i]));
    expect(alphaOff).toBeLessThanOrEqual(1);
    const source = await pngRgba(sprite);
    let transparentKept = 0;
    let transparent = 0;
    for (let i = 3; i < source.data.length; i += 4) {
      if (source.data[i] === 0) {
        transparent++;
        if (withAlpha.data[i] <= 2) transparentKept++;
      }
    }
    expect(transparent).toBeGreaterThan(1000);
    expect(transparentKept / transparent).toBeGreaterThan(0.99);

    // The test card's colours in Display P3, with the profile: heif-enc keeps it as colr 'prof'.
    const p3 = join(dir, 'p3.png');
    await sharp(card).withIccProfile('p3').png().toFile(p3);
    const ours = await decodeImage(heifEnc(p3, join(dir, 'p3.heic')));
    expect(diff(ours, await pngRgba(card))).toBeLessThan(2);
    // The file's own numbers, read without the profile (ffmpeg ignores it), are far off: a decoder that dropped it.
    const { stdout: p3Numbers } = await run('ffmpeg', ['-v', 'error', '-i', p3, '-pix_fmt', 'rgba', '-f', 'rawvideo', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    expect(diff({ data: p3Numbers, width: 700, height: 500 }, await pngRgba(card))).toBeGreaterThan(20);
  });

  it('says a damaged HEIC is damaged, and one it cannot read which is it; bytes after its boxes are no harm', async () => {
    const whole = await writeHeic({ png: card, tile: 256, nclx: true });
    // A camera's trailer after the last box: read as before.
    const trailer = join(dir, 'trailer.heic');
    writeFileSync(trailer, Buffer.concat([whole, Buffer.from('SEFH and some bytes a phone left after the boxes')]));
    expect((await decodeImage(trailer)).width).toBe(700);
    // Cut inside its first boxes: damaged (it was once said to be a kind not read).
    const stub = join(dir, 'stub.heic');
    writeFileSync(stub, whole.subarray(0, 200));
    expect(((await decodeImage(stub).catch((e) => e)) as AppError).detail).toMatchObject({ damaged: true });
    const cut = join(dir, 'cut.heic');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const damaged = (await decodeImage(cut).catch((e) => e)) as AppError;
    expect(damaged).toBeInstanceOf(AppError);
    expect(damaged.code).toBe('INPUT_UNSUPPORTED');
    expect(damaged.detail).toMatchObject({ damaged: true, path: cut });

    // The tiles' kind renamed to one no decoder knows: a HEIC, not read here, said so.
    const renamed = Buffer.from(whole);
    const at = renamed.indexOf('hvc1');
    renamed.write('zzz1', at);
    const other = join(dir, 'other.heic');
    writeFileSync(other, renamed);
    const notRead = (await decodeImage(other).catch((e) => e)) as AppError;
    expect(notRead.code).toBe('INPUT_UNSUPPORTED');
    expect(notRead.detail).toMatchObject({ formatNotRead: true, format: 'HEIC' });
  });

  it('makes an ID photo from a portrait that arrives as a turned HEIC, as from the JPEG', { timeout: 120_000 }, async () => {
    // The portrait stored lying on its side with a quarter turn to show it upright, as phones do.
    const portrait = evalFile('id_portraits', 'images', 'hv_test1.jpg');
    const lying = join(dir, 'lying.png');
    await sharp(portrait).rotate(90).png().toFile(lying);
    const heic = join(dir, 'IMG_0001.HEIC');
    writeFileSync(heic, await writeHeic({ png: lying, tile: 512, nclx: true, transforms: [{ irot: 1 }] }));
    const upright: DecodedImage = await decodeImage(heic);
    const jpeg = await decodeImage(portrait);
    expect([upright.width, upright.height]).toEqual([jpeg.width, jpeg.height]);

    const env = { ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR };
    const cli = join(REPO_ROOT, 'bin', 'cutout.mjs');
    const out = join(dir, 'id.jpg');
    const report = join(dir, 'id.json');
    await run(process.execPath, [cli, 'idphoto', heic, '--spec', 'cn-1inch', '--bg', 'blue', '-o', out, '--report', report], { env });
    expect(await sharp(out).metadata()).toMatchObject({ width: 295, height: 413 });
    const fromHeic = JSON.parse(readFileSync(report, 'utf8'));
    await run(process.execPath, [cli, 'idphoto', portrait, '--spec', 'cn-1inch', '--bg', 'blue', '-o', join(dir, 'id-jpeg.jpg'), '--report', join(dir, 'id-jpeg.json')], { env });
    const fromJpeg = JSON.parse(readFileSync(join(dir, 'id-jpeg.json'), 'utf8'));
    // The same face found in the same place: the head's size on the photo within half a millimetre.
    expect(fromHeic.measurements.crownChinMm.pass).toBe(true);
    expect(Math.abs(fromHeic.measurements.crownChinMm.value - fromJpeg.measurements.crownChinMm.value)).toBeLessThan(0.5);
  });
});
