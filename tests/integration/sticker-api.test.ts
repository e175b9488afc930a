// The stickers API area (probeClip, loadClipFrame, loadStickerFile) and the 'sticker' job kind,
// on a real eval clip with the real ffmpeg and model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/main/engine/api/deps';
import { createStickersArea } from '../../src/main/engine/api/stickers';
import { runJob } from '../../src/main/engine/run-job';
import { evalFile, tempDir, testEnv } from '../helpers/env';

describe('stickers API area and job kind', () => {
  const api = createStickersArea({} as ApiDeps);
  const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');

  it('probes a clip and returns a poster frame as PNG', async () => {
    const info = await api.probeClip({ path: clip });
    expect(info).toMatchObject({ width: 512, height: 512, frameCount: 16 });
    const frame = await api.loadClipFrame({ path: clip, timeS: 1, maxSidePx: 128 });
    expect(frame.mime).toBe('image/png');
    const meta = await sharp(Buffer.from(frame.bytes)).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]);
  });

  it('runs a sticker job and loads the result for the preview; refuses non-sticker files', async () => {
    const dir = tempDir();
    const out = join(dir, 'job.webp');
    const result = (await runJob({ kind: 'sticker', input: clip, output: out, options: { maxSidePx: 96, fps: 8 } }, testEnv(), {})) as { format: string; frameCount: number };
    expect(result.format).toBe('webp');
    const file = await api.loadStickerFile({ path: out });
    expect(file.mime).toBe('image/webp');
    expect((await sharp(Buffer.from(file.bytes), { animated: true }).metadata()).pages).toBe(result.frameCount);
    const txt = join(dir, 'secret.txt');
    writeFileSync(txt, 'x');
    await expect(api.loadStickerFile({ path: txt })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(api.probeClip({ path: join(dir, 'none.mp4') })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});
