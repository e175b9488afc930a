// Bad and unusual inputs to decodeImage: each gets its code; odd colour models normalise to RGBA.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SOURCE_PIXELS } from '../../../../src/shared/errors';
import { corruptText, decodeImage, decodeToWorkOn, isDamagedPicture, fitPixelBudget, isDamagedData, isVideoContainer, oneLine, workingPixelsOf } from '../../../../src/main/core/image/decode';
import { resolveFfmpeg } from '../../../../src/main/core/video/ffmpeg';
import { apngFrameCountOfBytes } from '../../../../src/main/core/image/png-chunk';
import { tinyPng } from '../../../helpers/apng';
import { evalFile, tempDir } from '../../../helpers/env';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

/** A valid PNG signature + IHDR claiming width x height, + one tiny IDAT (a "pixel bomb" header). */
function pngClaiming(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer): number => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

describe('decodeImage bad inputs', () => {
  const dir = tempDir();

  it('0-byte file -> INPUT_UNSUPPORTED naming the file', async () => {
    const p = join(dir, 'empty.jpg');
    writeFileSync(p, '');
    await expect(decodeImage(p)).rejects.toThrow(/empty\.jpg/);
    expect(await codeOf(decodeImage(p))).toBe('INPUT_UNSUPPORTED');
  });

  it('text file named .jpg -> INPUT_UNSUPPORTED', async () => {
    const p = join(dir, 'notes.jpg');
    writeFileSync(p, 'this is not a picture\n'.repeat(20));
    expect(await codeOf(decodeImage(p))).toBe('INPUT_UNSUPPORTED');
  });

  it('a video renamed .jpg is said to be a video by its first bytes (it read "not an image")', async () => {
    const p = join(dir, 'clip.jpg');
    writeFileSync(p, readFileSync(evalFile('person_clips', 'clips', 'liveportrait_driving_d10.mp4')));
    await expect(decodeImage(p)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { video: true } });
    // Sound alone in an MP4 (a voice memo): not a video to make a sticker of, a sound recording.
    const sound = join(dir, 'memo.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', sound]);
    const err = (await decodeImage(sound).catch((e) => e)) as AppError;
    expect(err).toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { unknownFormat: true } });
    expect(err.message).toBe(`${sound} is a sound recording (no picture or video in it), not a picture`);
    // A damaged AVIF names its picture brand: a picture, not a video.
    expect(isVideoContainer(new Uint8Array([0, 0, 0, 28, ...Buffer.from('ftypavif'), 0, 0, 0, 0]))).toBe(false);
    expect(isVideoContainer(new Uint8Array([0, 0, 0, 28, ...Buffer.from('ftypisom'), 0, 0, 0, 0]))).toBe(true);
    expect(isVideoContainer(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(true);
  });

  it('truncated JPEG -> INPUT_UNSUPPORTED', async () => {
    const full = readFileSync(evalFile('id_portraits', 'images', 'hv_test2.jpg'));
    const p = join(dir, 'truncated.jpg');
    writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
    expect(await codeOf(decodeImage(p))).toBe('INPUT_UNSUPPORTED');
    // Said as damaged (a JPEG cut short), which the UI words differently from "not an image".
    expect(await decodeImage(p).catch((e: AppError) => e.detail)).toMatchObject({ damaged: true });
    // Cut inside its header (30 KB of a JPEG with a large header): damaged too, said on one line
    // (libvips repeats its warning once per attempt).
    const early = join(dir, 'early.jpg');
    writeFileSync(early, readFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg')).subarray(0, 30_000));
    const err = (await decodeImage(early).catch((e) => e)) as AppError;
    expect(err).toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { damaged: true } });
    expect(err.message).not.toContain('\n');
    expect(err.message.match(/premature end of JPEG image/g)).toHaveLength(1);
    expect(oneLine('x: a\na\n\nb\r\nb')).toBe('x: a; b');
  });

  it('a TIFF cut short before its directory, and a PNG whose header checksum fails, are damaged pictures, not files of no picture format', async () => {
    const tiff = await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(200).tiff().toBuffer();
    const cutTiff = join(dir, 'cut.tif');
    writeFileSync(cutTiff, tiff.subarray(0, Math.floor(tiff.length * 0.6)));
    const png = Buffer.from(await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(64).png().toBuffer());
    png[16] ^= 0xff; // the IHDR's width: its CRC no longer matches
    const badCrc = join(dir, 'bad-crc.png');
    writeFileSync(badCrc, png);
    for (const p of [cutTiff, badCrc]) {
      const err = (await decodeImage(p).catch((e) => e)) as AppError;
      expect(err).toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { damaged: true } });
      expect(err.message).toMatch(/could not be decoded: it is corrupt or truncated/);
      expect(err.message).not.toMatch(/:\)$/);
    }
    // A text file is still no picture format.
    const text = join(dir, 'notes.tif');
    writeFileSync(text, 'not a picture at all, just some words');
    expect(await decodeImage(text).catch((e: AppError) => e.detail)).toMatchObject({ unknownFormat: true });
  });

  it('JPEG with its data cut or corrupt in the middle -> damaged; harmless extra bytes still decode', async () => {
    const full = readFileSync(evalFile('id_portraits', 'images', 'hv_test1.jpg'));
    const eoi = Buffer.from([0xff, 0xd9]);
    // The scan stops at 60 % and the file ends properly: a lenient decode shows the rest grey.
    const cut = join(dir, 'cut-data.jpg');
    writeFileSync(cut, Buffer.concat([full.subarray(0, Math.floor(full.length * 0.6)), eoi]));
    const cutError = (await decodeImage(cut).catch((e) => e)) as AppError;
    expect(cutError).toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { damaged: true } });
    expect(cutError.message).toMatch(/cut-data\.jpg is damaged.*premature end of data segment/);
    // Garbage written over the middle of the scan.
    const garbled = Buffer.from(full);
    for (let i = 0; i < 200; i++) garbled[Math.floor(full.length / 2) + i] = (i * 37) & 0xff;
    const bad = join(dir, 'garbled.jpg');
    writeFileSync(bad, garbled);
    expect(await decodeImage(bad).catch((e: AppError) => e.detail)).toMatchObject({ damaged: true });
    // Padding before the end marker (common in files from cameras and editors) is not damage.
    const padded = join(dir, 'padded.jpg');
    writeFileSync(padded, Buffer.concat([full.subarray(0, full.length - 2), Buffer.alloc(16), eoi]));
    const image = await decodeImage(padded);
    const whole = await sharp(full).metadata();
    expect([image.width, image.height]).toEqual([whole.width, whole.height]);
    expect(isDamagedData('VipsJpeg: Corrupt JPEG data: 16 extraneous bytes before marker 0xd9')).toBe(false);
    expect(isDamagedData('VipsJpeg: Corrupt JPEG data: found marker 0xd9 instead of RST3')).toBe(true);
    expect(isDamagedData('some PNG warning')).toBe(false);
  });

  it('PNG whose header claims 20000x20000 -> IMAGE_TOO_LARGE before decoding', async () => {
    const p = join(dir, 'bomb.png');
    writeFileSync(p, pngClaiming(20000, 20000));
    const err = await decodeImage(p).catch((e) => e as AppError);
    expect((err as AppError).code).toBe('IMAGE_TOO_LARGE');
    expect((err as AppError).message).toMatch(/20000x20000/);
  });

  it('a BMP (which libvips has no loader for) is decoded by ffmpeg: 24-bit, palette, 32-bit with alpha and without; a damaged or huge one is said so', async () => {
    const card = join(dir, 'card.png');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=128x80', '-vf', 'format=rgb24,crop=97:61:0:0', '-frames:v', '1', card]);
    const source = await decodeImage(card);
    const bmpOf = (pixFmt: string, name: string, input = card): string => {
      const out = join(dir, name);
      execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', '-i', input, '-pix_fmt', pixFmt, out]);
      return out;
    };
    // 24-bit: the PNG's pixels exactly (an odd width: each row padded to 4 bytes).
    const rgb = await decodeImage(bmpOf('bgr24', 'card.bmp'));
    expect(rgb).toMatchObject({ width: 97, height: 61, format: 'bmp', hasAlpha: false });
    expect(Buffer.from(rgb.data).equals(Buffer.from(source.data))).toBe(true);
    // Its size from the header alone, as a batch weighs its inputs.
    expect(await workingPixelsOf(join(dir, 'card.bmp'), 1e9)).toBe(97 * 61);
    // 8-bit with a palette: its colours are the palette's, each close to the source's.
    const pal = await decodeImage(bmpOf('pal8', 'pal.bmp'));
    let off = 0;
    for (let i = 0; i < pal.data.length; i++) off += Math.abs(pal.data[i] - source.data[i]);
    expect(off / pal.data.length).toBeLessThan(6);
    // 32-bit with alpha: kept. The card with a see-through left half.
    const half = join(dir, 'half.png');
    const halfRgba = Buffer.from(source.data);
    for (let i = 0; i < 97 * 61; i++) if (i % 97 < 48) halfRgba[i * 4 + 3] = 0;
    await sharp(halfRgba, { raw: { width: 97, height: 61, channels: 4 } }).png().toFile(half);
    const withAlpha = await decodeImage(bmpOf('bgra', 'alpha.bmp', half));
    expect(withAlpha.hasAlpha).toBe(true);
    expect([withAlpha.data[3], withAlpha.data[60 * 4 + 3]]).toEqual([0, 255]);
    // 32-bit whose alpha is all 0 (as many writers leave it): opaque, not invisible.
    const zero = join(dir, 'zero.bmp');
    const rgbaBmp = readFileSync(bmpOf('bgra', 'opaque32.bmp'));
    const offset = rgbaBmp.readUInt32LE(10);
    for (let i = offset + 3; i < rgbaBmp.length; i += 4) rgbaBmp[i] = 0;
    writeFileSync(zero, rgbaBmp);
    const unused = await decodeImage(zero);
    expect(unused.hasAlpha).toBe(false);
    expect(Buffer.from(unused.data).equals(Buffer.from(source.data))).toBe(true);

    // Cut short: damaged. A header claiming 20000x20000: too large, before any decoding.
    const whole = readFileSync(join(dir, 'card.bmp'));
    writeFileSync(join(dir, 'cut.bmp'), whole.subarray(0, 2000));
    const cut = (await decodeImage(join(dir, 'cut.bmp')).catch((e) => e)) as AppError;
    expect(cut.code).toBe('INPUT_UNSUPPORTED');
    expect(cut.detail).toMatchObject({ damaged: true });
    const huge = Buffer.from(whole);
    huge.writeInt32LE(20000, 18);
    huge.writeInt32LE(20000, 22);
    writeFileSync(join(dir, 'huge.bmp'), huge);
    expect(await codeOf(decodeImage(join(dir, 'huge.bmp')))).toBe('IMAGE_TOO_LARGE');
    // A text file named .bmp is no picture (not "a BMP this app cannot read").
    writeFileSync(join(dir, 'text.bmp'), 'not a picture at all');
    const text = (await decodeImage(join(dir, 'text.bmp')).catch((e) => e)) as AppError;
    expect(text.code).toBe('INPUT_UNSUPPORTED');
    expect(text.detail).toMatchObject({ unknownFormat: true });
    // In words, not libvips' "(Input file contains unsupported image format)": it holds text.
    expect(text.message).toBe(`${join(dir, 'text.bmp')} is not a picture: it holds text`);
    // Bytes of no picture format and no text: said as such.
    writeFileSync(join(dir, 'noise.jpg'), Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 151 + 7) % 256)));
    const noise = (await decodeImage(join(dir, 'noise.jpg')).catch((e) => e)) as AppError;
    expect([noise.code, noise.detail]).toMatchObject(['INPUT_UNSUPPORTED', { unknownFormat: true }]);
    expect(noise.message).toBe(`${join(dir, 'noise.jpg')} is not an image this app can read: its content is in no picture format the app knows, whatever its name says (it may be another kind of file renamed, or damaged from its first bytes)`);
  });

  it('missing file -> INPUT_NOT_FOUND', async () => {
    expect(await codeOf(decodeImage(join(dir, 'nope.png')))).toBe('INPUT_NOT_FOUND');
  });
});

