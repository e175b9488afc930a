// Streams decoded frames of a clip as raw RGBA through ffmpeg's stdout (no temp frame files):
// trim, target fps, max side. A bounded queue lets decoding run ahead of inference; the child is
// killed on cancel, on error and when the consumer stops early. Core (no electron).
import { spawn, type ChildProcess } from 'node:child_process';
import { AppError, CancelledError } from '../../../shared/errors';
import type { RgbaImage } from '../image/decode';
import type { RunContext } from '../progress';
import { ffmpegFileArg, lastLines, resolveFfmpeg, StderrTail, type FfmpegTools } from './ffmpeg';
import type { VideoInfo } from './probe';
import { leaseAnimatedWebpFrames } from './webp-clip';

/** What part of the clip to decode, how often and how large. */
export interface FrameStreamOptions {
  /** Start of the trim in seconds (default 0). */
  startS?: number;
  /** Length of the trim in seconds (default: to the end). */
  durationS?: number;
  /** Output frame rate (default: the clip's). */
  fps?: number;
  /** Long side of the decoded frames in pixels; never upscaled (default: source size). */
  maxSidePx?: number;
  /** Frames decoded ahead of the consumer (default 4). */
  queueFrames?: number;
  /** Hears each error the decoder reports (a damaged clip: "error while decoding MB …", "LZW decode failed"). */
  onDecodeError?: () => void;
}

/**
 * What a decoder says of damaged data (H.264 / HEVC / MPEG-4 macroblocks and slices, a GIF's LZW
 * stream). Not what an undamaged clip may print at `-v error` too: the missing references after a
 * seek into an open GOP ("Missing reference picture", "mmco: unref short failure", "co located POCs
 * unavailable"), nor ffmpeg's per-stream repeat of a decoder's error ("Error while decoding stream",
 * "Decoding error"), which would count each one twice.
 */
const DAMAGE_LINE = /error while decoding MB|concealing \d+|Invalid NAL unit size|decode_slice_header error|cabac decode of|ac-tex damaged|LZW decode failed|invalid block label|corrupt (?:input|frame|decoded)|partial file/;

/**
 * Counts the damage ffmpeg's decoders report in its stderr (DAMAGE_LINE; none of the 27 eval clips
 * prints one), "Last message repeated N times" after such a line as N more. Lines may arrive split
 * across chunks.
 */
export function decodeErrorCounter(onError: () => void): (chunk: Buffer | string) => void {
  let partial = '';
  let lastCounted = false;
  return (chunk) => {
    const lines = (partial + chunk.toString()).split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const repeated = /Last message repeated (\d+) times/.exec(line);
      if (repeated) {
        if (lastCounted) for (let i = 0; i < Number(repeated[1]); i++) onError();
        continue;
      }
      lastCounted = DAMAGE_LINE.test(line);
      if (lastCounted) onError();
    }
  };
}

/** One decoded frame: RGBA pixels plus its index and presentation time from the trim start. */
export interface VideoFrame extends RgbaImage {
  index: number;
  timeMs: number;
}

/** The frame size and count a stream will produce. */
export interface FramePlan {
  width: number;
  height: number;
  fps: number;
  startS: number;
  durationS: number;
  /** Frames expected (the stream stops after this many; fewer if the clip ends first). */
  frameCount: number;
  /** The frames' colour is subsampled: the clip's is, and they are not shrunk to half or less (RgbaImage.isColourSubsampled). */
  isColourSubsampled: boolean;
  /** The start is reached by decoding from the clip's start, not by seeking (HELD_FRAME_CONTAINERS). */
  isStartDecoded: boolean;
  /** The decoder ffmpeg is told to use: the one that keeps a VP8 / VP9 clip's alpha (VideoInfo.alphaDecoder); absent: its own choice. */
  decoder?: string;
  /** The demuxer ffmpeg is told to read it with (VideoInfo.inputFormat: an APNG named .png). */
  inputFormat?: string;
}

/**
 * Containers of animations whose frames last their own delays (a GIF, an APNG, an animated WebP's
 * APNG copy): ffmpeg's input seek drops every frame that begins before the start, the one held
 * across it included, so a part starting 0.5 s into a GIF frame held from 0.1 to 1.1 s began on the
 * frame after it, a second late (and its poster showed that one). They are small: decoded from
 * their start, the fps filter takes the frame shown at the start (`start_time`). A video's frames
 * are a frame apart: its input seek misses less than one.
 */
const HELD_FRAME_CONTAINERS: ReadonlySet<string> = new Set(['gif', 'apng', 'webp']);

