// Image decoding with sharp: EXIF orientation applied, any colour model normalised to 8-bit
// sRGB RGBA, a pixel-count guard; HEIC and BMP, which sharp does not read, decoded with ffmpeg
// (heif.ts, bmp.ts) and then through sharp. Core (no electron); sharp is used only under core/image.
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { AppError, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SOURCE_PIXELS } from '../../../shared/errors';
import { bmpSize, decodeBmp } from './bmp';
import { decodeHeic, isHeicFile } from './heif';
import { rawTiff } from './tiff';
import { DEFAULT_DPI } from './encode';
import { hasExtension, IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../../../shared/media';
import { assertReadable, holdsText, readHead, withFileReader } from '../io/read-head';
import { apngFrameCount, apngFrameCountOfBytes } from './png-chunk';
import { probeVideo } from '../video/probe';

/** An 8-bit sRGB image with 4 interleaved channels (RGBA), row-major, no padding. */
export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
  /**
   * Its colour was kept at a lower resolution than its brightness (a JPEG at 4:2:0, HEIF / AVIF, a
   * video frame at its own size), so a background's hue bleeds a pixel or two into the subject's
   * edge: the foreground colours take it out (estimateForeground).
   */
  isColourSubsampled?: boolean;
}

/** A decoded input and what it was. */
export interface DecodedImage extends RgbaImage {
  /** Whether the source had an alpha channel (its alpha is kept in `data`). */
  hasAlpha: boolean;
  /** Frames of an animated picture (a GIF, WebP or APNG of more than one; only the first is decoded), absent for a still. */
  pages?: number;
  /** sharp's name of the container format (jpeg, png, webp, ...). */
  format: string;
  /** The file's own size (orientation applied) when it was bigger than the budget and was downscaled to fit it (DecodeOptions.downscale). */
  downscaledFrom?: { width: number; height: number };
  /**
   * Dots per inch of the picture as decoded: the file's density (JFIF / EXIF / pHYs), lowered as it
   * was downscaled, so it keeps its size in print and beside it in a layout; absent where the file
   * says none, says 72 (what sharp reads for a JPEG that says none, or an aspect ratio only: it is
   * the density written unasked anyway) or one no scanner or camera writes. A cut-out is written
   * with it (dpiOfSize).
   */
  dpi?: number;
}

/**
 * A density a file really says: 30 to drum scans' 10,000 dpi, but not 72, which sharp reads for a
 * JPEG with no density or an aspect ratio only (hv_test1.jpg's JFIF), and which, lowered with a
 * downscale, wrote 36 dpi where nothing was said.
 */
const isRealDpi = (dpi: number | undefined): dpi is number => dpi !== undefined && Number.isFinite(dpi) && dpi >= 30 && dpi <= 10_000 && dpi !== DEFAULT_DPI;

/** The density to write a picture decoded as `image` with at `width` pixels wide (fitted or resized), keeping its size in inches. */
export function dpiOfSize(image: Pick<DecodedImage, 'width' | 'dpi'>, width: number): number | undefined {
  return image.dpi === undefined ? undefined : (image.dpi * width) / image.width;
}

/**
 * Whether this sharp decodes HEVC-coded HEIF (HEIC) itself: its prebuilt libvips reads AVIF alone,
 * a system libvips with libde265 reads both. Otherwise decodeHeic does, with ffmpeg.
 */
const SHARP_DECODES_HEIC = (sharp.format.heif?.input as { fileSuffix?: string[] } | undefined)?.fileSuffix?.includes('.heic') ?? false;

/** Formats whose colour is nearly always kept at half resolution (4:2:0): phones' HEIF and AVIF. */
const HALF_COLOUR_FORMATS = new Set(['heif', 'avif']);

/** Whether a picture's colour is stored at a lower resolution than its brightness; a JPEG says which. */
function isColourSubsampledIn(meta: Metadata): boolean {
  if (meta.format === 'jpeg') return meta.chromaSubsampling !== undefined && !meta.chromaSubsampling.startsWith('4:4:4');
  return HALF_COLOUR_FORMATS.has(meta.format ?? '');
}

/** Formats decoded as still images. */
const STILL_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif', 'jp2', 'jxl']);

