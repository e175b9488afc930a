// Clip -> transparent animated sticker: streamed frames -> per-frame mask (repeats reuse it) ->
// guided upsample -> Keep / Remove strokes -> zero-lag temporal smoothing (reset at cuts) -> crop
// to the union box -> outline -> GIF / WebP / APNG / WebM, fitted to a platform's budget. Core
// (no electron).
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { didYouMean } from '../../../shared/did-you-mean';
import { DITHER_MODES, type DrawingCadence, type DrawingsLeftOut, type StickerJobOptions, type StickerJobResult, type StickerReview, type Subject } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import { parseHexColor } from '../image/composite';
import type { RgbaImage } from '../image/decode';
import type { CoreEnv } from '../env';
import { assertNotAnInput, ensureWritableFolder, writeFileAtomic } from '../io/atomic-write';
import { estimateForeground } from '../matting/foreground';
import { upsampleMaskGuided } from '../matting/guided-filter';
import { reviewThresholdOf, unsureShare, verdictOf } from '../matting/unsure-share';
import type { SessionOptions } from '../inference/session';
import type { ModelEntry } from '../models/manifest';
import type { RunContext } from '../progress';
import { runMaskModel } from '../segment/mask-model';
import { resolveNamedMaskModel } from '../pipelines/cutout';
import { encodeGif, gifIndices, gifPalette, indexFrames } from '../gif/encode-gif';
import { PaletteMapper } from '../gif/dither';
import { resolveFfmpeg, type FfmpegTools } from '../video/ffmpeg';
import { planFrames, streamFrames, type FramePlan } from '../video/extract-frames';
import { probeVideo, type VideoInfo } from '../video/probe';
import { cadenceOfHolds, measureDrawingCadence } from '../video/drawing-cadence';
import { addOutline, alphaBox, coloursAfterSmoothing, cropResample, fillPinholes, fitSize, padBox, removeSpecks, subjectBox, unionBoxes, type Box, type ColourAlpha } from './compose';
import { dilateSquare } from '../matting/morphology';
import { flattenForMatting, keepOwnEdge, ownAlphaOf } from '../matting/own-alpha';
import { encodeIndexedApng, encodeRgbaApng } from './apng';
import { encodeAnimatedWebp, encodeApng, encodeWebmVp9, steadyRateSteps, type AnimatedFrames } from './encode-animated';
import { chatKbText, chatLimitOf, chatStickerLimitsText, findPlatformPreset, stickerTakesColours, KB, PLATFORM_PRESETS, presetFps, presetLoops, SIZE_PRESETS, wholeSecondsOf, stickerExtension, stickerFormatFromPath, type PlatformPreset, type StickerFormat } from './presets';
import { formatLabel } from '../../../shared/labels';
import { applyStickerHints, stickerHintMap, validateStickerStrokes } from './touch-up';
import { binarizeWithHysteresis, hysteresisBand, isRepeatFrame, isSceneCut, isSubjectRepeat, smoothAlphaSequence } from './temporal';
import { ownValue } from '../../../shared/own';

/** Options of a sticker (the job's options; see StickerJobOptions for each field and its default). */
export type StickerOptions = StickerJobOptions;

/** Milliseconds per stage (decode is time spent waiting for ffmpeg, i.e. not hidden by overlap). */
export interface StickerTimings {
  probeMs: number;
  decodeWaitMs: number;
  segmentMs: number;
  refineMs: number;
  smoothMs: number;
  composeMs: number;
  encodeMs: number;
  totalMs: number;
}

/** Frames, masks and metadata after segmentation and smoothing (before crop and encode). */
export interface PreparedSticker {
  info: VideoInfo;
  plan: FramePlan;
  modelId: string;
  /** The execution provider the model ran on (as the first frame was segmented; 'none' for a clip without frames). */
  provider: string;
  /** What the model that ran cuts out (its task: anime-mask or person-mask). */
  subject: Subject;
  /** True when 'anime' was asked but no anime model is installed, so the person model ran. */
  modelFallback: boolean;
  /** The frames kept, as decoded; where only the background moved, the drawing held (its anchor's frame), as the sticker shows it. */
  frames: RgbaImage[];
  /** Foreground colour estimates per frame (RGBA, A unused). */
  foregrounds: Uint8Array[];
  rawAlphas: Float32Array[];
  alphas: Float32Array[];
  /** Indices where a new shot starts (smoothing and hysteresis restart there). */
  cuts: Set<number>;
  /** Frames whose mask was reused from the anchor, the last drawing segmented (the drawing repeated, or only the background moved). */
  repeatedFrames: number;
  /** Set when no length was asked for and the rest of the clip held more than maxStickerFrames: the length used, seconds. */
  cutToS?: number;
  /** StickerJobResult.presetCutToS, pastEndToS and wholeSecondsFromS. */
  presetCutToS?: number;
  pastEndToS?: number;
  wholeSecondsFromS?: number;
  /**
   * Set when the clip's frames stopped well before the part asked for ended (a file cut short, whose
   * header still gives the whole length): the time the last decoded frame ends, seconds.
   */
  endsAtS?: number;
  /** StickerJobResult.decodeErrors. */
  decodeErrors?: number;
  /** Time of each frame in the clip, seconds. */
  timesS: number[];
  /** How the clip holds its drawings, measured when no rate was asked for (null: a new picture every frame). */
  drawing?: DrawingCadence;
  /**
   * Made as drawn (resolveTargets): each frame is a drawing, held for this many decoded frames
   * (1 / plan.fps each) where the clip repeated it. Absent: every decoded frame is a frame.
   */
  holds?: number[];
  /** How unsure the model was, per frame (its own answers, before smoothing) and for the sticker (docs/quality.md). */
  review: StickerReview;
  timings: StickerTimings;
}

/** A finished sticker in memory. */
export interface RenderedSticker {
  bytes: Uint8Array;
  format: StickerFormat;
  width: number;
  height: number;
  fps: number;
  /** Frames in the file (GIF: after merging repeats). */
  frameCount: number;
  delaysMs: number[];
  /** Output alpha per frame (0..1; GIF: the 1-bit alpha actually written). */
  alphas: Float32Array[];
  /** Encode attempts made to fit a preset's byte budget (1 when none was needed). */
  attempts: number;
  withinBudget: boolean;
  /** Made smaller than the size asked for (or the preset's box) to fit the byte budget. Absent when not. */
  shrunkToFit?: boolean;
  /** StickerJobResult.rateLowered. */
  rateLowered?: number;
  /** StickerJobResult.emptyEndsS: frames at either end with nothing found, left out. */
  emptyEndsS?: { start: number; end: number };
  /** Made as drawn: every n-th drawing is a frame (1: each; more for a preset's frame or byte limit), and how many were too short to show (a preset's or a GIF's shortest frame). */
  drawn?: DrawingsLeftOut;
  /** With empty ends left out: the first and last of the prepared frames the sticker is made of. */
  keptFrames?: { first: number; last: number };
  box: Box;
}

/** What makeSticker wrote (the shared StickerJobResult plus the rest of the render). */
export interface StickerResult extends Omit<RenderedSticker, 'bytes' | 'alphas' | 'keptFrames' | 'drawn'>, StickerJobResult {
  modelId: string;
  provider: string;
  preset?: string;
  repeatedFrames: number;
  sceneCuts: number;
  timings: StickerTimings;
}

/** What a mask model cuts out, by its task. */
export function subjectOf(entry: Pick<ModelEntry, 'task'>): Subject {
  return entry.task === 'anime-mask' ? 'anime' : 'person';
}

/** Resolves --model anime|person|<id>; 'anime' falls back to the person default when no anime model is present. */
export async function resolveStickerModel(env: CoreEnv, model = 'anime'): Promise<{ entry: ModelEntry; path: string; fallback: boolean }> {
  if (model === 'person') return { ...(await env.store.defaultFor('person-mask')), fallback: false };
  if (model === 'anime') {
    try {
      return { ...(await env.store.defaultFor('anime-mask')), fallback: false };
    } catch (e) {
      if ((e as AppError).code !== 'MODEL_MISSING' && (e as AppError).code !== 'MODEL_CORRUPT') throw e;
      return { ...(await env.store.defaultFor('person-mask')), fallback: true };
    }
  }
  return { ...(await resolveNamedMaskModel(env, model, ['anime', 'person'])), fallback: false };
}

function clamp01(v: number | undefined, fallback: number, name: string): number {
  const x = v ?? fallback;
  if (!(x >= 0 && x <= 1)) throw new AppError('INVALID_ARGUMENT', `${name} must be between 0 and 1, got ${v}`);
  return x;
}

/**
 * Why a sticker is another length than the part asked for (or, with none asked, than the rest of
 * the clip): a platform preset's longest sticker (presetCutToS, its length), a preset that plays
 * whole seconds (wholeSecondsFromS, the part's length before: 2.5 s made 3 s, a clip's last 3.6 s
 * made 3 s), or a --duration that runs past the clip's end (pastEndToS, what the clip has from the
 * start). None when it is as asked; one at most.
 */
export function lengthCuts(info: Pick<VideoInfo, 'durationS'>, options: Pick<StickerOptions, 'startS' | 'durationS'>, preset: PlatformPreset | undefined): { presetCutToS?: number; pastEndToS?: number; wholeSecondsFromS?: number } {
  if (!(info.durationS > 0)) return {};
  const remaining = Math.max(0, info.durationS - (options.startS ?? 0));
  const asked = options.durationS ?? remaining;
  // A frame's worth of slack: a 3.00 s part of a 3.02 s clip is as asked.
  const isPastEnd = options.durationS !== undefined && options.durationS > remaining + 0.05;
  if (preset && Math.min(asked, remaining) > preset.maxDurationS + 1e-3) return { presetCutToS: preset.maxDurationS };
  // As resolveTargets makes it; said in place of running past the end (the clip's 2.2 s made 2 s).
  if (preset?.wholeSeconds) {
    const part = Math.min(asked, remaining);
    if (Math.abs(wholeSecondsOf(preset, Math.min(asked, preset.maxDurationS), remaining) - part) > 0.05) return { wholeSecondsFromS: part };
  }
  return isPastEnd ? { pastEndToS: remaining } : {};
}

/** The frame rate of a sticker none was asked for (or the clip's, if lower); a clip that holds its drawings fewer than this a second is made as drawn (isMadeAsDrawn). */
export const DEFAULT_STICKER_FPS = 12;

/** The highest rate a sticker made as drawn decodes its clip at (a 60-fps file of a film on threes holds each drawing 7 or 8 frames). */
const AS_DRAWN_MAX_DECODE_FPS = 60;

