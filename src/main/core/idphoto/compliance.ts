// The compliance report of one ID photo: each measurement in its unit with the spec's band and a
// pass flag, plus an overall pass. Pure typed-array code (core); measured on the output pixels.
import type { IdPhotoMeasurement } from '../../../shared/api';
import { CENTRE_TOLERANCE, CHECK_NAMES_EN, failedCheckLine, fileSizeBandEnds, isKbBandBothWays } from '../../../shared/idphoto-report';
import { parseHexColor } from '../image/composite';
import type { RgbaImage } from '../image/decode';
import { SRGB_TO_LINEAR, srgbLuminance } from '../image/tone';
import { unsureShare } from '../matting/unsure-share';
import { byteBand } from './exact-file';
import type { Point } from '../face/yunet';
import { asksClosedMouth, asksOpenEyes, type IdPhotoSpec } from './spec';

/** One measured value against its band (null bounds are open), in one of the report's units. */
export interface Measurement extends IdPhotoMeasurement {
  unit: 'mm' | 'deg' | 'count' | 'dE' | 'KB' | '%' | 'x' | 'L*' | 'EV';
}

/** The report written next to each ID photo (and shown by the UI's compliance panel). */
export interface ComplianceReport {
  specId: string;
  widthPx: number;
  heightPx: number;
  dpi: number;
  background: string;
  measurements: {
    crownChinMm: Measurement;
    eyeLineFromBottomMm: Measurement;
    crownMarginMm: Measurement;
    faceCentreOffsetMm: Measurement;
    tiltDeg: Measurement;
    faceCount: Measurement;
    backgroundUniformityDeltaE: Measurement;
    backgroundColourDeltaE: Measurement;
    clothingContrastDeltaE: Measurement;
    /** How much of the face (facePatchOf's patch) the cut-out holds, %: a matte that lost the face makes a photo of the background. */
    faceInCutoutPct: Measurement;
    /** How colourful the face is (C*ab): a black-and-white photo has none. Judged for document specs. */
    faceChroma: Measurement;
    faceLightness: Measurement;
    /** How much more light one cheek has than the other, in stops (lightingBalanceOf); judged for document specs. Absent where the cheeks could not be measured. */
    lightingBalanceEv?: Measurement;
    /** How much of the face is burnt out to white, in % (glareShareOf); judged for document specs. Absent where the face could not be measured. */
    glarePct?: Measurement;
    fileSizeKb?: Measurement;
    /** The cut-out's unsure share in % (matting/unsure-share.ts); fails above the model's calibrated threshold. */
    matteUnsurePct: Measurement;
    /** Present when the source cut the top of the hair: how much may be missing (mm). */
    hairCutMm?: Measurement;
    /** Present when the source cut the top of the hair: how wide the flat line it leaves across the top of the head is (mm). */
    hairCutWidthMm?: Measurement;
    /** Output pixels per source pixel (MAX_SOURCE_SCALE at most): how much the photo was enlarged from its source. */
    sourceScale?: Measurement;
    /** Present when the picture was too tight at the sides or bottom and the body was carried on past its edge: how far (mm; up to bodyCarryMaxMm, past which the photo is refused). */
    bodyCarriedMm?: Measurement;
    /** How far apart the lips are, % of the mouth's width (face/landmarks.ts mouthOpening); judged where the spec asks for a closed mouth. */
    mouthOpeningPct?: Measurement;
    /** How open the less open eye is, % of its width (face/landmarks.ts eyeOpening); judged where the spec asks for open eyes. */
    eyeOpeningPct?: Measurement;
    /** How far the pupils sit from the middle of the eyes, % of an eye's width (face/landmarks.ts gazeOffset); judged for document specs. */
    gazeOffsetPct?: Measurement;
    /** How far the head is turned from the camera, degrees (face/landmarks.ts headTurnDeg); judged for document specs. */
    headTurnDeg?: Measurement;
  };
  /** Guides in output pixels for drawing over the preview. */
  guides: { crownY: number; chinY: number; eyeY: number; centreX: number };
  pass: boolean;
}

// Every check the report can make has English words (the CLI, report.csv and the app's English name a failed one by them).
CHECK_NAMES_EN satisfies Record<keyof ComplianceReport['measurements'], string>;

/** Farthest a photo's background may be from the nearest colour its spec allows (ΔE76). */
export const BACKGROUND_COLOUR_MAX_DE = 6;

/** ΔE76 from a Lab colour (or a '#RRGGBB') to the nearest background colour the spec allows. */
export function nearestAllowedDeltaE(spec: Pick<IdPhotoSpec, 'background'>, colour: [number, number, number] | string): number {
  const lab = typeof colour === 'string' ? srgbToLab(...parseHexColor(colour)) : colour;
  return Math.min(...spec.background.allowed.map((h) => deltaE(srgbToLab(...parseHexColor(h)), lab)));
}

/** A report's value: to 0.01, without a -0. */
export function round2(v: number): number {
  return Math.round(v * 100) / 100 || 0;
}

/**
 * Builds a measurement; a null value passes only when `passIfMissing`. The value is shown to 0.01,
 * and judged as shown: "0 mm ≥ 0" never fails on a -0.004 behind it.
 */
