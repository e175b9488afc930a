// PFLD-GhostOne 98-point landmarks (manifest id `pfld-98`, WFLW layout): square crop around the
// YuNet box, 112x112 bicubic, RGB (v/255-0.5)/0.5. Core (no electron); ORT via inference/session.
import { AppError } from '../../../shared/errors';
import type { RgbaImage } from '../image/decode';
import { applyGain } from '../image/exposure';
import { resizeToRgb } from '../image/resize';
import { getSession, type SessionOptions } from '../inference/session';
import type { ModelEntry } from '../models/manifest';
import { computePlacement, packTensor } from '../tensor/preprocess';
import type { FaceBox, Point } from './yunet';

/** WFLW-98 indices used by the ID-photo code. */
export const WFLW = {
  /** Jaw contour 0..32 (image-left ear to image-right ear); 16 is the chin tip. */
  chin: 16,
  /** The nose bridge's lowest point, the tip (bridge 51..54). */
  noseTip: 54,
  /** Pupil centres: 96 is on the image-left eye, 97 on the image-right eye. */
  eyeA: 96,
  eyeB: 97,
  /** The inner lips: corners 88 (image-left) and 92; upper 89..91, lower 95..93 beneath them. */
  mouthInnerLeft: 88,
  mouthInnerRight: 92,
  /** The inner lips' upper and lower points facing each other, image-left to right. */
  mouthInnerPairs: [
    [89, 95],
    [90, 94],
    [91, 93],
  ],
  /**
   * The eyes' contours, image-left eye then image-right: the corners (60 and 64; 68 and 72) and
   * the lids' points facing each other, upper then lower (61-67, 62-66, 63-65; 69-75, 70-74, 71-73).
   */
  eyeContours: [
    { corners: [60, 64], lidPairs: [[61, 67], [62, 66], [63, 65]] },
    { corners: [68, 72], lidPairs: [[69, 75], [70, 74], [71, 73]] },
  ],
} as const;

/**
 * How open a contour is (lips, an eyelid): the mean gap between its facing points (`pairs`) over
 * the distance of its corners. Scale and roll do not change it. Undefined when the corners meet.
 */
function contourOpening(landmarks: readonly Point[], corners: readonly [number, number], pairs: readonly (readonly [number, number])[]): number | undefined {
  const gap = (a: number, b: number): number => Math.hypot(landmarks[a].x - landmarks[b].x, landmarks[a].y - landmarks[b].y);
  const width = gap(corners[0], corners[1]);
  if (width <= 0) return undefined;
  return pairs.reduce((sum, [upper, lower]) => sum + gap(upper, lower), 0) / pairs.length / width;
}

/**
 * How far the lips are apart, as a fraction of the mouth's width (contourOpening): the mean gap
 * between the inner lips at three points (WFLW 89-95, 90-94, 91-93) over the distance of their
 * corners (88-92); 0 when the corners meet. A closed mouth measures about 0 to 0.06 with PFLD (lips
 * meeting; the points are not exact), a smile that shows the teeth 0.1 to 0.3 (docs/idphoto.md,
 * "Expression").
 */
export function mouthOpening(landmarks: readonly Point[]): number {
  return contourOpening(landmarks, [WFLW.mouthInnerLeft, WFLW.mouthInnerRight], WFLW.mouthInnerPairs) ?? 0;
}

/**
 * How open the eyes are (contourOpening): for each eye, the mean gap between its lids at three
 * points (WFLW 61-67, 62-66, 63-65 and 69-75, 70-74, 71-73) over the distance of its corners
 * (60-64, 68-72), the eye aspect ratio of Soukupová and Čech (2016) on WFLW's eight-point contour;
 * the less open eye's. With PFLD, open eyes looking at the camera measure about 0.16 and more (the
 * eval portraits 0.20 to 0.38; a smile narrows them), most shut ones 0.02 to 0.13
 * (docs/idphoto.md, "Eyes"). Undefined when neither eye has a width (points fallen together: no
 * measure, rather than a blink).
 */
export function eyeOpening(landmarks: readonly Point[]): number | undefined {
  const eyes = WFLW.eyeContours.map(({ corners, lidPairs }) => contourOpening(landmarks, corners, lidPairs)).filter((v): v is number => v !== undefined);
  return eyes.length > 0 ? Math.min(...eyes) : undefined;
}

/**
 * Where the pupils sit in the eyes, across: for each eye, the pupil (WFLW 96, 97) projected on the
 * line of its corners (60 to 64, 68 to 72), 0 at the image-left corner and 1 at the other; the
 * two eyes' mean less one half, so 0 is a pupil in the middle and +0.1 one a tenth of the eye's
 * width towards the image's right. Scale and roll do not change it. With PFLD, eyes looking at the
 * camera measure within ±0.10 (the eval portraits within ±0.08), glances to the side 0.08 to 0.18
 * (docs/idphoto.md, "Gaze"); a head turned with the eyes kept on the camera moves them too.
 * Undefined when an eye's corners meet.
 */
export function gazeOffset(landmarks: readonly Point[]): number | undefined {
  let sum = 0;
  for (const [{ corners }, pupil] of [[WFLW.eyeContours[0], WFLW.eyeA], [WFLW.eyeContours[1], WFLW.eyeB]] as const) {
    const a = landmarks[corners[0]];
    const b = landmarks[corners[1]];
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const width2 = dx * dx + dy * dy;
    if (width2 <= 0) return undefined;
    sum += ((landmarks[pupil].x - a.x) * dx + (landmarks[pupil].y - a.y) * dy) / width2;
  }
  return sum / 2 - 0.5;
}