/**
 * Whether a sticker is made as drawn: each of the clip's drawings one frame, held as long as the
 * clip holds it. So where the clip holds its drawings (`drawing`, measureDrawingCadence), fewer
 * a second than the rate wanted (12 when none is asked), and none was asked for or `asDrawn` is
 * (the workspace, its slider at the drawing rate). Drawings held unevenly (threes in a 30-fps file:
 * 4, 4, 4, 3 frames) show evenly only so; even ones the same as at their rate, and a still moment
 * is one long frame.
 */
export function isMadeAsDrawn(options: Pick<StickerOptions, 'fps' | 'asDrawn'>, drawing: DrawingCadence | null | undefined): drawing is DrawingCadence {
  return !!drawing && (options.asDrawn ?? options.fps === undefined) && drawing.drawingFps <= (options.fps ?? DEFAULT_STICKER_FPS) + 0.01;
}

/**
 * The output box (maxW x maxH), fps and duration the options and preset ask for; `drawing` is how
 * the clip holds its drawings (measureDrawingCadence). Made as drawn (isMadeAsDrawn, `asDrawn`),
 * `fps` is the rate the clip is decoded at (its own, at most 60), whose repeats are then merged; a
 * preset's frame limit then keeps every 2nd (3rd, …) drawing, and its most frames a second (or a
 * GIF's) the drawings that last that long (shortestFrameMs).
 */
export function resolveTargets(options: StickerOptions, info?: VideoInfo, drawing?: DrawingCadence | null): { preset?: PlatformPreset; maxW: number; maxH: number; fps: number; durationS?: number; format: StickerFormat; asDrawn: boolean } {
  const preset = options.preset ? findPlatformPreset(options.preset) : undefined;
  if (options.preset && !preset) throw new AppError('INVALID_ARGUMENT', `Unknown preset "${options.preset}".${didYouMean(options.preset, Object.keys(PLATFORM_PRESETS))} Use line, telegram, discord or wechat.`);
  // A platform takes its own format: `--preset line --format gif` made a GIF LINE does not take.
  if (preset && options.format) checkPresetFormat(preset, options.format);
  const named = options.size ? ownValue(SIZE_PRESETS as Record<string, number>, options.size) : undefined;
  if (options.size && named === undefined) throw new AppError('INVALID_ARGUMENT', `size must be ${Object.keys(SIZE_PRESETS).join(', ')}, got "${options.size}"`);
  const side = named ?? options.maxSidePx ?? 320;
  if (!(side >= 16 && side <= 2048)) throw new AppError('INVALID_ARGUMENT', `max side must be 16..2048 px, got ${side}`);
  const asDrawn = info !== undefined && isMadeAsDrawn(options, drawing);
  let fps = options.fps ?? Math.min(DEFAULT_STICKER_FPS, info?.fps || DEFAULT_STICKER_FPS);
  let durationS = options.durationS;
  if (preset) {
    const remaining = info ? info.durationS - (options.startS ?? 0) : preset.maxDurationS;
    durationS = Math.min(durationS ?? remaining, preset.maxDurationS);
    // LINE plays whole seconds: the part is the nearest whole seconds the clip has (2.5 s: 3 s).
    if (preset.wholeSeconds) durationS = wholeSecondsOf(preset, durationS, info ? remaining : Infinity);
    fps = presetFps(preset, fps, durationS);
  }
  const format = options.format ?? preset?.format ?? 'gif';
  // A GIF's delays are whole centiseconds, and browsers play one of 10 ms or less at 100 ms: above
  // 50 fps some frames got 10 ms and a 1-s sticker played for 2.5 s. So a GIF runs at 50 fps at most.
  if (format === 'gif') fps = Math.min(fps, GIF_MAX_FPS);
  // Each drawing is held a whole number of the clip's own frames (a rate that is not a multiple of
  // the drawings' made twos 2, 1, 1, 1 frames of 15 fps); a drawing shorter than the preset's or a
  // GIF's shortest frame gives its time to the one before (playedFrames).
  if (asDrawn) fps = Math.min(info.fps, AS_DRAWN_MAX_DECODE_FPS);
  return { preset, maxW: preset ? preset.maxW : side, maxH: preset ? preset.maxH : side, fps, durationS, format, asDrawn };
}

/** The most frames a second a GIF plays as written (20 ms delays: browsers stretch 10 ms to 100). */
export const GIF_MAX_FPS = 50;

/** The shortest frame a sticker may show, ms: a preset's most frames a second (LINE 20, WeChat 15), a GIF's 50; 0 for none. */
export function shortestFrameMs(targets: Pick<ReturnType<typeof resolveTargets>, 'preset' | 'format'>): number {
  const most = Math.min(targets.preset?.maxFps ?? Infinity, targets.format === 'gif' ? GIF_MAX_FPS : Infinity);
  return Number.isFinite(most) ? 1000 / most : 0;
}

/** The long side, in pixels, at which a sticker decodes and segments its frames. */
export function stickerWorkSide(options: StickerOptions, targets = resolveTargets(options)): number {
  return Math.round(Math.max(targets.maxW, targets.maxH) * (options.workScale ?? 1));
}

/** Checks every option before any work starts; INVALID_ARGUMENT names the first bad one. */
export function validateStickerOptions(options: StickerOptions): void {
  resolveTargets(options);
  clamp01(options.stability, 0.5, 'stability');
  clamp01(options.threshold, 0.5, 'threshold');
  parseHexColor(options.matte ?? '#FFFFFF');
  parseHexColor(options.outlineColor ?? '#FFFFFF');
  if (options.outlinePx !== undefined && !(options.outlinePx >= 0 && options.outlinePx <= 64)) throw new AppError('INVALID_ARGUMENT', `outline must be 0..64 px, got ${options.outlinePx}`);
  if (options.padding !== undefined && !(options.padding >= 0 && options.padding <= 1)) throw new AppError('INVALID_ARGUMENT', `padding must be 0..1 of the subject's long side, got ${options.padding}`);
  if (options.maxColors !== undefined && !(options.maxColors >= 2 && options.maxColors <= 256)) throw new AppError('INVALID_ARGUMENT', `colors must be 2..256, got ${options.maxColors}`);
  if (options.dither !== undefined && !(DITHER_MODES as readonly string[]).includes(options.dither)) throw new AppError('INVALID_ARGUMENT', `dither must be ${DITHER_MODES.join(' or ')}, got ${String(options.dither)}`);
  // At least 1: 0.01 fps asked a WebP frame of 100 s (an INTERNAL error from sharp) and a GIF one of
  // 1000 s (its 16-bit delay wrapped to 345 s); 0.2 made a 2-s clip a 5-s sticker.
  if (options.fps !== undefined && !(options.fps >= 1 && options.fps <= 60)) throw new AppError('INVALID_ARGUMENT', `fps must be from 1 to 60, got ${options.fps}`);
  if (options.startS !== undefined && !(options.startS >= 0)) throw new AppError('INVALID_ARGUMENT', `start must be >= 0 s, got ${options.startS}`);
  if (options.durationS !== undefined && !(options.durationS > 0)) throw new AppError('INVALID_ARGUMENT', `duration must be > 0 s, got ${options.durationS}`);
  if (options.asDrawn !== undefined && typeof options.asDrawn !== 'boolean') throw new AppError('INVALID_ARGUMENT', `asDrawn must be true or false, got ${String(options.asDrawn)}`);
  if (options.plays !== undefined && !(Number.isInteger(options.plays) && options.plays >= 0 && options.plays <= 100)) throw new AppError('INVALID_ARGUMENT', `plays must be a whole number 0..100 (0: forever), got ${options.plays}`);
  validateStickerStrokes(options.strokes);
}

/** A sticker holds at most this many frames (360: 30 s at 12 fps). */
export const MAX_STICKER_FRAMES = 360;
/** ... and at most this many frame pixels in all (360 frames of 512×512). */
export const MAX_STICKER_PIXELS = 360 * 512 * 512;

/**
 * The most frames a sticker of width × height frames may have. Every frame is held until the encode
 * (its pixels, foreground colours and two alphas: 16 bytes a pixel), so this bounds those buffers at
 * 1.5 GB (computed). Measured peak RSS: a 2-minute 480p clip made whole took 2.9 GB; its first 360
 * frames take 0.9 GB at 320x240 and 1.8 GB at 512x384 (docs/stickers.md).
 */
export function maxStickerFrames(width: number, height: number): number {
  return Math.max(1, Math.min(MAX_STICKER_FRAMES, Math.floor(MAX_STICKER_PIXELS / (width * height))));
}

/** A sticker's work size grows to at most this many times the output long side (9x the pixels a frame). */
export const MAX_WORK_GROWTH = 3;
/** ... and not at all for less than this (not worth a second start of ffmpeg). */
const MIN_WORK_GROWTH = 1.25;

/** Whether the clip has pixels enough for a larger work size than `plan`'s (subjectWorkSide). */
function mayGrowWorkSide(info: VideoInfo, plan: FramePlan): boolean {
  return Math.max(info.width, info.height) >= Math.max(plan.width, plan.height) * MIN_WORK_GROWTH;
}

/**
 * The long side to decode a sticker's frames at when its subject is small in the frame, or
 * undefined to keep `plan`'s: the first frame's subject (`subject`, as the sticker segments it),
 * padded as the crop pads it, should reach the output long side. Bounded by the clip's own size,
 * by MAX_WORK_GROWTH and by the pixels a sticker's `heldFrames` may hold (MAX_STICKER_PIXELS; as
 * drawn, the drawings, not every decoded frame); not worth it under
 * MIN_WORK_GROWTH. The other frames' subjects may be larger (the crop is their union): then the
 * crop is scaled down to the size asked for, as before.
 */
export function subjectWorkSide(subject: Box | null, info: VideoInfo, plan: FramePlan, targets: ReturnType<typeof resolveTargets>, options: StickerOptions, heldFrames = plan.frameCount): number | undefined {
  if (!subject) return undefined;
  const frameLong = Math.max(plan.width, plan.height);
  const sourceLong = Math.max(info.width, info.height);
  const subjectLong = Math.max(subject.x1 - subject.x0, subject.y1 - subject.y0) * (1 + 2 * (options.padding ?? 0.04));
  const wanted = (frameLong * Math.max(targets.maxW, targets.maxH)) / subjectLong;
  // Every frame is held until the encode: as many frames as planned must still fit.
  const areaPerLong2 = (plan.width * plan.height) / (frameLong * frameLong);
  const byMemory = Math.sqrt(MAX_STICKER_PIXELS / Math.max(1, heldFrames) / areaPerLong2);
  const side = Math.floor(Math.min(wanted, sourceLong, frameLong * MAX_WORK_GROWTH, byMemory));
  return side >= frameLong * MIN_WORK_GROWTH ? side : undefined;
}