export function measure(value: number | null, unit: Measurement['unit'], min: number | null, max: number | null, note?: string, passIfMissing = true): Measurement {
  const rounded = value === null ? null : round2(value);
  const pass = rounded === null ? passIfMissing : (min === null || rounded >= min - 1e-6) && (max === null || rounded <= max + 1e-6);
  return note ? { value: rounded, unit, min, max, pass, note } : { value: rounded, unit, min, max, pass };
}

/** CIE Lab's f(t). */
function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29;
}

/** sRGB 0..255 -> CIE Lab (D65); a fractional value is rounded to its 8-bit code. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const [r8, g8, b8] = [Math.round(r), Math.round(g), Math.round(b)];
  const R = SRGB_TO_LINEAR[r8];
  const G = SRGB_TO_LINEAR[g8];
  const B = SRGB_TO_LINEAR[b8];
  const X = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const Y = srgbLuminance(r8, g8, b8);
  const Z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = labF(X);
  const fy = labF(Y);
  const fz = labF(Z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIE76 colour difference. */
export function deltaE(a: [number, number, number], b: [number, number, number]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** What the pipeline measured geometrically, in output pixels. */
export interface ComplianceInput {
  spec: IdPhotoSpec;
  image: RgbaImage;
  alpha: Float32Array;
  backgroundHex: string;
  crownY: number;
  chin: Point;
  eyes: [Point, Point];
  centreX: number;
  /** Faces whose centre lies inside the output. */
  faceCount: number;
  /**
   * How far (output px) the crown may lie above the visible top of the head when the source cut
   * the hair; 0 or absent when the whole head is in the source.
   */
  crownHiddenPx?: number;
  /** The hair runs into the top edge of the source (so hairCutMm is reported, even near 0). */
  crownTouchesTop?: boolean;
  /** With crownTouchesTop: the width (output px) of the head where the source's top edge cuts it. */
  crownCutWidthPx?: number;
  /** The mask model's review threshold (manifest output.reviewUnsureShare); absent: the matte check always passes. */
  reviewUnsureShare?: number;
  /** Output pixels per pixel of the source across the photo (above 1: enlarged from the source); absent: not measured. */
  sourceScale?: number;
  /** How far (output px) the body was carried on past the picture's sides or bottom; 0 or absent when the photo lies inside the picture there. */
  bodyCarriedPx?: number;
  /** The lips' gap over the mouth's width (mouthOpening); absent: not measured. */
  mouthOpening?: number;
  /** The less open eye's lid gap over its width (eyeOpening); absent: not measured. */
  eyeOpening?: number;
  /** The pupils' mean offset from the middle of the eyes, in eye widths, + towards the photo's right (gazeOffset); absent: not measured. */
  gazeOffset?: number;
  /** The head's turn from the camera, degrees, + towards the photo's right (headTurnDeg); absent: not measured. */
  headTurnDeg?: number;
}

/**
 * Mean Lab of the pixels selected by `pick`, with their count. A run of one colour (the new
 * background, where the photo is measured most) is converted once: the same values as per pixel.
 * With `keep`, each pixel's Lab is written there too (`labs`, n·3 values; `keep` holds at least
 * that many); without, `labs` is empty (a photo-sized plane a call was most of a photo's garbage).
 */
export function meanLab(image: RgbaImage, pick: (i: number, x: number, y: number) => boolean, keep?: Float32Array): { lab: [number, number, number]; labs: Float32Array; n: number } {
  const { width, height, data } = image;
  const labs = keep ?? new Float32Array(0);
  let n = 0;
  let L = 0;
  let A = 0;
  let B = 0;
  let lastRgb = -1;
  let lab: [number, number, number] = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!pick(i, x, y)) continue;
      const rgb = (data[i * 4] << 16) | (data[i * 4 + 1] << 8) | data[i * 4 + 2];
      if (rgb !== lastRgb) {
        lab = srgbToLab(data[i * 4], data[i * 4 + 1], data[i * 4 + 2]);
        lastRgb = rgb;
      }
      if (keep) {
        if (n * 3 + 3 > keep.length) throw new Error('meanLab: more pixels picked than `keep` holds');
        keep[n * 3] = lab[0];
        keep[n * 3 + 1] = lab[1];
        keep[n * 3 + 2] = lab[2];
      }
      n++;
      L += lab[0];
      A += lab[1];
      B += lab[2];
    }
  }
  return { lab: n ? [L / n, A / n, B / n] : [0, 0, 0], labs: labs.subarray(0, n * 3), n };
}

/** The note of a measurement the spec sets no band for (the eye line of CN 1-inch, a file with no KB band). */
export const NO_BAND_NOTE = 'for information: the spec sets no limit';

/** The note of a file size band no size meets in both readings of a KB. */
export const KB_BAND_ONE_WAY_NOTE = 'no file size is inside this band both when a KB is 1000 bytes and when it is 1024: made to KB of 1024 bytes (a form that counts 1000 may find it too large; ask a band at least 2.4 % wide to meet both)';

