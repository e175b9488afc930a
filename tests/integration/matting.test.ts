// Matting on a real portrait with the real segmenter: full refine, a user trimap with a
// background stroke honoured end to end, and the training-data export of the corrected matte.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/main/core/image/decode';
import { encodeGrayPng } from '../../src/main/core/image/encode';
import { refineMatte } from '../../src/main/core/matting/refine';
import { writeTrainingPairs } from '../../src/main/core/matting/training-data';
import { resolveMaskModel } from '../../src/main/core/pipelines/cutout';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import { stampStroke } from '../../src/shared/trimap-brush';
import { evalFile, tempDir, testEnv } from '../helpers/env';

describe('matting on a real portrait', () => {
  const env = testEnv();

  it("follows a dark JPEG's blocks less with the guide smoothed: its alpha is nearer the truth on made-dark composites", async () => {
    // Three anime_cutout composites, darkened to a quarter and saved as JPEG q80 (as a dim phone
    // photo is); the mask is the truth at 256 px, blurred, so the solve alone is compared.
    const ids = readdirSync(evalFile('anime_cutout', 'images')).sort().slice(0, 3).map((f) => f.replace(/\.jpg$/, ''));
    const sad = { smoothed: 0, own: 0 };
    for (const id of ids) {
      const { data: truth, info } = await sharp(evalFile('anime_cutout', 'alpha', `${id}.png`)).resize({ width: 640, height: 640, fit: 'inside' }).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      const { width: w, height: h } = info;
      const dark = await sharp(evalFile('anime_cutout', 'images', `${id}.jpg`)).resize(w, h, { fit: 'fill' }).linear(0.25, 0).jpeg({ quality: 80 }).toBuffer();
      const image = { data: new Uint8Array(await sharp(dark).ensureAlpha().raw().toBuffer()), width: w, height: h };
      const mask256 = await sharp(truth, { raw: { width: w, height: h, channels: 1 } }).resize(256, 256, { fit: 'fill' }).blur(2).extractChannel(0).raw().toBuffer();
      const mask = Float32Array.from(mask256, (v) => v / 255);
      for (const [key, guideSmoothing] of [['smoothed', undefined], ['own', null]] as const) {
        const r = await refineMatte({ image, mask, maskW: 256, maskH: 256, mode: 'full', shouldEstimateForeground: false, solveOptions: { guideSmoothing } });
        for (let i = 0; i < w * h; i++) sad[key] += Math.abs(r.alpha[i] - truth[i] / 255);
      }
    }
    // Measured: about 6 % lower on such composites of the training set (docs/matting.md).
    expect(sad.smoothed).toBeLessThan(sad.own * 0.99);
  });

  it('solves a full matte, and a brushed background stroke carries through the trimap file into the training labels', async () => {
    const input = evalFile('id_portraits', 'images', 'hv_test1.jpg');
    const image = await decodeImage(input);
    const model = await resolveMaskModel(env, 'person');
    const m = await runMaskModel(image, model, { provider: 'cpu' });
    const full = await refineMatte({ image, mask: m.mask, maskW: m.width, maskH: m.height, mode: 'full' });
    const { width: W, height: H } = image;
    expect(full.solve!.unknownCount).toBeGreaterThan(5000);
    expect(full.solve!.relativeResidual).toBeLessThan(1e-3);
    let soft = 0;
    for (const a of full.alpha) if (a > 0.05 && a < 0.95) soft++;
    expect(soft).toBeGreaterThan(500); // a real soft edge, not a binary cut
    const cx = Math.floor(W / 2);
    const cy = Math.floor(H * 0.35);
    expect(full.alpha[cy * W + cx]).toBe(1);

    // Paint the face as background, save the trimap as the editor would, export training data.
    const trimap = full.trimap!.slice();
    stampStroke(trimap, W, H, { points: [{ x: cx - 30, y: cy }, { x: cx + 30, y: cy }], sizePx: 40, hardness: 1, mode: 'bg' }, full.autoTrimap);
    const dir = tempDir();
    writeFileSync(join(dir, 'hv_test1.png'), await encodeGrayPng(trimap, W, H));
    const { pairs } = await writeTrainingPairs([{ image: input, trimap: join(dir, 'hv_test1.png') }], join(dir, 'out'), { cutout: { subject: 'person', refine: 'full' } }, env);
    expect(pairs[0].labelSource).toBe('trimap');
    expect((await sharp(pairs[0].annotation).metadata()).channels).toBe(1);
    const { data, info } = await sharp(pairs[0].annotation).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([W, H]);
    expect(data[cy * W + cx]).toBe(0); // brushed out
    expect(data[Math.floor(H * 0.9) * W + cx]).toBe(1); // torso stays subject
    expect(data[2 * W + 2]).toBe(0);
    expect(new Set(data).size).toBe(2);
    const img = await sharp(pairs[0].image).metadata();
    expect(img.format).toBe('jpeg');
  });

  it('training pairs: an opaque RGBA or grey+alpha mask is read by its grey levels, a picture over the pixel budget is paired at its working size, and nothing read is written over', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'), { recursive: true });
    mkdirSync(join(dir, 'alphas'));
    const input = join(dir, 'in', 'p.png');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } }).png().toFile(input);
    // The subject: the left quarter, white on black, saved as an editor saves a mask with an opaque alpha.
    const grey = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#000' } }).composite([{ input: { create: { width: 50, height: 100, channels: 3, background: '#fff' } }, left: 0, top: 0 }]).toColourspace('b-w').png().toBuffer();
    const share = async (alpha: Buffer, env = testEnv()) => {
      writeFileSync(join(dir, 'alphas', 'p.png'), alpha);
      const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
      const { pairs, failures } = await writeTrainingPairs([{ image: input, alpha: join(dir, 'alphas', 'p.png') }], out, { cutout: { subject: 'person', refine: 'off' } }, env);
      expect(failures).toEqual([]);
      return pairs[0];
    };
    expect((await share(grey)).foregroundShare).toBeCloseTo(0.25, 3);
    // RGBA and grey+alpha, all opaque: they read as all subject (the alpha channel's 255s).
    expect((await share(await sharp(grey).ensureAlpha(1).toColourspace('srgb').png().toBuffer())).foregroundShare).toBeCloseTo(0.25, 3);
    expect((await share(await sharp(grey).ensureAlpha(1).toColourspace('b-w').png().toBuffer())).foregroundShare).toBeCloseTo(0.25, 3);
    // Over the budget (here 0.005 MP): made at the working size, the alpha resized alike (it was refused IMAGE_TOO_LARGE).
    const small = await share(grey, testEnv({ maxPixels: 5000 }));
    expect(small.downscaled).toEqual({ from: { width: 200, height: 100 }, to: { width: 100, height: 50 } });
    expect((await sharp(small.annotation).metadata()).width).toBe(100);
    expect(small.foregroundShare).toBeCloseTo(0.25, 2);
    // -o holding an input to come (images/p.png), and --alphas inside -o's annotations/: refused before anything is written.
    const out = join(dir, 'ds');
    mkdirSync(join(out, 'images'), { recursive: true });
    copyFileSync(input, join(out, 'images', 'p.png'));
    const before = readFileSync(join(out, 'images', 'p.png'));
    const overInput = writeTrainingPairs([{ image: join(dir, 'in', 'p.png') }, { image: join(out, 'images', 'p.png') }], out, { cutout: { subject: 'person', refine: 'off' }, imageFormat: 'png' }, testEnv());
    await expect(overInput).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: `Refusing to overwrite the input ${join(out, 'images', 'p.png')}; choose another output.` });
    expect(readFileSync(join(out, 'images', 'p.png')).equals(before)).toBe(true);
    mkdirSync(join(out, 'annotations'));
    copyFileSync(join(dir, 'alphas', 'p.png'), join(out, 'annotations', 'p.png'));
    const overAlpha = writeTrainingPairs([{ image: input, alpha: join(out, 'annotations', 'p.png') }], out, { cutout: { subject: 'person', refine: 'off' } }, testEnv());
    await expect(overAlpha).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
  });

  it("training pairs: an earlier export's pair of the same name is replaced whole and said, and an export whose every input fails leaves no folder", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    mkdirSync(join(dir, 'alphas'));
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).png().toFile(join(dir, 'a', 'x.png'));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#204080' } }).png().toFile(join(dir, 'b', 'x.png'));
    const alphaOf = async (width: number, height: number) => {
      await sharp({ create: { width, height, channels: 3, background: '#fff' } }).toColourspace('b-w').png().toFile(join(dir, 'alphas', 'x.png'));
      return join(dir, 'alphas', 'x.png');
    };
    const out = join(dir, 'ds');
    const options = { cutout: { subject: 'person' as const, refine: 'off' as const } };
    const first = await writeTrainingPairs([{ image: join(dir, 'a', 'x.png'), alpha: await alphaOf(64, 48) }], out, options, testEnv());
    expect(first.pairs.map((p) => p.isWrittenOver)).toEqual([false]);
    expect(readdirSync(join(out, 'images'))).toEqual(['x.jpg']);
    // Another picture of the same name, as a PNG pair: the JPEG of the earlier pair goes (one annotation, one picture).
    const second = await writeTrainingPairs([{ image: join(dir, 'b', 'x.png'), alpha: await alphaOf(40, 30) }], out, { ...options, imageFormat: 'png' }, testEnv());
    expect(second.pairs.map((p) => p.isWrittenOver)).toEqual([true]);
    expect(readdirSync(join(out, 'images'))).toEqual(['x.png']);
    expect((await sharp(join(out, 'images', 'x.png')).metadata()).width).toBe(40);
    expect((await sharp(join(out, 'annotations', 'x.png')).metadata()).width).toBe(40);
    // Nothing made: no images/ nor annotations/ (nor the folder) left empty.
    writeFileSync(join(dir, 'not-a-picture.png'), 'text');
    const none = await writeTrainingPairs([{ image: join(dir, 'not-a-picture.png') }], join(dir, 'empty'), options, testEnv());
    expect(none.failures.map((f) => f.code)).toEqual(['INPUT_UNSUPPORTED']);
    expect(existsSync(join(dir, 'empty'))).toBe(false);
  });
});