/** Options of decodeImage. */
export interface DecodeOptions {
  /** The pixel budget of the decoded image (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
  /**
   * A picture over the budget is downscaled to fit it as it decodes (the aspect kept, the result's
   * `downscaledFrom` set) rather than refused, up to DEFAULT_MAX_SOURCE_PIXELS (or the budget, if
   * larger). For the pipelines that make a picture; not for evaluation, whose ground truth has the
   * file's own size.
   */
  downscale?: boolean;
  /** Name used in messages when the input is a buffer. */
  name?: string;
}

/**
 * Decodes a file or buffer to 8-bit sRGB RGBA with EXIF orientation applied. CMYK, 16-bit,
 * greyscale, palette and alpha inputs are all normalised; a picture over the budget is downscaled
 * where options.downscale says so. Errors: INPUT_NOT_FOUND, INPUT_UNSUPPORTED (empty, unknown,
 * corrupt or truncated; names the file), IMAGE_TOO_LARGE.
 */
export async function decodeImage(input: string | Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const name = typeof input === 'string' ? input : (options.name ?? 'image');
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof input === 'string') {
    let info;
    try {
      info = await stat(input);
    } catch (cause) {
      throw new AppError('INPUT_NOT_FOUND', `File not found: ${input}`, { cause, detail: { path: input } });
    }
    // A folder, as the probe of a clip says it: with where a whole folder is done.
    if (!info.isFile()) throw new AppError('INPUT_UNSUPPORTED', `Not a file: ${input}${info.isDirectory() ? ' is a folder (`cutout batch` does every picture in a folder, as does the Batch workspace)' : ''}`, { detail: { path: input } });
    if (info.size === 0) throw new AppError('INPUT_UNSUPPORTED', `${input} is empty (0 bytes)`, { detail: { path: input, empty: true } });
    await assertReadable(input);
  } else if (input.byteLength === 0) {
    throw new AppError('INPUT_UNSUPPORTED', `${name} is empty (0 bytes)`, { detail: { path: name, empty: true } });
  }

  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (cause) {
    // libvips repeats a warning once per attempt ("VipsJpeg: premature end of JPEG image" five
    // times): the message keeps each line once, on one line.
    // ("Input file has corrupt header: " ends with nothing after its colon.)
    const why = oneLine((cause as Error).message).replace(/:\s*$/, '');
    // Kinds libvips has no loader for, or whose container it refused, known by their first bytes and
    // decoded here: a BMP (by ffmpeg), a HEIC (its container read here, a damaged one said so).
    const head = typeof input === 'string' ? await readHead(input, 256) : input;
    if (bmpSize(head)) return decodeWithFfmpeg(input, name, options, 'bmp');
    if (isHeicFile(head)) return decodeWithFfmpeg(input, name, options, 'heif');
    // A JPEG cut short inside its header is a damaged picture, not an unknown kind of file; so is a
    // file that begins as a picture format libvips reads and that it cannot read (a TIFF cut short
    // before its directory at the end, a PNG whose header checksum fails).
    if (isDamagedPicture(why, head)) {
      throw new AppError('INPUT_UNSUPPORTED', corruptText(name, why), { cause, detail: { path: name, damaged: true } });
    }
    // A video given where a picture goes: said, with where videos go (by its name, or by its first
    // bytes: an MP4 renamed .jpg read "not an image").
    const isMedia = (hasExtension(name, VIDEO_EXTENSIONS) && !hasExtension(name, IMAGE_EXTENSIONS)) || isVideoContainer(head);
    // An MP4 of sound alone (a voice memo, a song saved as .mp4) is no video either: it was sent to
    // Stickers, which then said it has no video stream. Asked of the probe on this error path only.
    // (At most a few seconds: a clip whose header states no length is scanned to its end.)
    const isSound = isMedia && typeof input === 'string' && (await probeVideo(input, { signal: AbortSignal.timeout(SOUND_PROBE_MS) }).then(() => false, (e: AppError) => e?.code === 'NO_VIDEO_STREAM'));
    const isVideo = isMedia && !isSound;
    // Content sharp reads as no picture format at all (a text file named .jpg), said so in words (not
    // libvips' "Input file contains unsupported image format"): the same file fails so again.
    const isUnknown = isSound || (!isVideo && /unsupported image format/i.test(why));
    const message = isVideo
      ? `${name} is a video, not a picture: make a sticker of it (\`cutout sticker\`, the Stickers workspace, or \`cutout batch --mode sticker\`)`
      : isSound
        ? `${name} is a sound recording (no picture or video in it), not a picture`
        : isUnknown && holdsText(head)
        ? `${name} is not a picture: it holds text`
        : isUnknown
        ? `${name} is not an image this app can read: its content is in no picture format the app knows, whatever its name says (it may be another kind of file renamed, or damaged from its first bytes)`
        : `${name} is not an image this app can read (${why})`;
    throw new AppError('INPUT_UNSUPPORTED', message, { cause, detail: isVideo ? { path: name, video: true } : isUnknown ? { path: name, unknownFormat: true } : { path: name } });
  }
  if (!meta.format || !STILL_FORMATS.has(meta.format)) {
    throw new AppError('INPUT_UNSUPPORTED', `${name}: unsupported image format ${meta.format ?? 'unknown'}`, { detail: { path: name, format: meta.format, unknownFormat: true } });
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (!pixels) throw new AppError('INPUT_UNSUPPORTED', `${name} has no pixel size`, { detail: { path: name } });
  const limit = pixelLimit(options);
  if (pixels > limit) throw tooLarge(name, meta.width!, meta.height!, limit);
  if (meta.format === 'heif' && meta.compression === 'hevc' && !SHARP_DECODES_HEIC) return decodeWithFfmpeg(input, name, options, 'heif');
  // The file's size as shown (EXIF orientations 5-8 turn it a quarter) and, over the budget, the size it is worked on at.
  const turned = (meta.orientation ?? 1) >= 5;
  const own = { width: turned ? meta.height! : meta.width!, height: turned ? meta.width! : meta.height! };
  const fitted = pixels > maxPixels ? fitPixelBudget(own.width, own.height, maxPixels) : undefined;

  const decodeRgba = (failOn: 'warning' | 'truncated') => {
    // Auto-orientation comes before the resize, whose size is the oriented one.
    const oriented = sharp(input, { limitInputPixels: limit, failOn, pages: 1 }).rotate();
    const sized = fitted ? oriented.resize({ width: fitted.width, height: fitted.height, fit: 'fill' }) : oriented;
    // A 16-bit picture with a colour profile (a 16-bit PNG or TIFF from Photoshop or Lightroom, a
    // 10-bit AVIF) is brought to Display P3 by libvips, not sRGB, and toColourspace only relabels
    // it: its colours came out muted (sRGB 200,100,50 read 187,105,61). Converted to sRGB by its
    // profile instead; 16-bit without one is sRGB already (converting it would shift it).
    return (meta.icc && meta.space === 'rgb16' ? sized.withIccProfile('srgb') : sized)
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  };
  try {
    let decoded;
    if (meta.format === 'jpeg') {
      try {
        // Strict first: a JPEG whose data is corrupt in the middle decodes "fine" leniently, with
        // everything after the damage grey, and would be cut out as if it were whole.
        decoded = await decodeRgba('warning');
      } catch (strictError) {
        const why = oneLine((strictError as Error).message);
        if (isDamagedData(why)) throw new DamagedData(why);
        // Harmless warnings (extraneous bytes before a marker): decode as before.
        decoded = await decodeRgba('truncated');
      }
    } else {
      decoded = await decodeRgba('truncated');
    }
    const { data, info } = decoded;
    if (info.channels !== 4) throw new Error(`unexpected channel count ${info.channels}`);
    // An APNG's frames, which sharp does not see (it reads the first).
    const pages = meta.format === 'png' ? ((await (typeof input === 'string' ? withFileReader(input, apngFrameCount) : apngFrameCountOfBytes(input)).catch(() => null)) ?? 1) : (meta.pages ?? 1);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      hasAlpha: meta.hasAlpha === true,
      ...(pages > 1 ? { pages } : {}),
      format: meta.format,
      // Downscaled to half or less, its colour is whole again.
      ...(isColourSubsampledIn(meta) && !(fitted && fitted.width * 2 <= own.width) ? { isColourSubsampled: true } : {}),
      ...(fitted ? { downscaledFrom: own } : {}),
      ...(isRealDpi(meta.density) ? { dpi: (meta.density * info.width) / own.width } : {}),
    };
  } catch (cause) {
    if (cause instanceof DamagedData) {
      throw new AppError('INPUT_UNSUPPORTED', `${name} is damaged: part of its picture data is missing or corrupt, so it would show grey (${cause.message})`, {
        cause,
        detail: { path: name, damaged: true },
      });
    }
    // A known picture format that does not decode to the end: damaged, not an unknown kind of file.
    throw new AppError('INPUT_UNSUPPORTED', corruptText(name, oneLine((cause as Error).message)), {
      cause,
      detail: { path: name, damaged: true },
    });
  }
}

