// Sticker output sizes and lookups (core). The platform presets themselves are shared data
// (shared/sticker-presets.ts), re-exported here for the engine.
import { PLATFORM_PRESETS, STICKER_FORMATS, stickerExtensions, type PlatformPreset, type StickerFormat } from '../../../shared/sticker-presets';
import { ownValue } from '../../../shared/own';

export { chatKbText, chatLimitOf, chatStickerLimitsText, clipStickerFps, KB, PLATFORM_PRESETS, STICKER_FORMATS, presetFps, presetLoops, stickerExtension, stickerTakesColours, wholeSecondsOf, type PlatformPreset, type StickerFormat } from '../../../shared/sticker-presets';

/** Named output sizes (long side in px) for when no platform preset is chosen. */
export const SIZE_PRESETS: Record<'small' | 'medium' | 'large', number> = { small: 160, medium: 320, large: 512 };

/** The preset with this id, or undefined. */
export function findPlatformPreset(id: string): PlatformPreset | undefined {
  return ownValue(PLATFORM_PRESETS as Record<string, PlatformPreset>, id.toLowerCase());
}

/** The format a file name asks for (.gif .webp .png/.apng .webm), or undefined. */
export function stickerFormatFromPath(path: string): StickerFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
  return ext === undefined ? undefined : STICKER_FORMATS.find((format) => stickerExtensions(format).includes(ext));
}
