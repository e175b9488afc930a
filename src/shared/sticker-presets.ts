// Sticker platform presets: format, size box, duration, frame and byte budgets (the platforms'
// published upload limits). Pure data, shared by the engine (which fits a sticker to them) and the
// Stickers workspace (which shows what a preset will make before it is made).
import type { DrawingCadence } from './jobs';

/** Output container of a sticker. */
export type StickerFormat = 'gif' | 'webp' | 'apng' | 'webm';
/** Every sticker format. */
export const STICKER_FORMATS: readonly StickerFormat[] = ['gif', 'webp', 'apng', 'webm'];

/** Whether `value` names a sticker format. */
export function isStickerFormat(value: unknown): value is StickerFormat {
  return (STICKER_FORMATS as readonly unknown[]).includes(value);
}

/** The platforms a sticker is fitted to, 'none' for free size and format, as the workspaces offer them. */
/** Whether a sticker of this format takes a colour count (`maxColors`): a GIF's palette, or an APNG then reduced to one. WebP and WebM keep every colour. */
export function stickerTakesColours(format: StickerFormat): boolean {
  return format === 'gif' || format === 'apng';
}

/**
 * Whether a sticker of this format is written with a palette, so that a dither applies: a GIF, or
 * an APNG given a colour count or a platform preset (whose byte budget may reduce it to one). WebP
 * and WebM keep every colour.
 */
export function stickerHasPalette(format: StickerFormat, options: { preset?: string; maxColors?: number }): boolean {
  return format === 'gif' || (format === 'apng' && (options.maxColors !== undefined || options.preset !== undefined));
}

/** The palette choices a workspace holds: the format written (a preset's own where one is chosen), the preset ('none': free), the Colours list (0: all) and the dither box. */
export interface StickerPaletteChoices {
  format: StickerFormat;
  preset: StickerPresetChoice;
  colors: number;
  dither: boolean;
}

/** What a workspace's palette choices make of a sticker: which controls apply, and the job options they give. */
export interface StickerPaletteOffer {
  /** The Colours list applies (stickerTakesColours). */
  takesColours: boolean;
  /** The sticker has a palette, so the dither box applies (stickerHasPalette). */
  usesPalette: boolean;
  /** The options the choices give, only where they apply: a job without them is made with the defaults (a batch's options hash stays the same). */
  options: { dither?: 'ordered'; maxColors?: number };
}

/**
 * The Stickers and Batch workspaces' palette controls in one place: a colour count only for a
 * format that takes one, the dither only where the sticker has a palette.
 */
export function stickerPaletteOffer(choices: StickerPaletteChoices): StickerPaletteOffer {
  const takesColours = stickerTakesColours(choices.format);
  const maxColors = takesColours && choices.colors > 0 ? { maxColors: choices.colors } : {};
  const usesPalette = stickerHasPalette(choices.format, { ...(choices.preset === 'none' ? {} : { preset: choices.preset }), ...maxColors });
  return { takesColours, usesPalette, options: { ...(usesPalette && choices.dither ? { dither: 'ordered' as const } : {}), ...maxColors } };
}

/** The colour counts the workspaces' Colours picker offers; 0 is "all" (a GIF's 255, an APNG in true colour). */
export const STICKER_COLOUR_COUNTS = [0, 128, 64, 32, 16] as const;

/** The GIF edge colours the workspaces offer as swatches (a custom one beside them): a light chat and a dark one. */
export const STICKER_MATTES = [
  ['#FFFFFF', 'sticker.matte.white'],
  ['#1E1E1E', 'sticker.matte.dark'],
] as const;

export const STICKER_PRESET_CHOICES = ['none', 'line', 'telegram', 'discord', 'wechat'] as const;
export type StickerPresetChoice = (typeof STICKER_PRESET_CHOICES)[number];

/** The file extension a sticker format is written with (an APNG is a .png). */
export function stickerExtension(format: StickerFormat): string {
  return format === 'apng' ? 'png' : format;
}

/** Every extension a sticker of `format` may be named with (an APNG: .png or .apng), stickerExtension's first. */
export function stickerExtensions(format: StickerFormat): string[] {
  return format === 'apng' ? ['png', 'apng'] : [format];
}