/**
 * How far the nose stands out before the face's outline at its height, in half-widths of the face
 * there (a head about 14 cm across the cheeks, its nose tip about 2.5 cm in front of them:
 * (7 + 2.5) / 7). headTurnDeg reads the turn from it; not fitted (AFLW2000's eight faces with
 * their poses, 11° to 46° turned, read within 7° of their own; docs/idphoto.md, "Head turn").
 */
export const NOSE_DEPTH_RATIO = 1.35;

/**
 * How far the head is turned from the camera (yaw), in degrees, + towards the photo's right (the
 * way gazeOffset counts): in the frame of the eye line, the nose tip (WFLW 54) between the jaw
 * outline's two sides (0..16 and 32..16) at its height; a turned head brings the nose nearer the
 * side it turns to, by NOSE_DEPTH_RATIO × sin(turn) of the half-width. Undefined only when the
 * outline's sides do not stand apart (points fallen together).
 */
export function headTurnDeg(landmarks: readonly Point[]): number | undefined {
  const a = landmarks[WFLW.eyeA];
  const b = landmarks[WFLW.eyeB];
  const t = Math.atan2(b.y - a.y, b.x - a.x);
  const c = Math.cos(t);
  const s = Math.sin(t);
  const level = (p: Point): Point => ({ x: p.x * c + p.y * s, y: -p.x * s + p.y * c });
  const nose = level(landmarks[WFLW.noseTip]);
  /**
   * Where the outline (points in order from the top of one side down to the chin) crosses the
   * nose's height; above its top point (a raised chin, or the far side of a turned head, whose
   * outline starts below the nose), that point's: the outline runs up near upright there.
   */
  const outlineAt = (indices: number[]): number | undefined => {
    const top = level(landmarks[indices[0]]);
    if (nose.y < top.y) return top.x;
    for (let k = 0; k + 1 < indices.length; k++) {
      const p = level(landmarks[indices[k]]);
      const q = level(landmarks[indices[k + 1]]);
      if ((p.y - nose.y) * (q.y - nose.y) <= 0 && p.y !== q.y) return p.x + ((nose.y - p.y) * (q.x - p.x)) / (q.y - p.y);
    }
    return undefined;
  };
  const side = Array.from({ length: WFLW.chin + 1 }, (_, k) => k);
  const left = outlineAt(side);
  const right = outlineAt(side.map((k) => 2 * WFLW.chin - k));
  if (left === undefined || right === undefined || !(right - left > 0)) return undefined;
  const asymmetry = (right - nose.x - (nose.x - left)) / (right - left);
  // The nose nearer the image-left side: the face turned towards the photo's left.
  return (-Math.asin(Math.max(-1, Math.min(1, asymmetry / NOSE_DEPTH_RATIO))) * 180) / Math.PI;
}

/** The square crop PFLD sees: side = max(w, h) of the face box, centred on it. */
export function landmarkCrop(face: FaceBox): { x: number; y: number; side: number } {
  const side = Math.max(face.width, face.height);
  return { x: face.x + face.width / 2 - side / 2, y: face.y + face.height / 2 - side / 2, side };
}

/** Copies a square region (may stick out of the image; outside is zero) as RGBA. */
function cropSquareZeroPadded(image: RgbaImage, x0: number, y0: number, side: number): RgbaImage {
  const out = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= image.height) continue;
    const xStart = Math.max(0, -x0);
    const xEnd = Math.min(side, image.width - x0);
    if (xEnd <= xStart) continue;
    const src = (sy * image.width + x0 + xStart) * 4;
    out.set(image.data.subarray(src, src + (xEnd - xStart) * 4), (y * side + xStart) * 4);
  }
  return { data: out, width: side, height: side };
}

/**
 * Runs PFLD on the face and returns the 98 landmarks in source pixels; `options.gain` multiplies
 * its input after the resize (exposureGain: an under-exposed picture; default 1).
 */
export async function detectLandmarks(
  image: RgbaImage,
  face: FaceBox,
  model: { entry: ModelEntry; path: string },
  sessionOptions: SessionOptions = {},
  options: { gain?: number } = {},
): Promise<Point[]> {
  const { entry, path } = model;
  if (entry.task !== 'face-landmarks') throw new AppError('MODEL_INVALID', `Model ${entry.id} is not a landmark model`);
  const crop = landmarkCrop(face);
  const side = Math.max(1, Math.round(crop.side));
  const x0 = Math.round(crop.x);
  const y0 = Math.round(crop.y);
  const square = cropSquareZeroPadded(image, x0, y0, side);
  const size = entry.input.width;
  const rgb = await resizeToRgb(square, size, size, { kernel: 'cubic', flatten: false });
  applyGain(rgb.data, options.gain ?? 1);
  const placement = computePlacement(size, size, size, size, 'stretch');
  const tensor = packTensor(rgb.data, placement, size, size, entry.preprocess, 'NCHW');
  const loaded = await getSession(path, sessionOptions);
  const inputName = entry.input.name && loaded.session.inputNames.includes(entry.input.name) ? entry.input.name : loaded.session.inputNames[0];
  const out = await loaded.session.run({ [inputName]: new loaded.ort.Tensor('float32', tensor, [1, 3, size, size]) });
  const outName = entry.output.name && out[entry.output.name] ? entry.output.name : loaded.session.outputNames[0];
  const data = out[outName].data as Float32Array;
  const count = entry.output.points ?? 98;
  if (data.length < count * 2) throw new AppError('MODEL_INVALID', `Landmark model ${entry.id} returned ${data.length} values, expected ${count * 2}`);
  const points: Point[] = [];
  for (let k = 0; k < count; k++) points.push({ x: data[2 * k] * side + x0, y: data[2 * k + 1] * side + y0 });
  return points;
}