/**
 * The most an ID photo may be enlarged from its source (output pixels per source pixel). At 2 a
 * 300-dpi photo holds 150 source pixels an inch, the usual floor for a sharp print; a face taken
 * small from a group or full-body photo goes past it and comes out soft.
 */
export const MAX_SOURCE_SCALE = 2;

/**
 * The least chroma (C*ab: ΔE76 from a grey of the same lightness) a face must show in a photo for
 * a document. A black-and-white photo's is about 0 (JPEG noise: under 2); skin of any tone under
 * plain light has 10 and more. 5 lies between, set from those two, not fitted to pictures.
 */
export const MIN_FACE_CHROMA = 5;

/**
 * The band of an ID photo's face lightness (mean CIE L* of the cheeks, nose and mouth). Skin
 * of every tone in plain light lies inside it (skin colorimetry puts the deepest tones near L* 30
 * and the fairest near 80: published figures, not measured here); a face in shadow or a photo
 * several stops too dark falls below (a reviewer's portrait darkened to a quarter measured 14.6),
 * a face burnt out by flash above. Set from those, not fitted to pictures; docs/idphoto.md gives
 * the eval portraits' spread.
 */
export const FACE_LIGHTNESS_BAND: readonly [number, number] = [24, 92];

/**
 * The widest the lips may be apart where a spec asks for a closed mouth, % of the mouth's width:
 * about 5 mm on an adult's 50-mm mouth, where the teeth show. A round figure set by that, not fitted
 * (though written after the values were seen): on the 31 one-face eval portraits PFLD measures the
 * closed mouths 0-6 % and the smiles that show teeth 11-27 % (docs/idphoto.md, "Expression": one
 * with a glimpse of teeth, 6 %, passes).
 */
export const MOUTH_OPEN_MAX_PCT = 10;

/**
 * The least the eyelids may be apart where a spec asks for open eyes, % of the eye's width (the
 * less open eye's). Set between what PFLD measures (docs/idphoto.md, "Eyes"): on the frames of the
 * `person_clips` videos, labelled by eye, seven in ten shut eyes read 1.6-12.8 % (the rest up to
 * 19 %, drawn partly open), eyes cast down 12-15 %, and open eyes looking at the camera 16.4 % and
 * more, as do the `id_portraits` faces (19.7 % and more; a smile's squint the least). It refuses
 * most blinks and no open eye; a shut eye PFLD draws partly open, or a wink, passes.
 */
export const EYES_OPEN_MIN_PCT = 13;

/**
 * The most light one cheek may have over the other where a spec is for a document, in stops (EV,
 * a doubling of light each; lightingBalanceOf). 1.5 EV is a lighting ratio of about 3:1, where
 * portrait lighting stops being flat and starts to model the face with a shadow side; passport
 * rules ask for even light with no shadows on the face. A round figure from that photographic
 * convention, not fitted: of the 30 eval portraits made into ICAO photos the two that show a shadow
 * side (df_img34 3.07, df_img24 1.75 EV; looked at once measured) are over it and every other is at
 * 1.03 or under; 845 `person_clips` frames, heads moving and talking, are within 0.79 (docs/idphoto.md, "Lighting").
 */
export const LIGHTING_BALANCE_MAX_EV = 1.5;

/** The face's axes in a photo: the eye line's height, the middle between the eyes, their distance across, and the eye line to the chin. */
function faceAxes(eyes: readonly [Point, Point], chin: Point): { eyeY: number; midX: number; eyeDistance: number; down: number } {
  const eyeY = (eyes[0].y + eyes[1].y) / 2;
  return { eyeY, midX: (eyes[0].x + eyes[1].x) / 2, eyeDistance: Math.abs(eyes[1].x - eyes[0].x), down: chin.y - eyeY };
}

/** The fewest opaque pixels each cheek needs for the lighting balance to be measured. */
const MIN_CHEEK_PIXELS = 30;

/**
 * How evenly the face is lit: the median luminance (linear light) of each cheek just under the
 * eyes, left and right of the eyes' midpoint, compared in stops. A cheek is the band from 15 to
 * 40 % of the way from the eye line to the chin, from 0.27 to 0.6 eye distances out from the
 * middle of the face (under the eye, clear of the nose's own shadow, the beard and the hair at the
 * side), where the person is opaque (alpha over 0.9). Medians, so a mole, a strand of hair or a
 * glint of glasses' rim does not count. Null when a cheek has too few pixels to measure.
 */
export function lightingBalanceOf(image: RgbaImage, alpha: Float32Array, eyes: readonly [Point, Point], chin: Point): { ev: number; darkerSide: 'left' | 'right' } | null {
  const { width, height, data } = image;
  const { eyeY, midX, eyeDistance, down } = faceAxes(eyes, chin);
  const y0 = Math.max(0, Math.ceil(eyeY + 0.15 * down));
  const y1 = Math.min(height - 1, Math.floor(eyeY + 0.4 * down));
  const near = 0.27 * eyeDistance;
  const far = 0.6 * eyeDistance;
  const sides: [number[], number[]] = [[], []];
  for (let y = y0; y <= y1; y++) {
    for (let x = Math.max(0, Math.ceil(midX - far)); x <= Math.min(width - 1, Math.floor(midX + far)); x++) {
      const dx = Math.abs(x - midX);
      const i = y * width + x;
      if (dx < near || alpha[i] <= 0.9) continue;
      const o = i * 4;
      sides[x < midX ? 0 : 1].push(srgbLuminance(data[o], data[o + 1], data[o + 2]));
    }
  }
  if (sides[0].length < MIN_CHEEK_PIXELS || sides[1].length < MIN_CHEEK_PIXELS) return null;
  const [left, right] = sides.map((v) => Math.max(1e-4, median(v)));
  return { ev: Math.abs(Math.log2(left / right)), darkerSide: left < right ? 'left' : 'right' };
}

