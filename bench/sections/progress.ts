// Benchmark: how near a sticker's progress bar is to the share of its time gone, with and without a
// platform preset (whose byte budget makes the encode try again), on 3-s parts of anime clips. The
// bar is the app's (jobFraction on the job's stage spans, never going back); the gap is time-weighted
// over the sticker's run. docs/batch.md cites it: a sticker batch's ETA counts each file by its bar.
import { join } from 'node:path';
import { makeSticker, type StickerOptions } from '../../src/main/core/sticker/make-sticker';
import { jobFraction, stickerSpansOf } from '../../src/shared/jobs';
import type { BenchRow, BenchSection } from '../harness';

/** The time-weighted mean and the largest gap between the bar and the share of the time gone. */
function barGaps(marks: readonly [number, number][], totalMs: number): { mean: number; worst: number } {
  let sum = 0;
  let worst = 0;
  marks.forEach(([t, bar], k) => {
    const next = marks[k + 1]?.[0] ?? totalMs;
    sum += Math.abs(bar - (t + next) / 2 / totalMs) * (next - t);
    worst = Math.max(worst, Math.abs(bar - t / totalMs), Math.abs(bar - next / totalMs));
  });
  return { mean: sum / totalMs, worst };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const section: BenchSection = {
  id: 'progress',
  title: "Progress: a sticker's bar against the share of its time gone (3-s parts, CPU)",
  async run(ctx) {
    const clipsDir = join(ctx.sharedDir, 'eval', 'anime_clips', 'clips');
    const clips = ctx.quick ? ['w2xgui_gif2_original.gif'] : ['w2xgui_video1_original.mp4', 'animatediff_model01_01.gif', 'w2xgui_gif2_original.gif'];
    const settings: [string, StickerOptions][] = ctx.quick
      ? [['gif', { format: 'gif' }], ['line', { preset: 'line' }]]
      : [['gif', { format: 'gif' }], ['webp', { format: 'webp' }], ['line', { preset: 'line' }], ['telegram', { preset: 'telegram' }], ['wechat', { preset: 'wechat' }], ['discord', { preset: 'discord' }]];
    const out = ctx.tempDir('progress');
    // A first sticker starts the model: its start is no later sticker's.
    await makeSticker(join(clipsDir, clips[0]), join(out, 'warm.gif'), { durationS: 1 }, ctx.env);
    const gaps: Record<'plain' | 'preset', { mean: number[]; worst: number[]; ms: number[] }> = { plain: { mean: [], worst: [], ms: [] }, preset: { mean: [], worst: [], ms: [] } };
    for (const clip of clips) {
      for (const [name, options] of settings) {
        const spans = stickerSpansOf(options);
        const marks: [number, number][] = [];
        let bar = 0;
        const t0 = performance.now();
        await makeSticker(join(clipsDir, clip), join(out, `${clip.replace(/\./g, '_')}-${name}`), { ...options, durationS: 3 }, ctx.env, {
          onProgress: (e) => {
            bar = Math.max(bar, jobFraction({ spans, stage: e.stage, done: e.done, total: e.total }));
            marks.push([performance.now() - t0, bar]);
          },
        });
        const totalMs = performance.now() - t0;
        const { mean, worst } = barGaps(marks, totalMs);
        const group = gaps[options.preset ? 'preset' : 'plain'];
        group.mean.push(mean);
        group.worst.push(worst);
        group.ms.push(totalMs);
        ctx.log(`${clip} ${name}: ${Math.round(totalMs)} ms, mean gap ${(mean * 100).toFixed(1)} %, worst ${(worst * 100).toFixed(1)} %`);
      }
    }
    const rows: BenchRow[] = [];
    for (const [group, label] of [['plain', 'no preset (GIF, WebP)'], ['preset', 'a preset (LINE, Telegram, WeChat, Discord: byte budgets)']] as const) {
      const g = gaps[group];
      if (g.mean.length === 0) continue;
      rows.push({ name: `${label}: mean gap, time-weighted`, medianMs: median(g.ms), n: g.mean.length, value: median(g.mean) * 100, unit: '%', note: 'median over the stickers; ms: a sticker' });
      rows.push({ name: `${label}: largest gap`, n: g.worst.length, value: median(g.worst) * 100, unit: '%', note: 'median over the stickers' });
    }
    return rows;
  },
};
