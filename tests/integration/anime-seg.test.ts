// Our anime segmenter (resources/models/anime-seg.onnx): the TypeScript engine's mask equals the
// PyTorch model's (weights read back from the shipped ONNX, training's preprocessing) within 1e-3
// on a fixture this test draws; one training step runs on two composites. Both need
// /usr/bin/python3 with torch (skipped otherwise), as does the int8 quantizer's check; the engine checks
// run everywhere.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/main/core/image/decode';
import { modelInputSize, runMaskModel } from '../../src/main/core/segment/mask-model';
import { resizeFloatBilinear } from '../../src/main/core/image/resize';
import type { ModelEntry } from '../../src/main/core/models/manifest';
import { cutoutImage } from '../../src/main/core/pipelines/cutout';
import { iouScores } from '../../src/main/core/eval/metrics';
import { REPO_ROOT, SHARED_DIR, evalFile, tempDir, testEnv, testStore } from '../helpers/env';

const PY = '/usr/bin/python3';
const hasTorch = spawnSync(PY, ['-c', 'import torch, onnx, PIL'], { stdio: 'ignore' }).status === 0;

/** A flat-colour "character" (hair, face, dress, outline) on a sky/ground background, opaque PNG. */
async function drawFixture(width: number, height: number): Promise<Buffer> {
  const cx = width / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8ec5ff"/><stop offset="0.7" stop-color="#dff1ff"/><stop offset="0.7" stop-color="#7a9a5a"/><stop offset="1" stop-color="#5a7a3a"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <rect x="${width * 0.05}" y="${height * 0.35}" width="${width * 0.18}" height="${height * 0.35}" fill="#b07050"/>
    <g stroke="#2a1a1a" stroke-width="2">
      <path d="M ${cx - 40} ${height * 0.2} Q ${cx} ${height * 0.02} ${cx + 40} ${height * 0.2} L ${cx + 48} ${height * 0.55} L ${cx - 48} ${height * 0.55} Z" fill="#6a3fa0"/>
      <ellipse cx="${cx}" cy="${height * 0.25}" rx="30" ry="34" fill="#ffe2cf"/>
      <circle cx="${cx - 11}" cy="${height * 0.26}" r="5" fill="#2b6fd6"/><circle cx="${cx + 11}" cy="${height * 0.26}" r="5" fill="#2b6fd6"/>
      <path d="M ${cx - 30} ${height * 0.4} L ${cx + 30} ${height * 0.4} L ${cx + 60} ${height * 0.95} L ${cx - 60} ${height * 0.95} Z" fill="#e04a6a"/>
      <rect x="${cx - 40}" y="${height * 0.42}" width="12" height="${height * 0.3}" fill="#ffe2cf"/>
      <rect x="${cx + 28}" y="${height * 0.42}" width="12" height="${height * 0.3}" fill="#ffe2cf"/>
    </g></svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}