describe('pictures over the pixel budget', () => {
  const dir = tempDir();

  it('fitPixelBudget keeps the aspect and stays within the budget', () => {
    // A 108 MP phone photo at the 80 MP default.
    const phone = fitPixelBudget(12000, 9000, DEFAULT_MAX_PIXELS);
    expect(phone.width * phone.height).toBeLessThanOrEqual(DEFAULT_MAX_PIXELS);
    expect(phone.width * phone.height).toBeGreaterThan(DEFAULT_MAX_PIXELS * 0.999);
    expect(phone.width / phone.height).toBeCloseTo(12000 / 9000, 3);
    // Never larger than the picture: within the budget it is its own size.
    expect(fitPixelBudget(640, 480, 1_000_000)).toEqual({ width: 640, height: 480 });
    for (const [w, h, budget] of [[3, 1_000_000, 1000], [1_000_000, 2, 999], [1001, 999, 1_000_000], [7, 5, 34], [4000, 3000, 10_000_000]]) {
      const f = fitPixelBudget(w, h, budget);
      expect(f.width * f.height).toBeLessThanOrEqual(budget);
      expect(f.width).toBeGreaterThanOrEqual(1);
      expect(f.height).toBeGreaterThanOrEqual(1);
      expect(f.width).toBeLessThanOrEqual(w);
      expect(f.height).toBeLessThanOrEqual(h);
    }
  });

  it('is refused by decodeImage, and downscaled to fit by decodeToWorkOn with its own size said', async () => {
    const p = join(dir, 'big.png');
    // Left half red, right half blue, so the downscaled picture can be checked for what it shows.
    const w = 1600;
    const h = 900;
    const rgb = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) rgb[i * 3 + ((i % w) < w / 2 ? 0 : 2)] = 255;
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(p);
    const budget = 360_000;
    const refused = await decodeImage(p, { maxPixels: budget }).catch((e) => e as AppError);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('IMAGE_TOO_LARGE');

    const img = await decodeToWorkOn(p, budget);
    expect(img.width * img.height).toBeLessThanOrEqual(budget);
    expect([img.width, img.height]).toEqual([800, 450]);
    expect(img.downscaledFrom).toEqual({ width: w, height: h });
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
    expect(at(100, 200)).toEqual([255, 0, 0, 255]);
    expect(at(700, 200)).toEqual([0, 0, 255, 255]);
    // Within the budget nothing changes and nothing is said.
    const small = await decodeToWorkOn(p, w * h);
    expect([small.width, small.height, small.downscaledFrom]).toEqual([w, h, undefined]);
  });

  it('is downscaled at its shown orientation (EXIF 6: 400x200 pixels shown 200x400)', async () => {
    const p = join(dir, 'rotated-big.jpg');
    await sharp({ create: { width: 400, height: 200, channels: 3, background: '#00ff00' } }).jpeg().withMetadata({ orientation: 6 }).toFile(p);
    const img = await decodeToWorkOn(p, 20_000);
    expect([img.width, img.height]).toEqual([100, 200]);
    expect(img.downscaledFrom).toEqual({ width: 200, height: 400 });
  });

  it('past the largest picture taken (a 20000x20000 header) is still IMAGE_TOO_LARGE, naming that limit', async () => {
    const p = join(dir, 'bomb-again.png');
    writeFileSync(p, pngClaiming(20000, 20000));
    const err = (await decodeToWorkOn(p, undefined).catch((e) => e)) as AppError;
    expect(err.code).toBe('IMAGE_TOO_LARGE');
    expect(err.detail).toMatchObject({ maxPixels: DEFAULT_MAX_SOURCE_PIXELS });
    expect(err.message).toMatch(/the limit is 320 MP/);
    // Just over the limit, the size is said with the decimals that show it ("320.0 MP" read as within).
    const just = join(dir, 'just-over.png');
    writeFileSync(just, pngClaiming(16000, 20001));
    expect(((await decodeToWorkOn(just, undefined).catch((e) => e)) as AppError).message).toMatch(/\(320\.016 MP\); the limit is 320 MP/);
  });
});

