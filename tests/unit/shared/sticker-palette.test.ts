import { describe, expect, it } from 'vitest';
import { chatLimitFor, chatLimitOf, chatStickerLimitsText, KB, STICKER_FORMATS, stickerPaletteOffer, type StickerFormat, type StickerPresetChoice } from '../../../src/shared/sticker-presets';

const offer = (format: StickerFormat, preset: StickerPresetChoice, colors: number, dither: boolean) => stickerPaletteOffer({ format, preset, colors, dither });

describe('stickerPaletteOffer: the workspaces palette controls', () => {
  it('a GIF takes a count and a dither; the defaults give no options (a batch hash unchanged)', () => {
    expect(offer('gif', 'none', 0, false)).toEqual({ takesColours: true, usesPalette: true, options: {} });
    expect(offer('gif', 'none', 64, true)).toEqual({ takesColours: true, usesPalette: true, options: { dither: 'ordered', maxColors: 64 } });
    expect(offer('gif', 'wechat', 0, true).options).toEqual({ dither: 'ordered' });
  });

  it('an APNG has a palette only when given a count or a preset that may reduce it to one', () => {
    // All colours and no preset: true colour, so the dither box is sent nowhere.
    expect(offer('apng', 'none', 0, true)).toEqual({ takesColours: true, usesPalette: false, options: {} });
    expect(offer('apng', 'none', 32, true)).toEqual({ takesColours: true, usesPalette: true, options: { dither: 'ordered', maxColors: 32 } });
    expect(offer('apng', 'line', 0, true)).toEqual({ takesColours: true, usesPalette: true, options: { dither: 'ordered' } });
  });

  it('WebP and WebM keep every colour: neither a count nor a dither is sent, whatever is chosen', () => {
    for (const format of ['webp', 'webm'] as const) {
      for (const preset of ['none', 'telegram'] as const) {
        expect(offer(format, preset, 16, true)).toEqual({ takesColours: false, usesPalette: false, options: {} });
      }
    }
  });

  it('sends the dither only where the palette is, and the count only where it is taken, for every format', () => {
    for (const format of STICKER_FORMATS) {
      for (const colors of [0, 16, 128]) {
        const { takesColours, usesPalette, options } = offer(format, 'none', colors, true);
        expect(options.dither !== undefined).toBe(usesPalette);
        expect(options.maxColors).toBe(takesColours && colors > 0 ? colors : undefined);
        // Off, the dither is never sent.
        expect(offer(format, 'none', colors, false).options.dither).toBeUndefined();
      }
    }
  });
});

describe('chatLimitOf: a sticker bigger than chat apps take', () => {
  it('is said only of one made without a platform, over the largest platform budget (500 KB)', () => {
    expect(chatLimitFor()).toBe(500 * KB);
    expect(chatLimitOf(500 * KB, undefined)).toBeUndefined();
    expect(chatLimitOf(500 * KB + 1, undefined)).toBe(500 * KB);
    // A platform's sticker has its own budget, said by withinBudget.
    expect(chatLimitOf(2_000_000, 'wechat')).toBeUndefined();
    expect(chatStickerLimitsText()).toBe('Discord, WeChat 500 KB; LINE 300 KB; Telegram 256 KB');
  });

  it('by the platforms that take its format: a WebM is Telegram\'s (256 KB), an APNG Discord\'s or LINE\'s, a WebP (none) any', () => {
    expect(chatLimitOf(400_000, undefined, 'webm')).toBe(256 * KB);
    expect(chatStickerLimitsText('webm')).toBe('Telegram 256 KB');
    expect(chatStickerLimitsText('apng')).toBe('Discord 500 KB; LINE 300 KB');
    expect(chatStickerLimitsText('gif')).toBe('WeChat 500 KB');
    expect(chatLimitOf(400_000, undefined, 'apng')).toBeUndefined();
    expect(chatStickerLimitsText('webp')).toBe(chatStickerLimitsText());
    expect(chatLimitOf(600_000, undefined, 'webp')).toBe(500 * KB);
  });
});
