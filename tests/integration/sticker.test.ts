// Clip -> sticker end to end with the real model, ffmpeg, gifenc and sharp on eval clips: the
// output decodes, frame count and delays follow fps and trim, corners are transparent, presets
// fit their budgets, cancel leaves no file and no ffmpeg, smoothing lowers flicker, Keep / Remove
// strokes hold in every frame.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runSeconds } from '../../src/shared/sticker-review';
import { gifRepeatOf, MAX_STICKER_FRAMES, makeSticker, prepareSticker, renderSticker, resolveStickerModel, restabilize, reviewStickerFrames, stickerFrameAlpha } from '../../src/main/core/sticker/make-sticker';
import { meanAlphaChange } from '../../src/main/core/sticker/temporal';
import { stickerHintMap } from '../../src/main/core/sticker/touch-up';
import type { StickerStroke } from '../../src/shared/jobs';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { clipHolds, evalFile, tempDir, testEnv } from '../helpers/env';

function ffmpegChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /ffmpeg|ffprobe/.test(l));
}

async function pages(path: string): Promise<{ n: number; w: number; h: number; delays: number[]; data: Buffer }> {
  const meta = await sharp(path, { animated: true }).metadata();
  const { data } = await sharp(path, { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { n: meta.pages ?? 1, w: meta.width!, h: meta.pageHeight ?? meta.height!, delays: meta.delay ?? [], data };
}

function cornerAlphas(p: { n: number; w: number; h: number; data: Buffer }): number[] {
  const out: number[] = [];
  const page = p.w * p.h * 4;
  for (let k = 0; k < p.n; k++) {
    for (const [x, y] of [[0, 0], [p.w - 1, 0]]) out.push(p.data[k * page + (y * p.w + x) * 4 + 3]);
  }
  return out;
}

/** The milliseconds an APNG's frames play once (its fcTL delays, delay_num / delay_den seconds each). */
function apngPlayMs(file: Buffer): number {
  let ms = 0;
  for (let at = file.indexOf('fcTL'); at > 0; at = file.indexOf('fcTL', at + 4)) {
    const den = file.readUInt16BE(at + 4 + 22) || 100;
    ms += (1000 * file.readUInt16BE(at + 4 + 20)) / den;
  }
  return Math.round(ms);
}

describe('cutout sticker pipeline', () => {
  it('refuses a folder as the output, before any work, naming a file in it of the format it writes', async () => {
    const dir = tempDir();
    const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');
    await expect(makeSticker(clip, dir, { preset: 'line' }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: `${dir} is a folder: name the sticker's file (for example ${join(dir, 'sticker.png')})` });
    await expect(makeSticker(clip, dir, {}, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(join(dir, 'sticker.gif')) });
    expect(readdirSync(dir)).toEqual([]);
  });

  const env = testEnv();
  const person = evalFile('person_clips', 'clips', 'liveportrait_driving_d18.mp4');
  const anime = evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif');

  it('turns an anime GIF into a looping transparent GIF with exact delays', async () => {
    const out = join(tempDir(), 'anime.gif');
    const r = await makeSticker(anime, out, { fps: 12, maxSidePx: 200 }, env);
    expect(r.modelId).toBeTruthy();
    const p = await pages(out);
    expect(p.n).toBe(r.frameCount);
    expect(Math.max(p.w, p.h)).toBeLessThanOrEqual(200);
    // 2.08 s at 12 fps = 25 frames; merged repeats keep the total length.
    const total = p.delays.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 25 * (1000 / 12))).toBeLessThanOrEqual(10);
    expect(p.delays.every((d) => d % 10 === 0 && d >= 80)).toBe(true);
    expect(cornerAlphas(p).every((a) => a === 0)).toBe(true);
    // A rate asked for is kept (its 25 frames share the part's 2.08 s: 12.02 a second): the clip's drawings are not measured.
    expect(r.drawing).toBeUndefined();
    expect(r.fps).toBeCloseTo(12, 1);
  });

  it('a part whose length is no whole number of frames at the rate plays as long as in the clip (a 0.8-s GIF of 12.5 fps at 12 fps played 0.83 s)', async () => {
    const out = join(tempDir(), 'hamster.gif');
    const r = await makeSticker(evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif'), out, { fps: 12, maxSidePx: 96 }, env);
    const p = await pages(out);
    expect(p.delays.reduce((a, b) => a + b, 0)).toBe(800);
    expect([r.frameCount, p.delays]).toEqual([10, Array(10).fill(80)]);
    // Its review's last frame ends with the part, at 0.8 s (a flagged run read "0.75–0.83 s").
    expect(runSeconds(r.review, [9, 9]).endS).toBeCloseTo(0.8, 6);
  });

  it('says a steady rate was lowered where a preset lowered it, not where the last frame held to the part\'s end lowers the mean (the UI said "14.9 fps instead of 15, to fit the platform\'s limits" with no platform)', async () => {
    // 16 frames of 130 ms, 2.08 s: at 15 fps the last of 32 frames is held to the end.
    const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');
    const custom = { fps: 15, maxSidePx: 64 };
    const steady = await renderSticker(await prepareSticker(clip, custom, env), custom);
    expect(steady.fps).toBeLessThan(15 - 0.05);
    expect(steady.rateLowered).toBeUndefined();
    // LINE: whole seconds (2 s here) and 20 frames at most: 10 fps where 30 were asked.
    const line = { fps: 30, preset: 'line' as const };
    const lowered = await renderSticker(await prepareSticker(clip, line, env), line);
    expect(lowered.rateLowered).toBeCloseTo(10, 6);
    expect(lowered.frameCount).toBeLessThanOrEqual(20);
  });

  it('a clip drawn on threes is made as drawn when no rate is asked: each drawing once, held as long as in the clip', async () => {
    // animatediff_model01_01.gif holds each of its 16 drawings for 3 of its 48 frames (23.08 fps).
    // At 12 fps they played 167 and 83 ms in turn; at 7.69 each plays 130 ms, as in the clip.
    const out = join(tempDir(), 'threes.gif');
    const r = await makeSticker(anime, out, { maxSidePx: 128 }, env);
    expect(r.drawing?.framesPerDrawing).toBe(3);
    expect(r.drawing?.drawingFps).toBeCloseTo(1000 / 130, 6);
    expect(r.fps).toBeCloseTo(1000 / 130, 6);
    const p = await pages(out);
    expect(p.n).toBe(16);
    expect(p.delays).toEqual(Array(16).fill(130));
    // Each frame a new drawing: no two in turn alike (a repeat would have been merged into one).
    const page = p.w * p.h * 4;
    for (let k = 1; k < p.n; k++) expect(p.data.subarray(k * page, (k + 1) * page).equals(p.data.subarray((k - 1) * page, k * page))).toBe(false);
  });

  it('a clip whose drawings take no whole number of frames (threes in a 30-fps file) is made as drawn: each drawing a frame of its own length', async () => {
    // An eval character stepping 14 px a drawing, its drawings held 4, 4, 4, 3 frames in turn at
    // 30 fps (8 a second: no steady rate shows them evenly), encoded losslessly.
    const dir = tempDir();
    const clip = join(dir, 'uneven.mp4');
    const ffmpeg = resolveFfmpeg().ffmpeg;
    const drawingAt = '4*floor(n/15)+gte(mod(n,15),4)+gte(mod(n,15),8)+gte(mod(n,15),12)';
    execFileSync(ffmpeg, [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x808890:s=480x360:r=30:d=2', '-loop', '1', '-r', '30', '-i', evalFile('anime_cutout', 'images', 'ks_misha_hips_smile.jpg')],
      ...['-filter_complex', `[1:v]scale=-2:300[c];[0:v][c]overlay=eval=frame:y=30:x='20+14*(${drawingAt})':shortest=1,format=yuv420p`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-t', '2', clip],
    ]);
    // The clip's own holds, from its frames' checksums (the overlay shows each drawing a frame late: 3, 4, 4, 3, …, 4, 4, 4, 3, 1).
    const holds = clipHolds(clip);
    expect(holds.slice(0, 5)).toEqual([3, 4, 4, 3, 4]);
    const clipEndsMs = holds.map((_, k) => (holds.slice(0, k + 1).reduce((a, b) => a + b, 0) * 1000) / 30);

    const gif = await makeSticker(clip, join(dir, 'drawn.gif'), { maxSidePx: 128 }, env);
    expect(gif.drawing).toEqual({ framesPerDrawing: expect.closeTo(3.75, 0), drawingFps: expect.closeTo(8, 0), even: false });
    // Every drawing once, each ending where it ends in the clip (a GIF's delays are whole centiseconds).
    const p = await pages(join(dir, 'drawn.gif'));
    expect(p.n).toBe(holds.length);
    const gifEnds = p.delays.map((_, k) => p.delays.slice(0, k + 1).reduce((a, b) => a + b, 0));
    gifEnds.forEach((end, k) => expect(Math.abs(end - clipEndsMs[k])).toBeLessThanOrEqual(5));
    // WebP keeps whole milliseconds; APNG and WebM (a steady rate through ffmpeg) repeat each drawing for its hold.
    const webp = await pages((await makeSticker(clip, join(dir, 'drawn.webp'), { maxSidePx: 128 }, env)).output);
    expect([webp.n, webp.delays.length]).toEqual([holds.length, holds.length]);
    webp.delays.forEach((d, k) => expect(Math.abs(d - (holds[k] * 1000) / 30)).toBeLessThanOrEqual(1));
    const apng = await makeSticker(clip, join(dir, 'drawn.png'), { maxSidePx: 128 }, env);
    expect(apng.frameCount).toBe(holds.length);
    expect(apngPlayMs(readFileSync(apng.output))).toBe(2000);
    // A steady rate asked for is kept: 24 frames of 83 ms, which show the drawings 83 and 167 ms in
    // turn; a drawing held over two is smoothed as one, so the GIF merges the pair (16 frames).
    const steady = await makeSticker(clip, join(dir, 'steady.gif'), { maxSidePx: 128, fps: 12 }, env);
    expect([steady.frameCount, steady.drawing, steady.repeatedFrames]).toEqual([16, undefined, 8]);
    const sp = await pages(steady.output);
    expect([sp.delays.reduce((a, b) => a + b, 0), sp.delays.every((d) => d === 80 || d === 90 || d >= 160)]).toEqual([2000, true]);
    // The workspace asks for as drawn by the clip's cadence from its start: a part that starts on a
    // still moment (the last drawing held 6 s) has none of its own, and is made as drawn all the same.
    const stillEnd = join(dir, 'still-end.mp4');
    execFileSync(ffmpeg, ['-v', 'error', '-i', clip, '-vf', 'tpad=stop_mode=clone:stop_duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', stillEnd]);
    const part = { startS: 2.5, durationS: 1, maxSidePx: 96 };
    expect((await prepareSticker(stillEnd, { ...part, fps: 8.04, asDrawn: true }, env)).holds).toEqual([30]);
    expect((await prepareSticker(stillEnd, part, env)).holds).toBeUndefined();
  });

  it('made as drawn, a drawing is held while only the background moves, and a character coming in is drawn as it comes', async () => {
    // Eval cut-outs (their exact alpha) over a plain 24-fps backdrop, encoded losslessly: Misha
    // stepping 6 px a drawing on threes; in one clip a box moves behind her every 8 frames (the
    // children behind w2xgui video 2's girl), in another Hanako comes in from the right on threes.
    const dir = tempDir();
    const ffmpeg = resolveFfmpeg().ffmpeg;
    const fg = (name: string) => evalFile('anime_cutout', 'fg', `${name}.png`);
    const clipOf = (name: string, filter: string, inputs: string[]): string => {
      const out = join(dir, name);
      execFileSync(ffmpeg, [
        ...['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x8890a0:s=640x300:r=24:d=2', ...inputs],
        ...['-filter_complex', `${filter},format=yuv420p`, '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-t', '2', out],
      ]);
      return out;
    };
    const misha = ['-loop', '1', '-r', '24', '-i', fg('ks_misha_hips_smile')];
    const box = ['-f', 'lavfi', '-i', 'color=c=0x505860:s=40x40:r=24:d=2'];
    const stepping = "[1:v]scale=-2:260[m];[0:v][m]overlay=eval=frame:y=30:x='40+6*floor(n/3)':shortest=1";
    const alone = clipOf('alone.mp4', stepping, misha);
    const behind = clipOf('behind.mp4', `[0:v][2:v]overlay=eval=frame:y=20:x='520+20*mod(floor(n/8),4)'[b];${stepping.replace('[0:v]', '[b]')}`, [...misha, ...box]);
    const drawn = clipHolds(alone);
    // (The overlay shows each drawing a frame late: 2, 3, …, 3, 1.)
    expect(drawn).toEqual([2, ...Array(15).fill(3), 1]);
    // Behind her the box splits her holds (3, 3, 2, 1, …): the clip's frames say uneven.
    expect(clipHolds(behind).length).toBeGreaterThan(20);
    const sticker = await makeSticker(behind, join(dir, 'behind.webp'), { maxSidePx: 160 }, env);
    // Her drawings as in the clip without the box: each once, as long as it is held.
    expect(sticker.drawing).toEqual({ framesPerDrawing: 3, even: true, drawingFps: 8 });
    const p = await pages(sticker.output);
    expect(p.n).toBe(drawn.length);
    p.delays.forEach((d, k) => expect(Math.abs(d - (drawn[k] * 1000) / 24)).toBeLessThanOrEqual(1));

    // Misha still, Hanako coming in (a third of her in the frame at first), 20 px a drawing: every
    // one of her steps is a drawing though Misha's part of the frame repeats.
    const coming = clipOf('coming.mp4', "[1:v]scale=-2:260[m];[2:v]scale=-2:260[h];[0:v][m]overlay=y=30:x=40:shortest=1[a];[a][h]overlay=eval=frame:y=30:x='600-20*floor(n/3)'", [...misha, '-loop', '1', '-r', '24', '-i', fg('ks_hanako_basic_worry')]);
    const steps = clipHolds(coming);
    expect(steps).toEqual([2, ...Array(15).fill(3), 1]);
    const comes = await pages((await makeSticker(coming, join(dir, 'coming.webp'), { maxSidePx: 160 }, env)).output);
    expect(comes.n).toBe(steps.length);
    comes.delays.forEach((d, k) => expect(Math.abs(d - (steps[k] * 1000) / 24)).toBeLessThanOrEqual(1));
  });

  it('a small character in a wide frame comes out near the size asked for, from the clip\'s own pixels', async () => {
    // An eval picture (character on a background) shrunk to a third of a wide grey frame.
    const dir = tempDir();
    const clip = join(dir, 'small.mp4');
    const still = evalFile('anime_cutout', 'images', 'ks_misha_hips_smile.jpg');
    execFileSync(resolveFfmpeg().ffmpeg, [
      ...['-v', 'error', '-loop', '1', '-i', still, '-t', '1', '-vf', 'fps=6,scale=500:300,pad=1500:900:500:300:color=0x808890'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip],
    ]);
    // By hand at the output size (workScale 1), as every sticker was made before: the crop is a
    // fraction of the 320-px frame. Without it the first frame's subject sets the work size.
    const plain = await makeSticker(clip, join(dir, 'plain.webp'), { maxSidePx: 320, format: 'webp', workScale: 1 }, env);
    const grown = await makeSticker(clip, join(dir, 'grown.webp'), { maxSidePx: 320, format: 'webp' }, env);
    const longOf = (r: { width: number; height: number }): number => Math.max(r.width, r.height);
    expect(longOf(plain)).toBeLessThan(160);
    // At most 3x the work size (9x the pixels a frame), and never past the size asked for.
    expect(longOf(grown)).toBeGreaterThanOrEqual(2.5 * longOf(plain));
    expect(longOf(grown)).toBeLessThanOrEqual(320);
    // As long as each other (libwebp writes a frame the same as the one before into it: a still
    // clip's frames may come out as one frame or several).
    const lengthOf = (r: { delaysMs: number[] }): number => r.delaysMs.reduce((a, b) => a + b, 0);
    expect(Math.abs(lengthOf(grown) - lengthOf(plain))).toBeLessThanOrEqual(2);
    const p = await pages(join(dir, 'grown.webp'));
    expect([p.w, p.h]).toEqual([grown.width, grown.height]);
    expect(cornerAlphas(p).every((a) => a === 0)).toBe(true);
  });

  it('plays as many times as asked: GIF, WebP and APNG (forever by default)', async () => {
    const dir = tempDir();
    const short = { fps: 4, durationS: 0.5, maxSidePx: 96 };
    const loopOf = (bytes: Buffer): number | null => {
      const at = bytes.indexOf('NETSCAPE2.0');
      return at < 0 ? null : bytes.readUInt16LE(at + 13); // 'NETSCAPE2.0', 3, 1, count (LE)
    };
    await makeSticker(anime, join(dir, 'forever.gif'), short, env);
    expect(loopOf(readFileSync(join(dir, 'forever.gif')))).toBe(0);
    await makeSticker(anime, join(dir, 'once.gif'), { ...short, plays: 1 }, env);
    expect(loopOf(readFileSync(join(dir, 'once.gif')))).toBeNull();
    await makeSticker(anime, join(dir, 'thrice.gif'), { ...short, plays: 3 }, env);
    expect(loopOf(readFileSync(join(dir, 'thrice.gif')))).toBe(2);
    await makeSticker(anime, join(dir, 'twice.webp'), { ...short, plays: 2 }, env);
    expect((await sharp(join(dir, 'twice.webp')).metadata()).loop).toBe(2);
    await makeSticker(anime, join(dir, 'twice.png'), { ...short, plays: 2 }, env);
    const apng = readFileSync(join(dir, 'twice.png'));
    expect(apng.readUInt32BE(apng.indexOf('acTL') + 8)).toBe(2);
    await expect(makeSticker(anime, join(dir, 'bad.gif'), { ...short, plays: 1.5 }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(gifRepeatOf(0)).toBe(0);
  });

  it('writes an animated WebP with true alpha for a trimmed real-person clip', async () => {
    const out = join(tempDir(), 'person.webp');
    const r = await makeSticker(person, out, { model: 'person', startS: 1.2, durationS: 2, fps: 10, maxSidePx: 160, outlinePx: 3 }, env);
    const p = await pages(out);
    // 20 frames of 100 ms; the still moments' repeats are smoothed as one and merged.
    expect(p.n).toBe(20 - r.repeatedFrames);
    expect(r.repeatedFrames).toBeLessThan(10);
    expect([p.delays.reduce((a, b) => a + b, 0), p.delays.every((d) => d % 100 === 0)]).toEqual([2000, true]);
    expect(r.withinBudget).toBe(true);
    expect(r.drawing).toBeUndefined();
    expect(cornerAlphas(p).every((a) => a === 0)).toBe(true);
    // The face is opaque and some edge pixels are partially transparent (true alpha, not 1-bit).
    const page = p.w * p.h * 4;
    expect(p.data[(Math.floor(p.h * 0.4) * p.w + Math.floor(p.w / 2)) * 4 + 3]).toBeGreaterThan(250);
    let soft = 0;
    for (let j = 3; j < page; j += 4) if (p.data[j] > 10 && p.data[j] < 245) soft++;
    expect(soft).toBeGreaterThan(20);
  });

  it('fits the LINE (APNG) and Telegram (VP9 WebM with alpha) presets', async () => {
    const dir = tempDir();
    const line = await makeSticker(person, join(dir, 'line.png'), { model: 'person', preset: 'line', startS: 0.5 }, env);
    expect(line.format).toBe('apng');
    expect(line.width).toBeLessThanOrEqual(320);
    expect(line.height).toBeLessThanOrEqual(270);
    expect(line.bytes).toBeLessThanOrEqual(300 * 1024);
    expect(line.frameCount).toBeLessThanOrEqual(20);
    expect(line.frameCount / line.fps).toBeLessThanOrEqual(4.01);
    // It plays whole seconds (LINE takes 1, 2, 3 or 4 s), and so does a part asked for as 1.3 s.
    expect(Number.isInteger(Math.round((line.frameCount / line.fps) * 1e6) / 1e6)).toBe(true);
    const short = await makeSticker(person, join(dir, 'short.png'), { model: 'person', preset: 'line', startS: 0.5, durationS: 1.3 }, env);
    expect(short.frameCount / short.fps).toBeCloseTo(1, 6);
    expect(apngPlayMs(readFileSync(short.output))).toBe(1000);
    // LINE's guideline: one side at least 270 px, and loops × length at most 4 s (1–4 loops).
    expect(Math.max(line.width, line.height)).toBeGreaterThanOrEqual(270);
    const apng = readFileSync(join(dir, 'line.png'));
    // Over budget as RGBA, it is written with one palette (colour type 3, PLTE + tRNS for alpha).
    if (line.attempts > 1) expect([apng[apng.indexOf('IHDR') + 13], apng.indexOf('tRNS') > 0]).toEqual([3, true]);
    const actl = apng.indexOf('acTL');
    expect(actl).toBeGreaterThan(0);
    const plays = apng.readUInt32BE(actl + 8);
    expect(plays).toBeGreaterThanOrEqual(1);
    expect(plays * (line.frameCount / line.fps)).toBeLessThanOrEqual(4.01);
    const probe = JSON.parse(
      execFileSync(resolveFfmpeg().ffprobe!, ['-v', 'error', '-of', 'json', '-show_streams', '-count_frames', join(dir, 'line.png')], { encoding: 'utf8' }),
    ) as { streams: { codec_name: string; nb_read_frames: string }[] };
    expect(probe.streams[0].codec_name).toBe('apng');
    expect(Number(probe.streams[0].nb_read_frames)).toBe(line.frameCount);

    const tg = await makeSticker(person, join(dir, 'tg.webm'), { model: 'person', preset: 'telegram' }, env);
    expect(tg.format).toBe('webm');
    expect(Math.max(tg.width, tg.height)).toBe(512);
    expect(tg.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(tg.frameCount / tg.fps).toBeLessThanOrEqual(3.01);
    // Decode the first frame with libvpx (the alpha decoder) and check a corner is transparent.
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-c:v', 'libvpx-vp9', '-i', join(dir, 'tg.webm'), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
    expect(raw.length).toBe(tg.width * tg.height * 4);
    expect(raw[3]).toBeLessThan(10);
  });

  it('Discord: exactly 320 x 320 (Discord refuses other sizes), the person on a transparent square', async () => {
    const dir = tempDir();
    // A portrait clip: taller than wide, so the square has room at the sides.
    const r = await makeSticker(person, join(dir, 'discord.png'), { model: 'person', preset: 'discord', startS: 0.5, durationS: 1 }, env);
    expect([r.format, r.width, r.height]).toEqual(['apng', 320, 320]);
    expect(r.bytes).toBeLessThanOrEqual(512 * 1024);
    const file = readFileSync(r.output);
    const ihdr = file.indexOf('IHDR');
    expect([file.readUInt32BE(ihdr + 4), file.readUInt32BE(ihdr + 8)]).toEqual([320, 320]);
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', r.output, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
    const alphaAt = (x: number, y: number) => raw[(y * 320 + x) * 4 + 3];
    // The top corners are transparent; the middle is the person; the subject fills one side (its
    // long one). Cut off by the clip's bottom edge, the shoulders stand on the square's bottom.
    expect([alphaAt(0, 0), alphaAt(319, 0)]).toEqual([0, 0]);
    expect(alphaAt(160, 160)).toBeGreaterThan(200);
    expect(alphaAt(160, 319)).toBeGreaterThan(200);
  });

  it('LINE: a palette APNG stays solid where the sticker is (its palette used to blend the edge into every colour), and a one-frame clip still makes 5 frames', async () => {
    const dir = tempDir();
    // animatediff_model07_01: over LINE's 300 KB as RGBA, so written with one palette.
    const r = await makeSticker(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), join(dir, 'line'), { preset: 'line' }, env);
    // A name without an extension gets the format's.
    expect(r.output).toBe(join(dir, 'line.png'));
    const file = readFileSync(r.output);
    expect(file[file.indexOf('IHDR') + 13]).toBe(3);
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', r.output, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], { maxBuffer: 64 << 20 });
    expect(raw.length).toBe(r.width * r.height * 4 * r.frameCount);
    let visible = 0;
    let solid = 0;
    for (let j = 3; j < raw.length; j += 4) {
      if (raw[j] === 0) continue;
      visible++;
      if (raw[j] === 255) solid++;
    }
    // About 17 % of the visible pixels are the soft edge; it was 96 % (3.8 % solid).
    expect(solid / visible).toBeGreaterThan(0.75);
    // One frame: LINE takes 5 to 20, so it is shown 5 times over.
    const one = join(dir, 'one.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), '-frames:v', '1', one]);
    const still = await makeSticker(one, join(dir, 'one.png'), { preset: 'line' }, env);
    expect(still.frameCount).toBe(5);
    // In LINE's shortest playback time, a whole second: 5 fps (it was 60 fps, five 17-ms frames, a
    // flash; then LINE's 20 fps at most, 0.25 s, a time LINE does not take).
    expect(still.fps).toBe(5);
    const apng = readFileSync(join(dir, 'one.png'));
    expect(apng.readUInt32BE(apng.indexOf('acTL') + 4)).toBe(5);
  });

  it('leaves out frames at either end that show nothing to cut out, and says so', async () => {
    // Emi's title card: a torn-paper card from 2 s, on which the first 1.08 s show nothing the model takes for a character.
    const r = await makeSticker(evalFile('anime_clips', 'clips', 'ks_tc_act4_emi.mp4'), join(tempDir(), 'emi.gif'), { startS: 2, durationS: 3 }, env);
    expect(r.emptyEndsS?.start).toBeGreaterThan(0.5);
    expect(r.emptyEndsS?.end).toBe(0);
    const p = await pages(r.output);
    const total = p.delays.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(3000 - r.emptyEndsS!.start * 1000, -2);
    // Its review is of the frames kept: none before the first shown (it listed the card's to check).
    expect(r.review.frames.length).toBeGreaterThan(0);
    expect(Math.min(...r.review.frames.map((f) => f.timeS))).toBeGreaterThanOrEqual(2 + r.emptyEndsS!.start - 1e-6);
    // Its first frame now shows something.
    let shown = 0;
    for (let j = 3; j < p.w * p.h * 4; j += 4) if (p.data[j] > 0) shown++;
    expect(shown).toBeGreaterThan(100);
  });

  it('crops to the character as the frames show it, specks removed, and leaves out end frames that show only a fleck', async () => {
    const opaqueRows = (p: { data: Uint8Array | Buffer; w: number; h: number }, frames: number) => {
      const rows = new Set<number>();
      for (let f = 0; f < frames; f++) for (let y = 0; y < p.h; y++) for (let x = 0; x < p.w; x++) if (p.data[((f * p.h + y) * p.w + x) * 4 + 3] > 127) rows.add(y);
      return [Math.min(...rows), Math.max(...rows)];
    };
    // Emi's title card as a LINE sticker: a thin stroke the compose step drops widened the crop, and
    // the character spanned rows 12–210 of 270 in every frame (22 % empty rows).
    const line = await makeSticker(evalFile('anime_clips', 'clips', 'ks_tc_act4_emi.mp4'), join(tempDir(), 'emi.png'), { preset: 'line', startS: 8, durationS: 2.5, fps: 10 }, env);
    const emi = await pages(line.output);
    const [top, bottom] = opaqueRows(emi, 1);
    expect(bottom - top + 1).toBeGreaterThan(emi.h * 0.9);
    // Lilly's torn-paper wipe: its last scraps opened the sticker as two white blobs (0.7 % of the frame).
    const lilly = await makeSticker(evalFile('anime_clips', 'clips', 'ks_tc_act3_lilly.mp4'), join(tempDir(), 'lilly.gif'), { startS: 3, durationS: 2 }, env);
    expect(lilly.emptyEndsS?.start).toBeGreaterThan(0.5);
    const first = await pages(lilly.output);
    let shown = 0;
    for (let j = 3; j < first.w * first.h * 4; j += 4) if (first.data[j] > 127) shown++;
    expect(shown / (first.w * first.h)).toBeGreaterThan(0.05);
  });

  it.each(['gif', 'webp'] as const)('a transparent animated %s (a chat sticker): each frame keeps what it hides hidden', async (format) => {
    // A 3-frame animation of an anime sprite sliding on a transparent canvas (GIF: 1-bit alpha; WebP: 8-bit).
    const sprite = await sharp(evalFile('anime_cutout', 'fg', 'ks_emi_basic_closedhappy.png')).resize({ height: 200 }).png().toBuffer();
    const meta = await sharp(sprite).metadata();
    const W = meta.width! + 40;
    const pages = await Promise.all([0, 20, 40].map((dx) => sharp({ create: { width: W, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).composite([{ input: sprite, left: dx, top: 0 }]).raw().toBuffer()));
    const dir = tempDir();
    const clip = join(dir, `sprite.${format}`);
    await sharp(Buffer.concat(pages), { raw: { width: W, height: 600, channels: 4, pageHeight: 200 } }).toFormat(format).toFile(clip);
    const prepared = await prepareSticker(clip, { fps: 6, maxSidePx: 200 }, env);
    expect(prepared.frames.length).toBeGreaterThanOrEqual(2);
    const model = await resolveStickerModel(env, 'anime');
    for (const frame of prepared.frames) {
      const { alpha } = await stickerFrameAlpha(frame, model, { provider: env.provider, threads: env.threads });
      let shown = 0;
      let kept = 0;
      let opaque = 0;
      for (let i = 0; i < alpha.length; i++) {
        const own = frame.data[i * 4 + 3];
        if (own === 0 && alpha[i] > 0) shown++;
        if (own === 255) {
          opaque++;
          if (alpha[i] >= 0.5) kept++;
        }
      }
      expect(shown).toBe(0);
      expect(kept / opaque).toBeGreaterThan(0.9);
    }
  });

  it('cancel mid-run leaves no output file, no temp file and no ffmpeg process', async () => {
    const dir = tempDir();
    const out = join(dir, 'cancelled.gif');
    const controller = new AbortController();
    const run = makeSticker(person, out, { model: 'person', fps: 15, maxSidePx: 160 }, env, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stage === 'segment' && e.done === 5) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a text file renamed .mp4 gives VIDEO_CORRUPT, a sticker named for another format is refused, and nothing is written', async () => {
    const dir = tempDir();
    const fake = join(dir, 'clip.mp4');
    writeFileSync(fake, 'hello, I am not a video\n');
    await expect(makeSticker(fake, join(dir, 'out.gif'), {}, env)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT' });
    expect(readdirSync(dir)).toEqual(['clip.mp4']);
    expect(statSync(fake).size).toBeGreaterThan(0);
    // A name that says another format than the one written is refused before any work.
    await expect(makeSticker(anime, join(dir, 's.webp'), { preset: 'telegram' }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('The telegram preset makes WebM, but') });
    await expect(makeSticker(anime, join(dir, 's.gif'), { format: 'apng' }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('name it .png') });
    expect(readdirSync(dir)).toEqual(['clip.mp4']);
  });

  it('a video cut short (its header keeps the whole length): the sticker says where it stops, and a start past that is said so', async () => {
    const dir = tempDir();
    // The first 400 KB of an 864 KB web MP4 (index at the front): 5.33 s in the header, about 2.2 s of frames.
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, readFileSync(evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4')).subarray(0, 400_000));
    const r = await makeSticker(cut, join(dir, 'cut.gif'), { fps: 4, durationS: 4, maxSidePx: 128 }, env);
    expect(r.endsAtS).toBeGreaterThan(1.5);
    expect(r.endsAtS).toBeLessThan(3);
    expect(r.review.frames.length).toBe(Math.round(r.endsAtS! * 4));
    // Not said of a whole clip.
    expect((await makeSticker(evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'), join(dir, 'whole.gif'), { fps: 4, durationS: 4, maxSidePx: 128 }, env)).endsAtS).toBeUndefined();
    await expect(makeSticker(cut, join(dir, 'late.gif'), { fps: 4, startS: 3.2, durationS: 1, maxSidePx: 128 }, env)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', detail: { cutShort: true, startS: 3.2, path: cut } });
    expect(existsSync(join(dir, 'late.gif'))).toBe(false);
  });

  it('a damaged clip: a sticker made of it says so, and one of which nothing decodes is VIDEO_CORRUPT (it read NO_SUBJECT)', async () => {
    const dir = tempDir();
    // Every 97th byte of the middle third of an MP4 flipped (its header whole): ffmpeg decodes it
    // with errors ("error while decoding MB …"); the whole clip reports none.
    const bytes = readFileSync(evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'));
    const damaged = Buffer.from(bytes);
    for (let i = Math.floor(bytes.length / 3); i < (2 * bytes.length) / 3; i += 97) damaged[i] ^= 0x5a;
    writeFileSync(join(dir, 'damaged.mp4'), damaged);
    const made = await makeSticker(join(dir, 'damaged.mp4'), join(dir, 'damaged.gif'), { fps: 4, maxSidePx: 128 }, env);
    expect(made.decodeErrors).toBeGreaterThan(10);
    expect((await makeSticker(evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'), join(dir, 'whole.gif'), { fps: 4, maxSidePx: 128 }, env)).decodeErrors).toBeUndefined();
    // A GIF whose picture data is flipped from its second kilobyte: its frames are mush.
    const gif = Buffer.from(readFileSync(evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif')));
    for (let i = 2000; i < gif.length; i += 131) gif[i] ^= 0x33;
    writeFileSync(join(dir, 'mush.gif'), gif);
    await expect(makeSticker(join(dir, 'mush.gif'), join(dir, 'mush-sticker.gif'), { maxSidePx: 128 }, env)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', detail: { damaged: true } });
    expect(existsSync(join(dir, 'mush-sticker.gif'))).toBe(false);
  });

  it('temporal smoothing lowers flicker on a static-camera clip', async () => {
    const opts = { model: 'person', startS: 0, durationS: 3, fps: 12, maxSidePx: 160 };
    const prepared = await prepareSticker(person, { ...opts, stability: 0.7 }, env);
    const raw = meanAlphaChange(prepared.rawAlphas);
    const smooth = meanAlphaChange(prepared.alphas);
    expect(smooth).toBeLessThan(raw);
    const gifSmooth = await renderSticker(prepared, { ...opts, stability: 0.7, format: 'gif' });
    const unsmoothed = restabilize(prepared, 0);
    expect(unsmoothed.alphas).toEqual(prepared.rawAlphas);
    expect(restabilize(unsmoothed, 0.7).alphas).toEqual(prepared.alphas); // what prepareSticker made at 0.7
    const gifRaw = await renderSticker(unsmoothed, { ...opts, stability: 0, format: 'gif' });
    expect(meanAlphaChange(gifSmooth.alphas)).toBeLessThan(meanAlphaChange(gifRaw.alphas));
  });

  it('a part the model dropped on a frame and the smoothing kept is drawn in its own colour (One Piece\'s straw hat came back dark brown)', async () => {
    const prepared = await prepareSticker(evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), {}, env);
    const made = await renderSticker(prepared, { format: 'webp' });
    const [W, H] = [prepared.frames[0].width, prepared.frames[0].height];
    // The sticker is the whole frame at its size, each frame once: its pixels are the frames'.
    expect([made.width, made.height, made.frameCount]).toEqual([W, H, prepared.frames.length]);
    // Where the smoothing gave a pixel 0.1 or more over the model's alpha (0.3 or more in all) and
    // the clip is flat round it (an inside, not an edge), the sticker's colour against the clip's.
    let [count, sum] = [0, 0];
    for (let k = 0; k < made.frameCount; k++) {
      const { data } = await sharp(Buffer.from(made.bytes), { page: k, pages: 1 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const [source, raw, smoothed] = [prepared.frames[k].data, prepared.rawAlphas[k], prepared.alphas[k]];
      for (let y = 1; y < H - 1; y++) {
        for (let x = 1; x < W - 1; x++) {
          const i = y * W + x;
          if (smoothed[i] - raw[i] < 0.1 || smoothed[i] < 0.3) continue;
          let isFlat = true;
          for (let j = 0; j < 9 && isFlat; j++) {
            const n = i + (Math.floor(j / 3) - 1) * W + (j % 3) - 1;
            for (let c = 0; c < 3; c++) if (Math.abs(source[n * 4 + c] - source[i * 4 + c]) > 6) isFlat = false;
          }
          if (!isFlat) continue;
          count++;
          sum += Math.max(...[0, 1, 2].map((c) => Math.abs(data[i * 4 + c] - source[i * 4 + c])));
        }
      }
    }
    expect(count).toBeGreaterThan(1000);
    // 21.2 levels off on average (the colours estimated on the model's alpha, darker where it was low), 14.3 now.
    expect(sum / count).toBeLessThan(17);
  });

  it('Keep / Remove strokes decide their pixels in every frame, through smoothing, and the review follows', async () => {
    // The AI close-up whose left hair streaks and jacket the model gets half right.
    const strokes: StickerStroke[] = [
      { mode: 'bg', size: 0.2, points: [{ x: 0.1, y: 0 }, { x: 0.1, y: 1 }] },
      { mode: 'fg', size: 0.15, points: [{ x: 0.15, y: 0.9 }, { x: 0.3, y: 0.9 }] },
    ];
    const opts = { fps: 6, maxSidePx: 160 };
    const range = (alphas: Float32Array[], hint: Uint8Array, label: number) => {
      let lo = 1, hi = 0;
      for (const a of alphas) for (let i = 0; i < a.length; i++) if (hint[i] === label) [lo, hi] = [Math.min(lo, a[i]), Math.max(hi, a[i])];
      return [lo, hi];
    };
    const before = await prepareSticker(anime, opts, env);
    const hint = stickerHintMap(strokes, before.plan.width, before.plan.height)!;
    // Without strokes the model keeps some of the left strip and drops some of the jacket ...
    expect(range(before.alphas, hint, 0)[1]).toBeGreaterThan(0.5);
    expect(range(before.alphas, hint, 255)[0]).toBeLessThan(0.5);
    // ... with them, the strip is gone and the jacket whole in every smoothed frame.
    const after = await prepareSticker(anime, { ...opts, strokes }, env);
    expect(range(after.alphas, hint, 0)).toEqual([0, 0]);
    expect(range(after.alphas, hint, 255)).toEqual([1, 1]);
    expect(range(restabilize(after, 0.9).alphas, hint, 0)).toEqual([0, 0]);
    expect(after.review.unsureShare).toBeLessThan(before.review.unsureShare);
    await expect(makeSticker(anime, join(tempDir(), 'x.gif'), { ...opts, strokes: [{ mode: 'fg', size: 0, points: [{ x: 0, y: 0 }] }] }, env)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('says when a sticker needs a look: every frame measured on the model\'s answers, the median decides, the same at every stability', async () => {
    // The Waifu2x hamster, which the anime model mostly loses (its map sits near 0.5), and an
    // AnimateDiff girl it cuts out cleanly; the sticker's default size (the calibrated one).
    const hamster = await prepareSticker(evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif'), { fps: 12 }, env);
    expect(hamster.review.frames).toHaveLength(hamster.frames.length);
    expect(hamster.review.frames[0].timeS).toBe(0);
    expect(hamster.review.frames.every((f, i) => i === 0 || f.timeS > hamster.review.frames[i - 1].timeS)).toBe(true);
    expect(hamster.review).toMatchObject({ needsReview: true, reviewThreshold: 0.08 });
    expect(hamster.review.flaggedFrames).toBeGreaterThan(hamster.frames.length / 2);
    expect(hamster.review.unsureShare).toBeGreaterThan(0.08);
    const girl = await prepareSticker(evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'), { fps: 12 }, env);
    expect(girl.review).toMatchObject({ needsReview: false, reviewThreshold: 0.08 });
    expect(girl.review.unsureShare).toBeLessThan(0.08);
    // The review reads the model's own answers, one frame at a time as the threshold was calibrated:
    // the same at every stability (on the smoothed alphas, the sureness weighting dropped model01_01 under it).
    const rawReview = reviewStickerFrames(hamster.rawAlphas, hamster.plan.width, hamster.plan.height, hamster.timesS, 1 / 12, 0.08);
    expect(hamster.review.frames.map((f) => f.unsureShare)).toEqual(rawReview.frames.map((f) => f.unsureShare));
    expect(restabilize(hamster, 0).review).toEqual(hamster.review);
    expect(restabilize(hamster, 0.9).review).toEqual(hamster.review);
    // What `cutout eval --sticker` scores is what the sticker segments: the same alpha for the same frame.
    const first = await stickerFrameAlpha(hamster.frames[0], await resolveStickerModel(env, 'anime'), { provider: env.provider, threads: env.threads });
    expect(first.alpha).toEqual(hamster.rawAlphas[0]);
    // makeSticker returns it with the subject that ran; a person-model sticker uses that model's own threshold.
    const made = await makeSticker(evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif'), join(tempDir(), 'h.gif'), { fps: 12 }, env);
    expect(made).toMatchObject({ subject: 'anime', review: { needsReview: true, flaggedFrames: hamster.review.flaggedFrames } });
    const person = await prepareSticker(evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif'), { model: 'sinet', fps: 12, maxSidePx: 96 }, env);
    expect(person.review).toMatchObject({ reviewThreshold: null, needsReview: false, flaggedFrames: 0 });
    expect(person.subject).toBe('person');
  });

  it("a clip 60 % opaque all over is not said to be unsure for its own see-through (it read 0.86)", async () => {
    // Six frames of a person photo, as an animated WebP with alpha 153 everywhere, and opaque.
    const { data, info } = await sharp(evalFile('ccp_person', 'images', 'ccp_0022.jpg')).resize(200).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const [W, H, n] = [info.width, info.height, 6];
    const clipOf = async (level: number): Promise<string> => {
      const rgba = Buffer.alloc(W * H * 4 * n);
      for (let f = 0; f < n; f++) {
        for (let i = 0; i < W * H; i++) {
          const o = (f * W * H + i) * 4;
          rgba[o] = Math.min(255, data[i * 3] + f * 3);
          rgba[o + 1] = data[i * 3 + 1];
          rgba[o + 2] = data[i * 3 + 2];
          rgba[o + 3] = level;
        }
      }
      const file = join(tempDir(), `see-${level}.webp`);
      await sharp(rgba, { raw: { width: W, height: H * n, channels: 4, pageHeight: H } }).webp({ loop: 0, delay: Array(n).fill(200), lossless: true }).toFile(file);
      return file;
    };
    const [opaque, seeThrough] = [await prepareSticker(await clipOf(255), { model: 'person', fps: 5 }, env), await prepareSticker(await clipOf(153), { model: 'person', fps: 5 }, env)];
    expect(opaque.review.needsReview).toBe(false);
    expect(seeThrough.review.needsReview).toBe(false);
    expect(seeThrough.review.unsureShare).toBeLessThan(opaque.review.unsureShare + 0.05);
  });

  it('a clip too long for one sticker: its first part when no length was asked, a clear error when one was', async () => {
    // 40 s of one colour at 12 fps: 480 frames, where a sticker holds 360 (every frame after the
    // first repeats it, so only one frame is segmented).
    const clip = join(tempDir(), 'long.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x3366aa:size=160x120:rate=12:duration=40', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    const p = await prepareSticker(clip, { fps: 12, maxSidePx: 160 }, env);
    expect(p.frames).toHaveLength(MAX_STICKER_FRAMES);
    expect(p.cutToS).toBe(30);
    expect(p.timesS.at(-1)).toBeCloseTo(359 / 12, 6);
    await expect(prepareSticker(clip, { fps: 12, maxSidePx: 160, startS: 2, durationS: 31 }, env)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^A sticker holds at most 360 frames of 160x120; 31\.00 s at 12 fps makes 372: /),
    });
    const asked = await prepareSticker(clip, { fps: 12, maxSidePx: 160, startS: 2, durationS: 3 }, env);
    expect([asked.frames.length, asked.cutToS]).toEqual([36, undefined]);
  });

  it('finds the scene cut in a cartoon clip (2.33 s) and restarts smoothing there', async () => {
    const clip = evalFile('anime_clips', 'clips', 'w2xgui_video1_original.mp4');
    const p = await prepareSticker(clip, { model: 'person', fps: 12, maxSidePx: 96 }, env);
    expect([...p.cuts].some((i) => Math.abs(i - 28) <= 1)).toBe(true);
    expect(p.cuts.size).toBeLessThanOrEqual(2);
    // Made as drawn, the cut is where it is in the frames kept (a repeat adds none): One Piece's at 4.17 s.
    const drawn = await prepareSticker(evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), { maxSidePx: 96 }, env);
    expect(drawn.holds).toHaveLength(drawn.frames.length);
    expect([...drawn.cuts].map((i) => Number(drawn.timesS[i].toFixed(2)))).toEqual([4.17]);
  });
});
