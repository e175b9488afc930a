// Portrait cut-out end to end on real eval portraits with the real models and sharp.
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { RefinePool } from '../../src/main/core/batch/refine-pool';
import { runRefineTask } from '../../src/main/core/batch/refine-task';
import { cutoutImage, cutoutToFile, encodeCutout, REFINE_IN_WORKER_MIN_PIXELS, resolveMaskModel } from '../../src/main/core/pipelines/cutout';
import { estimateForeground } from '../../src/main/core/matting/foreground';
import { jpegAppMarkers, readJpegDpi } from '../../src/main/core/image/jpeg-header';
import { readPngDpi } from '../../src/main/core/image/png-chunk';
import { REFINE_STEPS } from '../../src/main/core/matting/refine';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import type { ProgressEvent } from '../../src/main/core/progress';
import { TRIMAP_LABEL } from '../../src/shared/trimap-brush';
import { evalFile, maskAlphaDifferences, tempDir, testEnv } from '../helpers/env';

describe('portrait cut-out', () => {
  const env = testEnv();

  it('writes a transparent PNG whose corners are clear and whose centre is opaque', async () => {
    const out = join(tempDir(), 'hv_test1.png');
    const r = await cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), out, { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' }, env);
    expect(r.provider).toBe('cpu');
    expect(r.modelId).toBe('mediapipe-selfie');
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect([info.width, info.height]).toEqual([r.width, r.height]);
    const alphaAt = (x: number, y: number): number => data[(y * info.width + x) * 4 + 3];
    expect(alphaAt(2, 2)).toBe(0);
    expect(alphaAt(info.width - 3, 2)).toBe(0);
    // The face sits in the middle of the upper half of this portrait.
    expect(alphaAt(Math.floor(info.width / 2), Math.floor(info.height * 0.35))).toBe(255);
  });

  it("keeps the picture's density (a 300-dpi scan placed beside its cut-out was 4.2× too big at 72), halved with the export size; on a colour, no alpha channel", async () => {
    const dir = tempDir();
    const scan = join(dir, 'scan.jpg');
    await sharp(evalFile('id_portraits', 'images', 'hv_test1.jpg')).withMetadata({ density: 300 }).jpeg().toFile(scan);
    const options = { subject: 'person' as const, background: { kind: 'transparent' as const }, refine: 'off' as const };
    const png = await cutoutToFile(scan, join(dir, 'cut.png'), options, env);
    expect(readPngDpi(readFileSync(png.output))).toBe(300);
    expect((await sharp(png.output).metadata()).channels).toBe(4);
    const mask = await cutoutToFile(scan, join(dir, 'mask.png'), { ...options, mask: true }, env);
    expect(readPngDpi(readFileSync(mask.output))).toBe(300);
    // Half the width at half the density: the same size in inches. JPEG in its JFIF, no EXIF come with it.
    const half = await cutoutToFile(scan, join(dir, 'half.jpg'), { ...options, background: { kind: 'color' as const, hex: '#438EDB' }, maxSidePx: Math.ceil(png.width / 2) }, env);
    const jpeg = new Uint8Array(readFileSync(half.output));
    expect(readJpegDpi(jpeg)).toBeCloseTo((300 * half.width) / png.width, 0);
    expect(jpegAppMarkers(jpeg)).toEqual([0xe0]);
    // On a colour the cut-out is opaque: RGB (it was RGBA, every alpha 255), in PNG and WebP.
    for (const ext of ['png', 'webp']) {
      const onBlue = await cutoutToFile(scan, join(dir, `blue.${ext}`), { ...options, background: { kind: 'color' as const, hex: '#438EDB' } }, env);
      expect((await sharp(onBlue.output).metadata()).hasAlpha).toBe(false);
    }
    // A picture that says no density (hv_test1's JFIF an aspect ratio only, which sharp reads as 72) is written at 72, as before, smaller too (it said 36).
    const plain = await cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), join(dir, 'plain.png'), { ...options, maxSidePx: 300 }, env);
    expect(readPngDpi(readFileSync(plain.output))).toBe(72);
    // A transparent cut-out stays RGBA whatever its matte; on a colour, RGB only where nothing shows through.
    const full = { data: new Uint8Array(4 * 4 * 4).fill(255), width: 4, height: 4 };
    expect((await sharp(await encodeCutout(full, { format: 'png' })).metadata()).channels).toBe(4);
    expect((await sharp(await encodeCutout(full, { format: 'png', isOnBackground: true })).metadata()).channels).toBe(3);
    full.data[3] = 128;
    expect((await sharp(await encodeCutout(full, { format: 'webp', isOnBackground: true })).metadata()).hasAlpha).toBe(true);
  });

  it("refuses a WebP wider than WebP holds before the model runs (a panorama: it failed INTERNAL after the work), and writes it as PNG or at a smaller export size", async () => {
    const dir = tempDir();
    const strip = join(dir, 'strip.jpg');
    await sharp(evalFile('id_portraits', 'images', 'hv_test1.jpg')).resize(16400, 48, { fit: 'fill' }).jpeg().toFile(strip);
    const progress: string[] = [];
    const options = { subject: 'person' as const, background: { kind: 'transparent' as const }, refine: 'off' as const };
    await expect(cutoutToFile(strip, join(dir, 'strip.webp'), options, env, { onProgress: (e) => progress.push(e.stage) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/A WebP is at most 16383 px a side, and this picture is 16400x48/) });
    expect(progress).not.toContain('segment');
    expect(readdirSync(dir)).toEqual(['strip.jpg']);
    expect((await cutoutToFile(strip, join(dir, 'strip.png'), options, env)).width).toBe(16400);
    const smaller = await cutoutToFile(strip, join(dir, 'small.webp'), { ...options, maxSidePx: 8000 }, env);
    expect((await sharp(smaller.output).metadata()).width).toBe(8000);
    // Past a JPEG's 65535 px as well (it failed "INTERNAL: Processed image is too large for the JPEG format"): PNG alone is offered.
    const longer = join(dir, 'longer.png');
    await sharp({ create: { width: 65600, height: 8, channels: 3, background: '#808080' } }).png().toFile(longer);
    progress.length = 0;
    for (const [out, text] of [['longer.jpg', 'A JPEG is at most 65535 px a side, and this picture is 65600x8: save it as PNG'], ['longer.webp', 'A WebP is at most 16383 px a side, and this picture is 65600x8: save it as PNG']]) {
      await expect(cutoutToFile(longer, join(dir, out), options, env, { onProgress: (e) => progress.push(e.stage) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: text });
    }
    expect(progress).not.toContain('segment');
  });

  it('refuses options a page or an API client sends that it cannot make, before any work (a GIF failed as a write error after it, unknown edges were taken unsaid)', async () => {
    const dir = tempDir();
    const input = evalFile('id_portraits', 'images', 'hv_test1.jpg');
    const options = { subject: 'person' as const, background: { kind: 'transparent' as const }, refine: 'fast' as const };
    for (const [bad, said] of [
      [{ format: 'gif' }, 'A cut-out is written as png, jpeg or webp, not gif'],
      [{ refine: 'bogus' }, 'refine must be off, fast or full, got "bogus"'],
      [{ maxSidePx: 100.5 }, 'Export size must be a whole number of pixels ≥ 16, got 100.5'],
    ] as const) {
      const progress: string[] = [];
      await expect(cutoutToFile(input, join(dir, 'x.png'), { ...options, ...bad } as never, env, { onProgress: (e) => progress.push(e.stage) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: said });
      expect(progress).toEqual([]);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the matte alone as a greyscale PNG (mask): the transparent cut-out\'s alpha, byte for byte, at the export size too', async () => {
    const dir = tempDir();
    const input = evalFile('id_portraits', 'images', 'df_img1.jpg');
    for (const maxSidePx of [undefined, 300]) {
      const cut = await cutoutToFile(input, join(dir, `cut${maxSidePx}.png`), { subject: 'person', background: { kind: 'transparent' }, refine: 'full', maxSidePx }, env);
      const mask = await cutoutToFile(input, join(dir, `mask${maxSidePx}.png`), { subject: 'person', background: { kind: 'transparent' }, refine: 'full', maxSidePx, mask: true }, env);
      expect([mask.width, mask.height]).toEqual([cut.width, cut.height]);
      const meta = await sharp(mask.output).metadata();
      expect([meta.format, meta.channels, meta.space, meta.hasAlpha]).toEqual(['png', 1, 'b-w', false]);
      const grey = await sharp(mask.output).extractChannel(0).raw().toBuffer();
      expect(grey.length).toBe(cut.width * cut.height);
      expect(await maskAlphaDifferences(mask.output, cut.output)).toBe(0);
      // White where the person is, black where not, grey at the soft edge.
      const counts = { white: 0, black: 0, grey: 0 };
      for (const v of grey) counts[v === 255 ? 'white' : v === 0 ? 'black' : 'grey']++;
      expect(counts.white).toBeGreaterThan(0.2 * grey.length);
      expect(counts.black).toBeGreaterThan(0.2 * grey.length);
      expect(counts.grey).toBeGreaterThan(0);
    }
    // A mask has no background, and is a PNG: refused before any work, nothing written.
    await expect(cutoutToFile(input, join(dir, 'blue.png'), { subject: 'person', background: { kind: 'color', hex: '#438EDB' }, refine: 'off', mask: true }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^A mask is the matte alone: it has no background/) });
    await expect(cutoutToFile(input, join(dir, 'm.jpg'), { subject: 'person', background: { kind: 'transparent' }, refine: 'off', mask: true }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^A mask is written as a PNG/) });
    await expect(cutoutToFile(input, join(dir, 'named.jpg'), { subject: 'person', background: { kind: 'transparent' }, refine: 'off', format: 'png', mask: true }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/name it \.png, not \.jpg/) });
    await expect(cutoutToFile(input, join(dir, 'yes.png'), { subject: 'person', background: { kind: 'transparent' }, refine: 'off', mask: 'yes' as never }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'mask must be true or false, got "yes"' });
    expect(readdirSync(dir).sort()).toEqual(['cut300.png', 'cutundefined.png', 'mask300.png', 'maskundefined.png']);
  });

  it('a mask estimates no foreground colours (isAlphaOnly): the same alpha, the picture\'s own RGB, in the thread and in a worker', async () => {
    // A real portrait at a small size and its real mask, so fast and full have hair edges to estimate.
    const small = await sharp(evalFile('id_portraits', 'images', 'hv_test2.jpg')).rotate().resize(400, 400, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { data: new Uint8Array(small.data), width: small.info.width, height: small.info.height };
    const mask = await runMaskModel(image, await resolveMaskModel(env, 'person'));
    const pool = new RefinePool(1);
    try {
      for (const mode of ['fast', 'full'] as const) {
        const task = { ...image, mask: mask.mask, maskW: mask.width, maskH: mask.height, mode, background: { kind: 'transparent' as const } };
        const estimated = await runRefineTask(task);
        for (const alphaOnly of [await runRefineTask({ ...task, isAlphaOnly: true }), await pool.run({ ...task, isAlphaOnly: true })]) {
          const sameRgb = (a: Uint8Array, o: number) => a[o] === image.data[o] && a[o + 1] === image.data[o + 1] && a[o + 2] === image.data[o + 2];
          let alphaDiffers = 0;
          let notOwnRgb = 0;
          let soft = 0;
          let moved = 0;
          for (let o = 0; o < image.data.length; o += 4) {
            if (alphaOnly.data[o + 3] !== estimated.data[o + 3]) alphaDiffers++;
            if (estimated.data[o + 3] === 0) continue;
            if (!sameRgb(alphaOnly.data, o)) notOwnRgb++;
            if (estimated.data[o + 3] < 255) soft++;
            if (!sameRgb(estimated.data, o)) moved++;
          }
          expect([alphaDiffers, notOwnRgb]).toEqual([0, 0]);
          // The picture has a soft edge whose colours the estimate changes (so skipping it is seen).
          expect(soft).toBeGreaterThan(100);
          expect(moved).toBeGreaterThan(100);
          expect(alphaOnly.unsureShare).toBe(estimated.unsureShare);
        }
      }
    } finally {
      await pool.close();
    }
  });

  it('flattens on ID blue for JPEG with the SINet model', async () => {
    const out = join(tempDir(), 'blue.jpg');
    const r = await cutoutToFile(evalFile('id_portraits', 'images', 'hv_test2.jpg'), out, { subject: 'person', modelId: 'sinet', background: { kind: 'color', hex: '#438EDB' }, refine: 'fast' }, env);
    expect(r.modelId).toBe('sinet');
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('jpeg');
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    // Top-left corner is background: ID blue within JPEG error.
    expect(Math.abs(data[0] - 0x43)).toBeLessThan(12);
    expect(Math.abs(data[1] - 0x8e)).toBeLessThan(12);
    expect(Math.abs(data[2] - 0xdb)).toBeLessThan(12);
  });
  it('with raw edges tells no refine stage (the mask is only scaled): the app does not say "Refining edges"', async () => {
    const events: ProgressEvent[] = [];
    const out = join(tempDir(), 'raw.png');
    await cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), out, { subject: 'person', background: { kind: 'transparent' }, refine: 'off' }, env, { onProgress: (e) => events.push(e) });
    const stages = events.map((e) => e.stage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(stages).toEqual(['decode', 'segment', 'composite', 'encode']);
    expect((await sharp(out).metadata()).channels).toBe(4);
  });

  it('places the cut-out on a picture: the picture shows around the person, the person stays', async () => {
    const dir = tempDir();
    // A wide picture, red | green | blue: covering a portrait keeps its green middle band.
    const band = 400;
    const raw = Buffer.alloc(band * 3 * 300 * 3);
    for (let i = 0; i < band * 3 * 300; i++) raw[i * 3 + Math.floor((i % (band * 3)) / band)] = 255;
    const picture = join(dir, 'scenery.png');
    await sharp(raw, { raw: { width: band * 3, height: 300, channels: 3 } }).png().toFile(picture);
    const out = join(dir, 'on-picture.png');
    const r = await cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), out, { subject: 'person', background: { kind: 'image', path: picture }, refine: 'fast' }, env);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([r.width, r.height]);
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    // The top corners are background: the green band, opaque.
    expect(at(2, 2)).toEqual([0, 255, 0]);
    expect(at(info.width - 3, 2)).toEqual([0, 255, 0]);
    if (info.channels === 4) expect(data[3]).toBe(255);
    // The face is the person's, not the picture.
    const [fr, fg] = at(Math.floor(info.width / 2), Math.floor(info.height * 0.35));
    expect(fr).toBeGreaterThan(fg);
  });
});