/**
 * The most of the face that may be burnt out to white where a spec is for a document, % of the
 * face glareShareOf measures: passports ask for no hot spots or reflections on the skin or the
 * glasses. 2 % is about 4 mm² on an ICAO photo's face, a spot some 2.3 mm across (a flash's hot
 * spot on a forehead or a lens covers more). A round figure, not fitted: no photo in the
 * evaluation data shows a glare; the 30 eval portraits made into ICAO photos and the
 * `person_clips` frames read under 1 %, a shiny forehead's small highlight the most
 * (docs/idphoto.md, "Glare").
 */
export const GLARE_MAX_PCT = 2;

/**
 * The 8-bit level each of R, G and B reaches where a pixel is burnt out to white: skin of every tone
 * keeps its blue well under its red in plain light, so only a reflection of the light itself (a
 * flash's hot spot on the skin, a lamp in a glasses lens) or a face burnt out as a whole gets there.
 */
export const GLARE_LEVEL = 235;

/** The fewest opaque pixels the face needs for the glare to be measured. */
const MIN_GLARE_PIXELS = 100;

/**
 * How much of the face is burnt out to white (each channel at GLARE_LEVEL or more), as a share of
 * its opaque pixels (alpha over 0.9) in the box from 0.8 eye distances above the eye line down to
 * 45 % of the way to the chin, 0.8 eye distances either side of the middle: the forehead, the eyes
 * with any glasses' lenses, the nose and the cheekbones, where a flash's hot spots fall. It stops
 * above the mouth (teeth are white, and the mouth check judges them) and the jaw (a white collar
 * beside a narrow chin). Null when the face has too few pixels to measure.
 */
export function glareShareOf(image: RgbaImage, alpha: Float32Array, eyes: readonly [Point, Point], chin: Point): number | null {
  const { width, height, data } = image;
  const { eyeY, midX, eyeDistance, down } = faceAxes(eyes, chin);
  const reach = 0.8 * eyeDistance;
  let n = 0;
  let white = 0;
  for (let y = Math.max(0, Math.ceil(eyeY - reach)); y <= Math.min(height - 1, Math.floor(eyeY + 0.45 * down)); y++) {
    for (let x = Math.max(0, Math.ceil(midX - reach)); x <= Math.min(width - 1, Math.floor(midX + reach)); x++) {
      const i = y * width + x;
      if (alpha[i] <= 0.9) continue;
      n++;
      const o = i * 4;
      if (data[o] >= GLARE_LEVEL && data[o + 1] >= GLARE_LEVEL && data[o + 2] >= GLARE_LEVEL) white++;
    }
  }
  return n >= MIN_GLARE_PIXELS ? white / n : null;
}

/** The median of a list (the upper of the middle two), sorting it in place. */
function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

/**
 * The farthest the pupils may sit from the middle of the eyes where a spec is for a document, % of
 * an eye's width (gazeOffset): passports ask for the eyes to look at the camera. Set between what
 * PFLD measures on the `person_clips` frames labelled by eye (docs/idphoto.md, "Gaze"): eyes at or
 * near the camera read up to 10.0 % (a man in glasses, smiling), the eval portraits up to 7.8 %;
 * every frame over 12 % (37) looks to the side. 12 leaves a margin over the highest look at the
 * camera; glances that read 8 to 12 % pass.
 */
export const GAZE_OFFSET_MAX_PCT = 12;

/**
 * The most a head may be turned from the camera where a spec is for a document, degrees
 * (headTurnDeg): passports ask for a frontal pose (ISO/IEC 19794-5: within 5°), which a reading of
 * the landmarks cannot tell apart from a few degrees of its own error (a man facing the camera,
 * LivePortrait's d18, reads up to 6°). Set where a head is turned for anyone to see: the
 * id_portraits photos read up to 15° (df_img61, a slight turn), the person_clips frames from 17°
 * on were all turned away (docs/idphoto.md, "Head turn"); a round figure above both, not fitted. A
 * slight turn passes: look yourself.
 */
export const HEAD_TURN_MAX_DEG = 20;

/**
 * The most a head may be turned on a CN studio size (`use: general`: the 1- and 2-inch photos
 * that forms, certificates and exam registrations ask for), degrees: past it the face is seen
 * from the side (AFLW's image04331, posed 45.5°, reads 39°; image02420 reads 53°, the back of its
 * head cut by the photo's side), and every check passed such a photo. Looser than a document's:
 * the reading's own error is a few degrees, and a slight turn is a studio's choice; a résumé size
 * (a three-quarter pose is a style there) only shows the turn. Not fitted to a photo.
 */
