// JobRegistry: one finished event per job, progress throttled to <= 10/s with the newest event
// kept, cancellation within a second, failures carried as codes, the taskbar aggregate cleared.
import { describe, expect, it, vi } from 'vitest';
import { AppError, CancelledError } from '../../../src/shared/errors';
import type { JobOutcome, JobProgress, JobSpec } from '../../../src/shared/jobs';
import { sleep } from '../../../src/main/core/abort';
import { JobRegistry, RECENTLY_ENDED_MAX, RECENTLY_ENDED_MS, type JobRunner } from '../../../src/main/services/jobs';
import { batchStatusToProgress } from '../../../src/main/engine/run-job';

const SPEC: JobSpec = { kind: 'cutout', input: '/in.png', output: '/out.png', options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } };

function setup(run: JobRunner) {
  const progress: Array<JobProgress & { at: number }> = [];
  const finished: Array<JobOutcome & { at: number }> = [];
  const aggregate: Array<number | null> = [];
  const logs: string[] = [];
  // The registry's clock, and the time it last read: an event is stamped with the time at which the
  // registry decided to send it. A timestamp taken in the sink would also count the moments the OS
  // runs another process in between (tens of ms on a loaded 2-core machine), which is not the
  // throttle's doing.
  let lastRead = 0;
  const now = (): number => (lastRead = performance.now());
  const registry = new JobRegistry(run, {
    progress: (e) => progress.push({ ...e, at: lastRead }),
    finished: (e) => finished.push({ ...e, at: performance.now() }),
    aggregate: (f) => aggregate.push(f),
  }, { log: (m) => logs.push(m), now });
  const until = async (id: string): Promise<JobOutcome & { at: number }> => {
    for (let i = 0; i < 500 && !finished.some((f) => f.jobId === id); i++) await sleep(10);
    return finished.find((f) => f.jobId === id)!;
  };
  return { registry, progress, finished, aggregate, logs, until };
}

/**
 * A registry on fake timers whose clock the test sets (`clock`), running one job that reports
 * progress when the test calls `report`; `sent` holds the progress events with the clock at sending.
 */
async function withFakeClock(body: (t: { clock: number; sent: { done: number; at: number }[]; report: (done: number) => void }) => Promise<void>): Promise<void> {
  vi.useFakeTimers();
  try {
    let finish: () => void = () => {};
    const t = { clock: 0, sent: [] as { done: number; at: number }[], report: (_done: number): void => {} };
    const registry = new JobRegistry(
      async (_spec, ctx) => {
        t.report = (done) => ctx.onProgress({ stage: 'matte', done, total: 10 });
        await new Promise<void>((resolve) => (finish = resolve));
        return null;
      },
      { progress: (e) => t.sent.push({ done: e.done, at: t.clock }), finished: () => {} },
      { now: () => t.clock },
    );
    registry.start(SPEC);
    await vi.advanceTimersByTimeAsync(0); // the runner starts
    await body(t);
    finish();
    await vi.advanceTimersByTimeAsync(0);
  } finally {
    vi.useRealTimers();
  }
}