describe('decodeImage normalisation', () => {
  const dir = tempDir();

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const p = join(dir, 'rotated.jpg');
    // 40x20 landscape pixels, tagged "rotate 90": a viewer shows it 20x40 portrait.
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } }).jpeg().withMetadata({ orientation: 6 }).toFile(p);
    const img = await decodeImage(p);
    expect([img.width, img.height]).toEqual([20, 40]);
  });

  it('turns greyscale, 16-bit, palette, CMYK and alpha inputs into 8-bit RGBA', async () => {
    const grey = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).toColourspace('b-w').png().toBuffer();
    const sixteen = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff8000' } }).toColourspace('rgb16').png().toBuffer();
    const palette = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } }).png({ palette: true }).toBuffer();
    const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } }).toColourspace('cmyk').jpeg().toBuffer();
    const alpha = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    for (const [name, buf] of Object.entries({ grey, sixteen, palette, cmyk, alpha })) {
      const img = await decodeImage(buf, { name });
      expect(img.data.length, name).toBe(8 * 8 * 4);
      expect(img.data).toBeInstanceOf(Uint8Array);
    }
    expect([...(await decodeImage(grey)).data.subarray(0, 4)]).toEqual([128, 128, 128, 255]);
    const s = (await decodeImage(sixteen)).data;
    expect(s[0]).toBe(255);
    expect(Math.abs(s[1] - 128)).toBeLessThanOrEqual(1);
    const c = (await decodeImage(cmyk)).data;
    // sRGB blue is outside the CMYK gamut: it comes back as a darker blue, still clearly blue.
    expect(c[2]).toBeGreaterThan(c[0] + 80);
    expect(c[2]).toBeGreaterThan(c[1] + 50);
    const a = await decodeImage(alpha);
    expect(a.hasAlpha).toBe(true);
    expect(Math.abs(a.data[3] - 128)).toBeLessThanOrEqual(1);
  });

  it("keeps a 16-bit picture's colours by its profile: sRGB or Display P3, as an 8-bit one's (they read P3 numbers as sRGB)", async () => {
    const patch = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toBuffer();
    for (const profile of ['srgb', 'p3']) {
      for (const depth of ['8-bit', '16-bit']) {
        const made = depth === '16-bit' ? sharp(patch).toColourspace('rgb16') : sharp(patch);
        const file = await made.withIccProfile(profile).png().toBuffer();
        expect(Boolean((await sharp(file).metadata()).icc), `${profile} ${depth}`).toBe(true);
        const [r, g, b] = (await decodeImage(file)).data;
        for (const [got, want] of [[r, 200], [g, 100], [b, 50]]) expect(Math.abs(got - want), `${profile} ${depth}: ${[r, g, b]}`).toBeLessThanOrEqual(2);
      }
    }
    // 16-bit without a profile is taken as sRGB, as it was.
    expect([...(await decodeImage(await sharp(patch).toColourspace('rgb16').png().toBuffer())).data.subarray(0, 3)]).toEqual([200, 100, 50]);
  });
});

