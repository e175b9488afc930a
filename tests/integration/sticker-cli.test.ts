// `cutout sticker` through runCli: a real clip to a GIF with the summary line, and bad input /
// bad flags mapped to their codes and exit status.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/index';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { pngChunk } from '../../src/main/core/image/png-chunk';
import type { CliIo } from '../../src/main/cli/command';
import { evalFile, longCharacterClip, SHARED_MODELS_DIR, tempDir } from '../helpers/env';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false, signal: new AbortController().signal };
}

describe('cutout sticker (CLI)', () => {
  process.env.CUTOUT_MODELS_DIR ??= SHARED_MODELS_DIR;

  it('makes a GIF from a trimmed clip and prints what it wrote', async () => {
    const out = join(tempDir(), 's.gif');
    const o = io();
    const code = await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'), '-o', out, '--start', '0.5', '--duration', '1', '--fps', '10', '--max-side', '128', '--outline', '2'], o);
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
    // (Drawn 7.7 times a second, some of its frames at 10 fps repeat: merged, and said so.)
    expect(o.lines.join('\n')).toMatch(/-> .*s\.gif \(gif, \d+x\d+, \d+ frames \(of 10 taken at 10\.00 fps: repeats merged\), [\d.]+ KB, anime-seg on cpu, /);
    // Off a terminal: one line in words as each stage begins, not a line per step, the encode before it ends.
    expect(o.errors).toEqual(['reading…', 'segmenting…', 'compositing…', 'encoding…', 'writing…']);
    expect(o.lines.join('\n')).not.toMatch(/written over/);
    expect(o.errors.join('\n')).not.toMatch(/chat apps/);
    // Made again (named without its extension, which --format gives): the sticker there is written
    // over, and the line says so (it was unsaid).
    const again = io();
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'), '-o', out.replace(/\.gif$/, ''), '--format', 'gif', '--start', '0.5', '--duration', '1', '--fps', '10', '--max-side', '128'], again)).toBe(0);
    expect(again.lines[0]).toMatch(/-> .*s\.gif \(gif, .*, written over the file there\)$/);
  });

  it('makes a GIF asked for above 50 fps at 50 (no 10 ms delay, which browsers play at 100 ms), and says so', async () => {
    const out = join(tempDir(), 'fast.gif');
    const o = io();
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), '-o', out, '--duration', '1', '--fps', '60', '--max-side', '64'], o)).toBe(0);
    // The clip's 8 drawings a second taken at 50 repeat: merged into their delays, which the line says
    // ("N frames at 50.00 fps" read of delays of 100 to 140 ms).
    const [made, taken] = o.lines[0].match(/ (\d+) frames \(of (\d+) taken at 50\.00 fps: repeats merged\), /)!.slice(1).map(Number);
    expect(made).toBeLessThan(taken);
    expect(o.errors).toContain('note: a GIF plays 50 frames a second at most (browsers slow shorter delays to 100 ms): it is made at 50 fps');
    const { delay } = await sharp(out).metadata();
    expect(delay!.length).toBeGreaterThan(1);
    expect(Math.min(...delay!)).toBeGreaterThanOrEqual(20);
    // A WebP keeps the 60 asked for (its delays are whole milliseconds).
    const webp = join(tempDir(), 'fast.webp');
    const w = io();
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), '-o', webp, '--duration', '1', '--fps', '60', '--max-side', '64'], w)).toBe(0);
    expect(w.lines.join('\n')).toMatch(/ frames \(of \d+ taken at 60\.00 fps: repeats merged\), /);
  });

  it('a LINE sticker plays whole seconds: a part of 1.3 s plays in 1 s, and it is said', async () => {
    const o = io();
    const out = join(tempDir(), 'line.png');
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), '-o', out, '--preset', 'line', '--duration', '1.3', '--max-side', '64', '--plays', '0'], o)).toBe(0);
    // The platform's own size and plays: --max-side and --plays are said not to be used (they were dropped unsaid).
    expect(o.errors).toContain('note: the LINE animated sticker has its own size (within 320x270): --max-side is not used');
    expect(o.errors).toContain('note: the LINE animated sticker plays up to 4 times, 4 s in all: --plays is not used');
    expect(o.errors).toContain('note: a LINE animated sticker plays a whole number of seconds (1 to 4): this one plays 1 s, of a part 1.3 s long');
    const [frames, fps] = o.lines[0].match(/(\d+) frames at ([\d.]+) fps/)!.slice(1).map(Number);
    expect(frames / fps).toBeCloseTo(1, 2);
    // An APNG named .png (a LINE sticker; here ours, with 3 KB of text before its animation chunk,
    // as an editor's colour profile puts there, past where ffmpeg looks for it) is a clip in its
    // turn: made into a GIF of its frames (it was refused as "a still picture"), and a cut-out of
    // it says only its first frame was cut out (it was cut out as a still, unsaid).
    const png = readFileSync(out);
    const comment = Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(3000, 'x')]);
    const shared = join(tempDir(), 'shared.png');
    writeFileSync(shared, Buffer.concat([png.subarray(0, 33), pngChunk('tEXt', comment), png.subarray(33)]));
    const again = io();
    const gif = join(tempDir(), 'from-line.gif');
    expect(await runCli(['sticker', shared, '-o', gif, '--max-side', '64'], again)).toBe(0);
    const made = again.lines[0].match(/\((gif), \d+x\d+, (\d+) frames/);
    expect(made?.[1]).toBe('gif');
    expect(Number(made?.[2])).toBeGreaterThan(1);
    expect((await sharp(gif).metadata()).pages).toBe(Number(made?.[2]));
    const cut = io();
    expect(await runCli(['anime', shared, '-o', join(tempDir(), 'first.png'), '--refine', 'off'], cut)).toBe(0);
    expect(cut.errors).toContain(`note: ${shared} is an animation of ${frames} frames: only its first frame was cut out (\`cutout sticker\` makes an animated sticker of it)`);
  });

  it('takes a folder as OUT (CLIP_sticker.EXT in it), a time as a player shows it, and colour names', async () => {
    const dir = tempDir();
    const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');
    const o = io();
    expect(await runCli(['sticker', clip, '-o', dir, '--start', '0:00.5', '--duration', '0:01', '--max-side', '64', '--matte', 'black', '--outline', '1', '--outline-color', 'Red'], o)).toBe(0);
    expect(o.lines[0]).toContain(`-> ${join(dir, 'animatediff_model07_01_sticker.gif')} (gif, `);
    expect(existsSync(join(dir, 'animatediff_model07_01_sticker.gif'))).toBe(true);
    // Into a folder named with a slash, that is not there yet, with the extension of --format.
    const w = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'webp') + '/', '--format', 'webp', '--duration', '0.5', '--max-side', '64'], w)).toBe(0);
    expect(existsSync(join(dir, 'webp', 'animatediff_model07_01_sticker.webp'))).toBe(true);
    // A wrong command line makes no folder.
    const bad = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'never') + '/', '--fps', '0'], bad)).toBe(2);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('says when a sticker was made smaller than its preset to fit the byte budget', async () => {
    const o = io();
    const out = join(tempDir(), 'op.gif');
    // The 60-fps web clip drawn 24 times a second, at 15 fps: 80 frames, none repeated. (One Piece,
    // on threes, fits whole now that a GIF merges the frames of a held drawing: 54 of them, 474 KB.)
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'), '-o', out, '--preset', 'wechat', '--fps', '15'], o)).toBe(0);
    expect(o.errors).toContain("note: made smaller to fit the WeChat GIF sticker's 500 KB");
    // A preset's sticker has its budget: nothing said of chat apps' sizes.
    expect(o.errors.join('\n')).not.toMatch(/chat apps/);
    // The file stays the 240 x 240 square the sticker platform takes: the sticker on it is smaller.
    expect(o.lines[0]).toMatch(/\(gif, 240x240,/);
    const { width, height, pages } = await sharp(out).metadata();
    expect([width, height]).toEqual([240, 240]);
    expect(pages).toBeGreaterThan(1);
  }, 120_000);

  it('says when a sticker made without a preset is bigger than chat apps take, and how to make it lighter', async () => {
    const o = io();
    const out = join(tempDir(), 'big.png');
    // A second of the 60-fps web clip as a true-colour APNG of 356 x 348: about 1.9 MB.
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'), '-o', out, '--duration', '1', '--fps', '12', '--max-side', '512'], o)).toBe(0);
    const bytes = readFileSync(out).length;
    expect(bytes).toBeGreaterThan(500_000);
    const kb = (Math.ceil(bytes / 100) / 10).toFixed(1);
    // The platforms that take an APNG, and what would lighten this one: a palette (it has none).
    expect(o.errors).toContain(
      `note: ${kb} KB is more than chat apps take for a sticker (Discord 500 KB; LINE 300 KB); --preset NAME fits it to one, and --size small, a shorter --duration, a lower --fps or --colors 64 (a palette) makes it lighter`,
    );
    // A batch's report says it too, in words the app's Batch workspace has controls for (no flags).
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'), '-t', '1', '-an', '-c:v', 'libx264', '-crf', '18', join(dir, 'in', 'web.mp4')]);
    const b = io();
    expect(await runCli(['batch', join(dir, 'in'), '-o', join(dir, 'out'), '--mode', 'sticker', '--format', 'apng', '--fps', '12', '--max-side', '512'], b)).toBe(0);
    const report = readFileSync(join(dir, 'out', 'report.csv'), 'utf8');
    expect(report).toMatch(/\d+\.\d KB is more than chat apps take for a sticker \(Discord 500 KB; LINE 300 KB\); a platform preset fits it to one, and a smaller size, a shorter part, a lower frame rate or fewer colours makes it lighter/);
  }, 120_000);

  it('with no --fps, a clip drawn on threes is made as drawn, and says so', async () => {
    const o = io();
    const out = join(tempDir(), 'op.gif');
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), '-o', out, '--duration', '2', '--max-side', '96'], o)).toBe(0);
    expect(o.errors).toContain('note: the clip holds each drawing for 3 frames (7.99 drawings a second): the sticker is made as drawn, each drawing one frame held as long as in the clip (--fps sets a steady rate)');
    // The part's first drawing is on screen for one frame of it (42 ms), most of the rest for three (125 ms): 17 frames in 2 s.
    // (17 in 2.00 s: the part's length, shared by the frames planned for it; 8.49 when a frame was 1/23.976 s.)
    expect(o.lines[0]).toMatch(/ 17 frames as drawn, 8\.50 a second on average, /);
    const delay = (await sharp(out, { animated: true }).metadata()).delay ?? [];
    expect(delay.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(delay[0]).toBe(40);
    expect(delay.filter((d) => d === 120 || d === 130).length).toBeGreaterThanOrEqual(12);
    // LINE takes 20 frames at most: 4 s of it keep every 2nd drawing (5 fps took them unevenly), and the note says so.
    const line = io();
    const linePng = join(tempDir(), 'op.png');
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), '-o', linePng, '--duration', '4', '--preset', 'line'], line)).toBe(0);
    // Its 31 drawings, the first on screen for one frame of the part (42 ms, shorter than LINE's 20 a second allow, so it takes the next one's time): 30, every 2nd kept.
    expect(line.lines[0]).toMatch(/ 15 frames as drawn, 3\.75 a second on average, /);
    expect(line.errors).toContain("note: the clip holds each drawing for 3 frames (7.99 drawings a second): the sticker is made as drawn, each drawing one frame held as long as in the clip; 1 drawing is left out where the drawings came faster than the format or platform plays frames, its time given to the drawing before; only every 2nd drawing is kept (the platform's frame or byte limit), each for its time and the next one's (--fps sets a steady rate)");
    // The file holds them once each, not once a decoded frame (ffmpeg's steady-rate encoder's way).
    const file = readFileSync(linePng);
    expect(file.readUInt32BE(file.indexOf('acTL') + 4)).toBe(15);
  }, 120_000);

  it('a batch of clips made as drawn: the report names no CLI flag (the app reads it too), the CLI says --fps once', async () => {
    const dir = tempDir();
    const inDir = join(dir, 'in');
    mkdirSync(inDir);
    // The first 2 s of the clip drawn on threes, made smaller (its drawings held as they are).
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), '-t', '2', '-vf', 'scale=160:-2', '-an', '-c:v', 'libx264', '-crf', '18', join(inDir, 'op.mp4')]);
    const o = io();
    expect(await runCli(['batch', inDir, '-o', join(dir, 'out'), '--mode', 'sticker', '--max-side', '96'], o)).toBe(0);
    const done = o.errors.find((l) => l.startsWith('done '));
    expect(done).toMatch(/the sticker is made as drawn, each drawing one frame held as long as in the clip\)$/);
    expect(o.lines).toContain('1 clip was made as drawn (the note says so): --fps N makes every clip at a steady rate');
    const report = readFileSync(join(dir, 'out', 'report.csv'), 'utf8');
    expect(report).toContain('made as drawn');
    expect(report).not.toContain('--fps');
  }, 120_000);

  it('says when a preset cuts the part (asked for or the rest of the clip) or --duration runs past the end, and reads a negative value plainly', async () => {
    const dir = tempDir();
    const clip = join(dir, 'long.mp4');
    longCharacterClip(clip, { durationS: 14, width: 160, height: 120, fps: 6 });
    let o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'w.gif'), '--preset', 'wechat', '--start', '1', '--duration', '12'], o)).toBe(0);
    const cut = 'note: a WeChat GIF sticker lasts at most 10 s: this one is the first 10 s of the part; pick another part with --start / --duration';
    expect(o.errors).toContain(cut);
    // No length asked: the rest of the clip (13 s) was cut just the same, and said (it was not).
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'w2.gif'), '--preset', 'wechat', '--start', '1'], o)).toBe(0);
    expect(o.errors).toContain(cut);
    // Past the clip's end: 8 s asked from 10 s of 14.
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'end.gif'), '--start', '10', '--duration', '8', '--max-side', '64'], o)).toBe(0);
    expect(o.errors).toContain('note: the clip ends 4.00 s after the start asked, so the sticker is that long');
    // A start past the clip's end is a wrong command line, exit 2 as a value out of range (it exited 1).
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'past.gif'), '--start', '15'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: --start 15s is past the end of the clip (14.00s)');
    // Within the clip and the preset nothing is said.
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'ok.gif'), '--preset', 'wechat', '--start', '1', '--duration', '3'], o)).toBe(0);
    expect(o.errors.filter((l) => l.startsWith('note:'))).toEqual([]);
    o = io();
    // A negative number after the flag is its value, said by what the flag takes (it said to write --duration=-2, refused as well).
    expect(await runCli(['sticker', clip, '-o', join(dir, 'n.gif'), '--duration', '-2'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: duration must be > 0 s, got -2');
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'n.gif'), '--duration=-2'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: duration must be > 0 s, got -2');
    // One frame is "1 frame".
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'one.gif'), '--duration', '0.1', '--fps', '4', '--max-side', '64'], o)).toBe(0);
    expect(o.lines[0]).toMatch(/, 1 frame at /);
  });

  it('says which frames of a sticker need a look, and nothing for a clean clip', async () => {
    const dir = tempDir();
    let o = io();
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif'), '-o', join(dir, 'hamster.gif')], o)).toBe(0);
    expect(o.lines[1]).toMatch(/^  check it: in \d+ of the 10 frames taken from the clip, the model was unsure over a broad area \(median \d+ % half transparent; at 0\.00–.*s\); trim those frames away, try --model person, or paint Keep \/ Remove strokes \(--strokes\)$/);
    o = io();
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), '-o', join(dir, 'girl.gif')], o)).toBe(0);
    expect(o.lines).toHaveLength(1);
  });

  it('--strokes: a Remove stroke over the whole frame leaves no subject (NO_SUBJECT, nothing written); a bad strokes file exits 2 (not JSON, not strokes, a folder), a missing one 1', async () => {
    const dir = tempDir();
    const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');
    const strokes = join(dir, 'strokes.json');
    writeFileSync(strokes, JSON.stringify([{ mode: 'bg', size: 1, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 1, y: 0 }, { x: 0, y: 1 }] }]));
    let o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'gone.gif'), '--max-side', '96', '--strokes', strokes], o)).toBe(1);
    expect(o.errors.at(-1)).toMatch(/^NO_SUBJECT: No character was found in any of the \d+ frames/);
    expect(existsSync(join(dir, 'gone.gif'))).toBe(false);
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'x.gif'), '--strokes', join(dir, 'missing.json')], o)).toBe(1);
    expect(o.errors.at(-1)).toMatch(/^INPUT_NOT_FOUND: /);
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'x.gif'), '--strokes', dir], o)).toBe(2);
    expect(o.errors.at(-1)).toBe(`INVALID_ARGUMENT: Cannot read the strokes file ${dir}`);
    writeFileSync(strokes, '[{"mode":');
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'x.gif'), '--strokes', strokes], o)).toBe(2);
    expect(o.errors.at(-1)).toMatch(/^INVALID_ARGUMENT: .*is not JSON/);
    writeFileSync(strokes, JSON.stringify([{ mode: 'keep', size: 0.1, points: [{ x: 0.5, y: 0.5 }] }]));
    o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'x.gif'), '--strokes', strokes], o)).toBe(2);
    expect(o.errors.at(-1)).toMatch(/^INVALID_ARGUMENT: stroke 1: mode must be fg/);
  });

  it('a clip too long for one sticker: says which part it made', async () => {
    const dir = tempDir();
    const clip = join(dir, 'long.mp4');
    longCharacterClip(clip, { durationS: 40, width: 160, height: 120, fps: 12 });
    const o = io();
    expect(await runCli(['sticker', clip, '-o', join(dir, 'long.gif'), '--max-side', '96', '--start', '5'], o)).toBe(0);
    expect(o.errors).toContain('note: the clip is longer than one sticker holds (360 frames at this size and fps): this one is the 30.00 s from 5.00 s; pick another part with --start / --duration');
  });

  it('a GIF cut short (its file ends inside its frames) is made of the frames there, and said so', async () => {
    const dir = tempDir();
    const whole = evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif');
    const cut = join(dir, 'cut.gif');
    writeFileSync(cut, readFileSync(whole).subarray(0, 200_000));
    const o = io();
    expect(await runCli(['sticker', cut, '-o', join(dir, 'cut.webp'), '--max-side', '96', '--fps', '8'], o)).toBe(0);
    expect(o.errors).toContainEqual(expect.stringMatching(/^note: \S+cut\.gif: the file is cut short \(a GIF without its end\): its last frames are missing, and its frames stop at 0\.9\d s$/));
    // The whole GIF says nothing of the kind.
    const full = io();
    expect(await runCli(['sticker', whole, '-o', join(dir, 'whole.webp'), '--max-side', '96', '--fps', '8', '--duration', '0.5'], full)).toBe(0);
    expect(full.errors.join('\n')).not.toContain('cut short');
  });

  it('exits with the code for a fake .mp4 and for bad flags (2 for what the command line\'s own checks refuse)', async () => {
    const dir = tempDir();
    const fake = join(dir, 'fake.mp4');
    writeFileSync(fake, 'not a video');
    let o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif')], o)).toBe(1);
    expect(o.errors.at(-1)).toMatch(/^VIDEO_CORRUPT: /);
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.bmp')], o)).toBe(2);
    expect(o.errors.at(-1)).toMatch(/^INVALID_ARGUMENT: /);
    o = io();
    // Values out of range are the command line's too (checked before the video is read).
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--preset', 'myspace'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: Unknown preset "myspace". Use line, telegram, discord or wechat.');
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--preset', 'lien'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: Unknown preset "lien". Did you mean line? Use line, telegram, discord or wechat.');
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--fps', '2.5x'], o)).toBe(2);
    expect(o.errors.at(-1)).toMatch(/^INVALID_ARGUMENT: --fps must be a number, got "2.5x"/);
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--colors', '12.5'], o)).toBe(2);
    expect(o.errors.at(-1)).toMatch(/^INVALID_ARGUMENT: --colors must be a whole number, got "12.5"/);
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--dither', 'floyd'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: --dither must be none or ordered, got "floyd"');
    expect(existsSync(join(dir, 'x.gif'))).toBe(false);
    // A preset's file under a name of another kind (.out) is refused before any work.
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'line.out'), '--preset', 'line'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe(`INVALID_ARGUMENT: The line preset makes APNG, but ${join(dir, 'line.out')} is named otherwise: name it .png`);
    // --format and a name of another format: the command line's own check too (it exited 1).
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--format', 'webm'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe(`INVALID_ARGUMENT: This sticker is WebM, but ${join(dir, 'x.gif')} is named as GIF: name it .webm`);
    expect(existsSync(join(dir, 'line.out'))).toBe(false);
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--start', '1:75'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: --start must be seconds (62.5) or a time (1:02.5), got "1:75"');
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.gif'), '--matte', 'green'], o)).toBe(2);
    expect(o.errors.at(-1)).toBe('INVALID_ARGUMENT: --matte must be a colour, #RRGGBB or white, black, blue (ID blue #438EDB), red (#D9342B) or grey (light, #F0F0F0); got "green"');
    // A matte or palette the format has not: said before the clip is read (they were dropped unsaid).
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.webm'), '--matte', 'black', '--colors', '48'], o)).toBe(1);
    expect(o.errors[0]).toBe("note: these are not used: --matte (a WebM keeps its soft edge: a GIF's 1-bit edge is blended with the matte); --colors (a WebM is not written with a palette)");
    o = io();
    expect(await runCli(['sticker', fake, '-o', join(dir, 'x.png'), '--dither', 'ordered'], o)).toBe(1);
    expect(o.errors[0]).toBe('note: this is not used: --dither (an APNG is not written with a palette unless --colors is given)');
    // A preset's APNG may need a palette for its byte budget, and a GIF has one: nothing to say.
    for (const args of [['-o', join(dir, 'line.png'), '--preset', 'line', '--dither', 'ordered'], ['-o', join(dir, 'x.gif'), '--dither', 'ordered', '--matte', 'black', '--colors', '32']]) {
      o = io();
      expect(await runCli(['sticker', fake, ...args], o)).toBe(1);
      expect(o.errors.join('\n')).not.toContain('not used');
    }
    // Into a folder that cannot be made: said before the clip is read (it was after all the work).
    writeFileSync(join(dir, 'notes.txt'), 'a file');
    o = io();
    expect(await runCli(['sticker', evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'), '-o', join(dir, 'notes.txt', 's.gif')], o)).toBe(1);
    expect(o.errors).toEqual([`OUTPUT_NOT_WRITABLE: Cannot write ${join(dir, 'notes.txt')}: ${join(dir, 'notes.txt')} is a file, not a folder.`]);
  });
});