/** Computes frame size (long side <= maxSidePx, never upscaled) and count for a trim. */
export function planFrames(info: VideoInfo, options: FrameStreamOptions = {}): FramePlan {
  let startS = Math.max(0, options.startS ?? 0);
  if (info.durationS > 0 && startS >= info.durationS) {
    throw new AppError('INVALID_ARGUMENT', `--start ${startS}s is past the end of the clip (${info.durationS.toFixed(2)}s)`, { detail: { startS, durationS: info.durationS } });
  }
  // A video's start inside its last frame starts on that frame: the input seek drops the frame held
  // across the start, and after the last one there is none (a healthy 2-s clip, --start 1.96, read
  // as "cut short"). The seek is written in whole milliseconds, so the frame's start is rounded down.
  const lastFrameS = info.fps > 0 && info.durationS > 0 ? Math.floor((info.durationS - 1 / info.fps) * 1000) / 1000 : -1;
  if (!HELD_FRAME_CONTAINERS.has(info.container) && lastFrameS >= 0 && startS > lastFrameS) startS = lastFrameS;
  const remaining = info.durationS > 0 ? info.durationS - startS : Infinity;
  const durationS = Math.min(options.durationS ?? remaining, remaining);
  if (!(durationS > 0) || !Number.isFinite(durationS)) throw new AppError('INVALID_ARGUMENT', `The trim length must be positive (got ${options.durationS})`);
  const fps = options.fps ?? (info.fps || 25);
  if (!(fps > 0 && fps <= 60)) throw new AppError('INVALID_ARGUMENT', `fps must be between 0 and 60, got ${fps}`);
  const longSide = Math.max(info.width, info.height);
  const scale = options.maxSidePx && options.maxSidePx < longSide ? options.maxSidePx / longSide : 1;
  const width = Math.max(2, Math.round(info.width * scale));
  const height = Math.max(2, Math.round(info.height * scale));
  const frameCount = Math.max(1, Math.round(durationS * fps));
  return {
    width,
    height,
    fps,
    startS,
    durationS,
    frameCount,
    isColourSubsampled: info.isColourSubsampled === true && scale > 0.5,
    isStartDecoded: HELD_FRAME_CONTAINERS.has(info.container),
    ...(info.alphaDecoder ? { decoder: info.alphaDecoder } : {}),
    ...(info.inputFormat ? { inputFormat: info.inputFormat } : {}),
  };
}

/** The ffmpeg arguments that decode a plan to raw RGBA on stdout. */
export function frameArgs(path: string, plan: FramePlan): string[] {
  const args = ['-hide_banner', '-nostdin', '-v', 'error'];
  const decodesToStart = plan.isStartDecoded && plan.startS > 0;
  if (plan.startS > 0 && !decodesToStart) args.push('-ss', plan.startS.toFixed(3));
  if (plan.decoder) args.push('-c:v', plan.decoder);
  if (plan.inputFormat) args.push('-f', plan.inputFormat);
  args.push('-t', (decodesToStart ? plan.startS + plan.durationS : plan.durationS).toFixed(3), '-i', ffmpegFileArg(path), '-map', '0:v:0', '-an', '-sn');
  // fps before scale: fewer frames scaled. 'area' is a proper box downsample (no aliasing).
  // eof_action=pass: a clip (or a trim) shorter than half an output frame still gives its frame,
  // where the fps filter's rounding of the end would give none.
  // Decoded to its start, the last frame is held a frame longer (tpad): the fps filter gave none
  // for a start inside it, as if the file stopped before.
  const [pad, start] = decodesToStart ? [`tpad=stop_mode=clone:stop_duration=${(1 / plan.fps).toFixed(4)},`, `:start_time=${plan.startS.toFixed(3)}`] : ['', ''];
  args.push('-vf', `${pad}fps=${plan.fps}${start}:eof_action=pass,scale=${plan.width}:${plan.height}:flags=area,format=rgba`);
  args.push('-frames:v', String(plan.frameCount), '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1');
  return args;
}

/**
 * Decodes frames of `path` (probed as `info`) and yields them in order. Breaking out of the loop,
 * an error or the signal kills ffmpeg and waits for it to exit (no zombies).
 */
export async function* streamFrames(
  path: string,
  info: VideoInfo,
  options: FrameStreamOptions = {},
  ctx: RunContext = {},
  tools: FfmpegTools = resolveFfmpeg(),
): AsyncGenerator<VideoFrame, void, undefined> {
  if (!info.animatedWebp) return yield* decodeFrames(path, path, info, options, ctx, tools);
  if (ctx.signal?.aborted) throw new CancelledError();
  // An animated WebP's frames come from their APNG copy (the same frames and delays, with alpha), held while read.
  const copy = await leaseAnimatedWebpFrames(path, ctx);
  try {
    yield* decodeFrames(copy.path, path, info, options, ctx, tools);
  } finally {
    copy.release();
  }
}

