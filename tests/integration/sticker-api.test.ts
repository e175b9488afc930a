// The stickers API area (probeClip, loadClipFrame, loadStickerFile, previewStickerFrame) and the
// 'sticker' job kind, on a real eval clip with the real ffmpeg and model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/main/engine/api/deps';
import { createStickersArea } from '../../src/main/engine/api/stickers';
import { startEngine } from '../../src/main/engine/host';
import { runJob } from '../../src/main/engine/run-job';
import { prepareSticker, renderSticker } from '../../src/main/core/sticker/make-sticker';
import { stickerHintMap } from '../../src/main/core/sticker/touch-up';
import { unsureShare } from '../../src/main/core/matting/unsure-share';
import type { StickerStroke } from '../../src/shared/jobs';
import { REPO_ROOT, evalFile, tempDir, testEnv } from '../helpers/env';

describe('stickers API area and job kind', () => {
  const api = createStickersArea({} as ApiDeps);
  const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');

  it('probes a clip and returns a poster frame as PNG', async () => {
    const info = await api.probeClip({ path: clip });
    expect(info).toMatchObject({ width: 512, height: 512, frameCount: 16 });
    // Its GIF holds each drawing in one frame of 130 ms: a new picture every frame.
    expect(info.drawing).toBeUndefined();
    // This one spells each drawing out as 3 frames of 43 ms: the slider starts at its 7.69 drawings a second.
    const threes = await api.probeClip({ path: evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif') });
    expect(threes.drawing).toEqual({ framesPerDrawing: 3, drawingFps: expect.closeTo(1000 / 130, 6), even: true });
    const frame = await api.loadClipFrame({ path: clip, timeS: 1, maxSidePx: 128 });
    expect(frame.mime).toBe('image/png');
    const meta = await sharp(Buffer.from(frame.bytes)).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]);
  });

  it('stops probing a clip when another is dropped before it answers, and probes it again when asked', async () => {
    const area = createStickersArea({} as ApiDeps);
    const big = evalFile('anime_clips', 'clips', 'ks_tc_act3_rin.mp4');
    const threes = evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif');
    const first = area.probeClip({ path: big });
    const second = area.probeClip({ path: threes });
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
    // The one dropped last is measured in full, and the first, asked for again, is probed afresh (not a kept cancellation).
    expect((await second).drawing).toMatchObject({ framesPerDrawing: 3 });
    const again = await area.probeClip({ path: big });
    expect(again.durationS).toBeGreaterThan(1);
    // Cached probes too: a clip whose probe is kept still has its cadence measure stopped.
    const cachedFirst = expect(area.probeClip({ path: big })).rejects.toMatchObject({ code: 'CANCELLED' });
    await area.probeClip({ path: threes });
    await cachedFirst;
  });

  it('previews a frame cut out as the sticker cuts it, and with Keep / Remove strokes', async () => {
    const engine = startEngine({ modelsDirs: [join(REPO_ROOT, 'resources', 'models')], manifestPath: join(REPO_ROOT, 'resources', 'models', 'manifest.json'), tempDir: tempDir() }, { mode: 'in-process', log: () => undefined });
    const area = createStickersArea({ engine } as ApiDeps);
    const alphaOf = async (png: Uint8Array) => {
      const { data, info } = await sharp(Buffer.from(png)).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(4);
      return Float32Array.from({ length: info.width * info.height }, (_, i) => data[i * 4 + 3] / 255);
    };
    const plain = await area.previewStickerFrame({ path: clip });
    expect(plain).toMatchObject({ mime: 'image/png', width: 320, height: 320, modelId: 'anime-seg', subject: 'anime', provider: 'cpu', hasSubject: true });
    // The first frame of the sticker at its default size has the same alpha (8-bit rounding apart).
    const sticker = await prepareSticker(clip, { fps: 12 }, testEnv());
    const alpha = await alphaOf(plain.bytes);
    expect(Math.max(...alpha.map((a, i) => Math.abs(a - sticker.rawAlphas[0][i])))).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(plain.unsureShare).toBeCloseTo(unsureShare(sticker.rawAlphas[0], 320, 320), 6);
    // A Remove stroke down the left quarter and a Keep dab in the middle hold in the preview.
    const strokes: StickerStroke[] = [
      { mode: 'bg', size: 0.25, points: [{ x: 0.125, y: 0 }, { x: 0.125, y: 1 }] },
      { mode: 'fg', size: 0.1, points: [{ x: 0.5, y: 0.5 }] },
    ];
    const touched = await alphaOf((await area.previewStickerFrame({ path: clip, options: { strokes } })).bytes);
    const hint = stickerHintMap(strokes, 320, 320)!;
    expect(touched.every((a, i) => (hint[i] === 0 ? a === 0 : hint[i] === 255 ? a === 1 : Math.abs(a - alpha[i]) < 1e-6))).toBe(true);
    // The model's part is kept per frame: strokes do not stick to it, and another frame is segmented anew.
    expect(await alphaOf((await area.previewStickerFrame({ path: clip })).bytes)).toEqual(alpha);
    const later = await alphaOf((await area.previewStickerFrame({ path: clip, timeS: 1 })).bytes);
    expect(later.some((a, i) => Math.abs(a - alpha[i]) > 0.1)).toBe(true);
    // A Remove stroke over the whole frame leaves nothing: the preview says so.
    const gone = await area.previewStickerFrame({ path: clip, options: { strokes: [{ mode: 'bg', size: 1, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 1, y: 0 }, { x: 0, y: 1 }] }] } });
    expect(gone.hasSubject).toBe(false);
    await expect(area.previewStickerFrame({ path: clip, options: { strokes: [{ mode: 'bg', size: 5, points: [] }] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(area.previewStickerFrame({ path: clip, timeS: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.dispose();
  });

  it('previews the frame as the sticker shows it: a one-frame sticker written with the same controls is that frame', async () => {
    const engine = startEngine({ modelsDirs: [join(REPO_ROOT, 'resources', 'models')], manifestPath: join(REPO_ROOT, 'resources', 'models', 'manifest.json'), tempDir: tempDir() }, { mode: 'in-process', log: () => undefined });
    const area = createStickersArea({ engine } as ApiDeps);
    const rgbaOf = async (bytes: Uint8Array) => (await sharp(Buffer.from(bytes)).ensureAlpha().raw().toBuffer({ resolveWithObject: true })).data;
    const look = { format: 'gif' as const, maxSidePx: 240, outlinePx: 3, matte: '#1E1E1E', threshold: 0.6 };
    const { sticker: still } = await area.previewStickerFrame({ path: clip, options: look });
    expect(still).toMatchObject({ mime: 'image/png', format: 'gif' });
    const made = await renderSticker(await prepareSticker(clip, { ...look, fps: 12, durationS: 0.05 }, testEnv()), { ...look, fps: 12 });
    expect([made.frameCount, still.width, still.height]).toEqual([1, made.width, made.height]);
    const px = await rgbaOf(still.bytes);
    const gif = await rgbaOf(made.bytes);
    // GIF: the same 1-bit alpha, and the same colours up to the palette.
    expect(made.alphas[0].every((a, i) => px[i * 4 + 3] === a * 255)).toBe(true);
    let err = 0;
    let opaque = 0;
    for (let i = 0; i < made.alphas[0].length; i++) {
      if (!made.alphas[0][i]) continue;
      opaque++;
      for (let c = 0; c < 3; c++) err += Math.abs(px[i * 4 + c] - gif[i * 4 + c]);
    }
    expect(opaque).toBeGreaterThan(1000);
    expect(err / opaque / 3).toBeLessThan(4);
    // The edge colour shows in the still's edge; APNG keeps the soft alpha instead.
    const light = await rgbaOf((await area.previewStickerFrame({ path: clip, options: { ...look, matte: '#FFFFFF', outlinePx: 0 } })).sticker.bytes);
    const dark = await rgbaOf((await area.previewStickerFrame({ path: clip, options: { ...look, outlinePx: 0 } })).sticker.bytes);
    const brighter = Array.from({ length: light.length / 4 }, (_, i) => light[i * 4] - dark[i * 4]).filter((d) => d > 20).length;
    expect(brighter).toBeGreaterThan(50);
    const apng = await area.previewStickerFrame({ path: clip, options: { ...look, format: 'apng' } });
    const soft = await rgbaOf(apng.sticker.bytes);
    expect(apng.sticker.format).toBe('apng');
    expect(Array.from({ length: soft.length / 4 }, (_, i) => soft[i * 4 + 3]).filter((a) => a > 0 && a < 255).length).toBeGreaterThan(100);
    await expect(area.previewStickerFrame({ path: clip, options: { ...look, padding: 2 } as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.dispose();
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
