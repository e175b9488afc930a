// The `cutout` CLI as a user runs it: one error line with the code and a non-zero exit;
// portrait for one file and for a folder of outputs; models listing; eval with pooled IoU.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isProviderInstalled } from '../../src/main/core/inference/execution-providers';
import { runJob } from '../../src/main/engine/run-job';
import { workingPixelsOf } from '../../src/main/core/image/decode';
import { gifEdgeLevel } from '../helpers/animation';
import { REPO_ROOT, SHARED_DIR, SHARED_MODELS_DIR, evalFile, greyClip, maskAlphaDifferences, reviewFrame, tempDir, testEnv } from '../helpers/env';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'cutout.mjs');

async function cutout(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR, CUTOUT_CACHE_DIR: tempDir(), ...env }, ...(cwd ? { cwd } : {}) });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cutout CLI', () => {
  it('runs ONNX Runtime with its telemetry off: no mat-debug log left in the temp folder', async () => {
    // ONNX Runtime on its own (1.29 on, Linux) starts its telemetry and leaves mat-debug-PID.log
    // in TMPDIR; the app sets ORT_DISABLE_TELEMETRY before the library loads.
    // ONNX Runtime also stays quiet under a CI service (CI, GITHUB_ACTIONS, JENKINS_URL … set), as
    // on the project's CI: all three runs get a plain user's environment, without the setting.
    const withoutSetting = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8' };
    const bare = tempDir();
    await run(process.execPath, ['-e', `require(${JSON.stringify(join(REPO_ROOT, 'node_modules', 'onnxruntime-node'))}).InferenceSession.create(${JSON.stringify(join(SHARED_MODELS_DIR, 'portrait_sinet_softmax_320x320.onnx'))}, { logSeverityLevel: 4 })`], { env: { ...withoutSetting, TMPDIR: bare } });
    const isTelemetryBuild = readdirSync(bare).some((f) => f.startsWith('mat-debug-'));
    // Pinned onnxruntime-node 1.30.0 does: a newer one that stops needs this test looked at again.
    expect(isTelemetryBuild).toBe(true);
    const ours = tempDir();
    await run(process.execPath, [BIN, 'portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(ours, 'o.png'), '--refine', 'off'], {
      env: { ...withoutSetting, TMPDIR: ours, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR, CUTOUT_CACHE_DIR: tempDir() },
    });
    // (tsx, which runs the CLI from source, keeps its cache there too.)
    expect(readdirSync(ours).filter((f) => f !== 'o.png' && !f.startsWith('tsx-'))).toEqual([]);
    expect(existsSync(join(ours, 'o.png'))).toBe(true);
    // The app and `cutout serve` run ONNX Runtime in the engine's worker thread, whose own
    // process.env the native library never reads: the host sets it before starting the worker.
    const hosted = tempDir();
    const script = join(hosted, 'run-engine.mjs');
    writeFileSync(
      script,
      `import { startEngine } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src', 'main', 'engine', 'host.ts')).href)};
const engine = startEngine({ modelsDirs: [${JSON.stringify(SHARED_MODELS_DIR)}], manifestPath: ${JSON.stringify(join(REPO_ROOT, 'resources', 'models', 'manifest.json'))}, tempDir: ${JSON.stringify(join(hosted, 'engine'))} }, { mode: 'worker', log: () => undefined });
await engine.call('runJob', { kind: 'cutout', input: ${JSON.stringify(evalFile('id_portraits', 'images', 'hv_test1.jpg'))}, output: ${JSON.stringify(join(hosted, 'w.png'))}, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off' } });
await engine.dispose();`,
    );
    await run(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env: { ...withoutSetting, TMPDIR: hosted } });
    expect(existsSync(join(hosted, 'w.png'))).toBe(true);
    expect(readdirSync(hosted).filter((f) => f.startsWith('mat-debug-'))).toEqual([]);
  });

  it('cuts out two portraits into a folder and one into a file', async () => {
    const out = tempDir();
    const r = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), evalFile('id_portraits', 'images', 'df_img2.jpg'), '-o', out, '--bg', '#438EDB', '--provider', 'cpu']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'hv_test1_cutout.png'))).toBe(true);
    expect(existsSync(join(out, 'df_img2_cutout.png'))).toBe(true);
    expect(r.stdout).toMatch(/mediapipe-selfie on cpu/);
    expect(r.stdout).not.toMatch(/written over/);
    // Run again into the same folder: the outputs there are written over, and said to be (it was unsaid).
    const again = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), evalFile('id_portraits', 'images', 'df_img2.jpg'), '-o', out, '--refine', 'off']);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n')).toEqual([expect.stringMatching(/hv_test1_cutout\.png \(.*, written over the file there\)$/), expect.stringMatching(/df_img2_cutout\.png \(.*, written over the file there\)$/)]);
    // A file named twice (however written) is cut out once, and said: it was made twice, the second as NAME-2.
    const twice = tempDir();
    const image = evalFile('id_portraits', 'images', 'df_img2.jpg');
    const repeated = await cutout(['portrait', image, join(dirname(image), '.', basename(image)), '-o', twice, '--refine', 'off']);
    expect([repeated.code, repeated.stderr.trim()]).toEqual([0, `note: ${image} is given twice: made once`]);
    expect(readdirSync(twice)).toEqual(['df_img2_cutout.png']);
    expect(repeated.stdout.trim().split('\n')).toHaveLength(1);
    // A link there is replaced, not what it points to, and the line says that.
    const kept = join(out, 'kept.png');
    writeFileSync(kept, 'a file of the user');
    symlinkSync(kept, join(out, 'linked.png'));
    const linked = await cutout(['portrait', evalFile('id_portraits', 'images', 'df_img2.jpg'), '-o', join(out, 'linked.png'), '--refine', 'off']);
    expect(linked.stdout).toMatch(/linked\.png \(.*, in place of the link there \(what it pointed to is kept\)\)$/m);
    expect(readFileSync(kept, 'utf8')).toBe('a file of the user');
    // Into a folder that cannot be made (under a file): said as such before any work (it read INTERNAL: mkdir).
    const blocker = join(out, 'notes.txt');
    writeFileSync(blocker, 'a file');
    const blocked = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), evalFile('id_portraits', 'images', 'df_img2.jpg'), '-o', join(blocker, 'sub')]);
    expect([blocked.code, blocked.stderr.trim()]).toEqual([1, `OUTPUT_NOT_WRITABLE: Cannot write ${join(blocker, 'sub')}: ${blocker} is a file, not a folder.`]);
    // A picture with a long name (a title, 83 Chinese characters: 249 bytes) into a folder, alone and in
    // a batch: its output's name is cut to fit (its "_cutout.png" was refused as too long).
    const titled = join(tempDir(), `${'长'.repeat(83)}.jpg`);
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), titled);
    const long = await cutout(['portrait', titled, '-o', join(out, 'long') + sep, '--refine', 'off']);
    const batchLong = await cutout(['batch', titled, '-o', join(out, 'long-batch'), '--refine', 'off']);
    expect([long.code, long.stderr, batchLong.code]).toEqual([0, '', 0]);
    for (const folder of ['long', 'long-batch']) {
      const [made] = readdirSync(join(out, folder)).filter((n) => n.endsWith('.png'));
      expect(made, folder).toMatch(/^长{70,}_cutout\.png$/);
      expect(Buffer.byteLength(made)).toBeLessThanOrEqual(255);
    }
  });

  it('--mask writes the matte alone, a greyscale PNG (NAME_mask.png into a folder); with --bg, another type or --quality it is a wrong command line', async () => {
    const dir = tempDir();
    const inputs = ['hv_test2.jpg', 'df_img2.jpg'].map((f) => evalFile('id_portraits', 'images', f));
    const r = await cutout(['anime', ...inputs, '-o', dir, '--mask', '--refine', 'off']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hv_test2\.jpg -> \S+hv_test2_mask\.png \(mask \d+x\d+, /);
    for (const name of ['hv_test2_mask.png', 'df_img2_mask.png']) {
      const meta = await sharp(join(dir, name)).metadata();
      expect([meta.format, meta.channels, meta.space], name).toEqual(['png', 1, 'b-w']);
    }
    const one = await cutout(['portrait', inputs[0], '-o', join(dir, 'one'), '--mask', '--refine', 'off']);
    expect(one.code).toBe(0);
    expect((await sharp(join(dir, 'one.png')).metadata()).channels).toBe(1);
    // One input into a folder is named as several are (NAME_cutout.png, NAME_mask.png).
    const folder = tempDir();
    expect((await cutout(['portrait', inputs[0], '-o', folder, '--refine', 'off'])).code).toBe(0);
    expect((await cutout(['portrait', inputs[0], '-o', folder, '--mask', '--refine', 'off'])).code).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['hv_test2_cutout.png', 'hv_test2_mask.png']);
    // Into its own folder: photo.png beside photo.jpg, another picture, is not written over (it
    // was, as photo.jpg's NAME.png), and a PNG input is cut out (it was refused as the output).
    const own = tempDir();
    copyFileSync(inputs[0], join(own, 'photo.jpg'));
    copyFileSync(inputs[1], join(own, 'photo.png'));
    const theirs = readFileSync(join(own, 'photo.png'));
    expect((await cutout(['portrait', join(own, 'photo.jpg'), '-o', own, '--refine', 'off'])).code).toBe(0);
    expect((await cutout(['portrait', join(own, 'photo.png'), '-o', own, '--refine', 'off'])).code).toBe(0);
    expect(readFileSync(join(own, 'photo.png')).equals(theirs)).toBe(true);
    expect(readdirSync(own).sort()).toEqual(['photo.jpg', 'photo.png', 'photo_cutout.png']);
    for (const [args, message] of [
      [['--bg', 'white'], '--mask writes the matte alone: --bg does not go with it'],
      [['--format', 'jpg'], '--mask writes a PNG (8-bit grey, lossless): --format png, or leave --format out'],
      [['--quality', '80'], '--quality is for JPEG and WebP; --mask writes a lossless PNG'],
    ] as const) {
      const bad = await cutout(['portrait', inputs[0], '-o', join(dir, 'bad.png'), '--mask', ...args]);
      expect([bad.code, bad.stderr.trim()]).toEqual([2, `INVALID_ARGUMENT: ${message}`]);
    }
    const jpg = await cutout(['portrait', inputs[0], '-o', join(dir, 'bad.jpg'), '--mask']);
    expect([jpg.code, jpg.stderr.trim()]).toEqual([2, `INVALID_ARGUMENT: A mask is written as a PNG (8-bit grey, lossless): name it .png, not .jpg (${join(dir, 'bad.jpg')})`]);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('batch --mask writes each cut-out\'s matte beside the cut-outs of the same folder (NAME_mask.png): their alpha, byte for byte', async () => {
    const input = tempDir();
    const out = tempDir();
    for (const f of ['hv_test2.jpg', 'df_img2.jpg']) copyFileSync(evalFile('id_portraits', 'images', f), join(input, f));
    expect((await cutout(['batch', input, '-o', out, '--refine', 'off', '-q'])).code).toBe(0);
    const masks = await cutout(['batch', input, '-o', out, '--mask', '--refine', 'off', '-q']);
    expect(masks.code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.png')).sort()).toEqual(['df_img2_cutout.png', 'df_img2_mask.png', 'hv_test2_cutout.png', 'hv_test2_mask.png']);
    for (const stem of ['df_img2', 'hv_test2']) {
      expect((await sharp(join(out, `${stem}_mask.png`)).metadata()).channels).toBe(1);
      expect(await maskAlphaDifferences(join(out, `${stem}_mask.png`), join(out, `${stem}_cutout.png`)), stem).toBe(0);
    }
    // Resumed, the masks are done: skipped, not redone as cut-outs.
    const again = await cutout(['batch', input, '-o', out, '--mask', '--refine', 'off', '--resume']);
    expect(again.stdout).toMatch(/^0 done, 2 skipped, 0 failed of 2/m);
    // Without --resume they are made again, and said so before the first is (said at the end, a
    // Ctrl+C before it left it unsaid), even with -q.
    const redo = await cutout(['batch', input, '-o', out, '--mask', '--refine', 'off', '-q']);
    expect(redo.stderr.split('\n')[0]).toBe(`note: 2 files of this batch were done before into ${out} with these options, and are made again: stop it (Ctrl+C) and add --resume to skip them`);
    for (const [args, message] of [
      [['--mode', 'idphoto'], '--mask goes with --mode portrait or anime'],
      [['--bg', 'white'], '--mask writes the matte alone: --bg does not go with it'],
      [['--format', 'webp'], '--mask writes a PNG (8-bit grey, lossless): --format png, or leave --format out'],
    ] as const) {
      const bad = await cutout(['batch', input, '-o', tempDir(), '--mask', ...args]);
      expect([bad.code, bad.stderr.trim()]).toEqual([2, `INVALID_ARGUMENT: ${message}`]);
    }
  });

  it('--format names the file type (a name without an extension gets it, a clashing one is refused); --quality sets JPEG quality; CUTOUT_PROVIDER that cannot start is noted', async () => {
    const dir = tempDir();
    const input = evalFile('id_portraits', 'images', 'hv_test2.jpg');
    const clash = await cutout(['portrait', input, '-o', join(dir, 'x.png'), '--format', 'jpg', '--refine', 'off']);
    expect([clash.code, clash.stderr.trim()]).toEqual([2, `INVALID_ARGUMENT: -o ${join(dir, 'x.png')} names another file type than --format jpg: name it .jpg, or leave --format out`]);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
    expect((await cutout(['portrait', input, '-o', join(dir, 'bare'), '--format', 'webp', '--refine', 'off'])).code).toBe(0);
    expect((await sharp(join(dir, 'bare.webp')).metadata()).format).toBe('webp');
    const sizes: number[] = [];
    for (const quality of ['40', '95']) {
      const r = await cutout(['portrait', input, '-o', join(dir, `q${quality}.jpg`), '--bg', 'white', '--quality', quality, '--refine', 'off'], { CUTOUT_PROVIDER: 'cuda' });
      expect(r.code).toBe(0);
      if (!/ on cuda,/.test(r.stdout)) expect(r.stderr.trim()).toBe(`note: CUTOUT_PROVIDER=cuda could not start here${isProviderInstalled('cuda') ? '' : " (ONNX Runtime's CUDA libraries are not installed: see README, GPU)"}; ran on cpu`);
      sizes.push(readFileSync(join(dir, `q${quality}.jpg`)).length);
    }
    expect(sizes[0]).toBeLessThan(sizes[1] * 0.6);
    const bad = await cutout(['portrait', input, '-o', join(dir, 'q.jpg'), '--quality', '0']);
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --quality must be a whole number 1..100, got "0"']);
    // A transparent cut-out to a .jpg is a JPEG (on white), which takes --quality: no note that it
    // does not; the white is said (it was unsaid, --bg transparent asked for too).
    const jpeg = await cutout(['portrait', input, '-o', join(dir, 'plain.jpg'), '--quality', '50', '--refine', 'off']);
    const onWhite = 'note: a JPEG has no transparency: the cut-out is put on white (write .png or .webp to keep it transparent, or pass --bg for another colour)';
    expect([jpeg.code, jpeg.stderr.trim()]).toEqual([0, onWhite]);
    const asked = await cutout(['portrait', input, '-o', join(dir, 'asked.jpg'), '--bg', 'transparent', '--refine', 'off']);
    expect([asked.code, asked.stderr.trim()]).toEqual([0, onWhite]);
    const corner = await sharp(join(dir, 'asked.jpg')).extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer();
    expect([...corner].every((v) => v >= 250)).toBe(true);
    const blue = await cutout(['portrait', input, '-o', join(dir, 'blue.jpg'), '--bg', 'blue', '--refine', 'off']);
    expect([blue.code, blue.stderr]).toEqual([0, '']);
    const png = await cutout(['portrait', input, '-o', join(dir, 'plain.png'), '--quality', '50', '--refine', 'off']);
    expect([png.code, png.stderr.trim()]).toEqual([0, 'note: --quality is for JPEG and WebP; a PNG is lossless and does not use it']);
    // Counts out of range are a wrong command line (exit 2), said before any work.
    for (const [args, said] of [
      // A mode in any case is taken (it is the --jobs that is refused), as --format is; an unknown one is said.
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'Sticker', '--jobs', '0'], '--jobs must be a whole number from 1 to 64, got 0'],
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'photos'], '--mode must be one of portrait, anime, idphoto, sticker, got "photos"'],
      [['eval', '--set', evalFile('ccp_person'), '--task', 'cats'], '--task must be person or anime, got "cats"'],
      [['sticker', input, '-o', join(dir, 's.gif'), '--format', 'mp4'], '--format must be one of gif, webp, apng, webm, got "mp4"'],
      [['portrait', input, '-o', join(dir, 't.png'), '--threads=-1'], '--threads must be a whole number from 1 to 256, got -1'],
      [['eval', '--set', evalFile('ccp_person'), '--limit', '0'], '--limit must be a whole number of at least 1, got 0'],
      // --refine's value, in any case, as --format's (a wrong one exited 1, as an engine error); a
      // word a command takes no word for (it was INTERNAL, exit 1).
      [['portrait', input, '-o', join(dir, 'r.png'), '--refine', 'sharp'], '--refine must be off, fast or full, got "sharp"'],
      // A threshold in hex (it was taken as 1), as every other number flag refuses it.
      [['training-data', input, '-o', join(dir, 'td'), '--threshold', '0x1'], '--threshold must be a number, got "0x1"'],
      // A trimap with no refinement to solve it (the model's mask was written, the trimap unused, unsaid).
      [['portrait', input, '-o', join(dir, 't.png'), '--trimap', input, '--refine', 'off'], '--trimap is solved by the edge refinement: use --refine fast or full with it, not off'],
      [['batch', input, '-o', join(dir, 'b'), '--refine', 'FULL', '--jobs', '0'], '--jobs must be a whole number from 1 to 64, got 0'],
      [['models', 'stray'], "Unexpected argument 'stray'. This command does not take positional arguments; see `cutout models --help`"],
      // A benchmark section that is none (it ran nothing and wrote an empty latest.json over the results).
      [['bench', '--only', 'portait', '--no-docs'], '--only names no section "portait": the sections are anime, batch, decode, dither, foreground, idphoto, matting, palette, portrait, progress, shell, sticker, ui'],
      // A background or an output type the command does not take, as the help says (they exited 1).
      [['portrait', input, '-o', join(dir, 'g.png'), '--bg', 'green'], '"green" is not a background: use transparent, a colour (white, blue, red, #RRGGBB) or a picture (.jpg, .png, .webp ...)'],
      [['portrait', input, '-o', join(dir, 'x.bmp')], 'Cannot write .bmp images; use .png, .jpg or .webp'],
      // A name pasted with a space after it (it read "Cannot write .png  images").
      [['portrait', input, '-o', join(dir, 'x.png ')], 'Cannot write ".png " (the name ends in a space) images; use .png, .jpg or .webp'],
      [['batch', input, '-o', join(dir, 'b'), '--bg', 'green'], '"green" is not a background: use transparent, a colour (white, blue, red, #RRGGBB) or a picture (.jpg, .png, .webp ...)'],
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--bg', join(dir, 'sky.png')], 'An ID photo needs a background colour (white, blue, red, grey or #RRGGBB), not a picture'],
      [['batch', input, '-o', join(dir, 'b'), '--kb', '20-50'], '--kb goes with --mode idphoto'],
      // Flags a mode does not use are refused (they were taken unsaid, the files made as without them).
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'sticker', '--bg', 'red'], '--bg is not used by --mode sticker'],
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'sticker', '--refine', 'full'], '--refine is not used by --mode sticker'],
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--model', 'sinet'], '--model is not used by --mode idphoto: ID photos are cut out with the person model their checks are measured with'],
      [['batch', input, '-o', join(dir, 'b'), '--spec', 'us-2x2'], '--spec goes with --mode idphoto'],
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--sheet', 'nope'], 'Unknown paper "nope": use 6inch, 4r, 5inch, 3r, 5r, a4, a5, letter, or WxH in mm (90x60), cm (9x13cm) or inches (4x6, 5x7in)'],
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--sheet', 'a4', '--dpi', '5'], 'Print sheet dpi must be a whole number from 72 to 1200, got 5'],
      // A paper the photo does not fit on: each file's photo was made and written, then the file failed.
      [['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--spec', 'icao-35x45', '--sheet', '30x40mm'], 'A 35x45 mm photo does not fit on 30x40 mm paper (3 mm margins): pick a larger paper'],
    ] as const) {
      const r = await cutout([...args]);
      expect([r.code, r.stderr.trim()]).toEqual([2, `INVALID_ARGUMENT: ${said}`]);
    }
    // A file written at the end that cannot be (a folder named) is said before the work, which was lost.
    mkdirSync(join(dir, 'a-folder'));
    for (const args of [['eval', '--set', evalFile('ccp_person'), '--json', join(dir, 'a-folder')], ['idphoto', input, '-o', join(dir, 'id.jpg'), '--report', join(dir, 'a-folder')]]) {
      const r = await cutout(args);
      expect([r.code, r.stdout, r.stderr.trim()]).toEqual([1, '', `OUTPUT_NOT_WRITABLE: Cannot write ${join(dir, 'a-folder')}: it is a folder, not a file; move or rename it, or write to another name.`]);
    }
    expect(existsSync(join(dir, 'id.jpg'))).toBe(false);
    // One output file whose folder cannot be made: said before the picture is read (a picture not
    // one says so second), as several into a folder were (a read-only folder was found after the
    // work). Under /proc, Node's recursive mkdir never returned: the command hung at 100 % CPU.
    writeFileSync(join(dir, 'a-file'), 'x');
    writeFileSync(join(dir, 'not-a-picture.jpg'), 'x');
    for (const [command, out] of [['portrait', join(dir, 'a-file', 'o.png')], ['anime', join(dir, 'a-file', 'o.png')], ['idphoto', join(dir, 'a-file', 'id.jpg')], ['portrait', '/proc/cutout-test/o.png']]) {
      const r = await cutout([command, join(dir, 'not-a-picture.jpg'), '-o', out]);
      expect([r.code, r.stdout, r.stderr], `${command} ${out}`).toEqual([1, '', expect.stringMatching(/^OUTPUT_NOT_WRITABLE: /)]);
    }
    // The folder is checked, not left made: a command that fails after leaves no empty folder.
    const missing = await cutout(['portrait', join(dir, 'no-such.jpg'), '-o', join(dir, 'new', 'deeper', 'o.png')]);
    expect([missing.code, existsSync(join(dir, 'new'))]).toEqual([1, false]);
    // A batch of nothing there at all (a mistyped folder) is said before anything is made: it made
    // OUT and a report of one failure. One input there of two runs, the other failing in its report.
    const mistyped = await cutout(['batch', join(dir, 'no-such-folder'), '-o', join(dir, 'new-out')]);
    expect([mistyped.code, mistyped.stderr.trim(), existsSync(join(dir, 'new-out'))]).toEqual([1, `INPUT_NOT_FOUND: No such file or folder: ${join(dir, 'no-such-folder')}. Check the path; nothing was written`, false]);
    const half = await cutout(['batch', join(dir, 'no-such-folder'), input, '-o', join(dir, 'half-out'), '--refine', 'off']);
    expect(half.code).toBe(1);
    expect(readFileSync(join(dir, 'half-out', 'report.csv'), 'utf8')).toContain(`${join(dir, 'no-such-folder')},failed,INPUT_NOT_FOUND,`);
    const spec = await cutout(['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--spec', 'nope']);
    expect([spec.code, spec.stderr]).toEqual([2, expect.stringMatching(/^SPEC_UNKNOWN: Unknown ID-photo spec "nope"/)]);
    expect(existsSync(join(dir, 'b'))).toBe(false);
    // A typo is answered with the name meant.
    const typo = await cutout(['batch', input, '-o', join(dir, 'b'), '--mode', 'idphoto', '--spec', 'cn-1inh']);
    expect([typo.code, typo.stderr]).toEqual([2, expect.stringMatching(/^SPEC_UNKNOWN: Unknown ID-photo spec "cn-1inh"\. Did you mean cn-1inch\? Known specs: /)]);
    const command = await cutout(['portait', input]);
    expect([command.code, command.stderr]).toEqual([2, expect.stringMatching(/^INVALID_ARGUMENT: unknown command "portait"\. Did you mean portrait\? Commands: /)]);
    // `help` of a command there is not, and an option `models` does not take, are refused as the others are (both printed and exited 0).
    const help = await cutout(['help', 'portait']);
    expect([help.code, help.stderr]).toEqual([2, expect.stringMatching(/^INVALID_ARGUMENT: unknown command "portait"\. Did you mean portrait\?/)]);
    const models = await cutout(['models', '--jsn']);
    expect([models.code, models.stdout, models.stderr]).toEqual([2, '', expect.stringMatching(/^INVALID_ARGUMENT: unknown option --jsn/)]);
  });

  it('refuses before any work, exit 2, what the command line asks that cannot be: a type the batch mode does not write, two sizes, an --ext of none, a bad CUTOUT_THREADS, -o -', async () => {
    const dir = tempDir();
    const picture = evalFile('id_portraits', 'images', 'df_img1.jpg');
    // The batch's own modes: a sticker batch writes GIF, WebP, APNG or WebM (it exited 1, as an engine error).
    const wrongType = await cutout(['batch', dir, '-o', join(dir, 'out'), '--mode', 'sticker', '--format', 'png']);
    expect([wrongType.code, wrongType.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: Mode sticker writes gif, webp, apng, webm, not png']);
    // Named as --format names them (it read "writes png, webp, jpeg").
    const gifPortraits = await cutout(['batch', dir, '-o', join(dir, 'out'), '--format', 'gif']);
    expect([gifPortraits.code, gifPortraits.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: Mode portrait writes png, webp, jpg, not gif']);
    // --size and --max-side both: it took --size and dropped --max-side unsaid.
    const twoSizes = await cutout(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'), '-o', join(dir, 's.gif'), '--max-side', '100', '--size', 'small']);
    expect([twoSizes.code, twoSizes.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --max-side and --size both set the size: give one of them']);
    // --ext naming no extension took nothing, exited 0 and called the folder's .jpg files "not a picture type this mode takes".
    for (const ext of ['', ',', ' . ']) {
      const noExt = await cutout(['batch', dir, '-o', join(dir, 'out'), '--ext', ext]);
      expect([noExt.code, noExt.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --ext names no extension: give one or more, as --ext jpg,png, or leave it out for the types the mode takes']);
    }
    // CUTOUT_THREADS as --threads is checked ("abc" reached ONNX Runtime as NaN; 0 passed unsaid).
    for (const value of ['abc', '0', '1.5']) {
      const threads = await cutout(['portrait', picture, '-o', join(dir, 'p.png')], { CUTOUT_THREADS: value });
      expect([threads.code, threads.stderr.trim()]).toEqual([2, `INVALID_ARGUMENT: CUTOUT_THREADS must be a whole number from 1 to 256, got "${value}"`]);
    }
    expect(existsSync(join(dir, 'p.png')) || existsSync(join(dir, 's.gif')) || existsSync(join(dir, 'out'))).toBe(false);
    // -o - (a pipe meant) wrote a file named "-.png" in the current folder.
    const here = tempDir();
    mkdirSync(here, { recursive: true });
    for (const args of [['portrait', picture], ['anime', picture], ['idphoto', picture], ['sticker', evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif')], ['batch', dir], ['training-data', picture]]) {
      const piped = await cutout([...args, '-o', '-'], {}, here);
      expect([piped.code, piped.stderr.trim()], args[0]).toEqual([2, 'INVALID_ARGUMENT: -o - (standard output) is not supported: name a file or a folder to write to']);
    }
    // An input of "-" (standard input, as many tools take it) read "File not found: -".
    for (const command of ['portrait', 'anime', 'idphoto', 'sticker', 'batch', 'training-data']) {
      const piped = await cutout([command, '-', '-o', join(here, 'out.png')], {}, here);
      expect([piped.code, piped.stderr.trim()], command).toEqual([2, 'INVALID_ARGUMENT: - (standard input) is not supported as an input: name the files (a file named "-" is ./-)']);
    }
    // -o=x.png (a long option's way with a short one) wrote a file named "=x.png".
    const equals = await cutout(['portrait', picture, '-o=x.png'], {}, here);
    expect([equals.code, equals.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: -o=x.png: a short option takes its value after a space (-o x.png), or write --out=x.png']);
    expect(readdirSync(here)).toEqual([]);
  });

  it('batch: a file given by path that is no regular file (a FIFO, a device) fails in the report, and a FIFO is never read (it hung the batch past Ctrl+C)', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const fifo = join(dir, 'pipe.jpg');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const picture = join(dir, 'a.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), picture);
    // The header reader a batch weighs each picture with does not open it (a FIFO with no writer blocks the read for good).
    expect(await workingPixelsOf(fifo, 1e6)).toBe(0);
    const r = await cutout(['batch', fifo, '/dev/null', picture, '-o', join(dir, 'out'), '--refine', 'off', '-q']);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as { entries: { input: string; status: string; code?: string; message?: string }[] };
    // They were dropped without a word ("1 done … of 1", exit 0).
    expect(report.entries.map((e) => [e.input, e.status, e.code])).toEqual([
      [fifo, 'failed', 'INPUT_UNSUPPORTED'],
      ['/dev/null', 'failed', 'INPUT_UNSUPPORTED'],
      [picture, 'done', undefined],
    ]);
    expect(report.entries[0].message).toBe(`Not a file: ${fifo}`);
    // A name with a line break: one line a file still (its line broke in two).
    const broken = join(dir, 'new\nline.jpg');
    copyFileSync(picture, broken);
    const said = await cutout(['batch', broken, '-o', join(dir, 'out2'), '--refine', 'off']);
    expect(said.code).toBe(0);
    expect(said.stderr.split('\n').filter((l) => l.startsWith('done '))).toEqual([`done    ${join(dir, 'new\\nline.jpg')} -> ${join(dir, 'out2', 'new_line_cutout.png')}`]);
  }, 60_000);

  it('prints one line CODE: message and exits non-zero on errors', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.jpg');
    writeFileSync(text, 'hello');
    const bad = await cutout(['portrait', text, '-o', join(dir, 'o.png')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^INPUT_UNSUPPORTED: .*notes\.jpg/);
    // Two such into a new folder: each said with its name once ("x: x could not be decoded"), and the
    // folder, which nothing was written in, is not left behind empty.
    const broken = join(dir, 'broken.jpg');
    writeFileSync(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]));
    const pair = await cutout(['portrait', broken, text, '-o', join(dir, 'new', 'folder')]);
    expect(pair.code).toBe(1);
    expect(pair.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^INPUT_UNSUPPORTED: ${broken.replace(/[.]/g, '\\.')} could not be decoded`)), expect.stringMatching(/^INPUT_UNSUPPORTED: \S+notes\.jpg/)]);
    expect(pair.stderr).not.toContain(`${broken}: ${broken}`);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    // A video where a picture goes: said, with where videos go.
    const video = await cutout(['anime', evalFile('person_clips', 'clips', 'liveportrait_driving_d10.mp4'), '-o', join(dir, 'v.png')]);
    expect([video.code, video.stderr.trim()]).toEqual([1, expect.stringMatching(/^INPUT_UNSUPPORTED: \S+d10\.mp4 is a video, not a picture: make a sticker of it \(`cutout sticker`/)]);

    const provider = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(dir, 'o.png'), '--provider', 'tpu']);
    // A flag's bad value: exit 2, before any work (it was 1, after the picture was read).
    expect(provider.code).toBe(2);
    expect(provider.stderr).toMatch(/^PROVIDER_UNKNOWN: Unknown execution provider "tpu"/);

    // A known provider that cannot start here (CUDA needs its own libraries) falls back quietly:
    // one note, none of ONNX Runtime's native log lines.
    const cuda = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(dir, 'cuda.png'), '--provider', 'cuda', '--refine', 'off']);
    expect(cuda.code).toBe(0);
    if (!/ on cuda,/.test(cuda.stdout)) expect(cuda.stderr.trim()).toBe(`note: --provider cuda could not start here${isProviderInstalled('cuda') ? '' : " (ONNX Runtime's CUDA libraries are not installed: see README, GPU)"}; ran on cpu`);
    // So does a batch, as its first file is made (it said nothing), even with -q; its report says where it ran.
    const batchOut = join(dir, 'cuda-batch');
    const cudaBatch = await cutout(['batch', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', batchOut, '--provider', 'cuda', '--refine', 'off', '-q']);
    expect(cudaBatch.code).toBe(0);
    const ranOn = (JSON.parse(readFileSync(join(batchOut, 'report.json'), 'utf8')) as { summary: { provider?: string } }).summary.provider;
    if (ranOn !== 'cuda') expect([ranOn, cudaBatch.stderr.trim()]).toEqual(['cpu', `note: --provider cuda could not start here${isProviderInstalled('cuda') ? '' : " (ONNX Runtime's CUDA libraries are not installed: see README, GPU)"}; ran on cpu`]);

    const missing = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(dir, 'o.png')], { CUTOUT_MODELS_DIR: tempDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^MODEL_MISSING: Model file portrait_selfie_segmentation_mediapipe_256x256\.onnx/);
    expect(existsSync(join(dir, 'o.png'))).toBe(false);

    // Only another person model there: it is used, and the missing default is said.
    const onlySinet = tempDir();
    copyFileSync(join(SHARED_MODELS_DIR, 'portrait_sinet_softmax_320x320.onnx'), join(onlySinet, 'portrait_sinet_softmax_320x320.onnx'));
    const fallback = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test1.jpg'), '-o', join(dir, 'sinet.png'), '--refine', 'off'], { CUTOUT_MODELS_DIR: onlySinet });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toMatch(/^note: the default model mediapipe-selfie is missing; using sinet instead/m);
    expect(fallback.stdout).toMatch(/sinet on cpu/);

    // A model name no model has, or a face model, is a bad argument naming the models that cut out.
    for (const [command, model] of [['portrait', 'nope'], ['anime', 'yunet']]) {
      // Two inputs into a folder not made yet: said once, exit 2, before the folder is made (it failed
      // each input, exit 1, the folder made).
      const bad = await cutout([command, evalFile('id_portraits', 'images', 'hv_test1.jpg'), evalFile('id_portraits', 'images', 'hv_test2.jpg'), '-o', join(dir, 'models-out'), '--model', model]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(dir, 'models-out'))).toBe(false);
      expect(bad.stderr).toMatch(/^INVALID_ARGUMENT: (Unknown model "nope"\. The models that cut out are|Model yunet is a face-detect model; pick one that cuts out:) .*mediapipe-selfie/);
      expect(bad.stderr).not.toMatch(/pfld-98/);
    }
    // The same in batch, eval and training-data (each input failed on it, exit 1; a batch made OUT first).
    const inputs = tempDir();
    copyFileSync(evalFile('id_portraits', 'images', 'hv_test1.jpg'), join(inputs, 'a.jpg'));
    for (const args of [
      ['batch', inputs, '-o', join(dir, 'batch-out'), '--model', 'nope'],
      ['batch', inputs, '--mode', 'sticker', '-o', join(dir, 'batch-out'), '--model', 'nope'],
      ['eval', '--set', join(SHARED_DIR, 'eval', 'anime_cutout'), '--task', 'anime', '--limit', '1', '--model', 'nope'],
      ['training-data', join(inputs, 'a.jpg'), '-o', join(dir, 'batch-out'), '--model', 'nope'],
    ]) {
      const bad = await cutout(args);
      expect([args[0], bad.code]).toEqual([args[0], 2]);
      expect(bad.stderr).toMatch(/^INVALID_ARGUMENT: Unknown model "nope"\./m);
      expect(existsSync(join(dir, 'batch-out'))).toBe(false);
    }
    // An unknown flag: one line, and where the flags are listed.
    const flag = await cutout(['portrait', 'x.jpg', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim()).toBe('INVALID_ARGUMENT: unknown option --bogus (a file name starting with "-" goes after --); see `cutout portrait --help`');
    // A folder given to sticker is there, but not a clip.
    const folder = await cutout(['sticker', dir, '-o', join(dir, 's.gif')]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/^INPUT_UNSUPPORTED: Not a file: .* is a folder \(`cutout batch --mode sticker`/m);
    // And to portrait, with where a folder's pictures are done.
    const pictures = await cutout(['portrait', dir, '-o', join(dir, 'p.png')]);
    expect(pictures.code).toBe(1);
    expect(pictures.stderr).toMatch(/^INPUT_UNSUPPORTED: Not a file: .* is a folder \(`cutout batch` does every picture in a folder/m);

    // Two inputs into a picture's name: refused, and no folder of that name is made. (Two files: one
    // file given twice is one input.)
    const other = join(dir, 'other.jpg');
    copyFileSync(text, other);
    const two = await cutout(['portrait', text, other, '-o', join(dir, 'two.png')]);
    expect(two.stderr).toMatch(/^INVALID_ARGUMENT: 2 inputs make 2 files, so -o must be a folder, not .*two\.png/);
    expect(existsSync(join(dir, 'two.png'))).toBe(false);
    // So too a picture type no cut-out is written as (a folder "many.bmp" was made).
    const bmp = await cutout(['portrait', text, other, '-o', join(dir, 'many.bmp')]);
    expect(bmp.stderr).toMatch(/^INVALID_ARGUMENT: 2 inputs make 2 files, so -o must be a folder, not .*many\.bmp/);
    expect(existsSync(join(dir, 'many.bmp'))).toBe(false);

    // A sheet too small for the photo (20x20 mm; 10x10 is read as inches) is refused before the photo is written.
    const sheet = await cutout(['idphoto', evalFile('id_portraits', 'images', 'df_img1.jpg'), '--spec', 'cn-1inch', '--sheet', '20x20', '-o', join(dir, 'id.jpg')]);
    expect(sheet.stderr).toMatch(/^INVALID_ARGUMENT: /);
    expect(existsSync(join(dir, 'id.jpg'))).toBe(false);
  });

  it('cutout serve says where exports go; stopped by kill (SIGTERM) it removes its session folder, keeps the exports and exits 0', async () => {
    // Its own temp folder, so the session folder is the only one there.
    const tmp = tempDir();
    const exportsDir = join(tempDir(), 'my exports');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--exports', exportsDir], { env: { ...process.env, TMPDIR: tmp, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR, CUTOUT_USER_DATA: tempDir() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => stdout, { timeout: 60_000 }).toContain('is running at http://127.0.0.1:');
    const sessions = () => readdirSync(tmp).filter((f) => f.startsWith('cutout-serve-'));
    expect(sessions()).toHaveLength(1);
    await expect.poll(() => stdout).toContain(`Exports and batch outputs are saved in ${exportsDir} (kept when the server stops).`);
    mkdirSync(exportsDir, { recursive: true });
    writeFileSync(join(exportsDir, 'photo.jpg'), 'exported');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(sessions()).toEqual([]);
    expect(readFileSync(join(exportsDir, 'photo.jpg'), 'utf8')).toBe('exported');
  });

  it('batch on a folder with nothing the mode takes says so, and names the sub-folders it did not search', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'notes.txt'), 'no pictures here');
    const r = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out'), '--mode', 'sticker']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`nothing to do: no videos found in ${join(dir, 'in')} (sub-folders are read with -r); nothing was written`);
    expect(r.stdout).toContain('1 other file in the folders left out (1 .txt): not a video type this mode takes');
    // Nothing written: no output folder (it was made, with an empty report), and an earlier batch's
    // report in a folder that is there is left as it was (an empty one replaced it), no journal added.
    expect(r.stdout).not.toContain('Report:');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // Nor the folders above it that it made.
    expect((await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'new', 'out'), '--mode', 'sticker'])).code).toBe(0);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    mkdirSync(join(dir, 'earlier'));
    writeFileSync(join(dir, 'earlier', 'report.csv'), 'an earlier batch\n');
    expect((await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'earlier'), '--mode', 'sticker'])).code).toBe(0);
    expect(readdirSync(join(dir, 'earlier'))).toEqual(['report.csv']);
    expect(readFileSync(join(dir, 'earlier', 'report.csv'), 'utf8')).toBe('an earlier batch\n');
    // Sub-folders not read without -r are named (they were skipped unsaid); the output folder made inside the input is no input.
    mkdirSync(join(dir, 'in', 'Kunden Ordner'));
    mkdirSync(join(dir, 'in', 'sub'));
    // An earlier batch's output folder is not one of them (-r leaves it out too).
    mkdirSync(join(dir, 'in', 'old-out'));
    writeFileSync(join(dir, 'in', 'old-out', '.cutout-batch.jsonl'), '');
    // (A link to a clip that is gone, a file that fails, so that the run writes its report.)
    symlinkSync(join(dir, 'moved.mp4'), join(dir, 'in', 'gone.mp4'));
    const nested = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'in', 'out'), '--mode', 'sticker']);
    expect(nested.stdout).toContain('2 sub-folders were not searched (-r reads them): Kunden Ordner, sub');
    const report = JSON.parse(readFileSync(join(dir, 'in', 'out', 'report.json'), 'utf8')) as { summary: { notSearched: string[] } };
    expect(report.summary.notSearched).toEqual([join(dir, 'in', 'Kunden Ordner'), join(dir, 'in', 'sub')]);
    const recursive = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out-r'), '--mode', 'sticker', '-r']);
    expect(recursive.stdout).not.toContain('not searched');
    // A link to a clip that is gone (moved, an unplugged disk) fails in the report: it was left out unsaid, and the run said nothing to do.
    const linked = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out-l'), '--mode', 'sticker']);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain(`failed  ${join(dir, 'in', 'gone.mp4')}: INPUT_NOT_FOUND: ${join(dir, 'in', 'gone.mp4')} is a link to ${join(dir, 'moved.mp4')}, which is not there`);
    expect(readFileSync(join(dir, 'out-l', 'report.csv'), 'utf8')).toContain(`${join(dir, 'in', 'gone.mp4')},failed,INPUT_NOT_FOUND,`);
  });

  it("a sticker batch's lines name what a batch takes: another part or strokes one clip at a time (they named --start, which it refuses), the other model as --model", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    // 5.3 s, over LINE's 4; and a grey clip with nobody in it (made here).
    copyFileSync(evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'), join(dir, 'in', 'long.mp4'));
    greyClip(join(dir, 'in', 'grey.mp4'));
    const r = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out'), '--mode', 'sticker', '--preset', 'line', '--fps', '4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`failed  ${join(dir, 'in', 'grey.mp4')}: NO_SUBJECT: No character was found in any of the 4 frames, so there is no sticker to make: try --model person, or another part of the clip or Keep strokes one clip at a time: \`cutout sticker CLIP -o OUT --start T --duration T --strokes FILE.json\``);
    expect(r.stderr).toContain('a LINE animated sticker lasts at most 4 s: this one is the first 4 s of the part; another part is made with `cutout sticker CLIP -o OUT --preset line --start T`');
    expect(r.stderr).not.toContain('--start / --duration');
    expect(r.stderr).not.toContain('make it again in the app,');
    // `cutout sticker` itself names its own flags.
    const one = await cutout(['sticker', join(dir, 'in', 'grey.mp4'), '-o', join(dir, 'grey.gif')]);
    expect(one.stderr).toContain('so there is no sticker to make: try the person model, another part of the clip, or Keep strokes');
  });

  it('batch --mode sticker --preset makes each clip a sticker of that platform, in its format; a --format of another is refused', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    copyFileSync(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), join(dir, 'in', 'girl.gif'));
    const r = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out'), '--mode', 'sticker', '--preset', 'line', '--fps', '8', '--max-side', '96']);
    expect(r.code).toBe(0);
    // The platform's own size: --max-side is said not to be used, as `cutout sticker` says it.
    expect(r.stderr).toContain('note: the LINE animated sticker has its own size (within 320x270): --max-side is not used');
    // LINE: an APNG (named .png) within 320 × 270 touching it, 5 to 20 frames.
    const apng = readFileSync(join(dir, 'out', 'girl_sticker.png'));
    const [w, h] = [apng.readUInt32BE(apng.indexOf('IHDR') + 4), apng.readUInt32BE(apng.indexOf('IHDR') + 8)];
    expect(w <= 320 && h <= 270 && Math.max(w, h) >= 270).toBe(true);
    const frames = apng.readUInt32BE(apng.indexOf('acTL') + 4);
    expect(frames).toBeGreaterThanOrEqual(5);
    expect(frames).toBeLessThanOrEqual(20);
    const clash = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out2'), '--mode', 'sticker', '--preset', 'telegram', '--format', 'gif']);
    expect([clash.code, clash.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: The telegram preset makes WebM, not GIF: leave the format out']);
    // And so does `cutout sticker` (it made a GIF, which LINE does not take).
    const one = await cutout(['sticker', join(dir, 'in', 'girl.gif'), '-o', join(dir, 'one.gif'), '--preset', 'line', '--format', 'gif']);
    expect([one.code, one.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: The line preset makes APNG, not GIF: leave the format out']);
    expect(existsSync(join(dir, 'one.gif'))).toBe(false);
    const notSticker = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out3'), '--preset', 'line']);
    expect([notSticker.code, notSticker.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --preset goes with --mode sticker']);
    const badFps = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out4'), '--mode', 'sticker', '--fps', '0']);
    expect([badFps.code, badFps.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: fps must be from 1 to 60, got 0']);
    // 0.01 fps asked a 100-s WebP frame (INTERNAL, from sharp) and a 1000-s GIF one (its delay wrapped).
    const slow = await cutout(['sticker', join(dir, 'in', 'girl.gif'), '-o', join(dir, 'slow.webp'), '--fps', '0.01']);
    expect([slow.code, slow.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: fps must be from 1 to 60, got 0.01']);
    expect(existsSync(join(dir, 'out2'))).toBe(false);
    expect(existsSync(join(dir, 'out4'))).toBe(false);
    // GIF stickers asked for above 50 fps are made at 50, and said so before any work.
    mkdirSync(join(dir, 'none'));
    const fast = await cutout(['batch', join(dir, 'none'), '-o', join(dir, 'out5'), '--mode', 'sticker', '--fps', '60']);
    expect(fast.stderr).toContain('note: a GIF plays 50 frames a second at most (browsers slow shorter delays to 100 ms): it is made at 50 fps');
    // Without sticker flags, a run resumes what the app made (a batch job with no sticker options):
    // empty sticker options in the hash made it redo every clip.
    const app = await runJob({ kind: 'batch', inputs: [join(dir, 'in')], outputDir: join(dir, 'plain'), options: { mode: 'sticker' } }, testEnv(), {});
    expect((app as { done: number }).done).toBe(1);
    const resumed = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'plain'), '--mode', 'sticker', '--resume']);
    expect(resumed.stdout).toMatch(/0 done, 1 skipped, 0 failed of 1/);
  }, 120_000);

  it('batch --mode sticker takes --colors, --dither and --matte as `cutout sticker` does; a resume with other ones makes the clip again', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    copyFileSync(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), join(dir, 'in', 'girl.gif'));
    const out = join(dir, 'out');
    const gif = join(out, 'girl_sticker.gif');
    const args = (into: string, ...more: string[]): string[] => ['batch', join(dir, 'in'), '-o', into, '--mode', 'sticker', '--fps', '8', '--max-side', '96', ...more];
    const base = args(out, '--colors', '32');
    // The GIF's global colour table holds 2^(n+1) entries: 32 colours and the clear one fit 64, 255 fit 256.
    const tableSize = (bytes: Buffer): number => 2 ** ((bytes[10] & 7) + 1);
    const first = await cutout(base);
    expect([first.code, first.stdout]).toEqual([0, expect.stringMatching(/1 done, 0 skipped, 0 failed of 1/)]);
    const plain = readFileSync(gif);
    expect(tableSize(plain)).toBe(64);
    // Dithered, on a dark chat: the options' hash changes, so --resume makes the clip again (said as written over).
    const dark = await cutout([...base, '--dither', 'ordered', '--matte', 'black', '--resume']);
    expect(dark.code).toBe(0);
    expect(dark.stdout).toMatch(/1 done, 0 skipped, 0 failed of 1/);
    expect(dark.stdout).toContain('1 file made before with other options was written over');
    const dithered = readFileSync(gif);
    expect(tableSize(dithered)).toBe(64);
    expect(dithered.equals(plain)).toBe(false);
    // The edge is blended with black, not white: far darker.
    const [light, darkEdge] = [gifEdgeLevel(plain), gifEdgeLevel(dithered)];
    expect(light - darkEdge).toBeGreaterThan(20);
    // The same options again: done.
    const again = await cutout([...base, '--dither', 'ordered', '--matte', 'black', '--resume']);
    expect(again.stdout).toMatch(/0 done, 1 skipped, 0 failed of 1/);
    // --dither none is the default: a resume with it skips what a run without it made.
    const none = await cutout(args(join(dir, 'out-none'), '--colors', '32', '--dither', 'none'));
    expect(none.stdout).toMatch(/1 done, 0 skipped/);
    const noneAgain = await cutout(args(join(dir, 'out-none'), '--colors', '32', '--resume'));
    expect(noneAgain.stdout).toMatch(/0 done, 1 skipped, 0 failed of 1/);
    // A format that has no palette or 1-bit edge: said before the work, not dropped unsaid.
    mkdirSync(join(dir, 'none'));
    const webp = await cutout(['batch', join(dir, 'none'), '-o', join(dir, 'out-webp'), '--mode', 'sticker', '--format', 'webp', '--matte', 'black', '--dither', 'ordered']);
    expect(webp.stderr).toContain("note: these are not used: --matte (a WebP keeps its soft edge: a GIF's 1-bit edge is blended with the matte); --dither (a WebP is not written with a palette)\n");
    // An APNG takes the dither where it has a palette: with --colors (or a preset), else it is said.
    const apng = await cutout(['batch', join(dir, 'none'), '-o', join(dir, 'out-apng'), '--mode', 'sticker', '--format', 'apng', '--dither', 'ordered']);
    expect(apng.stderr).toContain('note: this is not used: --dither (an APNG is not written with a palette unless --colors is given)\n');
    const apngColors = await cutout(['batch', join(dir, 'none'), '-o', join(dir, 'out-apng'), '--mode', 'sticker', '--format', 'apng', '--dither', 'ordered', '--colors', '64']);
    expect(apngColors.stderr).not.toContain('not used');
    const webpColors = await cutout(['batch', join(dir, 'none'), '-o', join(dir, 'out-webp'), '--mode', 'sticker', '--format', 'webm', '--colors', '64', '--matte', '#000000']);
    expect(webpColors.stderr).toContain('note: these are not used: --matte (a WebM keeps its soft edge');
    expect(webpColors.stderr).toContain('--colors (a WebM is not written with a palette)');
    // Wrong values, and the flags in another mode, are a wrong command line.
    const floyd = await cutout([...base, '--dither', 'floyd']);
    expect([floyd.code, floyd.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --dither must be none or ordered, got "floyd"']);
    const tooMany = await cutout(args(join(dir, 'out-x'), '--colors', '300'));
    expect([tooMany.code, tooMany.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: colors must be 2..256, got 300']);
    const portrait = await cutout(['batch', join(dir, 'in'), '-o', join(dir, 'out-p'), '--matte', 'black']);
    expect([portrait.code, portrait.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --matte goes with --mode sticker']);
  }, 180_000);

  it('fails a picture and a folder this account may not read with INPUT_NOT_READABLE (the folder was left out unsaid)', async () => {
    // Root reads everything: then the CLI runs as nobody (setpriv), in folders nobody may use.
    const isRoot = process.getuid?.() === 0;
    const dir = tempDir();
    const cache = tempDir();
    for (const d of [dir, cache]) chmodSync(d, 0o777);
    const asUser = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      const env = { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR, CUTOUT_CACHE_DIR: cache, HOME: dir };
      const [file, argv] = isRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
      return run(file, argv, { env }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    };
    const picture = join(dir, 'x.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), picture);
    chmodSync(picture, 0o000);
    const single = await asUser(['portrait', picture, '-o', join(dir, 'x.png')]);
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/^INPUT_NOT_READABLE: Cannot read .*x\.jpg: permission denied/);
    for (const sub of ['ok', 'locked']) {
      mkdirSync(join(dir, 'in', sub), { recursive: true });
      copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), join(dir, 'in', sub, 'p.jpg'));
    }
    chmodSync(join(dir, 'in'), 0o777);
    chmodSync(join(dir, 'in', 'ok'), 0o777);
    chmodSync(join(dir, 'in', 'ok', 'p.jpg'), 0o644);
    chmodSync(join(dir, 'in', 'locked'), 0o000);
    const batch = await asUser(['batch', join(dir, 'in'), '-o', join(dir, 'out'), '-r', '--refine', 'fast', '-q']);
    expect(batch.code, batch.stderr).toBe(1);
    expect(batch.stdout).toMatch(/1 done, 0 skipped, 1 failed of 2/);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as { entries: { input: string; code?: string }[] };
    expect(report.entries.find((e) => e.input === join(dir, 'in', 'locked'))?.code).toBe('INPUT_NOT_READABLE');
    // A picture behind that folder is there, but not readable (it was said not found).
    const behind = await asUser(['batch', join(dir, 'in', 'locked', 'p.jpg'), '-o', join(dir, 'out2'), '-q']);
    expect(behind.code).toBe(1);
    expect(behind.stderr).toMatch(/INPUT_NOT_READABLE: Cannot read \S+p\.jpg: permission denied/);
  }, 120_000);

  it('refuses to overwrite the input', async () => {
    const dir = tempDir();
    const input = join(dir, 'me.png');
    writeFileSync(input, Buffer.from('x'));
    const r = await cutout(['portrait', input, '-o', input]);
    expect(r.stderr).toMatch(/^OUTPUT_EXISTS: /);
    // Nor another file it reads: a second input named as the first one's output, the --bg picture,
    // the --trimap (each was written over, the second input then cut out of the first's result).
    const b = join(dir, 'b.jpg');
    const bCutout = join(dir, 'b_cutout.png');
    const backdrop = join(dir, 'bg.jpg');
    for (const f of [b, bCutout, backdrop]) copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), f);
    const before = readFileSync(bCutout);
    for (const args of [[b, bCutout, '-o', dir], [b, '-o', backdrop, '--bg', backdrop], [b, '-o', bCutout, '--trimap', bCutout]]) {
      const refused = await cutout(['portrait', ...args]);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toMatch(/^OUTPUT_EXISTS: Refusing to overwrite the input /);
    }
    expect(readFileSync(bCutout).equals(before)).toBe(true);
    expect(readFileSync(backdrop).equals(before)).toBe(true);
    // A name without an extension gets the format's: it wrote a PNG named "plain".
    const plain = await cutout(['portrait', b, '-o', join(dir, 'plain'), '--refine', 'fast']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(existsSync(join(dir, 'plain.png'))).toBe(true);
    expect(existsSync(join(dir, 'plain'))).toBe(false);
  });

  it('batch: a group photo fails with where to pick its face (a batch picks none)', async () => {
    const input = tempDir();
    const [left, right] = await Promise.all(['df_img1.jpg', 'df_img2.jpg'].map((f) => sharp(evalFile('id_portraits', 'images', f)).resize({ height: 600 }).toBuffer()));
    const [wl, wr] = await Promise.all([left, right].map(async (b) => (await sharp(b).metadata()).width!));
    await sharp({ create: { width: wl + wr, height: 600, channels: 3, background: '#ffffff' } }).composite([{ input: left, left: 0, top: 0 }, { input: right, left: wl, top: 0 }]).jpeg().toFile(join(input, 'two.jpg'));
    const r = await cutout(['batch', input, '-o', tempDir(), '--mode', 'idphoto', '--spec', 'cn-1inch', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MULTIPLE_FACES: .*2 faces were found; an ID photo needs exactly one\. Pick the face in the ID photo workspace, or with `cutout idphoto --face N`\./);
  });

  it('says its version, and `help COMMAND` is that command\'s help', async () => {
    const version = await cutout(['--version']);
    expect(version.stdout.trim()).toBe(`cutout ${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}`);
    const help = await cutout(['help', 'portrait']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^cut people out of photos\n\nusage: cutout portrait IN\.\.\./);
  });

  it('lists and verifies the models', async () => {
    const r = await cutout(['models', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; state: string; sha256: string | null }[];
    expect(list.find((m) => m.id === 'yunet')).toMatchObject({ state: 'ok', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(list.find((m) => m.id === 'isnetis')?.state).toBe('missing');
    // Without the models the app ships with: exit 1, naming them, and where each comes from.
    const none = await cutout(['models'], { CUTOUT_MODELS_DIR: tempDir() });
    expect(none.code).toBe(1);
    // Each with its code and what to do, as a command that needs it says it (one line without a code named them all).
    expect(none.stderr.split('\n')[0]).toMatch(/^MODEL_MISSING: Model file portrait_selfie_segmentation_mediapipe_256x256\.onnx \(mediapipe-selfie\) not found\. Looked for: .* Download it from https:\S+ and save it as portrait_selfie_segmentation_mediapipe_256x256\.onnx in /);
    // The name to save it as (its download is named selfie_segmentation.onnx) and where from.
    expect(none.stdout).toMatch(/\| mediapipe-selfie \| person-mask \| missing \| .* \| save as portrait_selfie_segmentation_mediapipe_256x256\.onnx, from https:\S+\/selfie_segmentation\.onnx \|/);
    // A damaged copy in an earlier folder, passed over for a good one: said (it was ignored unsaid);
    // a file no sha256 is published for is said unverified ("unpinned" was not explained).
    const damaged = tempDir();
    writeFileSync(join(damaged, 'face_detection_yunet_2023mar.onnx'), 'half a model');
    writeFileSync(join(damaged, 'isnetis.onnx'), 'hello\n');
    const passed = await cutout(['models'], { CUTOUT_MODELS_DIR: `${damaged}:${SHARED_MODELS_DIR}` });
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/\| yunet \| face-detect \| ok \|/);
    expect(passed.stderr.trim().split('\n')).toEqual([
      `note: yunet: ${join(damaged, 'face_detection_yunet_2023mar.onnx')} is damaged (its sha256 is not the manifest's); ${join(SHARED_MODELS_DIR, 'face_detection_yunet_2023mar.onnx')} is used`,
      'note: unpinned: no sha256 is published for isnetis, so its file is not verified (a damaged one fails as it is loaded)',
    ]);
    // A models folder that is not there is said so.
    const typo = await cutout(['models'], { CUTOUT_MODELS_DIR: join(tempDir(), 'modles') });
    expect(typo.stdout.split('\n')[0]).toMatch(/^models folders: \S+modles \(no such folder\), /);
    // A user descriptor cut short: the others listed, it said, exit 1 (it stopped the command, every other one too).
    const stray = tempDir();
    writeFileSync(join(stray, 'mine.model.json'), '{ "id": "mi');
    const left = await cutout(['models'], { CUTOUT_MODELS_DIR: `${stray}:${SHARED_MODELS_DIR}` });
    expect(left.code).toBe(1);
    expect(left.stdout).toMatch(/\| yunet \| face-detect \| ok \|/);
    expect(left.stderr.trim()).toBe(`left out: Model descriptor ${join(stray, 'mine.model.json')} is not valid JSON: Unterminated string in JSON at position 11 (line 1 column 12)`);
    // Named by its file's name, the one that is not JSON says why too (it read "Unknown model", exit 2).
    const unread = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test2.jpg'), '-o', join(stray, 'o.png'), '--model', 'mine'], { CUTOUT_MODELS_DIR: `${stray}:${SHARED_MODELS_DIR}` });
    expect([unread.code, unread.stderr.trim()]).toEqual([1, `MODEL_INVALID: Model descriptor ${join(stray, 'mine.model.json')} is not valid JSON: Unterminated string in JSON at position 11 (line 1 column 12)`]);
    // Named, a left-out model says why (it read "Unknown model").
    writeFileSync(join(stray, 'mine.model.json'), JSON.stringify({ id: 'mine', task: 'person-mask', file: 'mine.onnx', input: { width: 256, height: 256 }, output: { decode: 'bogus' } }));
    const named = await cutout(['portrait', evalFile('id_portraits', 'images', 'hv_test2.jpg'), '-o', join(stray, 'o.png'), '--model', 'mine'], { CUTOUT_MODELS_DIR: `${stray}:${SHARED_MODELS_DIR}` });
    expect([named.code, named.stderr.trim()]).toEqual([1, `MODEL_INVALID: Model descriptor ${join(stray, 'mine.model.json')}: "output.decode" is unknown`]);
  });

  it('batch-exports ID photos with a print sheet beside each, and refuses a sheet outside idphoto mode', async () => {
    const input = tempDir();
    const out = tempDir();
    writeFileSync(join(input, 'a.jpg'), readFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg')));
    writeFileSync(join(input, 'b.jpg'), readFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg')));
    writeFileSync(join(input, 'notes.txt'), 'not a picture');
    // A sheet of the user's where b's would go: b's photo and sheet take the next name instead.
    writeFileSync(join(out, 'b_cn-1inch_sheet.jpg'), 'mine');
    const r = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--spec', 'cn-1inch', '--sheet', '6inch', '--dpi', '300', '--bg', 'blue', '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'b_cn-1inch_sheet.jpg'), 'utf8')).toBe('mine');
    expect(existsSync(join(out, 'b_cn-1inch-2.jpg')) && existsSync(join(out, 'b_cn-1inch-2_sheet.jpg'))).toBe(true);
    rmSync(join(input, 'b.jpg'));
    // A file the mode does not take is left out, and said so.
    expect(r.stdout).toContain('1 other file in the folders left out (1 .txt): not a picture type this mode takes');
    // Named by the mode's default, '{name}_{spec}'; the sheet beside it.
    expect((await sharp(join(out, 'a_cn-1inch.jpg')).metadata()).width).toBe(295);
    const sheet = await sharp(join(out, 'a_cn-1inch_sheet.jpg')).metadata();
    // 6x4 in at 300 dpi, turned landscape: 13 one-inch photos, 5 upright and 8 sideways.
    expect([sheet.width, sheet.height, sheet.density]).toEqual([1800, 1200, 300]);
    // Cut-outs and anime cut-outs into the same folder, both PNG, keep each other's files.
    const runs: string[] = [];
    for (const mode of ['portrait', 'anime']) {
      const run = await cutout(['batch', join(input, 'a.jpg'), '-o', out, '--mode', mode, '--refine', 'off', '-q']);
      expect(run.code).toBe(0);
      runs.push(run.stdout);
    }
    // Each earlier mode's report is kept beside the last one's (the cut-outs' report replaced the ID photos').
    expect(readdirSync(out).filter((f) => f.startsWith('report')).sort()).toEqual(['report-idphoto.csv', 'report-idphoto.json', 'report-portrait.csv', 'report-portrait.json', 'report.csv', 'report.json']);
    expect(runs[0]).toContain('The report of the earlier batch of another mode in');
    expect(runs[0]).toContain('is kept as report-idphoto.csv (and .json)');
    expect(readFileSync(join(out, 'report-idphoto.csv'), 'utf8')).toContain('a_cn-1inch.jpg');
    expect(readdirSync(out).filter((f) => !f.startsWith('.') && !f.startsWith('report')).sort()).toEqual(['a_anime.png', 'a_cn-1inch.jpg', 'a_cn-1inch_sheet.jpg', 'a_cutout.png', 'b_cn-1inch-2.jpg', 'b_cn-1inch-2_sheet.jpg', 'b_cn-1inch_sheet.jpg']);
    // A photo named as another input's sheet: c.jpg's sheet c_sheet.jpg overwrote the photo of input c_sheet.jpg.
    const named = tempDir();
    const namedOut = tempDir();
    writeFileSync(join(named, 'c.jpg'), readFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg')));
    writeFileSync(join(named, 'c_sheet.jpg'), readFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg')));
    const byName = await cutout(['batch', named, '-o', namedOut, '--mode', 'idphoto', '--spec', 'cn-1inch', '--sheet', '6inch', '--name', '{name}', '--refine', 'off', '-q']);
    expect(byName.code).toBe(0);
    expect(readdirSync(namedOut).filter((f) => f.endsWith('.jpg')).sort()).toEqual(['c.jpg', 'c_sheet-2.jpg', 'c_sheet-2_sheet.jpg', 'c_sheet.jpg']);
    expect((await sharp(join(namedOut, 'c_sheet-2.jpg')).metadata()).width).toBe(295);
    expect((await sharp(join(namedOut, 'c_sheet.jpg')).metadata()).width).toBe(1800);
    const wrong = await cutout(['batch', input, '-o', tempDir(), '--mode', 'portrait', '--sheet', '6inch']);
    expect(wrong.stderr).toMatch(/^INVALID_ARGUMENT: --sheet goes with --mode idphoto/);
    // The output folder may not be the input folder (its scan would leave nothing to do).
    // Both are a wrong command line, exit 2 as the help says (they exited 1, as the run's errors).
    const same = await cutout(['batch', input, '-o', input, '--mode', 'idphoto']);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/^INVALID_ARGUMENT: The output folder is the input folder/);
    for (const name of ['', '../x/{name}', '{bogus}']) {
      const bad = await cutout(['batch', input, '-o', tempDir(), '--mode', 'portrait', '--name', name]);
      expect(bad.code, name).toBe(2);
      expect(bad.stderr).toMatch(/^INVALID_ARGUMENT: (The name template|Unknown token)/);
    }
  });

  it('batch: an ID photo that fails its spec is written, said with its failed checks, in the spec column, and exits 3', async () => {
    const input = tempDir();
    const out = tempDir();
    writeFileSync(join(input, 'a.jpg'), readFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg')));
    const r = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--spec', 'icao-35x45', '--bg', 'red', '-q']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^fails {3}\S+a\.jpg -> \S+a_icao-35x45\.jpg: fails its spec: Background colour: [\d.]+ ΔE \(≤ 6 ΔE\)/m);
    expect(r.stdout).toContain('1 ID photo fails its spec (the checks each fails: spec in report.csv): it is written all the same; look at it before use, or use another photo of that person');
    const row = readFileSync(join(out, 'report.csv'), 'utf8').split('\r\n')[1];
    expect(row).toMatch(/,done,.*,"?fail: Background colour: /);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { summary: { specFailed: number }; entries: { specFailures: string[] }[] };
    expect(report.summary.specFailed).toBe(1);
    expect(report.entries[0].specFailures[0]).toMatch(/^backgroundColourDeltaE/);
    // Resumed, the skipped photo still says it fails.
    const again = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--spec', 'icao-35x45', '--bg', 'red', '--resume', '-q']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/fails its spec: .*\(done before\)/);
  });

  it('batch --retry-failed does not try again a picture that failed for what it is until it changes, and says so', async () => {
    const input = tempDir();
    const out = tempDir();
    const plain = join(input, 'wall.png');
    await sharp({ create: { width: 400, height: 500, channels: 3, background: '#c8c0b0' } }).png().toFile(plain);
    const first = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--refine', 'off']);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/^failed {2}\S+wall\.png: NO_FACE: [^\n]*$/m);
    expect(first.stderr).not.toContain('not tried again');
    const again = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--refine', 'off', '--retry-failed']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^failed {2}\S+wall\.png: NO_FACE: .*\(as before: not tried again\)$/m);
    expect(again.stdout).toContain('1 file failed before with the same file and options and was not tried again: change the file or the options, or run without --resume / --retry-failed to try it');
    // Other options: tried again (and fails again, as itself).
    const other = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--refine', 'off', '--bg', 'red', '--retry-failed']);
    expect(other.stderr).toMatch(/wall\.png: NO_FACE: [^\n]*$/m);
    expect(other.stderr).not.toContain('not tried again');
    expect(other.stdout).not.toContain('not tried again');
  });

  it('batch: a file that fails now says that the output there is an earlier run\'s (made of it as it was)', async () => {
    const input = tempDir();
    const out = tempDir();
    const photo = join(input, 'corrupt.jpg');
    const good = await sharp(evalFile('id_portraits', 'images', 'df_img2.jpg')).resize({ height: 320 }).jpeg().toBuffer();
    writeFileSync(photo, good);
    expect((await cutout(['batch', input, '-o', out, '--refine', 'off'])).code).toBe(0);
    // The same file, cut short since: it fails, and its old cut-out stays, said as not this run's.
    writeFileSync(photo, good.subarray(0, 600));
    const again = await cutout(['batch', input, '-o', out, '--refine', 'off', '--resume']);
    expect(again.code).toBe(1);
    const old = join(out, 'corrupt_cutout.png');
    expect(again.stderr).toContain(`(${old}, made by an earlier run of the file as it was then, is still there)`);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { entries: { status: string; staleOutput?: string }[] };
    expect(report.entries).toEqual([expect.objectContaining({ status: 'failed', staleOutput: old })]);
    // A file that fails while its output is as this run would make it (the same file and options;
    // the disk failed) says nothing of it: that output is current.
    writeFileSync(photo, good);
    expect((await cutout(['batch', input, '-o', out, '--refine', 'off'])).code).toBe(0);
    const full = spawnSync('prlimit', ['--fsize=40000', process.execPath, BIN, 'batch', input, '-o', out, '--refine', 'off'], { env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR }, encoding: 'utf8' });
    expect(full.stderr).toMatch(/corrupt\.jpg: DISK_FULL: /);
    expect(full.stderr).not.toContain('made by an earlier run');
    // A file that never had an output says nothing of one.
    writeFileSync(join(input, 'new.jpg'), good.subarray(0, 600));
    const third = await cutout(['batch', input, '-o', out, '--refine', 'off', '--resume']);
    expect(third.stderr).toMatch(/^failed {2}\S+new\.jpg: INPUT_UNSUPPORTED: /m);
    expect(third.stderr).not.toMatch(/new_cutout\.png, made by an earlier run/);
  });

  it('batch --mode idphoto --kb makes every photo fit the band, and a resume with another band redoes them', async () => {
    const input = tempDir();
    const out = tempDir();
    // A closed mouth (hv_test1's lips are apart: it fails ICAO for that, exit 3).
    writeFileSync(join(input, 'a.jpg'), readFileSync(evalFile('id_portraits', 'images', 'hv_test2.jpg')));
    const sizeOf = () => readFileSync(join(out, 'a_icao-35x45.jpg')).length;
    expect((await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--refine', 'off', '--kb', '12-18', '-q'])).code).toBe(0);
    expect(sizeOf()).toBeGreaterThanOrEqual(12 * 1024);
    expect(sizeOf()).toBeLessThanOrEqual(18 * 1000);
    const again = await cutout(['batch', input, '-o', out, '--mode', 'idphoto', '--refine', 'off', '--kb', '25-30', '--resume', '-q']);
    expect(again.stdout).toMatch(/^1 done, 0 skipped, 0 failed of 1/m);
    expect(sizeOf()).toBeGreaterThanOrEqual(25 * 1024);
    expect(sizeOf()).toBeLessThanOrEqual(30 * 1000);
  });

  /** Two anime_cutout sprites (truth: their exact alpha) and a scenery-only image made here, whose truth is empty. */
  async function smallAnimeSet(): Promise<string> {
    const set = tempDir();
    mkdirSync(join(set, 'images'));
    mkdirSync(join(set, 'alpha'));
    for (const id of ['ks_akira_basic_lost', 'ks_emi_basic_closedhappy']) {
      copyFileSync(evalFile('anime_cutout', 'images', `${id}.jpg`), join(set, 'images', `${id}.jpg`));
      copyFileSync(evalFile('anime_cutout', 'alpha', `${id}.png`), join(set, 'alpha', `${id}.png`));
    }
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7fb2e5' } }).jpeg().toFile(join(set, 'images', 'zz_sky.jpg'));
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#000000' } }).png().toFile(join(set, 'alpha', 'zz_sky.png'));
    return set;
  }

  it('eval scores an image over the pixel budget at the size it was cut out at, and refuses a picture under one name twice', async () => {
    // A sprite at 2000x1200 (2.4 MP), its truth alike.
    const set = tempDir();
    mkdirSync(join(set, 'images'));
    mkdirSync(join(set, 'alpha'));
    const id = 'ks_akira_basic_lost';
    await sharp(evalFile('anime_cutout', 'images', `${id}.jpg`)).resize(2000, 1200).jpeg({ quality: 95 }).toFile(join(set, 'images', `${id}.jpg`));
    await sharp(evalFile('anime_cutout', 'alpha', `${id}.png`)).resize(2000, 1200).png().toFile(join(set, 'alpha', `${id}.png`));
    const at = async (env: Record<string, string>) => {
      const json = join(tempDir(), 'eval.json');
      const r = await cutout(['eval', '--set', set, '--task', 'anime', '--refine', 'off', '--json', json, '--provider', 'cpu'], env);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(readFileSync(json, 'utf8')) as { images: { width: number; fgIoU: number }[] }).images[0];
    };
    // At 1 MP it is cut out at 1290x774, its truth resized alike (the truth was refused as
    // "2000x1200 but its image is 1290x774", and the set ended there).
    const [whole, budget] = [await at({}), await at({ CUTOUT_MAX_MEGAPIXELS: '1' })];
    expect([whole.width, budget.width]).toEqual([2000, 1290]);
    expect(Math.abs(budget.fgIoU - whole.fgIoU)).toBeLessThan(0.02);
    // One truth for two pictures would be scored twice.
    await sharp(join(set, 'images', `${id}.jpg`)).png().toFile(join(set, 'images', `${id}.png`));
    const twice = await cutout(['eval', '--set', set, '--task', 'anime', '--refine', 'off']);
    expect([twice.code, twice.stderr.trim()]).toEqual([1, `INPUT_UNSUPPORTED: ${join(set, 'images')} holds a picture under one name twice (${id}.jpg and ${id}.png), and each name has one truth: keep one of each`]);
  });

  it('eval reads every picture type the app opens, says truths without a picture, and refuses a truth of another size before any model runs', async () => {
    const set = tempDir();
    mkdirSync(join(set, 'images'), { recursive: true });
    mkdirSync(join(set, 'masks'));
    const id = 'df_img1';
    const picture = sharp(evalFile('id_portraits', 'images', `${id}.jpg`)).resize(200, 270, { fit: 'fill' });
    await picture.clone().tiff().toFile(join(set, 'images', `${id}.tif`));
    await sharp({ create: { width: 200, height: 270, channels: 3, background: '#000' } }).composite([{ input: { create: { width: 100, height: 200, channels: 3, background: '#fff' } }, left: 50, top: 70 }]).png().toFile(join(set, 'masks', `${id}.png`));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toFile(join(set, 'masks', 'lost.png'));
    // A truth of another size, last in the set: refused before the first cut-out (here, before the
    // person model is looked for: none is in this models folder).
    await picture.clone().jpeg().toFile(join(set, 'images', 'zz_half.jpg'));
    await sharp({ create: { width: 100, height: 135, channels: 3, background: '#000' } }).png().toFile(join(set, 'masks', 'zz_half.png'));
    const noModels = tempDir();
    mkdirSync(noModels, { recursive: true });
    const early = await cutout(['eval', '--set', set, '--refine', 'off'], { CUTOUT_MODELS_DIR: noModels });
    expect([early.code, early.stderr.trim()]).toEqual([1, `INPUT_UNSUPPORTED: ${join(set, 'masks', 'zz_half.png')} is 100x135 but its image is 200x270`]);
    rmSync(join(set, 'masks', 'zz_half.png'));
    // The report is never written over the set's own files: a picture, a truth, a truth not scored
    // (--json images/<id> replaced the picture with JSON, exit 0); said before any model is looked for.
    for (const own of [join(set, 'images', `${id}.tif`), join(set, 'masks', `${id}.png`), join(set, 'masks', 'lost.png')]) {
      const before = readFileSync(own);
      const over = await cutout(['eval', '--set', set, '--refine', 'off', '--json', own], { CUTOUT_MODELS_DIR: noModels });
      expect([over.code, over.stderr.trim()]).toEqual([1, `OUTPUT_EXISTS: Refusing to overwrite the input ${own}; choose another output.`]);
      expect(readFileSync(own).equals(before)).toBe(true);
    }
    const json = join(tempDir(), 'eval.json');
    const r = await cutout(['eval', '--set', set, '--refine', 'off', '--json', json, '--provider', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as { images: { id: string; fgIoU: number }[]; withoutTruth: string[]; truthWithoutImage: string[] };
    // The TIFF is scored (a set of TIFFs was said to have no pairs; beside JPEGs it was left out unsaid).
    expect(result.images.map((i) => i.id)).toEqual([id]);
    expect(result.images[0].fgIoU).toBeGreaterThan(0.3);
    expect([result.withoutTruth, result.truthWithoutImage]).toEqual([['zz_half.jpg'], ['lost.png']]);
    expect(r.stdout).toMatch(/^truths without a picture of the same name, not scored: 1 \(lost\.png\)$/m);
    expect(r.stdout.split('\n')[0]).toMatch(/, refine off, 1 image, ground truth binary mask$/);
    // A picture cut short (its header reads, its data does not): said and left out, the others
    // scored, exit 1 (it stopped the set with no table, the images scored before it lost).
    const whole = await picture.clone().jpeg().toBuffer();
    writeFileSync(join(set, 'images', 'zz_short.jpg'), whole.subarray(0, Math.floor(whole.length / 2)));
    await sharp({ create: { width: 200, height: 270, channels: 3, background: '#000' } }).png().toFile(join(set, 'masks', 'zz_short.png'));
    const short = await cutout(['eval', '--set', set, '--refine', 'off', '--json', json, '--provider', 'cpu']);
    expect([short.code, short.stderr.trim()]).toEqual([1, expect.stringMatching(/^INPUT_UNSUPPORTED: \S+zz_short\.jpg could not be decoded: it is corrupt or truncated/)]);
    expect(short.stdout).toMatch(/^pictures that could not be cut out, not scored: 1 \(zz_short: INPUT_UNSUPPORTED\)$/m);
    const partial = JSON.parse(readFileSync(json, 'utf8')) as { images: { id: string }[]; unscored: { id: string; code: string }[] };
    expect([partial.images.map((i) => i.id), partial.unscored.map((u) => [u.id, u.code])]).toEqual([[id], [['zz_short', 'INPUT_UNSUPPORTED']]]);
  });

  it('eval scores a set per image and pooled, and counts images with an empty truth', async () => {
    const set = await smallAnimeSet();
    const json = join(tempDir(), 'eval.json');
    const r = await cutout(['eval', '--set', set, '--task', 'anime', '--refine', 'off', '--json', json, '--provider', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pooled fg IoU: 0\.\d{4} \(over the pixels of all images\)$/m);
    expect(r.stdout).toMatch(/^images with an empty truth: 1 /m);
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      images: { id: string; fgIoU: number; counts: { fgInter: number; fgUnion: number }; unsureShare: number; needsReview: boolean; isEmpty?: boolean }[];
      pooled: { fgIoU: number };
      emptyTruth: number;
      review: { threshold: number; flagged: number; empty: number; good: number; goodFlagged: number; poor: number; poorFlagged: number };
    };
    expect(result.emptyTruth).toBe(1);
    // The review flag per image is the model's threshold applied to its unsure share, or a cut-out
    // with nothing found (the sky, rightly: it has no character); the summary counts the images
    // with a truth by fg IoU (the empty-truth one is in neither group).
    expect(result.review.threshold).toBe(0.08);
    for (const i of result.images) expect(i.needsReview).toBe(i.unsureShare > 0.08 || i.isEmpty === true);
    expect(result.images.find((i) => i.id === 'zz_sky')).toMatchObject({ isEmpty: true, needsReview: true });
    expect(result.review.flagged).toBe(result.images.filter((i) => i.needsReview).length);
    expect(result.review.empty).toBe(1);
    expect(result.review.good + result.review.poor).toBe(2);
    expect(r.stdout).toContain(`flagged for review (unsure share > 0.08, or nothing found): ${result.review.flagged}, 1 of them with nothing found;`);
    const sprites = result.images.filter((i) => i.id !== 'zz_sky');
    expect(sprites.every((i) => i.fgIoU > 0.8)).toBe(true);
    // Pooled = summed intersections over summed unions, whatever the sky image scored per image.
    const inter = result.images.reduce((a, i) => a + i.counts.fgInter, 0);
    const union = result.images.reduce((a, i) => a + i.counts.fgUnion, 0);
    expect(result.pooled.fgIoU).toBeCloseTo(inter / union, 12);
  }, 120_000);

  it("training-data's pairs score in eval as their alphas do (its 0/1 class ids read as 1/255: fg IoU 0), and an image without a truth is said", async () => {
    const ids = ['ks_akira_basic_lost', 'ks_emi_basic_closedhappy'];
    const dir = tempDir();
    const pairs = join(dir, 'pairs');
    // A file that is no picture, between the two: said with its code, and the other pair is still written (it stopped the export at it).
    const notAPicture = join(dir, 'notes.jpg');
    writeFileSync(notAPicture, 'not a picture');
    const inputs = [evalFile('anime_cutout', 'images', `${ids[0]}.jpg`), notAPicture, evalFile('anime_cutout', 'images', `${ids[1]}.jpg`)];
    const made = await cutout(['training-data', ...inputs, '-o', pairs, '--subject', 'anime', '--alphas', evalFile('anime_cutout', 'alpha'), '--provider', 'cpu']);
    expect(made.code).toBe(1);
    expect(made.stdout.match(/label from alpha/g)).toHaveLength(2);
    expect(made.stderr).toMatch(new RegExp(`^INPUT_UNSUPPORTED: ${notAPicture.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `, 'm'));
    expect(made.stderr).toMatch(/^1 of 3 inputs failed \(listed above\); the other pairs are written$/m);
    expect(readdirSync(join(pairs, 'annotations')).sort()).toEqual(ids.map((id) => `${id}.png`));
    // One image more, with no annotation of its name.
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#7fb2e5' } }).jpeg().toFile(join(pairs, 'images', 'zz_extra.jpg'));
    const json = join(dir, 'eval.json');
    const r = await cutout(['eval', '--set', pairs, '--task', 'anime', '--refine', 'off', '--json', json, '--provider', 'cpu']);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as { images: { id: string; fgIoU: number }[]; emptyTruth: number; withoutTruth: string[] };
    expect(result.emptyTruth).toBe(0);
    expect(result.images.map((i) => i.id)).toEqual(ids);
    for (const i of result.images) expect(i.fgIoU, i.id).toBeGreaterThan(0.8);
    expect(result.withoutTruth).toEqual(['zz_extra.jpg']);
    expect(r.stdout).toMatch(/^images without a truth of the same name, not scored: 1 \(zz_extra\.jpg\)$/m);
    // An alpha file given where a folder of them goes is refused, not passed over for the model's label;
    // -o naming a file is said as such.
    const alphaFile = evalFile('anime_cutout', 'alpha', `${ids[0]}.png`);
    const asFile = await cutout(['training-data', evalFile('anime_cutout', 'images', `${ids[0]}.jpg`), '-o', join(dir, 'x'), '--alphas', alphaFile]);
    expect([asFile.code, asFile.stderr]).toEqual([2, expect.stringContaining(`--alphas names a folder holding <name>.png for each input; ${alphaFile} is a file`)]);
    const intoFile = await cutout(['training-data', evalFile('anime_cutout', 'images', `${ids[0]}.jpg`), '-o', join(dir, 'eval.json'), '--subject', 'anime', '--refine', 'off']);
    expect(intoFile.code).not.toBe(0);
    expect(intoFile.stderr).toMatch(/^OUTPUT_NOT_WRITABLE: /m);
  }, 120_000);

  it('eval --sticker scores the sticker path at its working size, with the sticker threshold', async () => {
    const set = await smallAnimeSet();
    const json = join(tempDir(), 'eval-sticker.json');
    const r = await cutout(['eval', '--set', set, '--task', 'anime', '--sticker', '--max-side', '160', '--json', json, '--provider', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Set .*: model anime-seg on cpu, sticker path at 160 px, 3 images/);
    expect(r.stdout).toMatch(/^flagged for review \(unsure share > 0\.08\): \d+; of the good frames/m);
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      stickerSidePx: number;
      images: { id: string; width: number; height: number; fgIoU: number; unsureShare: number; needsReview: boolean; reviewThreshold: number }[];
      emptyTruth: number;
    };
    expect(result.stickerSidePx).toBe(160);
    // Scored at the working size: the long side area-averaged to 160 px (the sky image 320x240 -> 160x120).
    expect(result.images.find((i) => i.id === 'zz_sky')).toMatchObject({ width: 160, height: 120 });
    for (const i of result.images) {
      expect(Math.max(i.width, i.height)).toBe(160);
      expect(i.reviewThreshold).toBe(0.08);
      expect(i.needsReview).toBe(i.unsureShare > 0.08);
    }
    expect(result.emptyTruth).toBe(1);
    expect(result.images.filter((i) => i.id !== 'zz_sky').every((i) => i.fgIoU > 0.8)).toBe(true);
    const bad = await cutout(['eval', '--set', set, '--task', 'anime', '--max-side', '160']);
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --max-side goes with --sticker']);
    const refined = await cutout(['eval', '--set', set, '--task', 'anime', '--sticker', '--refine', 'fast']);
    expect([refined.code, refined.stderr.trim()]).toEqual([2, 'INVALID_ARGUMENT: --refine does not go with --sticker (sticker frames are not refined)']);
  }, 120_000);

  it('anime: says which cut-outs need a look (a real clip frame the model is unsure of), and not for a clean one', async () => {
    // Middle frames of two eval clips: the Waifu2x hamster, which the model mostly loses (its map
    // sits near 0.5), and an AnimateDiff girl it cuts out cleanly (docs/quality.md, the unsure share).
    const dir = tempDir();
    const frames = [reviewFrame('hamster', dir), reviewFrame('girl', dir)];
    const out = join(dir, 'out');
    // With a file that fails among them: the count is of the cut-outs made (it read "1 of 3").
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, 'not a picture');
    const r = await cutout(['anime', ...frames, broken, '-o', out, '--provider', 'cpu']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const hamster = lines.findIndex((l) => l.includes('hamster.png ->'));
    expect(lines[hamster + 1]).toMatch(/^  check it: \d+ % of the cut-out is half transparent where the model was unsure/);
    const girl = lines.findIndex((l) => l.includes('girl.png ->'));
    expect(lines[girl + 1] ?? '').not.toMatch(/^  check it/);
    expect(lines.at(-1)).toBe('1 of 2 cut-outs made need a look (see "check it" above)');
    // Named as a batch of anime pictures names them (they were NAME_cutout.png, a batch's NAME_anime.png).
    expect(readdirSync(out).sort()).toEqual(['girl_anime.png', 'hamster_anime.png']);
    // A batch takes no --trimap: its line names the command that does.
    const batch = await cutout(['batch', ...frames, '-o', join(dir, 'batch'), '--mode', 'anime', '--provider', 'cpu']);
    // What to do is said once, under the count (each file's line said it).
    expect(batch.stderr).toMatch(/^check   \S*hamster\.png -> \S+: \d+ % of the cut-out is half transparent where the model was unsure$/m);
    expect(batch.stdout).toContain('1 cut-out needs a look (needs_review in report.csv): touch it up with the brushes in the app (or one file at a time: `cutout anime FILE -o OUT.png --trimap TRIMAP.png`)');
    // Resumed with -q, the one done before is counted, not listed again.
    const quiet = await cutout(['batch', ...frames, '-o', join(dir, 'batch'), '--mode', 'anime', '--provider', 'cpu', '--resume', '-q']);
    expect(quiet.stderr).not.toMatch(/^check /m);
    expect(quiet.stdout).toContain('1 cut-out needs a look (needs_review in report.csv): touch it up');
  }, 120_000);

  it('portrait: an animated GIF is cut out from its first frame, and said so', async () => {
    const dir = tempDir();
    const gif = join(dir, 'anim.gif');
    // Three frames of 120 x 90, one above the other as sharp takes pages.
    const raw = Buffer.alloc(120 * 90 * 3 * 4);
    for (let p = 0; p < 3; p++) for (let i = 0; i < 120 * 90; i++) raw.set([60 * p, 120, 200, 255], (p * 120 * 90 + i) * 4);
    await sharp(raw, { raw: { width: 120, height: 270, channels: 4, pageHeight: 90 } }).gif().toFile(gif);
    const r = await cutout(['portrait', gif, '-o', join(dir, 'anim.png'), '--provider', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`note: ${gif} is an animation of 3 frames: only its first frame was cut out (\`cutout sticker\` makes an animated sticker of it)`);
    expect((await sharp(join(dir, 'anim.png')).metadata()).height).toBe(90);
  }, 60_000);

  it('a picture over the pixel budget (CUTOUT_MAX_MEGAPIXELS) is cut out at its largest size within it, and said so; a bad budget is refused', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    const big = join(dir, 'in', 'big.jpg');
    await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(1516, 2048).jpeg({ quality: 92 }).toFile(big);
    const budget = { CUTOUT_MAX_MEGAPIXELS: '1' };
    const said = '1516x2048 (3.1 MP), more pixels than a cut-out is made of: it was cut out at 860x1162 (1.0 MP)';
    const r = await cutout(['portrait', big, '-o', join(dir, 'big.png'), '--refine', 'off', '--provider', 'cpu'], budget);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`-> ${join(dir, 'big.png')} (860x1162,`);
    expect(r.stderr).toContain(`note: ${big} is ${said}`);
    expect(await sharp(join(dir, 'big.png')).metadata()).toMatchObject({ width: 860, height: 1162 });
    // A batch says it in its line and in report.csv's note column.
    const out = join(dir, 'out');
    const b = await cutout(['batch', join(dir, 'in'), '-o', out, '--mode', 'portrait', '--refine', 'off', '--provider', 'cpu'], budget);
    expect(b.code).toBe(0);
    expect(b.stderr).toContain(`(a picture of ${said})`);
    expect(readFileSync(join(out, 'report.csv'), 'utf8').split('\r\n')[1]).toMatch(new RegExp(`,"a picture of ${said.replace(/[().]/g, '\\$&')}"$`));
    // Resumed, the file done before still says it (its line said only "skipped ... (done before)").
    const resumed = await cutout(['batch', join(dir, 'in'), '-o', out, '--mode', 'portrait', '--refine', 'off', '--provider', 'cpu', '--resume'], budget);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`skipped ${big} -> ${join(out, 'big_cutout.png')} (done before with these options, the file unchanged since; a picture of ${said})`);
    // Within the default budget of 80 MP nothing is said.
    const plain = await cutout(['portrait', big, '-o', join(dir, 'plain.png'), '--refine', 'off', '--provider', 'cpu']);
    expect(plain.stderr).not.toContain('more pixels');
    expect(await sharp(join(dir, 'plain.png')).metadata()).toMatchObject({ width: 1516, height: 2048 });
    // A wrong budget is a usage error (exit 2); past 250 MP libvips' own limit would fail the encoders.
    for (const value of ['0.5', '300']) {
      const bad = await cutout(['portrait', big, '-o', join(dir, 'bad.png')], { CUTOUT_MAX_MEGAPIXELS: value });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe(`INVALID_ARGUMENT: CUTOUT_MAX_MEGAPIXELS must be a number of megapixels from 1 to 250, got "${value}"\n`);
    }
  }, 120_000);

  it('portrait: a picture with no one in it is written, and said to be empty (it was an all-transparent PNG, silently)', async () => {
    const dir = tempDir();
    const picture = join(dir, 'plain.png');
    await sharp({ create: { width: 400, height: 300, channels: 3, background: '#4080c0' } }).png().toFile(picture);
    const r = await cutout(['portrait', picture, '-o', join(dir, 'plain_cutout.png'), '--provider', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')[1]).toBe('  check it: nothing was found to cut out: the cut-out is empty (no person found; one small in a large picture can be missed: crop closer); try `cutout anime`, or paint Keep over the subject in the app (or pass --trimap)');
    // With a trimap given, its hint is to touch that one up ("pass --trimap" was said to one who had).
    const trimap = join(dir, 'all-background.png');
    await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000000' } }).png().toFile(trimap);
    const t = await cutout(['portrait', picture, '-o', join(dir, 'plain_trimap.png'), '--trimap', trimap]);
    expect(t.code).toBe(0);
    expect(t.stdout.trim().split('\n')[1]).toBe(`  check it: nothing was found to cut out: the cut-out is empty (no person found; one small in a large picture can be missed: crop closer); try \`cutout anime\`, or paint Keep over the subject in the app (or touch up ${trimap})`);
  }, 60_000);
});
