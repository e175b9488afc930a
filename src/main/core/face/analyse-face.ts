// The one face an ID photo is made of: YuNet + PFLD, exactly-one-face rule (NO_FACE /
// MULTIPLE_FACES with boxes), cut-off check, roll from the eye line. Core (no electron).
import { AppError } from '../../../shared/errors';
import { wordList } from '../../../shared/labels';
import type { CoreEnv } from '../env';
import type { RgbaImage } from '../image/decode';
import { exposureGain } from '../image/exposure';
import { isWhollyTransparent } from '../matting/own-alpha';
import { cropRgba, resizeRgba } from '../image/resize';
import { rotateRgba } from '../image/turn';
import { detectLandmarks, WFLW } from './landmarks';
import { boxIou, detectFaces, suppressOverlaps, type FaceBox, type Point } from './yunet';

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
 * Finds exactly one face and its landmarks. NO_FACE when none; FACE_NOT_UPRIGHT (detail: turnDeg,
 * the clockwise turn that stands it up) when the picture lies on its side or upside down;
 * MULTIPLE_FACES (detail: count, boxes) when several comparable faces and no faceIndex;
 * FACE_CUT_OFF when the face or chin leaves the frame.
 */
export async function analyseFace(image: RgbaImage, env: CoreEnv, options: AnalyseFaceOptions = {}): Promise<FaceAnalysis> {
  const sessionOptions = { provider: env.provider, threads: env.threads };
  // An under-exposed picture is looked at brightened (image/exposure.ts): its landmarks moved a
  // median 4.5 % of the eyes' distance away from the same photo exposed well's, 1.8 % so.
  const gain = options.exposureGain ?? exposureGain(image);
  const detector = await env.store.resolve('yunet');
  const all = await findFaces(image, detector, sessionOptions, gain);
  if (all.length === 0) {
    // A picture that hides all it holds (a cut-out of nothing, a blank layer) is said to, not to lack a face.
    if (isWhollyTransparent(image)) throw new AppError('NO_FACE', 'This picture is transparent all over: nothing in it shows, so no face can be found. Use a photo of one person facing the camera.', { detail: { count: 0 } });
    // A picture lying on its side whose face the detector finds only turned upright is said so.
    const turnDeg = await uprightTurn(image, detector, sessionOptions, gain, null);
    throw turnDeg !== 0 ? notUpright(turnDeg) : new AppError('NO_FACE', 'No face was found in this picture. Use a photo of one person facing the camera.', { detail: { count: 0 } });
  }
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
  // The face lying on its side, or upside down: its picture is (not someone else lying in it).
  const turnDeg = await uprightTurn(image, detector, sessionOptions, gain, face);
  if (turnDeg !== 0) throw notUpright(turnDeg);
  // A small face's box, found again closer: its cut-off sides, landmarks and work region are read from it.
  face = await closerBox(image, face, detector, sessionOptions, gain);
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

/** How much higher (detector score, 0..1) the best face of the picture turned must score than the picture as it is, to call it turned (uprightTurn). */
const TURNED_SCORE_MARGIN = 0.03;
/**
 * The least score of the face a turn finds (uprightTurn): the faces of the ccp_person, id_portraits
 * and AFLW photos upright scored 0.86 and more; a picture of clouds with no face in it, 0.77 upside
 * down (a training backdrop, amehazu_13; 80 such backdrops tried), which read "upside down".
 */
const TURNED_MIN_SCORE = 0.8;

/**
 * The clockwise turn (0, 90, 180 or 270°) that stands `face` upright (the face chosen; null: any
 * face of the picture, which showed none as it is): 0 where it is, or where the detector cannot
 * tell. Only faces found where it is count, so someone else lying in the picture does not turn it.
 * A picture that lies on its side (a phone's, without the orientation tag that says so) is looked
 * at as it is: the detector still finds its face, and the landmarks, read on an upright crop, were
 * wrong (a face turned 55° made an ID photo whose report said tilt 0°). YuNet's own points cannot
 * tell (they come out upright on a face lying down); its score can: each face scores best upright.
 * The margin and the least score were chosen on the 40 ccp_person photos turned each way, each
 * way a run of the detector at 640 px (as given, upright ones scored 0.03–0.93 above their best
 * turn, turned ones 0.03–0.94 below it). The four ways are now one run, each in a quarter of its
 * input (320 px): a face's analysis 50–62 → 90–104 ms for a 1 MP portrait on 2 cores, where four
 * runs took 155–173 ms. Checked that way: all 99 turns of the 33 id_portraits photos found, 141 of
 * 144 of the ccp_person and AFLW ones (ccp_0728's small face missed each way), and none of 143
 * upright or faceless pictures (those photos, the reviewers' and 80 training backdrops) turned. A
 * turn must find a clear face (TURNED_MIN_SCORE), and one the picture as it is shows only faintly,
 * or not at all (NO_FACE before), is found turned.
 */
export async function uprightTurn(image: RgbaImage, detector: Detector, sessionOptions: DetectorOptions, gain: number, face: FaceBox | null): Promise<0 | 90 | 180 | 270> {
  // The four ways at once: each a quarter of the detector's input (its cells hold the picture as it
  // is, then turned 90°, 180° and 270° clockwise), one run of the detector for all.
  const side = detector.entry.input.width;
  const cell = Math.floor(side / 2);
  const scale = Math.min(1, cell / Math.max(image.width, image.height));
  const small = scale < 1 ? await resizeRgba(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)), 'linear') : image;
  const { width: w, height: h } = small;
  const quarters = [0, 90, 180, 270] as const;
  const canvas = new Uint8Array(side * side * 4).fill(128);
  quarters.forEach((quarter, k) => {
    const turned = quarter === 0 ? small : rotateRgba(small, quarter);
    const [cx, cy] = [(k % 2) * cell, Math.floor(k / 2) * cell];
    for (let y = 0; y < turned.height; y++) canvas.set(turned.data.subarray(y * turned.width * 4, (y + 1) * turned.width * 4), ((cy + y) * side + cx) * 4);
  });
  // Where the face is, at that size, and half its size round it (a face's box lying down is not its box upright).
  const near = face && { x0: (face.x - face.width / 2) * scale, y0: (face.y - face.height / 2) * scale, x1: (face.x + 1.5 * face.width) * scale, y1: (face.y + 1.5 * face.height) * scale };
  const best = [0, 0, 0, 0];
  for (const f of await detectFaces({ data: canvas, width: side, height: side }, detector, sessionOptions, { gain, minScore: 0.3 })) {
    const [mx, my] = [f.x + f.width / 2, f.y + f.height / 2];
    const k = (mx >= cell ? 1 : 0) + (my >= cell ? 2 : 0);
    const [X, Y] = [mx - (k % 2) * cell, my - Math.floor(k / 2) * cell];
    // rotateRgba's map, undone: 90° took (x, y) to (h − 1 − y, x), 270° to (y, w − 1 − x).
    const quarter = quarters[k];
    const [x, y] = quarter === 0 ? [X, Y] : quarter === 90 ? [Y, h - 1 - X] : quarter === 180 ? [w - 1 - X, h - 1 - Y] : [w - 1 - Y, X];
    if (x < 0 || y < 0 || x > w || y > h) continue;
    if (!near || (x >= near.x0 && x <= near.x1 && y >= near.y0 && y <= near.y1)) best[k] = Math.max(best[k], f.score);
  }
  let turn: 0 | 90 | 180 | 270 = 0;
  // A turn wins with a clear face (TURNED_MIN_SCORE): a face too small at this size to score
  // (found in tiles) scores too little either way, and stays as it is.
  let toBeat = Math.max(best[0] + TURNED_SCORE_MARGIN, TURNED_MIN_SCORE);
  for (let k = 1; k < 4; k++) if (best[k] >= toBeat) [turn, toBeat] = [quarters[k], best[k]];
  return turn;
}