describe('JobRegistry', () => {
  it('returns an id at once and ends a job with exactly one done event carrying the result', async () => {
    const t = setup(async (_spec, ctx) => {
      ctx.onProgress({ stage: 'decode', done: 0, total: 1 });
      await sleep(20);
      return { output: '/out.png' };
    });
    const id = t.registry.start(SPEC);
    expect(t.finished).toHaveLength(0);
    const end = await t.until(id);
    await sleep(150);
    expect(end).toMatchObject({ jobId: id, outcome: 'done', result: { output: '/out.png' } });
    expect(t.finished).toHaveLength(1);
    expect(t.registry.size).toBe(0);
    expect(t.aggregate.at(-1)).toBeNull();
  });

  it('throttles progress to at most 10 per second and delivers the newest pending event', async () => {
    const t = setup(async (_spec, ctx) => {
      for (let i = 1; i <= 300; i++) {
        ctx.onProgress({ stage: 'matte', done: i, total: 300 });
        await sleep(2);
      }
      await sleep(250);
      return null;
    });
    const id = t.registry.start(SPEC);
    await t.until(id);
    const mine = t.progress.filter((p) => p.jobId === id);
    const spanMs = mine.at(-1)!.at - mine[0].at;
    expect(mine.length).toBeGreaterThan(2);
    // At least the interval apart on the registry's own clock (setup: stamped when it decided to
    // send, so neither timer lateness nor the OS scheduling other processes can blur the gap).
    const minGapMs = 100;
    expect(mine.length).toBeLessThanOrEqual(Math.floor(spanMs / minGapMs) + 1);
    for (let i = 1; i < mine.length; i++) expect(mine[i].at - mine[i - 1].at).toBeGreaterThanOrEqual(minGapMs);
    expect(mine.at(-1)!.done).toBe(300);
  });

  it('a throttle timer that fires late never sends sooner than the interval after an event sent directly', async () => {
    // The event loop can run a job's own timers before an overdue throttle timer: an event then
    // goes out directly, and the stale timer must not send the next one right after it.
    await withFakeClock(async (t) => {
      t.report(1); // t = 0: sent at once
      t.clock = 10;
      t.report(2); // too soon: pending, a throttle timer due in 90 ms
      // The job's own work is due first (80 ms), runs late, and reports twice: 150 ms after the
      // last sent event (out directly), then 10 ms later (pending).
      setTimeout(() => {
        t.clock = 150;
        t.report(3);
        t.clock = 160;
        t.report(4);
      }, 80);
      await vi.advanceTimersByTimeAsync(95); // both timers' times pass
      expect(t.sent.map((e) => e.done)).toEqual([1, 3]);
      t.clock = 250;
      await vi.advanceTimersByTimeAsync(100);
      expect(t.sent.map((e) => e.done)).toEqual([1, 3, 4]);
      for (let i = 1; i < t.sent.length; i++) expect(t.sent[i].at - t.sent[i - 1].at).toBeGreaterThanOrEqual(100);
    });
  });

  it('a throttle timer that fires early (whole-millisecond timers) waits out the rest of the interval', async () => {
    await withFakeClock(async (t) => {
      t.report(1); // t = 0: sent at once
      t.clock = 10;
      t.report(2); // pending, a timer due in 90 ms
      t.clock = 99.4; // the timer fires while the registry's clock is 0.6 ms short of the interval
      await vi.advanceTimersByTimeAsync(90);
      expect(t.sent.map((e) => e.done)).toEqual([1]);
      t.clock = 100;
      await vi.advanceTimersByTimeAsync(1);
      expect(t.sent).toEqual([{ done: 1, at: 0 }, { done: 2, at: 100 }]);
    });
  });

  it('cancels within a second: one cancelled event, no progress after it, late cancels ignored', async () => {
    const t = setup(async (_spec, ctx) => {
      ctx.onProgress({ stage: 'matte', done: 0, total: 10 });
      await sleep(10_000, ctx.signal);
      return null;
    });
    const id = t.registry.start(SPEC);
    await sleep(30);
    const t0 = performance.now();
    t.registry.cancel(id);
    const end = await t.until(id);
    expect(end.outcome).toBe('cancelled');
    expect(end.at - t0).toBeLessThan(1000);
    t.registry.cancel(id);
    t.registry.cancel('no-such-job');
    await sleep(150);
    expect(t.finished.filter((f) => f.jobId === id)).toHaveLength(1);
    expect(t.progress.every((p) => p.at <= end.at)).toBe(true);
  });

  it('reports failures by code; unknown errors become INTERNAL and are logged, cancellation is not', async () => {
    const t = setup(async (spec) => {
      if (spec.kind === 'cutout' && spec.input === '/bad.png') throw new AppError('INPUT_UNSUPPORTED', 'not an image');
      if (spec.kind === 'cutout' && spec.input === '/cancel.png') throw new CancelledError();
      throw new TypeError('boom');
    });
    const a = await t.until(t.registry.start({ ...SPEC, input: '/bad.png' } as JobSpec));
    const b = await t.until(t.registry.start(SPEC));
    const c = await t.until(t.registry.start({ ...SPEC, input: '/cancel.png' } as JobSpec));
    expect(a.outcome === 'failed' && a.error.code).toBe('INPUT_UNSUPPORTED');
    expect(b.outcome === 'failed' && b.error.code).toBe('INTERNAL');
    expect(c.outcome).toBe('cancelled');
    expect(t.logs).toHaveLength(1);
    expect(t.logs[0]).toMatch(/boom/);
  });

  it('mirrors the mean fraction of running jobs for the taskbar', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = setup(async (_spec, ctx) => {
      ctx.onProgress({ stage: 'matte', done: 1, total: 2 });
      await gate;
      return null;
    });
    const a = t.registry.start(SPEC);
    const b = t.registry.start(SPEC);
    await sleep(20);
    expect(t.aggregate.at(-1)).toBeCloseTo(0.5);
    release();
    await t.until(a);
    await t.until(b);
    expect(t.aggregate.at(-1)).toBeNull();
  });

  it("puts a cut-out's stages on one taskbar bar, as the window does: its encode does not fall back to 0", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = setup(async (_spec, ctx) => {
      ctx.onProgress({ stage: 'refine', done: 100, total: 100 });
      await sleep(150);
      ctx.onProgress({ stage: 'encode', done: 0, total: 1 });
      await gate;
      return null;
    });
    const a = t.registry.start(SPEC);
    await sleep(400);
    expect(SPEC.kind).toBe('cutout');
    expect(t.aggregate.at(-1)).toBeCloseTo(0.93);
    release();
    await t.until(a);
  });

  it('lists the jobs that ended a moment ago with their outcome: the newest RECENTLY_ENDED_MAX', async () => {
    const clock = 1_000;
    const registry = new JobRegistry(async (spec) => {
      if (spec.kind === 'sticker') throw new AppError('VIDEO_CORRUPT', 'bad clip');
      return { output: '/out.png' };
    }, { progress: () => undefined, finished: () => undefined }, { now: () => clock, log: () => undefined });
    const done = registry.start(SPEC);
    const failed = registry.start({ kind: 'sticker', input: '/c.mp4', output: '/c.gif', options: {} });
    await vi.waitFor(() => expect(registry.size).toBe(0));
    expect(registry.list().map((j) => [j.id, j.ended?.outcome])).toEqual([[done, 'done'], [failed, 'failed']]);
    expect(registry.list()[0].ended).toMatchObject({ result: { output: '/out.png' } });
    // The oldest ended go past the most kept (the time kept: the next test).
    for (let i = 0; i < RECENTLY_ENDED_MAX; i++) registry.start(SPEC);
    await vi.waitFor(() => expect(registry.size).toBe(0));
    const ids = registry.list().map((j) => j.id);
    expect(ids).toHaveLength(RECENTLY_ENDED_MAX);
    expect(ids).not.toContain(done);
  });

  it('lists a job cancelled while paused as ended, not paused (its last progress said paused)', async () => {
    const registry = new JobRegistry(async (_spec, ctx) => {
      // A batch's status as the engine sends it (batchStatusToProgress), paused.
      ctx.onProgress(batchStatusToProgress({ finished: 1, total: 3, current: [], filesPerSec: 0, isPaused: true, done: 1, skipped: 0, failed: 0, inFlight: 0, elapsedMs: 1000 }));
      await new Promise<void>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new CancelledError())));
      return null;
    }, { progress: () => undefined, finished: () => undefined }, { log: () => undefined });
    const id = registry.start({ kind: 'batch', inputs: ['/in'], outputDir: '/out', options: { mode: 'portrait' } });
    await vi.waitFor(() => expect(registry.list()[0]?.progress?.isPaused).toBe(true));
    registry.cancel(id);
    await vi.waitFor(() => expect(registry.size).toBe(0));
    const [ended] = registry.list();
    expect([ended.ended?.outcome, ended.progress?.isPaused, ended.progress?.done]).toEqual(['cancelled', false, 1]);
  });

  it('lets an ended job go once RECENTLY_ENDED_MS are up, listed or not (a big batch\'s items were held for good)', async () => {
    vi.useFakeTimers();
    try {
      const registry = new JobRegistry(async () => ({}), { progress: () => undefined, finished: () => undefined }, { now: () => 0 });
      registry.start(SPEC);
      await vi.advanceTimersByTimeAsync(1);
      expect(registry.list()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(RECENTLY_ENDED_MS - 10);
      expect(registry.list()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(10);
      // (Its clock never moved: the timer let it go.)
      expect(registry.list()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
