// Benchmark: batch portrait cut-out through the real CLI process (`cutout batch`): images/s on
// portraits resized to 1 MP (goal >= 6 on the 2-core CPU) and peak RSS at a small vs a 10x larger
// input count (must stay flat). Each run is its own process, so its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BatchReport } from '../../src/main/core/batch/report';
import type { BenchRow, BenchSection } from '../harness';

/** Writes `count` JPEGs of about `megapixels` MP made from the eval portraits (first the distinct ones, then hard links). */
async function makePortraits(dir: string, sourceDir: string, count: number, megapixels: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const sources = readdirSync(sourceDir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  for (let i = 0; i < count; i++) {
    const target = join(dir, `p${String(i).padStart(5, '0')}.jpg`);
    if (i >= sources.length) {
      // Same bytes, other name: decode/infer/encode cost is identical, disk use is not.
      linkSync(join(dir, `p${String(i % sources.length).padStart(5, '0')}.jpg`), target);
      continue;
    }
    const src = join(sourceDir, sources[i]);
    const m = await sharp(src).rotate().metadata();
    const s = Math.sqrt((megapixels * 1e6) / (m.width! * m.height!));
    await sharp(src).rotate().resize(Math.round(m.width! * s), Math.round(m.height! * s)).jpeg({ quality: 90 }).toFile(target);
  }
}

/** Runs `cutout batch` in a child process and returns its report summary. */
function runCliBatch(repoRoot: string, input: string, output: string, jobs: number): BatchReport['summary'] {
  const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'cutout.mjs'), 'batch', input, '-o', output, '-j', String(jobs), '-q', '--provider', 'cpu'], {
    env: process.env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cutout batch failed (${run.status}): ${run.stderr}`);
  return (JSON.parse(readFileSync(join(output, 'report.json'), 'utf8')) as BatchReport).summary;
}

export const section: BenchSection = {
  id: 'batch',
  title: 'Batch portrait cut-out (`cutout batch`, CPU, PNG out)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const root = ctx.tempDir('batch');
    const sourceDir = join(ctx.sharedDir, 'eval', 'id_portraits', 'images');
    const cores = availableParallelism();
    try {
      const throughputCount = ctx.quick ? 24 : 200;
      await makePortraits(join(root, 'mp1'), sourceDir, throughputCount, 1);
      for (const jobs of ctx.quick ? [cores] : [1, cores]) {
        const s = runCliBatch(ctx.repoRoot, join(root, 'mp1'), join(root, `out-mp1-j${jobs}`), jobs);
        ctx.log(`batch ${throughputCount} x 1 MP, jobs ${jobs}: ${s.filesPerSec.toFixed(2)} images/s`);
        rows.push({
          name: `${throughputCount} portraits at 1 MP, --jobs ${jobs}`,
          // One run's rate, not a median: its mean time an image is said in the note.
          n: s.total,
          value: s.filesPerSec,
          unit: 'images/s',
          note: `one run, ${(s.elapsedMs / s.total).toFixed(1)} ms an image on average; goal ≥ 6 images/s on 2 cores; ${s.failed} failed; peak RSS ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
        });
      }
      // Flat memory: the same per-file work at a small and a 10x larger count.
      const [small, large] = ctx.quick ? [20, 200] : [100, 1000];
      const mp = ctx.quick ? 0.25 : 1;
      await makePortraits(join(root, 'rss'), sourceDir, large, mp);
      const smallDir = join(root, 'rss-small');
      mkdirSync(smallDir);
      for (const f of readdirSync(join(root, 'rss')).sort().slice(0, small)) linkSync(join(root, 'rss', f), join(smallDir, f));
      for (const [count, dir] of [
        [small, smallDir],
        [large, join(root, 'rss')],
      ] as const) {
        const s = runCliBatch(ctx.repoRoot, dir, join(root, `out-rss-${count}`), cores);
        rows.push({ name: `peak RSS, ${count} inputs at ${mp} MP, --jobs ${cores}`, value: s.peakRssBytes / 2 ** 20, unit: 'MiB', n: s.total, note: `${s.filesPerSec.toFixed(2)} images/s` });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    return rows;
  },
};
