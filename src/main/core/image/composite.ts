// Compositing a cut-out: alpha + foreground colours over a solid colour, or kept transparent.
// Pure typed-array code (core).
import { parseHex } from '../../../shared/color';
import { AppError } from '../../../shared/errors';
import type { Background } from '../../../shared/jobs';
import type { RgbaImage } from './decode';

/** Parses '#RGB' or '#RRGGBB' to [r, g, b]; INVALID_ARGUMENT otherwise. */
export function parseHexColor(hex: string): [number, number, number] {
  const rgb = parseHex(hex);
  if (!rgb) throw new AppError('INVALID_ARGUMENT', `"${hex}" is not a colour: use #RRGGBB`, { detail: { value: hex } });
  return rgb;
}

/** Named background presets (ID-photo colours) accepted wherever a colour is. */
export const BACKGROUND_PRESETS: Record<string, string> = {
  white: '#FFFFFF',
  blue: '#438EDB',
  'id-blue': '#438EDB',
  red: '#D9342B',
  grey: '#F0F0F0',
  gray: '#F0F0F0',
  'light-grey': '#F0F0F0',
  black: '#000000',
};

/** Parses a CLI/UI background: 'transparent', a preset name, or '#RRGGBB'. */
export function parseBackground(value: string): Background {
  const v = value.trim().toLowerCase();
  if (v === 'transparent' || v === 'none') return { kind: 'transparent' };
  const preset = BACKGROUND_PRESETS[v];
  const hex = preset ?? value.trim();
  parseHexColor(hex);
  return { kind: 'color', hex: hex.startsWith('#') ? hex.toUpperCase() : `#${hex.toUpperCase()}` };
}

/**
 * Composites `foreground` (RGBA; its RGB are the colours used, ideally estimated foreground
 * colours) with `alpha` (0..1 per pixel) over the background. Transparent: RGB = foreground,
 * A = alpha. Colour: RGB = F·a + B·(1−a), A = 255.
 */
export function compositeOver(foreground: RgbaImage, alpha: Float32Array, background: Background): RgbaImage {
  const { width, height } = foreground;
  const n = width * height;
  const out = new Uint8Array(n * 4);
  const f = foreground.data;
  if (background.kind === 'transparent') {
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      out[j] = f[j];
      out[j + 1] = f[j + 1];
      out[j + 2] = f[j + 2];
      out[j + 3] = Math.round(alpha[i] * 255);
    }
  } else {
    const [br, bg, bb] = parseHexColor(background.hex);
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      const a = alpha[i];
      const ia = 1 - a;
      out[j] = Math.round(f[j] * a + br * ia);
      out[j + 1] = Math.round(f[j + 1] * a + bg * ia);
      out[j + 2] = Math.round(f[j + 2] * a + bb * ia);
      out[j + 3] = 255;
    }
  }
  return { data: out, width, height };
}