/**
 * Decodes the trim, segments every frame (repeats reuse the previous mask), upsamples the masks
 * against the frames, estimates foreground colours and smooths alpha over time. Nothing is written.
 */
export async function prepareSticker(input: string, options: StickerOptions, env: CoreEnv, ctx: RunContext = {}, tools: FfmpegTools = resolveFfmpeg()): Promise<PreparedSticker> {
  const { signal, onProgress } = ctx;
  const t0 = performance.now();
  validateStickerOptions(options);
  onProgress?.({ stage: 'decode', done: 0, total: 1 });
  const info = await probeVideo(input, ctx, tools);
  const model = await resolveStickerModel(env, options.model);
  // No rate asked for (or as drawn): a clip that holds its drawings is made as drawn (resolveTargets).
  let drawing = (options.asDrawn ?? options.fps === undefined) ? await measureDrawingCadence(input, info, { startS: options.startS }, ctx, tools) : null;
  // The workspace asks for as drawn by the cadence it measured from the clip's start (probeClip):
  // a part that starts on a still moment has none of its own to tell, and is made as the page said.
  if (!drawing && options.asDrawn && (options.startS ?? 0) > 0) drawing = await measureDrawingCadence(input, info, {}, ctx, tools);
  const targets = resolveTargets(options, info, drawing);
  const stability = clamp01(options.stability, 0.5, 'stability');
  // Work at the output long side: per-frame cost (guided upsample, foreground estimation) is
  // linear in pixels and the 2-core budget is ~100 ms a frame. A small subject in a wide frame
  // would come out far smaller than the size asked for (80x106 from an 800x600 clip at 320): the
  // first frame's subject sets a larger work size then (subjectWorkSide), from the clip's own
  // pixels. StickerOptions.workScale sets the work size by hand instead.
  /** The errors the decoder reported, of the stream that made the frames (a restarted one counts afresh). */
  let decodeErrors = { count: 0 };
  const countDecodeErrors = (): (() => void) => {
    const counted = (decodeErrors = { count: 0 });
    return () => void counted.count++;
  };
  const streamOptions = { startS: options.startS, durationS: targets.durationS, fps: targets.fps, maxSidePx: stickerWorkSide(options, targets), queueFrames: 4, onDecodeError: countDecodeErrors() };
  let plan = planFrames(info, streamOptions);
  const { presetCutToS, pastEndToS, wholeSecondsFromS } = lengthCuts(info, options, targets.preset);
  const maxFrames = maxStickerFrames(plan.width, plan.height);
  // Made as drawn, the frames kept are the drawings: about the clip's drawing rate of them a second (a still moment fewer).
  const keptShare = targets.asDrawn && drawing ? Math.min(1, drawing.drawingFps / plan.fps) : 1;
  let cutToS: number | undefined;
  if (Math.ceil(plan.frameCount * keptShare) > maxFrames) {
    // A length that was asked for is refused; the whole of a long clip becomes its first part.
    if (targets.durationS !== undefined) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `A sticker holds at most ${maxFrames} frames of ${plan.width}x${plan.height}; ${plan.durationS.toFixed(2)} s at ${Number((plan.fps * keptShare).toFixed(2))} fps makes ${Math.ceil(plan.frameCount * keptShare)}: pick a shorter part, a lower fps or a smaller size`,
        { detail: { frames: Math.ceil(plan.frameCount * keptShare), maxFrames } },
      );
    }
    streamOptions.durationS = maxFrames / (plan.fps * keptShare);
    plan = planFrames(info, streamOptions);
    cutToS = plan.durationS;
  }
  const session = { provider: env.provider, threads: env.threads };
  const timings: StickerTimings = { probeMs: performance.now() - t0, decodeWaitMs: 0, segmentMs: 0, refineMs: 0, smoothMs: 0, composeMs: 0, encodeMs: 0, totalMs: 0 };
  let tWait = performance.now();
  const frames: RgbaImage[] = [];
  const foregrounds: Uint8Array[] = [];
  const rawAlphas: Float32Array[] = [];
  /** Each kept frame's own alpha where it has one (a transparent GIF's; sparse), for its review. */
  const ownAlphas: (Uint8Array | null)[] = [];
  const cuts = new Set<number>();
  const timesS: number[] = [];
  // Made as drawn: the decoded frames each kept frame stands for (a repeat adds one to the last).
  const holds: number[] = [];
  let decoded = 0;
  let repeatedFrames = 0;
  let anchor: { frame: RgbaImage; alpha: Float32Array; fg: Uint8Array; own: Uint8Array | null } | null = null;
  /** The last frame the model found repeating the anchor's drawing though the background moved. */
  let heldBy: RgbaImage | null = null;
  let lastDecoded: RgbaImage | null = null;
  let provider: string | undefined;
  let stream = streamFrames(input, info, streamOptions, ctx, tools)[Symbol.asyncIterator]();
  // Closed however it ends (an error, a cancel): ffmpeg stops with it.
  try {
    let next = await stream.next();
    // The first frame's segmentation, when it was made to size the work: the loop reuses it.
    let firstSegmented: SegmentedFrame | undefined;
    if (!next.done && options.workScale === undefined && mayGrowWorkSide(info, plan)) {
      firstSegmented = await stickerFrameAlpha(next.value, model, session);
      // As drawn, the frames held are the drawings, not every decoded frame.
      const side = subjectWorkSide(alphaBox(firstSegmented.alpha, next.value.width, next.value.height, 0.5), info, plan, targets, options, Math.ceil(plan.frameCount * keptShare));
      if (side !== undefined) {
        firstSegmented = undefined;
        await stream.return?.(undefined);
        streamOptions.maxSidePx = side;
        streamOptions.onDecodeError = countDecodeErrors();
        plan = planFrames(info, streamOptions);
        stream = streamFrames(input, info, streamOptions, ctx, tools)[Symbol.asyncIterator]();
        next = await stream.next();
      }
    }
    // Keep / Remove strokes decide their pixels in every frame, before colours, smoothing and review.
    const hint = stickerHintMap(options.strokes, plan.width, plan.height);
    for (; !next.done; next = await stream.next()) {
      const frame = next.value;
      timings.decodeWaitMs += performance.now() - tWait;
      throwIfAborted(signal);
      decoded++;
      const t1 = performance.now();
      let alpha: Float32Array;
      let fg: Uint8Array;
      let own: Uint8Array | null;
      // Compare with the anchor (the last drawing the model saw), not the previous frame, so a slow
      // drift never chains into a frozen mask.
      let isRepeat = anchor !== null && isRepeatFrame(anchor.frame, frame);
      let shown: RgbaImage = frame;
      let segmented: SegmentedFrame | undefined;
      let isCut = false;
      if (!isRepeat) {
        // A cut is between this frame and the one decoded before it (a held drawing may be long past).
        isCut = !!lastDecoded && isSceneCut(lastDecoded, frame);
        // Only the background moved (the sticker does not show it): the drawing is held as if the frame
        // repeated. The frame the model last found so repeats it too (the background moves every 4th
        // frame: the 3 after it are not segmented again).
        if (!isCut && anchor && heldBy && isRepeatFrame(heldBy, frame)) {
          isRepeat = true;
          shown = anchor.frame;
          timings.segmentMs += performance.now() - t1;
        } else {
          const tMask = performance.now();
          segmented = firstSegmented ?? (await stickerFrameAlpha(frame, model, session));
          firstSegmented = undefined;
          provider ??= segmented.provider;
          const tHint = performance.now();
          applyStickerHints(segmented.alpha, hint);
          if (anchor && !isCut && isSubjectRepeat(anchor.frame, anchor.alpha, frame, segmented.alpha)) {
            isRepeat = true;
            shown = anchor.frame;
            heldBy = frame;
          }
          // The repeat and scene-cut checks count as segmenting.
          timings.segmentMs += tMask - t1 + segmented.maskMs + (performance.now() - tHint);
          timings.refineMs += segmented.upsampleMs;
        }
      } else {
        timings.segmentMs += performance.now() - t1;
      }
      lastDecoded = frame;
      if (isRepeat && targets.asDrawn) {
        // As drawn: the drawing shown is held a frame longer.
        repeatedFrames++;
        holds[holds.length - 1]++;
        onProgress?.({ stage: 'segment', done: decoded, total: plan.frameCount });
        tWait = performance.now();
        continue;
      }
      if (targets.asDrawn && frames.length >= maxStickerFrames(plan.width, plan.height)) {
        // More drawings than a sticker holds (the estimate was short): it ends before this one.
        cutToS = frame.timeMs / 1000;
        break;
      }
      if (isRepeat && anchor) {
        repeatedFrames++;
        alpha = anchor.alpha;
        fg = anchor.fg;
        own = anchor.own;
      } else {
        // Indexed as the frame is kept (as drawn, a repeat adds no frame).
        if (isCut) cuts.add(frames.length);
        const tColours = performance.now();
        alpha = segmented!.alpha;
        own = segmented!.own;
        fg = estimateColours(frame, alpha);
        timings.refineMs += performance.now() - tColours;
        anchor = { frame, alpha, fg, own };
        heldBy = null;
      }
      timesS.push(plan.startS + frame.timeMs / 1000);
      frames.push({ data: shown.data, width: shown.width, height: shown.height, isColourSubsampled: shown.isColourSubsampled });
      rawAlphas.push(alpha);
      if (own) ownAlphas[rawAlphas.length - 1] = own;
      foregrounds.push(fg);
      holds.push(1);
      onProgress?.({ stage: 'segment', done: decoded, total: plan.frameCount });
      tWait = performance.now();
    }
  } finally {
    await stream.return?.(undefined);
  }
  throwIfAborted(signal);
  // The drawings as held tell the part's cadence, the subject's where only the background moved
  // (the clip's whole frames called w2xgui video 2's threes uneven, children moving behind her).
  const held = targets.asDrawn ? cadenceOfHolds(holds, plan.fps) : null;
  if (held && isMadeAsDrawn(options, held)) drawing = held;
  // ffmpeg's fps filter may give a frame less than planned at the end; a clip that stops far short is cut short.
  const endsAtS = cutToS === undefined && plan.frameCount - decoded > Math.max(2, plan.frameCount * 0.05) ? plan.startS + decoded / plan.fps : undefined;
  const t3 = performance.now();
  const alphas = smoothAlphaSequence(rawAlphas, stability, cuts, frames);
  timings.smoothMs = performance.now() - t3;
  // A flagged span ends where its last frame does: as drawn, each frame is as long as its drawing.
  // Read on the model's own answers (strokes applied), one frame at a time as the threshold was
  // calibrated, not on the smoothed alphas: whether the model was unsure does not hang on the
  // stability, and the smoothing's sureness weighting had dropped model01_01 under it, haze and all.
  const review = reviewStickerFrames(rawAlphas, plan.width, plan.height, timesS, 1 / plan.fps, reviewThresholdOf(model.entry, 'sticker'), { endS: plan.startS + plan.durationS, owns: ownAlphas, ...(targets.asDrawn ? { durationsS: holds.map((h) => h / plan.fps) } : {}) });
  timings.totalMs = performance.now() - t0;
  return { info, ...(drawing ? { drawing } : {}), ...(targets.asDrawn ? { holds } : {}), plan, modelId: model.entry.id, provider: provider ?? 'none', subject: subjectOf(model.entry), modelFallback: model.fallback, frames, foregrounds, rawAlphas, alphas, cuts, repeatedFrames, ...(cutToS === undefined ? {} : { cutToS }),
    ...(presetCutToS === undefined ? {} : { presetCutToS }),
    ...(pastEndToS === undefined ? {} : { pastEndToS }), ...(wholeSecondsFromS === undefined ? {} : { wholeSecondsFromS }), ...(endsAtS === undefined ? {} : { endsAtS }),
    ...(decodeErrors.count > 0 ? { decodeErrors: decodeErrors.count } : {}), timesS, review, timings };
}