describe('colour subsampling', () => {
  it('is said for a JPEG at 4:2:0, not at 4:4:4, not for a PNG, nor once shrunk to half by the budget', async () => {
    const scene = sharp({ create: { width: 400, height: 200, channels: 3, background: '#c04080' } });
    const half = await scene.clone().jpeg({ chromaSubsampling: '4:2:0' }).toBuffer();
    const whole = await scene.clone().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer();
    const png = await scene.clone().png().toBuffer();
    expect((await decodeImage(half)).isColourSubsampled).toBe(true);
    expect((await decodeImage(whole)).isColourSubsampled).toBeUndefined();
    expect((await decodeImage(png)).isColourSubsampled).toBeUndefined();
    // To 200x100 (a quarter of the pixels): its colour is whole again. A little smaller it is not.
    expect((await decodeToWorkOn(half, 200 * 100)).isColourSubsampled).toBeUndefined();
    expect((await decodeToWorkOn(half, 300 * 150)).isColourSubsampled).toBe(true);
  });
});

describe('an animated PNG', () => {
  it('counts its frames from its acTL chunk (sharp reads the first alone): a still PNG and what is no PNG have none', async () => {
    const still = tinyPng(false);
    const animated = tinyPng(true);
    expect(await apngFrameCountOfBytes(animated)).toBe(2);
    expect(await apngFrameCountOfBytes(still)).toBeNull();
    expect(await apngFrameCountOfBytes(Buffer.from('GIF89a'))).toBeNull();
    // Decoded: its first frame, with its frames counted (a cut-out says only the first was cut out).
    const path = join(tempDir(), 'two.png');
    writeFileSync(path, animated);
    expect(await decodeImage(path)).toMatchObject({ width: 2, height: 2, pages: 2, format: 'png' });
    expect((await decodeImage(still)).pages).toBeUndefined();
  });
});

describe('a damaged picture as libvips refuses it', () => {
  const jpegHead = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
  it('is damaged where libvips says it is cut short, or where a picture format it reads fails, its error text lost too', () => {
    expect(isDamagedPicture('VipsJpeg: premature end of JPEG image', new Uint8Array(12))).toBe(true);
    // libvips' error text is one per process: beside other files in a batch, a cut-short JPEG read "Unknown error".
    expect(isDamagedPicture('Unknown error', jpegHead)).toBe(true);
    expect(isDamagedPicture('Input file contains unsupported image format', jpegHead)).toBe(true);
    // Not of a file that begins as no picture: that is another kind of file.
    expect(isDamagedPicture('Unknown error', new TextEncoder().encode('hello, not a picture'))).toBe(false);
  });

  it('is said with libvips\' words, but for its "Unknown error"', () => {
    expect(corruptText('a.jpg', 'VipsJpeg: premature end of JPEG image')).toBe('a.jpg could not be decoded: it is corrupt or truncated (VipsJpeg: premature end of JPEG image)');
    expect(corruptText('a.jpg', 'Unknown error')).toBe('a.jpg could not be decoded: it is corrupt or truncated');
  });
});
