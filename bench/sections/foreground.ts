// Benchmark: foreground colours at the edge, with and without the background tint removal
// (estimateForeground's last step), measured in the same run. Colour error (0..255) of F under the
// true alpha, at the soft pixels and on the opaque rim (foregroundColourError), on:
// - composites of every 25th `../shared/train/anime` sprite (from the 4th), on a saturated colour
//   or a scene in turn, saved as JPEG quality 90 at 4:2:0 (what the step was chosen on) and 4:4:4;
// - `../shared/eval/anime_cutout`'s 41 composites (their own truth): as stored (JPEG q95 4:4:4)
//   and re-saved at 4:2:0. Reported only.
// The step runs only on pictures whose colour is subsampled; the 4:4:4 rows say why.
// And the time it adds on the matting bench's 1 MP portrait matte and on that matte at 12 MP.
import sharp from 'sharp';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage, type RgbaImage } from '../../src/main/core/image/decode';
import { foregroundColourError } from '../../src/main/core/eval/metrics';
import { estimateForeground } from '../../src/main/core/matting/foreground';
import { refineMatte } from '../../src/main/core/matting/refine';
import { resizeFloatBilinear } from '../../src/main/core/image/resize';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import { measureInterleaved, type BenchRow, type BenchSection } from '../harness';

/** A composite with its true alpha and foreground colours. */
interface ColourCase {
  image: RgbaImage;
  alpha: Float32Array;
  truth: Uint8Array;
}

/** Saturated backdrops (every other training composite): pink, green, white, deep blue, ID blue. */
const BACKDROPS = [[240, 150, 150], [30, 200, 60], [255, 255, 255], [20, 40, 200], [67, 142, 219]] as const;

/** Training composites: sprite `k` on a backdrop colour (even k) or a scene (odd k), as JPEG q90. */
async function* trainingCases(trainDir: string, chromaSubsampling: '4:2:0' | '4:4:4', quick: boolean): AsyncGenerator<ColourCase> {
  const sprites = (await readdir(join(trainDir, 'fg'))).filter((f) => f.endsWith('.png')).sort().filter((_, i) => i % 25 === 3);
  const scenes = (await readdir(join(trainDir, 'bg'))).sort();
  for (let k = 0; k < (quick ? 6 : sprites.length); k++) {
    const { data: fg, info } = await sharp(join(trainDir, 'fg', sprites[k])).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const n = width * height;
    let back: Uint8Array;
    if (k % 2 === 0) {
      back = new Uint8Array(n * 3);
      const colour = BACKDROPS[(k / 2) % BACKDROPS.length];
      for (let i = 0; i < n; i++) back.set(colour, i * 3);
    } else back = new Uint8Array(await sharp(join(trainDir, 'bg', scenes[(k * 7) % scenes.length])).resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer());
    const alpha = new Float32Array(n);
    const composite = Buffer.alloc(n * 3);
    for (let i = 0; i < n; i++) {
      const a = (alpha[i] = fg[i * 4 + 3] / 255);
      for (let c = 0; c < 3; c++) composite[i * 3 + c] = Math.round(a * fg[i * 4 + c] + (1 - a) * back[i * 3 + c]);
    }
    const jpeg = await sharp(composite, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90, chromaSubsampling }).toBuffer();
    yield { image: await decodeImage(jpeg), alpha, truth: new Uint8Array(fg) };
  }
}

