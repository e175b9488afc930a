// Batch export under faults, through the real CLI process: Ctrl+C (exit 130, said once), kill -9 mid-run then --resume (every
// output present and whole), a file-size limit standing in for a full disk (DISK_FULL, no
// partial files), and the refine worker pool really running off-thread.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants } from 'node:os';
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

/** The journal's done records (its other lines claim an output's place before its rename). */
function doneRecords(journal: string): number {
  if (!existsSync(journal)) return 0;
  return readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"status":"done"')).length;
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
    // Kill once at least two files are journalled done (so some are done and some are in flight).
    for (let t = 0; t < 1200; t++) {
      if (doneRecords(journal) >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const doneBeforeKill = doneRecords(journal);
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
      if (doneRecords(journal) >= 1) break;
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

  it('cutout portrait with several files: a stop signal ends the run, said once, by its exit code (Ctrl+C 130 even when it comes twice at once, kill 143)', async () => {
    const inputs = Array.from({ length: count }, (_, i) => join(input, 'in', `p${i}.jpg`));
    const run = async (signals: NodeJS.Signals[]) => {
      const out = tempDir('cutout-portrait-stop-');
      const child = spawn(process.execPath, [CLI, 'portrait', ...inputs, '-o', out, '--refine', 'full'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      // The status a shell sees: a second Ctrl+C that lands while the process is already exiting
      // (its handlers gone) ends it by the signal itself, which a shell reads as 128 + 2 = 130 too.
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null))));
      for (let t = 0; t < 1200 && !stdout.includes(' -> '); t++) await new Promise((r) => setTimeout(r, 50));
      // A launcher in front of node (tsx) relays the terminal's Ctrl+C: the same stop comes twice.
      for (const signal of signals) {
        child.kill(signal);
        await new Promise((r) => setTimeout(r, 30));
      }
      return { code: await exited, stdout, stderr, written: readdirSync(out) };
    };
    for (const [signals, code] of [[['SIGINT', 'SIGINT'], 130], [['SIGTERM'], 143]] as const) {
      const r = await run([...signals]);
      expect(r.code).toBe(code);
      // Said once, not as a failure of each file that never started.
      expect(r.stderr.trim().split('\n')).toEqual(['CANCELLED: stopped (Ctrl+C or kill); no half-written file is left']);
      const done = r.stdout.split('\n').filter((l) => l.includes(' -> '));
      expect(done.length).toBeGreaterThanOrEqual(1);
      expect(done.length).toBeLessThan(count);
      // What was done is kept, whole; nothing else (no half-written file) is there.
      expect(r.written.sort()).toEqual(done.map((l) => basename(l.split(' -> ')[1].split(' (')[0])).sort());
    }
  }, 120_000);

  it('a full disk (file-size limit) stops the batch with its summary: DISK_FULL, the rest not done, no partial files', () => {
    const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
    expect(hasPrlimit).toBe(true);
    const out = join(input, 'out-full');
    // 40 kB: the journal and reports fit, a 480 px cut-out PNG (>100 kB) does not. One at a time:
    // the first full write stops the run, and the files after it are not made whole only to fail.
    const inputs = [0, 1, 2, 3].map((i) => join(input, 'in', `p${i}.jpg`));
    const run = spawnSync('prlimit', ['--fsize=40000', process.execPath, CLI, 'batch', ...inputs, '-o', out, '-q', '--jobs', '1'], { env: childEnv, encoding: 'utf8' });
    expect(run.status).toBe(1);
    // No file made, no rate (a failure's time read as files a second).
    expect(run.stdout).toMatch(/^0 done, 0 skipped, 1 failed, 3 not done of 4 in [^(]+\. Report: /m);
    expect(run.stderr).toMatch(/^STOPPED: DISK_FULL: The disk is full .* 3 files were not done: once there is room \(or with another -o\), run the same command with --resume\.$/m);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(report.entries.map((e) => e.status)).toEqual(['failed', 'cancelled', 'cancelled', 'cancelled']);
    expect(report.entries[0].code).toBe('DISK_FULL');
    expect(report.entries[1].reason).toMatch(/^not done: the disk filled up/);
    expect(report.summary).toMatchObject({ stoppedBy: { code: 'DISK_FULL', input: inputs[0] }, cancelled: 3 });
    const left = listFiles(out).map((f) => f.slice(out.length + 1)).sort();
    expect(left).toEqual(['.cutout-batch.jsonl', 'report.csv', 'report.json']);
    // So full that the report does not fit either: the summary still ends the run, and says so.
    const fuller = spawnSync('prlimit', ['--fsize=1200', process.execPath, CLI, 'batch', ...inputs, '-o', join(input, 'out-fuller'), '-q', '--jobs', '1'], { env: childEnv, encoding: 'utf8' });
    expect(fuller.status).toBe(1);
    expect(fuller.stdout).toMatch(/^0 done, 0 skipped, 1 failed, 3 not done of 4 in .* No report: The disk is full \(or over quota\) while writing \S+report\.json/m);
    expect(listFiles(join(input, 'out-fuller')).map((f) => basename(f))).toEqual(['.cutout-batch.jsonl']);
    // Room again: --resume does the four.
    const again = spawnSync(process.execPath, [CLI, 'batch', ...inputs, '-o', out, '-q', '--resume'], { env: childEnv, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^4 done, 0 skipped, 0 failed of 4 /m);
  });

  it('a report that cannot be written after every file was made: the summary still ends the run, exit 1, and --resume writes it', () => {
    const out = join(input, 'out-no-report');
    // A folder where report.json goes: its write fails (OUTPUT_NOT_WRITABLE), as a disk filling up at the report does.
    mkdirSync(join(out, 'report.json'), { recursive: true });
    const inputs = [0, 1].map((i) => join(input, 'in', `p${i}.jpg`));
    const run = spawnSync(process.execPath, [CLI, 'batch', ...inputs, '-o', out, '-q', '--refine', 'off'], { env: childEnv, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^2 done, 0 skipped, 0 failed of 2 in .* No report: Cannot write \S+report\.json/m);
    expect(run.stderr).toMatch(/^The files made are kept: .* --resume to write it without making them again\.$/m);
    expect(doneRecords(join(out, '.cutout-batch.jsonl'))).toBe(2);
    rmSync(join(out, 'report.json'), { recursive: true });
    const again = spawnSync(process.execPath, [CLI, 'batch', ...inputs, '-o', out, '-q', '--refine', 'off', '--resume'], { env: childEnv, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^0 done, 2 skipped, 0 failed of 2 /m);
    expect((JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport).entries).toHaveLength(2);
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

  it('cancels a running refine at once (its worker is stopped) and a queued one; the pool goes on', async () => {
    // A 4 MP picture with a soft, blocky mask: the full refine solves a wide band (seconds here).
    const w = 2000;
    const h = 2000;
    const task = () => {
      const data = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) data.set([(i * 7) % 251, (i >> 3) % 239, 128, 255], i * 4);
      const mask = new Float32Array(64 * 64);
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) mask[y * 64 + x] = Math.hypot(x - 32, y - 32) < 20 ? 1 : Math.hypot(x - 32, y - 32) < 26 ? 0.5 : 0;
      return { data, width: w, height: h, mask, maskW: 64, maskH: 64, mode: 'full' as const, background: { kind: 'transparent' as const } };
    };
    const pool = new RefinePool(1);
    try {
      // The time one refine takes, measured here (the machine's speed varies).
      let t0 = performance.now();
      await pool.run(task());
      const fullMs = performance.now() - t0;
      const ac = new AbortController();
      t0 = performance.now();
      const running = pool.run(task(), { signal: ac.signal });
      const queued = pool.run(task(), { signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
      await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
      const cancelMs = performance.now() - t0;
      expect(cancelMs).toBeLessThan(fullMs / 2);
      // The queued task took the replacement worker, and was stopped with it. With nothing waiting no
      // worker is started (a one-task pool is closed right after); the next task starts one, off-thread.
      expect(pool.size).toBe(0);
      const small = await pool.run({ data: new Uint8Array(16 * 16 * 4).fill(255), width: 16, height: 16, mask: new Float32Array(16).fill(1), maskW: 4, maskH: 4, mode: 'off', background: { kind: 'transparent' } });
      expect(small.data.length).toBe(16 * 16 * 4);
      expect([pool.size, pool.isInThread]).toEqual([1, false]);
      // Already cancelled: refused without work.
      await expect(pool.run(task(), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      await pool.close();
    }
  }, 120_000);
});
