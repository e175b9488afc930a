// A drawing held while only the background moves costs no more model runs than the background's
// changes: the frames after a change repeat the frame the model found holding the drawing, and
// are held without it. The real model runs; the test only counts its runs.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { prepareSticker } from '../../src/main/core/sticker/make-sticker';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { clipHolds, evalFile, tempDir, testEnv } from '../helpers/env';

vi.mock('../../src/main/core/segment/mask-model', async (original) => {
  const real = await original<typeof import('../../src/main/core/segment/mask-model')>();
  return { ...real, runMaskModel: vi.fn(real.runMaskModel) };
});

describe('a drawing held while only the background moves', () => {
  it('runs the model once a change of the background, not once a frame', async () => {
    // Misha still for 2 s at 24 fps, a box behind her moving 10 px every 4th frame (12 places), lossless.
    const clip = join(tempDir(), 'box.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x8890a0:s=480x300:r=24:d=2', '-f', 'lavfi', '-i', 'color=c=0x505860:s=40x40:r=24:d=2'],
      ...['-loop', '1', '-r', '24', '-i', evalFile('anime_cutout', 'fg', 'ks_misha_hips_smile.png')],
      ...['-filter_complex', "[2:v]scale=-2:260[m];[0:v][1:v]overlay=eval=frame:y=20:x='300+10*floor(n/4)'[b];[b][m]overlay=y=30:x=40:shortest=1,format=yuv420p"],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-t', '2', clip],
    ]);
    const runs = vi.mocked(runMaskModel);
    runs.mockClear();
    // The clip's whole frames hold each picture 4 frames: made as drawn, and she is one drawing, 2 s.
    const prepared = await prepareSticker(clip, { maxSidePx: 160 }, testEnv());
    expect(prepared.holds).toEqual([48]);
    // One run a picture of the clip (her first frame, then each place of the box), not one a frame.
    // (Runs at other sizes: the first frame seen small, to size the work, is not counted.)
    const pictures = clipHolds(clip).length;
    expect(pictures).toBeGreaterThanOrEqual(12);
    expect(pictures).toBeLessThanOrEqual(13);
    const { width } = prepared.frames[0];
    expect(runs.mock.calls.filter(([image]) => image.width === width).length).toBe(pictures);
  });
});