describe('a wide picture of people', () => {
  const env = testEnv();

  it('three full-length people side by side (2.06:1) are each cut out, seen in windows (stretched whole, none was)', async () => {
    // Three ccp_person photos, each 550 x 800, with their ground truth.
    const [W, H] = [550, 800];
    const ids = ['ccp_0022', 'ccp_0066', 'ccp_0097'];
    const fit = (file: string) => sharp(file).resize(W, H, { fit: 'cover', position: 'top' });
    const photos = await Promise.all(ids.map((id) => fit(evalFile('ccp_person', 'images', `${id}.jpg`)).removeAlpha().raw().toBuffer()));
    const truths = await Promise.all(ids.map((id) => fit(evalFile('ccp_person', 'masks', `${id}.png`)).extractChannel(0).raw().toBuffer()));
    const file = join(tempDir(), 'three.png');
    await sharp({ create: { width: 3 * W, height: H, channels: 3, background: '#ffffff' } })
      .composite(photos.map((input, i) => ({ input, raw: { width: W, height: H, channels: 3 as const }, left: i * W, top: 0 })))
      .png()
      .toFile(file);
    const r = await cutoutImage(file, { subject: 'person', background: { kind: 'transparent' }, refine: 'off' }, env);
    const ious = truths.map((truth, k) => {
      let both = 0;
      let either = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const [a, g] = [r.alpha[y * 3 * W + k * W + x] > 0.5, truth[y * W + x] > 127];
          if (a && g) both++;
          if (a || g) either++;
        }
      }
      return both / either;
    });
    // Measured 0.94, 0.89, 0.94 (each photo alone: 0.96, 0.95, 0.96); 0.000 each when stretched whole.
    for (const iou of ious) expect(iou).toBeGreaterThan(0.85);
  });
});

