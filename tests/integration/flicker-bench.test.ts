// The flicker table's tool (bench/flicker-table.ts, docs/quality.md): each stability is measured
// over the same frames, a sticker's empty ends counted as empty, and a clip in which no sticker
// finds anyone measures 0 for the GIF instead of stopping the table.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLICKER_USAGE, flickerByStability, main as flickerMain } from '../../bench/flicker-table';
import { prepareSticker } from '../../src/main/core/sticker/make-sticker';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { evalFile, tempDir, testEnv } from '../helpers/env';

describe('npm run flicker', () => {
  const env = testEnv();
  const options = { model: 'anime', fps: 12, maxSidePx: 160 };

  it('says its options with --help, and a wrong one as a usage error pointing there (it printed a stack trace)', async () => {
    const said: string[] = [];
    await flickerMain(['--help'], (t) => said.push(t));
    expect(said).toEqual([FLICKER_USAGE]);
    expect(FLICKER_USAGE).toMatch(/^npm run flicker -- .*--stability 0\.5,0\.8/);
    await expect(flickerMain(['--bogus'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: "Unknown option '--bogus' (npm run flicker -- --help says its options)" });
    // A set, a number or a saved table that is not there is said with its code (ENOENT's stack, or a run on NaN).
    await expect(flickerMain(['--set', 'no_such_set'])).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: expect.stringMatching(/^No clips folder .*no_such_set[\\/]clips: --set names a folder/) });
    await expect(flickerMain(['--stability', 'abc'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: '--stability abc is not a number it takes (npm run flicker -- --help)' });
    await expect(flickerMain(['--seconds', '0'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const dir = tempDir();
    await expect(flickerMain(['--from', join(dir, 'missing.json')])).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    writeFileSync(join(dir, 'other.json'), '{"a": 1}');
    await expect(flickerMain(['--from', join(dir, 'other.json')])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/is not a table that --json wrote$/) });
    // A table --json wrote is printed again, to the output given.
    writeFileSync(join(dir, 'table.json'), JSON.stringify({ set: 'anime_clips', stabilities: [0, 0.5], rows: [{ clip: 'a.mp4', frames: 12, soft: { 0: 4, 0.5: 2 }, gif: { 0: 6, 0.5: 3 }, dimmed: { 0: 0, 0.5: 10 } }] }));
    const table: string[] = [];
    await flickerMain(['--from', join(dir, 'table.json')], (t) => table.push(t));
    expect(table.join('')).toContain('| a | 12 | 4.00 | 2.00 | 6.00 | 3.00 |');
  });

  it('measures a clip whose character comes in halfway, and one with nobody in it', async () => {
    const dir = tempDir();
    const clip = (name: string, filter: string): string => {
      const out = join(dir, name);
      execFileSync(resolveFfmpeg().ffmpeg, [
        ...['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x8890a0:s=320x240:r=24:d=2', '-loop', '1', '-r', '24', '-i', evalFile('anime_cutout', 'fg', 'ks_misha_hips_smile.png')],
        ...['-filter_complex', `${filter},format=yuv420p`, '-c:v', 'libx264', '-preset', 'ultrafast', '-t', '2', out],
      ]);
      return out;
    };
    const halfway = await prepareSticker(clip('halfway.mp4', "[1:v]scale=-2:220[m];[0:v][m]overlay=y=10:x=100:shortest=1:enable='gte(t,1)'"), options, env);
    const [still, smooth] = await flickerByStability(halfway, options, [0, 0.8]);
    // Her coming in is one change of the GIF's alpha over 24 frames: about her share of the frame / 23.
    expect(still.gif).toBeGreaterThan(5);
    expect(smooth.gif).toBeGreaterThan(0);
    expect(smooth.soft).toBeLessThanOrEqual(still.soft);
    const nobody = await prepareSticker(clip('nobody.mp4', '[0:v]null'), options, env);
    expect((await flickerByStability(nobody, options, [0, 0.5])).map((f) => f.gif)).toEqual([0, 0]);
  });
});