/** A frame through the sticker's segmentation path (stickerFrameAlpha). */
export interface SegmentedFrame {
  alpha: Float32Array;
  /** The frame's own alpha (a transparent GIF's), which `alpha` keeps; null for an opaque frame. Its unsure share is measured against it. */
  own: Uint8Array | null;
  provider: string;
  maskMs: number;
  upsampleMs: number;
}

/**
 * One frame through the sticker's segmentation path: the model's map without its temperature,
 * guided upsampling to the frame, then the probability stretch. `cutout eval --sticker` scores
 * exactly this.
 */
export async function stickerFrameAlpha(frame: RgbaImage, model: { entry: ModelEntry; path: string }, session: SessionOptions): Promise<SegmentedFrame> {
  const t0 = performance.now();
  // The stretch below was tuned on the map without the model's temperature; with both, the 1-bit
  // GIF alpha flickered 3-5 % more (median over the 18 anime clips, docs/quality.md).
  // A frame with transparency of its own (a transparent GIF): seen on a backdrop apart from its
  // edge, and nothing it hides comes back (as a cut-out of such a picture, matting/own-alpha.ts).
  const own = ownAlphaOf(frame);
  const seen = own ? flattenForMatting(frame) : frame;
  // Each frame as it is: a gain of each frame's own (exposureGain) varied between frames of a dim
  // clip and raised the person model's flicker (LivePortrait d11: 14.82 -> 15.43 ‰ soft, 10.98 ->
  // 11.40 ‰ GIF, at stability 0; docs/quality.md, "Under-exposed pictures").
  const mask = await runMaskModel(seen, model, session, { applyTemperature: false, exposureGain: 1 });
  const t1 = performance.now();
  const alpha = stretchProbability(upsampleMaskGuided(mask.mask, mask.width, mask.height, seen));
  if (own) keepOwnEdge(alpha, own, frame.width, frame.height);
  return { alpha, own, provider: mask.provider, maskMs: t1 - t0, upsampleMs: performance.now() - t1 };
}

/**
 * A frame's cut-out after the model (stickerFrameAlpha): the Keep / Remove hints (a map from
 * stickerHintMap at the frame's size, or null) applied to `alpha` (in place), then the foreground
 * colours. The Stickers workspace's frame preview runs it; prepareSticker does the same in two steps,
 * the colours only for a new drawing.
 */
export function finishStickerFrame(frame: RgbaImage, alpha: Float32Array, hint: Uint8Array | null): { alpha: Float32Array; foreground: Uint8Array } {
  applyStickerHints(alpha, hint);
  return { alpha, foreground: estimateColours(frame, alpha) };
}

/**
 * The review of a sticker's frames (docs/quality.md, "Stickers that need a look"): each frame's
 * unsure share (and, made as drawn, its length: `durationsS`); the sticker's is their median,
 * flagged above the model's sticker threshold. `endS`: where the part ends in the clip. `owns`:
 * each frame's own alpha (a transparent GIF's), against which its share is measured (unsureShare:
 * what the frame itself shows half is not the model's doubt).
 */
export function reviewStickerFrames(
  alphas: readonly Float32Array[],
  width: number,
  height: number,
  timesS: readonly number[],
  frameStepS: number,
  threshold: number | null,
  { durationsS, endS, owns }: { durationsS?: readonly number[]; endS?: number; owns?: readonly (Uint8Array | null)[] } = {},
): StickerReview {
  return summarizeReview(
    alphas.map((a, i) => ({ timeS: timesS[i], unsureShare: unsureShare(a, width, height, owns?.[i]), ...(durationsS ? { durationS: durationsS[i] } : {}) })),
    frameStepS,
    threshold,
    endS,
  );
}

/** A review from its frames' unsure shares: the sticker's is their median. */
function summarizeReview(frames: StickerReview['frames'], frameStepS: number, threshold: number | null, endS: number | undefined): StickerReview {
  const sorted = frames.map((f) => f.unsureShare).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const flaggedFrames = frames.filter((f) => verdictOf(f.unsureShare, threshold).needsReview).length;
  return { ...verdictOf(median, threshold), frames, frameStepS, ...(endS === undefined ? {} : { endS }), flaggedFrames };
}

/** The review of some of a prepared sticker's frames (those it kept), from their shares already measured. */
function reviewOfFrames({ frames, frameStepS, reviewThreshold, endS }: StickerReview, { first, last }: { first: number; last: number }): StickerReview {
  return summarizeReview(frames.slice(first, last + 1), frameStepS, reviewThreshold, endS);
}

/**
 * The same prepared clip smoothed over time at another stability: segmentation, refinement, scene
 * cuts and the review (read on the model's own answers) do not depend on it, so only the smoothing
 * of the raw alphas is redone.
 */
export function restabilize(prepared: PreparedSticker, stability: number): PreparedSticker {
  return { ...prepared, alphas: smoothAlphaSequence(prepared.rawAlphas, clamp01(stability, 0.5, 'stability'), prepared.cuts, prepared.frames) };
}

interface RenderKnobs {
  fpsStep: number;
  scale: number;
  maxColors: number;
  quality: number;
  /** APNG: reduce to maxColors RGBA colours before deflate. */
  posterize: boolean;
}

function evenUp(v: number): number {
  return v % 2 ? v + 1 : v;
}

/** Where a sticker crops its frames (in frame pixels) and the size it writes them at. */
export interface StickerLayout {
  box: Box;
  size: { width: number; height: number };
  /**
   * The file's own size when a preset fixes it (Discord's 320 x 320): `size` on it, transparent
   * around; centred, except against a side where the clip cuts the subject (a person cut off at the
   * clip's bottom edge stands on the canvas's bottom, not floating above it).
   */
  canvas?: { width: number; height: number; alignX: CanvasAlign; alignY: CanvasAlign };
}

/** Where a sticker sits along one side of a fixed canvas. */
export type CanvasAlign = 'start' | 'centre' | 'end';

/** 'start' / 'end' when the subject runs into only that edge of the frame (0..size, within 2 px: a cut edge's matte fades), else 'centre'. */
function alignToCut(from: number, to: number, size: number): CanvasAlign {
  const atStart = from <= 2;
  const atEnd = to >= size - 2;
  return atStart === atEnd ? 'centre' : atStart ? 'start' : 'end';
}

/**
 * The crop box and output size of a sticker whose subject lies in `union` (null: no subject, the
 * whole frame): the box padded by `padding` of its long side plus room for the outline, fitted
 * into the targets scaled by `scale` (renderSticker shrinks it to meet a byte budget).
 */
export function stickerLayout(union: Box | null, width: number, height: number, options: StickerOptions, targets: ReturnType<typeof resolveTargets>, scale = 1): StickerLayout {
  const base = union ?? { x0: 0, y0: 0, x1: width, y1: height };
  const exact = targets.preset?.exactLongSide ?? false;
  const outlineOut = Math.max(0, options.outlinePx ?? 0);
  const boxLong = Math.max(base.x1 - base.x0, base.y1 - base.y0);
  // The outline is drawn at output scale; reserve its room in frame pixels.
  const provisional = fitSize(base.x1 - base.x0, base.y1 - base.y0, targets.maxW, targets.maxH, exact);
  const framePerOut = (base.x1 - base.x0) / provisional.width;
  const box = union ? padBox(base, boxLong * (options.padding ?? 0.04) + (outlineOut + 1) * framePerOut, width, height) : base;
  // A WebM's sides are even (VP9's 4:2:0): fitted within the bounds rounded down to even (--max-side
  // 101 made 102), an odd side is made even by a transparent row or column on the canvas, not by
  // stretching (a 1000x50 strip at --max-side 101 made 100x6, a fifth too tall; now 100x5 on 100x6).
  const even = (v: number): number => (targets.format === 'webm' ? 2 * Math.floor(v / 2) : v);
  const size = fitSize(box.x1 - box.x0, box.y1 - box.y0, even(targets.maxW * scale), even(targets.maxH * scale), exact);
  const padded = targets.format === 'webm' && (size.width % 2 === 1 || size.height % 2 === 1) ? { width: evenUp(size.width), height: evenUp(size.height) } : undefined;
  const canvas = targets.preset?.canvas ?? padded;
  return { box, size, ...(canvas ? { canvas: { ...canvas, alignX: union ? alignToCut(union.x0, union.x1, width) : 'centre', alignY: union ? alignToCut(union.y0, union.y1, height) : 'centre' } } : {}) };
}

/** One frame as the sticker holds it before encoding: cropped and scaled to the layout, specks removed (unless kept), outlined. */
export function composeStickerFrame(foreground: Uint8Array, alpha: Float32Array, width: number, height: number, layout: StickerLayout, options: StickerOptions): ColourAlpha {
  const c = cropResample(foreground, alpha, width, height, layout.box, layout.size.width, layout.size.height);
  if (options.keepSpecks !== true) removeSpecks(c.alpha, c.width, c.height);
  addOutline(c, Math.max(0, options.outlinePx ?? 0), parseHexColor(options.outlineColor ?? '#FFFFFF'));
  return layout.canvas ? onCanvas(c, layout.canvas) : c;
}

