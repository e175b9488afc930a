// Unit tests of the pure probe parsers and the frame plan (no ffmpeg run).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeErrorCounter, planFrames, frameArgs } from '../../../../src/main/core/video/extract-frames';
import { clockSeconds, isSubsampledPixelFormat, parseCopyScan, parseFfmpegInfo, parseProbeJson, variableBaseRate, type VideoInfo } from '../../../../src/main/core/video/probe';
import { frameRateOfDelays } from '../../../../src/main/core/video/webp-clip';
import { lastLines } from '../../../../src/main/core/video/ffmpeg';

describe('parseProbeJson', () => {
  it('reads a rotated phone clip as its displayed size', () => {
    const info = parseProbeJson({
      streams: [
        { codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, r_frame_rate: '30/1', avg_frame_rate: '30000/1001', nb_frames: '150', side_data_list: [{ rotation: -90 }] },
        { codec_type: 'audio', codec_name: 'aac' },
      ],
      format: { duration: '5.005', format_name: 'mov,mp4' },
    });
    expect(info).toMatchObject({ width: 1080, height: 1920, rotationDeg: 90, hasVideo: true, hasAudio: true, frameCount: 150 });
    expect(info.fps).toBeCloseTo(29.97, 2);
  });
  it('reads an anamorphic clip at its shown width (sample aspect ratio), before its rotation', () => {
    const stream = { codec_type: 'video', codec_name: 'h264', width: 720, height: 576, r_frame_rate: '25/1', avg_frame_rate: '25/1' };
    expect(parseProbeJson({ streams: [{ ...stream, sample_aspect_ratio: '16:11' }] })).toMatchObject({ width: 1047, height: 576 });
    expect(parseProbeJson({ streams: [{ ...stream, sample_aspect_ratio: '2:1', side_data_list: [{ rotation: -90 }] }] })).toMatchObject({ width: 576, height: 1440 });
    // Unknown (0:1) or square: the stored size.
    for (const sar of ['0:1', '1:1', undefined]) expect(parseProbeJson({ streams: [{ ...stream, sample_aspect_ratio: sar }] })).toMatchObject({ width: 720, height: 576 });
    const line = "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':\n  Duration: 00:00:01.00, start: 0.000000, bitrate: 100 kb/s\n  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 240x480 [SAR 2:1 DAR 1:1], 90 kb/s, 30 fps, 30 tbr, 15360 tbn (default)\n";
    expect(parseFfmpegInfo(line)).toMatchObject({ width: 480, height: 480 });
  });

  it('takes a GIF frame rate from frame count and duration, not the timebase guess', () => {
    const info = parseProbeJson({ streams: [{ codec_type: 'video', codec_name: 'gif', width: 256, height: 256, r_frame_rate: '277/12', avg_frame_rate: '277/12', nb_frames: '48', duration: '2.08' }], format: { duration: '2.08' } });
    expect(info.fps).toBeCloseTo(48 / 2.08, 3);
  });
  it("reads a variable-rate video at the rate its timestamps step at, not its mean (nor an interlaced clip's field rate)", () => {
    const video = (r: string, avg: string) => parseProbeJson({ streams: [{ codec_type: 'video', codec_name: 'h264', width: 64, height: 64, r_frame_rate: r, avg_frame_rate: avg, nb_frames: '60' }], format: { duration: '6.5' } }).fps;
    // 30 frames in its first second, 30 in the next 5.5: 9.23 a second on the mean.
    expect(video('30/1', '120/13')).toBe(30);
    // A steady clip (29.97 in a 30 base), a 25i clip read as 50, and a timebase past 120: the mean.
    expect(video('30/1', '30000/1001')).toBeCloseTo(29.97, 2);
    expect(video('50/1', '25/1')).toBe(25);
    // An APNG of 50 and 150-ms frames (not interlaced, whatever its rates): its base rate.
    expect(parseProbeJson({ streams: [{ codec_type: 'video', codec_name: 'apng', width: 64, height: 64, r_frame_rate: '20/1', avg_frame_rate: '10/1' }], format: { duration: '1' } }).fps).toBe(20);
    expect(video('600/1', '20/1')).toBe(20);
    expect(variableBaseRate(0, 30)).toBe(0);
  });
  it("takes an animation's rate from its delays: the mean where steady (centiseconds round it), else its shortest frame's", () => {
    // AnimateDiff's 23.08-fps GIFs are written 40, 50, 40 ms: each frame taken once at the mean.
    expect(frameRateOfDelays([40, 50, 40, 40, 50, 40])).toBeCloseTo(1000 / 43.33, 2);
    // Runs of short frames, then of long ones (each within 10 ms of a 30-ms mean): not steady.
    expect(frameRateOfDelays([20, 20, 20, 20, 20, 40, 40, 40, 40, 40])).toBe(50);
    expect(frameRateOfDelays([...Array<number>(10).fill(40), ...Array<number>(10).fill(60)])).toBe(25);
    // 100-ms frames between long holds, and 100-ms ones ending on a 2-s hold: 10 a second.
    expect(frameRateOfDelays([100, 400, 100, 600, 100, 400, 200, 400, 100, 100])).toBe(10);
    expect(frameRateOfDelays([100, 100, 100, 2000])).toBe(10);
    expect(frameRateOfDelays([])).toBe(0);
  });
  it('decodes a VP9 / VP8 clip with an alpha layer by libvpx, whose decoder keeps it (ffmpeg\'s own drops it)', () => {
    const stream = (codec_name: string, tags?: Record<string, string>) => parseProbeJson({ streams: [{ codec_type: 'video', codec_name, width: 64, height: 64, r_frame_rate: '30/1', avg_frame_rate: '30/1', tags }], format: { duration: '1', format_name: 'matroska,webm' } });
    expect(stream('vp9', { alpha_mode: '1' }).alphaDecoder).toBe('libvpx-vp9');
    expect(stream('vp8', { ALPHA_MODE: '1' }).alphaDecoder).toBe('libvpx');
    for (const [codec, tags] of [['vp9', undefined], ['vp9', { alpha_mode: '0' }], ['h264', { alpha_mode: '1' }]] as const) expect(stream(codec, tags).alphaDecoder).toBeUndefined();
    const line = "Input #0, matroska,webm, from 'a.webm':\n  Duration: 00:00:02.00, start: 0.000000, bitrate: 300 kb/s\n  Stream #0:0: Video: vp9 (Profile 0), yuv420p(tv, progressive), 320x240, SAR 1:1 DAR 4:3, 30 fps, 30 tbr, 1k tbn (default)\n    Metadata:\n      alpha_mode      : 1\n      ENCODER         : Lavc libvpx-vp9\n";
    expect(parseFfmpegInfo(line).alphaDecoder).toBe('libvpx-vp9');
    expect(parseFfmpegInfo(line.replace('alpha_mode      : 1\n', '')).alphaDecoder).toBeUndefined();
    // Named before the input, as a decoder must be.
    const args = frameArgs('in.webm', planFrames(stream('vp9', { alpha_mode: '1' }), { fps: 12 }));
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 2)).toEqual(['-c:v', 'libvpx-vp9']);
    expect(args.indexOf('-c:v')).toBeLessThan(args.indexOf('-i'));
    expect(frameArgs('in.webm', planFrames(stream('vp9'), { fps: 12 }))).not.toContain('-c:v');
  });
  it('reports an audio-only file as having no video', () => {
    expect(parseProbeJson({ streams: [{ codec_type: 'audio' }], format: { duration: '3' } }).hasVideo).toBe(false);
  });
  it("does not take an audio file's cover art for a clip", () => {
    const info = parseProbeJson({
      streams: [
        { codec_type: 'audio', codec_name: 'mp3' },
        { codec_type: 'video', codec_name: 'mjpeg', width: 256, height: 160, r_frame_rate: '90000/1', disposition: { attached_pic: 1 } },
      ],
      format: { duration: '2.0', format_name: 'mp3' },
    });
    expect(info).toMatchObject({ hasVideo: false, hasAudio: true });
  });
  it("takes the video's own length from Matroska's DURATION tag, not the container's longer audio", () => {
    const info = parseProbeJson({
      streams: [
        { codec_type: 'video', codec_name: 'h264', width: 256, height: 160, r_frame_rate: '30/1', avg_frame_rate: '30/1', tags: { DURATION: '00:00:01.507000000' } },
        { codec_type: 'audio', codec_name: 'opus', tags: { DURATION: '00:00:04.008000000' } },
      ],
      format: { duration: '4.008', format_name: 'matroska,webm' },
    });
    expect(info.durationS).toBeCloseTo(1.507, 6);
  });
});