/** A platform's limits; the pipeline fits colours, fps and size until the file is within them. */
export interface PlatformPreset {
  id: 'line' | 'telegram' | 'discord' | 'wechat';
  label: string;
  format: StickerFormat;
  /** Output must fit inside maxW x maxH. */
  maxW: number;
  maxH: number;
  /** When true the output touches the maxW x maxH box (Telegram wants one side of 512 px): the crop may be upscaled. */
  exactLongSide: boolean;
  /**
   * The file is exactly this size (Discord takes a 320 x 320 sticker and no other): the sticker is
   * centred on a transparent canvas of it, and a byte budget shrinks the sticker, not the canvas.
   */
  canvas?: { width: number; height: number };
  /**
   * At least one side this long (LINE: 270 px; Telegram: 512, its one side exactly 512): a byte
   * budget is met without shrinking below it (fewer frames, as a last resort, instead).
   */
  minSide?: number;
  maxDurationS: number;
  maxBytes: number;
  maxFps: number;
  /** Most frames allowed (LINE: 5..20), if limited. */
  maxFrames?: number;
  /** Fewest frames allowed (LINE: 5): a shorter sticker shows each frame more than once, its timing kept. */
  minFrames?: number;
  /** Loop count written (APNG plays, GIF repeat); 0 = forever. */
  loops: number;
  /** Longest total play, loops × length (LINE: 4 s): a longer sticker gets fewer loops (presetLoops). */
  maxPlayS?: number;
  /** The sticker plays a whole number of seconds (LINE: 1, 2, 3 or 4 s, no fraction; wholeSecondsOf). */
  wholeSeconds?: boolean;
}

/**
 * The whole seconds a preset with `wholeSeconds` plays a part `durationS` long in: the nearest, 1 at
 * least and the preset's longest at most; at most what the clip has left (`availableS`), where that
 * is a second or more. A part of less than a second plays in 1 s (its frames shown longer).
 */
export function wholeSecondsOf(preset: Pick<PlatformPreset, 'maxDurationS'>, durationS: number, availableS = Infinity): number {
  const longest = Math.max(1, Math.floor(preset.maxDurationS + 1e-6));
  const nearest = Math.min(longest, Math.max(1, Math.round(durationS)));
  return nearest > availableS + 0.05 ? Math.max(1, Math.floor(availableS + 0.05)) : nearest;
}

/** The loops to write for a sticker `durationS` long: the preset's, fewer where loops × length would pass its maxPlayS (at least 1); 0 = forever. */
export function presetLoops(preset: PlatformPreset | undefined, durationS: number): number {
  if (!preset || preset.loops === 0 || !preset.maxPlayS) return preset?.loops ?? 0;
  return Math.max(1, Math.min(preset.loops, Math.floor(preset.maxPlayS / durationS + 1e-6)));
}

/**
 * A KB of a platform's byte limit, taken as 1000 bytes: a file under N × 1000 bytes is under N KB
 * whether the platform counts 1000 or 1024 bytes to a KB (a Discord sticker of 517,118 bytes was
 * within 512 × 1024 and over 512,000).
 */
export const KB = 1000;

/**
 * Platform presets. LINE animated stickers (creator.line.me/en/guideline/animationsticker): APNG,
 * within 320x270 with one side at least 270, <= 4 s, <= 300 KB, 5..20 frames, 1..4 loops whose
 * total play is at most 4 s; a playback time of 1, 2, 3 or 4 s ("choose a playback time that
 * matches your number of frames"; creators' notes: no fraction of a second). Telegram video stickers: VP9 WebM, one side 512 px, <= 3 s, <= 256 KB, <= 30 fps,
 * no audio. Discord stickers: exactly 320x320 (other sizes are refused on upload), <= 512 KB (guides
 * say 500 KB too: 500 is kept to; APNG keeps true alpha). WeChat sticker-platform main images: a GIF of exactly 240x240, <= 500 KB
 * (the sticker centred on a transparent square, as Discord's).
 */
export const PLATFORM_PRESETS: Record<PlatformPreset['id'], PlatformPreset> = {
  line: { id: 'line', label: 'LINE animated sticker', format: 'apng', maxW: 320, maxH: 270, exactLongSide: true, minSide: 270, maxDurationS: 4, maxBytes: 300 * KB, maxFps: 20, minFrames: 5, maxFrames: 20, loops: 4, maxPlayS: 4, wholeSeconds: true },
  telegram: { id: 'telegram', label: 'Telegram video sticker', format: 'webm', maxW: 512, maxH: 512, exactLongSide: true, minSide: 512, maxDurationS: 3, maxBytes: 256 * KB, maxFps: 30, loops: 0 },
  discord: { id: 'discord', label: 'Discord sticker', format: 'apng', maxW: 320, maxH: 320, exactLongSide: true, canvas: { width: 320, height: 320 }, maxDurationS: 10, maxBytes: 500 * KB, maxFps: 30, loops: 0 },
  wechat: { id: 'wechat', label: 'WeChat GIF sticker', format: 'gif', maxW: 240, maxH: 240, exactLongSide: true, canvas: { width: 240, height: 240 }, maxDurationS: 10, maxBytes: 500 * KB, maxFps: 15, loops: 0 },
};