/** A composed frame on a transparent canvas of a fixed size (no larger than it), placed as the layout aligns it. */
function onCanvas(c: ColourAlpha, canvas: NonNullable<StickerLayout['canvas']>): ColourAlpha {
  const { width, height } = canvas;
  const at = (room: number, align: CanvasAlign) => (align === 'start' ? 0 : align === 'end' ? room : Math.floor(room / 2));
  const left = at(width - c.width, canvas.alignX);
  const top = at(height - c.height, canvas.alignY);
  const rgba = new Uint8Array(width * height * 4);
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < c.height; y++) {
    rgba.set(c.rgba.subarray(y * c.width * 4, (y + 1) * c.width * 4), ((top + y) * width + left) * 4);
    alpha.set(c.alpha.subarray(y * c.width, (y + 1) * c.width), (top + y) * width + left);
  }
  return { rgba, alpha, width, height };
}

/**
 * One cut-out frame (work size, from finishStickerFrame) as the sticker will show it, for a live
 * preview: cropped to its own subject (the sticker crops to the union of all its frames'), sized,
 * outlined; in a GIF its 1-bit edge at the threshold, flattened against the edge colour (as the
 * sticker's first frame is), and a GIF's (or an APNG given `maxColors`) colours mapped to a palette
 * of `maxColors` with the dither asked for. The smoothing over time is not in it, and the palette is
 * this frame's (the sticker's is quantised from all its frames: close, not the same).
 */
export function stickerStill(foreground: Uint8Array, alpha: Float32Array, width: number, height: number, options: StickerOptions): RgbaImage & { format: StickerFormat; hasSubject: boolean } {
  const targets = resolveTargets(options);
  // No subject (alpha < 0.5 everywhere): the whole frame, and the caller says so. Cropped as the
  // sticker crops, to what shows once specks are removed.
  const subject = subjectBox(alpha, width, height, options.keepSpecks === true).box;
  const c = composeStickerFrame(foreground, alpha, width, height, stickerLayout(subject, width, height, options, targets), options);
  const hasSubject = subject !== null;
  if (targets.format === 'apng' && options.maxColors !== undefined) {
    // Its palette, as a palette APNG is written (indexFrames), of this frame's colours.
    const { palette, indexed } = indexFrames([toStraightRgba(c)], c.width, options.maxColors, options.dither);
    return { data: paletteColours(indexed[0], palette), width: c.width, height: c.height, format: 'apng', hasSubject };
  }
  if (targets.format !== 'gif') return { data: toStraightRgba(c), width: c.width, height: c.height, format: targets.format, hasSubject };
  const band = hysteresisBand(clamp01(options.threshold, 0.5, 'threshold'), clamp01(options.stability, 0.5, 'stability'));
  const [bin] = binarizeWithHysteresis([c.alpha], band);
  fillPinholes(bin, c);
  const flat = flattenForGif(c, bin, parseHexColor(options.matte ?? '#FFFFFF'));
  // Its colours mapped to a palette as the GIF's are (encodeGif), of this frame's colours: the
  // colour count's bands, and the dither's pattern, show before the sticker is made.
  const palette = gifPalette([flat], options.maxColors);
  const index = gifIndices(new PaletteMapper(palette, options.dither), flat, palette.length);
  const rgba = [...palette.map((e) => [e[0], e[1], e[2], 255]), [0, 0, 0, 0]];
  return { data: paletteColours(index, rgba), width: flat.width, height: flat.height, format: 'gif', hasSubject };
}

/** RGBA pixels from palette indices (each entry [r, g, b, a]). */
function paletteColours(index: Uint8Array, palette: readonly (readonly number[])[]): Uint8Array {
  const out = new Uint8Array(index.length * 4);
  for (let i = 0, j = 0; i < index.length; i++, j += 4) {
    const e = palette[index[i]];
    out[j] = e[0];
    out[j + 1] = e[1];
    out[j + 2] = e[2];
    out[j + 3] = e[3];
  }
  return out;
}

/**
 * A frame at either end whose subject is under this share of the frames' median subject is left out
 * as empty: the share under which a frame's own specks are removed (removeSpecks), over time. A
 * character coming in (the unit test's sliver at the edge, 3.3 % of the median) is kept.
 */
const EMPTY_END_SHARE = 0.02;

/**
 * Crops, scales, outlines and encodes prepared frames. With a platform preset the encode is
 * repeated with fewer colours / lower quality, fewer frames, then a smaller size until the file
 * fits the preset's byte budget (at most 7 attempts; fewer when nothing is left to lower).
 */
