// Benchmark: portrait cut-out per stage and end to end on a fixed 1-megapixel input, the CPU's
// MatMul ceiling through onnxruntime, and how far each model's inference is from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { compositeOver } from '../../src/main/core/image/composite';
import { decodeImage } from '../../src/main/core/image/decode';
import { encodeImage } from '../../src/main/core/image/encode';
import { resizeToRgb } from '../../src/main/core/image/resize';
import { getSession, loadOrt, sessionThreads } from '../../src/main/core/inference/session';
import { refineMatte } from '../../src/main/core/matting/refine';
import { cutoutToFile } from '../../src/main/core/pipelines/cutout';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import { computePlacement, packTensor } from '../../src/main/core/tensor/preprocess';
import type { BenchRow, BenchSection } from '../harness';
import { buildMatMulModel } from '../onnx-builder';

/** Makes the fixed 1-MP JPEG input (816 x 1224) from an eval portrait. */
async function makeInput(sharedDir: string, dir: string): Promise<string> {
  const path = join(dir, 'portrait-1mp.jpg');
  await sharp(join(sharedDir, 'eval', 'id_portraits', 'images', 'hv_test1.jpg')).resize(816, 1224, { fit: 'cover' }).jpeg({ quality: 92 }).toFile(path);
  return path;
}

export const section: BenchSection = {
  id: 'portrait',
  title: 'Portrait cut-out, 1 MP (816×1224 JPEG), MediaPipe selfie, CPU',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const n = ctx.quick ? 3 : 15;
    const input = await makeInput(ctx.sharedDir, ctx.tempDir('input'));
    const model = await ctx.env.store.resolve('mediapipe-selfie');
    const session = await getSession(model.path, { provider: ctx.env.provider, threads: ctx.env.threads });
    const image = await decodeImage(input);
    const entry = model.entry;
    const placement = computePlacement(image.width, image.height, entry.input.width, entry.input.height, entry.preprocess.resize);

    const decode = await ctx.measure(() => decodeImage(input), { n });
    rows.push({ name: 'decode (JPEG → RGBA)', ...decode });
    const pre = await ctx.measure(async () => {
      const rgb = await resizeToRgb(image, placement.width, placement.height);
      return packTensor(rgb.data, placement, entry.input.width, entry.input.height, entry.preprocess, entry.input.layout);
    }, { n });
    rows.push({ name: 'preprocess (resize + normalise)', ...pre });
    const rgb = await resizeToRgb(image, placement.width, placement.height);
    const tensor = packTensor(rgb.data, placement, entry.input.width, entry.input.height, entry.preprocess, entry.input.layout);
    const feeds = { [session.session.inputNames[0]]: new session.ort.Tensor('float32', tensor, [1, entry.input.height, entry.input.width, 3]) };
    const infer = await ctx.measure(() => session.session.run(feeds), { n: n * 2, warmup: 5 });
    rows.push({ name: 'inference (session.run)', ...infer, note: `provider ${session.provider}` });
    const mask = await runMaskModel(image, model, { provider: ctx.env.provider, threads: ctx.env.threads });
    for (const mode of ['off', 'fast', 'full'] as const) {
      const t = await ctx.measure(() => refineMatte({ image, mask: mask.mask, maskW: mask.width, maskH: mask.height, mode }), { n });
      rows.push({ name: `refine ${mode}`, ...t });
    }
    const refined = await refineMatte({ image, mask: mask.mask, maskW: mask.width, maskH: mask.height, mode: 'fast' });
    const comp = await ctx.measure(() => compositeOver(refined.foreground, refined.alpha, { kind: 'color', hex: '#438EDB' }), { n });
    rows.push({ name: 'composite on a colour', ...comp });
    const flat = compositeOver(refined.foreground, refined.alpha, { kind: 'color', hex: '#438EDB' });
    const transparent = compositeOver(refined.foreground, refined.alpha, { kind: 'transparent' });
    rows.push({ name: 'encode JPEG q92', ...(await ctx.measure(() => encodeImage(flat, { format: 'jpeg' }), { n })) });
    rows.push({ name: 'encode PNG (RGBA)', ...(await ctx.measure(() => encodeImage(transparent, { format: 'png' }), { n })) });
    const outDir = ctx.tempDir('out');
    for (const refine of ['fast', 'full'] as const) {
      for (const [label, bg, ext] of [['end to end: JPEG on ID blue', '#438EDB', 'jpg'], ['end to end: transparent PNG', null, 'png']] as const) {
        const t = await ctx.measure(
          () => cutoutToFile(input, join(outDir, `out.${ext}`), { subject: 'person', background: bg ? { kind: 'color', hex: bg } : { kind: 'transparent' }, refine }, ctx.env),
          { n },
        );
        rows.push({ name: `${label} (refine ${refine})`, ...t, note: refine === 'full' ? 'CLI default; target ≤ 300 ms' : 'target ≤ 300 ms' });
      }
    }

    // CPU ceiling: a large MatMul through the same runtime and thread count.
    const ort = await loadOrt();
    const size = ctx.quick ? 512 : 1024;
    const ceilingSession = await ort.InferenceSession.create(buildMatMulModel(size), { executionProviders: ['cpu'], intraOpNumThreads: sessionThreads(ctx.env.threads) });
    const a = new ort.Tensor('float32', Float32Array.from({ length: size * size }, (_, i) => (i % 7) / 7), [size, size]);
    const mm = await ctx.measure(() => ceilingSession.run({ A: a, B: a }), { n: ctx.quick ? 3 : 10, warmup: 2 });
    const ceilingGflops = (2 * size ** 3) / (mm.medianMs / 1000) / 1e9;
    rows.push({ name: `CPU ceiling: MatMul ${size}×${size} fp32 (onnxruntime)`, ...mm, value: ceilingGflops, unit: 'GFLOP/s' });

    // Each bundled model: FLOPs (from the manifest, counted by training/tools/count_flops.py) vs time.
    const manifest = JSON.parse(readFileSync(join(ctx.repoRoot, 'resources', 'models', 'manifest.json'), 'utf8')) as { models: { id: string; flops?: number | null; bundled: boolean }[] };
    for (const m of manifest.models.filter((x) => x.bundled && x.flops)) {
      const resolved = await ctx.env.store.resolve(m.id).catch(() => null);
      if (!resolved) continue;
      const s = await getSession(resolved.path, { provider: ctx.env.provider, threads: ctx.env.threads });
      const e = resolved.entry;
      const dims = e.input.layout === 'NCHW' ? [1, 3, e.input.height, e.input.width] : [1, e.input.height, e.input.width, 3];
      const feed = { [s.session.inputNames[0]]: new s.ort.Tensor('float32', new Float32Array(3 * e.input.width * e.input.height).fill(0.5), dims) };
      const t = await ctx.measure(() => s.session.run(feed), { n: ctx.quick ? 3 : 20, warmup: 3 });
      const achieved = m.flops! / (t.medianMs / 1000) / 1e9;
      rows.push({
        name: `inference ${m.id} (${e.input.width}×${e.input.height}, ${(m.flops! / 1e9).toFixed(3)} GFLOP)`,
        ...t,
        value: achieved,
        unit: 'GFLOP/s',
        note: `${((100 * achieved) / ceilingGflops).toFixed(1)} % of the MatMul ceiling`,
      });
    }
    rows.push({ name: 'peak RSS of the bench process', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' });
    return rows;
  },
};
