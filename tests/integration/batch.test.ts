// Batch export end to end on real portraits (downscaled eval images), the real model and sharp:
// mirrored tree, corrupt inputs reported while the rest is done, resume, retry-failed, cancel.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { processStart } from '../../src/main/core/batch/output-lock';
import { hostname } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/main/cli/cli-env';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { PauseGate } from '../../src/main/core/batch/pause-gate';
import { pixelsInFlightFor, runBatch } from '../../src/main/core/batch/run-batch';
import { makeSticker } from '../../src/main/core/sticker/make-sticker';
import { cutoutToFile } from '../../src/main/core/pipelines/cutout';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { runJob, type batchItemOf } from '../../src/main/engine/run-job';
import type { BatchFileEvent, BatchStatus } from '../../src/main/core/batch/types';
import type { BatchReport } from '../../src/main/core/batch/report';
import { evalFile, longCharacterClip, reviewFrame, tempDir, testEnv } from '../helpers/env';

const env = testEnv();
const PORTRAITS = ['hv_test1.jpg', 'df_img1.jpg', 'df_img11.jpg', 'df_img12.jpg'];

/** A small real portrait JPEG (long side 360 px) so the test stays fast on 2 cores. */
async function smallPortrait(name: string): Promise<Buffer> {
  return sharp(evalFile('id_portraits', 'images', name)).rotate().resize(360, 360, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer();
}

async function expectCutoutPng(path: string, width: number, height: number): Promise<void> {
  const { data, info } = await sharp(path, { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([width, height, 4]);
  // A cut-out: some pixels transparent, some opaque.
  let clear = 0;
  let opaque = 0;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] === 0) clear++;
    else if (data[i] === 255) opaque++;
  }
  expect(clear).toBeGreaterThan(info.width * info.height * 0.05);
  expect(opaque).toBeGreaterThan(info.width * info.height * 0.05);
}

