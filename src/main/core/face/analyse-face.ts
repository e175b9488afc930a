// The one face an ID photo is made of: YuNet + PFLD, exactly-one-face rule (NO_FACE /
// MULTIPLE_FACES with boxes), cut-off check, roll from the eye line. Core (no electron).
import { AppError } from '../../../shared/errors';
import { wordList } from '../../../shared/labels';
import type { CoreEnv } from '../env';
import type { RgbaImage } from '../image/decode';
import { exposureGain } from '../image/exposure';
import { detectLandmarks, WFLW } from './landmarks';
import { detectFaces, type FaceBox, type Point } from './yunet';

/** What the ID-photo pipeline knows about the chosen face (source pixels). */
export interface FaceAnalysis {
  face: FaceBox;
  /** Every face that counted (the chosen one included), best first. */
  faces: FaceBox[];
  landmarks: Point[];
  chin: Point;
  /** Pupils ordered image-left then image-right. */
  eyes: [Point, Point];
  /** Angle of the eye line in degrees, positive = clockwise in image coordinates (y down). */
  rollDeg: number;
  /** The gain the face models' inputs were multiplied by (exposureGain; 1 for a picture exposed well): a person model on the same picture takes it too. */
  exposureGain: number;
}

/** Options of analyseFace. */
export interface AnalyseFaceOptions {
  /** Pick this face (index into the MULTIPLE_FACES detail) instead of refusing. */
  faceIndex?: number;
  /** A face narrower than this fraction of the largest face is background and ignored; default 0.35. */
  minRelativeSize?: number;
  /** The gain the models' inputs are multiplied by; default exposureGain(image) (an under-exposed picture brightened). */
  exposureGain?: number;
}

/** The plain-data box sent in MULTIPLE_FACES detail. */
function wireBox(f: FaceBox): { x: number; y: number; width: number; height: number; score: number } {
  return { x: Math.round(f.x), y: Math.round(f.y), width: Math.round(f.width), height: Math.round(f.height), score: Number(f.score.toFixed(3)) };
}

/**
 * Finds exactly one face and its landmarks. NO_FACE when none; MULTIPLE_FACES (detail: count,
 * boxes) when several comparable faces and no faceIndex; FACE_CUT_OFF when the face or chin
 * leaves the frame.
 */
export async function analyseFace(image: RgbaImage, env: CoreEnv, options: AnalyseFaceOptions = {}): Promise<FaceAnalysis> {
  const sessionOptions = { provider: env.provider, threads: env.threads };
  // An under-exposed picture is looked at brightened (image/exposure.ts): its landmarks moved a
  // median 4.5 % of the eyes' distance away from the same photo exposed well's, 1.8 % so.
  const gain = options.exposureGain ?? exposureGain(image);
  const detector = await env.store.resolve('yunet');
  const all = await detectFaces(image, detector, sessionOptions, { gain });
  if (all.length === 0) throw new AppError('NO_FACE', 'No face was found in this picture. Use a photo of one person facing the camera.', { detail: { count: 0 } });
  const largest = Math.max(...all.map((f) => f.width));
  // Numbered from the left, as a person reads a group photo (the picker and --face use this order).
  const faces = all.filter((f) => f.width >= largest * (options.minRelativeSize ?? 0.35)).sort((a, b) => a.x + a.width / 2 - (b.x + b.width / 2));
  let face: FaceBox;
  if (options.faceIndex !== undefined) {
    if (!Number.isInteger(options.faceIndex) || options.faceIndex < 0 || options.faceIndex >= faces.length) {
      throw new AppError('INVALID_ARGUMENT', `Face ${options.faceIndex} does not exist; the picture has ${faces.length}`, {
        detail: { count: faces.length, boxes: faces.map(wireBox) },
      });
    }
    face = faces[options.faceIndex];
  } else if (faces.length > 1) {
    // How a face is picked is the caller's to say (the app's face chips, the CLI's --face, a batch's neither).
    throw new AppError('MULTIPLE_FACES', `${faces.length} faces were found; an ID photo needs exactly one.`, {
      detail: { count: faces.length, boxes: faces.map(wireBox) },
    });
  } else {
    face = faces[0];
  }
  const cutSides = cutOffSides(face, image.width, image.height);
  if (cutSides.length > 0) {
    throw new AppError('FACE_CUT_OFF', `The face is cut off by the ${wordList(cutSides)} edge of the picture.`, {
      detail: { sides: cutSides, box: wireBox(face) },
    });
  }
  const landmarker = await env.store.resolve('pfld-98');
  const landmarks = await detectLandmarks(image, face, landmarker, sessionOptions, { gain });
  const chin = landmarks[WFLW.chin];
  const outside = landmarkCutOffSides(landmarks, image.width, image.height);
  if (outside.length > 0) {
    throw new AppError('FACE_CUT_OFF', `The face is cut off by the ${wordList(outside)} edge of the picture.`, { detail: { sides: outside, box: wireBox(face) } });
  }
  const a = landmarks[WFLW.eyeA];
  const b = landmarks[WFLW.eyeB];
  const eyes: [Point, Point] = a.x <= b.x ? [a, b] : [b, a];
  const rollDeg = (Math.atan2(eyes[1].y - eyes[0].y, eyes[1].x - eyes[0].x) * 180) / Math.PI;
  return { face, faces, landmarks, chin, eyes, rollDeg, exposureGain: gain };
}

/**
 * The image edges a face box crosses. YuNet boxes run from the brows to the chin, so a box that
 * sticks out by more than 4 % of its size means part of the face is missing.
 */
export function cutOffSides(face: FaceBox, imageW: number, imageH: number): Array<'top' | 'bottom' | 'left' | 'right'> {
  const tolX = face.width * 0.04;
  const tolY = face.height * 0.04;
  const sides: Array<'top' | 'bottom' | 'left' | 'right'> = [];
  if (face.y < -tolY) sides.push('top');
  if (face.y + face.height > imageH + tolY) sides.push('bottom');
  if (face.x < -tolX) sides.push('left');
  if (face.x + face.width > imageW + tolX) sides.push('right');
  return sides;
}

/**
 * The image edges that landmarks fall beyond (PFLD extrapolates the contour of a face the frame
 * cuts): a side counts when at least 3 of the points lie on or past it.
 */
export function landmarkCutOffSides(points: Point[], imageW: number, imageH: number): Array<'top' | 'bottom' | 'left' | 'right'> {
  const counts = { top: 0, bottom: 0, left: 0, right: 0 };
  for (const p of points) {
    if (p.y < 0) counts.top++;
    if (p.y > imageH - 1) counts.bottom++;
    if (p.x < 0) counts.left++;
    if (p.x > imageW - 1) counts.right++;
  }
  return (Object.keys(counts) as Array<keyof typeof counts>).filter((k) => counts[k] >= 3);
}
