// A batch job through the engine host's worker thread, as the registry runs it: the pause gate is
// mirrored to the worker (nothing starts while paused), every status carries N of M, rate, current
// files and counts, and each input ends with one item event (done, or failed with its code).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PauseGate } from '../../../src/main/core/batch/pause-gate';
import { startEngine, type EngineHost } from '../../../src/main/engine/host';
import type { JobProgressEvent } from '../../../src/main/engine/run-job';
import { JobRegistry } from '../../../src/main/services/jobs';
import type { BatchItemFinished, JobProgress, JobSpec } from '../../../src/shared/jobs';
import { REPO_ROOT, SHARED_MODELS_DIR, evalFile, tempDir } from '../../helpers/env';

const dir = tempDir('cutout-batch-job-');
const hosts: EngineHost[] = [];

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.dispose()));
});

/** The engine in a worker thread on the real models. */
function host(): EngineHost {
  const h = startEngine(
    { modelsDirs: [SHARED_MODELS_DIR, join(REPO_ROOT, 'resources', 'models')], manifestPath: join(REPO_ROOT, 'resources', 'models', 'manifest.json'), tempDir: join(dir, 'engine'), provider: 'cpu' },
    { mode: 'worker', log: () => undefined },
  );
  hosts.push(h);
  return h;
}

/** The cn-1inch spec from the app's spec library. */
function cn1inch(): { id: string } {
  const library = JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'specs', 'id-photo-specs.json'), 'utf8')) as { specs: { id: string }[] };
  return library.specs.find((s) => s.id === 'cn-1inch')!;
}