/** How long the picture error path may ask the probe whether a media file holds sound alone. */
const SOUND_PROBE_MS = 5000;

/**
 * What a damaged picture is said with: libvips' words, but for its "Unknown error" (its error text
 * is one per process: a file decoded beside others in a batch lost its "premature end of JPEG
 * image", and the batch's resumes repeated the vaguer words; review s72c).
 */
export function corruptText(name: string, why: string): string {
  return `${name} could not be decoded: it is corrupt or truncated${!why || /^unknown error$/i.test(why.trim()) ? '' : ` (${why})`}`;
}

/**
 * Whether libvips' refusal (`why`) of a file beginning `head` is of a damaged picture: cut short,
 * or a file that begins as a format libvips reads and that it cannot read (a TIFF cut short before
 * its directory at the end, a PNG whose header checksum fails, one whose error text was lost:
 * "Unknown error", review s72c).
 */
export function isDamagedPicture(why: string, head: Uint8Array): boolean {
  return /premature end|truncated|unexpected end/i.test(why) || (startsAsPicture(head) && /unsupported image format|corrupt header|^unknown error$/i.test(why));
}

/** Whether `head` begins as a PNG, JPEG, GIF, WebP or TIFF file does (their signatures). */
function startsAsPicture(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 16)).toString('latin1');
  return (
    text.startsWith('\x89PNG\r\n\x1a\n') ||
    text.startsWith('\xff\xd8\xff') ||
    /^GIF8[79]a/.test(text) ||
    (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP') ||
    text.startsWith('II*\0') ||
    text.startsWith('MM\0*')
  );
}

