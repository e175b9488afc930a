// Benchmark: our anime segmenter (anime-seg.onnx) on the CPU: model inference on a 512x512 frame
// (the issue's goal: <= 60 ms), as one image and as the app runs it (the image and its mirror image,
// a batch of two), at the manifest's reference size, the mask as the app makes it (every size of the
// manifest, each with its mirror image), and `cutout anime` end to end on an
// anime_cutout composite (1000x600). Every other anime-mask model found in the models folders (for
// example the int8 variant made by training/quantize.py, with its descriptor) is timed in the same
// rounds, interleaved with the shipped one, so the comparison shares the machine's state.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getSession } from '../../src/main/core/inference/session';
import { cutoutImage } from '../../src/main/core/pipelines/cutout';
import { decodeImage } from '../../src/main/core/image/decode';
import { modelInputSize, runMaskModel } from '../../src/main/core/segment/mask-model';
import { measureInterleaved, type BenchRow, type BenchSection } from '../harness';

export const section: BenchSection = {
  id: 'anime',
  title: 'Anime segmenter (anime-seg, ours), CPU',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const n = ctx.quick ? 3 : 20;
    const shipped = await ctx.env.store.resolve('anime-seg');
    const others = (await ctx.env.store.list()).filter((s) => s.entry.task === 'anime-mask' && s.entry.id !== 'anime-seg' && (s.state === 'ok' || s.state === 'unpinned'));
    const models = [shipped, ...others.map((s) => ({ entry: s.entry, path: s.path! }))];
    const sessions = await Promise.all(models.map((m) => getSession(m.path, { provider: ctx.env.provider, threads: ctx.env.threads })));
    const frame = (batch: number, w: number, h: number) => {
      const data = new Float32Array(batch * 3 * w * h);
      for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 255) / 255;
      return data;
    };
    const ref = modelInputSize(shipped.entry, 1000, 600);
    const shapes: { label: string; batch: number; w: number; h: number }[] = [
      { label: 'inference 512×512 frame (goal ≤ 60 ms)', batch: 1, w: 512, h: 512 },
      { label: 'inference 512×512 frame + its mirror image, batch of 2 (as the app runs it)', batch: 2, w: 512, h: 512 },
      { label: `inference ${ref.width}×${ref.height} + mirror (manifest size for a 1000×600 image)`, batch: 2, w: ref.width, h: ref.height },
    ];
    for (const shape of shapes) {
      const data = frame(shape.batch, shape.w, shape.h);
      const runs = sessions.map((s) => {
        const feeds = { [s.session.inputNames[0]]: new s.ort.Tensor('float32', data, [shape.batch, 3, shape.h, shape.w]) };
        return () => s.session.run(feeds);
      });
      const timings = await measureInterleaved(runs, { n, warmup: 3 });
      timings.forEach((t, k) => {
        rows.push({ name: k === 0 ? shape.label : `${shape.label}: ${models[k].entry.id}`, ...t, note: k === 0 ? undefined : 'interleaved with anime-seg' });
      });
    }
    const dir = join(ctx.sharedDir, 'eval', 'anime_cutout', 'images');
    const first = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort()[0];
    const path = join(dir, first);
    const image = await decodeImage(path);
    const asRun = await ctx.measure(() => runMaskModel(image, shipped, { provider: ctx.env.provider, threads: ctx.env.threads }), { n, warmup: 2 });
    const sizes = [undefined, ...(shipped.entry.input.extraSizes ?? [])].map((s) => modelInputSize(shipped.entry, image.width, image.height, s));
    rows.push({ name: `mask as the app makes it for ${image.width}×${image.height}: ${sizes.map((s) => `${s.width}×${s.height}`).join(' + ')}, each with its mirror (resize, inference, decode)`, ...asRun });
    const e2e = await ctx.measure(() => cutoutImage(path, { subject: 'anime', background: { kind: 'transparent' }, refine: 'fast' }, ctx.env), { n: ctx.quick ? 2 : 8, warmup: 1 });
    rows.push({ name: `cutout anime end to end ${image.width}×${image.height} (decode → mask → refine fast → composite)`, ...e2e });
    // From the manifest; tests/integration/anime-seg.test.ts checks them against the shipped file.
    const { params, flops, input } = shipped.entry;
    if (params) rows.push({ name: 'params', value: params, note: 'manifest (training/tools/count_flops.py)' });
    if (flops) rows.push({ name: `FLOPs at ${input.width}×${input.height} (the manifest's size)`, value: flops / 1e9, unit: 'GFLOP', note: '2×MACs of Conv/ConvTranspose, manifest (training/tools/count_flops.py)' });
    return rows;
  },
};
