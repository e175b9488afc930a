// Benchmark: matting on a fixed 1-megapixel portrait (816 x 1224, from an eval portrait): full
// refine (guided upsample + trimap + closed-form + foreground), fast refine, and the re-solve
// after one brush stroke with the haze step the editor adds to it (at a 1600-px preview), and the unsure share of the matte. Targets: full <= 1000 ms, one stroke <= 100 ms (median, 2-core CPU).
import sharp from 'sharp';
import { join } from 'node:path';
import { decodeImage } from '../../src/main/core/image/decode';
import { dropLooseHaze } from '../../src/main/core/matting/loose-haze';
import { refineMatte } from '../../src/main/core/matting/refine';
import { resolveRegion } from '../../src/main/core/matting/region';
import { unsureShare } from '../../src/main/core/matting/unsure-share';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import { countTrimap } from '../../src/main/core/trimap/trimap';
import { withoutLooseHaze } from '../../src/main/engine/ops';
import { stampStroke, trimapFromAlpha } from '../../src/shared/trimap-brush';
import type { BenchRow, BenchSection } from '../harness';

export const section: BenchSection = {
  id: 'matting',
  title: 'Matting, 1 MP portrait (816×1224), MediaPipe selfie mask, CPU, one JS thread',
  async run(ctx) {
    const n = ctx.quick ? 3 : 11;
    const jpeg = await sharp(join(ctx.sharedDir, 'eval', 'id_portraits', 'images', 'hv_test1.jpg')).resize(816, 1224, { fit: 'cover' }).jpeg({ quality: 92 }).toBuffer();
    const image = await decodeImage(jpeg);
    const model = await ctx.env.store.resolve('mediapipe-selfie');
    const m = await runMaskModel(image, model, { provider: ctx.env.provider, threads: ctx.env.threads });
    const input = { image, mask: m.mask, maskW: m.width, maskH: m.height };
    const rows: BenchRow[] = [];

    const fast = await ctx.measure(() => refineMatte({ ...input, mode: 'fast' }), { warmup: 1, n });
    rows.push({ name: 'refine fast (guided filter + foreground)', ...fast });
    const full = await ctx.measure(() => refineMatte({ ...input, mode: 'full' }), { warmup: 1, n });
    rows.push({ name: 'refine full (trimap + closed-form + foreground)', ...full, note: 'target ≤ 1000 ms' });
    // CPU time of the process per full refine: on a shared machine wall time includes waiting.
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await refineMatte({ ...input, mode: 'full' });
    const cpu = process.cpuUsage(cpu0);
    rows.push({ name: 'refine full, process CPU time per call', value: (cpu.user + cpu.system) / 1000 / n, unit: 'ms', note: 'user+system, all threads (GC included)' });
    const result = await refineMatte({ ...input, mode: 'full' });
    const counts = countTrimap(result.trimap!);
    rows.push({ name: 'unknown pixels in the automatic trimap', value: counts.unknown, unit: 'px', note: `${((100 * counts.unknown) / (image.width * image.height)).toFixed(1)} % of the image` });
    rows.push({ name: 'CG iterations (full)', value: result.solve!.iterations });
    // The "needs a look" measure every cut-out now gets (docs/quality.md), on the full matte.
    const review = await ctx.measure(() => unsureShare(result.alpha, image.width, image.height), { warmup: 1, n });
    rows.push({ name: 'unsure share of the full matte', ...review, note: `${((100 * review.medianMs) / full.medianMs).toFixed(1)} % of a full refine; share ${unsureShare(result.alpha, image.width, image.height).toFixed(3)}` });
    // The loose-haze step both refines run (a part of their times above), on its own.
    const haze = await ctx.measure(() => dropLooseHaze(result.alpha.slice(), image.width, image.height), { warmup: 1, n });
    rows.push({ name: 'dropping haze linked to nothing solid (full matte)', ...haze, note: `${((100 * haze.medianMs) / full.medianMs).toFixed(1)} % of a full refine (includes a copy of the matte)` });

    // One background stroke, 40 px brush, 120 px long, across the shoulder line.
    const trimap = result.trimap!.slice();
    const dirty = stampStroke(trimap, image.width, image.height, { points: [{ x: 80, y: 900 }, { x: 200, y: 900 }], sizePx: 40, hardness: 0.8, mode: 'bg' }, result.autoTrimap);
    const state = { image, trimap, alpha: result.alpha, foreground: result.foreground };
    const stroke = await ctx.measure(() => resolveRegion(state, dirty!), { warmup: 1, n });
    const update = await resolveRegion(state, dirty!);
    rows.push({ name: 'one-stroke re-solve (box + margin, alpha + foreground)', ...stroke, note: `target ≤ 100 ms; box ${update.box.width}×${update.box.height}` });

    // What the editor adds to each re-solve after the stroke's box (ops.ts rematte): the haze step
    // over the whole preview, on a copy, at the editor's largest preview (1600 px long side).
    const bigJpeg = await sharp(join(ctx.sharedDir, 'eval', 'id_portraits', 'images', 'hv_test1.jpg')).resize(1067, 1600, { fit: 'cover' }).jpeg({ quality: 92 }).toBuffer();
    const big = await decodeImage(bigJpeg);
    const bigMask = await runMaskModel(big, model, { provider: ctx.env.provider, threads: ctx.env.threads });
    const bigAlpha = (await refineMatte({ image: big, mask: bigMask.mask, maskW: bigMask.width, maskH: bigMask.height, mode: 'fast', shouldEstimateForeground: false })).alpha;
    const editorTrimap = trimapFromAlpha(Uint8Array.from(bigAlpha, (a) => Math.round(a * 255)));
    const editorHaze = await ctx.measure(() => withoutLooseHaze({ alpha: bigAlpha, baseAlpha: bigAlpha }, editorTrimap, big.width, big.height), { warmup: 1, n });
    rows.push({ name: `editor re-solve's haze step (${big.width}×${big.height} preview, copy + dropLooseHaze)`, ...editorHaze, note: `added to each stroke's re-solve; ${((100 * editorHaze.medianMs) / stroke.medianMs).toFixed(0)} % of the one-stroke re-solve above` });
    return rows;
  },
};