/** FACE_NOT_UPRIGHT for a picture that stands up turned clockwise by `turnDeg`. */
function notUpright(turnDeg: 90 | 180 | 270): AppError {
  const how = turnDeg === 180 ? 'upside down: turn it half way round' : `on its side: turn it 90° ${turnDeg === 90 ? 'clockwise' : 'counter-clockwise'}`;
  return new AppError('FACE_NOT_UPRIGHT', `The picture is ${how} (in a photo viewer), then use it again.`, { detail: { turnDeg } });
}

/** Tiles a large picture is looked at in when the whole of it shows no face: this side, a quarter overlapping. */
export const FACE_TILE_SIDE = 1600;
const FACE_TILE_STEP = 1200;

/** A face narrower than this at the detector's scale is found again in a crop around it (closerBox). */
export const SMALL_FACE_AT_DETECTOR_PX = 48;

type Detector = Parameters<typeof detectFaces>[1];
type DetectorOptions = Parameters<typeof detectFaces>[2];

/**
 * The faces of a picture, best first. The detector sees the whole picture at its 640 px: a face of
 * 150 px in a 24-MP (6000x4000) photo reaches it at 16 px and is missed, though a photo's worth of
 * pixels (NO_FACE, where a crop of it made a photo that passed). When the whole shows none, a
 * picture over 1.25 tiles long is looked at in 1600-px tiles overlapping by a quarter, each at the
 * detector's 640; a face a tile cuts at its inner edge is left to the tile that holds it whole.
 */
