// PNG chunks written by hand: the CRC-32 of the PNG / zlib polynomial and one chunk's bytes. Used
// where sharp and ffmpeg do not write what is needed (an ID photo's pHYs density, a palette APNG).
// Pure typed arrays. Core (no electron).

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (PNG / zlib polynomial). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, four-letter type, data, and the CRC of type + data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Replaces a PNG's pHYs (and drops text/EXIF/time chunks), writing `dpi` as pixels per metre. */
export function setPngDpi(png: Uint8Array, dpi: number): Uint8Array {
  const chunks: Uint8Array[] = [png.subarray(0, 8)];
  let i = 8;
  const ppm = Math.round(dpi / 0.0254);
  const data = new Uint8Array(9);
  const dv = new DataView(data.buffer);
  dv.setUint32(0, ppm);
  dv.setUint32(4, ppm);
  data[8] = 1; // the unit is the metre
  const phys = pngChunk('pHYs', data);
  while (i + 8 <= png.length) {
    const len = new DataView(png.buffer, png.byteOffset + i).getUint32(0);
    const type = String.fromCharCode(...png.subarray(i + 4, i + 8));
    const chunk = png.subarray(i, i + 12 + len);
    i += 12 + len;
    if (['pHYs', 'eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME'].includes(type)) continue;
    chunks.push(chunk);
    if (type === 'IHDR') chunks.push(phys);
  }
  return Buffer.concat(chunks);
}

/** Reads a PNG's pHYs as dpi, or null. */
export function readPngDpi(png: Uint8Array): number | null {
  let i = 8;
  while (i + 8 <= png.length) {
    const dv = new DataView(png.buffer, png.byteOffset + i);
    const len = dv.getUint32(0);
    const type = String.fromCharCode(...png.subarray(i + 4, i + 8));
    if (type === 'pHYs') {
      const ppm = dv.getUint32(8);
      return png[i + 16] === 1 ? Math.round(ppm * 0.0254) : null;
    }
    i += 12 + len;
  }
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The frame count an animated PNG (APNG) states in its acTL chunk, which comes before the first
 * IDAT; null for a still PNG or what is no PNG. `readAt(offset, length)` gives the file's bytes
 * there (fewer at its end). sharp reads an APNG as its first frame alone and ffmpeg takes a `.png`
 * for a still (png_pipe): a LINE sticker (an APNG named .png) was cut out as a still unsaid, and
 * refused as a still by `cutout sticker`.
 */
export async function apngFrameCount(readAt: (offset: number, length: number) => Promise<Uint8Array>): Promise<number | null> {
  const head = await readAt(0, 8);
  if (head.length < 8 || PNG_SIGNATURE.some((b, i) => head[i] !== b)) return null;
  // Chunk headers only (length and type), their data skipped, up to the picture's data.
  for (let at = 8, chunks = 0; chunks < 1000; chunks++) {
    const header = await readAt(at, 16);
    if (header.length < 8) return null;
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const length = view.getUint32(0);
    const type = String.fromCharCode(...header.subarray(4, 8));
    if (type === 'acTL') return header.length >= 12 ? view.getUint32(8) : null;
    if (type === 'IDAT' || type === 'IEND') return null;
    at += 12 + length;
  }
  return null;
}

/** apngFrameCount of bytes in memory. */
export function apngFrameCountOfBytes(bytes: Uint8Array): Promise<number | null> {
  return apngFrameCount(async (offset, length) => bytes.subarray(offset, offset + length));
}