describe('batch export', () => {
  let root: string;
  let input: string;
  let output: string;
  let sizes: Map<string, { width: number; height: number }>;

  beforeAll(async () => {
    root = tempDir('cutout-batch-');
    input = join(root, 'class');
    output = join(input, 'export'); // inside the input tree: must not be scanned
    mkdirSync(join(input, 'sub', 'deep'), { recursive: true });
    sizes = new Map();
    const place = ['a.jpg', 'b.jpg', 'sub/c.jpg', 'sub/deep/d.jpg'];
    for (let i = 0; i < place.length; i++) {
      const bytes = await smallPortrait(PORTRAITS[i]);
      writeFileSync(join(input, place[i]), bytes);
      const m = await sharp(bytes).metadata();
      sizes.set(place[i], { width: m.width!, height: m.height! });
    }
    const good = readFileSync(join(input, 'a.jpg'));
    writeFileSync(join(input, 'sub', 'truncated.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    writeFileSync(join(input, 'empty.png'), '');
    writeFileSync(join(input, 'Thumbs.db'), 'x');
    writeFileSync(join(input, '.DS_Store'), 'x');
  });

  it('mirrors the tree, reports corrupt files and finishes the rest', async () => {
    const files: BatchFileEvent[] = [];
    const statuses: BatchStatus[] = [];
    const summary = await runBatch([input], output, { mode: 'portrait', recursive: true, nameTemplate: '{name}_cutout', jobs: 2 }, env, {
      onFile: (e) => files.push(e),
      onStatus: (s) => statuses.push(s),
    });
    expect([summary.total, summary.done, summary.failed, summary.skipped]).toEqual([6, 4, 2, 0]);
    for (const [rel, size] of sizes) await expectCutoutPng(join(output, rel.replace('.jpg', '_cutout.png')), size.width, size.height);
    const report = JSON.parse(readFileSync(join(output, 'report.json'), 'utf8')) as BatchReport;
    expect(report.entries).toHaveLength(6);
    const failed = report.entries.filter((e) => e.status === 'failed').map((e) => [e.input.slice(input.length), e.code]);
    expect(failed.sort()).toEqual([['/empty.png', 'INPUT_UNSUPPORTED'], ['/sub/truncated.jpg', 'INPUT_UNSUPPORTED']]);
    // The JPEG cut in half is marked damaged, the empty file empty (the UI says each so).
    expect(report.entries.filter((e) => e.errorKind === 'damaged').map((e) => e.input.slice(input.length))).toEqual(['/sub/truncated.jpg']);
    expect(report.entries.filter((e) => e.errorKind === 'empty').map((e) => e.input.slice(input.length))).toEqual(['/empty.png']);
    const csv = readFileSync(join(output, 'report.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(7);
    expect(files).toHaveLength(6);
    const last = statuses[statuses.length - 1];
    expect([last.finished, last.total]).toEqual([6, 6]);
    expect(statuses.some((s) => s.current.length > 0)).toBe(true);
    // The broken files fail at once: no rate (and ETA) from them alone, only from a file done or five seconds of work.
    for (const s of statuses.filter((x) => x.done === 0 && x.filesPerSec > 0)) expect(s.elapsedMs).toBeGreaterThanOrEqual(5000);
    expect(last.filesPerSec).toBeGreaterThan(0);
    // The bar moves inside a file (its refine's steps), and never goes back.
    const place = statuses.map((s) => s.finished + s.inFlight);
    expect(statuses.some((s) => s.inFlight > 0 && !Number.isInteger(s.finished + s.inFlight))).toBe(true);
    for (let i = 1; i < place.length; i++) expect(place[i]).toBeGreaterThanOrEqual(place[i - 1] - 1e-9);
    expect(last.inFlight).toBe(0);
  });

  it('resume skips what is done, redoes a changed input; retry-failed redoes only failures; neither tries again an unchanged file that failed for what it is', async () => {
    writeFileSync(join(input, 'b.jpg'), await smallPortrait(PORTRAITS[3]));
    // a, c, d unchanged -> skipped; b changed -> redone; the two corrupt files, unchanged, fail as
    // before without being tried again, with what their failure said.
    const events: BatchFileEvent[] = [];
    const resumed = await runBatch([input], output, { mode: 'portrait', recursive: true, nameTemplate: '{name}_cutout', jobs: 2, resume: true }, env, { onFile: (e) => events.push(e) });
    expect([resumed.skipped, resumed.done, resumed.failed, resumed.failedBefore]).toEqual([3, 1, 2, 2]);
    const asBefore = JSON.parse(readFileSync(join(output, 'report.json'), 'utf8')) as BatchReport;
    const repeated = asBefore.entries.filter((e) => e.failedBefore).map((e) => [e.input.slice(input.length), e.code, e.errorKind, e.elapsedMs]);
    expect(repeated.sort()).toEqual([['/empty.png', 'INPUT_UNSUPPORTED', 'empty', undefined], ['/sub/truncated.jpg', 'INPUT_UNSUPPORTED', 'damaged', undefined]]);
    expect(asBefore.entries.filter((e) => e.failedBefore).every((e) => e.status === 'failed' && e.message && e.reason?.includes('not tried again'))).toBe(true);
    expect(events.filter((e) => e.entry.failedBefore)).toHaveLength(2);

    // The damaged file replaced: a retry of the failed ones tries it (done); the empty one still fails as before.
    writeFileSync(join(input, 'sub', 'truncated.jpg'), await smallPortrait(PORTRAITS[2]));
    const retried = await runBatch([input], output, { mode: 'portrait', recursive: true, nameTemplate: '{name}_cutout', jobs: 2, retryFailed: true }, env);
    expect([retried.done, retried.failed, retried.skipped, retried.failedBefore]).toEqual([1, 1, 4, 1]);
    await expectCutoutPng(join(output, 'sub', 'truncated_cutout.png'), sizes.get('sub/c.jpg')!.width, sizes.get('sub/c.jpg')!.height);

    // Other options -> another options hash -> nothing is skipped.
    const other = await runBatch([input], output, { mode: 'portrait', recursive: true, nameTemplate: '{name}_cutout', jobs: 2, resume: true, background: { kind: 'color', hex: '#438EDB' } }, env);
    expect(other.skipped).toBe(0);
  });

  it('a batch cancelled in a folder another kind of batch wrote to says where the earlier report is kept', async () => {
    const out = join(root, 'cancel-kept-out');
    await runBatch([input], out, { mode: 'anime', recursive: true, jobs: 1, refine: 'off' }, env);
    const ac = new AbortController();
    const error = await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 1, refine: 'off' }, env, {
      signal: ac.signal,
      onFile: (e) => {
        if (e.entry.status === 'done') ac.abort();
      },
    }).catch((e: unknown) => e);
    // (It said only where this run's report is; the earlier one had been renamed unsaid: a review.)
    expect(error).toMatchObject({ code: 'CANCELLED', leftBehind: { reportCsv: join(out, 'report.csv'), keptReportCsv: join(out, 'report-anime.csv') } });
    expect(existsSync(join(out, 'report-anime.csv'))).toBe(true);
  });

  it('a finished batch run again without --resume and cancelled: the outputs it did not make again are named, kept (they read as missing)', async () => {
    const out = join(root, 'again-out');
    const first = await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 1, refine: 'off' }, env);
    // (The folder's pictures and what the tests before added to it.)
    expect(first.done).toBeGreaterThanOrEqual(4);
    const madeBefore = new Set((JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport).entries.filter((e) => e.status === 'done').map((e) => e.input));
    const ac = new AbortController();
    await expect(
      runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 1, refine: 'off' }, env, {
        signal: ac.signal,
        onFile: (e) => {
          if (e.entry.status === 'done') ac.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    const kept = report.entries.filter((e) => e.status === 'cancelled' && madeBefore.has(e.input));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((e) => e.outputKept === true && e.reason === 'not made again: the batch was cancelled; the output an earlier run made of it with these options is kept (--resume skips it)' && existsSync(e.output))).toBe(true);
    // One that failed before (the folder's damaged picture) has no output to keep: not done, said so.
    expect(report.entries.filter((e) => e.status === 'cancelled' && !madeBefore.has(e.input)).every((e) => !e.outputKept && e.reason?.startsWith('not done: the batch was cancelled'))).toBe(true);
    // The CSV names them (its output column was empty for every cancelled row).
    const rows = readFileSync(join(out, 'report.csv'), 'utf8').split('\r\n').filter((l) => l.includes(',cancelled,') && l.includes('not made again'));
    expect(rows.length).toBe(kept.length);
    // ... with its size, as a done one's.
    expect(rows.every((l) => /_cutout\.png,\d+,/.test(l))).toBe(true);
  });

  it('cancels between files, writes the report, and a resume completes the rest', async () => {
    const out = join(root, 'cancel-out');
    const ac = new AbortController();
    const ended = new Map<number, string>();
    await expect(
      runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 1 }, env, {
        signal: ac.signal,
        onFile: (e) => {
          ended.set(e.index, e.entry.status);
          if (e.entry.status === 'done') ac.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(report.summary.isCancelled).toBe(true);
    expect(report.entries.filter((e) => e.status === 'cancelled').length).toBeGreaterThan(0);
    // Each file not done says so, and how to go on (its row said nothing).
    expect(report.entries.filter((e) => e.status === 'cancelled').every((e) => e.reason === 'not done: the batch was cancelled; run it again with --resume (the app: Skip files already done) to do the rest' && !e.outputKept)).toBe(true);
    // Every input ended with an event, those that never started too (a list shows them all).
    expect([...ended.keys()].sort((a, b) => a - b)).toEqual(report.entries.map((_, i) => i));
    expect(report.entries.map((e, i) => ended.get(i) === e.status)).not.toContain(false);
    const doneBefore = report.entries.filter((e) => e.status === 'done').length;
    // Retrying the failures at this point: the files never done are not failures to retry, and have no output to name.
    const early = await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 2, retryFailed: true, refine: 'off' }, env);
    const earlyReport = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    const neverDone = earlyReport.entries.filter((e) => e.status === 'skipped' && !e.doneBefore);
    expect(neverDone.length).toBe(report.entries.filter((e) => e.status === 'cancelled').length);
    expect(neverDone.every((e) => e.output === '' && e.reason?.startsWith('not done before'))).toBe(true);
    expect([early.done, early.neverDone]).toEqual([0, neverDone.length]);
    // ... and into a folder no batch wrote to, there is nothing to retry: said, nothing written.
    await expect(runBatch([input], join(root, 'never-ran'), { mode: 'portrait', recursive: true, retryFailed: true }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Nothing to retry: /) });
    // (nor the folder itself made: a typo in OUT leaves no empty folder behind).
    expect(existsSync(join(root, 'never-ran'))).toBe(false);
    const resumed = await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 2, resume: true }, env);
    expect(resumed.skipped).toBe(doneBefore);
    expect(resumed.done + resumed.skipped + resumed.failed).toBe(resumed.total);
    // The skipped ones say they were done before (the UI shows them so, with their outputs).
    const again = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(again.entries.filter((e) => e.status === 'skipped').every((e) => e.doneBefore === true)).toBe(true);
    // Retrying the failed ones skips the rest, each done before.
    const retried = await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 2, retryFailed: true }, env);
    const retriedReport = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    const skippedDone = retriedReport.entries.filter((e) => e.reason === 'done before');
    expect(skippedDone.length).toBe(retried.skipped);
    expect(skippedDone.every((e) => e.doneBefore === true)).toBe(true);
    expect(resumed.cancelled).toBe(0);
    expect(retried.neverDone).toBe(0);
    // Retried as WebP: the files done before are listed under their own outputs (it named .webp files never made).
    await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 2, retryFailed: true, format: 'webp', refine: 'off' }, env);
    const asWebp = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport).entries.filter((e) => e.reason === 'done before');
    expect(asWebp.length).toBe(retried.skipped);
    expect(asWebp.every((e) => e.output.endsWith('.png') && existsSync(e.output))).toBe(true);
    // The journal lost, its report kept: the files done are done before, not "never done" (whose --resume wrote them again as NAME-2).
    rmSync(join(out, '.cutout-batch.jsonl'));
    const lost = await runBatch([input], out, { mode: 'portrait', recursive: true, jobs: 2, retryFailed: true, refine: 'off' }, env);
    expect([lost.neverDone, lost.skipped]).toEqual([0, retried.skipped]);
    expect(readdirSync(out, { recursive: true }).filter((f) => String(f).includes('-2.'))).toEqual([]);
    // ... of this mode only: an anime run's retry does not take the portraits' outputs for its own.
    rmSync(join(out, '.cutout-batch.jsonl'));
    await runBatch([input], out, { mode: 'anime', recursive: true, jobs: 2, retryFailed: true, refine: 'off' }, env);
    const asAnime = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport).entries;
    expect(asAnime.filter((e) => e.reason === 'done before')).toEqual([]);
    expect(asAnime.filter((e) => e.output.includes('_cutout.'))).toEqual([]);
  });

  it('admits files by their working pixels: with room for one picture they run one at a time, whatever --jobs says', async () => {
    const files = ['a.jpg', 'b.jpg', 'sub/c.jpg'].map((f) => join(input, f));
    const mostAtOnce = async (pixelsInFlight?: number): Promise<number> => {
      let most = 0;
      const summary = await runBatch(files, tempDir(), { mode: 'portrait', jobs: 3, refine: 'off' }, env, {
        pixelsInFlight,
        onStatus: (s) => (most = Math.max(most, s.current.length)),
      });
      expect(summary.done).toBe(3);
      return most;
    };
    // Room for one (each file weighs at most the room): one at a time. The machine's default: all three.
    expect(await mostAtOnce(1)).toBe(1);
    expect(await mostAtOnce()).toBeGreaterThanOrEqual(2);
    // Half the machine's memory at 32 bytes a working pixel, never below one picture of the budget.
    expect(pixelsInFlightFor(8 * 2 ** 30, 80_000_000)).toBe(134_217_728);
    expect(pixelsInFlightFor(2 ** 30, 80_000_000)).toBe(80_000_000);
  });

  it('pause holds started files before their next stage: only those inside a stage finish', async () => {
    const dir = join(root, 'pause-in');
    mkdirSync(dir);
    const names = ['hv_test1.jpg', 'df_img1.jpg', 'df_img11.jpg', 'df_img12.jpg', 'df_img2.jpg', 'df_img3.jpg', 'df_img5.jpg', 'df_img6.jpg'];
    for (const name of names) writeFileSync(join(dir, name), await smallPortrait(name));
    const gate = new PauseGate();
    const jobs = 2;
    let doneAtPause = -1;
    let isAtRest = false;
    let done = 0;
    let atWork: string[] = [];
    let atWorkWhenPaused: string[] = [];
    let doneAtRest = -1;
    let restAtMs = 0;
    const doneWhilePausedFiles: string[] = [];
    let resolveRest!: () => void;
    const atRest = new Promise<void>((r) => (resolveRest = r));
    const run = runBatch([dir], join(root, 'pause-out'), { mode: 'portrait', jobs, refine: 'full' }, env, {
      gate,
      onFile: (e) => {
        if (e.entry.status !== 'done') return;
        done++;
        if (doneAtPause < 0) {
          doneAtPause = done;
          // The files at work as it pauses (the one just done was listed until its journal line).
          atWorkWhenPaused = atWork.filter((f) => f !== e.entry.input);
          gate.pause();
        } else if (gate.isPaused) doneWhilePausedFiles.push(e.entry.input);
      },
      onStatus: (st: BatchStatus) => {
        atWork = st.current;
        if (st.isPaused && st.current.length === 0 && !isAtRest) {
          isAtRest = true;
          restAtMs = performance.now();
          doneAtRest = st.done;
          resolveRest();
        }
      },
    });
    await atRest;
    // The status comes to rest as the last file at work is done; its file event follows at once.
    await new Promise((r) => setImmediate(r));
    const doneWhilePaused = done;
    expect(doneWhilePaused).toBe(doneAtRest);
    // Only files at work when it paused may finish: those inside a stage finish it, and only the
    // ones that were finishing turn done; a file between stages (decoded, or waiting for the model)
    // stops before its next stage. At most every stage's slots: `jobs` decoding, one inferring,
    // `jobs` finishing.
    expect(atWorkWhenPaused.length).toBeLessThanOrEqual(2 * jobs + 1);
    for (const f of doneWhilePausedFiles) expect(atWorkWhenPaused).toContain(f);
    expect(doneWhilePaused - doneAtPause).toBe(doneWhilePausedFiles.length);
    // And nothing more is done while it stays at rest.
    await new Promise((r) => setTimeout(r, 4500));
    expect(done).toBe(doneWhilePaused);
    const resumeAtMs = performance.now();
    gate.resume();
    const summary = await run;
    expect(summary.done).toBe(names.length);
    // The 4.5 s it stayed paused here are counted apart, and left out of the rate; from when the
    // files at work finished (their work after the click counted as pause, and the rate soared).
    expect(summary.pausedMs).toBeGreaterThanOrEqual(4500);
    expect(summary.pausedMs).toBeLessThanOrEqual(resumeAtMs - restAtMs + 50);
    expect(summary.pausedMs).toBeLessThan(summary.elapsedMs);
    // The rate's clock starts after the model is loaded, so it is at least the files over the
    // unpaused wall time (a rate with the pause in it would be below that: the pause is longer
    // than the start).
    expect(summary.filesPerSec).toBeGreaterThanOrEqual((names.length / ((summary.elapsedMs - summary.pausedMs) / 1000)) * 0.999);
  });

  it('shares an output folder: never overwrites a file it did not write, each mode resumes, earlier outputs are not read again', async () => {
    const dir = join(root, 'shared-in');
    const out = join(root, 'shared-out');
    mkdirSync(dir);
    mkdirSync(out);
    writeFileSync(join(dir, 'a.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(dir, 'b.jpg'), await smallPortrait('df_img3.jpg'));
    // A file of the user's under the name a.jpg's cut-out would take.
    writeFileSync(join(out, 'a_cutout.png'), 'mine');
    const first = await runBatch([dir], out, { mode: 'portrait', jobs: 2, refine: 'fast' }, env);
    expect(first.done).toBe(2);
    expect(readFileSync(join(out, 'a_cutout.png'), 'utf8')).toBe('mine');
    const a = await sharp(join(dir, 'a.jpg')).metadata();
    await expectCutoutPng(join(out, 'a_cutout-2.png'), a.width!, a.height!);
    // Another mode into the same folder, then each resumes: nothing is redone.
    const anime = await runBatch([dir], out, { mode: 'anime', jobs: 2, refine: 'fast' }, env);
    expect(anime.done).toBe(2);
    const portraitAgain = await runBatch([dir], out, { mode: 'portrait', jobs: 2, refine: 'fast', resume: true }, env);
    expect([portraitAgain.skipped, portraitAgain.done]).toEqual([2, 0]);
    const animeAgain = await runBatch([dir], out, { mode: 'anime', jobs: 2, refine: 'fast', resume: true }, env);
    expect([animeAgain.skipped, animeAgain.done]).toEqual([2, 0]);
    // A picture added later whose name sorts first (a.gif) takes a new name; a.jpg keeps its own.
    await sharp(join(dir, 'b.jpg')).gif().toFile(join(dir, 'a.gif'));
    const added = await runBatch([dir], out, { mode: 'portrait', jobs: 2, refine: 'fast', resume: true }, env);
    expect([added.skipped, added.done]).toEqual([2, 1]);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    const outputOf = (name: string): string => report.entries.find((e) => e.input === join(dir, name))!.output;
    expect([outputOf('a.gif'), outputOf('a.jpg'), outputOf('b.jpg')]).toEqual([join(out, 'a_cutout-3.png'), join(out, 'a_cutout-2.png'), join(out, 'b_cutout.png')]);
    // Without --resume a run redoes its own outputs in place, and still passes over the user's file.
    const redo = await runBatch([dir], out, { mode: 'portrait', jobs: 2, refine: 'fast' }, env);
    expect(redo.done).toBe(3);
    // ... and says how many of them --resume would have skipped (the CLI prints it).
    expect([first.redoneSame, redo.redoneSame]).toEqual([0, 3]);
    // Other options under the same names write over these outputs: a resume with the first
    // options then redoes them (their records no longer hold for those files).
    const white = await runBatch([dir], out, { mode: 'portrait', jobs: 2, refine: 'fast', background: { kind: 'color', hex: '#FFFFFF' } }, env);
    expect(white.done).toBe(3);
    // ... and say so: the set made first is written over (the CLI and the app say how many).
    expect([redo.replacedOther, white.replacedOther]).toEqual([0, 3]);
    const back = await runBatch([dir], out, { mode: 'portrait', jobs: 2, refine: 'fast', resume: true }, env);
    expect([back.skipped, back.done]).toEqual([0, 3]);
    const { data } = await sharp(join(out, 'b_cutout.png')).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0);
    expect(readFileSync(join(out, 'a_cutout.png'), 'utf8')).toBe('mine');
    expect(existsSync(join(out, 'a_cutout-4.png'))).toBe(false);
    // A run over a tree that holds an earlier run's output folder leaves that folder out.
    const tree = join(root, 'tree-in');
    mkdirSync(join(tree, 'kids'), { recursive: true });
    copyFileSync(join(dir, 'a.jpg'), join(tree, 'kids', 'a.jpg'));
    const firstRun = await runBatch([tree], join(tree, 'cutouts'), { mode: 'portrait', jobs: 2, refine: 'fast', recursive: true }, env);
    expect(firstRun.done).toBe(1);
    const secondRun = await runBatch([tree], join(tree, 'cutouts2'), { mode: 'portrait', jobs: 2, refine: 'fast', recursive: true }, env);
    expect([secondRun.total, secondRun.done]).toEqual([1, 1]);
    expect(secondRun.leftOutFolders).toEqual([join(tree, 'cutouts')]);
    expect(existsSync(join(tree, 'cutouts2', 'cutouts'))).toBe(false);
  });

  it('an input folder goes where it went before: a resume in another order skips it all, and one class after another each get their own folder', async () => {
    const x = join(root, 'places', 'x', 'photos');
    const y = join(root, 'places', 'y', 'photos');
    mkdirSync(x, { recursive: true });
    mkdirSync(y, { recursive: true });
    writeFileSync(join(x, 'a.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(y, 'a.jpg'), await smallPortrait('df_img3.jpg'));
    writeFileSync(join(y, 'b.jpg'), await smallPortrait('df_img1.jpg'));
    const out = join(root, 'places-out');
    const opts = { mode: 'portrait' as const, jobs: 2, refine: 'off' as const };
    const first = await runBatch([x, y], out, opts, env);
    expect(first.done).toBe(3);
    const placed = (dir: string) => readFileSync(join(dir, 'report.json'), 'utf8');
    const outputsOf = (report: BatchReport) => Object.fromEntries(report.entries.map((e) => [e.input.slice(join(root, 'places').length), e.output.slice(out.length)]));
    const want = { '/x/photos/a.jpg': '/photos/a_cutout.png', '/y/photos/a.jpg': '/photos-2/a_cutout.png', '/y/photos/b.jpg': '/photos-2/b_cutout.png' };
    expect(outputsOf(JSON.parse(placed(out)) as BatchReport)).toEqual(want);
    // The other order, resumed: each folder is where it was, so nothing is made again.
    const swapped = await runBatch([y, x], out, { ...opts, resume: true }, env);
    expect([swapped.skipped, swapped.done]).toEqual([3, 0]);
    expect(outputsOf(JSON.parse(placed(out)) as BatchReport)).toEqual(want);
    // x alone, resumed: still in photos/, not at the top.
    const alone = await runBatch([x], out, { ...opts, resume: true }, env);
    expect([alone.skipped, alone.done]).toEqual([1, 0]);
    // y through a link to its folder, resumed: the same folder (it redid all into a new sub-folder).
    symlinkSync(join(root, 'places', 'y'), join(root, 'places', 'y-link'));
    const linked = await runBatch([join(root, 'places', 'y-link', 'photos')], out, { ...opts, resume: true }, env);
    expect([linked.skipped, linked.done, linked.folderPlaces[0].rel]).toEqual([2, 0, 'photos-2']);
    // One class, then another, into one folder: the second gets a sub-folder of its own.
    const classA = join(root, 'school', '7A');
    const classB = join(root, 'school', '7B');
    mkdirSync(classA, { recursive: true });
    mkdirSync(classB, { recursive: true });
    writeFileSync(join(classA, '001.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(classB, '001.jpg'), await smallPortrait('df_img3.jpg'));
    const school = join(root, 'school-out');
    expect((await runBatch([classA], school, opts, env)).folderPlaces).toEqual([{ input: classA, rel: '' }]);
    const second = await runBatch([classB], school, opts, env);
    expect([second.done, second.folderPlaces]).toEqual([1, [{ input: classB, rel: '7B' }]]);
    expect([existsSync(join(school, '001_cutout.png')), existsSync(join(school, '7B', '001_cutout.png')), existsSync(join(school, '001_cutout-2.png'))]).toEqual([true, true, false]);
  });

  it('into the folder that holds the input folders, one run after another: no cut-outs among the pictures, none cut out again', async () => {
    const pictures = join(root, 'Pictures');
    const holiday = join(pictures, 'holiday');
    const party = join(pictures, 'party');
    mkdirSync(holiday, { recursive: true });
    mkdirSync(party, { recursive: true });
    writeFileSync(join(holiday, 'a.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(party, 'b.jpg'), await smallPortrait('df_img3.jpg'));
    const opts = { mode: 'portrait' as const, jobs: 1, refine: 'off' as const };
    await runBatch([holiday], pictures, opts, env);
    // party/ is an input folder: its cut-outs go to party-2/, not among its pictures.
    const second = await runBatch([party], pictures, opts, env);
    expect([second.done, second.folderPlaces]).toEqual([1, [{ input: party, rel: 'party-2' }]]);
    expect([existsSync(join(party, 'b_cutout.png')), existsSync(join(pictures, 'party-2', 'b_cutout.png'))]).toEqual([false, true]);
    const again = await runBatch([party], pictures, { ...opts, resume: true }, env);
    expect([again.total, again.skipped, again.done]).toEqual([1, 1, 0]);
  });

  it('a run stopped after an output was renamed into place, before its done record: the resume redoes it in place, no NAME-2 beside it', async () => {
    const dir = join(root, 'stopped');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(dir, 'b.jpg'), await smallPortrait('df_img3.jpg'));
    const out = join(root, 'stopped-out');
    const opts = { mode: 'portrait' as const, jobs: 1, refine: 'off' as const };
    expect((await runBatch([dir], out, opts, env)).done).toBe(2);
    // As a crash (or a Ctrl+C, a full disk while an ID photo's sheet is drawn) leaves it: b's file is there, its done record is not.
    const journalPath = join(out, '.cutout-batch.jsonl');
    const lines = readFileSync(journalPath, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ input: join(dir, 'b.jpg'), status: 'done' });
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ input: join(dir, 'b.jpg'), status: 'writing', output: join(out, 'b_cutout.png') });
    writeFileSync(journalPath, `${lines.slice(0, -1).join('\n')}\n`);
    const resumed = await runBatch([dir], out, { ...opts, resume: true }, env);
    expect([resumed.skipped, resumed.done]).toEqual([1, 1]);
    expect([existsSync(join(out, 'b_cutout.png')), existsSync(join(out, 'b_cutout-2.png'))]).toEqual([true, false]);
  });

  it('a journal lost (deleted, a copy without hidden files): the report says what was done, so --resume skips it and a changed file is redone in place, no NAME-2 copies', async () => {
    const dir = join(root, 'lost');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(dir, 'b.jpg'), await smallPortrait('df_img3.jpg'));
    const out = join(root, 'lost-out');
    const opts = { mode: 'portrait' as const, jobs: 1, refine: 'off' as const };
    expect((await runBatch([dir], out, opts, env)).done).toBe(2);
    const journalPath = join(out, '.cutout-batch.jsonl');
    const made = statSync(join(out, 'a_cutout.png')).mtimeMs;
    rmSync(journalPath);
    // b changed since its cut-out was made (the report holds no size or mtime: its output's time tells).
    utimesSync(join(dir, 'b.jpg'), new Date(made + 5000), new Date(made + 5000));
    const resumed = await runBatch([dir], out, { ...opts, resume: true }, env);
    expect([resumed.skipped, resumed.done]).toEqual([1, 1]);
    expect(readdirSync(out).filter((f) => f.endsWith('.png')).sort()).toEqual(['a_cutout.png', 'b_cutout.png']);
    expect(statSync(join(out, 'a_cutout.png')).mtimeMs).toBe(made);
    // The journal has them again: a next resume skips both, whatever its report lists.
    rmSync(join(out, 'report.json'));
    const again = await runBatch([dir], out, { ...opts, resume: true }, env);
    expect([again.skipped, again.done]).toEqual([2, 0]);
    // OUT copied without its hidden files (copied now: newer than the inputs, b's set back from
    // the future it was touched to): the report's places are the copy's too.
    utimesSync(join(dir, 'b.jpg'), new Date(made), new Date(made));
    const copy = join(root, 'lost-copy');
    mkdirSync(copy);
    for (const name of readdirSync(out).filter((f) => !f.startsWith('.'))) copyFileSync(join(out, name), join(copy, name));
    const copied = await runBatch([dir], copy, { ...opts, resume: true }, env);
    expect([copied.skipped, copied.done]).toEqual([2, 0]);
    expect(readdirSync(copy).filter((f) => f.endsWith('.png')).sort()).toEqual(['a_cutout.png', 'b_cutout.png']);
    // A report whose own folder holds OUT ("/" hand-edited in) is read against OUT, where its outputs are.
    const reportPath = join(copy, 'report.json');
    const edited = JSON.parse(readFileSync(reportPath, 'utf8')) as BatchReport;
    writeFileSync(reportPath, JSON.stringify({ ...edited, summary: { ...edited.summary, outputDir: '/' } }));
    rmSync(join(copy, '.cutout-batch.jsonl'));
    const rooted = await runBatch([dir], copy, { ...opts, resume: true }, env);
    expect([rooted.skipped, rooted.done]).toEqual([2, 0]);
    expect(readdirSync(copy, { withFileTypes: true }).filter((e) => e.isDirectory())).toEqual([]);
    expect([resumed.besideOthers, copied.besideOthers, rooted.besideOthers]).toEqual([0, 0, 0]);
    // The journal and both reports gone: nothing says the files there are this batch's, so each
    // input is made again beside its old output, and the summary says so (it was unsaid).
    for (const name of ['.cutout-batch.jsonl', 'report.json', 'report.csv']) rmSync(join(copy, name));
    const blind = await runBatch([dir], copy, { ...opts, resume: true }, env);
    expect([blind.done, blind.besideOthers]).toEqual([2, 2]);
    expect(readdirSync(copy).filter((f) => f.endsWith('.png')).sort()).toEqual(['a_cutout-2.png', 'a_cutout.png', 'b_cutout-2.png', 'b_cutout.png']);
  });

  it('a journal lost: a folder that went into a sub-folder of OUT stays there, every folder the report names is found, and the report a run of another mode kept (report-MODE.json) stands in too', async () => {
    const [x, y] = [join(root, 'lost2', 'x'), join(root, 'lost2', 'y')];
    mkdirSync(x, { recursive: true });
    mkdirSync(y, { recursive: true });
    writeFileSync(join(x, 'a.jpg'), await smallPortrait('df_img2.jpg'));
    writeFileSync(join(y, 'b.jpg'), await smallPortrait('df_img3.jpg'));
    const out = join(root, 'lost2-out');
    const opts = { jobs: 1, refine: 'off' as const };
    await runBatch([x, y], out, { ...opts, mode: 'portrait' }, env);
    expect(['x/a_cutout.png', 'y/b_cutout.png'].map((f) => existsSync(join(out, f)))).toEqual([true, true]);
    rmSync(join(out, '.cutout-batch.jsonl'));
    const resumed = await runBatch([y], out, { ...opts, mode: 'portrait', resume: true }, env);
    expect([resumed.skipped, resumed.done]).toEqual([1, 0]);
    expect(existsSync(join(out, 'b_cutout.png'))).toBe(false);
    // That run's report names y alone: x's records went back into the journal, so x is found too.
    const other = await runBatch([x], out, { ...opts, mode: 'portrait', resume: true }, env);
    expect([other.skipped, other.done]).toEqual([1, 0]);
    // Anime cut-outs of y, then portraits again (report.json is theirs, report-anime.json kept).
    await runBatch([y], out, { ...opts, mode: 'anime' }, env);
    await runBatch([y], out, { ...opts, mode: 'portrait' }, env);
    expect(existsSync(join(out, 'report-anime.json'))).toBe(true);
    rmSync(join(out, '.cutout-batch.jsonl'));
    // A portrait resume first: its records in the journal do not hide the anime ones the kept report holds.
    expect((await runBatch([y], out, { ...opts, mode: 'portrait', resume: true }, env)).skipped).toBe(1);
    const anime = await runBatch([y], out, { ...opts, mode: 'anime', resume: true }, env);
    expect([anime.skipped, anime.done]).toEqual([1, 0]);
    expect(readdirSync(join(out, 'y')).filter((f) => /-2\./.test(f))).toEqual([]);
  });

  it('a pause while two files decode comes to rest: a file queued for the model is not at work', async () => {
    // The first file out of decoding takes the model's slot and waits there on the pause; the second
    // queues behind it. It was left on the "at work" list, so the UI said "Pausing… waiting for 1
    // file" for as long as the pause lasted.
    const dir = join(root, 'pause-decode-in');
    mkdirSync(dir);
    const names = ['df_img1.jpg', 'df_img11.jpg', 'df_img12.jpg', 'df_img2.jpg'];
    for (const name of names) writeFileSync(join(dir, name), await smallPortrait(name));
    const gate = new PauseGate();
    let restAt = -1;
    let pausedWith: string[] = [];
    let resolveRest!: () => void;
    const atRest = new Promise<void>((r) => (resolveRest = r));
    const run = runBatch([dir], join(root, 'pause-decode-out'), { mode: 'portrait', jobs: 2, refine: 'fast' }, env, {
      gate,
      onStatus: (st: BatchStatus) => {
        if (!st.isPaused && pausedWith.length === 0 && st.current.length === 2 && st.done === 0) {
          pausedWith = [...st.current];
          gate.pause();
        } else if (st.isPaused && st.current.length === 0 && restAt < 0) {
          restAt = st.done;
          resolveRest();
        }
      },
    });
    const timeout = new Promise<string>((r) => setTimeout(() => r('timed out'), 60_000));
    expect(await Promise.race([atRest.then(() => 'at rest'), timeout])).toBe('at rest');
    expect(pausedWith).toHaveLength(2);
    expect(restAt).toBe(0);
    gate.resume();
    const summary = await run;
    expect(summary.done).toBe(names.length);
  });

  it('runs as an engine job (kind batch) and returns the failures for the UI', async () => {
    const out = join(root, 'job-out');
    const progress: number[] = [];
    const result = (await runJob({ kind: 'batch', inputs: [join(input, 'a.jpg'), join(input, 'empty.png')], outputDir: out, options: { mode: 'portrait', nameTemplate: '{name}_{mode}' } }, env, {
      onProgress: (e) => progress.push(e.done),
    })) as { done: number; failures: { input: string; code: string }[] };
    expect(result.done).toBe(1);
    expect(result.failures.map((f) => f.code)).toEqual(['INPUT_UNSUPPORTED']);
    await expectCutoutPng(join(out, 'a_portrait.png'), sizes.get('a.jpg')!.width, sizes.get('a.jpg')!.height);
    expect(progress[progress.length - 1]).toBe(2);
  });

  it('an engine batch of masks with no name of its own writes NAME_mask.png beside the cut-outs; a mask outside the cut-out modes, on a colour or as JPEG is refused before anything is written', async () => {
    const out = join(root, 'mask-out');
    const a = join(input, 'a.jpg');
    await runJob({ kind: 'batch', inputs: [a], outputDir: out, options: { mode: 'portrait', refine: 'off' } }, env, {});
    await runJob({ kind: 'batch', inputs: [a], outputDir: out, options: { mode: 'portrait', refine: 'off', mask: true } }, env, {});
    await expectCutoutPng(join(out, 'a_cutout.png'), sizes.get('a.jpg')!.width, sizes.get('a.jpg')!.height);
    const mask = await sharp(join(out, 'a_mask.png')).metadata();
    expect([mask.channels, mask.width, mask.height]).toEqual([1, sizes.get('a.jpg')!.width, sizes.get('a.jpg')!.height]);
    const never = join(root, 'mask-never');
    for (const [options, message] of [
      [{ mode: 'idphoto', mask: true, idSpec: { id: 'cn-1inch' } }, /^Mode idphoto makes no masks/],
      [{ mode: 'portrait', mask: true, background: { kind: 'color', hex: '#FFFFFF' } }, /^A mask is the matte alone: it has no background/],
      [{ mode: 'anime', mask: true, format: 'jpeg' }, /^A mask is written as a PNG \(8-bit grey, lossless\), not JPEG$/],
      [{ mode: 'portrait', mask: 'yes' }, /^mask must be true or false/],
    ] as const) {
      await expect(runJob({ kind: 'batch', inputs: [a], outputDir: never, options: options as never }, env, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    }
    expect(existsSync(never)).toBe(false);
  });

  it('names the cut-outs that need a look: report, csv, item events, and again when resumed', async () => {
    // Real frames: the Waifu2x hamster, which the anime model is unsure of, and a clean AnimateDiff girl.
    const dir = join(root, 'anime-in');
    mkdirSync(dir);
    reviewFrame('hamster', dir);
    reviewFrame('girl', dir);
    const out = join(root, 'anime-out');
    const items: ReturnType<typeof batchItemOf>[] = [];
    const result = (await runJob({ kind: 'batch', inputs: [dir], outputDir: out, options: { mode: 'anime', refine: 'full' } }, env, { onItem: (item) => items.push(item) })) as {
      toReview: number;
      reviews: { input: string; unsureShare: number }[];
    };
    expect(result.toReview).toBe(1);
    expect(result.reviews.map((r) => r.input)).toEqual([join(dir, 'hamster.png')]);
    expect(result.reviews[0].unsureShare).toBeGreaterThan(0.08);
    const byName = (name: string) => items.find((i) => i.input.endsWith(name))!;
    expect(byName('hamster.png')).toMatchObject({ status: 'done', needsReview: true });
    expect(byName('girl.png')).toMatchObject({ status: 'done', needsReview: false });
    expect(byName('girl.png').unsureShare).toBeLessThan(0.08);
    // UTF-8 with a byte order mark, so that Excel reads non-ASCII names right.
    expect(readFileSync(join(out, 'report.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const csv = readFileSync(join(out, 'report.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('input,status,code,message,output,output_bytes,elapsed_ms,unsure_share,needs_review,spec,note');
    expect(csv.find((l) => l.includes('hamster.png'))).toMatch(/,0\.\d{3},yes,,$/);
    expect(csv.find((l) => l.includes('girl.png'))).toMatch(/,0\.\d{3},no,,$/);
    // Its output's size in bytes follows the output (what an upload form's KB limit reads).
    const made = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport).entries;
    const sizeOf = (name: string) => statSync(made.find((e) => e.input.endsWith(name))!.output).size;
    for (const e of made) expect(csv.find((l) => l.startsWith(e.input))!.split(',').slice(4, 6)).toEqual([e.output, String(statSync(e.output).size)]);
    expect(made.map((e) => e.outputBytes)).toEqual(made.map((e) => statSync(e.output).size));
    // Resumed: both are skipped, and the report still names the one to check (from the journal).
    const resumed = await runBatch([dir], out, { mode: 'anime', refine: 'full', resume: true }, env);
    expect([resumed.skipped, resumed.toReview]).toEqual([2, 1]);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(report.summary.toReview).toBe(1);
    expect(report.entries.find((e) => e.input.endsWith('hamster.png'))).toMatchObject({ status: 'skipped', needsReview: true, reviewThreshold: 0.08, outputBytes: sizeOf('hamster.png') });
    // Retry-failed after a failure: the done files are skipped and keep their review too.
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    await runBatch([dir], out, { mode: 'anime', refine: 'full', resume: true }, env);
    const retried = await runBatch([dir], out, { mode: 'anime', refine: 'full', retryFailed: true }, env);
    expect([retried.skipped, retried.failed, retried.toReview]).toEqual([2, 1, 1]);
    expect(retried.reviews.map((r) => r.input)).toEqual([join(dir, 'hamster.png')]);
    // The failed file wrote nothing: no size; the skipped ones keep theirs.
    const retriedEntries = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport).entries;
    expect(retriedEntries.find((e) => e.input.endsWith('broken.png'))).toMatchObject({ status: 'failed' });
    expect(retriedEntries.find((e) => e.input.endsWith('broken.png'))!.outputBytes).toBeUndefined();
    expect(retriedEntries.find((e) => e.input.endsWith('girl.png'))).toMatchObject({ status: 'skipped', outputBytes: sizeOf('girl.png') });
  });

  it('names a cut-out with nothing in it (no one in the picture) as one to check, in the items, the report and the csv', async () => {
    const dir = join(root, 'empty-in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'df_img1.jpg'), await smallPortrait('df_img1.jpg'));
    await sharp({ create: { width: 400, height: 300, channels: 3, background: '#4080c0' } }).png().toFile(join(dir, 'plain.png'));
    const out = join(root, 'empty-out');
    const items: ReturnType<typeof batchItemOf>[] = [];
    const result = (await runJob({ kind: 'batch', inputs: [dir], outputDir: out, options: { mode: 'portrait', refine: 'fast' } }, env, { onItem: (item) => items.push(item) })) as { done: number; reviews: { input: string; isEmpty?: boolean }[] };
    expect(result.done).toBe(2);
    expect(result.reviews).toMatchObject([{ input: join(dir, 'plain.png'), isEmpty: true }]);
    expect(items.find((i) => i.input.endsWith('plain.png'))).toMatchObject({ status: 'done', needsReview: true, isEmpty: true });
    expect(items.find((i) => i.input.endsWith('df_img1.jpg'))!.isEmpty).toBeUndefined();
    const csv = readFileSync(join(out, 'report.csv'), 'utf8').split('\r\n');
    expect(csv.find((l) => l.includes('plain.png'))).toContain(',done,,nothing found to cut out,');
    // Resumed, it is still named (from the journal).
    const resumed = await runBatch([dir], out, { mode: 'portrait', refine: 'fast', resume: true }, env);
    expect(resumed.reviews).toMatchObject([{ status: 'skipped', isEmpty: true }]);
  });

  it('sticker mode: one sticker per clip, and the report names the sticker that needs a look', async () => {
    const dir = join(root, 'clips-in');
    mkdirSync(dir);
    copyFileSync(evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif'), join(dir, 'hamster.gif'));
    copyFileSync(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), join(dir, 'girl.gif'));
    // 50 s of a character standing still: 400 frames at 8 fps, more than one sticker holds (360 at 320 px).
    longCharacterClip(join(dir, 'long.mp4'), { durationS: 50, width: 320, height: 240, fps: 8 });
    const out = join(root, 'clips-out');
    const items: ReturnType<typeof batchItemOf>[] = [];
    const result = (await runJob({ kind: 'batch', inputs: [dir], outputDir: out, options: { mode: 'sticker', nameTemplate: '{name}_sticker', sticker: { fps: 8 } } }, env, { onItem: (item) => items.push(item) })) as {
      done: number;
      toReview: number;
      reviews: { input: string }[];
    };
    expect([result.done, result.toReview]).toEqual([3, 1]);
    expect(result.reviews.map((r) => r.input)).toEqual([join(dir, 'hamster.gif')]);
    expect((await sharp(join(out, 'hamster_sticker.gif'), { animated: true }).metadata()).pages).toBeGreaterThan(1);
    const byName = (name: string) => items.find((i) => i.input.endsWith(name))!;
    expect(byName('hamster.gif')).toMatchObject({ status: 'done', needsReview: true, reviewThreshold: 0.08 });
    expect(byName('girl.gif')).toMatchObject({ status: 'done', needsReview: false });
    expect(byName('girl.gif').note).toBeUndefined();
    // The long video became the sticker of its first part, and the report says so.
    const note = "the clip's first 45.00 s only: a sticker holds at most 360 frames here";
    expect(byName('long.mp4')).toMatchObject({ status: 'done', note });
    // Only the three review fields reach the journal and report (not the per-frame list).
    const journal = readFileSync(join(out, '.cutout-batch.jsonl'), 'utf8');
    expect(journal).toContain('"unsureShare"');
    expect(journal).not.toMatch(/"frames":\[/);
    // The note goes as data too, for the UI's words.
    expect(byName('long.mp4').notes).toEqual([{ kind: 'firstPart', seconds: 45, frames: 360 }]);
    const csv = readFileSync(join(out, 'report.csv'), 'utf8');
    expect(csv.split('\r\n').find((l) => l.includes('hamster.gif'))).toMatch(/,0\.\d{3},yes,,$/);
    // The note in its own column, the last.
    const longRow = csv.split('\r\n').find((l) => l.includes('long.mp4'))!;
    expect(longRow).toContain(',done,,,');
    expect(longRow.endsWith(`,no,,${note}`)).toBe(true);
    const resumed = await runBatch([dir], out, { mode: 'sticker', nameTemplate: '{name}_sticker', extra: { fps: 8 }, resume: true }, env);
    expect([resumed.skipped, resumed.toReview]).toEqual([3, 1]);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BatchReport;
    expect(report.entries.find((e) => e.input.endsWith('long.mp4'))).toMatchObject({ status: 'skipped', note });
  }, 120_000);

  it('sticker mode makes at most two stickers at once, whatever --jobs says', async () => {
    const dir = join(root, 'short-clips');
    mkdirSync(dir);
    // Clips of 6 s at 12 fps: two at once, each takes well over the 5 s of work an early rate waits for.
    for (const name of ['a', 'b', 'c']) {
      execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=12:duration=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, `${name}.mp4`)]);
    }
    const atWork: number[] = [];
    const inFlight: number[] = [];
    let hasEarlyEta = false;
    const summary = await runBatch([dir], join(root, 'short-clips-out'), { mode: 'sticker', jobs: 3 }, env, {
      onStatus: (s) => {
        atWork.push(s.current.length);
        inFlight.push(s.inFlight);
        if (s.finished === 0 && s.etaMs !== undefined) {
          hasEarlyEta = true;
          // Not from the first seconds (the start of the model and of the first frames): a first
          // ETA at 1 s read 9 s of 21.
          expect(s.elapsedMs).toBeGreaterThanOrEqual(5000);
        }
      },
    });
    expect(summary.done).toBe(3);
    expect(Math.max(...atWork)).toBe(2);
    // Each sticker tells how far it is (its frames segmented), so the bar moves before one ends.
    expect(inFlight.some((f) => f > 0 && f < 2)).toBe(true);
    expect(inFlight.at(-1)).toBe(0);
    // ... and a rate and an ETA come before the first one ends (after 5 s of work).
    expect(hasEarlyEta).toBe(true);
  }, 120_000);

  it('writes a sticker batch as APNG (true alpha, named .png) or as VP9 WebM with alpha, as one sticker is made', async () => {
    const root = tempDir('cutout-batch-sticker-formats-');
    const dir = join(root, 'in');
    mkdirSync(dir);
    copyFileSync(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), join(dir, 'girl.gif'));
    for (const format of ['apng', 'webm'] as const) {
      // An odd side: the WebM's even size stays within it (101 made 102).
      const summary = await runBatch([dir], join(root, format), { mode: 'sticker', format, extra: { fps: 8, maxSidePx: 101, durationS: 1 } }, env);
      expect([summary.done, summary.failed]).toEqual([1, 0]);
    }
    const probe = spawnSync(resolveFfmpeg().ffmpeg, ['-hide_banner', '-i', join(root, 'webm', 'girl_sticker.webm')], { encoding: 'utf8' });
    const [ww, wh] = /, (\d+)x(\d+)/.exec(probe.stderr)!.slice(1).map(Number);
    expect([ww % 2, wh % 2]).toEqual([0, 0]);
    expect(Math.max(ww, wh)).toBeLessThanOrEqual(100);
    const apng = readFileSync(join(root, 'apng', 'girl_sticker.png'));
    expect(apng.readUInt32BE(apng.indexOf('acTL') + 4)).toBeGreaterThan(1);
    // The WebM's first frame, decoded with its alpha: transparent around the girl, opaque on her.
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-c:v', 'libvpx-vp9', '-i', join(root, 'webm', 'girl_sticker.webm'), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
    const alphas = Array.from({ length: raw.length / 4 }, (_, i) => raw[i * 4 + 3]);
    expect(alphas.filter((a) => a < 10).length).toBeGreaterThan(alphas.length * 0.05);
    expect(alphas.filter((a) => a > 245).length).toBeGreaterThan(alphas.length * 0.2);
    // A platform writes its own format without one asked (LINE: APNG), and refuses another, before any file.
    const line = await runBatch([dir], join(root, 'line'), { mode: 'sticker', extra: { preset: 'line', fps: 8 } }, env);
    expect(line.done).toBe(1);
    expect(readFileSync(join(root, 'line', 'girl_sticker.png')).indexOf('acTL')).toBeGreaterThan(0);
    await expect(runBatch([dir], join(root, 'tg'), { mode: 'sticker', format: 'gif', extra: { preset: 'telegram' } }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'The telegram preset makes WebM, not GIF: leave the format out' });
    expect(existsSync(join(root, 'tg'))).toBe(false);
    // The batch's model (--model) makes its stickers, as one sticker's --model does (every clip was
    // made with the anime model).
    const small = { fps: 4, maxSidePx: 64, durationS: 1 };
    const person = await runBatch([dir], join(root, 'person'), { mode: 'sticker', modelId: 'person', extra: small }, env);
    expect(person.done).toBe(1);
    const one = await makeSticker(join(dir, 'girl.gif'), join(root, 'one-person.gif'), { ...small, model: 'person', format: 'gif' }, env);
    expect(one.modelId).not.toBe('anime-seg');
    expect(readFileSync(join(root, 'person', 'girl_sticker.gif')).equals(readFileSync(one.output))).toBe(true);
  }, 90_000);

  it('one batch at a time into an output folder: a second is refused while the first runs (this process or another), a lock left by a process gone is taken over', async () => {
    const dir = tempDir('cutout-batch-lock-');
    mkdirSync(join(dir, 'in'));
    for (const name of PORTRAITS.slice(0, 2)) writeFileSync(join(dir, 'in', name), await smallPortrait(name));
    const out = join(dir, 'out');
    // A page reloaded mid-run started a second batch beside the first: both wrote the files in turn.
    let second: Promise<unknown> | undefined;
    const first = await runBatch([join(dir, 'in')], out, { mode: 'portrait', jobs: 1, refine: 'off' }, env, {
      onFile: (e) => {
        if (e.entry.status === 'done') second ??= runBatch([join(dir, 'in')], out, { mode: 'portrait', jobs: 1, refine: 'fast' }, env).catch((error: unknown) => error);
      },
    });
    expect(first.done).toBe(2);
    expect(await second).toMatchObject({ code: 'OUTPUT_EXISTS', detail: { batchRunning: true } });
    expect(existsSync(join(out, '.cutout-batch.lock'))).toBe(false);
    // Another process of this machine that runs (the one that started this test) holds it: refused.
    writeFileSync(join(out, '.cutout-batch.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), atMs: 0 }));
    await expect(runBatch([join(dir, 'in')], out, { mode: 'portrait', refine: 'off', resume: true }, env)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringContaining(`process ${process.ppid}`) });
    // One whose process is gone (killed mid-run): taken over, and the batch runs.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(out, '.cutout-batch.lock'), JSON.stringify({ pid: Number(gone), host: hostname(), atMs: 0 }));
    const after = await runBatch([join(dir, 'in')], out, { mode: 'portrait', refine: 'off', resume: true }, env);
    expect([after.skipped, after.failed]).toEqual([2, 0]);
    expect(existsSync(join(out, '.cutout-batch.lock'))).toBe(false);
    // A lock file that is none (left empty by a full disk, damaged): taken over (every later batch failed INTERNAL on it) ...
    const lock = join(out, '.cutout-batch.lock');
    for (const text of ['', '{"pid": 12', 'not a lock']) {
      writeFileSync(lock, text);
      utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const again = await runBatch([join(dir, 'in')], out, { mode: 'portrait', refine: 'off', resume: true }, env);
      expect(again.skipped).toBe(2);
    }
    // ... but not one made a moment ago, which another batch is writing (both took the folder).
    writeFileSync(lock, '');
    await expect(runBatch([join(dir, 'in')], out, { mode: 'portrait', refine: 'off', resume: true }, env)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    rmSync(lock);
    // A lock whose pid another process holds now (a reboot after a crash; where the system says when a process started).
    const parentStart = await processStart(process.ppid);
    if (parentStart !== null) {
      writeFileSync(join(out, '.cutout-batch.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), atMs: 0, start: `${parentStart}0` }));
      expect((await runBatch([join(dir, 'in')], out, { mode: 'portrait', refine: 'off', resume: true }, env)).skipped).toBe(2);
      // The same process (its start as the lock says it): refused as before.
      writeFileSync(join(out, '.cutout-batch.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), atMs: 0, start: parentStart }));
      await expect(runBatch([join(dir, 'in')], out, { mode: 'portrait', refine: 'off', resume: true }, env)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
      rmSync(join(out, '.cutout-batch.lock'));
    }
  }, 90_000);

  it('the output folder deleted while the batch runs: made again with its journal, so a resume redoes only what went with it (no NAME-2 copies)', async () => {
    const dir = tempDir('cutout-batch-gone-');
    mkdirSync(join(dir, 'in'));
    for (const name of PORTRAITS) writeFileSync(join(dir, 'in', name), await smallPortrait(name));
    const out = join(dir, 'out');
    let isDeleted = false;
    const first = await runBatch([join(dir, 'in')], out, { mode: 'portrait', jobs: 1, refine: 'off' }, env, {
      onFile: (e) => {
        if (e.entry.status !== 'done' || isDeleted) return;
        // The first file done: the user deletes the folder (its output and journal with it).
        isDeleted = true;
        rmSync(out, { recursive: true, force: true });
      },
    });
    expect(first.done).toBe(4);
    const journal = join(out, '.cutout-batch.jsonl');
    expect(existsSync(journal)).toBe(true);
    expect(readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"status":"done"'))).toHaveLength(3);
    const resumed = await runBatch([join(dir, 'in')], out, { mode: 'portrait', jobs: 1, refine: 'off', resume: true }, env);
    expect([resumed.skipped, resumed.done]).toEqual([3, 1]);
    expect(readdirSync(out).filter((n) => /-2\./.test(n))).toEqual([]);
    expect(readdirSync(out).filter((n) => n.endsWith('.png'))).toHaveLength(4);
  }, 90_000);

  it('puts every cut-out on one picture, named by {bg}; a missing picture stops the batch before any file', async () => {
    const dir = tempDir('cutout-batch-bg-');
    mkdirSync(join(dir, 'in'));
    for (const name of PORTRAITS.slice(0, 2)) writeFileSync(join(dir, 'in', name), await smallPortrait(name));
    writeFileSync(join(dir, 'in', 'notes.txt'), 'not a picture');
    const picture = join(dir, 'beach.png');
    await sharp({ create: { width: 500, height: 300, channels: 3, background: '#20A0C0' } }).png().toFile(picture);
    const summary = await runBatch([join(dir, 'in')], join(dir, 'out'), { mode: 'portrait', background: { kind: 'image', path: picture }, nameTemplate: '{name}_{bg}', format: 'jpeg' }, env);
    expect(summary.done).toBe(2);
    // The text file in the folder is not a picture: left out, and counted so the CLI can say so.
    expect([summary.total, summary.leftOut, summary.leftOutTypes]).toEqual([2, 1, { txt: 1 }]);
    for (const name of PORTRAITS.slice(0, 2)) {
      const out = join(dir, 'out', name.replace('.jpg', '_beach.jpg'));
      const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      // The corner is the picture's colour (JPEG error aside).
      expect(Math.abs(data[0] - 0x20) + Math.abs(data[1] - 0xa0) + Math.abs(data[2] - 0xc0)).toBeLessThan(20);
    }
    // One of those cut-outs as the next batch's picture, into the same folder: the file it would
    // write is the picture itself, which is refused (it was written over, said "made before with
    // other options").
    const made = join(dir, 'out', PORTRAITS[0]!.replace('.jpg', '_beach.jpg'));
    const madeBytes = readFileSync(made);
    const again = await runBatch([join(dir, 'in', PORTRAITS[0]!)], join(dir, 'out'), { mode: 'portrait', background: { kind: 'image', path: made }, nameTemplate: '{name}_beach', format: 'jpeg' }, env);
    expect([again.done, again.failed, again.failures[0]?.code]).toEqual([0, 1, 'OUTPUT_EXISTS']);
    expect(readFileSync(made).equals(madeBytes)).toBe(true);
    const missing = join(dir, 'out-missing');
    await expect(runBatch([join(dir, 'in')], missing, { mode: 'portrait', background: { kind: 'image', path: join(dir, 'gone.jpg') } }, env)).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: expect.stringContaining('Background picture') });
    // Nothing is written, not even the output folder; nor for a picture that is not one.
    expect(existsSync(missing)).toBe(false);
    const junk = join(dir, 'junk.png');
    writeFileSync(junk, 'not a picture');
    await expect(runBatch([join(dir, 'in')], join(dir, 'out-junk'), { mode: 'portrait', background: { kind: 'image', path: junk } }, env)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', message: expect.stringContaining('Background picture') });
    expect(existsSync(join(dir, 'out-junk'))).toBe(false);
    await expect(runBatch([join(dir, 'in')], join(dir, 'out-id'), { mode: 'idphoto', background: { kind: 'image', path: picture } }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(join(dir, 'out-id'))).toBe(false);
  }, 60_000);

  it('a cut-out batch makes the very file `cutout portrait` makes: a 4:2:0 JPEG has the background\'s hue taken out of its edge in both (the batch left it in)', async () => {
    const dir = tempDir('cutout-batch-tint-');
    // df_img2: dark hair before a pink sign, a JPEG at 4:2:0.
    const single = join(dir, 'single.png');
    await cutoutToFile(evalFile('id_portraits', 'images', 'df_img2.jpg'), single, { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' }, env);
    const summary = await runBatch([evalFile('id_portraits', 'images', 'df_img2.jpg')], join(dir, 'out'), { mode: 'portrait', refine: 'fast' }, env);
    expect(summary.done).toBe(1);
    expect(readFileSync(join(dir, 'out', 'df_img2_cutout.png')).equals(readFileSync(single))).toBe(true);
  });

  it('sticker mode: a still picture given by name fails as a still (the UI says so), not as a corrupt video', async () => {
    const out = join(tempDir('cutout-batch-still-'), 'out');
    const summary = await runBatch([evalFile('id_portraits', 'images', 'df_img1.jpg')], out, { mode: 'sticker' }, env);
    expect([summary.failed, summary.failures[0]?.code, summary.failures[0]?.errorKind]).toEqual([1, 'INPUT_UNSUPPORTED', 'still']);
  });

  it('refuses an output folder under a file with OUTPUT_NOT_WRITABLE', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(runBatch([input], join(file, 'out'), { mode: 'portrait' }, env)).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE' });
  });

  it('a batch that cannot start (its model missing) leaves no empty journal behind', async () => {
    const out = join(root, 'no-model-out');
    const bare = { ...env, store: createModelStore({ ...process.env, CUTOUT_MODELS_DIR: tempDir() }, () => undefined) };
    await expect(runBatch([input], out, { mode: 'portrait' }, bare)).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    expect(existsSync(join(out, '.cutout-batch.jsonl'))).toBe(false);
    // ID photos and stickers (of the person model: the anime model ships in resources/models) as
    // well: refused once, before any file (each file failed in turn, a report of MODEL_MISSING lines written).
    const spec = { ...(await SpecLibrary.load(specLibraryPath())).get('us-2x2') } as unknown as { id: string };
    const clip = evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif');
    for (const [mode, files, extra] of [['idphoto', [input], { spec }], ['sticker', [clip], { model: 'person' }]] as const) {
      const ended: string[] = [];
      const there = join(root, `no-model-${mode}`);
      await expect(runBatch(files, there, { mode, extra }, bare, { onFile: ({ entry }) => ended.push(entry.input) })).rejects.toMatchObject({ code: 'MODEL_MISSING' });
      expect([ended, existsSync(join(there, '.cutout-batch.jsonl')), existsSync(join(there, 'report.json'))]).toEqual([[], false, false]);
    }
  });
});