/**
 * Whether the first bytes are a video container no picture decoder reads: an ISO media file (MP4,
 * MOV) whose brand is not a picture's (AVIF, HEIF, a Canon CR3) nor a sound's (M4A), Matroska /
 * WebM, or an AVI.
 */
export function isVideoContainer(head: Uint8Array): boolean {
  const text = (at: number, length: number): string => String.fromCharCode(...head.subarray(at, at + length));
  // A damaged AVIF or HEIF still names its picture brand: not a video.
  if (head.length >= 12 && text(4, 4) === 'ftyp') return !['avif', 'avis', 'mif1', 'msf1', 'heic', 'heix', 'hevc', 'hevx', 'crx ', 'M4A ', 'M4B ', 'M4P '].includes(text(8, 4));
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return true;
  return head.length >= 12 && text(0, 4) === 'RIFF' && text(8, 4) === 'AVI ';
}

/** The most pixels a picture may have: the budget, or with `downscale` the largest taken (320 MP). */
function pixelLimit(options: DecodeOptions): number {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return options.downscale ? Math.max(maxPixels, DEFAULT_MAX_SOURCE_PIXELS) : maxPixels;
}

/** IMAGE_TOO_LARGE for a picture over the pixel limit. */
function tooLarge(name: string, width: number, height: number, limit: number): AppError {
  const pixels = width * height;
  return new AppError(
    'IMAGE_TOO_LARGE',
    // Said with the decimals that show it is over ("320.003 MP", not "320.0 MP" against a limit of 320).
    `${name} is ${width}x${height} (${(pixels / 1e6).toFixed(pixels - limit < 50_000 ? 3 : 1)} MP); the limit is ${(limit / 1e6).toFixed(0)} MP. Downscale it first.`,
    { detail: { path: name, width, height, maxPixels: limit } },
  );
}

/**
 * A picture sharp does not read, decoded here (a HEIC by decodeHeic, a BMP by decodeBmp, both with
 * ffmpeg; its size checked against the limit from its header first), then through sharp like any
 * picture, from a TIFF of its pixels and ICC profile: the profile converted to sRGB, the pixel
 * budget applied.
 */