async function findFaces(image: RgbaImage, detector: Detector, sessionOptions: DetectorOptions, gain: number): Promise<FaceBox[]> {
  const all = await detectFaces(image, detector, sessionOptions, { gain });
  if (all.length > 0 || Math.max(image.width, image.height) <= FACE_TILE_SIDE * 1.25) return all;
  const found: FaceBox[] = [];
  for (const tile of faceTiles(image.width, image.height)) {
    const faces = await detectFaces(cropRgba(image, tile.x, tile.y, tile.width, tile.height), detector, sessionOptions, { gain });
    // The tile's sides inside the picture, where a face may be cut.
    const cut = { left: tile.x > 0, top: tile.y > 0, right: tile.x + tile.width < image.width, bottom: tile.y + tile.height < image.height };
    const margin = 0.02 * Math.max(tile.width, tile.height);
    for (const f of faces) {
      if ((cut.left && f.x < margin) || (cut.top && f.y < margin) || (cut.right && f.x + f.width > tile.width - margin) || (cut.bottom && f.y + f.height > tile.height - margin)) continue;
      found.push(shiftBox(f, tile.x, tile.y));
    }
  }
  return suppressOverlaps(found, 0.4);
}

/** The tiles findFaces looks at: FACE_TILE_SIDE squares (less at a small side) stepping FACE_TILE_STEP, the last flush with the edge. */
export function faceTiles(width: number, height: number): { x: number; y: number; width: number; height: number }[] {
  const starts = (length: number): number[] => {
    if (length <= FACE_TILE_SIDE) return [0];
    const out: number[] = [];
    for (let at = 0; at + FACE_TILE_SIDE < length; at += FACE_TILE_STEP) out.push(at);
    out.push(length - FACE_TILE_SIDE);
    return out;
  };
  const tiles = [];
  for (const y of starts(height)) for (const x of starts(width)) tiles.push({ x, y, width: Math.min(FACE_TILE_SIDE, width), height: Math.min(FACE_TILE_SIDE, height) });
  return tiles;
}

/** A face box moved by (dx, dy), its points too. */
function shiftBox(f: FaceBox, dx: number, dy: number): FaceBox {
  return { ...f, x: f.x + dx, y: f.y + dy, points: f.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) };
}

/**
 * The face's box for its landmarks: a face under SMALL_FACE_AT_DETECTOR_PX at the detector's scale
 * is found again in a crop of three times its box around it, where it is some 200 px; its box at the
 * whole picture's scale was loose (a 141-px face boxed 124 px in a 6000x4000 photo: the chin point
 * 14 px high, the mouth read open). The box found there that overlaps it most, else the first.
 */
async function closerBox(image: RgbaImage, face: FaceBox, detector: Detector, sessionOptions: DetectorOptions, gain: number): Promise<FaceBox> {
  const atDetector = (face.width * detector.entry.input.width) / Math.max(image.width, image.height);
  if (atDetector >= SMALL_FACE_AT_DETECTOR_PX) return face;
  const side = Math.round(3 * Math.max(face.width, face.height));
  const x = Math.max(0, Math.min(image.width - side, Math.round(face.x + face.width / 2 - side / 2)));
  const y = Math.max(0, Math.min(image.height - side, Math.round(face.y + face.height / 2 - side / 2)));
  const crop = { x, y, width: Math.min(side, image.width - x), height: Math.min(side, image.height - y) };
  const again = (await detectFaces(cropRgba(image, crop.x, crop.y, crop.width, crop.height), detector, sessionOptions, { gain })).map((f) => shiftBox(f, crop.x, crop.y));
  const best = again.reduce<FaceBox | undefined>((b, f) => (!b || boxIou(f, face) > boxIou(b, face) ? f : b), undefined);
  return best && boxIou(best, face) > 0.3 ? best : face;
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
