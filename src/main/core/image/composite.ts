// Compositing a cut-out: alpha + foreground colours over a solid colour or a picture, or kept
// transparent. Pure typed-array code: it runs in the batch's refine workers. A picture is decoded
// and fitted to the cut-out first (background.ts). Core.
import { extname, resolve } from 'node:path';
import { parseHex } from '../../../shared/color';
import { AppError } from '../../../shared/errors';
import type { Background } from '../../../shared/jobs';
import { IMAGE_EXTENSIONS } from '../../../shared/media';
import type { RgbaImage } from './decode';
import { ownValue } from '../../../shared/own';

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

/** Parses a CLI/UI background: 'transparent', a preset name, '#RRGGBB', or the path of a picture. */
export function parseBackground(value: string): Background {
  const v = value.trim().toLowerCase();
  if (v === 'transparent' || v === 'none') return { kind: 'transparent' };
  const ext = extname(v).slice(1);
  if (ext && (IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return { kind: 'image', path: resolve(value.trim()) };
  const preset = ownValue(BACKGROUND_PRESETS, v);
  const hex = preset ?? value.trim();
  if (!parseHex(hex)) {
    throw new AppError('INVALID_ARGUMENT', `"${value}" is not a background: use transparent, a colour (white, blue, red, #RRGGBB) or a picture (.jpg, .png, .webp ...)`, { detail: { value } });
  }
  return { kind: 'color', hex: hex.startsWith('#') ? hex.toUpperCase() : `#${hex.toUpperCase()}` };
}

/** A picture background fitted to one cut-out: RGB, 3 bytes a pixel, the cut-out's size. */
export interface FittedBackground {
  kind: 'pixels';
  data: Uint8Array;
  width: number;
  height: number;
}

/** What compositeOver takes: a background, with a picture already fitted (fitBackground). */
export type CompositeBackground = Exclude<Background, { kind: 'image' }> | FittedBackground;

/**
 * Composites `foreground` (RGBA; its RGB are the colours used, ideally estimated foreground
 * colours) with `alpha` (0..1 per pixel) over the background. Transparent: RGB = foreground,
 * A = alpha, and 0, 0, 0, 0 where A rounds to 0. Colour or fitted picture: RGB = F·a + B·(1−a), A = 255.
 */
export function compositeOver(foreground: RgbaImage, alpha: Float32Array, background: CompositeBackground): RgbaImage {
  const { width, height } = foreground;
  const n = width * height;
  const out = new Uint8Array(n * 4);
  const f = foreground.data;
  if (background.kind === 'transparent') {
    // A pixel written fully transparent keeps no colour: under alpha 0 the estimated foreground
    // is the photo's own colour, so the backdrop and what a Remove stroke hid came back in any
    // viewer that drops or edits the alpha (a resized export lost them to its premultiplied
    // resample; one at the picture's own size kept all of them).
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      const a = Math.round(alpha[i] * 255);
      if (a === 0) continue;
      out[j] = f[j];
      out[j + 1] = f[j + 1];
      out[j + 2] = f[j + 2];
      out[j + 3] = a;
    }
  } else {
    // One blend for both: a fitted picture steps 3 bytes a pixel, a colour (3 bytes) steps 0.
    if (background.kind === 'pixels' && (background.width !== width || background.height !== height)) {
      throw new AppError('INTERNAL', `The background is ${background.width}x${background.height}, the cut-out ${width}x${height}`);
    }
    const b = background.kind === 'pixels' ? background.data : Uint8Array.from(parseHexColor(background.hex));
    const step = background.kind === 'pixels' ? 3 : 0;
    for (let i = 0, j = 0, k = 0; i < n; i++, j += 4, k += step) {
      const a = alpha[i];
      const ia = 1 - a;
      out[j] = Math.round(f[j] * a + b[k] * ia);
      out[j + 1] = Math.round(f[j + 1] * a + b[k + 1] * ia);
      out[j + 2] = Math.round(f[j + 2] * a + b[k + 2] * ia);
      out[j + 3] = 255;
    }
  }
  return { data: out, width, height };
}
