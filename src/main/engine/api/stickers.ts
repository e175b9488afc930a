// API area "stickers": probe a clip, one poster frame for the trim handles, one frame cut out with
// the brushes (on the engine), and the bytes of a finished sticker for the looping preview. Main
// process and `cutout serve`; Node only. The sticker itself is a job (kind 'sticker', run-job.ts).
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AppApi } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { encodeImage } from '../../core/image/encode';
import { clipFrame } from '../../core/video/extract-frames';
import { measureDrawingCadence } from '../../core/video/drawing-cadence';
import { cachedProbe } from '../../core/video/probe';
import type { ApiDeps } from './deps';
import { expectObject, expectString } from './validate';

/** MIME type per sticker extension. */
export const STICKER_MIME: Record<string, string> = { '.gif': 'image/gif', '.webp': 'image/webp', '.png': 'image/png', '.apng': 'image/apng', '.webm': 'video/webm' };
/** Largest sticker loadStickerFile returns. */
export const MAX_STICKER_BYTES = 16 * 1024 * 1024;

function optionalNumber(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new AppError('INVALID_ARGUMENT', `${field} must be a number between ${min} and ${max}`);
  return value;
}

/** probeClip, loadClipFrame, loadStickerFile, previewStickerFrame. */
export function createStickersArea(deps: ApiDeps): Pick<AppApi, 'probeClip' | 'loadClipFrame' | 'loadStickerFile' | 'previewStickerFrame'> {
  // A trim handle asks for a frame at every move: the clip is probed once while it stays as it is.
  const probe = cachedProbe();
  // The clip being opened: one dropped after it is the one the workspace opens, so the measure of
  // the one before (its ffmpeg decoding up to 96 frames, seconds for a 4K clip on 2 cores) is stopped.
  let opening: AbortController | null = null;
  return {
    async probeClip(req) {
      const path = expectString(expectObject(req, 'request').path, 'path');
      opening?.abort();
      const gate = new AbortController();
      opening = gate;
      try {
        const info = await probe(path, { signal: gate.signal });
        // The slider starts at the clip's drawing rate where that is lower than the rate wanted (a clip on threes: 8).
        const drawing = await measureDrawingCadence(path, info, {}, { signal: gate.signal });
        return { path, durationS: info.durationS, fps: info.fps, width: info.width, height: info.height, hasAudio: info.hasAudio, frameCount: info.frameCount, ...(info.isCutShort ? { isCutShort: true } : {}), ...(drawing ? { drawing } : {}) };
      } finally {
        if (opening === gate) opening = null;
      }
    },
    async loadClipFrame(req) {
      const r = expectObject(req, 'request');
      const path = expectString(r.path, 'path');
      const timeS = optionalNumber(r.timeS, 'timeS', 0, 24 * 3600) ?? 0;
      const maxSidePx = Math.round(optionalNumber(r.maxSidePx, 'maxSidePx', 16, 4096) ?? 480);
      const frame = await clipFrame(path, await probe(path), timeS, maxSidePx);
      return { path, mime: 'image/png', bytes: new Uint8Array(await encodeImage(frame, { format: 'png' })) };
    },
    async previewStickerFrame(req) {
      const r = expectObject(req, 'request');
      const options = r.options === undefined ? {} : expectObject(r.options, 'options');
      if (options.model !== undefined) expectString(options.model, 'options.model');
      // The rest (size, preset, strokes) is validated by the engine (validateStickerOptions), as a sticker job's is.
      return deps.engine.call('previewStickerFrame', {
        path: expectString(r.path, 'path'),
        timeS: optionalNumber(r.timeS, 'timeS', 0, 24 * 3600),
        options: options as never,
      });
    },
    async loadStickerFile(req) {
      const path = expectString(expectObject(req, 'request').path, 'path');
      const mime = STICKER_MIME[extname(path).toLowerCase()];
      if (!mime) throw new AppError('INVALID_ARGUMENT', `${path} is not a sticker file (.gif .webp .png .webm)`);
      const info = await stat(path).catch((cause) => {
        throw new AppError('INPUT_NOT_FOUND', `File not found: ${path}`, { cause });
      });
      if (info.size > MAX_STICKER_BYTES) throw new AppError('INPUT_UNSUPPORTED', `${path} is larger than 16 MB`);
      return { path, mime, bytes: new Uint8Array(await readFile(path)) };
    },
  };
}
