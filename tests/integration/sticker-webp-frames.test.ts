// A WebP sticker of a GIF that holds some drawings longer than others: the clip is decoded at its
// shortest frame's rate (a hold comes as repeated frames), and libwebp writes a repeated frame into
// the one before. The result says the file's own frames and delays, not the decoded ones.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeSticker } from '../../src/main/core/sticker/make-sticker';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { evalFile, tempDir, testEnv } from '../helpers/env';

const env = testEnv();

describe('WebP sticker of a clip with holds', () => {
  it('says the frames and delays the file holds: four drawings of 100 and 500 ms, not twelve frames', { timeout: 120_000 }, async () => {
    const dir = tempDir('cutout-webp-holds-');
    const side = 256;
    const drawings = await Promise.all(
      ['ks_akira_basic_lost.jpg', 'ks_emi_basic_closedhappy.jpg'].map((name) => sharp(evalFile('anime_cutout', 'images', name)).resize(side, side, { fit: 'cover' }).ensureAlpha().raw().toBuffer()),
    );
    const frames = [drawings[0], drawings[1], drawings[0], drawings[1]];
    const gif = join(dir, 'holds.gif');
    await sharp(Buffer.concat(frames), { raw: { width: side, height: side * frames.length, channels: 4, pageHeight: side } })
      .gif({ delay: [100, 500, 100, 500], loop: 0 })
      .toFile(gif);
    const out = join(dir, 'holds.webp');
    const r = await makeSticker(gif, out, { format: 'webp', maxSidePx: 200 }, env);
    const file = await sharp(out, { animated: true }).metadata();
    expect(r.frameCount).toBe(file.pages);
    expect(r.delaysMs).toEqual(file.delay);
    expect(r.frameCount).toBe(4);
    expect(r.delaysMs.reduce((a, b) => a + b, 0)).toBeCloseTo(1200, -1);
  });

  it('a clip whose frames are all alike is written as a still: said as one frame of the clip\'s length, not the frames taken', { timeout: 120_000 }, async () => {
    const dir = tempDir('cutout-webp-still-');
    const side = 256;
    const png = join(dir, 'drawing.png');
    await sharp(evalFile('anime_cutout', 'images', 'ks_akira_basic_lost.jpg')).resize(side, side, { fit: 'cover' }).png().toFile(png);
    // ffmpeg writes each of the six frames (a GIF writer that merges them would make a still clip),
    // on one palette of their own (its fixed palette's dither differs frame to frame).
    const gif = join(dir, 'still.gif');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', '-loop', '1', '-framerate', '10', '-t', '0.6', '-i', png, '-vf', 'split[a][b];[a]palettegen[p];[b][p]paletteuse', gif]);
    const out = join(dir, 'still.webp');
    const r = await makeSticker(gif, out, { format: 'webp', maxSidePx: 200 }, env);
    const file = await sharp(out, { animated: true }).metadata();
    expect(file.pages ?? 1).toBe(1);
    expect(r.frameCount).toBe(1);
    expect(r.delaysMs).toHaveLength(1);
    expect(r.delaysMs[0]).toBeCloseTo(600, -1);
  });
});