/** The platforms that take stickers of `format` (a WebM: Telegram's), or every one where none does (a WebP). */
function platformsOf(format?: StickerFormat): PlatformPreset[] {
  const all = Object.values(PLATFORM_PRESETS);
  const taking = all.filter((p) => p.format === format);
  return taking.length > 0 ? taking : all;
}

/**
 * The most bytes a chat app takes for a sticker of `format`: the largest budget of the platforms
 * that take that format (a WebM: Telegram's 256 KB; an APNG: Discord's 500), or of all where none
 * does (Discord's and WeChat's 500 KB). A sticker made without a platform and bigger is said to be
 * (StickerJobResult.chatLimitBytes), with how to make it lighter: a free GIF of a few seconds came
 * to 1 or 2 MB and nothing said so.
 */
export function chatLimitFor(format?: StickerFormat): number {
  return Math.max(...platformsOf(format).map((p) => p.maxBytes));
}

/**
 * The budgets of the platforms that take `format` (all where none does), largest first, as the
 * notes name them ("Discord, WeChat 500 KB; LINE 300 KB; Telegram 256 KB"): names and numbers, the
 * same in every language.
 */
export function chatStickerLimitsText(format?: StickerFormat): string {
  const byBudget = new Map<number, string[]>();
  for (const preset of platformsOf(format)) byBudget.set(preset.maxBytes, [...(byBudget.get(preset.maxBytes) ?? []), preset.label.split(' ')[0]]);
  return [...byBudget].sort(([a], [b]) => b - a).map(([bytes, names]) => `${names.join(', ')} ${Math.round(bytes / KB)} KB`).join('; ');
}

/**
 * A sticker's size as the size note says it: KB to one place, as the status line says it, rounded
 * up (500,001 bytes read "500 KB is more than … 500 KB").
 */
export function chatKbText(bytes: number): string {
  return (Math.ceil(bytes / (KB / 10)) / 10).toFixed(1);
}

/** StickerJobResult.chatLimitBytes of a sticker of `format`, `bytes` long, made with `preset` or none: set only without one (a platform's own budget is said by withinBudget). */
export function chatLimitOf(bytes: number, preset: string | undefined, format?: StickerFormat): number | undefined {
  const limit = chatLimitFor(format);
  return preset === undefined && bytes > limit ? limit : undefined;
}

/**
 * The frame rate a preset allows for a sticker `durationS` long when `fps` is asked: at most its
 * maxFps, and few enough frames for its maxFrames (LINE: 20 frames over 4 s is 5 fps). Given the
 * clip's drawing rate (a sticker made as drawn), a rate lowered below it keeps every 2nd (3rd, …)
 * drawing (8 drawings a second: 4 fps, not 6.67 or 5): the workspace's estimate, before the clip is
 * cut out, of what the engine's playedFrames does with the drawings it finds.
 */
export function presetFps(preset: PlatformPreset | undefined, fps: number, durationS: number, drawingFps?: number): number {
  if (!preset) return fps;
  const capped = Math.min(fps, preset.maxFps);
  const rate = preset.maxFrames && durationS > 0 ? Math.min(capped, preset.maxFrames / durationS) : capped;
  return drawingFps && rate < drawingFps - 1e-9 ? drawingFps / Math.ceil(drawingFps / rate - 1e-9) : rate;
}

/**
 * The rate the workspace's slider opens at for a clip, `wanted` being the rate remembered: that, or
 * the clip's own rate if lower, or its drawing rate if lower (a clip on threes, 8 drawings a second
 * at 24 fps, opens at 8), where the sticker is made as drawn (StickerJobOptions.asDrawn: each
 * drawing once, held as long as the clip holds it; at 12 fps its drawings showed 167 and 83 ms in
 * turn). The engine with no rate asked decides the same (make-sticker.ts, isMadeAsDrawn).
 */
export function clipStickerFps(wanted: number, clip?: { fps: number; drawing?: DrawingCadence | null }): number {
  return Math.min(wanted, clip?.drawing?.drawingFps ?? Infinity, clip?.fps || wanted);
}
