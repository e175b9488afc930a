// Encoding RGBA pixels to PNG / JPEG / WebP with sharp, DPI written and metadata stripped.
// Core (no electron); sharp is used only under core/image.
import { extname } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import type { RgbaImage } from './decode';
import { rewriteJpegHeader } from './jpeg-header';
import { setPngDpi } from './png-chunk';

/** Output image formats. */
export const IMAGE_FORMATS = ['png', 'jpeg', 'webp'] as const;
/** An output image format. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Options of encodeImage. */
export interface EncodeOptions {
  format: ImageFormat;
  /** JPEG/WebP quality 1..100 (default 92). */
  quality?: number;
  /** Dots per inch written to JFIF density / PNG pHYs (default DEFAULT_DPI); a WebP holds none (only EXIF could, and none is written). */
  dpi?: number;
  /** The picture is opaque (an ID photo on its fill, a cut-out on a colour): a PNG or WebP is written without an alpha channel. */
  opaque?: boolean;
  /** A JPEG's colour resolution; by default whole colour (4:4:4) from quality JPEG_FULL_CHROMA_QUALITY up, half (4:2:0) below it. */
  chromaSubsampling?: '4:2:0' | '4:4:4';
}

/** The JPEG quality from which a JPEG keeps its colour at full resolution (4:4:4) unless asked otherwise. */
export const JPEG_FULL_CHROMA_QUALITY = 90;

/**
 * A file name's extension as an error says it: quoted when it holds a space ('".png " (the name ends
 * in a space)': a name typed or pasted with a trailing space read "Cannot write .png  images").
 */
export function extensionText(path: string, ext = extname(path)): string {
  if (ext === '') return 'a file without an extension';
  if (!/\s/.test(ext)) return ext;
  return /\s$/.test(path) ? `"${ext}" (the name ends in a space)` : `"${ext}"`;
}

/** The format a file name asks for; INVALID_ARGUMENT for an extension we do not write. */
export function formatFromPath(path: string, fallback: ImageFormat = 'png'): ImageFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '') return fallback;
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.webp') return 'webp';
  throw new AppError('INVALID_ARGUMENT', `Cannot write ${extensionText(path)} images; use .png, .jpg or .webp`, { detail: { path } });
}

/** The JPEG / WebP quality when none is asked for. */
export const DEFAULT_QUALITY = 92;

/** Whether a JPEG / WebP quality is one the encoders take: a whole number 1..100. */
export function isQuality(quality: number): boolean {
  return Number.isInteger(quality) && quality >= 1 && quality <= 100;
}

/** The density a picture is written with where none is asked (an ID photo's is its spec's). */
export const DEFAULT_DPI = 72;

/** The longest side a WebP holds (its format's limit: 14 bits). */
export const WEBP_MAX_SIDE = 16383;

/** The longest side a JPEG holds (its format's limit: 16 bits). */
export const JPEG_MAX_SIDE = 65535;

/**
 * INVALID_ARGUMENT when a picture of this size cannot be written in `format`: a WebP is at most
 * 16383 px a side (a phone's panorama is wider), a JPEG 65535, where the encoder's refusal read as
 * an internal error after the work.
 */
export function checkEncodable(format: 'png' | 'jpeg' | 'webp', width: number, height: number): void {
  const side = Math.max(width, height);
  if (format === 'webp' && side > WEBP_MAX_SIDE) {
    throw new AppError('INVALID_ARGUMENT', `A WebP is at most ${WEBP_MAX_SIDE} px a side, and this picture is ${width}x${height}: save it as PNG${side <= JPEG_MAX_SIDE ? ' (or JPEG)' : ''}`, { detail: { width, height, format } });
  }
  if (format === 'jpeg' && side > JPEG_MAX_SIDE) {
    throw new AppError('INVALID_ARGUMENT', `A JPEG is at most ${JPEG_MAX_SIDE} px a side, and this picture is ${width}x${height}: save it as PNG`, { detail: { width, height, format } });
  }
}

/**
 * Encodes RGBA pixels. JPEG drops alpha (flatten first for a coloured background; a transparent
 * cut-out saved as JPEG is flattened on white). EXIF and other metadata are never copied.
 */
export async function encodeImage(image: RgbaImage, options: EncodeOptions): Promise<Buffer> {
  checkEncodable(options.format, image.width, image.height);
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  const quality = options.quality ?? DEFAULT_QUALITY;
  // Always a density, in the file's own header (sharp's withMetadata adds an EXIF block and a
  // profile): raw pixels carry sharp's 1 px/mm, which a PNG's pHYs said as 25.4 dpi (a 600 px
  // cut-out 60 cm wide in an office document; an editor that places layers by resolution scaled it
  // 2.8×), and a JPEG said none. A cut-out keeps its picture's (a 300-dpi scan's was written at 72:
  // placed beside it, 4.2× too big); unasked, 72 dpi.
  const dpi = options.dpi ?? DEFAULT_DPI;
  switch (options.format) {
    case 'png':
      return asBuffer(setPngDpi(await (options.opaque ? pipeline.removeAlpha() : pipeline).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer(), dpi));
    case 'jpeg':
      return asBuffer(rewriteJpegHeader(await pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, chromaSubsampling: options.chromaSubsampling ?? (quality >= JPEG_FULL_CHROMA_QUALITY ? '4:4:4' : '4:2:0'), mozjpeg: false }).toBuffer(), dpi));
    case 'webp':
      return (options.opaque ? pipeline.removeAlpha() : pipeline).webp({ quality, alphaQuality: 100 }).toBuffer();
  }
}

/**
 * Encodes one byte per pixel as an 8-bit greyscale PNG (label maps, trimaps, masks): values are
 * written unchanged, so class ids 0/1 stay 0/1.
 */
export async function encodeGrayPng(data: Uint8Array, width: number, height: number, dpi = DEFAULT_DPI): Promise<Buffer> {
  return asBuffer(setPngDpi(await sharp(data, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 6 }).toBuffer(), dpi));
}

/** The bytes as a Buffer over the same memory (Buffer.from would copy a large PNG once more). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