describe('lastLines', () => {
  it("quotes ffmpeg's last lines without their decoder-and-address prefix", () => {
    expect(lastLines('Input #0, mjpeg\n[mjpeg @ 0x5653f5c9f880] No JPEG data found in image\n\n', 1)).toBe('No JPEG data found in image');
    expect(lastLines('/a/b.mp4: Invalid data found when processing input\n', 1)).toBe('/a/b.mp4: Invalid data found when processing input');
    expect(lastLines('[h264 @ 0x55e1] error while decoding MB 15 2\r\n[gif @ 000001d6df9649c0] LZW decode failed', 2)).toBe('error while decoding MB 15 2 | LZW decode failed');
    expect(lastLines(' \n', 1)).toBe('');
  });
});

describe('clockSeconds and parseCopyScan', () => {
  it('reads HH:MM:SS.fraction clocks, and nothing else', () => {
    expect(clockSeconds('00:00:01.507000000')).toBeCloseTo(1.507, 9);
    expect(clockSeconds('01:02:03.5')).toBe(3723.5);
    for (const bad of [undefined, '', 'N/A', '1.5', '00:01']) expect(clockSeconds(bad), String(bad)).toBe(0);
  });
  it("takes a clip's length from the last progress line of a copy: the last frame's time plus a frame", () => {
    const stderr = 'frame=    1 fps=0.0 q=-1.0 size=N/A time=00:00:00.00 bitrate=N/A speed=N/A    \rframe=   45 fps=0.0 q=-1.0 Lsize=N/A time=00:00:01.46 bitrate=N/A speed=1.3e+04x    \n';
    expect(parseCopyScan(stderr, 30)).toEqual({ durationS: expect.closeTo(1.46 + 1 / 30, 9), frameCount: 45 });
    // No rate known: the mean step between the frames.
    expect(parseCopyScan(stderr, 0)).toEqual({ durationS: expect.closeTo(1.46 + 1.46 / 44, 9), frameCount: 45 });
    expect(parseCopyScan('frame=    0 fps=0.0 q=-1.0 Lsize=N/A time=N/A bitrate=N/A', 30)).toBeNull();
  });
});

