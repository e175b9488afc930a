// Probes a clip: duration, frame rate, display size, rotation, whether it has video. Uses ffprobe
// JSON when present, else parses `ffmpeg -i` stderr (pure parsers, unit-tested). Core (no electron).
import { open, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError, CancelledError } from '../../../shared/errors';
import type { RunContext } from '../progress';
import { ffmpegFileArg, hasDecoder, lastLines, resolveFfmpeg, runTool, type FfmpegTools } from './ffmpeg';
import { assertReadable, holdsText, readHead, withFileReader } from '../io/read-head';
import { apngFrameCount } from '../image/png-chunk';
import { isHeicFile } from '../image/heif';
import { frameRateOfDelays, isAnimatedWebp, playedDelayMs, probeAnimatedWebp } from './webp-clip';

/** What a clip is. Width/height are the displayed size (rotation already applied, as ffmpeg decodes). */
export interface VideoInfo {
  durationS: number;
  fps: number;
  width: number;
  height: number;
  /** Clockwise display rotation in degrees (0, 90, 180, 270) stored in the container. */
  rotationDeg: number;
  hasVideo: boolean;
  hasAudio: boolean;
  codec: string;
  container: string;
  /** Frame count when the container states it (GIF, most MP4), else null. */
  frameCount: number | null;
  /** Its colour is at a lower resolution than its brightness (yuv420p, nv12, ... as nearly all video; not a GIF). */
  isColourSubsampled?: boolean;
  /**
   * The file ends before its end: a GIF without its trailer byte (0x3B), as a download cut short
   * leaves it. ffmpeg reads the frames that are there without a word, and its duration is theirs.
   */
  isCutShort?: boolean;
  /** An animated WebP: its frames are read from an APNG copy (webp-clip.ts), as ffmpeg before 8 cannot decode one. */
  animatedWebp?: true;
  /**
   * The demuxer ffmpeg is told to read it with: 'apng' for an APNG named .png (a LINE sticker),
   * which ffmpeg otherwise takes for a still (png_pipe). Absent: ffmpeg's own guess.
   */
  inputFormat?: 'apng';
  /**
   * The decoder that keeps the alpha layer of a VP8 / VP9 stream that has one (a WebM sticker, a
   * browser's transparent recording: tag alpha_mode 1): ffmpeg's own vp8 / vp9 decoders drop it,
   * libvpx's keep it. Absent where the clip has none, or this ffmpeg lacks that decoder (probeVideo).
   */
  alphaDecoder?: 'libvpx' | 'libvpx-vp9';
}

/**
 * Whether a GIF file lacks its trailer (0x3B): the file was cut short. Zero bytes and white space
 * after the trailer (padding, a newline some tools add) are passed over.
 */
export async function isGifCutShort(path: string, size: number): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, 64));
    const { bytesRead } = await handle.read(tail, 0, tail.length, size - tail.length);
    let i = bytesRead - 1;
    while (i >= 0 && (tail[i] === 0x00 || tail[i] === 0x0a || tail[i] === 0x0d || tail[i] === 0x20)) i--;
    return i >= 0 && tail[i] !== 0x3b;
  } finally {
    await handle.close();
  }
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 && v < 1000 ? v : 0;
}

/**
 * The width a clip is shown at: its stored width times the shape of its pixels (sample aspect
 * ratio "2:1" in ffprobe, "SAR 2:1" in ffmpeg's line), before any rotation. An anamorphic clip
 * (DV, HDV, a phone's squeezed export) was cut out at its stored shape, the person half as wide.
 */
function shownWidth(width: number, sar: string | undefined): number {
  const m = /^(\d+):(\d+)$/.exec(sar ?? '');
  const ratio = m ? Number(m[1]) / Number(m[2]) : 1;
  return ratio > 0 && Number.isFinite(ratio) && ratio !== 1 ? Math.max(1, Math.round(width * ratio)) : width;
}

function normaliseRotation(deg: number): number {
  const r = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  // Display-matrix rotation is counter-clockwise; tags.rotate is clockwise. Callers pass clockwise.
  return r;
}

interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    r_frame_rate?: string;
    avg_frame_rate?: string;
    duration?: string;
    nb_frames?: string;
    tags?: Record<string, string>;
    disposition?: { attached_pic?: number };
    side_data_list?: Array<{ rotation?: number | string }>;
    /** The shape of a stored pixel, "W:H" ("0:1" or absent: unknown, square). */
    sample_aspect_ratio?: string;
  }>;
  format?: { duration?: string; format_name?: string };
}

