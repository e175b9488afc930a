// Streamed frame decoding with the real ffmpeg on eval clips: trim/fps/size, GIF coalescing,
// error codes, and that cancel or an early stop leaves no ffmpeg child behind.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type FfmpegTools, resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { clipFrame, planFrames, streamFrames } from '../../src/main/core/video/extract-frames';
import { cachedProbe, probeVideo } from '../../src/main/core/video/probe';
import { isAnimatedWebp } from '../../src/main/core/video/webp-clip';
import { encodeRgbaApng } from '../../src/main/core/sticker/apng';
import { webpFrames } from '../../src/main/core/video/webp-frames';
import { errorKindOf, isInputFault, type AppError } from '../../src/shared/errors';
import { measureDrawingCadence } from '../../src/main/core/video/drawing-cadence';
import { evalFile, tempDir } from '../helpers/env';
import { writeHeic } from '../helpers/heic';

/** Child processes of this test process named ffmpeg (zombies included: ps lists them). */
function ffmpegChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /ffmpeg|ffprobe/.test(l));
}

describe('probe and streamed frames', () => {
  const mp4 = evalFile('person_clips', 'clips', 'liveportrait_driving_d18.mp4');
  const gif = evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif');

  it('probes an MP4 and streams exactly duration x fps frames at the asked size', async () => {
    const info = await probeVideo(mp4);
    expect(info).toMatchObject({ width: 480, height: 480, hasVideo: true, rotationDeg: 0 });
    expect(info.fps).toBeCloseTo(30, 1);
    const frames = [];
    for await (const f of streamFrames(mp4, info, { startS: 1.2, durationS: 1.5, fps: 10, maxSidePx: 200 })) frames.push(f);
    expect(frames.length).toBe(15);
    expect(frames.map((f) => f.timeMs)).toEqual(Array.from({ length: 15 }, (_, i) => i * 100));
    expect([frames[0].width, frames[0].height]).toEqual([200, 200]);
    expect(frames[0].data.length).toBe(200 * 200 * 4);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a part of a GIF starting inside a held frame starts with that frame (an input seek skipped it), to its last frame', async () => {
    // Red 0–0.1 s, green held 0.1–1.1 s, blue 1.1–1.2 s.
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
    const tall = Buffer.alloc(16 * 16 * 4 * 3);
    colours.forEach((c, f) => {
      for (let p = 0; p < 256; p++) tall.set([...c, 255], (f * 256 + p) * 4);
    });
    const held = join(tempDir(), 'held.gif');
    await sharp(tall, { raw: { width: 16, height: 48, channels: 4, pageHeight: 16 } }).gif({ delay: [100, 1000, 100] }).toFile(held);
    const info = await probeVideo(held);
    const shown = async (startS: number, durationS: number): Promise<number[][]> => {
      const out: number[][] = [];
      for await (const f of streamFrames(held, info, { startS, durationS, fps: 10 })) out.push([...f.data.subarray(0, 3)]);
      return out;
    };
    // 0.5 s to its end (1.2 s) at 10 fps: green at 0.5 … 1.0, blue at 1.1.
    expect(await shown(0.5, 0.8)).toEqual([...Array(6).fill(colours[1]), colours[2]]);
    expect([...(await clipFrame(held, info, 0.5, 16)).data.subarray(0, 3)]).toEqual(colours[1]);
    // A start inside the last frame gives it (it read as a file cut short).
    expect(await shown(1.15, 0.05)).toEqual([colours[2]]);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('says a GIF without its trailer is cut short, and not one with padding after it', async () => {
    const dir = tempDir();
    const whole = readFileSync(evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'));
    const cases: [string, Buffer, boolean | undefined][] = [
      ['whole.gif', whole, undefined],
      ['padded.gif', Buffer.concat([whole, Buffer.from([0, 0, 0x0a])]), undefined],
      ['cut.gif', whole.subarray(0, 200_000), true],
    ];
    for (const [name, bytes, isCutShort] of cases) {
      writeFileSync(join(dir, name), bytes);
      expect((await probeVideo(join(dir, name))).isCutShort).toBe(isCutShort);
    }
  });

  it('coalesces a frame-delta GIF: every decoded frame is a whole opaque picture', async () => {
    const info = await probeVideo(gif);
    expect(info.frameCount).toBe(10);
    let n = 0;
    for await (const f of streamFrames(gif, info, { fps: info.fps })) {
      let minAlpha = 255;
      for (let j = 3; j < f.data.length; j += 4) minAlpha = Math.min(minAlpha, f.data[j]);
      expect(minAlpha).toBe(255);
      n++;
    }
    expect(n).toBe(10);
  });

  it('kills ffmpeg on cancel and when the consumer stops early (no zombies)', async () => {
    const info = await probeVideo(mp4);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const f of streamFrames(mp4, info, { fps: 30 }, { signal: controller.signal })) {
        seen.push(f.index);
        if (f.index === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen.length).toBeLessThan(10);
    expect(ffmpegChildren()).toEqual([]);
    for await (const f of streamFrames(mp4, info, { fps: 30 })) if (f.index === 1) break;
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a probe remembered (the trim handles\' frames) holds while the file stays as it is', async () => {
    const dir = tempDir();
    const clip = join(dir, 'clip.mp4');
    copyFileSync(mp4, clip);
    const probe = cachedProbe(1);
    // Two at once (a clip opened: probeClip and its first frame): one probe.
    const [first, meanwhile] = await Promise.all([probe(clip), probe(clip)]);
    expect(meanwhile).toBe(first);
    expect(first).toEqual(await probeVideo(mp4));
    expect(await probe(clip)).toBe(first);
    // Replaced by another clip under the same name: probed again.
    copyFileSync(evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), clip);
    const second = await probe(clip);
    expect(second.fps).toBeCloseTo(23.98, 2);
    // One file remembered: another pushes it out; a file gone is not found, not remembered.
    await probe(gif);
    expect(await probe(clip)).not.toBe(second);
    await expect(probe(join(dir, 'absent.mp4'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });

  it('gives each bad input its code', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.mp4');
    writeFileSync(text, 'this is a text file, not a video\n'.repeat(20));
    // Said as not a video, with the kind that keeps a batch from trying it again on every resume.
    // In words: it holds text (it read "(/…/notes.mp4: Invalid data found when processing input)", the path twice).
    await expect(probeVideo(text)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', detail: { unknownFormat: true }, message: `${text} is not a video: it holds text` });
    // Text named .jpg: ffprobe finds an image stream of no size; not a picture, not "no video".
    const fakeJpeg = join(dir, 'photo.jpg');
    writeFileSync(fakeJpeg, 'this is a text file, not a picture\n');
    await expect(probeVideo(fakeJpeg)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', detail: { unknownFormat: true }, message: `${fakeJpeg} is not a video: it holds text` });
    // Bytes of no format and no text: ffmpeg's words, without the path it begins them with.
    const noise = join(dir, 'noise.mp4');
    writeFileSync(noise, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 151 + 7) % 256)));
    await expect(probeVideo(noise)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', detail: { unknownFormat: true }, message: `${noise} is not a video this app can read (ffmpeg: Invalid data found when processing input)` });
    await expect(probeVideo(join(dir, 'absent.mp4'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    // A real still picture (JPEG, a PNG and an iPhone-like HEIC made from it) is a still, not a
    // corrupt video (ffmpeg read the HEIC as an MP4 without its index).
    const png = join(dir, 'still.png');
    await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(200).png().toFile(png);
    const heic = join(dir, 'IMG_0001.HEIC');
    writeFileSync(heic, await writeHeic({ png, tile: 128, nclx: true }));
    for (const still of [evalFile('id_portraits', 'images', 'df_img1.jpg'), png, heic]) {
      await expect(probeVideo(still)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { still: true } });
    }
    const audio = join(dir, 'tone.m4a');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', audio]);
    await expect(probeVideo(audio)).rejects.toMatchObject({ code: 'NO_VIDEO_STREAM' });
    expect(() => resolveFfmpeg({ ...process.env, CUTOUT_FFMPEG: join(dir, 'no-ffmpeg') })).toThrowError(expect.objectContaining({ code: 'FFMPEG_MISSING' }));
    expect(() => resolveFfmpeg({ PATH: dir })).toThrowError(expect.objectContaining({ code: 'FFMPEG_MISSING' }));
    // A truncated MP4 (first 20 KB of a real clip) is corrupt, not an internal error.
    const cut = join(dir, 'cut.mp4');
    copyFileSync(mp4, cut);
    writeFileSync(cut, execFileSync('head', ['-c', '20000', mp4]));
    await expect(probeVideo(cut)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT' });
    // An MP4 whose index (moov atom, written last) never arrived: an unfinished download, said so.
    const unfinished = join(dir, 'unfinished.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=6:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'whole.mp4')]);
    const whole = readFileSync(join(dir, 'whole.mp4'));
    writeFileSync(unfinished, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await expect(probeVideo(unfinished)).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', message: expect.stringMatching(/is incomplete: its index \(moov atom\) is missing/), detail: { damaged: true } });
    // Its index first (faststart) and cut at its first bytes: the header reads, not one frame does. Said plainly, as the file's own fault.
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=6:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', join(dir, 'fast.mp4')]);
    const headOnly = join(dir, 'head-only.mp4');
    writeFileSync(headOnly, readFileSync(join(dir, 'fast.mp4')).subarray(0, 3500));
    const headInfo = await probeVideo(headOnly);
    const drain = async () => {
      for await (const f of streamFrames(headOnly, headInfo, { fps: 6 })) void f;
    };
    // Its detail names the file, so the app's banner says which (it named none, beside a clip still open).
    await expect(drain()).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', message: expect.stringMatching(/could be decoded: the file is probably cut short or damaged$/), detail: { damaged: true, path: headOnly } });
  });

  it('reads WebM, MOV and MKV containers too (made from an eval clip by ffmpeg)', async () => {
    const dir = tempDir();
    const ffmpeg = resolveFfmpeg().ffmpeg;
    const variants: [string, string[]][] = [
      ['clip.webm', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8']],
      ['clip.mov', ['-c:v', 'mpeg4']],
      ['clip.mkv', ['-c:v', 'mpeg4']],
    ];
    for (const [name, codec] of variants) {
      const path = join(dir, name);
      execFileSync(ffmpeg, ['-v', 'error', '-t', '1', '-i', mp4, '-vf', 'scale=128:128', '-r', '10', '-an', ...codec, path]);
      const info = await probeVideo(path);
      expect([info.width, info.height]).toEqual([128, 128]);
      let n = 0;
      for await (const f of streamFrames(path, info, { fps: 10, durationS: 0.8 })) n += f.width === 128 ? 1 : 0;
      expect(n).toBe(8);
    }
  });
});

describe('clips made the way phones, browsers and music players make them', () => {
  const mp4 = evalFile('person_clips', 'clips', 'liveportrait_driving_d18.mp4');
  const tools = resolveFfmpeg();
  // The packaged app ships ffmpeg alone: its probe reads `ffmpeg -i` (parseFfmpegInfo).
  const ffmpegOnly: FfmpegTools = { ...tools, ffprobe: null };
  const make = (dir: string, name: string, args: string[]): string => {
    const path = join(dir, name);
    execFileSync(tools.ffmpeg, ['-v', 'error', '-y', ...args, path]);
    return path;
  };
  const frameCount = async (path: string, fps: number, probe: FfmpegTools = tools): Promise<number> => {
    let n = 0;
    for await (const f of streamFrames(path, await probeVideo(path, {}, probe), { fps, maxSidePx: 64 })) n += f.width > 0 ? 1 : 0;
    return n;
  };

  it('an anamorphic clip (pixels twice as wide as tall) is read at the shape it is shown at, by ffprobe and by ffmpeg alone', async () => {
    const dir = tempDir();
    // 480×480 squeezed into 240×480 stored pixels of aspect 2:1: a player shows 480×480.
    const squeezed = make(dir, 'squeezed.mp4', ['-t', '0.3', '-i', mp4, '-an', '-vf', 'scale=240:480,setsar=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    for (const probe of [tools, ffmpegOnly]) {
      const info = await probeVideo(squeezed, {}, probe);
      expect([info.width, info.height]).toEqual([480, 480]);
      const frame = await clipFrame(squeezed, info, 0.1, 96);
      expect([frame.width, frame.height]).toEqual([96, 96]);
    }
    // Its frame is the clip's own frame at that shape: within codec noise of the source's.
    const own = await clipFrame(mp4, await probeVideo(mp4), 0.1, 96);
    const shown = await clipFrame(squeezed, await probeVideo(squeezed), 0.1, 96);
    let sum = 0;
    for (let i = 0; i < own.data.length; i++) if (i % 4 !== 3) sum += Math.abs(own.data[i] - shown.data[i]);
    expect(sum / ((own.data.length / 4) * 3)).toBeLessThan(6);
  });

  it('an animated WebP (a chat sticker) is a clip: its frames, delays and alpha, through either probe', async () => {
    const dir = tempDir();
    const webp = join(dir, 'sticker.webp');
    // Six 40x30 frames, each its own colour with its left quarter transparent; uneven delays, one of 0 ms
    // (played as 100 ms, as browsers do): 100 50 200 100 100 150, 0.7 s in all.
    const colours = [[250, 20, 20], [20, 250, 20], [20, 20, 250], [250, 250, 20], [20, 250, 250], [250, 20, 250]];
    const [w, h] = [40, 30];
    const tall = Buffer.alloc(w * h * 4 * colours.length);
    colours.forEach((c, f) => {
      for (let p = 0; p < w * h; p++) tall.set([...c, p % w < 10 ? 0 : 255], (f * w * h + p) * 4);
    });
    await sharp(tall, { raw: { width: w, height: h * colours.length, channels: 4, pageHeight: h } }).webp({ lossless: true, delay: [100, 50, 200, 0, 100, 150], loop: 0 }).toFile(webp);
    expect(isAnimatedWebp(readFileSync(webp).subarray(0, 32))).toBe(true);
    expect(isAnimatedWebp(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).webp().toBuffer())).toBe(false);
    // The frame shown at t ms, by the played delays.
    const ends = [100, 150, 350, 450, 550, 700];
    const shownAt = (t: number): number => ends.findIndex((end) => t < end);
    for (const probe of [tools, ffmpegOnly]) {
      const info = await probeVideo(webp, {}, probe);
      expect(info).toMatchObject({ width: w, height: h, frameCount: 6, hasVideo: true, hasAudio: false, animatedWebp: true });
      expect(info.durationS).toBeCloseTo(0.7, 6);
      const frames = [];
      for await (const f of streamFrames(webp, info, { fps: 20 }, {}, probe)) frames.push(f);
      expect(frames.length).toBe(14);
      for (const f of frames) {
        const want = colours[shownAt(f.timeMs + 1)];
        // A pixel on the right (opaque, its colour) and one on the left (transparent).
        const right = (15 * w + 30) * 4;
        expect([...f.data.subarray(right, right + 4)]).toEqual([...want, 255]);
        expect(f.data[(15 * w + 2) * 4 + 3]).toBe(0);
      }
      // At 0.4 s the frame shown since 0.35 s (an input seek there gave the next one).
      const poster = await clipFrame(webp, info, 0.4, 20, {}, probe);
      expect([poster.width, poster.height]).toEqual([20, 15]);
      expect([...poster.data.subarray((7 * 20 + 15) * 4, (7 * 20 + 15) * 4 + 3)]).toEqual(colours[3]);
    }
    expect(ffmpegChildren()).toEqual([]);
    // A still WebP is a still; one cut short is damaged, said as the file's own fault.
    const still = join(dir, 'still.webp');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).webp().toFile(still);
    await expect(probeVideo(still)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', detail: { still: true } });
    const cut = join(dir, 'cut.webp');
    const bytes = readFileSync(webp);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const read = await probeVideo(cut).then(
      async (info) => {
        for await (const _ of streamFrames(cut, info)) void _;
        return null;
      },
      (error: AppError) => error,
    ).catch((error: AppError) => error);
    expect(read).toMatchObject({ code: 'VIDEO_CORRUPT', detail: { damaged: true } });
    expect(isInputFault(read!.code, errorKindOf(read!.detail))).toBe(true);
  });

  it('animated WebPs read at once each keep their frame copy while read, and a frame held over 65 s keeps its length', async () => {
    const dir = tempDir();
    const webpOf = (colours: number[][], delay: number[]): Promise<Buffer> => {
      const tall = Buffer.alloc(16 * 16 * 4 * colours.length);
      colours.forEach((c, f) => {
        for (let p = 0; p < 256; p++) tall.set([...c, 255], (f * 256 + p) * 4);
      });
      return sharp(tall, { raw: { width: 16, height: 16 * colours.length, channels: 4, pageHeight: 16 } }).webp({ lossless: true, delay }).toBuffer();
    };
    // Five clips at once (five sticker jobs, five pages of a server): more than the copies kept (4),
    // and each is read whole (a copy left out of the kept ones was removed under its first reader).
    const clips = await Promise.all([0, 1, 2, 3, 4].map(async (k) => {
      const path = join(dir, `c${k}.webp`);
      writeFileSync(path, await webpOf([[k * 50, 0, 0], [k * 50, 200, 0]], [100, 100]));
      return path;
    }));
    const read = await Promise.all(clips.map(async (path) => {
      const out: number[] = [];
      for await (const f of streamFrames(path, await probeVideo(path), { fps: 10 })) out.push(f.data[1]);
      return out;
    }));
    expect(read).toEqual(clips.map(() => [0, 200]));
    // A frame of 70 s (over an APNG delay's 65.535 s in thousandths) then one of 1 s: the second shows at 70 s.
    const long = join(dir, 'long.webp');
    // (sharp writes at most 65,535 ms; a WebP frame's duration has 24 bits: the first frame's set to 70,000 in its ANMF chunk.)
    const bytes = await webpOf([[255, 0, 0], [0, 0, 255]], [65_535, 1000]);
    const anmf = bytes.indexOf('ANMF');
    bytes.writeUIntLE(70_000, anmf + 8 + 12, 3);
    writeFileSync(long, bytes);
    const info = await probeVideo(long);
    expect(info.durationS).toBeCloseTo(71, 6);
    const blue: number[] = [];
    for await (const f of streamFrames(long, info, { fps: 1 })) if (f.data[2] === 255) blue.push(f.index);
    expect(blue).toEqual([70]);
    expect(ffmpegChildren()).toEqual([]);
  });

  it("an animated WebP's frames are composed as libwebp composes them: parts of the canvas, blended or not, disposed", async () => {
    // Made by hand: a still WebP's chunks for each frame, in ANMF chunks (sharp writes whole frames only).
    const chunk = (fourcc: string, data: Buffer): Buffer => {
      const head = Buffer.alloc(8);
      head.write(fourcc, 0, 'latin1');
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
    };
    const u24 = (v: number): Buffer => {
      const b = Buffer.alloc(3);
      b.writeUIntLE(v, 0, 3);
      return b;
    };
    const solid = (w: number, h: number, c: number[]): Buffer => Buffer.concat(Array.from({ length: w * h }, () => Buffer.from(c)));
    const noise = (w: number, h: number, a: number): Buffer => Buffer.from(Array.from({ length: w * h * 4 }, (_, k) => (k % 4 === 3 ? a : (k * 37) % 256)));
    const frames = [
      { x: 0, y: 0, w: 32, h: 32, rgba: solid(32, 32, [250, 0, 0, 255]), dispose: true },
      { x: 16, y: 16, w: 16, h: 16, rgba: solid(16, 16, [0, 0, 250, 128]) },
      { x: 16, y: 16, w: 16, h: 16, rgba: solid(16, 16, [0, 250, 0, 255]), noBlend: true },
      { x: 0, y: 0, w: 16, h: 16, rgba: noise(16, 16, 77) },
      { x: 8, y: 8, w: 20, h: 20, rgba: noise(20, 20, 200), lossy: true },
    ];
    const anmf: Buffer[] = [];
    for (const f of frames) {
      const still = await sharp(f.rgba, { raw: { width: f.w, height: f.h, channels: 4 } }).webp(f.lossy ? { quality: 80, alphaQuality: 100 } : { lossless: true }).toBuffer();
      const inner: Buffer[] = [];
      for (let at = 12; at < still.length; ) {
        const size = still.readUInt32LE(at + 4);
        if (still.toString('latin1', at, at + 4) !== 'VP8X') inner.push(still.subarray(at, at + 8 + size + (size % 2)));
        at += 8 + size + (size % 2);
      }
      anmf.push(chunk('ANMF', Buffer.concat([u24(f.x / 2), u24(f.y / 2), u24(f.w - 1), u24(f.h - 1), u24(100), Buffer.of((f.noBlend ? 2 : 0) | (f.dispose ? 1 : 0)), ...inner])));
    }
    // And a frame holding no picture, which libwebp's demuxer (the probe's) leaves out: so do we (it read as damaged).
    anmf.splice(2, 0, chunk('ANMF', Buffer.concat([u24(0), u24(0), u24(7), u24(7), u24(100), Buffer.of(0), chunk('XTRA', Buffer.alloc(5))])));
    const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunk('VP8X', Buffer.concat([Buffer.of(0x12, 0, 0, 0), u24(31), u24(31)])), chunk('ANIM', Buffer.alloc(6)), ...anmf]);
    const head = Buffer.alloc(8);
    head.write('RIFF', 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    const path = join(tempDir(), 'parts.webp');
    writeFileSync(path, Buffer.concat([head, body]));
    // libvips's own composition (sharp reads all frames at once) against ours, a byte apart at most (rounding).
    const all = await sharp(path, { animated: true }).ensureAlpha().raw().toBuffer();
    let n = 0;
    for await (const frame of webpFrames(path)) {
      const ref = all.subarray(n * 32 * 32 * 4, (n + 1) * 32 * 32 * 4);
      expect(Math.max(...frame.rgba.map((v, k) => Math.abs(v - ref[k]))), `frame ${n}`).toBeLessThanOrEqual(1);
      n++;
    }
    expect(n).toBe(5);
    // The frame disposed: the second shows the blue half-see-through square on a clear canvas.
    const second = await sharp(path, { page: 1 }).ensureAlpha().raw().toBuffer();
    expect([...second.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    // A file cut inside its frames says so.
    const cut = join(tempDir(), 'cut.webp');
    writeFileSync(cut, Buffer.concat([head, body]).subarray(0, 200));
    await expect((async () => {
      for await (const _ of webpFrames(cut)) void _;
    })()).rejects.toMatchObject({ code: 'VIDEO_CORRUPT', detail: { damaged: true } });
  });

  it('a clip whose frames come unevenly (a GIF of short and held frames, a phone\'s variable-rate MP4) shows each of its frames, through either probe', async () => {
    const dir = tempDir();
    // Ten 32x32 frames, each its own grey, of 100 ms and 400–600 ms: 4 a second on the mean, whose
    // rate skipped three of the 100-ms ones.
    const delays = [100, 400, 100, 600, 100, 400, 200, 400, 100, 100];
    const tall = Buffer.alloc(32 * 32 * 4 * delays.length);
    delays.forEach((_, f) => tall.fill(Buffer.from([20 + 22 * f, 20 + 22 * f, 20 + 22 * f, 255]), f * 32 * 32 * 4, (f + 1) * 32 * 32 * 4));
    const gif = join(dir, 'uneven.gif');
    await sharp(tall, { raw: { width: 32, height: 32 * delays.length, channels: 4, pageHeight: 32 } }).gif({ delay: delays, loop: 0 }).toFile(gif);
    // A phone's recording: 30 frames in its first second, then 30 over the next 5.8 s.
    const vfr = make(dir, 'vfr.mp4', ['-t', '2', '-i', mp4, '-an', '-vf', "scale=96:96,setpts='if(lt(N,30),N/30,1+(N-30)/5.2)/TB'", '-fps_mode', 'passthrough', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-frames:v', '60']);
    for (const probe of [tools, ffmpegOnly]) {
      const name = probe.ffprobe ? 'ffprobe' : 'ffmpeg';
      const info = await probeVideo(gif, {}, probe);
      expect(info.fps, name).toBeCloseTo(10, 6);
      const greys: number[] = [];
      for await (const f of streamFrames(gif, info, { fps: info.fps }, {}, probe)) if (greys.at(-1) !== f.data[0]) greys.push(f.data[0]);
      expect(greys, name).toEqual(delays.map((_, f) => 20 + 22 * f));
      const phone = await probeVideo(vfr, {}, probe);
      expect(phone.fps, name).toBeCloseTo(30, 1);
      // Its first second's 30 frames, each once (the mean rate, 9.2, took 9 of them).
      expect(await frameCount(vfr, phone.fps), name).toBeGreaterThanOrEqual(60);
    }
  });

  it("an APNG's length is its frames' delays: a long last frame is kept whole, through either probe (its scan read 100, 100 and 1000-ms frames as 0.3 s, and a start inside the last one was past the end)", async () => {
    const dir = tempDir();
    // Three opaque 32x32 greys of 100, 100 and 1000 ms (an APNG as this app writes one).
    const greys = [40, 120, 200];
    const frames = greys.map((g) => new Uint8Array(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : g)));
    const apng = join(dir, 'held.apng');
    writeFileSync(apng, encodeRgbaApng({ width: 32, height: 32, frames, delaysMs: [100, 100, 1000] }));
    for (const probe of [tools, ffmpegOnly]) {
      const name = probe.ffprobe ? 'ffprobe' : 'ffmpeg';
      const info = await probeVideo(apng, {}, probe);
      expect(info.durationS, name).toBeCloseTo(1.2, 2);
      expect(info.frameCount, name).toBe(3);
      // At 10 fps: one frame each of the first two, ten of the held one.
      const seen: number[] = [];
      for await (const f of streamFrames(apng, info, { fps: 10 }, {}, probe)) seen.push(f.data[0]);
      expect(seen.length, name).toBe(12);
      expect(seen.filter((g) => Math.abs(g - 200) <= 2).length, name).toBe(10);
      // A part starting inside the hold gives its frames.
      let inHold = 0;
      for await (const f of streamFrames(apng, info, { fps: 10, startS: 0.7 }, {}, probe)) inHold += Math.abs(f.data[0] - 200) <= 2 ? 1 : 0;
      expect(inHold, name).toBe(5);
    }
  });

  it('a WebM with an alpha layer (a sticker made by this app, a browser\'s transparent recording) is read with its alpha, through either probe', async () => {
    const dir = tempDir();
    // The left 40 % transparent, as libvpx-vp9 writes a yuva420p clip (ffmpeg's own vp9 decoder drops that layer).
    const webm = make(dir, 'alpha.webm', ['-t', '0.5', '-i', mp4, '-an', '-vf', "scale=96:96,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,W*0.4),0,255)'", '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuva420p', '-deadline', 'realtime']);
    for (const probe of [tools, ffmpegOnly]) {
      const name = probe.ffprobe ? 'ffprobe' : 'ffmpeg';
      const info = await probeVideo(webm, {}, probe);
      expect(info.alphaDecoder, name).toBe('libvpx-vp9');
      const frame = await clipFrame(webm, info, 0.2, 96, {}, probe);
      const alphaAt = (x: number): number => frame.data[(48 * 96 + x) * 4 + 3];
      expect([alphaAt(10), alphaAt(80)], name).toEqual([0, 255]);
    }
  });

  it('a one-frame clip gives its frame, as a one-frame GIF does', async () => {
    const one = make(tempDir(), 'one.mp4', ['-i', mp4, '-frames:v', '1', '-vf', 'scale=96:96', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    // 1/30 s is 0.4 of a frame at 12 fps: the fps filter rounded it to none ("probably cut short").
    expect(await frameCount(one, 12)).toBe(1);
  });

  it('a part of a video starting inside its last frame gives that frame, through either probe (a healthy clip read as "cut short")', async () => {
    // The first 2 s of a 24-fps clip: the last frame starts at 1.958 s.
    const clip = make(tempDir(), 'two.mp4', ['-i', evalFile('anime_clips', 'clips', 'w2xgui_video2_original_360p.mp4'), '-t', '2', '-an', '-vf', 'scale=160:90', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    for (const probe of [tools, ffmpegOnly]) {
      const info = await probeVideo(clip, {}, probe);
      let n = 0;
      for await (const f of streamFrames(clip, info, { fps: 12, startS: 1.96 }, {}, probe)) n += f.width > 0 ? 1 : 0;
      expect(n, probe.ffprobe ? 'ffprobe' : 'ffmpeg').toBe(1);
    }
  });

  it('a slow-motion clip above 60 fps shows a frame (the workspace and the preview)', async () => {
    const slow = make(tempDir(), 'slow.mp4', ['-t', '0.5', '-i', mp4, '-vf', 'scale=96:96,fps=120', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    const info = await probeVideo(slow);
    expect(info.fps).toBeCloseTo(120, 0);
    const frame = await clipFrame(slow, info, 0.25, 64);
    expect([frame.width, frame.height]).toEqual([64, 64]);
  });

  it("a WebM whose header states no length (a browser's recording) is measured from its packets", async () => {
    const dir = tempDir();
    // Written to a pipe, the WebM muxer cannot go back to write the length, as MediaRecorder's.
    const live = join(dir, 'live.webm');
    writeFileSync(live, execFileSync(tools.ffmpeg, ['-v', 'error', '-t', '1.5', '-i', mp4, '-vf', 'scale=96:96', '-r', '30', '-an', '-c:v', 'libvpx', '-deadline', 'realtime', '-f', 'webm', 'pipe:1'], { maxBuffer: 1 << 26 }));
    for (const probe of [tools, ffmpegOnly]) {
      const info = await probeVideo(live, {}, probe);
      expect(info.durationS, probe.ffprobe ? 'ffprobe' : 'ffmpeg').toBeCloseTo(1.5, 1);
      expect(await frameCount(live, 10, probe)).toBe(15);
    }
  });

  it("an MKV's length is its video's, not its longer audio's", async () => {
    const dir = tempDir();
    const mkv = make(dir, 'long-audio.mkv', ['-t', '1.5', '-i', mp4, '-f', 'lavfi', '-i', 'sine=duration=4', '-map', '0:v', '-map', '1:a', '-vf', 'scale=96:96', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'libopus']);
    for (const probe of [tools, ffmpegOnly]) {
      const info = await probeVideo(mkv, {}, probe);
      expect(info.durationS, probe.ffprobe ? 'ffprobe' : 'ffmpeg').toBeCloseTo(1.5, 1);
      // A start in the audio's tail is past the clip's end, not a damaged file.
      expect(() => planFrames(info, { startS: 2 })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('an audio file with cover art has no video stream, said so on both probes', async () => {
    const dir = tempDir();
    const cover = join(dir, 'cover.jpg');
    await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(96).jpeg().toFile(cover);
    const song = make(dir, 'song.mp3', ['-f', 'lavfi', '-i', 'sine=duration=1', '-i', cover, '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-c:v', 'copy', '-disposition:v', 'attached_pic']);
    for (const probe of [tools, ffmpegOnly]) {
      await expect(probeVideo(song, {}, probe), probe.ffprobe ? 'ffprobe' : 'ffmpeg').rejects.toMatchObject({ code: 'NO_VIDEO_STREAM', message: expect.stringMatching(/\(audio only\)$/) });
    }
  });
});

describe('how a clip holds its drawings', () => {
  it('finds threes in anime and AnimateDiff clips, uneven holds in others, and none in real-person clips, still scenes or GIFs of one frame a drawing', async () => {
    const cadence = async (set: string, name: string, part?: { startS?: number }) => {
      const path = evalFile(set, 'clips', name);
      return measureDrawingCadence(path, await probeVideo(path), part);
    };
    // One Piece at 23.98 fps on threes (its 7.5-s demo has a cut and still moments), from its start and from 3 s.
    for (const part of [{}, { startS: 3 }]) expect(await cadence('anime_clips', 'esrgan_onepiece_demo.mp4', part)).toEqual({ framesPerDrawing: 3, drawingFps: expect.closeTo(23.98 / 3, 2), even: true });
    expect(await cadence('anime_clips', 'animatediff_model02_04.gif')).toEqual({ framesPerDrawing: 3, drawingFps: expect.closeTo(1000 / 130, 6), even: true });
    // Drawings held unevenly: w2xgui's mix of 1s, 2s and 3s at 24 fps, and a 60-fps web clip of a film (2s and 3s).
    // (w2xgui's children running behind the girl count as the frame's drawings since the repeat test
    // reads small blocks too: 2.4 frames a drawing, where the 1/64th blocks alone read 2.6.)
    expect(await cadence('anime_clips', 'w2xgui_video2_original_360p.mp4')).toEqual({ framesPerDrawing: expect.closeTo(2.4, 1), drawingFps: expect.closeTo(10, 0), even: false });
    expect(await cadence('anime_clips', 'anime4k_web_input.mp4')).toEqual({ framesPerDrawing: expect.closeTo(2.5, 1), drawingFps: expect.closeTo(24, 0), even: false });
    // A GIF whose frames are its drawings (130 ms each), and a person moving every frame.
    expect(await cadence('anime_clips', 'animatediff_model08_01.gif')).toBeNull();
    expect(await cadence('person_clips', 'liveportrait_driving_d6.mp4')).toBeNull();
    // A still visual-novel scene: nothing changes, nothing to tell.
    expect(await cadence('anime_clips', 'ks_tc_act3_rin.mp4')).toBeNull();
    // A file whose header reads and whose frames do not has no cadence (its sticker's decode says why), and no ffmpeg is left behind.
    const dir = tempDir();
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4'), '-t', '2', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-movflags', '+faststart', join(dir, 'whole.mp4')]);
    const headOnly = join(dir, 'head.mp4');
    writeFileSync(headOnly, readFileSync(join(dir, 'whole.mp4')).subarray(0, 4000));
    expect(await measureDrawingCadence(headOnly, await probeVideo(headOnly))).toBeNull();
    expect(ffmpegChildren()).toEqual([]);
  });
});
