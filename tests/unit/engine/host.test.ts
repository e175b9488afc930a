// The engine host: the worker thread and in-process modes give the same answers, a worker that
// dies fails its calls with RUNTIME_UNAVAILABLE (not a hang), and an aborted call never starts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineHost } from '../../../src/main/engine/host';
import type { EngineConfig } from '../../../src/main/engine/protocol';
import { evalFile, REPO_ROOT, SHARED_MODELS_DIR, tempDir } from '../../helpers/env';

const dir = tempDir('cutout-host-');

/** The pids of ffmpeg processes whose command line names `file`. */
function ffmpegsReading(file: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return /ffmpeg/.test(args[0] ?? '') && args.includes(file);
      } catch {
        return false;
      }
    })
    .map(Number);
}
const config: EngineConfig = { modelsDirs: [join(REPO_ROOT, 'resources', 'models')], manifestPath: join(REPO_ROOT, 'resources', 'models', 'manifest.json'), tempDir: join(dir, 'engine') };
const hosts: EngineHost[] = [];

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.dispose()));
});

describe('engine host', () => {
  it('runs the same op in a worker thread and in-process, bytes intact', async () => {
    const png = join(dir, 'grad.png');
    const raw = Buffer.alloc(40 * 30 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = i % 251;
    writeFileSync(png, await sharp(raw, { raw: { width: 40, height: 30, channels: 3 } }).png().toBuffer());
    const worker = startEngine(config, { mode: 'worker', log: () => undefined });
    const inproc = startEngine(config, { mode: 'in-process', log: () => undefined });
    hosts.push(worker, inproc);
    const [a, b] = await Promise.all([worker.call('loadImagePreview', { path: png, maxSidePx: 20 }), inproc.call('loadImagePreview', { path: png, maxSidePx: 20 })]);
    expect([a.width, a.height]).toEqual([20, 15]);
    expect(a.rgba).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(a.rgba).equals(Buffer.from(b.rgba))).toBe(true);
    await expect(worker.call('loadImagePreview', { path: join(dir, 'missing.png') })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });

  it('fails calls with RUNTIME_UNAVAILABLE when the worker dies, instead of hanging', async () => {
    // The engine cannot create its temp folder under a file: the worker throws at start-up and exits.
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const broken = startEngine({ ...config, tempDir: join(file, 'sub') }, { mode: 'worker', log: () => undefined });
    hosts.push(broken);
    await expect(broken.call('loadImagePreview', { path: file })).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
  });

  it('disposed mid-sticker (the app quits), it leaves no ffmpeg reading the clip and writes nothing', { timeout: 120_000 }, async () => {
    const clip = evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4');
    const host = startEngine({ ...config, modelsDirs: [SHARED_MODELS_DIR, ...config.modelsDirs], provider: 'cpu' }, { mode: 'worker', log: () => undefined });
    hosts.push(host);
    const output = join(dir, 'quit.webp');
    let segmenting!: () => void;
    const started = new Promise<void>((resolve) => (segmenting = resolve));
    // A large sticker segmented at twice its size: seconds of work, ffmpeg decoding the clip meanwhile.
    const call = host.call('runJob', { kind: 'sticker', input: clip, output, options: { maxSidePx: 512, fps: 12, workScale: 2 } }, { onProgress: (e) => e.stage === 'segment' && segmenting() });
    const outcome = call.then(() => 'done', (e: Error) => e.name);
    await started;
    expect(ffmpegsReading(clip)).toHaveLength(1);
    await host.dispose();
    expect(await outcome).toBe('CancelledError');
    // Quitting mid-sticker left no ffmpeg reading the clip, and no sticker (nor its temporary file).
    expect(ffmpegsReading(clip)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('quit'))).toEqual([]);
  });

  it('rejects an already-aborted call with CancelledError without running it', async () => {
    const host = startEngine(config, { mode: 'in-process', log: () => undefined });
    hosts.push(host);
    const controller = new AbortController();
    controller.abort();
    await expect(host.call('loadImagePreview', { path: '/nope.png' }, { signal: controller.signal })).rejects.toMatchObject({ name: 'CancelledError' });
  });
});