/** Pixel formats whose colour is subsampled: yuv420p, yuvj422p, yuva420p, yuv411p, nv12, nv21, p010le, ... (nv24 / nv42 are 4:4:4). */
const SUBSAMPLED_PIXEL_FORMAT = /^(?:yuv[aj]?4(?:20|22|11|10|40)|nv(?:12|16|21)|p0(?:10|12|16)|p2(?:10|16))/;

/** Whether an ffmpeg pixel format keeps colour at a lower resolution than brightness (4:4:4 and RGB do not). */
export function isSubsampledPixelFormat(pixFmt: string | undefined): boolean {
  return pixFmt !== undefined && SUBSAMPLED_PIXEL_FORMAT.test(pixFmt);
}

/** Builds VideoInfo from `ffprobe -of json -show_streams -show_format` output. */
export function parseProbeJson(json: ProbeJson): VideoInfo {
  const streams = json.streams ?? [];
  // An audio file's cover art is a "video" stream of one picture (attached_pic): not a clip's.
  const video = streams.find((s) => s.codec_type === 'video' && (s.width ?? 0) > 0 && s.disposition?.attached_pic !== 1);
  const hasAudio = streams.some((s) => s.codec_type === 'audio');
  const durationS = Number(json.format?.duration ?? video?.duration ?? 0) || Number(video?.duration ?? 0) || 0;
  if (!video) {
    return { durationS, fps: 0, width: 0, height: 0, rotationDeg: 0, hasVideo: false, hasAudio, codec: '', container: json.format?.format_name ?? '', frameCount: null };
  }
  let rotationDeg = 0;
  const side = video.side_data_list?.find((s) => s.rotation !== undefined);
  if (side) rotationDeg = normaliseRotation(-Number(side.rotation));
  else if (video.tags?.rotate) rotationDeg = normaliseRotation(Number(video.tags.rotate));
  const frameCount = video.nb_frames && Number(video.nb_frames) > 0 ? Number(video.nb_frames) : null;
  // The video's own length: MP4 states it per stream, Matroska / WebM as a DURATION tag; the
  // container's is the longest stream's (audio running on past the picture).
  const streamDuration = Number(video.duration ?? 0) || clockSeconds(video.tags?.DURATION) || durationS;
  // GIF r_frame_rate is a timebase guess; the mean rate from frame count and duration is truthful
  // (and probeVideo puts the rate that shows each frame in its place, gifFrameRate).
  let fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  if (frameCount && streamDuration > 0 && (video.codec_name === 'gif' || !fps)) fps = frameCount / streamDuration;
  else fps = variableBaseRate(fps, parseRate(video.r_frame_rate), video.codec_name !== 'apng');
  const swap = rotationDeg === 90 || rotationDeg === 270;
  const width = shownWidth(video.width!, video.sample_aspect_ratio);
  return {
    durationS: streamDuration || durationS,
    fps,
    width: swap ? video.height! : width,
    height: swap ? width : video.height!,
    rotationDeg,
    hasVideo: true,
    hasAudio,
    codec: video.codec_name ?? '',
    container: json.format?.format_name ?? '',
    frameCount,
    ...(isSubsampledPixelFormat(video.pix_fmt) ? { isColourSubsampled: true } : {}),
    ...alphaDecoderOf(video.codec_name, video.tags?.alpha_mode ?? video.tags?.ALPHA_MODE),
  };
}

/** The highest base rate of a variable-rate video taken as its rate (a phone's slow motion is 240; past 120 it is a timebase, not a rate). */
const MAX_BASE_FPS = 120;

/**
 * The rate a video is decoded at to show each of its frames: its mean rate (avg_frame_rate), or
 * where its frames come at a variable rate (a phone's recording, a screen capture: the mean rate
 * well under the rate its timestamps step at, r_frame_rate) that base rate. At the mean rate the
 * frames that come faster were skipped: a clip of 30 frames in its first second and 30 in the next
 * 5.5, 9.2 a second on the mean, showed 9 of the first 30. Where `mayBeInterlaced` (a video codec;
 * not an APNG, whose frames have delays of their own), a base rate twice the mean is an
 * interlaced clip's field rate (25i read as 50), not a variable rate.
 */
