// A JPEG's header segments: its JFIF density written (or read), every metadata segment dropped.
// Core (no electron): sharp writes no density unasked, and withMetadata's adds EXIF and a profile.
import { AppError } from '../../../shared/errors';

/** One JPEG marker segment before the scan. */
interface JpegSegment {
  marker: number;
  start: number;
  end: number;
}

/** Splits a JPEG into its pre-scan segments and the rest (from SOS on). */
function splitJpeg(jpeg: Uint8Array): { segments: JpegSegment[]; scanStart: number } {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new AppError('INTERNAL', 'Not a JPEG stream');
  const segments: JpegSegment[] = [];
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) throw new AppError('INTERNAL', `Malformed JPEG at byte ${i}`);
    const marker = jpeg[i + 1];
    if (marker === 0xda) return { segments, scanStart: i };
    const len = (jpeg[i + 2] << 8) | jpeg[i + 3];
    segments.push({ marker, start: i, end: i + 2 + len });
    i += 2 + len;
  }
  throw new AppError('INTERNAL', 'JPEG has no scan');
}

/** A JFIF APP0 segment with the density in dots per inch. */
export function jfifSegment(dpi: number): Uint8Array {
  const d = Math.max(1, Math.min(65535, Math.round(dpi)));
  return Uint8Array.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x01, d >> 8, d & 0xff, d >> 8, d & 0xff, 0x00, 0x00]);
}

/**
 * Rewrites a JPEG's header: SOI, JFIF APP0 with `dpi`, then `padding` (an ID photo's COM segments
 * up to its KB floor), then the tables and scan. Every APPn (EXIF, XMP, ICC, Photoshop) and COM
 * segment of the input is dropped.
 */
export function rewriteJpegHeader(jpeg: Uint8Array, dpi: number, padding?: Uint8Array): Uint8Array {
  const { segments, scanStart } = splitJpeg(jpeg);
  const kept = segments.filter((s) => !(s.marker >= 0xe0 && s.marker <= 0xef) && s.marker !== 0xfe);
  const parts: Uint8Array[] = [Uint8Array.from([0xff, 0xd8]), jfifSegment(dpi)];
  if (padding?.length) parts.push(padding);
  for (const s of kept) parts.push(jpeg.subarray(s.start, s.end));
  parts.push(jpeg.subarray(scanStart));
  return Buffer.concat(parts);
}

/** Reads the JFIF density (dpi) of a JPEG, or null. */
export function readJpegDpi(jpeg: Uint8Array): number | null {
  const { segments } = splitJpeg(jpeg);
  const app0 = segments.find((s) => s.marker === 0xe0 && String.fromCharCode(...jpeg.subarray(s.start + 4, s.start + 8)) === 'JFIF');
  if (!app0) return null;
  const units = jpeg[app0.start + 11];
  const x = (jpeg[app0.start + 12] << 8) | jpeg[app0.start + 13];
  if (units === 1) return x;
  if (units === 2) return Math.round(x * 2.54);
  return null;
}

/** Lists the APPn markers of a JPEG (e.g. to check that no EXIF APP1 is present). */
export function jpegAppMarkers(jpeg: Uint8Array): number[] {
  return splitJpeg(jpeg).segments.filter((s) => s.marker >= 0xe0 && s.marker <= 0xef).map((s) => s.marker);
}
