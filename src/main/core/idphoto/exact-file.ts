// Exact ID-photo files: JPEG with a JFIF density segment, quality searched into the spec's KB
// band (raised to the floor with COM segments, never trailing bytes) and no EXIF; PNG with pHYs.
// Core (no electron); pixels are encoded by core/image/encode.
import { AppError } from '../../../shared/errors';
import type { RgbaImage } from '../image/decode';
import { encodeImage } from '../image/encode';
import { setPngDpi } from '../image/png-chunk';
import type { Band } from './spec';

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

/** COM segments carrying `totalBytes` bytes in all (each segment 4 + payload bytes; min 4). */
export function commentSegments(totalBytes: number): Uint8Array {
  const out = new Uint8Array(totalBytes);
  const text = new TextEncoder().encode('Cutout Studio ID photo padding to the file-size floor of the spec. ');
  let o = 0;
  while (totalBytes - o >= 4) {
    let payload = Math.min(65533, totalBytes - o - 4);
    // Leave either 0 or at least 4 bytes for the next segment.
    const rest = totalBytes - o - 4 - payload;
    if (rest > 0 && rest < 4) payload -= 4 - rest;
    out[o] = 0xff;
    out[o + 1] = 0xfe;
    out[o + 2] = (payload + 2) >> 8;
    out[o + 3] = (payload + 2) & 0xff;
    for (let j = 0; j < payload; j++) out[o + 4 + j] = text[j % text.length];
    o += 4 + payload;
  }
  return out.subarray(0, o);
}

/**
 * Rewrites a JPEG's header: SOI, JFIF APP0 with `dpi`, optional padding COM segments, then the
 * tables and scan. Every APPn (EXIF, XMP, ICC, Photoshop) and COM segment of the input is dropped.
 */
export function rewriteJpegHeader(jpeg: Uint8Array, dpi: number, padBytes = 0): Uint8Array {
  const { segments, scanStart } = splitJpeg(jpeg);
  const kept = segments.filter((s) => !(s.marker >= 0xe0 && s.marker <= 0xef) && s.marker !== 0xfe);
  const parts: Uint8Array[] = [Uint8Array.from([0xff, 0xd8]), jfifSegment(dpi)];
  if (padBytes > 0) parts.push(commentSegments(padBytes));
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

/**
 * The byte range a KB band allows: met when KB means 1000 bytes and when it means 1024; where no
 * size is both (a band under 2.4 % wide: 49–50 KB), the band in KB of 1024 bytes (isKbBandBothWays).
 */
export function byteBand(kb: Band): [number, number] {
  return isKbBandBothWays(kb) ? [Math.ceil(kb[0] * 1024), Math.floor(kb[1] * 1000)] : [Math.ceil(kb[0] * 1024), Math.floor(kb[1] * 1024)];
}

/** Whether some file size is inside the band whether a form counts a KB as 1000 bytes or as 1024. */
export function isKbBandBothWays(kb: Band): boolean {
  return Math.ceil(kb[0] * 1024) <= Math.floor(kb[1] * 1000);
}

/** A written ID-photo file in memory. */
export interface EncodedIdPhoto {
  bytes: Uint8Array;
  format: 'jpeg' | 'png';
  /** JPEG quality used (null for PNG). */
  quality: number | null;
  /** COM padding bytes added to reach the floor. */
  paddingBytes: number;
  /** Whether the size band (if any) was met. */
  isSizeInBand: boolean;
}

/**
 * Encodes an ID photo exactly: its own pixel size, DPI in the header, no EXIF. With a KB band the
 * JPEG quality is binary-searched (highest quality that fits under the ceiling) and a photo under
 * the floor is padded with COM segments.
 */
export async function encodeIdPhoto(image: RgbaImage, options: { format: 'jpeg' | 'png'; dpi: number; fileSizeKb?: Band; quality?: number }): Promise<EncodedIdPhoto> {
  if (options.format === 'png') {
    // RGB: an ID photo is opaque, and upload forms may refuse a PNG with an alpha channel.
    const png = setPngDpi(new Uint8Array(await encodeImage(image, { format: 'png', opaque: true })), options.dpi);
    const band = options.fileSizeKb && byteBand(options.fileSizeKb);
    const inBand = band ? png.length >= band[0] && png.length <= band[1] : true;
    return { bytes: png, format: 'png', quality: null, paddingBytes: 0, isSizeInBand: inBand };
  }
  const encodeAt = async (q: number): Promise<Uint8Array> => rewriteJpegHeader(new Uint8Array(await encodeImage(image, { format: 'jpeg', quality: q })), options.dpi);
  if (!options.fileSizeKb) {
    const q = options.quality ?? 95;
    return { bytes: await encodeAt(q), format: 'jpeg', quality: q, paddingBytes: 0, isSizeInBand: true };
  }
  const [lo, hi] = byteBand(options.fileSizeKb);
  /** The highest quality from `from` to `to` whose file fits under the ceiling (binary search: size grows with quality), or null. */
  const highestUnderCeiling = async (from: number, to: number): Promise<{ q: number; bytes: Uint8Array } | null> => {
    let found: { q: number; bytes: Uint8Array } | null = null;
    for (let a = from, b = to; a <= b; ) {
      const mid = (a + b) >> 1;
      const bytes = await encodeAt(mid);
      if (bytes.length <= hi) {
        found = { q: mid, bytes };
        a = mid + 1;
      } else b = mid - 1;
    }
    return found;
  };
  const maxQ = options.quality ?? 95;
  const top = await encodeAt(maxQ);
  let best = top.length <= hi ? { q: maxQ, bytes: top } : await highestUnderCeiling(5, maxQ - 1);
  if (!best) {
    const bytes = await encodeAt(5);
    return { bytes, format: 'jpeg', quality: 5, paddingBytes: 0, isSizeInBand: false };
  }
  if (best.bytes.length >= lo) return { bytes: best.bytes, format: 'jpeg', quality: best.q, paddingBytes: 0, isSizeInBand: true };
  // Below the floor: the highest quality up to 100 that still fits under the ceiling, before any
  // padding (trying 100 alone padded a quality-95 file where 97 fitted the band as it was). Only
  // when quality 95 itself fitted: a quality found below it was the highest under the ceiling already.
  if (best.q === maxQ && options.quality === undefined) {
    best = (await highestUnderCeiling(best.q + 1, 100)) ?? best;
    if (best.bytes.length >= lo) return { bytes: best.bytes, format: 'jpeg', quality: best.q, paddingBytes: 0, isSizeInBand: true };
  }
  // Below the floor even at the best quality under the ceiling: pad with comments to a little above the floor.
  const target = Math.min(hi, lo + Math.min(512, Math.floor((hi - lo) / 4)));
  const pad = Math.max(4, target - best.bytes.length);
  const padded = rewriteJpegHeader(best.bytes, options.dpi, pad);
  return { bytes: padded, format: 'jpeg', quality: best.q, paddingBytes: pad, isSizeInBand: padded.length >= lo && padded.length <= hi };
}