describe('colour subsampling', () => {
  it('is read from the pixel format: video at 4:2:0 / 4:2:2 is, RGB, 4:4:4 and a GIF palette are not', () => {
    const probe = (pix_fmt?: string) => parseProbeJson({ streams: [{ codec_type: 'video', codec_name: 'h264', width: 64, height: 64, r_frame_rate: '25/1', pix_fmt }], format: { duration: '1' } });
    for (const fmt of ['yuv420p', 'yuvj420p', 'yuv422p10le', 'yuva420p', 'nv12', 'p010le']) expect(probe(fmt).isColourSubsampled, fmt).toBe(true);
    for (const fmt of ['yuv444p', 'nv24', 'rgb24', 'bgra', 'pal8', 'gbrp', 'gray', undefined]) expect(probe(fmt).isColourSubsampled, String(fmt)).toBeUndefined();
    expect(isSubsampledPixelFormat('yuvj444p')).toBe(false);
  });
  it('reaches the frames unless they are shrunk to half or less', () => {
    const clip: VideoInfo = { durationS: 2, fps: 10, width: 640, height: 480, rotationDeg: 0, hasVideo: true, hasAudio: false, codec: 'h264', container: 'mp4', frameCount: 20, isColourSubsampled: true };
    expect(planFrames(clip, { maxSidePx: 512 }).isColourSubsampled).toBe(true);
    expect(planFrames(clip, { maxSidePx: 320 }).isColourSubsampled).toBe(false);
    expect(planFrames({ ...clip, isColourSubsampled: undefined }, {}).isColourSubsampled).toBe(false);
  });
});