export function variableBaseRate(meanFps: number, baseFps: number, mayBeInterlaced = true): number {
  if (!(meanFps > 0) || !(baseFps > meanFps * 1.1) || baseFps > MAX_BASE_FPS) return meanFps;
  return mayBeInterlaced && Math.abs(baseFps / meanFps - 2) < 0.02 ? meanFps : baseFps;
}

/** VideoInfo.alphaDecoder for a stream of `codec` whose alpha_mode tag is `alphaMode`. */
function alphaDecoderOf(codec: string | undefined, alphaMode: string | undefined): Pick<VideoInfo, 'alphaDecoder'> {
  if (alphaMode?.trim() !== '1') return {};
  return codec === 'vp9' ? { alphaDecoder: 'libvpx-vp9' } : codec === 'vp8' ? { alphaDecoder: 'libvpx' } : {};
}

/** Builds VideoInfo from the stderr of `ffmpeg -hide_banner -i FILE` (no ffprobe available). */
export function parseFfmpegInfo(stderr: string): VideoInfo {
  const durationS = clockSeconds(/Duration:\s*([\d:.]+)/.exec(stderr)?.[1]);
  const container = /Input #0,\s*([^,]+(?:,[^,\s]+)*),\s*from/.exec(stderr)?.[1] ?? '';
  // The first video stream that is not an audio file's cover art ("(attached pic)").
  const vm = [...stderr.matchAll(/Stream #\d+:\d+[^:]*: Video: (\w+)[^\n]*?(\d{2,5})x(\d{2,5})[^\n]*/g)].find((m) => !/\(attached pic\)/.test(m[0]));
  const hasAudio = /Stream #\d+:\d+[^:]*: Audio:/.test(stderr);
  if (!vm) return { durationS, fps: 0, width: 0, height: 0, rotationDeg: 0, hasVideo: false, hasAudio, codec: '', container, frameCount: null };
  // Its own length where the container states one per stream (Matroska's DURATION tag, in the
  // stream's metadata lines before the next stream): audio may run on past the picture.
  const streamBlock = stderr.slice(vm.index! + vm[0].length).split(/\n\s*Stream #/)[0];
  const streamDurationS = clockSeconds(/^\s*DURATION\s*:\s*(\S+)/m.exec(streamBlock)?.[1]);
  const line = vm[0];
  // "9.23 fps, 30 tbr": the mean rate, and the rate the timestamps step at (variableBaseRate).
  const tbr = Number(/([\d.]+) tbr/.exec(line)?.[1] ?? 0) || 0;
  const fps = variableBaseRate(Number(/([\d.]+) fps/.exec(line)?.[1] ?? 0) || tbr, tbr, vm[1] !== 'apng');
  let rotationDeg = 0;
  const disp = /rotation of (-?[\d.]+) degrees/.exec(stderr);
  const tag = /rotate\s*:\s*(-?\d+)/.exec(stderr);
  if (disp) rotationDeg = normaliseRotation(-Number(disp[1]));
  else if (tag) rotationDeg = normaliseRotation(Number(tag[1]));
  // "1920x1080 [SAR 4:3 DAR 16:9]"
  const w = shownWidth(Number(vm[2]), /\[SAR (\d+:\d+) DAR/.exec(line)?.[1]);
  const h = Number(vm[3]);
  const swap = rotationDeg === 90 || rotationDeg === 270;
  // "Video: h264 (High), yuv420p(tv, bt709, progressive), 1920x1080": the pixel format follows the codec.
  const pixFmt = /Video: [^,]+, (\w+)/.exec(line)?.[1];
  // "alpha_mode : 1" among the stream's metadata lines.
  const alphaMode = /^\s*alpha_mode\s*:\s*(\S+)/im.exec(streamBlock)?.[1];
  return {
    durationS: streamDurationS || durationS,
    fps,
    width: swap ? h : w,
    height: swap ? w : h,
    rotationDeg,
    hasVideo: true,
    hasAudio,
    codec: vm[1],
    container,
    frameCount: null,
    ...(isSubsampledPixelFormat(pixFmt) ? { isColourSubsampled: true } : {}),
    ...alphaDecoderOf(vm[1], alphaMode),
  };
}

/** Seconds of an "HH:MM:SS.fraction" clock (Matroska's DURATION tag, ffmpeg's time=); 0 when it is not one. */
export function clockSeconds(clock: string | undefined): number {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(clock?.trim() ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

/**
 * The length and frame count of a clip whose header states no length (a browser's recording, a
 * live stream's WebM, an APNG), from ffmpeg's last progress line when its video packets are copied
 * to nothing (no decoding: a fraction of a second for a minute of video): the last frame's time
 * plus one frame. Null when no frame was read.
 */
export function parseCopyScan(stderr: string, fps: number): { durationS: number; frameCount: number } | null {
  const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].pop();
  const time = [...stderr.matchAll(/time=\s*(\d+:\d{2}:\d{2}(?:\.\d+)?)/g)].pop();
  const frameCount = frames ? Number(frames[1]) : 0;
  if (frameCount === 0 || !time) return null;
  const lastS = clockSeconds(time[1]);
  const stepS = fps > 0 ? 1 / fps : frameCount > 1 ? lastS / (frameCount - 1) : 0;
  return { durationS: lastS + stepS, frameCount };
}

const CORRUPT_HINTS = /Invalid data found|moov atom not found|could not find codec parameters|Error opening input|End of file|Invalid argument|corrupt|does not contain any stream/i;

/** Whether a file begins as an MP4 / MOV does: a box of a known type (ftyp, mdat, free, wide, skip, moov). */
async function startsWithIsoBox(path: string): Promise<boolean> {
  const head = Buffer.alloc(8);
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return bytesRead === 8 && ['ftyp', 'mdat', 'free', 'wide', 'skip', 'moov'].includes(head.toString('latin1', 4, 8));
  } finally {
    await handle.close();
  }
}

/**
 * A clip ffmpeg cannot open, said by what its reading found, with the kind that tells a batch the
 * same file fails again (not tried again on a resume): an MP4 or MOV whose index ("moov atom") is
 * missing is an unfinished download or copy (damaged); "Invalid data found" is not a video at all
 * (unknownFormat). Anything else keeps no kind (a resume tries it again).
 */
async function unreadableClip(path: string, stderr: string, fallback?: string): Promise<AppError> {
  const last = lastLines(stderr, 1) || fallback;
  // A text file named .mp4 is read as MP4 too, and lacks a moov as well: an MP4 begins with a box (ftyp).
  if (/moov atom not found/i.test(stderr) && (await startsWithIsoBox(path))) {
    return new AppError('VIDEO_CORRUPT', `${path} is incomplete: its index (moov atom) is missing, as in a download or copy that did not finish`, { detail: { path, stderr, damaged: true } });
  }
  if (/Invalid data found when processing input/i.test(stderr)) return notAVideo(path, stderr, last);
  return new AppError('VIDEO_CORRUPT', `${path} is not a video this app can read${last ? ` (${withoutPath(last, path)})` : ''}`, { detail: { path, stderr } });
}

/**
 * A file that holds no video (`unknownFormat`: a batch does not try it again): one of text said so
 * (a note or a web page saved under a video's name), another with ffmpeg's words, without the path
 * it begins with (the message names it already: "… (/clips/a.mp4: Invalid data found …)").
 */
async function notAVideo(path: string, stderr: string, why: string | undefined): Promise<AppError> {
  const isText = holdsText(await readHead(path, 4096).catch(() => new Uint8Array()));
  const message = isText ? `${path} is not a video: it holds text` : `${path} is not a video this app can read${why ? ` (ffmpeg: ${withoutPath(why, path)})` : ''}`;
  return new AppError('VIDEO_CORRUPT', message, { detail: { path, stderr, unknownFormat: true } });
}

/** An ffmpeg line without the file's path before its words ("/clips/a.mp4: Invalid data …": "Invalid data …"). */
function withoutPath(line: string, path: string): string {
  const prefix = `${ffmpegFileArg(path)}: `;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
}

/** A still picture given where a clip goes. */
function stillPicture(path: string): AppError {
  return new AppError('INPUT_UNSUPPORTED', `${path} is a still picture: a sticker is made from a video, an animated GIF, an animated WebP or an APNG`, { detail: { path, still: true } });
}

/**
 * The rate that shows each of a GIF's frames (frameRateOfDelays), from its frames' delays as libvips reads them
 * and browsers (and ffmpeg) play them; 0 where they cannot be read (a GIF cut short: its mean rate
 * stays).
 */
async function gifFrameRate(path: string): Promise<number> {
  const meta = await sharp(path, { animated: true, limitInputPixels: false }).metadata().catch(() => null);
  const delays = meta?.delay ?? [];
  return delays.length === (meta?.pages ?? 0) ? frameRateOfDelays(delays.map(playedDelayMs)) : 0;
}

/**
 * An APNG's frame delays (ms) from its fcTL chunks (delay_num / delay_den seconds, a den of 0 being
 * 100), the chunks' data skipped; null where the file cannot be read to its end or holds none. Its
 * length is their sum: ffprobe states none, and the scan of its frames (the last one's start plus
 * one frame) dropped most of a long last frame (frames of 100, 100 and 1000 ms read as 0.3 s, and a
 * start inside the last one was "past the end").
 */
export async function apngDelaysMs(path: string): Promise<number[] | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(34);
    const delays: number[] = [];
    // PNG signature (8 bytes), then chunks: big-endian length, type, data, CRC.
    for (let at = 8; at + 8 <= size; ) {
      const { bytesRead } = await handle.read(head, 0, 34, at);
      if (bytesRead < 8) return null;
      const length = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (type === 'fcTL') {
        if (length < 26 || bytesRead < 34) return null;
        const [num, den] = [head.readUInt16BE(28), head.readUInt16BE(30)];
        delays.push((num * 1000) / (den || 100));
      }
      if (type === 'IEND') break;
      at += 12 + length;
    }
    return delays.length > 0 ? delays : null;
  } finally {
    await handle.close();
  }
}

/**
 * probeVideo remembered for the last `limit` files, each while it stays as it was: the same inode,
 * size, modification and change times (a copy that keeps the old modification time, `cp -p`, still
 * changes the change time). The Stickers workspace asks for a frame of its clip at every move of a
 * trim handle: probing it again took a third of each (ffprobe, 126–202 ms of 369–474 on 2 cores for
 * One Piece). Calls for a file being probed wait for that probe; a probe that fails is not kept.
 */
export function cachedProbe(limit = 8, tools?: FfmpegTools): (path: string, ctx?: RunContext) => Promise<VideoInfo> {
  const known = new Map<string, { stamp: string; info: Promise<VideoInfo> }>();
  const probe = async (path: string, ctx: RunContext = {}): Promise<VideoInfo> => {
    const s = await stat(path).catch(() => null);
    const stamp = s?.isFile() ? `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : undefined;
    const hit = known.get(path);
    known.delete(path);
    if (hit && hit.stamp === stamp) {
      known.set(path, hit);
      // A probe another caller cancelled is this one's to make again.
      return hit.info.catch((error: unknown) => {
        if (error instanceof CancelledError && !ctx.signal?.aborted) return probe(path, ctx);
        throw error;
      });
    }
    const info = probeVideo(path, ctx, tools);
    // Stamped as it was before the probe: a file changed meanwhile is probed again next time.
    if (stamp !== undefined) {
      const entry = { stamp, info };
      known.set(path, entry);
      if (known.size > limit) known.delete(known.keys().next().value!);
      info.catch(() => {
        if (known.get(path) === entry) known.delete(path);
      });
    }
    return info;
  };
  return probe;
}

/**
 * Probes a clip. Errors: INPUT_NOT_FOUND, INPUT_UNSUPPORTED (a folder), VIDEO_CORRUPT (not a media file, truncated, no stream
 * with a picture or sound), NO_VIDEO_STREAM (audio only), FFMPEG_MISSING, FFMPEG_FAILED.
 */
export async function probeVideo(path: string, ctx: RunContext = {}, tools: FfmpegTools = resolveFfmpeg()): Promise<VideoInfo> {
  const s = await stat(path).catch((cause) => {
    throw new AppError('INPUT_NOT_FOUND', `Clip not found: ${path}`, { cause, detail: { path } });
  });
  // A folder (or a device) is there, but is not a clip: said so, as the picture commands say it.
  if (!s.isFile()) throw new AppError('INPUT_UNSUPPORTED', `Not a file: ${path}${s.isDirectory() ? ' is a folder (`cutout batch --mode sticker` makes a sticker of each clip in a folder)' : ''}`, { detail: { path } });
  const size = s.size;
  if (size === 0) throw new AppError('VIDEO_CORRUPT', `${path} is empty (0 bytes)`, { detail: { path, empty: true } });
  await assertReadable(path);
  // A HEIC photo is an ISO media file as an MP4 is, which ffmpeg before 7 reads as a clip without its
  // index ("moov atom not found"): known by its brand, it is the still it is.
  const head = await readHead(path, 256);
  if (isHeicFile(head)) throw stillPicture(path);
  // An animated WebP (a chat app's sticker), which ffmpeg before 8 cannot decode: read by its own
  // header, its frames from a copy (webp-clip.ts). A still WebP goes on to be said a still below.
  if (isAnimatedWebp(head)) return probeAnimatedWebp(path);
  // An APNG, whatever its name: read as one (ffmpeg takes a .png for a still).
  const inputFormat = ((await withFileReader(path, apngFrameCount).catch(() => null)) ?? 0) > 1 ? ('apng' as const) : undefined;
  const formatArgs = inputFormat ? ['-f', inputFormat] : [];
  let info: VideoInfo;
  let stderr: string;
  if (tools.ffprobe) {
    const out = await runTool(tools.ffprobe, ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', ...formatArgs, ffmpegFileArg(path)], { signal: ctx.signal, captureStdout: true });
    stderr = out.stderr;
    let json: ProbeJson | null = null;
    try {
      json = JSON.parse(out.stdout) as ProbeJson;
    } catch {
      json = null;
    }
    if (out.code !== 0 || !json || !json.format) throw await unreadableClip(path, stderr, `exit ${out.code}`);
    info = parseProbeJson(json);
  } else {
    const out = await runTool(tools.ffmpeg, ['-hide_banner', ...formatArgs, '-i', ffmpegFileArg(path)], { signal: ctx.signal });
    stderr = out.stderr;
    if (!/Input #0/.test(stderr) || CORRUPT_HINTS.test(stderr.split('\n').slice(-2).join('\n'))) throw await unreadableClip(path, stderr);
    info = parseFfmpegInfo(stderr);
  }
  // Neither picture nor sound (ffprobe read a stream of no size, e.g. a text file named .jpg): not a
  // file of ours at all, rather than a file without video.
  if (!info.hasVideo && !info.hasAudio) throw await notAVideo(path, stderr, lastLines(stderr, 1));
  if (!info.hasVideo) throw new AppError('NO_VIDEO_STREAM', `${path} has no video stream${info.hasAudio ? ' (audio only)' : ''}`, { detail: { path } });
  // ffmpeg reads a still picture as a one-frame "video" (its image2 or *_pipe demuxers); GIF, APNG
  // and real video containers have their own. A still is not a clip: say so, not "corrupt".
  if (info.container === 'image2' || info.container.endsWith('_pipe')) throw stillPicture(path);
  if (!info.width || !info.height) throw new AppError('VIDEO_CORRUPT', `${path}: the video stream has no picture size`, { detail: { path, stderr } });
  if (inputFormat) info.inputFormat = inputFormat;
  if (info.container === 'gif') {
    if (await isGifCutShort(path, size)) info.isCutShort = true;
    info.fps = (await gifFrameRate(path)) || info.fps;
  }
  if (info.container === 'apng') {
    const delays = await apngDelaysMs(path);
    if (delays) {
      const played = delays.map(playedDelayMs);
      info.durationS = played.reduce((a, b) => a + b, 0) / 1000;
      info.frameCount = delays.length;
      info.fps = frameRateOfDelays(played) || info.fps;
    }
  }
  if (info.alphaDecoder && !(await hasDecoder(tools.ffmpeg, info.alphaDecoder, ctx.signal).catch(() => false))) delete info.alphaDecoder;
  if (!(info.durationS > 0)) {
    const scan = await runTool(tools.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-stats', ...formatArgs, '-i', ffmpegFileArg(path), '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'], { signal: ctx.signal });
    const measured = parseCopyScan(scan.stderr, info.fps);
    if (measured && measured.durationS > 0) {
      info.durationS = measured.durationS;
      info.frameCount ??= measured.frameCount;
      if (!info.fps && measured.frameCount > 1) info.fps = measured.frameCount / measured.durationS;
    }
  }
  return info;
}