describe('batch job through the engine worker', () => {
  it('waits while paused, then runs every input and reports rate, counts and per-file status', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), join(input, 'a.jpg'));
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), join(input, 'b.jpg'));
    writeFileSync(join(input, 'c.jpg'), Buffer.from('not a jpeg at all'));
    const spec: JobSpec = { kind: 'batch', inputs: [input], outputDir: join(dir, 'out'), options: { mode: 'idphoto', idSpec: cn1inch(), idSheet: { paper: '6inch', dpi: 300 }, format: 'jpeg', refine: 'fast', jobs: 1 } };
    const gate = new PauseGate();
    gate.pause();
    const progress: JobProgressEvent[] = [];
    const items: Omit<BatchItemFinished, 'jobId'>[] = [];
    const itemsAtResume: number[] = [];
    const result = host().call('runJob', spec, {
      gate,
      onItem: (item) => items.push(item),
      onProgress: (e) => {
        const p = e as JobProgressEvent;
        progress.push(p);
        if (p.stage !== 'write') return;
        // Paused with nothing in flight: resume (the first time before any file, then after the
        // file that was working when the second pause came has finished).
        if (p.isPaused && gate.isPaused && p.current?.length === 0) {
          itemsAtResume.push(items.length);
          gate.resume();
        } else if (!p.isPaused && p.current?.length === 1 && itemsAtResume.length === 1) {
          // The first file is working and all three are admitted (jobs 1 -> 3 slots): pause now.
          gate.pause();
        }
      },
    });
    const summary = (await result) as { done: number; failed: number };
    // Nothing started while paused at the start; after the second pause only the file in flight ended.
    expect(itemsAtResume).toEqual([0, 1]);
    expect(summary).toMatchObject({ done: 2, failed: 1 });
    // Admitted files race for the one finish slot, so the order they end in is not fixed.
    expect(items.map((i) => [basename(i.input), i.status]).sort()).toEqual([['a.jpg', 'done'], ['b.jpg', 'done'], ['c.jpg', 'failed']]);
    expect(items.find((i) => i.status === 'failed')?.code).toMatch(/^[A-Z_]+$/);
    const writes = progress.filter((p) => p.stage === 'write');
    expect(writes.every((p) => p.rate !== undefined && p.counts !== undefined && Array.isArray(p.current))).toBe(true);
    expect(writes.some((p) => p.current?.length === 1 && p.detail === p.current[0])).toBe(true);
    const last = writes.at(-1)!;
    expect(last).toMatchObject({ done: 3, total: 3, isPaused: false, current: [], counts: { done: 2, skipped: 0, failed: 1 } });
    expect(last.rate!.perSecond).toBeGreaterThan(0);
    // The print sheet of each photo beside it: 6 x 4 inch at 300 dpi.
    for (const name of ['a', 'b']) {
      const photo = await sharp(join(dir, 'out', `${name}_cn-1inch.jpg`)).metadata();
      expect([photo.width, photo.height]).toEqual([295, 413]);
      const sheet = await sharp(join(dir, 'out', `${name}_cn-1inch_sheet.jpg`)).metadata();
      expect([sheet.format, Math.min(sheet.width!, sheet.height!), Math.max(sheet.width!, sheet.height!)]).toEqual(['jpeg', 1200, 1800]);
    }
    expect(existsSync(join(dir, 'out', 'c_cn-1inch_sheet.jpg'))).toBe(false);
  }, 120_000);

  it('cancel while paused ends the job cancelled, with the report written and nothing started', async () => {
    const out = join(dir, 'out-cancel');
    const spec: JobSpec = { kind: 'batch', inputs: [evalFile('id_portraits', 'images', 'df_img1.jpg')], outputDir: out, options: { mode: 'idphoto', idSpec: cn1inch(), jobs: 1 } };
    const gate = new PauseGate();
    gate.pause();
    const controller = new AbortController();
    const items: Omit<BatchItemFinished, 'jobId'>[] = [];
    const call = host().call('runJob', spec, {
      gate,
      signal: controller.signal,
      onItem: (item) => items.push(item),
      onProgress: (e) => {
        if ((e as JobProgressEvent).isPaused) controller.abort();
      },
    });
    // Where its report is crosses the worker with the cancel (the app offers it: Show report).
    await expect(call).rejects.toMatchObject({ name: 'CancelledError', leftBehind: { outputDir: out, reportCsv: join(out, 'report.csv'), reportJson: join(out, 'report.json') } });
    // A job is said cancelled only once the engine has stopped it: its report is already written.
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { entries: { status: string }[] };
    expect(report.entries.map((e) => e.status)).toEqual(['cancelled']);
    expect(items.every((i) => i.status === 'cancelled')).toBe(true);
  });

  it('quitting mid-run (the host disposed): the engine stops the batch and writes its report before the thread ends', async () => {
    const input = join(dir, 'in-quit');
    mkdirSync(input, { recursive: true });
    for (const name of ['df_img1', 'df_img2', 'df_img3', 'df_img5']) copyFileSync(evalFile('id_portraits', 'images', `${name}.jpg`), join(input, `${name}.jpg`));
    const out = join(dir, 'out-quit');
    const engine = host();
    let disposed: Promise<void> | undefined;
    const call = engine.call('runJob', { kind: 'batch', inputs: [input], outputDir: out, options: { mode: 'portrait', refine: 'fast', jobs: 1 } }, {
      onItem: (item) => {
        // The app quits as the first file is done (before-quit disposes the core).
        if (item.status === 'done') disposed ??= engine.dispose();
      },
    });
    await expect(call).rejects.toMatchObject({ name: 'CancelledError' });
    await disposed;
    // The thread was not cut off mid-batch: its report says what was done and what was not (the
    // next run resumes from the journal either way).
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { entries: { status: string }[] };
    expect(report.entries).toHaveLength(4);
    expect(report.entries.filter((e) => e.status === 'done').length).toBeGreaterThanOrEqual(1);
    expect(report.entries.filter((e) => e.status === 'cancelled').length).toBeGreaterThanOrEqual(1);
  });

  it('cancel mid-run: the job ends only when the engine has stopped, and nothing is written after it', async () => {
    // Eight portraits, two at work at once: some are being cut out, some wait for a slot.
    const input = join(dir, 'in-cancel-mid');
    mkdirSync(input, { recursive: true });
    const names = ['df_img1', 'df_img2', 'df_img3', 'df_img5', 'df_img6', 'df_img7', 'df_img11', 'df_img12'];
    for (const name of names) copyFileSync(evalFile('id_portraits', 'images', `${name}.jpg`), join(input, `${name}.jpg`));
    const out = join(dir, 'out-cancel-mid');
    const spec: JobSpec = { kind: 'batch', inputs: [input], outputDir: out, options: { mode: 'portrait', refine: 'full', jobs: 2 } };
    const controller = new AbortController();
    const items: Omit<BatchItemFinished, 'jobId'>[] = [];
    const call = host().call('runJob', spec, {
      signal: controller.signal,
      onItem: (item) => {
        items.push(item);
        // Cancel as the first file is done: the next ones are in flight or queued.
        if (item.status === 'done') controller.abort();
      },
    });
    await expect(call).rejects.toMatchObject({ name: 'CancelledError' });
    const snapshot = () => {
      const files = readdirSync(out).sort();
      return { files, sizes: files.map((f) => statSync(join(out, f)).size), journal: readFileSync(join(out, '.cutout-batch.jsonl'), 'utf8') };
    };
    const atCancel = snapshot();
    // The report is there, and it agrees with the outputs and the journal.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { summary: { done: number; cancelled: number }; entries: { input: string; status: string; output: string }[] };
    const doneOutputs = report.entries.filter((e) => e.status === 'done').map((e) => basename(e.output)).sort();
    expect(doneOutputs.length).toBeGreaterThanOrEqual(1);
    expect(doneOutputs.length).toBeLessThan(names.length);
    expect(atCancel.files.filter((f) => f.endsWith('.png'))).toEqual(doneOutputs);
    // One done record a done file (the other lines claim each started file's place before its rename).
    const records = atCancel.journal.trim().split('\n').map((line) => JSON.parse(line) as { status: string; output: string });
    expect(records.filter((r) => r.status === 'done').map((r) => basename(r.output)).sort()).toEqual(doneOutputs);
    expect(records.filter((r) => r.status !== 'done' && r.status !== 'writing')).toEqual([]);
    expect(report.summary.cancelled).toBe(names.length - doneOutputs.length);
    // The report lists every input; each file that was started ended with one item event, as the report says.
    expect(report.entries).toHaveLength(names.length);
    const statusOf = new Map(report.entries.map((e) => [basename(e.output).replace(/_cutout\.png$/, ''), e.status]));
    for (const item of items) expect(item.status).toBe(statusOf.get(basename(item.input, '.jpg')));
    // Nothing more happens after the job was said cancelled (a full cut-out takes about a second here).
    await new Promise((r) => setTimeout(r, 3000));
    expect(snapshot()).toEqual(atCancel);
  }, 180_000);

  it('refuses a print sheet with an unknown paper before any file starts', async () => {
    const spec: JobSpec = { kind: 'batch', inputs: [evalFile('id_portraits', 'images', 'df_img1.jpg')], outputDir: join(dir, 'out-bad'), options: { mode: 'idphoto', idSpec: cn1inch(), idSheet: { paper: 'napkin', dpi: 300 } } };
    await expect(host().call('runJob', spec)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('the registry throttle keeps the newest batch fields whole, and items are never throttled', async () => {
    const sent: JobProgress[] = [];
    const itemEvents: BatchItemFinished[] = [];
    let finish!: () => void;
    const registry = new JobRegistry(
      (_spec, ctx) => {
        for (let i = 1; i <= 3; i++) {
          ctx.onProgress({ stage: 'write', done: i, total: 3, rate: { perSecond: i, etaMs: 1000 * (3 - i) }, current: [`/in/${i}.jpg`], isPaused: i === 2, counts: { done: i, skipped: 0, failed: 0 } } as never);
          ctx.onItem({ input: `/in/${i}.jpg`, status: 'done', output: `/out/${i}.jpg` });
        }
        return new Promise<void>((r) => (finish = r));
      },
      { progress: (e) => sent.push(e), finished: () => undefined, item: (e) => itemEvents.push(e) },
      { intervalMs: 20 },
    );
    const id = registry.start({ kind: 'batch', inputs: ['/in'], outputDir: '/out', options: { mode: 'portrait' } });
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    finish();
    expect(itemEvents.map((e) => [e.jobId, e.input])).toEqual([1, 2, 3].map((i) => [id, `/in/${i}.jpg`]));
    // The first event goes out at once; the next two collapse into the newest, complete.
    expect(sent).toEqual([
      { jobId: id, stage: 'write', done: 1, total: 3, rate: { perSecond: 1, etaMs: 2000 }, current: ['/in/1.jpg'], isPaused: false, counts: { done: 1, skipped: 0, failed: 0 } },
      { jobId: id, stage: 'write', done: 3, total: 3, rate: { perSecond: 3, etaMs: 0 }, current: ['/in/3.jpg'], isPaused: false, counts: { done: 3, skipped: 0, failed: 0 } },
    ]);
  });
});