describe('parseFfmpegInfo', () => {
  it('parses duration, size, fps and display-matrix rotation from ffmpeg -i stderr', () => {
    const stderr = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':
  Duration: 00:00:07.55, start: 0.000000, bitrate: 628 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 640x480 [SAR 1:1 DAR 4:3], 495 kb/s, 23.98 fps, 23.98 tbr, 24k tbn (default)
    Side data:
      displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)`;
    const info = parseFfmpegInfo(stderr);
    expect(info).toMatchObject({ width: 480, height: 640, rotationDeg: 90, hasVideo: true, hasAudio: true, codec: 'h264', isColourSubsampled: true });
    expect(info.durationS).toBeCloseTo(7.55, 3);
    expect(info.fps).toBeCloseTo(23.98, 2);
  });
  it("passes over an audio file's cover art, and reads the video stream's own DURATION line", () => {
    const cover = `Input #0, mp3, from 'a.mp3':
  Duration: 00:00:02.04, start: 0.025057, bitrate: 73 kb/s
  Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 64 kb/s
  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 256x160 [SAR 1:1 DAR 8:5], 90k tbr, 90k tbn (attached pic)`;
    expect(parseFfmpegInfo(cover)).toMatchObject({ hasVideo: false, hasAudio: true });
    const mkv = `Input #0, matroska,webm, from 'a.mkv':
  Duration: 00:00:04.01, start: -0.007000, bitrate: 110 kb/s
  Stream #0:0: Video: h264 (High), yuv420p(tv, bt709, progressive), 256x160 [SAR 1:1 DAR 8:5], 30 fps, 30 tbr, 1k tbn (default)
      Metadata:
        DURATION        : 00:00:01.507000000
  Stream #0:1: Audio: opus, 48000 Hz, mono, fltp
      Metadata:
        DURATION        : 00:00:04.008000000`;
    expect(parseFfmpegInfo(mkv).durationS).toBeCloseTo(1.507, 6);
    // Without a line of its own, the container's.
    expect(parseFfmpegInfo(mkv.replace('DURATION        : 00:00:01.507000000', 'ENCODER : x')).durationS).toBeCloseTo(4.01, 6);
  });
});

describe('planFrames', () => {
  const info: VideoInfo = { durationS: 7.5, fps: 24, width: 640, height: 480, rotationDeg: 0, hasVideo: true, hasAudio: false, codec: 'h264', container: 'mp4', frameCount: 180 };
  it('scales the long side down to maxSide and counts frames from trim and fps', () => {
    expect(planFrames(info, { startS: 1.2, durationS: 3, fps: 12, maxSidePx: 320 })).toMatchObject({ width: 320, height: 240, frameCount: 36, fps: 12 });
  });
  it('never upscales and clips the trim at the end of the clip', () => {
    expect(planFrames(info, { startS: 6, durationS: 10, fps: 10, maxSidePx: 4000 })).toMatchObject({ width: 640, height: 480, frameCount: 15 });
  });
  it('refuses a start past the end', () => {
    expect(() => planFrames(info, { startS: 9 })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
  it('asks ffmpeg for raw RGBA on stdout with an input seek and a frame cap', () => {
    const args = frameArgs('in.mp4', planFrames(info, { startS: 1, durationS: 2, fps: 12, maxSidePx: 320 }));
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 2)).toEqual(['-ss', '1.000']);
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(args).toContain('pipe:1');
    // The last frame passes: a clip shorter than half a frame at the rate asked still gives one.
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^fps=12:eof_action=pass,/);
    expect(args[args.indexOf('-frames:v') + 1]).toBe('24');
    // The clip by its absolute path: a name starting with "-" was read as an option, one with a
    // colon as a protocol ("clip:1.gif": Protocol not found).
    for (const name of ['-x.gif', 'clip:1.gif']) {
      const named = frameArgs(name, planFrames(info, {}));
      expect(named[named.indexOf('-i') + 1]).toBe(resolve(name));
    }
  });
  it('reaches a GIF\'s (an APNG\'s, an animated WebP\'s) start by decoding to it, so the frame held across it is its first', () => {
    for (const container of ['gif', 'apng', 'webp']) {
      const args = frameArgs('in.gif', planFrames({ ...info, container }, { startS: 1, durationS: 2, fps: 12 }));
      expect(args).not.toContain('-ss');
      expect(args.slice(args.indexOf('-t'), args.indexOf('-t') + 2)).toEqual(['-t', '3.000']);
      expect(args[args.indexOf('-vf') + 1]).toMatch(/^tpad=stop_mode=clone:stop_duration=0\.0833,fps=12:start_time=1\.000:eof_action=pass,/);
      expect(args[args.indexOf('-frames:v') + 1]).toBe('24');
    }
    // From its start, nothing to skip.
    expect(frameArgs('in.gif', planFrames({ ...info, container: 'gif' }, { fps: 12 })).find((a) => a.startsWith('fps='))).toMatch(/^fps=12:eof_action=pass,/);
  });
});

describe('decodeErrorCounter', () => {
  it('counts what decoders say of damaged data, across chunks, and "Last message repeated N times" after it as N', () => {
    let count = 0;
    const feed = decodeErrorCounter(() => count++);
    feed('[h264 @ 0x55e1] error while decoding MB 15 2, bytestream 3411\n[gif @ 000001d6df9649c0] LZW dec');
    expect(count).toBe(1);
    feed('ode failed\n    Last message repeated 3 times\n');
    expect(count).toBe(5);
    // An undamaged open-GOP clip after a seek, and ffmpeg's repeat of a decoder's error: not counted.
    feed('[h264 @ 0x55e1] Missing reference picture, default is 0\n    Last message repeated 1 times\n[h264 @ 0x55e1] mmco: unref short failure\n');
    feed('Error while decoding stream #0:0: Invalid data found when processing input\nframe=  10 fps=0.0\n');
    expect(count).toBe(5);
  });
});