describe('anime-seg model', () => {
  const env = testEnv();

  it('is the default anime-mask model, verified, dynamic, small', async () => {
    const { entry, path } = await testStore().defaultFor('anime-mask');
    expect(entry.id).toBe('anime-seg');
    expect(entry.bundled).toBe(true);
    expect(entry.input.dynamic).toBe(true);
    expect(entry.input.layout).toBe('NCHW');
    expect(entry.output.decode).toBe('probability');
    expect(readFileSync(path).byteLength).toBe(entry.bytes);
    expect(entry.bytes!).toBeLessThan(8 * 1024 * 1024);
    // Any multiple of the stride: the input follows the image's aspect ratio.
    expect(modelInputSize(entry, 1000, 600)).toEqual({ width: entry.input.width, height: Math.round((entry.input.width * 0.6) / 16) * 16 });
  });

  it.skipIf(!hasTorch)('the manifest\'s params and FLOPs are those of the shipped file (count_flops.py at the manifest size)', async () => {
    const { entry, path } = await testStore().defaultFor('anime-mask');
    const out = execFileSync(PY, [join(REPO_ROOT, 'training/tools/count_flops.py'), path, '--input-shape', `1,3,${entry.input.height},${entry.input.width}`], { encoding: 'utf8' });
    const counted = JSON.parse(out.trim().split('\n').pop()!);
    expect(counted.params).toBe(entry.params);
    expect(counted.flops).toBe(entry.flops);
  }, 60_000);

  it('a banner (wider than 2:1) keeps its subject\'s size at the model: a sprite padded to 3600×600 is still cut out', async () => {
    const { entry } = await testStore().defaultFor('anime-mask');
    // Up to 2:1 the long side is the reference size; beyond, the short side keeps half of it.
    expect(modelInputSize(entry, 1200, 600)).toEqual({ width: 320, height: 160 });
    expect(modelInputSize(entry, 2400, 600)).toEqual({ width: 640, height: 160 });
    expect(modelInputSize(entry, 600, 3600)).toEqual({ width: 160, height: 960 });
    expect(modelInputSize(entry, 9000, 600)).toEqual({ width: 960, height: 64 });
    const name = 'ks_misha_hips_smile';
    const image = join(SHARED_DIR, 'eval', 'anime_cutout', 'images', `${name}.jpg`);
    const { width, height } = await sharp(image).metadata();
    const pad = (3600 - width!) / 2;
    const banner = await sharp(image).extend({ left: pad, right: pad, background: '#808080' }).png().toBuffer();
    const r = await cutoutImage(banner, { subject: 'anime', background: { kind: 'transparent' }, refine: 'off' }, env);
    const truth = await sharp(join(SHARED_DIR, 'eval', 'anime_cutout', 'alpha', `${name}.png`)).extractChannel(0).raw().toBuffer();
    let [both, either, padKept] = [0, 0, 0];
    for (let y = 0; y < height!; y++) {
      for (let x = 0; x < 3600; x++) {
        const kept = r.image.data[(y * 3600 + x) * 4 + 3] >= 128;
        if (x < pad || x >= pad + width!) {
          padKept += kept ? 1 : 0;
          continue;
        }
        const isTrue = truth[y * width! + x - pad] >= 128;
        both += kept && isTrue ? 1 : 0;
        either += kept || isTrue ? 1 : 0;
      }
    }
    // At the long side's size (320×64 here) the IoU was 0.06.
    expect(both / either).toBeGreaterThan(0.9);
    expect(padKept).toBe(0);
  });

  it('cuts a drawn character out: figure opaque, sky and ground clear', async () => {
    const png = await drawFixture(480, 640);
    const r = await cutoutImage(png, { subject: 'anime', background: { kind: 'transparent' }, refine: 'fast' }, env);
    expect(r.modelId).toBe('anime-seg');
    const a = (x: number, y: number): number => r.alpha[y * 480 + x];
    expect(a(240, 300)).toBeGreaterThan(0.9); // dress
    expect(a(240, 160)).toBeGreaterThan(0.9); // face
    expect(a(10, 10)).toBeLessThan(0.1); // sky
    expect(a(470, 620)).toBeLessThan(0.1); // ground
    expect(a(440, 100)).toBeLessThan(0.1);
  });

  it('averages each image with its mirror image (flipAverage): a mirrored input gives the mirrored mask', async () => {
    const found = await testStore().defaultFor('anime-mask');
    expect(found.entry.input.flipAverage).toBe(true);
    // At the main size only: sharp's lanczos3 is mirror-exact for 400 -> 320 but not for every ratio
    // (400 -> 256 differs by up to 0.03 between an image and its mirror), which is resampling, not
    // the averaging under test.
    const entry: ModelEntry = { ...found.entry, input: { ...found.entry.input, extraSizes: undefined } };
    const path = found.path;
    const png = await drawFixture(400, 300);
    const shifted = await sharp(png).extend({ left: 60, background: '#8ec5ff' }).extract({ left: 0, top: 0, width: 400, height: 300 }).png().toBuffer();
    const mirrored = await sharp(shifted).flop().png().toBuffer();
    const a = await runMaskModel(await decodeImage(shifted), { entry, path }, { provider: 'cpu' });
    const b = await runMaskModel(await decodeImage(mirrored), { entry, path }, { provider: 'cpu' });
    let maxDiff = 0;
    for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) maxDiff = Math.max(maxDiff, Math.abs(a.mask[y * a.width + x] - b.mask[y * a.width + (a.width - 1 - x)]));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('extraSizes: the map is the mean of the main-size map and the other sizes\' maps resized to it', async () => {
    const { entry, path } = await testStore().defaultFor('anime-mask');
    // Without the temperature, which acts on the averaged map (tested below).
    const at = (width: number, extraSizes?: number[]): ModelEntry => ({ ...entry, input: { ...entry.input, width, height: width, extraSizes }, output: { ...entry.output, temperature: undefined } });
    const image = await decodeImage(await drawFixture(400, 300));
    const main = await runMaskModel(image, { entry: at(320), path }, { provider: 'cpu' });
    const small = await runMaskModel(image, { entry: at(192), path }, { provider: 'cpu' });
    const both = await runMaskModel(image, { entry: at(320, [192]), path }, { provider: 'cpu' });
    expect([both.width, both.height]).toEqual([main.width, main.height]);
    expect([small.width, small.height]).toEqual([192, 144]);
    const resized = resizeFloatBilinear(small.mask, small.width, small.height, main.width, main.height);
    let maxDiff = 0;
    let changed = 0;
    for (let i = 0; i < main.mask.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(both.mask[i] - 0.5 * (main.mask[i] + resized[i])));
      if (Math.abs(both.mask[i] - main.mask[i]) > 0.01) changed++;
    }
    expect(maxDiff).toBeLessThan(1e-5);
    expect(changed).toBeGreaterThan(0); // the second size really contributed
  });

  it('output.temperature (calibrated below 1 on held-out composites) scales the averaged map: sigmoid(logit(p) / T), unless the caller opts out', async () => {
    const { entry, path } = await testStore().defaultFor('anime-mask');
    const T = entry.output.temperature;
    expect(T).toBeGreaterThan(0);
    expect(T).toBeLessThan(1);
    const image = await decodeImage(await drawFixture(400, 300));
    const scaled = await runMaskModel(image, { entry, path }, { provider: 'cpu' });
    const plain = await runMaskModel(image, { entry: { ...entry, output: { ...entry.output, temperature: undefined } }, path }, { provider: 'cpu' });
    let maxDiff = 0;
    let moved = 0;
    for (let i = 0; i < plain.mask.length; i++) {
      const p = Math.min(1 - 1e-6, Math.max(1e-6, plain.mask[i]));
      maxDiff = Math.max(maxDiff, Math.abs(scaled.mask[i] - 1 / (1 + Math.pow((1 - p) / p, 1 / T!))));
      if (Math.abs(scaled.mask[i] - plain.mask[i]) > 0.01) moved++;
    }
    expect(maxDiff).toBeLessThan(1e-6);
    expect(moved).toBeGreaterThan(0);
    // Stickers ask for the map without it (their own stretch was tuned on that map).
    const unscaled = await runMaskModel(image, { entry, path }, { provider: 'cpu' }, { applyTemperature: false });
    expect(maxAbsDiff(unscaled.mask, plain.mask)).toBe(0);
  });

  it.skipIf(!hasTorch)('TypeScript engine mask equals the PyTorch model within 1e-3', async () => {
    const found = await testStore().defaultFor('anime-mask');
    // One size only: the PyTorch side does not resample (extra sizes are checked above, engine-side).
    const entry: ModelEntry = { ...found.entry, input: { ...found.entry.input, extraSizes: undefined } };
    const path = found.path;
    // Sized so that the engine's input equals the image (no resampling on either side).
    const w = entry.input.width;
    const h = Math.round((w * 0.75) / 16) * 16;
    expect(modelInputSize(entry, w, h)).toEqual({ width: w, height: h });
    const dir = tempDir();
    const fixture = join(dir, 'fixture.png');
    writeFileSync(fixture, await drawFixture(w, h));
    const ts = await runMaskModel(await decodeImage(fixture), { entry, path }, { provider: 'cpu' });
    expect([ts.width, ts.height]).toEqual([w, h]);
    const outFile = join(dir, 'torch.f32');
    const post = [...(entry.input.flipAverage ? ['--flip'] : []), ...(entry.output.temperature !== undefined ? ['--temperature', String(entry.output.temperature)] : [])];
    execFileSync(PY, [join(REPO_ROOT, 'training/infer.py'), '--weights', path, '--image', fixture, '--out', outFile, ...post], { stdio: 'pipe' });
    const buf = readFileSync(outFile);
    const torchMask = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    expect(torchMask.length).toBe(w * h);
    expect(maxAbsDiff(torchMask, ts.mask)).toBeLessThan(1e-3);
    expect(ts.mask.filter((v) => v > 0.5).length / torchMask.length).toBeGreaterThan(0.05); // the map is not trivially empty
  }, 120_000);

  it.skipIf(!hasTorch || !existsSync(join(SHARED_DIR, 'models')))('one training step runs on two composites (recipe v3) and writes a checkpoint', async () => {
    const dir = await writeTinyAnimeSet();
    const run = join(dir, 'run');
    const out = execFileSync(
      PY,
      [join(REPO_ROOT, 'training/train.py'), '--run', run, '--data-dir', dir, '--recipe', 'v3', '--batch', '2', '--size', '128', '--steps', '10', '--max-batches', '1', '--val-n', '2', '--workers', '0', '--threads', '1'],
      { encoding: 'utf8' },
    );
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    const train = events.find((e) => e.event === 'stop');
    expect(train).toMatchObject({ step: 1, reason: 'max-batches' });
    // It trained: a finite loss, and the optimiser's step moved the weights (a NaN loss, or no
    // step at all, stopped as cleanly and passed).
    expect(Number.isFinite(train.loss) && train.loss > 0).toBe(true);
    expect(train.moved).toBeGreaterThan(0);
    expect(existsSync(join(run, 'last.pt'))).toBe(true);
  }, 180_000);

  it.skipIf(!hasTorch || !existsSync(join(SHARED_DIR, 'models')))('train.py: a resume keeps a best.pt newer than last.pt, a finished run run again stops as done, and what a run lacks is said before its folder is made', async () => {
    const dir = await writeTinyAnimeSet();
    const run = join(dir, 'run');
    const train = (args: readonly string[], runDir = run) =>
      spawnSync(PY, [join(REPO_ROOT, 'training/train.py'), '--run', runDir, '--data-dir', dir, '--batch', '2', '--size', '64', '--val-n', '2', '--val-every', '1', '--workers', '0', '--threads', '1', ...args], { encoding: 'utf8' });
    const eventsOf = (r: { stdout: string }) => r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(train(['--steps', '3', '--max-batches', '1']).status).toBe(0);
    // The run stopped after best.pt was saved with a better score and before last.pt followed it.
    execFileSync(PY, ['-c', 'import sys, torch; p = sys.argv[1]; ck = torch.load(p, weights_only=False); ck["best"] = 2.0; torch.save(ck, p)', join(run, 'best.pt')]);
    const resumed = eventsOf(train(['--steps', '3', '--max-batches', '1']));
    expect(resumed[0]).toMatchObject({ event: 'resume', step: 1, best: 2.0 });
    expect(resumed.at(-1)).toMatchObject({ event: 'stop', step: 2, best: 2.0 });
    const bestAfter = execFileSync(PY, ['-c', 'import sys, torch; print(torch.load(sys.argv[1], weights_only=False)["best"])', join(run, 'best.pt')], { encoding: 'utf8' });
    expect(Number(bestAfter)).toBe(2.0);
    // Fewer steps than made: a stop, not a crash (a loader of negative length).
    const again = train(['--steps', '1']);
    expect(again.status).toBe(0);
    expect(eventsOf(again).at(-1)).toMatchObject({ event: 'stop', step: 2, reason: 'done' });
    // No set there: one line, and no run folder left behind.
    const noSet = spawnSync(PY, [join(REPO_ROOT, 'training/train.py'), '--run', join(dir, 'run-missing'), '--data-dir', join(dir, 'nowhere'), '--steps', '1'], { encoding: 'utf8' });
    expect(noSet.status).toBe(1);
    expect(noSet.stderr.trim()).toBe(`no training set in ${join(dir, 'nowhere')}: it has no manifest.csv (pass --data-dir, or set ANIME_TRAIN_DIR or CUTOUT_SHARED_DIR)`);
    expect(existsSync(join(dir, 'run-missing'))).toBe(false);
    // Half a held-out split (a held-out source's sprite, none of its backgrounds) is refused, not replaced by the training split.
    copyFileSync(join(dir, 'fg', 't_2.png'), join(dir, 'fg', 'v_1.png'));
    writeFileSync(join(dir, 'manifest.csv'), readFileSync(join(dir, 'manifest.csv'), 'utf8') + 'fg/v_1.png,fuki-tea/ts-detective,0,x,MIT,drawn,permissive-repo-licence,fg,v:1,160,320\n');
    const half = train(['--steps', '1'], join(dir, 'run-half'));
    expect(half.status).toBe(1);
    expect(half.stderr).toContain('validation needs both');
    expect(existsSync(join(dir, 'run-half'))).toBe(false);
  }, 300_000);

  it.skipIf(!hasTorch || !existsSync(join(SHARED_DIR, 'models')))('the training kit refuses what would lose a run: a resume of other settings, a spent deadline run again, a pack over a folder of other files, gpu_run.sh with no checkpoint, bad values', async () => {
    const dir = await writeTinyAnimeSet();
    const run = join(dir, 'run');
    const train = (args: readonly string[]) =>
      spawnSync(PY, [join(REPO_ROOT, 'training/train.py'), '--run', run, '--data-dir', dir, '--batch', '2', '--size', '64', '--val-n', '2', '--val-every', '1', '--workers', '0', '--threads', '1', ...args], { encoding: 'utf8' });
    const first = train(['--steps', '3', '--max-batches', '1', '--deadline', '23:59', '--lr', '1e-3']);
    expect(first.status, first.stderr).toBe(0);
    // Other settings on the same run folder: refused, said (it resumed and overwrote the run's settings unsaid).
    const other = train(['--steps', '3', '--deadline', '23:59', '--lr', '1e-4', '--seed', '7']);
    expect(other.status).toBe(1);
    expect(other.stderr.trim().split('\n').at(-1)).toBe(`train: ${run} holds a run of other settings: --lr 0.001 (now 0.0001); --seed 1234 (now 7). Give another --run for a new run, or the run's own settings to go on with it`);
    // The deadline the run had, passed: run again with it, it stops at once (it took the next day's).
    execFileSync(PY, ['-c', 'import sys, time, torch; p = sys.argv[1]; ck = torch.load(p, weights_only=False); ck["deadline_at"] = time.time() - 60; torch.save(ck, p)', join(run, 'last.pt')]);
    const spent = train(['--steps', '3', '--deadline', '23:59', '--lr', '1e-3']);
    expect(spent.status).toBe(0);
    const events = spent.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(['resume', 'stop']);
    expect(events[1]).toMatchObject({ step: 1, reason: 'deadline' });
    // Values that cannot be: said before any work (a ZeroDivisionError, an empty concatenate, a tensor mismatch, an unpack error).
    for (const [args, text] of [
      [['--val-every', '0'], '--val-every must be at least 1, got 0'],
      [['--val-n', '0'], '--val-n must be at least 1, got 0'],
      [['--batch', '0'], '--batch must be at least 1, got 0'],
      [['--size', '72'], '--size must be a positive multiple of 16'],
      [['--deadline', '1327'], "--deadline is a UTC time HH:MM, got '1327'"],
    ] as const) {
      const bad = spawnSync(PY, [join(REPO_ROOT, 'training/train.py'), '--run', join(dir, 'bad'), '--data-dir', dir, ...args], { encoding: 'utf8' });
      expect([bad.status, bad.stderr], args.join(' ')).toEqual([2, expect.stringContaining(text)]);
    }
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    // A pack over a folder that is no pack: refused, the folder kept (it was deleted without a word).
    const precious = join(dir, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'notes.txt'), 'mine');
    const packed = spawnSync(PY, [join(REPO_ROOT, 'training/pack_data.py'), '--src', dir, '--out', precious], { encoding: 'utf8' });
    expect([packed.status, packed.stderr.trim()]).toEqual([1, `pack_data: --out ${precious} holds other files than a pack's (notes.txt): it would be replaced; name a new folder, or remove it first`]);
    expect(readFileSync(join(precious, 'notes.txt'), 'utf8')).toBe('mine');
    const inSet = spawnSync(PY, [join(REPO_ROOT, 'training/pack_data.py'), '--src', dir, '--out', dir], { encoding: 'utf8' });
    expect(inSet.status).toBe(1);
    expect(readdirSync(dir)).toContain('manifest.csv');
    // gpu_run.sh whose minutes are spent before the first step: exit 1, said (exit 0, "export best.npz here", no .npz).
    const pack = join(dir, 'pack');
    execFileSync(PY, [join(REPO_ROOT, 'training/pack_data.py'), '--src', dir, '--out', pack], { stdio: 'pipe' });
    const out = join(dir, 'out');
    const gpu = spawnSync('bash', [join(REPO_ROOT, 'training/gpu_run.sh')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PY, OUT: out, DATA: pack, RUN: join(dir, 'gpu-run'), DEVICE: 'cpu', WORKERS: '0', BATCH: '2', SIZE: '256', MINUTES: '0.00001', VAL_N: '200' }, // (the minutes count from at least 1 s; 200 validation composites take longer)
    });
    expect(gpu.status).toBe(1);
    expect(gpu.stderr).toContain('gpu_run: the run stopped before its first checkpoint');
  }, 300_000);

  it.skipIf(!hasTorch)('training helpers: the data cache is per folder and manifest, a deadline past midnight is the next one, export refuses an opset below 13', async () => {
    const a = await writeTinyAnimeSet();
    const b = await writeTinyAnimeSet();
    writeFileSync(join(b, 'manifest.csv'), readFileSync(join(b, 'manifest.csv'), 'utf8').trim().split('\n').slice(0, 3).join('\n') + '\n');
    const cacheDir = tempDir();
    const script = `import calendar, json, sys
sys.path.insert(0, "training")
import data as D, train as T
D.CACHE_MIN_FILES, D.CACHE_DIR = 0, sys.argv[3]
counts = [len(D.load_dataset(p)["fg"]) for p in (sys.argv[1], sys.argv[2], sys.argv[1])]
now = calendar.timegm((2026, 12, 5, 23, 50, 0, 0, 0, 0))
print(json.dumps({"counts": counts, "after_midnight": T.deadline_ts("00:30", now) - now, "later_today": T.deadline_ts("23:55", now) - now}))`;
    const r = JSON.parse(execFileSync(PY, ['-c', script, a, b, cacheDir], { encoding: 'utf8', cwd: REPO_ROOT }));
    // One cache name for every folder gave b the sprites of a.
    expect(r.counts).toEqual([2, 1, 2]);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.pkl'))).toHaveLength(2);
    expect([r.after_midnight, r.later_today]).toEqual([40 * 60, 5 * 60]);
    const { entry: _entry, path } = await testStore().defaultFor('anime-mask');
    const low = spawnSync(PY, [join(REPO_ROOT, 'training/export.py'), '--ckpt', path, '--out', join(a, 'op11.onnx'), '--opset', '11'], { encoding: 'utf8' });
    expect(low.status).toBe(2);
    expect(low.stderr).toContain('--opset 11: the model is shipped at opset 13 or later');
    expect(existsSync(join(a, 'op11.onnx'))).toBe(false);
  }, 120_000);

  it.skipIf(!hasTorch || !existsSync(join(SHARED_DIR, 'models', 'portrait_selfie_segmentation_mediapipe_256x256.onnx')))('the MediaPipe selfie weights read into the PyTorch net (--init mediapipe) give the ONNX graph\'s mask', async () => {
    const onnxPath = join(SHARED_DIR, 'models', 'portrait_selfie_segmentation_mediapipe_256x256.onnx');
    const dir = tempDir();
    const fixture = join(dir, 'fixture.png');
    // A person (the weights are a person segmenter's), squeezed to the graph's 256×256.
    writeFileSync(fixture, await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(256, 256, { fit: 'fill' }).png().toBuffer());
    const script = `import sys
import numpy as np, torch
from PIL import Image
sys.path.insert(0, "training")
from model import AnimeSegNet, load_mediapipe
net = AnimeSegNet(0)
load_mediapipe(net, sys.argv[1])
net.eval()
x = np.asarray(Image.open(sys.argv[2]).convert("RGB"), dtype=np.float32) / 255
with torch.no_grad():
    y = torch.sigmoid(net(torch.from_numpy(x).permute(2, 0, 1)[None])).numpy()
x.astype("<f4").tofile(sys.argv[3] + "/x.f32")
y.astype("<f4").tofile(sys.argv[3] + "/y.f32")`;
    execFileSync(PY, ['-c', script, onnxPath, fixture, dir], { cwd: REPO_ROOT, stdio: 'pipe' });
    const f32 = (name: string) => {
      const buf = readFileSync(join(dir, name));
      return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    };
    const session = await ort.InferenceSession.create(onnxPath);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', f32('x.f32'), [1, 256, 256, 3]) });
    const graph = out[session.outputNames[0]].data as Float32Array;
    const torchMask = f32('y.f32');
    expect(graph.length).toBe(256 * 256);
    expect(maxAbsDiff(torchMask, graph)).toBeLessThan(1e-3);
    expect(graph.filter((v) => v > 0.5).length).toBeGreaterThan(256 * 256 * 0.1); // the person, not an empty map
  }, 120_000);

  it.skipIf(!hasTorch)('the GPU-machine kit: the packed set keeps every alpha byte for byte, gpu_run.sh trains on it and its .npz weights export to the same ONNX', async () => {
    const dir = await writeTinyAnimeSet();
    // One sprite gets a soft alpha of many levels (an anti-aliased outline, a veil), which a lossy alpha would not keep.
    const soft = await sharp(join(dir, 'fg', 't_1.png')).raw().toBuffer({ resolveWithObject: true });
    for (let p = 0; p < soft.data.length; p += 4) {
      const x = (p / 4) % soft.info.width;
      const y = Math.floor(p / 4 / soft.info.width);
      soft.data[p + 3] = x < 40 || x > 120 ? 0 : Math.min(255, (x - 40) * 9 + (y % 7) * 3);
    }
    await sharp(soft.data, { raw: { width: soft.info.width, height: soft.info.height, channels: 4 } }).png().toFile(join(dir, 'fg', 't_1.png'));
    const pack = join(dir, 'pack');
    execFileSync(PY, [join(REPO_ROOT, 'training/pack_data.py'), '--src', dir, '--out', pack], { stdio: 'pipe' });
    const check = `
orig = D.load_dataset(sys.argv[1])
packed = D.load_dataset("${pack}")
pairs = list(zip(orig["fg"], packed["fg"]))
print(json.dumps({
    "counts": [len(packed["fg"]), len(packed["bg"])],
    "files": [x["file"] for x in packed["fg"]],
    "alpha_exact": all((a["rgba"][..., 3] == b["rgba"][..., 3]).all() for a, b in pairs),
    "rgb_diff": max(float(np.abs(a["rgba"][..., :3].astype(int) - b["rgba"][..., :3].astype(int))[a["rgba"][..., 3] > 128].mean()) for a, b in pairs),
    "cut": [x["cut"] for x in packed["fg"]],
}))
`;
    const r = runOnTrainSplit(dir, check) as { counts: number[]; files: string[]; alpha_exact: boolean; rgb_diff: number; cut: string[] };
    expect(r.counts).toEqual([2, 2]);
    expect(r.files).toEqual(['fg/t_1.webp', 'fg/t_2.webp']);
    expect(r.alpha_exact).toBe(true);
    expect(r.rgb_diff).toBeLessThan(6); // lossy colours, within a few levels of 255
    expect(r.cut).toEqual(['B', 'B']); // the manifest's other columns travel as they were
    const out = join(dir, 'out');
    execFileSync('bash', [join(REPO_ROOT, 'training/gpu_run.sh')], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      env: { ...process.env, PY, OUT: out, DATA: pack, RUN: join(dir, 'run'), DEVICE: 'auto', WORKERS: '0', BATCH: '2', SIZE: '128', MINUTES: '0.05', VAL_N: '2', VAL_EVERY: '1' },
    });
    const events = readFileSync(join(out, 'train.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'start', device: 'cpu', params: 175905 }); // auto falls back to the CPU here; the shipped width
    expect(events.at(-1)).toMatchObject({ event: 'stop', reason: 'deadline' });
    expect(events.at(-1).step).toBeGreaterThan(0);
    for (const ck of ['best', 'last']) expect(existsSync(join(out, `anime-seg-${ck}.onnx`)) && existsSync(join(out, `${ck}.npz`))).toBe(true);
    const again = JSON.parse(execFileSync(PY, [join(REPO_ROOT, 'training/export.py'), '--ckpt', join(out, 'last.npz'), '--out', join(dir, 'again.onnx')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(again.sha256).toBe(sha(join(out, 'anime-seg-last.onnx')));
    expect(again.step).toBe(events.at(-1).step);
  }, 180_000);

  it.skipIf(!hasTorch)('a lossless pack of part of the set (--fg-lossless --fg-frac): exact sprites, whole training characters drawn by the seed, every held-out one kept', async () => {
    const dir = await writeTinyAnimeSet();
    // A third sprite from a held-out source (data.VAL_REPOS): a pack of part of the set keeps it.
    copyFileSync(join(dir, 'fg', 't_2.png'), join(dir, 'fg', 'v_1.png'));
    writeFileSync(join(dir, 'manifest.csv'), readFileSync(join(dir, 'manifest.csv'), 'utf8') + 'fg/v_1.png,fuki-tea/ts-detective,0,x,MIT,"drawn; cut at original canvas edge: B",permissive-repo-licence,fg,v:1,160,320\n');
    const packs = ['1', '5'].map((seed) => {
      const pack = join(dir, `pack-${seed}`);
      const told = JSON.parse(execFileSync(PY, [join(REPO_ROOT, 'training/pack_data.py'), '--src', dir, '--out', pack, '--fg-lossless', '--fg-frac', '0.5', '--seed', seed], { encoding: 'utf8' }));
      return { pack, told };
    });
    const check = `
import os
from PIL import Image
out = []
for pack in sys.argv[2:]:
    fg = D.load_dataset(pack)["fg"]
    worst = 0
    for x in fg:
        a = np.asarray(Image.open(os.path.join(sys.argv[1], x["file"].replace(".webp", ".png"))).convert("RGBA")).astype(int)
        b = x["rgba"].astype(int)
        seen = a[..., 3] > 0
        worst = max(worst, int(np.abs(a - b)[seen].max()), int(np.abs(a[..., 3] - b[..., 3]).max()))
    out.append({"files": [x["file"] for x in fg], "worst": worst})
print(json.dumps(out))
`;
    const r = runOnTrainSplit(dir, check, packs.map((p) => p.pack)) as { files: string[]; worst: number }[];
    for (const [i, { told }] of packs.entries()) {
      expect(told).toMatchObject({ fg: 2, bg: 2, left_out: 1 });
      // One of the two training characters (half the training sprites) and the held-out one.
      expect(r[i].files).toHaveLength(2);
      expect(r[i].files).toContain('fg/v_1.webp');
      // Lossless: every colour and alpha as the set has it (colours under alpha 0 are not kept).
      expect(r[i].worst).toBe(0);
    }
    // The seed draws which training character (seeds 1 and 5 draw different ones of the two).
    expect(new Set(r.map((x) => x.files.find((f) => f !== 'fg/v_1.webp'))).size).toBe(2);
  }, 120_000);

  it.skipIf(!hasTorch)('multi-scale training (--sizes): batch i is made at sizes[i mod n], also when a run resumes mid-stream', async () => {
    const dir = await writeTinyAnimeSet();
    const script = `
import train
args = train.parse_args(["--run", "unused", "--sizes", "128,96"])
sizes = train.train_sizes(args)
whole = train.BatchStream(part, sizes, 2, 7, 0, 4)
resumed = train.BatchStream(part, sizes, 2, 7, 1, 4)
print(json.dumps({
    "sizes": sizes,
    "default": train.train_sizes(train.parse_args(["--run", "unused", "--size", "160"])),
    "shapes": [list(whole[i][0].shape) + list(whole[i][1].shape) for i in range(4)],
    "resumed": [resumed[i][0].shape[-1] for i in range(3)],
    "same_batch": bool((resumed[0][0] == whole[1][0]).all()),
}))
`;
    const r = runOnTrainSplit(dir, script) as { sizes: number[]; default: number[]; shapes: number[][]; resumed: number[]; same_batch: boolean };
    expect(r.sizes).toEqual([128, 96]);
    expect(r.default).toEqual([160]);
    expect(r.shapes).toEqual([
      [2, 3, 128, 128, 2, 1, 128, 128],
      [2, 3, 96, 96, 2, 1, 96, 96],
      [2, 3, 128, 128, 2, 1, 128, 128],
      [2, 3, 96, 96, 2, 1, 96, 96],
    ]);
    expect(r.resumed).toEqual([96, 128, 96]);
    expect(r.same_batch).toBe(true);
    // A size the net cannot take is refused before any training.
    const bad = spawnSync(PY, [join(REPO_ROOT, 'training/train.py'), '--run', join(dir, 'bad'), '--data-dir', dir, '--sizes', '128,100'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--sizes must be positive multiples of 16');
  }, 120_000);

  it.skipIf(!hasTorch)('recipe v6: a held prop joins the character\'s alpha; an occluder comes in from a side of the frame and removes it', async () => {
    const dir = await writeTinyAnimeSet();
    // 24 props over a character body (a band of alpha 1), 24 edge-anchored occluders over a full mask.
    const script = `
rng, S, out = np.random.default_rng(5), 128, []
for _ in range(24):
    canvas = np.full((S, S, 3), 0.5, np.float32)
    mask = np.zeros((S, S), np.float32)
    mask[30:120, 40:90] = 1.0
    c0, m0 = canvas.copy(), mask.copy()
    D._prop(canvas, mask, part, S, rng)
    dm = mask - m0
    dc = np.abs(canvas - c0).max(axis=2)
    prop = {"shrunk": bool((dm < -1e-6).any()), "grew": int((dm > 0.5).sum()), "painted_beyond_alpha": float((dc - dm)[m0 == 0].max())}
    canvas, mask = np.full((S, S, 3), 0.5, np.float32), np.ones((S, S), np.float32)
    D._occluder(canvas, mask, part, S, rng, edge=True)
    cut = mask < 0.5
    edges = bool(cut[0].any() or cut[-1].any() or cut[:, 0].any() or cut[:, -1].any())
    out.append({**prop, "cut": int(cut.sum()), "cut_touches_edge": edges})
print(json.dumps(out))
`;
    const rows = runOnTrainSplit(dir, script) as {
      shrunk: boolean; grew: number; painted_beyond_alpha: number; cut: number; cut_touches_edge: boolean;
    }[];
    expect(rows).toHaveLength(24);
    for (const r of rows) {
      expect(r.shrunk).toBe(false); // a prop never takes alpha away
      expect(r.painted_beyond_alpha).toBeLessThan(1e-4); // off the body, whatever it paints is in the alpha
      if (r.cut > 0) expect(r.cut_touches_edge).toBe(true);
    }
    expect(rows.filter((r) => r.grew > 0).length).toBeGreaterThan(12); // most reach past the silhouette
    expect(rows.filter((r) => r.cut > 0).length).toBeGreaterThan(12);
  }, 120_000);

  it.skipIf(!hasTorch)('recipe v7: GIF frames keep their palette to the end; the film look and painted strokes change the picture, not its range', async () => {
    const dir = await writeTinyAnimeSet();
    const script = `
rng, S, out = np.random.default_rng(11), 96, []
yy, xx = np.mgrid[0:S, 0:S].astype(np.float32)
smooth = np.stack([xx / S, yy / S, 0.5 + 0.3 * np.sin(xx / 7.0)], axis=2).astype(np.float32)  # thousands of colours
for _ in range(12):
    gif = D._degrade(smooth, rng, palette=1.0)
    film = D._film(smooth, rng)
    fg = np.array([0.9, 0.3, 0.2], np.float32)
    strokes = D._strokes(np.full((S, S, 3), 0.5, np.float32), rng, fg)
    changed = np.abs(strokes - 0.5).max(axis=2) > 0.02
    near_fg = (np.abs(strokes - fg).max(axis=2) < 0.25) & changed
    out.append({
        "gif_colours": int(len(np.unique((gif * 255 + 0.5).astype(np.uint8).reshape(-1, 3), axis=0))),
        "film_range": [float(film.min()), float(film.max())], "film_change": float(np.abs(film - smooth).mean()),
        "stroke_share": float(changed.mean()), "stroke_in_fg_colour": bool(near_fg.any()),
        "strokes_range": [float(strokes.min()), float(strokes.max())],
    })
print(json.dumps({"rows": out, "input_colours": int(len(np.unique((smooth * 255 + 0.5).astype(np.uint8).reshape(-1, 3), axis=0)))}))
`;
    const { rows, input_colours } = runOnTrainSplit(dir, script) as {
      input_colours: number;
      rows: { gif_colours: number; film_range: number[]; film_change: number; stroke_share: number; stroke_in_fg_colour: boolean; strokes_range: number[] }[];
    };
    expect(input_colours).toBeGreaterThan(2000);
    for (const r of rows) {
      expect(r.gif_colours).toBeLessThanOrEqual(256); // nothing (JPEG, blur, noise) runs after the palette
      expect(r.gif_colours).toBeGreaterThan(16);
      expect(r.film_range[0]).toBeGreaterThanOrEqual(0);
      expect(r.film_range[1]).toBeLessThanOrEqual(1);
      expect(r.strokes_range[0]).toBeGreaterThanOrEqual(0);
      expect(r.strokes_range[1]).toBeLessThanOrEqual(1);
      expect(r.stroke_share).toBeGreaterThan(0.002); // at least one stroke is on the canvas...
      expect(r.stroke_share).toBeLessThan(0.95); // ... and the scenery still shows
    }
    expect(rows.filter((r) => r.film_change > 0.02).length).toBeGreaterThan(8); // most film looks are visible
    expect(rows.some((r) => r.stroke_in_fg_colour)).toBe(true); // some strokes take the character's colour
  }, 120_000);

  it.skipIf(!hasTorch)('recipe v8: a lineless sprite loses its dark contour; its alpha and the colours inside stay as they were', async () => {
    const dir = await writeTinyAnimeSet();
    // A drawn sprite: a light disc with a 3 px dark contour, soft (anti-aliased) at its edge.
    const script = `
S, R = 120, 50.0
yy, xx = np.mgrid[0:S, 0:S].astype(np.float32)
r = np.hypot(xx - S / 2, yy - S / 2)
a = np.clip(R - r + 0.5, 0, 1).astype(np.float32)
straight = np.where((r > R - 3)[..., None], np.float32([0.1, 0.05, 0.1]), np.float32([0.9, 0.7, 0.6])).astype(np.float32)
rgb = straight * a[..., None]
out = []
for seed in range(6):
    rng = np.random.default_rng(seed)
    d = int(np.random.default_rng(seed).integers(1, 4))  # the band width _lineless draws first
    new = D._lineless(rgb.copy(), a, rng)
    ring = (r > R - 3) & (r < R - 1) & (a > 0.98)  # the contour, inside the soft edge
    inner = r < R - 8
    lum = lambda x: float((x / np.maximum(a[..., None], 1e-3))[ring].mean())
    out.append({"d": d, "ring_before": lum(rgb), "ring_after": lum(new),
                "inner_change": float(np.abs(new - rgb)[inner].max()),
                "premultiplied_ok": bool((new <= a[..., None] + 1e-6).all()),
                "outside_zero": float(np.abs(new[a == 0]).max())})
same = True  # v8 composites (shots and wide frames) come out the same from the same seed
for seed in range(8):
    i0, m0 = D.make_sample(part, 96, np.random.default_rng(seed), "v8")
    i1, m1 = D.make_sample(part, 96, np.random.default_rng(seed), "v8")
    same &= bool(np.array_equal(i0, i1) and np.array_equal(m0, m1) and 0 <= m0.min() and m0.max() <= 1)
print(json.dumps({"rows": out, "reproducible": same}))
`;
    const { rows, reproducible } = runOnTrainSplit(dir, script) as {
      reproducible: boolean;
      rows: { d: number; ring_before: number; ring_after: number; inner_change: number; premultiplied_ok: boolean; outside_zero: number }[];
    };
    expect(reproducible).toBe(true);
    for (const row of rows) {
      expect(row.ring_before).toBeLessThan(0.15); // the contour was dark...
      if (row.d === 3) expect(row.ring_after).toBeGreaterThan(0.6); // ... a 3-px band takes the light fill all across it
      else expect(row.ring_after).toBeGreaterThan(row.ring_before + 0.1 * row.d); // a narrower band lightens its outer part
      expect(row.inner_change).toBe(0); // the inside is untouched
      expect(row.premultiplied_ok).toBe(true);
      expect(row.outside_zero).toBe(0);
    }
    expect(new Set(rows.map((r) => r.d)).size).toBeGreaterThan(1);
  }, 120_000);

  it.skipIf(!hasTorch)('a net widened with --extra starts as the shipped one: train (lr 0), export, same engine mask', async () => {
    const { entry, path } = await testStore().defaultFor('anime-mask');
    const dir = await writeTinyAnimeSet();
    const trainOnce = (run: string, extra: number): Record<string, number>[] =>
      execFileSync(
        PY,
        [join(REPO_ROOT, 'training/train.py'), '--run', run, '--data-dir', dir, '--recipe', 'v5', '--init-from', path, '--extra', String(extra), '--lr', '0', '--batch', '2', '--size', '128', '--steps', '10', '--max-batches', '1', '--val-n', '2', '--workers', '0', '--threads', '1'],
        { encoding: 'utf8' },
      ).trim().split('\n').map((l) => JSON.parse(l));
    const narrow = trainOnce(join(dir, 'narrow'), 0);
    const start = (ev: Record<string, number>[]) => ev.find((e) => (e.event as unknown) === 'start')!;
    const wide = trainOnce(join(dir, 'wide'), start(narrow).extra + 16);
    expect(start(wide).extra).toBe(start(narrow).extra + 16);
    const params = (ev: Record<string, number>[]) => start(ev).params;
    expect(params(wide)).toBeGreaterThan(params(narrow));
    const val0 = (ev: Record<string, number>[]) => ev.find((e) => (e.event as unknown) === 'val' && e.step === 0)!;
    expect(val0(wide).mae).toBeCloseTo(val0(narrow).mae, 6);
    const wideOnnx = join(dir, 'wide.onnx');
    const exported = JSON.parse(execFileSync(PY, [join(REPO_ROOT, 'training/export.py'), '--ckpt', join(dir, 'wide', 'last.pt'), '--out', wideOnnx], { encoding: 'utf8' }));
    expect(exported.params).toBe(params(wide));
    const image = await decodeImage(await drawFixture(320, 240));
    const a = await runMaskModel(image, { entry, path }, { provider: 'cpu' });
    const b = await runMaskModel(image, { entry, path: wideOnnx }, { provider: 'cpu' });
    expect(maxAbsDiff(a.mask, b.mask)).toBeLessThan(1e-4);
  }, 300_000);

  it.skipIf(!hasTorch)('training/quantize.py makes an int8 QDQ model that agrees with the fp32 one', async () => {
    const { entry, path } = await testStore().defaultFor('anime-mask');
    const dir = await writeTinyAnimeSet();
    const int8 = join(dir, 'anime-seg-int8.onnx');
    const out = execFileSync(
      PY,
      [join(REPO_ROOT, 'training/quantize.py'), '--onnx', path, '--out', int8, '--data-dir', dir, '--n', '2', '--canvas', '256', '--size', '256'],
      { encoding: 'utf8' },
    );
    const report = JSON.parse(out.slice(out.indexOf('{')));
    expect(report.quantized_convs).toBeGreaterThan(30);
    const bytes = readFileSync(int8);
    expect(bytes.includes(Buffer.from('QuantizeLinear'))).toBe(true);
    expect(bytes.byteLength).toBeLessThan(readFileSync(path).byteLength);
    const image = await decodeImage(await drawFixture(320, 240));
    const a = await runMaskModel(image, { entry, path }, { provider: 'cpu' });
    const b = await runMaskModel(image, { entry, path: int8 }, { provider: 'cpu' });
    expect(a.mask.filter((v) => v >= 0.5).length).toBeGreaterThan(a.mask.length * 0.05); // not trivially empty
    expect(iouScores(b.mask, a.mask).fgIoU).toBeGreaterThan(0.95);
    let sumDiff = 0;
    for (let i = 0; i < a.mask.length; i++) sumDiff += Math.abs(a.mask[i] - b.mask[i]);
    expect(sumDiff / a.mask.length).toBeLessThan(0.03);
  }, 300_000);
});

/** Largest absolute difference between two maps of the same length. */
/**
 * Runs a Python snippet against training/data.py with `D` (the module), `np` and `part` (the train
 * split of the composite set in `dataDir`) defined; the snippet prints one JSON value, returned parsed.
 */
/** Runs `body` in Python with data.py as D and the set's training split as `part`; `args` follow the set as sys.argv[2:]. Returns its JSON. */
function runOnTrainSplit(dataDir: string, body: string, args: readonly string[] = []): unknown {
  const script = `import json, sys
import numpy as np
sys.path.insert(0, "training")
import data as D
part = D.split(D.load_dataset(sys.argv[1]), "train")
${body}`;
  return JSON.parse(execFileSync(PY, ['-c', script, dataDir, ...args], { encoding: 'utf8', cwd: REPO_ROOT }));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A tiny training set in the layout of /work/shared/train/anime: two drawn RGBA sprites and two backgrounds. */
async function writeTinyAnimeSet(): Promise<string> {
  const dir = tempDir();
  mkdirSync(join(dir, 'fg'));
  mkdirSync(join(dir, 'bg'));
  const rows = ['file,repo,commit,original_path,licence,transform,licence_class,kind,character,width,height'];
  for (const i of [1, 2]) {
    const sprite = await sharp(await drawFixture(160, 320)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const d = sprite.data;
    for (let p = 0; p < d.length; p += 4) {
      const x = (p / 4) % 160;
      if (x < 40 || x > 120) d[p + 3] = 0; // keep a central band as the character
    }
    await sharp(d, { raw: { width: 160, height: 320, channels: 4 } }).png().toFile(join(dir, 'fg', `t_${i}.png`));
    rows.push(`fg/t_${i}.png,test/fg,0,x,MIT,"drawn; cut at original canvas edge: B",permissive-repo-licence,fg,t:${i},160,320`);
    await sharp({ create: { width: 300, height: 200, channels: 3, background: i === 1 ? '#336699' : '#aa8844' } }).jpeg().toFile(join(dir, 'bg', `b_${i}.jpg`));
    rows.push(`bg/b_${i}.jpg,test/bg,0,x,MIT,drawn,permissive-repo-licence,bg,,300,200`);
  }
  writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
  return dir;
}