async function decodeWithFfmpeg(input: string | Uint8Array, name: string, options: DecodeOptions, format: 'heif' | 'bmp'): Promise<DecodedImage> {
  const limit = pixelLimit(options);
  const bytes = typeof input === 'string' ? await readFile(input) : input;
  const how = {
    maxPixels: limit,
    checkSize: ({ width, height }: { width: number; height: number }) => {
      if (width * height > limit) throw tooLarge(name, width, height, limit);
    },
  };
  const picture: { data: Uint8Array; width: number; height: number; channels: 3 | 4; icc?: Uint8Array; isColourSubsampled?: boolean } =
    format === 'heif' ? await decodeHeic(bytes, name, how) : await decodeBmp(bytes, name, how);
  const image = await decodeImage(rawTiff(picture.data, picture.width, picture.height, picture.channels, picture.icc), { ...options, name });
  // Downscaled to half or less, its colour is whole again.
  const halved = image.downscaledFrom !== undefined && image.width * 2 <= image.downscaledFrom.width;
  // (The TIFF's density is libvips' own, not the file's: a HEIC or BMP keeps none.)
  const { isColourSubsampled: _tiff, dpi: _tiffDpi, ...rest } = image;
  return { ...rest, format, ...(picture.isColourSubsampled && !halved ? { isColourSubsampled: true } : {}) };
}

/**
 * Decodes a picture to make something of (a cut-out, an ID photo, a background, the editor's
 * source): over the pixel budget it is downscaled to fit rather than refused (`downscaledFrom`).
 */
export function decodeToWorkOn(input: string | Uint8Array, maxPixels: number | undefined): Promise<DecodedImage> {
  return decodeImage(input, { maxPixels, downscale: true });
}

/**
 * The pixels a picture will be worked on at (its own, at most the budget), from its header alone;
 * 0 when it cannot be read (its decode says why).
 */
export async function workingPixelsOf(input: string, maxPixels: number): Promise<number> {
  // Only a file's header is read: a FIFO (swapped in for a picture during a batch) blocked the read
  // for good, and the batch with it, past every Ctrl+C. The decode says what it is instead.
  const info = await stat(input).catch(() => null);
  if (!info?.isFile()) return 0;
  try {
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    return Math.min((meta.width ?? 0) * (meta.height ?? 0), maxPixels);
  } catch {
    // A BMP (no libvips loader) says its size in its header too.
    const size = bmpSize(await readHead(input, 30).catch(() => new Uint8Array(0)));
    return size ? Math.min(size.width * size.height, maxPixels) : 0;
  }
}

/**
 * The largest size of this aspect within a pixel budget (a budget of at least 1), never larger than
 * the picture; each side at least 1.
 */
export function fitPixelBudget(width: number, height: number, maxPixels: number): { width: number; height: number } {
  const scale = Math.min(1, Math.sqrt(maxPixels / (width * height)));
  // Both sides rounded down keep w * h within the budget; the mins guard a float just over it and a
  // strip whose short side would round to 0.
  const w0 = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.min(Math.floor(height * scale), Math.floor(maxPixels / w0)));
  const w = Math.max(1, Math.min(w0, Math.floor(maxPixels / h)));
  return { width: w, height: h };
}

/** A strict decode's warning that the picture's data is damaged, not merely unusual. */
class DamagedData extends Error {}

/**
 * Whether a libjpeg warning means lost picture data: "Corrupt JPEG data: premature end of data
 * segment" (the data stops and the rest decodes grey), "bad Huffman code", "found marker … instead
 * of RST" (garbage in the stream). "N extraneous bytes before marker" is common in photos from
 * cameras and editors and harmless, so it is not.
 */
export function isDamagedData(warning: string): boolean {
  return warning.split('; ').some((part) => /Corrupt JPEG data/i.test(part) && !/extraneous bytes/i.test(part));
}

/** A library's message on one line, each line once and none already said by an earlier one ("x: a\na\nb" -> "x: a; b"). */
export function oneLine(message: string): string {
  const kept: string[] = [];
  for (const line of message.split(/\r?\n/).map((l) => l.trim())) if (line && !kept.some((k) => k.includes(line))) kept.push(line);
  return kept.join('; ');
}