export async function renderSticker(prepared: PreparedSticker, options: StickerOptions, ctx: RunContext = {}, tools?: FfmpegTools): Promise<RenderedSticker> {
  const targets = resolveTargets(options, prepared.info, prepared.drawing);
  const { frames, foregrounds, alphas, plan } = prepared;
  const width = frames[0].width;
  const height = frames[0].height;
  const subjects = alphas.map((a) => subjectBox(a, width, height, options.keepSpecks === true));
  // Frames at either end in which nothing was found are left out (and said): a sticker opened on a
  // second of nothing, a title card's worth before the character came in. Nothing is also a fleck
  // beside what the other frames hold (under 2 % of their median subject: a wipe's torn edge
  // opened a WeChat sticker as two white blobs, 0.3 % of it).
  const areas = subjects.filter((s) => s.box !== null).map((s) => s.area).sort((a, b) => a - b);
  const medianArea = areas.length > 0 ? areas[Math.floor(areas.length / 2)] : 0;
  const isEmpty = (s: (typeof subjects)[number]): boolean => s.box === null || s.area < medianArea * EMPTY_END_SHARE;
  const first = subjects.findIndex((s) => !isEmpty(s));
  const last = subjects.findLastIndex((s) => !isEmpty(s));
  const union = first < 0 ? null : unionBoxes(subjects.slice(first, last + 1).map((s) => s.box));
  // A sticker of nothing (no frame is half opaque anywhere) is refused before anything is written.
  if (union === null) {
    // A damaged clip decodes to grey smears the model finds nothing in: said as the file's fault (it
    // read "no character was found … try the person model"), where the damage is widespread (an
    // error or more a frame), not a few blocks a clip with no character in it also has.
    // The frames decoded: made as drawn, a held drawing stands for several.
    const decoded = prepared.holds ? prepared.holds.reduce((a, b) => a + b, 0) : alphas.length;
    if (prepared.decodeErrors !== undefined && prepared.decodeErrors >= decoded) {
      throw new AppError('VIDEO_CORRUPT', `The clip is damaged: ffmpeg met ${prepared.decodeErrors} decode error(s) in it and nothing could be cut out of its ${decoded} frames; use an undamaged copy`, { detail: { frames: decoded, decodeErrors: prepared.decodeErrors, damaged: true } });
    }
    throw new AppError('NO_SUBJECT', noSubjectText(prepared.subject, decoded), { detail: { frames: decoded, subject: prepared.subject } });
  }
  const preset = targets.preset;
  const durationsMs = frameDurationsMs(prepared, preset ? 1000 / preset.maxFps : 0);
  const sumMs = (from: number, to: number): number => durationsMs.slice(from, to).reduce((a, b) => a + b, 0);
  const emptyEndsS = first > 0 || last < subjects.length - 1 ? { start: sumMs(0, first) / 1000, end: sumMs(last + 1, subjects.length) / 1000 } : undefined;
  const knobs: RenderKnobs = { fpsStep: 1, scale: 1, maxColors: options.maxColors ?? 255, quality: 80, posterize: options.maxColors !== undefined };
  const threshold = clamp01(options.threshold, 0.5, 'threshold');
  const stability = clamp01(options.stability, 0.5, 'stability');
  const matte = parseHexColor(options.matte ?? '#FFFFFF');
  // A preset's shortest long side (LINE: 270 px; Telegram 512, exactly) is a floor for shrinking to the byte budget.
  const fullSize = stickerLayout(union, width, height, options, targets).size;
  const scaleFloor = preset?.minSide ? Math.min(1, preset.minSide / Math.max(fullSize.width, fullSize.height)) : 0;
  let attempts = 0;
  for (;;) {
    attempts++;
    throwIfAborted(ctx.signal);
    const t0 = performance.now();
    const layout = stickerLayout(union, width, height, options, targets, knobs.scale);
    const { box } = layout;
    // The file's size: the sticker's, or the canvas a preset fixes.
    const size = layout.canvas ?? layout.size;
    const { picked, delaysMs, step, short, shown } = playedFrames(durationsMs, first, last, knobs.fpsStep, preset, targets.asDrawn ? { shortestMs: shortestFrameMs(targets) } : undefined);
    const playedS = delaysMs.reduce((a, b) => a + b, 0) / 1000;
    // Frames a second: the rate made, or as drawn their mean (to 1e-9: 12 fps stays 12 after a sum of 83.3-ms delays).
    const fps = Math.round((picked.length / playedS) * 1e9) / 1e9;
    const composed: ColourAlpha[] = [];
    for (const i of picked) {
      throwIfAborted(ctx.signal);
      composed.push(composeStickerFrame(coloursAfterSmoothing(foregrounds[i], frames[i].data, prepared.rawAlphas[i], alphas[i]), alphas[i], width, height, layout, options));
    }
    const composeMs = performance.now() - t0;
    const t1 = performance.now();
    // Told as the encode begins (a WebP of 224 frames takes 20 s; its progress said "composite" till
    // the end), and as it goes on (a GIF's frames) within this attempt's share of the encode:
    // encodeShare. A retry for the byte budget goes on from there: it took the bar back to its
    // first frame, and the first attempt's end had it at the encode's end.
    const [shareFrom, shareTo] = encodeShare(attempts, preset !== undefined);
    const tellEncode = (at: number, detail?: string): void => ctx.onProgress?.({ stage: 'encode', done: Math.round(at * ENCODE_STEPS), total: ENCODE_STEPS, ...(detail ? { detail } : {}) });
    const encodeCtx: RunContext = { signal: ctx.signal, onProgress: (e) => (e.stage === 'encode' && e.total > 0 ? tellEncode(shareFrom + (shareTo - shareFrom) * Math.min(1, e.done / e.total)) : ctx.onProgress?.(e)) };
    tellEncode(shareFrom);
    // How many times it plays (0 forever): a preset's rule, else the option.
    const plays = preset ? presetLoops(preset, playedS) : (options.plays ?? 0);
    let bytes: Uint8Array;
    let outAlphas: Float32Array[];
    let frameCount = picked.length;
    let writtenDelays = delaysMs;
    let writtenFps = fps;
    if (targets.format === 'gif') {
      const segStarts = new Set<number>();
      picked.forEach((fi, k) => {
        for (let j = k > 0 ? picked[k - 1] + 1 : 0; j <= fi; j++) if (prepared.cuts.has(j)) segStarts.add(k);
      });
      const bins = binarizeWithHysteresis(
        composed.map((c) => c.alpha),
        hysteresisBand(threshold, stability),
        segStarts,
      );
      // Pinholes the 1-bit alpha left inside the subject are filled (compose.ts fillPinholes).
      composed.forEach((c, k) => fillPinholes(bins[k], c));
      const gifFrames = composed.map((c, k) => flattenForGif(c, bins[k], matte));
      const gif = encodeGif(gifFrames, delaysMs, { maxColors: knobs.maxColors, repeat: gifRepeatOf(plays), dither: options.dither }, encodeCtx);
      bytes = gif.bytes;
      frameCount = gif.frameCount;
      writtenDelays = gif.delaysMs;
      outAlphas = bins.map((b) => Float32Array.from(b));
    } else {
      const straight = composed.map(toStraightRgba);
      // WebM (and a steady APNG) through ffmpeg are written at a steady rate: as drawn, the decoded
      // one (each drawing repeated for its hold), at most the preset's (Telegram's 30).
      const animated: AnimatedFrames = { frames: straight, width: size.width, height: size.height, delaysMs, fps: targets.asDrawn ? Math.min(plan.fps, preset?.maxFps ?? Infinity) : fps, ...(preset ? { maxMs: preset.maxDurationS * 1000 } : {}) };
      if (targets.format === 'webp') {
        bytes = await encodeAnimatedWebp(animated, { quality: knobs.quality, loop: plays });
        // libwebp merges a frame the same as the one before into it (a GIF's hold decoded at the
        // clip's shortest frame's rate): the file's own frames and delays are said. Every frame alike
        // is written as a still (no frames, no delays): one frame, the clip's length.
        const written = await sharp(bytes, { animated: true }).metadata();
        const pages = written.pages ?? 1;
        if (pages <= 1) {
          frameCount = 1;
          writtenDelays = [delaysMs.reduce((a, b) => a + b, 0)];
        } else if (written.delay?.length === pages) {
          frameCount = pages;
          writtenDelays = written.delay;
        }
      } else if (targets.format === 'apng' && knobs.posterize) {
        // One shared palette, a byte a pixel, and only each frame's changed rectangle (apng.ts).
        const { palette, indexed } = indexFrames(straight, size.width, knobs.maxColors, options.dither);
        bytes = encodeIndexedApng({ width: size.width, height: size.height, palette, frames: indexed, delaysMs }, { plays });
      } else if (targets.format === 'apng' && targets.asDrawn) {
        // Each drawing one frame of its own length (ffmpeg's encoder takes a steady rate: it wrote a drawing once a decoded frame).
        bytes = encodeRgbaApng({ width: size.width, height: size.height, frames: straight, delaysMs }, { plays });
      } else if (targets.format === 'apng') bytes = await encodeApng(animated, { plays }, encodeCtx, tools ?? resolveFfmpeg());
      else {
        bytes = await encodeWebmVp9(animated, { crf: Math.round(63 - knobs.quality * 0.45) }, encodeCtx, tools ?? resolveFfmpeg());
        if (targets.asDrawn) {
          // The file's own frames: each drawing once a step of the steady rate.
          const steps = steadyRateSteps(delaysMs, animated.fps, animated.maxMs);
          frameCount = steps.reduce((a, b) => a + b, 0);
          writtenDelays = steps.flatMap((n) => Array<number>(n).fill(1000 / animated.fps));
          writtenFps = animated.fps;
        }
      }
      outAlphas = composed.map((c) => c.alpha);
    }
    prepared.timings.composeMs += composeMs;
    prepared.timings.encodeMs += performance.now() - t1;
    const withinBudget = !preset || bytes.length <= preset.maxBytes;
    // The encode's end once the file is made (within the budget, or the last attempt).
    const isLast = withinBudget || attempts >= MAX_ENCODE_ATTEMPTS;
    tellEncode(isLast ? 1 : shareTo, `attempt ${attempts}: ${size.width}x${size.height}, ${picked.length} frames, ${bytes.length} bytes`);
    // A steady rate asked for, made lower by a preset's frame limit or its byte budget (not its
    // file's mean rate, which a last frame held to the part's end lowers a little: 14.9 for 15).
    // Every step-th frame kept, spread over the same time (playedFrames): 20 frames at step 3 keep 7.
    const madeFps = shown > 0 ? (targets.fps * Math.ceil(shown / step)) / shown : targets.fps;
    const rateLowered = preset && !targets.asDrawn && options.fps !== undefined && madeFps < options.fps - 0.05 ? { rateLowered: madeFps } : {};
    const made = (): RenderedSticker => ({ bytes, format: targets.format, width: size.width, height: size.height, fps: writtenFps, frameCount, delaysMs: writtenDelays, alphas: outAlphas, attempts, withinBudget, ...rateLowered, ...(targets.asDrawn ? { drawn: { every: step, short } } : {}), ...(knobs.scale < 1 ? { shrunkToFit: true } : {}), ...(emptyEndsS ? { emptyEndsS, keptFrames: { first, last } } : {}), box });
    if (isLast) return made();
    const was = { ...knobs };
    // Shrink in order of what a viewer notices least: colours / quality (twice), then size,
    // then, as a last resort, every other frame. Bytes go roughly with the area, so a size step
    // aims just under the budget: a sticker 3 % over (WeChat, One Piece: 513 KB of 500) shrinks a
    // little more, where it used to lose every other frame at the fifth attempt (264 KB).
    const over = bytes.length / preset!.maxBytes;
    // Colours (GIF, APNG's palette) or quality (WebP, WebM) already as low as they go make the same
    // file again: the next step is taken.
    const isAtColourFloor = targets.format === 'webp' || targets.format === 'webm' ? knobs.quality <= 20 : knobs.maxColors <= 32 && (targets.format !== 'apng' || knobs.posterize);
    if (attempts <= 2 && !isAtColourFloor) {
      if (targets.format === 'apng' && !knobs.posterize) knobs.posterize = true;
      else knobs.maxColors = Math.max(32, Math.round(knobs.maxColors / Math.max(1.5, over)));
      knobs.quality = Math.max(20, Math.round(knobs.quality - 20 * over));
    } else if ((knobs.scale <= scaleFloor || (attempts >= 5 && over > 1.25) || attempts >= 6) && shown / (step + 1) >= 5) {
      // (The sixth attempt drops frames whatever is left over: flat art whose bytes shrink more
      // slowly than its area would otherwise still be over at the seventh, the last.)
      knobs.fpsStep = step + 1;
    } else {
      knobs.scale = Math.max(scaleFloor, knobs.scale * Math.max(0.6, Math.min(0.97, 0.98 / Math.sqrt(over))));
    }
    // Nothing left to lower (at its colours', size's and frames' floors): the same file again would be no nearer.
    if ((Object.keys(knobs) as (keyof RenderKnobs)[]).every((k) => knobs[k] === was[k])) return made();
  }
}

/** At most this many encodes to fit a preset's byte budget. */
const MAX_ENCODE_ATTEMPTS = 7;
/** The encode's progress is told in thousandths (encodeShare). */
const ENCODE_STEPS = 1000;

/**
 * Where attempt `attempt` (from 1) sits within the encode's span of the bar: all of it without a
 * byte budget; with one (a preset), half of what is left each (0–½, ½–¾, …; the last to the end),
 * as how many it takes is not known before: the bar goes on through the retries.
 */
export function encodeShare(attempt: number, hasBudget: boolean): readonly [number, number] {
  if (!hasBudget) return [0, 1];
  return [1 - 2 ** -(attempt - 1), attempt >= MAX_ENCODE_ATTEMPTS ? 1 : 1 - 2 ** -attempt];
}

/**
 * The GIF Netscape repeat for `plays` plays: 0 (forever) stays 0, one play is -1 (no loop block),
 * n plays repeat n - 1 times. WebP's loop and APNG's plays count plays as they are.
 */
export function gifRepeatOf(plays: number): number {
  return plays === 0 ? 0 : plays === 1 ? -1 : plays - 1;
}

/** What the CLI and a batch's note say of a file cut short (StickerJobResult.cutShortAtS). */
export function cutShortFileText(atS: number): string {
  return `the file is cut short (a GIF without its end): its last frames are missing, and its frames stop at ${atS.toFixed(2)} s`;
}

/**
 * What the CLI and a batch's note say of a part cut to a preset's longest sticker
 * (StickerJobResult.presetCutToS); `pickHint`, how another part is picked there (a batch takes no
 * --start: its note names `cutout sticker … --start T`).
 */
export function presetLengthText(presetId: string, seconds: number, pickHint = 'pick another part with --start / --duration'): string {
  const label = findPlatformPreset(presetId)?.label ?? `${presetId} sticker`;
  return `a ${label} lasts at most ${seconds} s: this one is the first ${seconds} s of the part; ${pickHint}`;
}

/** How a sticker batch's lines (NO_SUBJECT, a sticker to check) say a part, or strokes, are given: one clip at a time (a batch takes neither). */
export const ONE_CLIP_HINT = 'one clip at a time: `cutout sticker CLIP -o OUT --start T --duration T --strokes FILE.json`';

/**
 * NO_SUBJECT's message for `frames` frames with nothing found; `isBatch`: the other model is the
 * batch's --model, and another part or Keep strokes are given one clip at a time (ONE_CLIP_HINT).
 */
export function noSubjectText(subject: Subject, frames: number, isBatch = false): string {
  const what = subject === 'anime' ? 'character' : 'person';
  const hint = isBatch
    ? `try --model ${subject === 'anime' ? 'person' : 'anime'}, or another part of the clip or Keep strokes ${ONE_CLIP_HINT}`
    : subject === 'anime' ? 'try the person model, another part of the clip, or Keep strokes' : 'try another part of the clip or Keep strokes';
  return `No ${what} was found in any of the ${frames} frames, so there is no sticker to make: ${hint}`;
}