export const HEAD_TURN_SIDE_VIEW_DEG = 30;

/** How much hair the source may have cut above the crown before the photo fails (mm, about 12 px at 300 dpi). */
export const HAIR_CUT_TOLERANCE_MM = 1;

/**
 * How wide the flat line a cut crown leaves across the top of the head may be (mm, 24 px at 300
 * dpi): a few strands touching the edge, not a head sliced flat. The hidden height alone let heads
 * cut flat over 7–12 mm pass (df_img53, df_img56: 0.6–0.95 mm of hair estimated missing), and the
 * line shows on any background; offices ask for the whole head. Set by what a print shows, not fitted.
 */
export const HAIR_CUT_WIDTH_MAX_MM = 2;

/**
 * How far past a tight picture's sides and bottom an ID photo may carry the body on, as a share of
 * the photo's shorter side (US 2×2: 8.5 mm; ICAO 35×45: 5.8 mm; CN 1-inch: 4.2 mm). A size wider
 * than the picture around the shoulders (US 2×2 is square) needs more shoulder than a portrait
 * cropped tight shows; carried on from the picture's edge (warpToPhoto), a few millimetres of
 * jacket or shirt read as what they are, where a straight cut through the shoulders would not.
 * Past this it is refused (TOO_TIGHT) rather than made up (make-id-photo.ts).
 */
export const BODY_CARRY_MAX_FRACTION = 1 / 6;

/** How far (mm) a photo of this size may carry the clothes on past its picture (BODY_CARRY_MAX_FRACTION of its shorter side). */
export function bodyCarryMaxMm(spec: Pick<IdPhotoSpec, 'widthMm' | 'heightMm'>): number {
  return BODY_CARRY_MAX_FRACTION * Math.min(spec.widthMm, spec.heightMm);
}

/** The plain background: pixels clearly not the person (alpha < 0.02), subsampled every 2 px, in Lab. */
function plainBackgroundOf(image: RgbaImage, alpha: Float32Array): ReturnType<typeof meanLab> {
  const every2 = Math.ceil(image.width / 2) * Math.ceil(image.height / 2);
  return meanLab(image, (i, x, y) => (x & 1) === 0 && (y & 1) === 0 && alpha[i] < 0.02, new Float32Array(every2 * 3));
}

/** The background colour check: the plain background's mean against the nearest colour the spec allows. */
function backgroundColourOf(bg: ReturnType<typeof meanLab>, spec: Pick<IdPhotoSpec, 'background'>): Measurement {
  return measure(bg.n ? nearestAllowedDeltaE(spec, bg.lab) : null, 'dE', null, BACKGROUND_COLOUR_MAX_DE, `nearest allowed colour: ${spec.background.allowed.join(', ')}`);
}

/**
 * The face's patch the colour and lightness checks measure: between the eye line and the chin,
 * within the eyes' span (cheeks, nose, mouth), the person opaque there (alpha over 0.9).
 */
export function facePatchOf(alpha: Float32Array, eyes: readonly [Point, Point], chin: Point): (i: number, x: number, y: number) => boolean {
  const { eyeY, midX, halfSpan } = facePatchSpan(eyes, chin);
  return (i, x, y) => y >= eyeY && y <= chin.y && Math.abs(x - midX) <= halfSpan && alpha[i] > 0.9;
}

/** The face patch's place (facePatchOf): from the eye line down to the chin, `halfSpan` either side of the face's middle. */
function facePatchSpan(eyes: readonly [Point, Point], chin: Point): { eyeY: number; midX: number; halfSpan: number } {
  const { eyeY, midX, eyeDistance } = faceAxes(eyes, chin);
  return { eyeY, midX, halfSpan: Math.max(2, eyeDistance * 0.6) };
}

/**
 * The least share of the face patch (facePatchOf, whatever its alpha) a photo's cut-out must hold
 * opaque, %. The eval portraits' photos hold all of it (a face is the surest part of a person's
 * matte); a matte that lost the person made a white photo that passed every check (an AFLW face
 * levelled on a picture with wide grey corners, during the levelled matte's making). Any spec:
 * a photo without the face is no photo. A round figure, not fitted.
 */
export const FACE_IN_CUTOUT_MIN_PCT = 80;

/**
 * The face-in-the-cut-out check. A face seen from the side (a head turned past
 * HEAD_TURN_SIDE_VIEW_DEG) is not judged by it: the patch, both sides of the face's middle, takes
 * in the backdrop beside such a face (AFLW image02420, turned 52°, read 57 % with its face whole in
 * the cut-out, "the person model lost the face"); the head-turn check fails such a photo on a
 * document or CN studio size. A slighter turn is judged (it was not past 20° before 6 December,
 * which let a CN studio photo of a head turned 20–30° with its face lost pass).
 */
function faceInCutoutOf(share: number | null, headTurnDeg: number | undefined): Measurement {
  const words = 'share of the face (from the eyes down to the chin) the cut-out holds opaque';
  if (headTurnDeg !== undefined && Math.abs(headTurnDeg) > HEAD_TURN_SIDE_VIEW_DEG) {
    return measure(share, '%', null, null, `${words}: not judged, the head is turned away from the camera and the patch takes in the backdrop beside the face`);
  }
  return measure(share, '%', FACE_IN_CUTOUT_MIN_PCT, null, `${words}: lower, part of the face is missing from the cut-out (the person model lost it, or the picture's own transparency hides it) and the photo shows the background there`, false);
}

