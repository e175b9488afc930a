// An animated WebP as a clip (a chat app's sticker, a GIF someone saved as WebP): ffmpeg before 8
// cannot decode one, so its frames are decoded one at a time (webp-frames.ts: libwebp through
// sharp, composed on the canvas as a viewer shows them) and written once, as they come, into an
// RGBA APNG with the same delays, which every ffmpeg reads with its alpha: the clip's frame
// stream, trims and poster all go through that copy (streamFrames). Its length and size come from
// the WebP's own header (probe). Core (no electron).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError, CancelledError } from '../../../shared/errors';
import type { RunContext } from '../progress';
import { toWriteError } from '../io/atomic-write';
import { removeDeadSystemTemps } from '../io/stale-temps';
import { ApngWriter } from '../sticker/apng';
import { damagedWebp, webpFrames } from './webp-frames';
import type { VideoInfo } from './probe';

/** Whether the first bytes are an animated WebP's: RIFF, WEBP, and a VP8X chunk whose animation flag is set. */
export function isAnimatedWebp(head: Uint8Array): boolean {
  const text = (at: number, length: number): string => String.fromCharCode(...head.subarray(at, at + length));
  return head.length >= 21 && text(0, 4) === 'RIFF' && text(8, 4) === 'WEBP' && text(12, 4) === 'VP8X' && (head[20] & 0x02) !== 0;
}

/**
 * A frame's delay as browsers play it: 10 ms or less (0 included, "as fast as you can") lasts
 * 100 ms, as Chromium and Firefox play GIFs and animated WebPs alike (and as ffmpeg reads a GIF's).
 */
export function playedDelayMs(delayMs: number | undefined): number {
  return delayMs !== undefined && delayMs > 10 ? delayMs : 100;
}

/**
 * The rate an animation of frames lasting `delaysMs` (as played) is decoded at to show each of its
 * frames: its mean rate where they are steady, else its shortest frame's. Steady: each frame starts
 * within a third of the mean frame of where a steady rate puts it, so that the decode's rate, which
 * takes the frame nearest each of its ticks, takes each once (AnimateDiff's 40, 50, 40 ms GIFs are
 * 23.08 fps written in whole centiseconds, each within 3.3 ms). The mean rate skipped frames shorter
 * than the mean: a GIF of 100-ms frames between 400–600-ms holds, 4 a second on the mean, lost
 * three of its ten, and one of five 20-ms frames then five 40-ms ones (each within 10 ms of the
 * mean, 30 ms) two.
 */
export function frameRateOfDelays(delaysMs: readonly number[]): number {
  if (delaysMs.length === 0) return 0;
  const mean = delaysMs.reduce((a, b) => a + b, 0) / delaysMs.length;
  let start = 0;
  let steady = true;
  for (let k = 0; k < delaysMs.length && steady; start += delaysMs[k], k++) steady = Math.abs(start - k * mean) <= mean / 3;
  const frame = steady ? mean : Math.min(...delaysMs);
  return frame > 0 ? 1000 / frame : 0;
}

/** The largest frame read (the pixel budget of a picture, 80 MP): a bigger one is refused. */
const MAX_FRAME_PIXELS = 80_000_000;

interface WebpAnimation {
  width: number;
  height: number;
  delaysMs: number[];
  /** Its frames are stored lossy (VP8: colour at half resolution), not lossless (VP8L). */
  isLossy: boolean;
}

/** The animation's frame size and delays, from its header (no frame decoded). VIDEO_CORRUPT when libwebp cannot read it. */
async function readAnimation(path: string): Promise<WebpAnimation> {
  const meta = await sharp(path, { animated: true, limitInputPixels: false })
    .metadata()
    .catch((cause: unknown) => {
      throw damagedWebp(path, String((cause as Error)?.message ?? cause), cause);
    });
  const pages = meta.pages ?? 1;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? (meta.height ?? 0) / pages;
  if (!(width > 0 && height > 0)) throw damagedWebp(path, 'it states no frame size');
  if (width * height > MAX_FRAME_PIXELS) {
    throw new AppError('IMAGE_TOO_LARGE', `${path}: its frames are ${width}x${height}, more than the ${MAX_FRAME_PIXELS / 1e6} MP a frame this app reads`, { detail: { path, width, height, maxPixels: MAX_FRAME_PIXELS } });
  }
  const delays = meta.delay ?? [];
  return { width, height, delaysMs: Array.from({ length: pages }, (_, i) => playedDelayMs(delays[i])), isLossy: (await frameCodec(path)) === 'lossy' };
}

/** Whether the first frame's picture is stored lossy (a 'VP8 ' chunk) or lossless ('VP8L'), from the file's first 64 KB. */
async function frameCodec(path: string): Promise<'lossy' | 'lossless' | 'unknown'> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const text = head.toString('latin1', 0, bytesRead);
    const lossy = text.indexOf('VP8 ');
    const lossless = text.indexOf('VP8L');
    if (lossy < 0 && lossless < 0) return 'unknown';
    return lossless < 0 || (lossy >= 0 && lossy < lossless) ? 'lossy' : 'lossless';
  } finally {
    await file.close();
  }
}

