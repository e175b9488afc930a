// A talking character on a held drawing: only its mouth opens and shuts (made by the test from an
// eval picture, x264 as a clip would be). The 1/64th-block repeat test averaged the mouth away and
// the sticker held its first frame throughout (1 frame, 24 repeated); its frames now follow the mouth.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareSticker } from '../../src/main/core/sticker/make-sticker';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { evalFile, tempDir, testEnv } from '../helpers/env';

describe('a held drawing whose mouth moves', () => {
  it('is not taken for a repeat: the sticker\'s frames open and shut the mouth as the clip does', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const shut = join(dir, 'shut.png');
    const open = join(dir, 'open.png');
    // ks_misha_hips_smile is 1000x600; her mouth is about 14x9 px at (472, 231).
    await sharp(evalFile('anime_cutout', 'images', 'ks_misha_hips_smile.jpg')).png().toFile(shut);
    const mouth = await sharp({ create: { width: 14, height: 9, channels: 3, background: '#7a2a2a' } }).png().toBuffer();
    // (Both of one pixel format: the concat demuxer stopped at the first change of it.)
    await sharp(shut).composite([{ input: mouth, left: 472, top: 231 }]).removeAlpha().png().toFile(open);
    const list = join(dir, 'talk.txt');
    writeFileSync(list, Array.from({ length: 8 }, (_, i) => `file '${i % 2 ? open : shut}'\nduration 0.25\n`).join('') + `file '${shut}'\n`);
    const clip = join(dir, 'talk.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-vf', 'fps=24,format=yuv420p', '-c:v', 'libx264', '-crf', '16', clip]);

    const p = await prepareSticker(clip, { fps: 12, durationS: 2 }, testEnv());
    const { width: W, height: H } = p.plan;
    // The mouth's green in each frame the sticker holds, as decoded and as its colours.
    const [x0, x1, y0, y1] = [Math.floor((474 / 1000) * W), Math.ceil((484 / 1000) * W), Math.floor((233 / 600) * H), Math.ceil((238 / 600) * H)];
    const green = (d: Uint8Array): number => {
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += d[(y * W + x) * 4 + 1];
      return sum / ((y1 - y0) * (x1 - x0));
    };
    const isOpen = (d: Uint8Array): boolean => green(d) < 150;
    const decoded = p.frames.map((f) => isOpen(f.data));
    const shown = p.foregrounds.map(isOpen);
    // The clip's mouth: shut and open in turn, three frames each at 12 fps.
    expect(decoded.filter(Boolean).length).toBeGreaterThanOrEqual(9);
    expect(decoded.filter((o) => !o).length).toBeGreaterThanOrEqual(9);
    // The sticker shows it as the clip does, frame for frame; the frames in between are still held.
    expect(shown).toEqual(decoded);
    expect(p.repeatedFrames).toBeGreaterThan(p.frames.length / 2);
  });
});