/** The pixel count of facePatchOf's patch, whatever its alpha, inside a photo of width × height. */
function faceSpan(eyes: readonly [Point, Point], chin: Point, width: number, height: number): number {
  const { eyeY, midX, halfSpan } = facePatchSpan(eyes, chin);
  const x0 = Math.max(0, Math.ceil(midX - halfSpan));
  const x1 = Math.min(width - 1, Math.floor(midX + halfSpan));
  const y0 = Math.max(0, Math.ceil(eyeY));
  const y1 = Math.min(height - 1, Math.floor(chin.y));
  return Math.max(0, x1 - x0 + 1) * Math.max(0, y1 - y0 + 1);
}

/** The face brightness check of the face patch's mean Lab (facePatchOf): its L* against FACE_LIGHTNESS_BAND. */
export function faceLightnessOf(face: { lab: readonly number[]; n: number }): Measurement {
  return measure(face.n > 0 ? face.lab[0] : null, 'L*', FACE_LIGHTNESS_BAND[0], FACE_LIGHTNESS_BAND[1], 'mean CIE L* of the face: a face in shadow or an under-exposed photo is too dark, one burnt out by flash too light');
}

/** Measures an ID photo against its spec. */
export function buildComplianceReport(input: ComplianceInput): ComplianceReport {
  const { spec, image, alpha, crownY, chin, eyes } = input;
  const ppmm = image.height / spec.heightMm;
  const { eyeY, midX } = faceAxes(eyes, chin);
  const tilt = (Math.atan2(eyes[1].y - eyes[0].y, eyes[1].x - eyes[0].x) * 180) / Math.PI;
  const eyeBand = spec.eyeLineFromBottomMm ?? null;
  const crownBand = spec.crownMarginMm ?? null;

  // Background: how even its plain fill is (p95 ΔE76 from its mean), and its colour.
  const bg = plainBackgroundOf(image, alpha);
  let p95 = 0;
  if (bg.n > 0) {
    const d = new Float32Array(bg.n);
    for (let j = 0; j < bg.n; j++) d[j] = deltaE([bg.labs[j * 3], bg.labs[j * 3 + 1], bg.labs[j * 3 + 2]], bg.lab);
    d.sort();
    p95 = d[Math.min(bg.n - 1, Math.floor(bg.n * 0.95))];
  }

  // Clothing: opaque person pixels below the chin, in the bottom part of the photo.
  const clothTop = Math.max(chin.y + image.height * 0.04, image.height * 0.85);
  const cloth = meanLab(image, (i, _x, y) => y >= clothTop && alpha[i] > 0.9);
  const targetBg = bg.n ? bg.lab : srgbToLab(...parseHexColor(input.backgroundHex));
  const clothDe = cloth.n >= image.width * 2 ? deltaE(cloth.lab, targetBg) : null;

  // Colour: the face between the eye line and the chin, within the eyes' span (cheeks, nose, mouth).
  const face = meanLab(image, facePatchOf(alpha, eyes, chin));
  const facePatchPx = faceSpan(eyes, chin, image.width, image.height);
  const faceInCutout = facePatchPx > 0 ? (100 * face.n) / facePatchPx : null;
  const faceChroma = face.n > 0 ? Math.hypot(face.lab[1], face.lab[2]) : null;
  const isDocument = spec.use === 'document';

  // A crown cut by the source is known to within crownHiddenPx: both ends must meet the bands.
  const hiddenMm = (input.crownHiddenPx ?? 0) / ppmm;
  const centreTol = Math.round(CENTRE_TOLERANCE * spec.widthMm * 100) / 100;
  const visibleHead = (chin.y - crownY) / ppmm;
  const crownChin = measure(visibleHead, 'mm', spec.crownChinMm[0], spec.crownChinMm[1]);
  const crownMargin = measure(crownY / ppmm, 'mm', crownBand?.[0] ?? 0, crownBand?.[1] ?? null);
  if (hiddenMm > 0.05) {
    const tallest = measure(visibleHead + hiddenMm, 'mm', spec.crownChinMm[0], spec.crownChinMm[1]);
    const lowestMargin = measure(crownY / ppmm - hiddenMm, 'mm', crownBand?.[0] ?? 0, crownBand?.[1] ?? null);
    const note = `hair cut by the top of the source: the crown may be up to ${hiddenMm.toFixed(1)} mm higher than measured`;
    Object.assign(crownChin, { pass: crownChin.pass && tallest.pass, note, maxValue: tallest.value });
    Object.assign(crownMargin, { pass: crownMargin.pass && lowestMargin.pass, note, minValue: lowestMargin.value });
  }

  const lighting = lightingBalanceOf(image, alpha, eyes, chin);
  const glare = glareShareOf(image, alpha, eyes, chin);
  const measurements: ComplianceReport['measurements'] = {
    crownChinMm: crownChin,
    eyeLineFromBottomMm: measure((image.height - eyeY) / ppmm, 'mm', eyeBand?.[0] ?? null, eyeBand?.[1] ?? null, eyeBand ? undefined : NO_BAND_NOTE),
    crownMarginMm: crownMargin,
    faceCentreOffsetMm: measure((midX - image.width / 2) / ppmm, 'mm', -centreTol, centreTol, 'face centre (between the eyes) from the vertical centre line'),
    tiltDeg: measure(tilt, 'deg', -2, 2),
    faceCount: measure(input.faceCount, 'count', 1, 1),
    // The plain fill only (alpha < 0.02): old background left inside the soft edge is not measured
    // here (see docs/idphoto.md, "What the checks do not see").
    backgroundUniformityDeltaE: measure(bg.n ? p95 : null, 'dE', null, 3, 'p95 ΔE76 of the plain background pixels from their mean'),
    backgroundColourDeltaE: backgroundColourOf(bg, spec),
    clothingContrastDeltaE: measure(clothDe, 'dE', 12, null, clothDe === null ? 'no clothing visible' : 'ΔE76 between clothing and background'),
    faceInCutoutPct: faceInCutoutOf(faceInCutout, input.headTurnDeg),
    faceChroma: measure(faceChroma, 'dE', isDocument ? MIN_FACE_CHROMA : null, null, isDocument ? 'chroma of the face (ΔE76 from a grey of the same lightness): a black-and-white photo has none, and documents ask for colour' : NO_BAND_NOTE),
    // Every size, studio ones too: a face too dark to see is no photo of it (a black-and-white
    // résumé photo may do; a black face may not).
    faceLightness: faceLightnessOf(face),
    ...(lighting ? { lightingBalanceEv: measure(lighting.ev, 'EV', null, isDocument ? LIGHTING_BALANCE_MAX_EV : null, `the ${lighting.darkerSide} of the photo is darker: ${isDocument ? 'documents ask for the face lit evenly, with no shadow side (face a window or a lamp, or add light on the darker side)' : NO_BAND_NOTE}`) } : {}),
    ...(glare !== null ? { glarePct: measure(glare * 100, '%', null, isDocument ? GLARE_MAX_PCT : null, `share of the face burnt out to white by a reflection of the light: ${isDocument ? 'documents ask for no hot spots or glare on the face or glasses (turn off the flash, light the face from the front with soft light, tilt glasses a little down)' : NO_BAND_NOTE}`) } : {}),
    matteUnsurePct: measure(
      unsureShare(alpha, image.width, image.height) * 100,
      '%',
      null,
      input.reviewUnsureShare === undefined ? null : input.reviewUnsureShare * 100,
      'share of the person left half transparent where the model was unsure (hair, edges); a photo on a plainer background helps',
    ),
  };
  if (input.sourceScale !== undefined) {
    measurements.sourceScale = measure(input.sourceScale, 'x', null, MAX_SOURCE_SCALE, 'output pixels per pixel of the source: above 2 the photo is enlarged past half the spec\'s print resolution and looks soft; use a larger photo or one taken closer');
  }
  if (input.bodyCarriedPx) {
    measurements.bodyCarriedMm = measure(input.bodyCarriedPx / ppmm, 'mm', null, round2(bodyCarryMaxMm(spec)), 'the picture ends at the shoulders or below the chin closer than this size needs: the clothing is carried on past its edge in its own colours by up to this much (a sixth of the photo\'s shorter side at most; past that the photo is refused as too tight); a photo taken from further away shows the real shoulders');
  }
  if (input.mouthOpening !== undefined) {
    const asks = asksClosedMouth(spec);
    measurements.mouthOpeningPct = measure(input.mouthOpening * 100, '%', null, asks ? MOUTH_OPEN_MAX_PCT : null, asks ? 'how far apart the lips are, in % of the mouth\'s width: this rule asks for a neutral expression with the mouth closed (a smile that shows the teeth is refused)' : NO_BAND_NOTE);
  }
  if (input.eyeOpening !== undefined) {
    const asks = asksOpenEyes(spec);
    measurements.eyeOpeningPct = measure(input.eyeOpening * 100, '%', asks ? EYES_OPEN_MIN_PCT : null, null, asks ? 'how far apart the eyelids are, in % of the eye\'s width (the less open eye): this rule asks for the eyes open and clearly visible (a blink, or eyes cast down, is refused)' : NO_BAND_NOTE);
  }
  if (input.gazeOffset !== undefined) {
    const side = input.gazeOffset < 0 ? 'left' : 'right';
    const note = `the pupils sit towards the ${side} of the photo in the eyes: ${isDocument ? 'documents ask for the eyes to look at the camera (a glance to the side, or a head turned away from it, moves them)' : NO_BAND_NOTE}`;
    measurements.gazeOffsetPct = measure(Math.abs(input.gazeOffset) * 100, '%', null, isDocument ? GAZE_OFFSET_MAX_PCT : null, note);
  }
  if (input.headTurnDeg !== undefined) {
    const side = input.headTurnDeg < 0 ? 'left' : 'right';
    const max = isDocument ? HEAD_TURN_MAX_DEG : spec.use === 'general' ? HEAD_TURN_SIDE_VIEW_DEG : null;
    const ask = isDocument ? 'documents ask for the face turned straight to the camera' : 'an ID photo shows the face from the front, not from the side';
    const note = `the head is turned towards the ${side} of the photo: ${max !== null ? `${ask} (turn the head, or the camera, until the nose is midway between the cheeks)` : NO_BAND_NOTE}`;
    measurements.headTurnDeg = measure(Math.abs(input.headTurnDeg), 'deg', null, max, note);
  }
  // A visibly flat-cut hairline is more than a measuring matter: offices ask for the whole head.
  if (hiddenMm > 0.05 || input.crownTouchesTop) measurements.hairCutMm = measure(hiddenMm, 'mm', null, HAIR_CUT_TOLERANCE_MM, 'the hair runs into the top edge of the source; the missing part is estimated from the head outline at the edge; use a photo with room above the head');
  if (input.crownTouchesTop && input.crownCutWidthPx !== undefined) {
    measurements.hairCutWidthMm = measure(input.crownCutWidthPx / ppmm, 'mm', null, HAIR_CUT_WIDTH_MAX_MM, 'width of the flat line the top edge of the source cuts across the top of the head; use a photo with room above the head');
  }
  const pass = Object.values(measurements).every((m) => m.pass);
  return {
    specId: spec.id,
    widthPx: image.width,
    heightPx: image.height,
    dpi: spec.dpi,
    background: input.backgroundHex,
    measurements,
    guides: { crownY: round1(crownY), chinY: round1(chin.y), eyeY: round1(eyeY), centreX: round1(input.centreX) },
    pass,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * The checks a report fails, each as "name value unit (band)", e.g.
 * "backgroundColourDeltaE 89.62 ΔE (≤ 6 ΔE)"; a value known only as a range gives both ends. Empty
 * when the photo meets its spec. The CLI line, a batch's report and its UI list say these.
 */
export function failedChecks(report: { measurements: Record<string, IdPhotoMeasurement | undefined> }): string[] {
  return Object.entries(report.measurements).flatMap(([name, m]) => (m && !m.pass ? [failedCheckLine(name, m)] : []));
}

/**
 * The background's colour measured again on the pixels the file holds (`written`, decoded from it),
 * as an office's check reads them, and the report's pass recomputed. A JPEG squeezed into a small KB
 * band (quality 5 to 20) shifts a flat colour by several ΔE: the photo as made met the colour, its
 * file may not. The evenness stays as made: a JPEG's ringing beside the person is not an uneven backdrop.
 */
export function withWrittenBackground(report: ComplianceReport, written: RgbaImage, alpha: Float32Array, spec: Pick<IdPhotoSpec, 'background'>): ComplianceReport {
  const measurements = { ...report.measurements, backgroundColourDeltaE: backgroundColourOf(plainBackgroundOf(written, alpha), spec) };
  return { ...report, measurements, pass: Object.values(measurements).every((x) => x.pass) };
}

/** Whether a file's background colour fails only because its JPEG was squeezed (the photo as made had it): said with that cause, not as a wrong colour. */
export function isColourLostToJpeg(file: { report: ComplianceReport; madeReport: ComplianceReport; quality: number | null }): boolean {
  return file.quality !== null && !file.report.measurements.backgroundColourDeltaE.pass && file.madeReport.measurements.backgroundColourDeltaE.pass;
}

/** Adds the written file's size (KB of 1024 bytes) to a report and recomputes its pass. */
export function withFileSize(report: ComplianceReport, bytes: number, spec: IdPhotoSpec): ComplianceReport {
  // A band open at one end (--kb 50: at most 50 KB) reads "≤ 50", not "0–50".
  const ends = spec.fileSizeKb ? fileSizeBandEnds(spec.fileSizeKb) : { min: null, max: null };
  // A band too narrow to hold whether a KB is 1000 bytes or 1024 is met in KB of 1024 bytes: said (it passed unsaid, and a form counting 1000 took it for too large).
  const oneWay = spec.fileSizeKb && !isKbBandBothWays(spec.fileSizeKb) ? KB_BAND_ONE_WAY_NOTE : undefined;
  const m = measure(bytes / 1024, 'KB', ends.min, ends.max, spec.fileSizeKb ? oneWay : NO_BAND_NOTE);
  if (spec.fileSizeKb) {
    // Met whether a form counts a KB as 1,000 bytes or 1,024, as the file was written to (byteBand):
    // 3,958 bytes is 3.87 KB of 1,024 but 3.96 of 1,000, over a 3.9 KB ceiling. A file over the
    // ceiling only in 1,000-byte KB shows both readings ("3.87–3.96 KB").
    const [lo, hi] = byteBand(spec.fileSizeKb);
    m.pass = (ends.min === null || bytes >= lo) && (ends.max === null || bytes <= hi);
    if (!m.pass && ends.max !== null && bytes > hi && m.value! <= ends.max) m.maxValue = round2(bytes / 1000);
  }
  const measurements = { ...report.measurements, fileSizeKb: m };
  return { ...report, measurements, pass: Object.values(measurements).every((x) => x.pass) };
}
