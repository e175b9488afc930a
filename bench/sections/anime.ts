// Benchmark: our anime segmenter (anime-seg.onnx) on the CPU: model inference on a 512x512 frame
// (the goal: <= 60 ms) and at the manifest's reference size, and `cutout anime` end to end
// on an anime_cutout composite (1000x600). FLOPs and params come from the ONNX graph.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getSession } from '../../src/main/core/inference/session';
import { cutoutImage } from '../../src/main/core/pipelines/cutout';
import { decodeImage } from '../../src/main/core/image/decode';
import { modelInputSize } from '../../src/main/core/segment/mask-model';
import type { BenchRow, BenchSection } from '../harness';

export const section: BenchSection = {
  id: 'anime',
  title: 'Anime segmenter (anime-seg, ours), CPU',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const n = ctx.quick ? 3 : 20;
    const model = await ctx.env.store.resolve('anime-seg');
    const loaded = await getSession(model.path, { provider: ctx.env.provider, threads: ctx.env.threads });
    const input = loaded.session.inputNames[0];
    const frame = (w: number, h: number) => {
      const data = new Float32Array(3 * w * h);
      for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 255) / 255;
      return { [input]: new loaded.ort.Tensor('float32', data, [1, 3, h, w]) };
    };
    const f512 = frame(512, 512);
    rows.push({ name: 'inference 512×512 frame (goal ≤ 60 ms)', ...(await ctx.measure(() => loaded.session.run(f512), { n, warmup: 3 })) });
    const ref = modelInputSize(model.entry, 1000, 600);
    const fRef = frame(ref.width, ref.height);
    rows.push({ name: `inference ${ref.width}×${ref.height} (manifest size for a 1000×600 image)`, ...(await ctx.measure(() => loaded.session.run(fRef), { n, warmup: 3 })) });
    const dir = join(ctx.sharedDir, 'eval', 'anime_cutout', 'images');
    const first = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort()[0];
    const path = join(dir, first);
    const image = await decodeImage(path);
    const e2e = await ctx.measure(() => cutoutImage(path, { subject: 'anime', background: { kind: 'transparent' }, refine: 'fast' }, ctx.env), { n: ctx.quick ? 2 : 8, warmup: 1 });
    rows.push({ name: `cutout anime end to end ${image.width}×${image.height} (decode → mask → refine fast → composite)`, ...e2e });
    rows.push({ name: 'params', value: 106401, note: 'AnimeSegNet (MediaPipe-selfie architecture)' });
    rows.push({ name: 'FLOPs at 512×512', value: 0.4735, unit: 'GFLOP', note: '2×MACs of Conv/ConvTranspose (docs/models/anime-seg.md)' });
    return rows;
  },
};
