// Exact ID-photo files: JPEG with a JFIF density segment, quality searched into the spec's KB
// band (raised to the floor with COM segments, never trailing bytes) and no EXIF; PNG with pHYs.
// Core (no electron); pixels are encoded by core/image/encode.
import type { RgbaImage } from '../image/decode';
import { encodeImage, JPEG_FULL_CHROMA_QUALITY } from '../image/encode';
import { rewriteJpegHeader } from '../image/jpeg-header';
import type { Band } from './spec';
import { isKbBandBothWays, MAX_JPEG_QUALITY } from '../../../shared/idphoto-report';

/** The JPEG quality an ID photo is written at when no KB band asks for another. */
const DEFAULT_JPEG_QUALITY = 95;

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
 * The byte range a KB band allows: met when KB means 1000 bytes and when it means 1024; where no
 * size is both (a band under 2.4 % wide: 49–50 KB), the band in KB of 1024 bytes (isKbBandBothWays).
 */
export function byteBand(kb: Band): [number, number] {
  return isKbBandBothWays(kb) ? [Math.ceil(kb[0] * 1024), Math.floor(kb[1] * 1000)] : [Math.ceil(kb[0] * 1024), Math.floor(kb[1] * 1024)];
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
 * JPEG quality is binary-searched (highest quality that fits under the ceiling; half colour above 89
 * where whole colour is over it) and a photo under the floor is padded with COM segments.
 */
export async function encodeIdPhoto(image: RgbaImage, options: { format: 'jpeg' | 'png'; dpi: number; fileSizeKb?: Band; quality?: number }): Promise<EncodedIdPhoto> {
  if (options.format === 'png') {
    // RGB: an ID photo is opaque, and upload forms may refuse a PNG with an alpha channel.
    const png = new Uint8Array(await encodeImage(image, { format: 'png', opaque: true, dpi: options.dpi }));
    const band = options.fileSizeKb && byteBand(options.fileSizeKb);
    const inBand = band ? png.length >= band[0] && png.length <= band[1] : true;
    return { bytes: png, format: 'png', quality: null, paddingBytes: 0, isSizeInBand: inBand };
  }
  /** A JPEG at quality q; its colour resolution encodeImage's for q unless `chroma` asks. */
  const encodeAt = async (q: number, chroma?: '4:2:0'): Promise<Uint8Array> => new Uint8Array(await encodeImage(image, { format: 'jpeg', quality: q, dpi: options.dpi, ...(chroma ? { chromaSubsampling: chroma } : {}) }));
  if (!options.fileSizeKb) {
    const q = options.quality ?? DEFAULT_JPEG_QUALITY;
    return { bytes: await encodeAt(q), format: 'jpeg', quality: q, paddingBytes: 0, isSizeInBand: true };
  }
  const [lo, hi] = byteBand(options.fileSizeKb);
  type Found = { q: number; bytes: Uint8Array };
  /** The highest quality from `from` to `to` whose file fits under the ceiling (binary search: size grows with quality), or null. */
  const highestUnderCeiling = async (from: number, to: number, chroma?: '4:2:0'): Promise<Found | null> => {
    let found: Found | null = null;
    for (let a = from, b = to; a <= b; ) {
      const mid = (a + b) >> 1;
      const bytes = await encodeAt(mid, chroma);
      if (bytes.length <= hi) {
        found = { q: mid, bytes };
        a = mid + 1;
      } else b = mid - 1;
    }
    return found;
  };
  const maxQ = options.quality ?? DEFAULT_JPEG_QUALITY;
  const top = await encodeAt(maxQ);
  let best = top.length <= hi ? { q: maxQ, bytes: top } : await highestUnderCeiling(5, maxQ - 1);
  if (!best) {
    const bytes = await encodeAt(5);
    return { bytes, format: 'jpeg', quality: 5, paddingBytes: 0, isSizeInBand: false };
  }
  const unpadded = (found: Found): EncodedIdPhoto => ({ bytes: found.bytes, format: 'jpeg', quality: found.q, paddingBytes: 0, isSizeInBand: true });
  if (best.bytes.length >= lo) return unpadded(best);
  // Below the floor: the highest quality up to the top that still fits under the ceiling, before any
  // padding (trying 100 alone padded a quality-95 file where 97 fitted the band as it was). Only
  // when the default quality itself fitted: one found below it was the highest under the ceiling already.
  if (best.q === maxQ && options.quality === undefined) {
    best = (await highestUnderCeiling(best.q + 1, MAX_JPEG_QUALITY)) ?? best;
    if (best.bytes.length >= lo) return unpadded(best);
  }
  // Under the floor at the last quality with half colour, whole colour (from 90) over the ceiling:
  // higher qualities at half colour may fit the band unpadded (hv_test2 as US 2x2 in 45-50 KB was
  // 41.9 KB at 89, padded by 3.6 KB; it is 48.1 KB unpadded at half colour).
  if (best.q === JPEG_FULL_CHROMA_QUALITY - 1 && options.quality === undefined) {
    best = (await highestUnderCeiling(JPEG_FULL_CHROMA_QUALITY, MAX_JPEG_QUALITY, '4:2:0')) ?? best;
    if (best.bytes.length >= lo) return unpadded(best);
  }
  // Below the floor even at the best quality under the ceiling: pad with comments to a little above the floor.
  const target = Math.min(hi, lo + Math.min(512, Math.floor((hi - lo) / 4)));
  const pad = Math.max(4, target - best.bytes.length);
  const padded = rewriteJpegHeader(best.bytes, options.dpi, commentSegments(pad));
  return { bytes: padded, format: 'jpeg', quality: best.q, paddingBytes: pad, isSizeInBand: padded.length >= lo && padded.length <= hi };
}
