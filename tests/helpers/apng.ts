// A 2 × 2 PNG written by hand, still or animated (an APNG of two frames), for the tests of what
// reads an APNG's frame count (decode, a sticker batch's scan) without ffmpeg.
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../../src/main/core/image/png-chunk';

/** Still: IHDR, IDAT, IEND. Animated: IHDR, acTL (2 frames), fcTL, IDAT, fcTL, fdAT, IEND. */
export function tinyPng(isAnimated: boolean): Buffer {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 2);
  new DataView(ihdr.buffer).setUint32(4, 2);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const actl = new Uint8Array(8);
  new DataView(actl.buffer).setUint32(0, 2);
  const fctl = (seq: number) => {
    const d = new Uint8Array(26);
    const v = new DataView(d.buffer);
    v.setUint32(0, seq);
    v.setUint32(4, 2);
    v.setUint32(8, 2);
    v.setUint16(20, 1);
    v.setUint16(22, 10);
    return pngChunk('fcTL', d);
  };
  // Two rows, each its filter byte (0, none) and two grey opaque pixels.
  const raw = deflateSync(Buffer.from([0, 200, 200, 200, 255, 200, 200, 200, 255, 0, 200, 200, 200, 255, 200, 200, 200, 255]));
  const fdat = new Uint8Array(4 + raw.length);
  new DataView(fdat.buffer).setUint32(0, 3);
  fdat.set(raw, 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const end = pngChunk('IEND', new Uint8Array());
  if (!isAnimated) return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', raw), end]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('acTL', actl), fctl(0), pngChunk('IDAT', raw), fctl(1), pngChunk('fdAT', fdat), end]);
}