/** streamFrames of the file ffmpeg reads, `source` (`path` itself, or an animated WebP's copy). */
async function* decodeFrames(source: string, path: string, info: VideoInfo, options: FrameStreamOptions, ctx: RunContext, tools: FfmpegTools): AsyncGenerator<VideoFrame, void, undefined> {
  const { signal } = ctx;
  if (signal?.aborted) throw new CancelledError();
  const plan = planFrames(info, options);
  const frameBytes = plan.width * plan.height * 4;
  const maxQueue = Math.max(1, options.queueFrames ?? 4);
  const child: ChildProcess = spawn(tools.ffmpeg, frameArgs(source, plan), { stdio: ['ignore', 'pipe', 'pipe'], signal, windowsHide: true });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stderr = new StderrTail();
  const countErrors = options.onDecodeError && decodeErrorCounter(options.onDecodeError);
  child.stderr!.on('data', (c: Buffer) => {
    stderr.push(c);
    countErrors?.(c);
  });

  const queue: Uint8Array[] = [];
  let current = new Uint8Array(frameBytes);
  let filled = 0;
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const stdout = child.stdout!;
  stdout.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      current.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        queue.push(current);
        current = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
    if (queue.length >= maxQueue) stdout.pause();
    notify();
  });
  child.once('error', (err: NodeJS.ErrnoException) => {
    if (signal?.aborted || err.name === 'AbortError') failure = new CancelledError();
    else if (err.code === 'ENOENT' || err.code === 'EACCES') failure = new AppError('FFMPEG_MISSING', `Cannot run ${tools.ffmpeg} (${err.code})`, { cause: err });
    else failure = new AppError('FFMPEG_FAILED', `ffmpeg failed: ${err.message}`, { cause: err, detail: { stderr: stderr.toString() } });
    notify();
  });
  void closed.then((code) => {
    ended = true;
    if (!failure && signal?.aborted) failure = new CancelledError();
    else if (!failure && code !== 0) {
      const tail = stderr.toString();
      const corrupt = /Invalid data found|moov atom not found|corrupt|Error while decoding|could not find codec|after EOF/i.test(tail);
      failure = new AppError(corrupt ? 'VIDEO_CORRUPT' : 'FFMPEG_FAILED', `ffmpeg failed while decoding ${path} (exit ${code}): ${lastLines(tail, 2)}`, {
        detail: { path, exitCode: code, stderr: tail },
      });
    }
    notify();
  });

  /**
   * A clip whose header reads but of which not one frame decodes from its start is the file's own
   * fault (cut short at its first frames, damaged): said so plainly, with the kind that keeps a
   * batch from trying it again on every resume (ffmpeg's own words stay in the detail).
   */
  const noFrameAtAll = (error: unknown, decoded: number): unknown =>
    error instanceof AppError && error.code === 'VIDEO_CORRUPT' && decoded === 0 && plan.startS === 0
      ? new AppError('VIDEO_CORRUPT', `No frame of ${path} could be decoded: the file is probably cut short or damaged`, { cause: error, detail: { ...(error.detail as object), damaged: true } })
      : error;
  const onAbort = (): void => notify();
  signal?.addEventListener('abort', onAbort, { once: true });
  let index = 0;
  try {
    while (index < plan.frameCount) {
      if (signal?.aborted) throw new CancelledError();
      if (queue.length > 0) {
        const data = queue.shift()!;
        if (queue.length < maxQueue && stdout.isPaused()) stdout.resume();
        yield { data, width: plan.width, height: plan.height, isColourSubsampled: plan.isColourSubsampled, index, timeMs: (index * 1000) / plan.fps };
        index++;
        continue;
      }
      if (failure) throw noFrameAtAll(failure, index);
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure) throw noFrameAtAll(failure, index);
    if (index === 0 && plan.startS > 0) {
      // The header promised more (planFrames checked the start against it): the file stops before.
      throw new AppError('VIDEO_CORRUPT', `No frames could be decoded from ${path} after ${plan.startS}s, though it says it lasts ${info.durationS.toFixed(2)}s: the file is probably cut short; pick an earlier part`, { detail: { path, stderr: stderr.toString(), cutShort: true, startS: plan.startS } });
    }
    if (index === 0) throw new AppError('VIDEO_CORRUPT', `No frames could be decoded from ${path}: the file is probably cut short or damaged`, { detail: { path, stderr: stderr.toString(), damaged: true } });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    stdout.destroy();
    await closed;
  }
}

/**
 * The one frame of a clip at `timeS` (clamped to the clip), at most `maxSidePx` on its long side:
 * the sticker's poster and its frame preview. VIDEO_CORRUPT when none decodes there.
 */
export async function clipFrame(path: string, info: VideoInfo, timeS: number, maxSidePx: number, ctx: RunContext = {}, tools: FfmpegTools = resolveFfmpeg()): Promise<RgbaImage> {
  const startS = Math.min(Math.max(0, timeS), Math.max(0, info.durationS - 0.05));
  // At least 20 fps, so the 50 ms asked holds a frame; at most the 60 a plan takes (a 120-fps slow-motion clip).
  for await (const frame of streamFrames(path, info, { startS, durationS: 0.05, fps: Math.min(60, Math.max(info.fps, 20)), maxSidePx }, ctx, tools)) {
    return { data: frame.data, width: frame.width, height: frame.height, isColourSubsampled: frame.isColourSubsampled };
  }
  throw new AppError('VIDEO_CORRUPT', `No frame could be decoded from ${path} at ${timeS}s`);
}
