// Batch export under faults, through the real CLI process: Ctrl+C (exit 130, said once), kill -9 mid-run then --resume (every
// output present and whole), a file-size limit standing in for a full disk (DISK_FULL, no
// partial files), and the refine worker pool really running off-thread.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { RefinePool } from '../../src/main/core/batch/refine-pool';
import type { BatchReport } from '../../src/main/core/batch/report';
import { evalFile, REPO_ROOT, SHARED_MODELS_DIR, tempDir } from '../helpers/env';

const CLI = join(REPO_ROOT, 'bin', 'cutout.mjs');
const childEnv = { ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR };

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('batch faults', () => {
  let input: string;
  const count = 10;

  beforeAll(async () => {
    input = tempDir('cutout-batch-faults-');
    mkdirSync(join(input, 'in'));
    const names = readdirSync(join(evalFile('id_portraits'), 'images')).filter((f) => f.endsWith('.jpg')).sort();
    for (let i = 0; i < count; i++) {
      const bytes = await sharp(evalFile('id_portraits', 'images', names[i])).rotate().resize(480, 480, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer();
      writeFileSync(join(input, 'in', `p${i}.jpg`), bytes);
    }
  });

  it('kill -9 mid-batch, then --resume: every output present, decodes, none truncated, no temp files', async () => {
    const out = join(input, 'out-kill');
    const journal = join(out, '.cutout-batch.jsonl');
    const child = spawn(process.execPath, [CLI, 'batch', join(input, 'in'), '-o', out, '-j', '2', '-q'], { env: childEnv, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill once at least two files are journalled (so some are done and some are in flight).
    for (let t = 0; t < 1200; t++) {
      const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0;
      if (lines >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const doneBeforeKill = readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
    expect(doneBeforeKill).toBeGreaterThanOrEqual(2);
    expect(doneBeforeKill).toBeLessThan(count);

    const resumed = spawnSync(process.execPath, [CLI, 'batch', join(input, 'in'), '-o', out, '-j', '2', '--resume'], { env: childEnv, encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(report.summary.skipped).toBeGreaterThanOrEqual(doneBeforeKill);
    expect(report.summary.done + report.summary.skipped).toBe(count);
    for (let i = 0; i < count; i++) {
      const { info } = await sharp(join(out, `p${i}_cutout.png`), { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(4);
    }
    expect(listFiles(out).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('Ctrl+C (SIGINT) mid-batch: exit 130, said once with how to resume, finished files whole, no temp files', async () => {
    const out = join(input, 'out-int');
    const journal = join(out, '.cutout-batch.jsonl');
    const child = spawn(process.execPath, [CLI, 'batch', join(input, 'in'), '-o', out, '-j', '1', '-q'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let t = 0; t < 1200; t++) {
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    // How far it got, as the report says.
    const s = report.summary;
    expect(stderr.trim().split('\n')).toEqual([
      `CANCELLED after ${s.done} done, ${s.skipped} skipped, ${s.failed} failed of ${s.total} (${s.cancelled} not done): finished files are kept; run the same command with --resume to continue. Report: ${out}/report.json`,
    ]);
    expect(report.summary.isCancelled).toBe(true);
    expect(report.summary.done).toBeGreaterThanOrEqual(1);
    expect(report.summary.done).toBeLessThan(count);
    for (const e of report.entries.filter((x) => x.status === 'done')) expect((await sharp(e.output, { failOn: 'truncated' }).metadata()).channels).toBe(4);
    expect(listFiles(out).filter((f) => f.endsWith('.part') || f.includes('.tmp'))).toEqual([]);
  });

  it('a full disk (file-size limit) gives DISK_FULL per file and leaves no partial files', () => {
    const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
    expect(hasPrlimit).toBe(true);
    const out = join(input, 'out-full');
    // 40 kB: the journal and reports fit, a 480 px cut-out PNG (>100 kB) does not.
    const run = spawnSync('prlimit', ['--fsize=40000', process.execPath, CLI, 'batch', join(input, 'in', 'p0.jpg'), join(input, 'in', 'p1.jpg'), '-o', out, '-q'], { env: childEnv, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('DISK_FULL');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(report.entries.map((e) => e.code)).toEqual(['DISK_FULL', 'DISK_FULL']);
    const left = listFiles(out).map((f) => f.slice(out.length + 1)).sort();
    expect(left).toEqual(['.cutout-batch.jsonl', 'report.csv', 'report.json']);
  });

  it('runs refinement on worker threads (not the calling thread)', async () => {
    const pool = new RefinePool(1);
    try {
      expect(pool.isInThread).toBe(false);
      const { data, unsureShare } = await pool.run({
        data: Uint8Array.from({ length: 8 * 8 * 4 }, (_, i) => (i % 4 === 3 ? 255 : 200)),
        width: 8,
        height: 8,
        mask: new Float32Array(4 * 4).fill(1),
        maskW: 4,
        maskH: 4,
        mode: 'off',
        background: { kind: 'transparent' },
      });
      expect(data.length).toBe(256);
      expect(data[3]).toBe(255);
      expect(unsureShare).toBe(0); // a fully opaque matte
    } finally {
      await pool.close();
    }
  });
});