/** What the CLI says of a part a whole-seconds preset (LINE) made another length (StickerJobResult.wholeSecondsFromS); `playedS` is the sticker's. */
export function wholeSecondsText(presetId: string, fromS: number, playedS: number): string {
  const preset = findPlatformPreset(presetId);
  return `a ${preset?.label ?? `${presetId} sticker`} plays a whole number of seconds (1 to ${preset?.maxDurationS ?? 4}): this one plays ${Math.round(playedS)} s, of a part ${Number(fromS.toFixed(2))} s long`;
}

/** What the CLI says of GIF stickers asked for above GIF_MAX_FPS (made at it, as resolveTargets caps them); undefined when not so. */
export function gifFpsCapText(options: Pick<StickerOptions, 'fps' | 'preset'>, format: StickerFormat): string | undefined {
  if (format !== 'gif' || options.preset || !((options.fps ?? 0) > GIF_MAX_FPS)) return undefined;
  return `a GIF plays ${GIF_MAX_FPS} frames a second at most (browsers slow shorter delays to 100 ms): it is made at ${GIF_MAX_FPS} fps`;
}

/** What the CLI says of a size flag given with a platform preset: the platform's own size is used. */
export function presetSizeText(presetId: string, flag: string): string {
  const p = findPlatformPreset(presetId);
  return p ? `the ${p.label} has its own size (${p.canvas ? 'exactly' : 'within'} ${p.maxW}x${p.maxH}): ${flag} is not used` : `a sticker platform has its own size: ${flag} is not used`;
}

/** What the CLI and a batch's note say of empty frames left out at the ends (StickerJobResult.emptyEndsS). */
export function emptyEndsText({ start, end }: { start: number; end: number }): string {
  const where = [start > 0 ? `the first ${start.toFixed(2)} s` : '', end > 0 ? `the last ${end.toFixed(2)} s` : ''].filter(Boolean).join(' and ');
  return `nothing to cut out was found in ${where} of the part, so the sticker leaves ${start > 0 && end > 0 ? 'them' : 'it'} out`;
}

/** What the CLI and a batch's note say of a --duration past the clip's end (StickerJobResult.pastEndToS). */
export function pastEndText(seconds: number): string {
  return `the clip ends ${seconds.toFixed(2)} s after the start asked, so the sticker is that long`;
}

/**
 * What the CLI and a batch's note say of a sticker bigger than chat apps take (chatLimitBytes), and
 * how to make it lighter, in the caller's words (`ways`: the CLI's flags, only those that would
 * lighten it: no smaller size for one made small already); fewer colours only for a format with a
 * colour count.
 */
export function chatSizeText(bytes: number, format: StickerFormat, ways: { preset: string; lighter: string[]; colours: string } = { preset: 'a platform preset', lighter: ['a smaller size', 'a shorter part', 'a lower frame rate'], colours: 'fewer colours' }): string {
  const lighter = [...ways.lighter, ...(stickerTakesColours(format) ? [ways.colours] : [])];
  const list = lighter.length > 1 ? `${lighter.slice(0, -1).join(', ')} or ${lighter.at(-1)}` : (lighter[0] ?? '');
  return `${chatKbText(bytes)} KB is more than chat apps take for a sticker (${chatStickerLimitsText(format)}); ${ways.preset} fits it to one${list ? `, and ${list} makes it lighter` : ''}`;
}

/** What the CLI and a batch's note say of a damaged clip made into a sticker (StickerJobResult.decodeErrors). */
export function decodeErrorsText(count: number): string {
  return `the clip is damaged: ffmpeg met ${count} decode error(s) in the part made, so some frames may show blocks or smears; look at the sticker, or use an undamaged copy`;
}

/**
 * What the CLI and a batch's note say of a rate set by the clip's drawings (StickerJobResult.drawing);
 * `steadyRateHint` (the CLI's "--fps sets a steady rate") is said only where that control exists: a
 * batch's report is read after a run from the app too, whose Batch workspace has no rate.
 */
export function drawingRateText(drawing: DrawingCadence, leftOut?: DrawingsLeftOut, steadyRateHint?: string): string {
  const fps = Number(drawing.drawingFps.toFixed(2));
  // (A batch journal from before uneven holds has no `even`: its drawings were even.)
  const held = drawing.even !== false ? `holds each drawing for ${drawing.framesPerDrawing} frames` : `holds its drawings ${Number(drawing.framesPerDrawing.toFixed(2))} frames on average, unevenly`;
  return `the clip ${held} (${fps} drawings a second): the sticker is made as drawn, each drawing one frame held as long as in the clip${drawingsLeftOutText(leftOut)}${steadyRateHint ? ` (${steadyRateHint})` : ''}`;
}

