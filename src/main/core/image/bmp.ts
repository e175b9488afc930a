// BMP pictures (Windows Paint's, old scanners' and screenshot tools'): sharp's libvips has no BMP
// loader, so the size comes from the header here and the pixels from ffmpeg's BMP decoder (1 to 32
// bits, palettes, RLE, bit fields). Core (no electron).
import { AppError } from '../../../shared/errors';
import { ffmpegToDecode, lastLines, runTool } from '../video/ffmpeg';

/** A BMP's pixel size from its header; null when the bytes are not a BMP. */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = view.getUint32(14, true);
  // The old OS/2 header has 16-bit sizes; the Windows ones (40 bytes and up) 32-bit, a negative height for rows stored top down.
  if (header === 12) return { width: view.getUint16(18, true), height: view.getUint16(20, true) };
  if (header < 40) return null;
  return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
}

/**
 * Decodes a BMP with ffmpeg to 8-bit RGB, or RGBA when it has an alpha channel that is used (a
 * 32-bit BMP whose alpha is all 255, or all 0 as many writers leave it, is opaque). Its size goes
 * to `checkSize` first. Errors: INPUT_UNSUPPORTED (damaged), FFMPEG_MISSING.
 */
export async function decodeBmp(
  bytes: Uint8Array,
  name: string,
  how: { checkSize(size: { width: number; height: number }): void; signal?: AbortSignal },
): Promise<{ data: Uint8Array; width: number; height: number; channels: 3 | 4 }> {
  const size = bmpSize(bytes);
  if (!size || !size.width || !size.height) throw new AppError('INPUT_UNSUPPORTED', `${name} could not be decoded: its BMP header is damaged`, { detail: { path: name, damaged: true } });
  // Its size against the caller's limit (IMAGE_TOO_LARGE) before any decoding.
  how.checkSize(size);
  const ffmpeg = ffmpegToDecode(name, 'BMP');
  const { width, height } = size;
  const out = await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'bmp_pipe', '-i', 'pipe:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], {
    stdin: bytes,
    captureStdout: 'bytes',
    maxStdoutBytes: width * height * 4,
    signal: how.signal,
  });
  const rgba = out.stdoutBytes;
  if (out.overflow || out.code !== 0 || rgba.length !== width * height * 4) {
    const last = lastLines(out.stderr, 2);
    throw new AppError('INPUT_UNSUPPORTED', `${name} could not be decoded: it is corrupt or truncated (${last || `${rgba.length} bytes of pixels for ${width}x${height}`})`, { detail: { path: name, damaged: true } });
  }
  let min = 255;
  let max = 0;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] < min) min = rgba[i];
    if (rgba[i] > max) max = rgba[i];
  }
  if (max > 0 && min < 255) return { data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height, channels: 4 };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return { data: rgb, width, height, channels: 3 };
}
