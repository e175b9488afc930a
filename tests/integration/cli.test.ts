// The `cutout` CLI as a user runs it: one error line with the code and a non-zero exit;
// portrait for one file and for a folder of outputs; models listing.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_MODELS_DIR, evalFile, tempDir } from '../helpers/env';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'cutout.mjs');

async function cutout(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR, CUTOUT_CACHE_DIR: tempDir(), ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cutout CLI', () => {
  it('cuts out two portraits into a folder and one into a file', async () => {
    const out = tempDir();
    const r = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), evalFile('id_portraits', 'images', 'df_img2.jpg'), '-o', out, '--bg', '#438EDB', '--provider', 'cpu']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'hv_test1_cutout.png'))).toBe(true);
    expect(existsSync(join(out, 'df_img2_cutout.png'))).toBe(true);
    expect(r.stdout).toMatch(/mediapipe-selfie on cpu/);
  });

  it('prints one line CODE: message and exits non-zero on errors', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.jpg');
    writeFileSync(text, 'hello');
    const bad = await cutout(['portrait', text, '-o', join(dir, 'o.png')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^INPUT_UNSUPPORTED: .*notes\.jpg/);

    const provider = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(dir, 'o.png'), '--provider', 'tpu']);
    expect(provider.code).toBe(1);
    expect(provider.stderr).toMatch(/^PROVIDER_UNKNOWN: /);

    const missing = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(dir, 'o.png')], { CUTOUT_MODELS_DIR: tempDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^MODEL_MISSING: Model file portrait_selfie_segmentation_mediapipe_256x256\.onnx/);
    expect(existsSync(join(dir, 'o.png'))).toBe(false);
  });

  it('refuses to overwrite the input', async () => {
    const dir = tempDir();
    const input = join(dir, 'me.png');
    writeFileSync(input, Buffer.from('x'));
    const r = await cutout(['portrait', input, '-o', input]);
    expect(r.stderr).toMatch(/^OUTPUT_EXISTS: /);
  });

  it('lists and verifies the models', async () => {
    const r = await cutout(['models', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; state: string }[];
    expect(list.find((m) => m.id === 'yunet')?.state).toBe('ok');
    expect(list.find((m) => m.id === 'isnetis')?.state).toBe('missing');
  });

  it('batch-exports ID photos with a print sheet beside each, and refuses a sheet outside idphoto mode', async () => {
    const input = tempDir();
    const out = tempDir();
    writeFileSync(join(input, 'a.jpg'), readFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg')));
    const r = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--spec', 'cn-1inch', '--sheet', '6inch', '--dpi', '300', '--bg', 'blue', '-q']);
    expect(r.code).toBe(0);
    expect((await sharp(join(out, 'a.jpg')).metadata()).width).toBe(295);
    const sheet = await sharp(join(out, 'a_sheet.jpg')).metadata();
    expect([sheet.width, sheet.height, sheet.density]).toEqual([1200, 1800, 300]);
    const wrong = await cutout(['batch', input, '-o', tempDir(), '--mode', 'portrait', '--sheet', '6inch']);
    expect(wrong.stderr).toMatch(/^INVALID_ARGUMENT: --sheet goes with --mode idphoto/);
  });
});
