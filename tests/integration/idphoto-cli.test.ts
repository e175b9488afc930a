// `cutout idphoto` end to end through the CLI entry: spec list, a photo + JSON report + PNG sheet,
// and a refusal code on stderr with a non-zero exit.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { evalFile, REPO_ROOT, SHARED_MODELS_DIR, tempDir } from '../helpers/env';

const run = promisify(execFile);
const env = { ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR };
const cli = join(REPO_ROOT, 'bin', 'cutout.mjs');

describe('cutout idphoto', () => {
  it('lists the specs', async () => {
    const { stdout } = await run(process.execPath, [cli, 'idphoto', '--list-specs'], { env });
    expect(stdout).toMatch(/^cn-id-card\s/m);
    expect(stdout.trim().split('\n').length).toBeGreaterThanOrEqual(25);
  });

  it('writes the photo, the JSON report and a 6-inch sheet', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const out = join(dir, 'one.jpg');
    const report = join(dir, 'one.json');
    await run(process.execPath, [cli, 'idphoto', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '--spec', 'cn-1inch', '--bg', 'blue', '-o', out, '--report', report, '--sheet', '6inch', '--dpi', '300'], { env });
    expect(await sharp(out).metadata()).toMatchObject({ width: 295, height: 413, density: 300 });
    const r = JSON.parse(await readFile(report, 'utf8'));
    expect(r.specId).toBe('cn-1inch');
    expect(r.measurements.crownChinMm).toMatchObject({ unit: 'mm', min: 24, max: 28, pass: true });
    // The matte check: mediapipe-selfie's calibrated threshold (0.08) as a % band; this portrait is clean.
    expect(r.measurements.matteUnsurePct).toMatchObject({ unit: '%', min: null, max: 8, pass: true });
    expect(r.measurements.matteUnsurePct.value).toBeLessThan(2);
    expect(typeof r.pass).toBe('boolean');
    const sheet = await sharp(join(dir, 'one_sheet.png')).metadata();
    // 4x6 in at 300 dpi.
    expect([sheet.width, sheet.height].sort()).toEqual([1200, 1800]);
    expect(sheet.density).toBe(300);
  });

  it('exits non-zero with the code for a picture without a face', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const flat = join(dir, 'flat.png');
    await sharp({ create: { width: 300, height: 300, channels: 3, background: '#88aa44' } }).png().toFile(flat);
    const err = await run(process.execPath, [cli, 'idphoto', flat, '--spec', 'icao-35x45', '-o', join(dir, 'x.jpg')], { env }).catch((e) => e);
    expect(err.code).not.toBe(0);
    expect(String(err.stderr)).toMatch(/NO_FACE/);
  });
});