/** What a clip probe says of an animated WebP: its header's frames, size, the sum of its delays and the rate that shows each frame (frameRateOfDelays); no sound. */
export async function probeAnimatedWebp(path: string): Promise<VideoInfo> {
  const animation = await readAnimation(path);
  const durationS = animation.delaysMs.reduce((a, b) => a + b, 0) / 1000;
  const frameCount = animation.delaysMs.length;
  return {
    durationS,
    fps: frameRateOfDelays(animation.delaysMs),
    width: animation.width,
    height: animation.height,
    rotationDeg: 0,
    hasVideo: true,
    hasAudio: false,
    codec: 'webp',
    container: 'webp',
    frameCount,
    animatedWebp: true,
    ...(animation.isLossy ? { isColourSubsampled: true } : {}),
  };
}

/** The folder of this process's frame copies, made at the first and removed as the process ends. */
let copiesDir: string | null = null;
function copiesFolder(): string {
  if (!copiesDir) {
    // Named for this process: a run killed before it could remove its copies has them removed by the next (stale-temps.ts).
    const dir = mkdtempSync(join(tmpdir(), `cutout-webp-frames-${process.pid}-`));
    copiesDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return copiesDir;
}

/** Copies kept, the most recent last: a Stickers workspace reads its clip's again at each trim. */
const COPIES_KEPT = 4;

/** A copy written or being written, and how many readers hold it (it is removed only once none does). */
interface FramesCopy {
  made: Promise<string>;
  readers: number;
  /** Left out of the kept ones: removed when its last reader lets it go. */
  isDropped: boolean;
}
const copies = new Map<string, FramesCopy>();

/** Removes a dropped copy's file once it is written and no reader holds it. */
function removeIfUnused(copy: FramesCopy): void {
  if (copy.isDropped && copy.readers === 0) {
    void copy.made.then(
      (file) => rm(file, { force: true }).catch(() => undefined),
      () => undefined,
    );
  }
}

/** A reader's hold on a frames copy: `path` stays there until `release`. */
export interface FramesLease {
  path: string;
  release(): void;
}

/**
 * The APNG copy of an animated WebP's frames that ffmpeg reads in its place, held till `release`:
 * written at the first call and kept while the file stays as it was (the same inode, size and
 * times), for the last few files; calls for a copy being written wait for it. A copy left out of
 * the kept ones is removed once its last reader lets it go (a fifth clip's copy removed one being
 * read). A cancelled or failed write keeps nothing.
 */
export async function leaseAnimatedWebpFrames(path: string, ctx: RunContext = {}): Promise<FramesLease> {
  const s = await stat(path);
  const key = `${path}\u0000${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  let copy = copies.get(key);
  if (copy) {
    copies.delete(key);
    copies.set(key, copy);
  } else {
    await removeDeadSystemTemps();
    copy = copies.get(key);
    if (!copy) {
      const made = writeFramesCopy(path, join(copiesFolder(), `${randomBytes(6).toString('hex')}.png`), ctx);
      const fresh: FramesCopy = { made, readers: 0, isDropped: false };
      copy = fresh;
      copies.set(key, fresh);
      made.catch(() => {
        if (copies.get(key) === fresh) copies.delete(key);
      });
      while (copies.size > COPIES_KEPT) {
        const [oldKey, old] = copies.entries().next().value!;
        copies.delete(oldKey);
        old.isDropped = true;
        removeIfUnused(old);
      }
    }
  }
  const held = copy;
  held.readers++;
  let isReleased = false;
  const release = (): void => {
    if (isReleased) return;
    isReleased = true;
    held.readers--;
    removeIfUnused(held);
  };
  const file = await held.made.catch((error: unknown) => {
    release();
    // Another caller's cancelled write is this one's to make again.
    if (error instanceof CancelledError && !ctx.signal?.aborted) return null;
    throw error;
  });
  if (file && (await stat(file).then(() => true, () => false))) return { path: file, release };
  if (file) {
    // Gone under it (a temp folder cleaned): written again.
    release();
    if (copies.get(key) === held) copies.delete(key);
  }
  return leaseAnimatedWebpFrames(path, ctx);
}

/**
 * Decodes the WebP's frames one at a time (webp-frames.ts: each once, the canvas and a frame held)
 * and writes each into an RGBA APNG at `to` (quick: read once, soon), through a temp
 * file renamed.
 */
async function writeFramesCopy(path: string, to: string, ctx: RunContext): Promise<string> {
  const { signal } = ctx;
  const animation = await readAnimation(path);
  const { width, height, delaysMs } = animation;
  const writer = new ApngWriter({ width, height, bpp: 4, delaysMs, quick: true });
  const temp = `${to}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temp, 'wx').catch((error: unknown) => {
    throw toWriteError(error, temp);
  });
  try {
    await file.write(writer.start());
    let count = 0;
    for await (const frame of webpFrames(path)) {
      if (signal?.aborted) throw new CancelledError();
      if (++count > delaysMs.length || frame.rgba.length !== width * height * 4) break;
      await file.write(writer.frame(frame.rgba));
    }
    if (count !== delaysMs.length) throw damagedWebp(path, `it holds ${count} frames where its header names ${delaysMs.length}`);
    await file.write(writer.end());
    await file.close();
    await rename(temp, to);
    return to;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    if (error instanceof AppError || error instanceof CancelledError) throw error;
    throw toWriteError(error, temp);
  }
}