/** What is said of the drawings a sticker made as drawn left out (StickerJobResult.drawingsLeftOut), after drawingRateText's sentence; '' for none. */
function drawingsLeftOutText(leftOut?: DrawingsLeftOut): string {
  if (!leftOut) return '';
  const parts: string[] = [];
  if (leftOut.short > 0) parts.push(`${leftOut.short === 1 ? '1 drawing is' : `${leftOut.short} drawings are`} left out where the drawings came faster than the format or platform plays frames, ${leftOut.short === 1 ? 'its' : 'their'} time given to the drawing before`);
  if (leftOut.every > 1) parts.push(`only every ${ordinal(leftOut.every)} drawing is kept (the platform's frame or byte limit), each for its time and the next ${leftOut.every === 2 ? 'one\'s' : `${leftOut.every - 1}'`}`);
  return `; ${parts.join('; ')}`;
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** What the CLI and a batch's note say of a clip that stopped short (StickerJobResult.endsAtS). */
export function stoppedShortText(endsAtS: number): string {
  return `the clip's frames stop at ${endsAtS.toFixed(2)} s, before the part asked for ends: the file is probably cut short, so the sticker ends there`;
}

/** The shortest a frame is made to keep a sticker within its preset's longest: a GIF's shortest (20 ms; browsers play 1 cs at 100 ms). */
const MIN_CAPPED_FRAME_MS = 1000 / GIF_MAX_FPS;

/**
 * How long each of a prepared sticker's frames plays, ms: the part's length shared by the frames
 * planned for it (about 1 / the decode fps), or as drawn its hold. A part whose length is no whole
 * number of frames at the rate played a little long: a 0.8-s GIF of 12.5 fps at 12 fps made its 10
 * frames of 83.3 ms, 0.83 s, the cartoon 4 % slow; each is 80 ms now, the clip's own. At a steady
 * rate none is shorter than `shortestMs` (a preset's most frames a second: WeChat's 15 took 1.5 s
 * as 23 frames of 65.2 ms, 15.3 a second; they play 66.7 ms each, 1.53 s); as drawn, playedFrames
 * keeps to it.
 */
export function frameDurationsMs(prepared: Pick<PreparedSticker, 'plan' | 'holds' | 'frames'>, shortestMs = 0): number[] {
  const { plan } = prepared;
  const stepMs = plan.frameCount > 0 && plan.durationS > 0 ? (plan.durationS * 1000) / plan.frameCount : 1000 / plan.fps;
  return prepared.holds ? prepared.holds.map((h) => h * stepMs) : prepared.frames.map(() => Math.max(stepMs, shortestMs));
}

/**
 * The frames a sticker plays, of the prepared ones `first`..`last` that last `durationsMs`, and how
 * long each (ms):
 * - as drawn (`drawn`), a frame shorter than `drawn.shortestMs` (a preset's or a GIF's most frames a
 *   second) takes the drawings after it until it is that long, which are not shown (a run of ones
 *   under WeChat's 67 ms keeps every other drawing of it, 83 ms each); a short last frame goes to
 *   the one before;
 * - every `step`-th kept, each for its own time and those it stands for; as drawn, at least every
 *   n-th for a preset's most frames (LINE: 20; 32 drawings make 16 of two drawings' time). Frames
 *   of one length stay of one length, spread over the same time: 20 frames at 5 fps with step 3
 *   keep 7 frames of 4/7 s (4.0 s, as trimmed), not 6 of 3/5 s and one of 2/5;
 * - at least a preset's fewest (LINE: 5), each shown that many times over for a share of its time,
 *   at the preset's most frames a second at most (where the sticker then lasts longer: a one-frame
 *   clip at 12 fps made 5 frames of 17 ms, a flash);
 * - a whole-seconds preset's frames play in whole seconds exactly (frames left out at the ends, or
 *   a clip shorter than a second, made it 2.75 or 0.5 s), each stretched alike; and no sticker
 *   plays past its preset's longest (the last frame shortened).
 * `short`: drawings not shown for their shortness; `shown`: the frames that may show, before `step`.
 */
export function playedFrames(
  durationsMs: readonly number[],
  first: number,
  last: number,
  step: number,
  preset?: Pick<PlatformPreset, 'maxFrames' | 'minFrames' | 'maxFps' | 'wholeSeconds' | 'maxDurationS'>,
  drawn?: { shortestMs: number },
): { picked: number[]; delaysMs: number[]; step: number; short: number; shown: number } {
  // The frames that may show, each with its time; `short` drawings were not.
  const shown: { i: number; ms: number }[] = [];
  let short = 0;
  const isShort = (ms: number): boolean => drawn !== undefined && ms < drawn.shortestMs - 1e-6;
  for (let i = first; i <= last; i++) {
    if (shown.length > 0 && isShort(shown[shown.length - 1].ms)) {
      shown[shown.length - 1].ms += durationsMs[i];
      short++;
    } else shown.push({ i, ms: durationsMs[i] });
  }
  if (shown.length > 1 && isShort(shown[shown.length - 1].ms)) {
    shown[shown.length - 2].ms += shown.pop()!.ms;
    short++;
  }
  if (drawn && preset?.maxFrames) step = Math.max(step, Math.ceil(shown.length / preset.maxFrames));
  let picked: number[] = [];
  let delaysMs: number[] = [];
  for (let k = 0; k < shown.length; k += step) {
    picked.push(shown[k].i);
    delaysMs.push(shown.slice(k, k + step).reduce((a, f) => a + f.ms, 0));
  }
  const spanMs = delaysMs.reduce((a, b) => a + b, 0);
  if (step > 1 && shown.every((f) => Math.abs(f.ms - shown[0].ms) < 1e-6)) delaysMs = delaysMs.map(() => spanMs / picked.length);
  if (preset?.minFrames && picked.length < preset.minFrames) {
    const times = Math.ceil(preset.minFrames / picked.length);
    const shortestMs = 1000 / (preset.maxFps ?? Infinity);
    picked = picked.flatMap((i) => Array<number>(times).fill(i));
    delaysMs = delaysMs.flatMap((ms) => Array<number>(times).fill(Math.max(ms / times, Math.min(ms, shortestMs))));
  }
  if (preset?.wholeSeconds) {
    const totalMs = delaysMs.reduce((a, b) => a + b, 0);
    const wholeMs = wholeSecondsOf(preset, totalMs / 1000) * 1000;
    delaysMs = delaysMs.map((ms) => (ms * wholeMs) / totalMs);
  }
  // Never past a preset's longest (3 s of a 23.98-fps clip is 72 frames, 3.003 s: Telegram takes 3),
  // taken from the last frames in turn, each kept to MIN_CAPPED_FRAME_MS.
  let overMs = preset ? delaysMs.reduce((a, b) => a + b, 0) - preset.maxDurationS * 1000 : 0;
  for (let k = delaysMs.length - 1; k >= 0 && overMs > 1e-6; k--) {
    const take = Math.min(overMs, Math.max(0, delaysMs[k] - MIN_CAPPED_FRAME_MS));
    delaysMs[k] -= take;
    overMs -= take;
  }
  return { picked, delaysMs, step, short, shown: shown.length };
}

/** Mask probabilities at or below this are background, at or above PROB_HIGH foreground. */
export const PROB_LOW = 0.15;
export const PROB_HIGH = 0.85;

/**
 * Maps a segmentation probability to sticker alpha by a linear stretch of [PROB_LOW, PROB_HIGH]
 * to [0, 1] (in place). Segmenters are not matting models: the anime model leaves 0.02..0.2 haze
 * over the whole background and 0.9..0.97 inside the character. Stretched, the haze is gone,
 * the edge ramp stays, and foreground estimation (whose cost grows with the number of soft
 * pixels) works on ~4x fewer pixels.
 */
export function stretchProbability(p: Float32Array): Float32Array {
  const scale = 1 / (PROB_HIGH - PROB_LOW);
  for (let i = 0; i < p.length; i++) {
    const v = (p[i] - PROB_LOW) * scale;
    p[i] = v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
  return p;
}

/**
 * Foreground colours of a frame for its soft edges: blur-fusion estimation removes the old
 * background's colour from hair and anti-aliased outlines (about 8 ms at 320x240).
 */
function estimateColours(frame: RgbaImage, alpha: Float32Array): Uint8Array {
  return estimateForeground(frame, alpha).data;
}

/** Straight RGBA bytes of a composed frame (alpha rounded to 8 bits). */
export function toStraightRgba(c: Pick<ColourAlpha, 'rgba' | 'alpha'>): Uint8Array {
  const out = new Uint8Array(c.rgba);
  for (let i = 0; i < c.alpha.length; i++) out[i * 4 + 3] = Math.round(Math.min(1, Math.max(0, c.alpha[i])) * 255);
  return out;
}

/**
 * A GIF frame: opaque where `bin` is 1. On its edge (a pixel beside a transparent one) the colour
 * is flattened against the matte by its soft alpha (F·a + M·(1−a)), so the 1-bit edge blends into
 * the chosen chat background; inside, the foreground colour F is kept whole: what shows through
 * a half-transparent part there is the sticker itself, not the chat (a pixel under half opaque,
 * kept opaque only by the hysteresis, is still blended: its colour estimate is mostly the old
 * background's). Flattening those against white turned dark hair the model was unsure of into pale
 * grey blotches on every background.
 */
export function flattenForGif(c: ColourAlpha, bin: Uint8Array, matte: [number, number, number]): RgbaImage {
  const out = new Uint8Array(c.rgba.length);
  // The edge: opaque pixels with a transparent 8-neighbour (the frame's border is not one: a cut
  // subject's edge there stays whole).
  const nearTransparent = dilateSquare(bin.map((v) => (v ? 0 : 1)), c.width, c.height, 1);
  for (let i = 0, j = 0; i < bin.length; i++, j += 4) {
    if (!bin[i]) continue;
    const a = c.alpha[i] < 0.5 || nearTransparent[i] ? Math.min(1, c.alpha[i]) : 1;
    const ia = 1 - a;
    out[j] = Math.round(c.rgba[j] * a + matte[0] * ia);
    out[j + 1] = Math.round(c.rgba[j + 1] * a + matte[1] * ia);
    out[j + 2] = Math.round(c.rgba[j + 2] * a + matte[2] * ia);
    out[j + 3] = 255;
  }
  return { data: out, width: c.width, height: c.height };
}

/** INVALID_ARGUMENT when a format other than the platform's is asked of its preset (the CLI, a batch). */
export function checkPresetFormat(preset: PlatformPreset, format: StickerFormat): void {
  if (format !== preset.format) throw new AppError('INVALID_ARGUMENT', `The ${preset.id} preset makes ${formatLabel(preset.format)}, not ${formatLabel(format)}: leave the format out`, { detail: { preset: preset.id, format: preset.format } });
}

/**
 * The name a sticker is written under and the options with its format: a name without an
 * extension gets the format's (of --format or the preset); without either, the name's extension
 * picks the format. A name that says another format than the one written (--preset telegram -o
 * s.webp wrote WebM into a .webp; "sticker.out" would be an APNG no app opens as one) or none a
 * sticker has is INVALID_ARGUMENT. Checks the name only (the CLI says it as a wrong command line).
 */
export function stickerOutputNamed(output: string, options: StickerOptions): { output: string; options: StickerOptions } {
  if ((options.format || options.preset) && !stickerFormatFromPath(output)) {
    const writes = resolveTargets(options).format;
    const ext = stickerExtension(writes);
    if (/\.[^./\\]+$/.test(basename(output))) throw new AppError('INVALID_ARGUMENT', `${options.preset ? `The ${options.preset} preset makes` : 'This sticker is'} ${formatLabel(writes)}, but ${output} is named otherwise: name it .${ext}`, { detail: { path: output, format: writes } });
    output = `${output}.${ext}`;
  }
  if (!options.format && !options.preset) {
    const fromPath = stickerFormatFromPath(output);
    if (!fromPath) throw new AppError('INVALID_ARGUMENT', `Cannot tell the sticker format from ${output}: use .gif, .webp, .png or .webm, or pass a format`);
    options = { ...options, format: fromPath };
  }
  const named = stickerFormatFromPath(output);
  const writes = resolveTargets(options).format;
  if (named && named !== writes) {
    const by = options.preset ? `The ${options.preset} preset makes` : 'This sticker is';
    throw new AppError('INVALID_ARGUMENT', `${by} ${formatLabel(writes)}, but ${output} is named as ${formatLabel(named)}: name it .${stickerExtension(writes)}`, { detail: { path: output, format: writes } });
  }
  return { output, options };
}

/**
 * Makes a sticker file from a clip: prepare, render, write atomically (never over the input; a
 * cancel or failure leaves no output file). Without a format or preset the output's extension
 * picks the format; with one, a name without an extension gets the format's (the result's
 * `output` says the name written), and one with another extension is refused.
 */
export async function makeSticker(input: string, output: string, options: StickerOptions, env: CoreEnv, ctx: RunContext = {}): Promise<StickerResult> {
  // A folder given as the output (a sticker is one file) is refused, not written beside as "folder.png".
  if (await stat(output).then((s) => s.isDirectory(), () => false)) {
    const writes = options.format || options.preset ? resolveTargets(options).format : 'gif';
    throw new AppError('INVALID_ARGUMENT', `${output} is a folder: name the sticker's file (for example ${join(output, `sticker.${stickerExtension(writes)}`)})`, { detail: { path: output } });
  }
  ({ output, options } = stickerOutputNamed(output, options));
  await assertNotAnInput(output, [input]);
  // A folder that cannot be written is said before the clip is read, not after all the work.
  await ensureWritableFolder(dirname(resolve(output)));
  const tools = resolveFfmpeg();
  const t0 = performance.now();
  const prepared = await prepareSticker(input, options, env, ctx, tools);
  ctx.onProgress?.({ stage: 'composite', done: 0, total: 1 });
  const rendered = await renderSticker(prepared, options, ctx, tools);
  throwIfAborted(ctx.signal);
  ctx.onProgress?.({ stage: 'write', done: 0, total: 1 });
  await writeFileAtomic(output, rendered.bytes, { signal: ctx.signal });
  ctx.onProgress?.({ stage: 'write', done: 1, total: 1 });
  prepared.timings.totalMs = performance.now() - t0;
  const { bytes, alphas: _alphas, keptFrames, drawn: _drawn, ...rest } = rendered;
  const chatLimitBytes = chatLimitOf(bytes.length, options.preset, rendered.format);
  return {
    ...rest,
    output,
    bytes: bytes.length,
    modelId: prepared.modelId,
    provider: prepared.provider,
    subject: prepared.subject,
    modelFallback: prepared.modelFallback,
    preset: options.preset,
    repeatedFrames: prepared.repeatedFrames,
    // Said where the sticker is made as drawn, with the drawings a preset's limits left out.
    ...(prepared.drawing && rendered.drawn ? { drawing: prepared.drawing } : {}),
    ...(rendered.drawn && (rendered.drawn.every > 1 || rendered.drawn.short > 0) ? { drawingsLeftOut: rendered.drawn } : {}),
    ...(prepared.cutToS === undefined ? {} : { cutToS: prepared.cutToS }),
    ...(prepared.presetCutToS === undefined ? {} : { presetCutToS: prepared.presetCutToS }),
    ...(prepared.pastEndToS === undefined ? {} : { pastEndToS: prepared.pastEndToS }),
    ...(prepared.wholeSecondsFromS === undefined ? {} : { wholeSecondsFromS: prepared.wholeSecondsFromS }),
    ...(prepared.endsAtS === undefined ? {} : { endsAtS: prepared.endsAtS }),
    ...(prepared.decodeErrors === undefined ? {} : { decodeErrors: prepared.decodeErrors }),
    ...(chatLimitBytes === undefined ? {} : { chatLimitBytes }),
    // Said where the sticker reaches the end of what the file holds (not of a part before it).
    ...(prepared.info.isCutShort && prepared.plan.startS + prepared.plan.durationS >= prepared.info.durationS - 1.5 / prepared.plan.fps ? { cutShortAtS: prepared.info.durationS } : {}),
    // The frames left out at the ends are not in the review either (their unsure ones were listed to check).
    review: keptFrames ? reviewOfFrames(prepared.review, keptFrames) : prepared.review,
    sceneCuts: prepared.cuts.size,
    timings: prepared.timings,
  };
}