describe('haze apart from the subject', () => {
  const env = testEnv();
  // ccp_0516: MediaPipe half-believes a patch of the street right of the woman's coat
  // (x 445..504, y 299..434 of 550 x 809); nothing solid links it to her.
  const patch = { x0: 445, y0: 299, x1: 505, y1: 435 };
  const maxIn = (alpha: Float32Array, width: number) => {
    let m = 0;
    for (let y = patch.y0; y < patch.y1; y++) for (let x = patch.x0; x < patch.x1; x++) m = Math.max(m, alpha[y * width + x]);
    return m;
  };

  it('is dropped by the fast and full edges, the person kept; raw edges keep what the model said', async () => {
    const file = evalFile('ccp_person', 'images', 'ccp_0516.jpg');
    const raw = await cutoutImage(file, { subject: 'person', background: { kind: 'transparent' }, refine: 'off' }, env);
    expect(maxIn(raw.alpha, raw.source.width)).toBeGreaterThan(0.3);
    for (const refine of ['fast', 'full'] as const) {
      const r = await cutoutImage(file, { subject: 'person', background: { kind: 'transparent' }, refine }, env);
      expect(maxIn(r.alpha, r.source.width), refine).toBe(0);
      // The person is there: her chest (the striped top) is opaque.
      expect(r.alpha[330 * r.source.width + 300], refine).toBeGreaterThan(0.99);
    }
  });
});

