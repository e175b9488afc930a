// How a clip holds its drawings. Anime is drawn "on twos" or "on threes": each picture stays for 2
// or 3 frames of a 24-fps clip (AnimateDiff GIFs hold every one for 3 of 23 fps). A sticker made at
// a rate that is not the drawing rate shows the drawings unevenly: at 12 fps a clip on threes (8
// pictures a second) alternates 167 and 83 ms, a visible judder; so does any steady rate where a
// drawing takes no whole number of frames (threes in a 30-fps file: 4, 4, 4, 3). Measured here on
// small frames of the clip from the part's start; a sticker of such a clip is made as drawn, each
// drawing one frame held as long as the clip holds it (make-sticker.ts, resolveTargets). Core.
import { CancelledError } from '../../../shared/errors';
import type { DrawingCadence } from '../../../shared/jobs';
import type { RunContext } from '../progress';
import { isRepeatFrame } from '../sticker/temporal';
import { resolveFfmpeg, type FfmpegTools } from './ffmpeg';
import { streamFrames, type VideoFrame } from './extract-frames';
import type { VideoInfo } from './probe';

/** Seconds of the clip (from the trim's start) whose drawings are counted, and at most how many frames (4 s at 24 fps). */
export const CADENCE_WINDOW_S = 5;
const CADENCE_WINDOW_FRAMES = 96;
/** Long side of the frames compared (the sticker's repeat test, isRepeatFrame, on 1/64th blocks). */
const CADENCE_SIDE_PX = 128;
/** The longest hold that counts as animation, in seconds (4 frames at 24 fps, 12 at 60); a longer one is a still moment (a pause, a held pose). */
const MAX_ANIMATION_HOLD_S = 1 / 5;
/** Holds between changes needed to say anything (5 changes of picture). */
const MIN_HOLDS = 4;
/** How far the mean hold may be from the whole number most holds have (a clip on threes with a 2 and a 4 among them: 3.0). */
const HOLD_MEAN_TOLERANCE = 0.15;

/** The least mean hold (frames) of a clip whose drawings take no whole number of frames: most of its frames repeat the one before. */
const MIN_UNEVEN_MEAN_HOLD = 1.5;

/**
 * How a clip of `fps` holds its drawings, from the runs of frames that show one picture in turn
 * (`holds`: a new picture starts each), or null where it shows a new picture (nearly) every frame.
 * The first and last runs (cut by the window or the part) are left out, and those longer than
 * MAX_ANIMATION_HOLD_S (still moments) too; at least MIN_HOLDS must be left. Even: most have one
 * whole number of frames k ≥ 2 (more than half, their mean within HOLD_MEAN_TOLERANCE of it),
 * framesPerDrawing k. Uneven: no such k, but their mean is MIN_UNEVEN_MEAN_HOLD or more,
 * framesPerDrawing that mean (2s and 3s, a 24-fps film in a 60-fps file: 2.5; 4, 4, 4, 3, one on
 * threes in a 30-fps file: 3.75). No steady rate shows uneven drawings evenly; a sticker made as
 * drawn (each drawing a frame of its own length) does. measureDrawingCadence tells the runs of the
 * clip's frames; a sticker made as drawn, of the drawings it held (prepareSticker's `holds`: where
 * only the background moved, its subject's, isSubjectRepeat).
 */
export function cadenceOfHolds(runs: readonly number[], fps: number): DrawingCadence | null {
  const holds = runs.slice(1, -1).filter((hold) => hold <= fps * MAX_ANIMATION_HOLD_S + 1e-9);
  if (holds.length < MIN_HOLDS) return null;
  const counts = new Map<number, number>();
  for (const h of holds) counts.set(h, (counts.get(h) ?? 0) + 1);
  let best = 1;
  let bestCount = 0;
  for (const [hold, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count > bestCount) [best, bestCount] = [hold, count];
  }
  const mean = holds.reduce((a, b) => a + b, 0) / holds.length;
  const even = best >= 2 && bestCount * 2 > holds.length && Math.abs(mean - best) <= HOLD_MEAN_TOLERANCE;
  if (!even && mean < MIN_UNEVEN_MEAN_HOLD) return null;
  const framesPerDrawing = even ? best : mean;
  return { framesPerDrawing, even, drawingFps: fps / framesPerDrawing };
}

/**
 * Measures how the clip holds its drawings over CADENCE_WINDOW_S from `startS` (cadenceOfHolds):
 * null when it shows a new picture (nearly) every frame, is too short or still to tell, or does not
 * decode. Decodes those seconds once more (at most CADENCE_WINDOW_FRAMES frames), at 128 px: on 2
 * cores 0.1 s for a 480p clip, 0.4 s for a 1080p one, 0.9 s for a 4K 60-fps one (a generated one).
 */
export async function measureDrawingCadence(
  path: string,
  info: VideoInfo,
  from: { startS?: number } = {},
  ctx: RunContext = {},
  tools: FfmpegTools = resolveFfmpeg(),
): Promise<DrawingCadence | null> {
  if (!(info.fps > 0) || !info.hasVideo) return null;
  // The clip's own rate (a GIF's mean rate: its frames as they are, the holds it spelled out as repeats).
  const fps = Math.min(info.fps, 60);
  // Decoding takes the clip's whole frames (a reviewer's 4K 60-fps clip took 5 s for 5 s of it on 2 cores), hence the frame cap.
  // The clip's cadence, not the part's: a part of half a second has too few changes to tell, so the window runs past its end.
  const durationS = Math.min(CADENCE_WINDOW_S, CADENCE_WINDOW_FRAMES / fps);
  const holds: number[] = [];
  let last: VideoFrame | null = null;
  try {
    for await (const frame of streamFrames(path, info, { startS: from.startS, durationS, fps, maxSidePx: CADENCE_SIDE_PX, queueFrames: 8 }, ctx, tools)) {
      if (last && isRepeatFrame(last, frame)) holds[holds.length - 1]++;
      else holds.push(1);
      last = frame;
    }
  } catch (error) {
    // A clip whose frames do not decode has no cadence to tell: the decode that makes its sticker (or its first frame) says why.
    if (error instanceof CancelledError) throw error;
    return null;
  }
  return cadenceOfHolds(holds, fps);
}