/** anime_cutout's composites with their true alpha and the sprite placed where it was pasted. */
async function* evalCases(setDir: string, resave: boolean, quick: boolean): AsyncGenerator<ColourCase> {
  const rows = (await readFile(join(setDir, 'manifest.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
  for (const row of rows.slice(0, quick ? 6 : rows.length)) {
    const [id] = row;
    const [x, y] = [Number(row[8]), Number(row[9])];
    const stored = await readFile(join(setDir, 'images', `${id}.jpg`));
    const image = await decodeImage(resave ? await sharp(stored).jpeg({ quality: 90, chromaSubsampling: '4:2:0' }).toBuffer() : stored);
    const { width, height } = image;
    const a8 = await sharp(join(setDir, 'alpha', `${id}.png`)).extractChannel(0).raw().toBuffer();
    const alpha = Float32Array.from(a8, (v) => v / 255);
    const { data: fg, info } = await sharp(join(setDir, 'fg', `${id}.png`)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const truth = new Uint8Array(width * height * 4);
    for (let v = 0; v < info.height && y + v < height; v++) {
      for (let u = 0; u < info.width && x + u < width; u++) truth.set(fg.subarray((v * info.width + u) * 4, (v * info.width + u) * 4 + 4), ((y + v) * width + x + u) * 4);
    }
    yield { image, alpha, truth };
  }
}

/** Mean soft and rim colour error over a set, without and with the tint removal. */
async function scoreSet(cases: AsyncGenerator<ColourCase>): Promise<{ count: number; off: { soft: number; rim: number }; on: { soft: number; rim: number } }> {
  const off = { soft: 0, rim: 0 };
  const on = { soft: 0, rim: 0 };
  let count = 0;
  for await (const { image, alpha, truth } of cases) {
    for (const [sum, shouldRemoveTint] of [[off, false], [on, true]] as const) {
      const e = foregroundColourError(estimateForeground(image, alpha, { shouldRemoveTint }).data, truth, alpha, image.width, image.height);
      sum.soft += e.soft;
      sum.rim += e.rim;
    }
    count++;
  }
  for (const s of [off, on]) {
    s.soft /= count;
    s.rim /= count;
  }
  return { count, off, on };
}

/** The rows of one set: soft and rim error with the tint removed (value), and without it (note). */
function errorRows(label: string, r: Awaited<ReturnType<typeof scoreSet>>): BenchRow[] {
  const note = (off: number, on: number) => `tint kept ${off.toFixed(2)}, removed ${on.toFixed(2)} (${on <= off ? '' : '+'}${(100 * (on / off - 1)).toFixed(1)} %); ${r.count} composites`;
  return [
    { name: `${label}: soft pixels`, value: r.on.soft, unit: '0..255', note: note(r.off.soft, r.on.soft) },
    { name: `${label}: opaque rim`, value: r.on.rim, unit: '0..255', note: note(r.off.rim, r.on.rim) },
  ];
}

export const section: BenchSection = {
  id: 'foreground',
  title: 'Foreground colours at the edge: background tint removal off / on (colour error under the true alpha; time, CPU, one JS thread)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const train = join(ctx.sharedDir, 'train', 'anime');
    const evalSet = join(ctx.sharedDir, 'eval', 'anime_cutout');
    rows.push(...errorRows('train sprites on colours / scenes, JPEG q90 4:2:0 (chosen on)', await scoreSet(trainingCases(train, '4:2:0', ctx.quick))));
    rows.push(...errorRows('the same, JPEG q90 4:4:4 (forced on; by default it does not run on whole colour)', await scoreSet(trainingCases(train, '4:4:4', ctx.quick))));
    rows.push(...errorRows('eval anime_cutout re-saved JPEG q90 4:2:0', await scoreSet(evalCases(evalSet, true, ctx.quick))));
    rows.push(...errorRows('eval anime_cutout as stored, JPEG q95 4:4:4 (forced on; by default it does not run)', await scoreSet(evalCases(evalSet, false, ctx.quick))));

    // Time: the matting bench's portrait and its full matte, at 1 MP and enlarged to 12 MP.
    const jpeg = await sharp(join(ctx.sharedDir, 'eval', 'id_portraits', 'images', 'hv_test1.jpg')).resize(816, 1224, { fit: 'cover' }).jpeg({ quality: 92 }).toBuffer();
    const image = await decodeImage(jpeg);
    const model = await ctx.env.store.resolve('mediapipe-selfie');
    const m = await runMaskModel(image, model, { provider: ctx.env.provider, threads: ctx.env.threads });
    const { alpha } = await refineMatte({ image, mask: m.mask, maskW: m.width, maskH: m.height, mode: 'full', shouldEstimateForeground: false });
    const sizes = ctx.quick ? [1] : [1, 3.5];
    for (const scale of sizes) {
      const width = Math.round(image.width * scale);
      const height = Math.round(image.height * scale);
      const big = scale === 1 ? image : await decodeImage(await sharp(jpeg).resize(width, height).jpeg({ quality: 92 }).toBuffer());
      const bigAlpha = scale === 1 ? alpha : resizeFloatBilinear(alpha, image.width, image.height, width, height);
      const [off, on] = await measureInterleaved([() => estimateForeground(big, bigAlpha, { shouldRemoveTint: false }), () => estimateForeground(big, bigAlpha)], { warmup: 1, n: ctx.quick ? 3 : 9 });
      const mp = ((width * height) / 1e6).toFixed(1);
      rows.push({ name: `estimateForeground ${width}×${height} (${mp} MP), tint kept`, ...off });
      rows.push({ name: `estimateForeground ${width}×${height} (${mp} MP), tint removed`, ...on, note: `+${(on.medianMs - off.medianMs).toFixed(0)} ms` });
    }
    return rows;
  },
};