describe('edge colours', () => {
  const env = testEnv();

  it("keeps no pink on dark hair's edge against a pink sign (df_img2, a 4:2:0 JPEG: its colour bleeds)", async () => {
    const r = await cutoutImage(evalFile('id_portraits', 'images', 'df_img2.jpg'), { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env);
    expect(r.source.isColourSubsampled).toBe(true);
    const kept = estimateForeground(r.source, r.alpha, { shouldRemoveTint: false }).data;
    const W = r.source.width;
    // The hair's right edge over the sign (x 640-740, y 30-240): how much redder than green the
    // edge pixels are, beyond the hair's own (its opaque pixels 4 px or more inside the edge).
    const isDeep = (x: number, y: number) => {
      for (let v = -4; v <= 4; v++) for (let u = -4; u <= 4; u++) if (r.alpha[(y + v) * W + x + u] < 1) return false;
      return true;
    };
    let n = 0, redKept = 0, redMade = 0, deep = 0, redDeep = 0;
    for (let y = 30; y < 240; y++) {
      for (let x = 640; x < 740; x++) {
        const i = y * W + x;
        if (r.alpha[i] >= 1 && isDeep(x, y)) {
          deep++;
          redDeep += kept[i * 4] - kept[i * 4 + 1];
        }
        if (r.alpha[i] < 0.3 || r.alpha[i] >= 1) continue;
        n++;
        redKept += kept[i * 4] - kept[i * 4 + 1];
        redMade += r.foreground.data[i * 4] - r.foreground.data[i * 4 + 1];
      }
    }
    expect(n).toBeGreaterThan(200);
    expect(deep).toBeGreaterThan(1000);
    const own = redDeep / deep;
    // Without the tint removal the edge is 7 redder than the hair (11.9 against 4.7); with it 3.3.
    expect(redKept / n - own).toBeGreaterThan(5);
    expect(redMade / n - own).toBeLessThan((redKept / n - own) * 0.6);
  });
});

describe('a touch-up', () => {
  const env = testEnv();
  it('changes the cut-out where it was painted: the rest of the picture is solved as without it (its file leaves it to the automatic trimap)', async () => {
    const path = evalFile('id_portraits', 'images', 'df_img2.jpg');
    const plain = await cutoutImage(path, { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env);
    const W = plain.source.width;
    const H = plain.source.height;
    // One Keep dab (radius 12) on the soft hair edge: the first half-transparent pixel from the top, in the middle third.
    const r = 12;
    let at = -1;
    for (let i = 0; i < W * H && at < 0; i++) if (i % W > W / 3 && i % W < (2 * W) / 3 && Math.floor(i / W) > r && plain.alpha[i] > 0.3 && plain.alpha[i] < 0.7) at = i;
    const [cx, cy] = [at % W, Math.floor(at / W)];
    const touchUp = async (trimap: Uint8Array) => {
      for (let y = cy - r; y <= cy + r; y++) for (let x = cx - r; x <= cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) trimap[y * W + x] = TRIMAP_LABEL.fg;
      const trimapPath = join(tempDir(), 'touch-up.png');
      await sharp(trimap, { raw: { width: W, height: H, channels: 1 } }).png().toFile(trimapPath);
      const touched = await cutoutImage(path, { subject: 'person', background: { kind: 'transparent' }, refine: 'full', trimapPath }, env);
      // Pixels changed by more than 2 % outside the dab and 32 px around it.
      let changed = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((Math.abs(x - cx) > r + 32 || Math.abs(y - cy) > r + 32) && Math.abs(plain.alpha[y * W + x] - touched.alpha[y * W + x]) > 0.02) changed++;
      return { changed, atDab: touched.alpha[at] };
    };
    // As the editor saves it: the label where painted, auto elsewhere.
    const saved = await touchUp(new Uint8Array(W * H).fill(TRIMAP_LABEL.auto));
    expect(saved.atDab).toBe(1);
    // As it was saved before: the dab over a trimap of the cut-out's own alpha, which re-solved the whole picture's edges.
    const filled = await touchUp(Uint8Array.from(plain.alpha, (a) => (a >= 0.95 ? TRIMAP_LABEL.fg : a <= 0.05 ? TRIMAP_LABEL.bg : TRIMAP_LABEL.unknown)));
    expect(filled.changed).toBeGreaterThan(1000);
    expect(saved.changed).toBeLessThan(filled.changed / 20);
  }, 120_000);

  it("takes a touched-up trimap at the picture's own size when the picture is worked on smaller (over the pixel budget): it was refused, naming a size the user never saw", async () => {
    const path = evalFile('id_portraits', 'images', 'df_img2.jpg');
    const { width, height } = await sharp(path).metadata();
    // The left quarter painted background, the rest left to the automatic trimap, at the picture's own size.
    const trimap = new Uint8Array(width! * height!).fill(TRIMAP_LABEL.auto);
    for (let y = 0; y < height!; y++) trimap.fill(TRIMAP_LABEL.bg, y * width!, y * width! + Math.floor(width! / 4));
    const trimapPath = join(tempDir(), 'own-size.png');
    await sharp(trimap, { raw: { width: width!, height: height!, channels: 1 } }).png().toFile(trimapPath);
    const small = testEnv({ maxPixels: Math.floor((width! * height!) / 2) });
    const r = await cutoutImage(path, { subject: 'person', background: { kind: 'transparent' }, refine: 'fast', trimapPath }, small);
    expect(r.source.width).toBeLessThan(width!);
    let leftOpaque = 0;
    for (let y = 0; y < r.source.height; y++) for (let x = 0; x < Math.floor(r.source.width / 4) - 1; x++) if (r.alpha[y * r.source.width + x] > 0) leftOpaque++;
    expect(leftOpaque).toBe(0);
    // Another size still is refused, naming the picture's own size.
    const other = join(tempDir(), 'other.png');
    await sharp(new Uint8Array(100 * 80), { raw: { width: 100, height: 80, channels: 1 } }).png().toFile(other);
    await expect(cutoutImage(path, { subject: 'person', background: { kind: 'transparent' }, refine: 'fast', trimapPath: other }, small)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(new RegExp(`is 100x80 but the image is ${width}x${height}$`)) });
  }, 60_000);
});

describe('a picture with transparency of its own', () => {
  const env = testEnv();

  it("a picture 60 % opaque all over is not said to be half transparent where the model was unsure (it read 96 %)", async () => {
    const photo = await sharp(evalFile('id_portraits', 'images', 'df_img11.jpg')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width: W, height: H } = photo.info;
    const rgba = Buffer.alloc(W * H * 4);
    for (let i = 0; i < W * H; i++) {
      photo.data.copy(rgba, i * 4, i * 3, i * 3 + 3);
      rgba[i * 4 + 3] = 153;
    }
    const input = join(tempDir(), 'see-through.png');
    await sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).png().toFile(input);
    for (const refine of ['fast', 'full'] as const) {
      const r = await cutoutImage(input, { subject: 'person', background: { kind: 'transparent' }, refine }, env);
      expect(r.review.unsureShare, refine).toBeLessThan(0.05);
      expect(r.review.needsReview, refine).toBe(false);
    }
  });

  it('keeps what it hides hidden and keeps its own edge (an anime sprite, hidden pixels black)', async () => {
    // The sprite's own alpha, its hidden pixels black (as many PNG writers store them).
    const src = await sharp(evalFile('anime_cutout', 'fg', 'ks_emi_basic_closedhappy.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width: W, height: H } = src.info;
    for (let o = 0; o < src.data.length; o += 4) if (src.data[o + 3] === 0) src.data.fill(0, o, o + 3);
    const input = join(tempDir(), 'sprite.png');
    await sharp(src.data, { raw: { width: W, height: H, channels: 4 } }).png().toFile(input);
    const out = join(tempDir(), 'sprite_cutout.png');
    await cutoutToFile(input, out, { subject: 'anime', background: { kind: 'transparent' }, refine: 'full' }, env);
    const got = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([got.info.width, got.info.height]).toEqual([W, H]);
    let shownHidden = 0;
    let inter = 0;
    let union = 0;
    let edge = 0;
    let edgeKept = 0;
    const own = (x: number, y: number): number => src.data[(y * W + x) * 4 + 3];
    for (let y = 1; y < H - 1; y++) {
      for (let x = 1; x < W - 1; x++) {
        const a = got.data[(y * W + x) * 4 + 3];
        const o = own(x, y);
        if (o === 0 && a > 0) shownHidden++;
        if (o >= 128 && a >= 128) inter++;
        if (o >= 128 || a >= 128) union++;
        // The sprite's outline: opaque pixels within 2 px of its anti-aliased edge.
        if (o === 255 && x > 1 && y > 1 && x < W - 2 && y < H - 2 && (own(x - 2, y) < 128 || own(x + 2, y) < 128 || own(x, y - 2) < 128 || own(x, y + 2) < 128)) {
          edge++;
          if (a >= 204) edgeKept++;
        }
      }
    }
    expect(shownHidden).toBe(0);
    // Before, 11,264 hidden pixels came back (a dark fringe, the gaps filled).
    expect(inter / union).toBeGreaterThan(0.97);
    expect(edgeKept / edge).toBeGreaterThan(0.9);
  });

  it('keeps a white shirt inside a dark outline: a cut-out cut out again, and a sprite with a white blouse (cut away as the white they were matted on)', async () => {
    /** Pixels opaque in `a` and under half in `b`, and of those the bright ones. */
    const lost = async (a: string, b: string): Promise<{ lost: number; bright: number }> => {
      const [x, y] = await Promise.all([a, b].map((f) => sharp(f).ensureAlpha().raw().toBuffer()));
      let n = 0;
      let bright = 0;
      for (let o = 0; o < x.length; o += 4) {
        if (x[o + 3] < 250 || y[o + 3] >= 128) continue;
        n++;
        if (x[o] + x[o + 1] + x[o + 2] > 600) bright++;
      }
      return { lost: n, bright };
    };
    const dir = tempDir();
    const first = join(dir, 'hv_test1_cutout.png');
    await cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), first, { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env);
    const again = join(dir, 'again.png');
    await cutoutToFile(first, again, { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env);
    // Before, 23,726 of its opaque pixels went (18,555 of them the shirt's white), of 699,392.
    expect((await lost(first, again)).lost).toBeLessThan(1000);
    const sprite = evalFile('anime_cutout', 'fg', 'ks_shizu_adjust_happy.png');
    const blouse = join(dir, 'shizu.png');
    await cutoutToFile(sprite, blouse, { subject: 'anime', background: { kind: 'transparent' }, refine: 'full' }, env);
    // Before, 5,985 (5,790 bright: both sleeves), of 177,000.
    expect((await lost(sprite, blouse)).bright).toBeLessThan(300);
  }, 120_000);

  it('shows no pixel more than the picture does, and still finds the person in it (a photo at 40 % opacity)', async () => {
    const src = await sharp(evalFile('id_portraits', 'images', 'hv_test1.jpg')).resize({ width: 400 }).ensureAlpha(0.4).png().toBuffer();
    const input = join(tempDir(), 'half.png');
    await sharp(src).toFile(input);
    const out = join(tempDir(), 'half_cutout.png');
    const r = await cutoutToFile(input, out, { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' }, env);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    let max = 0;
    for (let o = 3; o < data.length; o += 4) max = Math.max(max, data[o]);
    expect(max).toBeLessThanOrEqual(102);
    // The face is there, at the picture's own transparency, and the cut-out is not "nothing found".
    expect(data[(Math.floor(info.height * 0.35) * info.width + Math.floor(info.width / 2)) * 4 + 3]).toBeGreaterThanOrEqual(95);
    expect(r.review.isEmpty).toBeUndefined();
  });
});

describe('a big picture: refined in a worker thread', () => {
  const env = testEnv();
  /** A portrait enlarged past REFINE_IN_WORKER_MIN_PIXELS (1800x2400, 4.3 MP). */
  const bigPortrait = async (dir: string): Promise<string> => {
    const path = join(dir, 'big.jpg');
    await sharp(evalFile('id_portraits', 'images', 'hv_test1.jpg')).resize(1800, 2400, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(path);
    return path;
  };

  it('writes what the in-thread cut-out makes, and tells every stage in order, the refine step by step', async () => {
    const dir = tempDir();
    const input = await bigPortrait(dir);
    expect(1800 * 2400).toBeGreaterThanOrEqual(REFINE_IN_WORKER_MIN_PIXELS);
    const events: ProgressEvent[] = [];
    const out = join(dir, 'big_cutout.png');
    const options = { subject: 'person', background: { kind: 'color', hex: '#438EDB' }, refine: 'fast' } as const;
    const r = await cutoutToFile(input, out, options, env, { onProgress: (e) => events.push(e) });
    const inThread = await cutoutImage(input, options, env);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1800, 2400]);
    let differ = 0;
    for (let i = 0, j = 0; i < info.width * info.height; i++, j += info.channels) {
      for (let c = 0; c < 3; c++) if (data[j + c] !== inThread.image.data[i * 4 + c]) differ++;
    }
    expect(differ).toBe(0);
    expect(r.review).toEqual(inThread.review);
    // Stages in order (each once in a row), the refine from 0 to REFINE_STEPS going up.
    const stages = events.map((e) => e.stage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(stages).toEqual(['decode', 'segment', 'refine', 'composite', 'encode']);
    const refine = events.filter((e) => e.stage === 'refine').map((e) => e.done);
    expect(refine[0]).toBe(0);
    expect(refine.at(-1)).toBe(REFINE_STEPS);
    for (let i = 1; i < refine.length; i++) expect(refine[i]).toBeGreaterThan(refine[i - 1]);
  }, 120_000);

  it('keeps the calling thread free during a full refine, and a cancel in it stops at once and writes nothing', async () => {
    const dir = tempDir();
    const input = await bigPortrait(dir);
    const options = { subject: 'person', background: { kind: 'transparent' }, refine: 'full' } as const;
    // The longest the calling thread's event loop was held while the refine ran, against the refine's span.
    let refineFrom = 0;
    let refineTo = 0;
    let lastTick = 0;
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      if (refineFrom && !refineTo && lastTick) longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
    }, 5);
    try {
      await cutoutToFile(input, join(dir, 'whole.png'), options, env, {
        onProgress: (e) => {
          if (e.stage === 'refine' && e.done === 0) refineFrom = performance.now();
          if (e.stage === 'refine' && e.done === REFINE_STEPS) refineTo = performance.now();
        },
      });
    } finally {
      clearInterval(ticker);
    }
    const refineMs = refineTo - refineFrom;
    // In this thread the guided filter alone (a third of it) held the loop without a break.
    expect(longestGap).toBeLessThan(refineMs / 10);

    // Cancelled in the middle of the solve: CANCELLED, no output and no temp file left.
    const ac = new AbortController();
    const out = join(dir, 'cancelled.png');
    let abortedAt = 0;
    const cancelled = cutoutToFile(input, out, options, env, {
      signal: ac.signal,
      onProgress: (e) => {
        if (e.stage === 'refine' && e.done >= 40 && !abortedAt) {
          abortedAt = performance.now();
          ac.abort();
        }
      },
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - abortedAt).toBeLessThan(refineMs / 4);
    expect(readdirSync(dir).sort()).toEqual(['big.jpg', 'whole.png']);
  }, 180_000);

  it('a smaller picture refines in this thread, and a cancel in its solve stops it there too', async () => {
    const dir = tempDir();
    const input = join(dir, 'mid.jpg');
    // 1200x1600 (1.9 MP): under REFINE_IN_WORKER_MIN_PIXELS.
    await sharp(evalFile('id_portraits', 'images', 'hv_test1.jpg')).resize(1200, 1600, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(input);
    expect(1200 * 1600).toBeLessThan(REFINE_IN_WORKER_MIN_PIXELS);
    // No worker pool is asked (the real one, watched): the refine runs here.
    const poolRuns = vi.spyOn(RefinePool.prototype, 'run');
    const ac = new AbortController();
    const refineDone: number[] = [];
    const cancelled = cutoutToFile(input, join(dir, 'mid_cutout.png'), { subject: 'person', background: { kind: 'transparent' }, refine: 'full' }, env, {
      signal: ac.signal,
      onProgress: (e) => {
        if (e.stage !== 'refine') return;
        refineDone.push(e.done);
        // In the solve (past the guided filter and the trimap).
        if (e.done >= 40) ac.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    // Stopped in the solve: the foreground colours (the last fifth) never ran.
    expect(Math.max(...refineDone)).toBeLessThan(REFINE_STEPS);
    expect(readdirSync(dir)).toEqual(['mid.jpg']);
    expect(poolRuns).not.toHaveBeenCalled();
    // And a picture over the size is refined by the pool.
    const big = await bigPortrait(dir);
    await cutoutToFile(big, join(dir, 'big_cutout.png'), { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' }, env);
    expect(poolRuns).toHaveBeenCalledTimes(1);
    poolRuns.mockRestore();
  }, 180_000);

  it('writes no cut-out over the background picture or the trimap it reads', async () => {
    const dir = tempDir();
    const backdrop = join(dir, 'backdrop.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg().toFile(backdrop);
    const before = readFileSync(backdrop);
    const options = { subject: 'person' as const, background: { kind: 'image' as const, path: backdrop }, refine: 'off' as const };
    // A review of `cutout serve` saw an app's cut-out written over its own background picture.
    await expect(cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), backdrop, options, testEnv())).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    await expect(cutoutToFile(evalFile('id_portraits', 'images', 'hv_test1.jpg'), backdrop, { ...options, background: { kind: 'transparent' as const }, trimapPath: backdrop }, testEnv())).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readFileSync(backdrop)).toEqual(before);
  });
});
