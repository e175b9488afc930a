// The ID-photo pipeline: decode -> one face + landmarks -> person matte around the head ->
// crown from the alpha, chin from landmarks -> crop/scale/roll by the spec -> composite on the
// spec background -> compliance report -> exact file. Core (no electron).
import { AppError, errorKindOf, isInputFault } from '../../../shared/errors';
import { ID_PHOTO_REFINE, parseBrightness, type BrightnessSetting, type IdPhotoTurn, type RefineMode } from '../../../shared/jobs';
import { throwIfAborted } from '../abort';
import type { CoreEnv } from '../env';
import { analyseFace, type FaceAnalysis } from '../face/analyse-face';
import type { Point } from '../face/yunet';
import { eyeOpening, gazeOffset, headTurnDeg, mouthOpening } from '../face/landmarks';
import { parseBackground, parseHexColor } from '../image/composite';
import { brightnessTable } from '../image/tone';
import { boxBeforeTurn, isQuarterTurn, turnPicture, turnPlane, type QuarterTurn } from '../image/turn';
import { contentBox } from '../image/border-bars';
import type { PixelBox } from '../matting/closed-form';
import { autoBrightnessEv, composePhoto } from './auto-brightness';
import { decodeImage, decodeToWorkOn, type DecodedImage, type RgbaImage } from '../image/decode';
import { cropRgba, resizeRgba, resizeToRgb, type RgbImage } from '../image/resize';
import { assertNotAnInput, writeFileAtomic } from '../io/atomic-write';
import { estimateForeground } from '../matting/foreground';
import { flattenForMatting, keepOwnEdge, ownAlphaOf, unfadedOwnAlpha } from '../matting/own-alpha';
import { upsampleMaskGuided } from '../matting/guided-filter';
import { refineMatte, solveFullAlpha } from '../matting/refine';
import type { RunContext } from '../progress';
import { runMaskModel } from '../segment/mask-model';
import { decodeTrimapFile, TRIMAP_AUTO, TRIMAP_BG, TRIMAP_FG } from '../trimap/trimap-file';
import { resolveMaskModel } from '../pipelines/cutout';
import { CENTRE_TOLERANCE } from '../../../shared/idphoto-report';
import { wordList } from '../../../shared/labels';
import { bodyCarryMaxMm, buildComplianceReport, round2, withFileSize, withWrittenBackground, type ComplianceReport } from './compliance';
import { extensionText } from '../image/encode';
import { encodeIdPhoto, type EncodedIdPhoto } from './exact-file';
import { bandMid, estimateHiddenCrown, INVENTED_MIN_COUNT, inventedSides, LineFit, topEdgeCutWidth, outputToImage, sampleBilinear, scanCrown, toAligned, topMarginBand, type AlignedFrame, type InventedSide, type Placement, type Side } from './geometry';
import type { IdPhotoSpec } from './spec';
import { keepPersonMatte, PERSON_REACH_MM } from './person-matte';
import type { Box } from '../sticker/compose';

/** Options of one ID photo. */
export interface IdPhotoOptions {
  spec: IdPhotoSpec;
  /** Background: a preset name ('white', 'blue', ...) or '#RRGGBB'; default the spec's default. */
  background?: string;
  /** Edge refinement of the matte; default ID_PHOTO_REFINE ('full'). */
  refine?: RefineMode;
  /** Pick one face of a group photo (index into the MULTIPLE_FACES detail). */
  faceIndex?: number;
  /** Manual nudge within the spec: shift in mm (positive = photo content moves right / down) and head-size bias 0..1 of the band. */
  nudge?: { dxMm?: number; dyMm?: number; headBandPos?: number };
  /** Person-mask model id; default the task's default. */
  modelId?: string;
  /**
   * A touched-up trimap at the source's size (the editor's: 0 background, 128 unknown, 255
   * foreground, 64 where nothing is painted), e.g. old background painted away from the hair. It decides the matte where it
   * says background or foreground (placement included) and is solved with 'full' edges.
   */
  trimapPath?: string;
  /**
   * The person made lighter (+) or darker (−), in EV within ±ID_PHOTO_BRIGHTNESS_EV_MAX [0]: the
   * foreground colours take brightnessTable's curve before they are composed, so the background
   * stays the colour asked and the report measures the face as shown. It does not change the matte:
   * another brightness at the same place only composes, as another colour does. 'auto': the least
   * step that brings a face too dark or too light for the face brightness check into its band, 0
   * for one that passes (autoBrightnessEv); the result says the EV it took.
   */
  brightnessEv?: BrightnessSetting;
  /**
   * The picture turned clockwise before anything (IdPhotoTurn) [0]: one lying on its side. Its
   * touch-up's trimap is the picture's as it was, turned with it; a refusal's face boxes are said
   * on the picture as it was. 'auto': turned only where the face finder says it stands up so.
   */
  turn?: IdPhotoTurn;
}

/** Timings of one ID photo, ms. */
export interface IdPhotoTimings {
  decodeMs: number;
  faceMs: number;
  matteMs: number;
  layoutMs: number;
  totalMs: number;
}

/** A finished ID photo in memory. */
export interface IdPhotoResult {
  image: RgbaImage;
  alpha: Float32Array;
  report: ComplianceReport;
  /** Roll corrected, degrees (0 when |roll| ≤ 1°). */
  rollCorrectedDeg: number;
  face: FaceAnalysis;
  /** The nudge as applied (mm, to 0.01): less than asked where the spec's bands stop it; the head size placed, and the one asked for (a tight photo needs a larger head). */
  nudgeApplied: { dxMm: number; dyMm: number; headMm: number; headAskedMm: number };
  timings: IdPhotoTimings;
  /** The person model that cut the photo out, and the execution provider it ran on. */
  modelId: string;
  provider: string;
  /** The brightness the person was given, EV: the one asked, or the one 'auto' chose. */
  brightnessEv: number;
  /** The turn the picture was given, clockwise degrees: the one asked, or the one 'auto' chose (0: none). */
  turnDeg: 0 | QuarterTurn;
}

/**
 * Where the crown (top of the hair) can be when the source cuts it: at most this many eye-to-chin
 * distances above the eye line. In adults the eyes sit about half-way down the head (ratio ~1.0);
 * children's larger craniums and volume hair reach about 1.5. A sanity cap from proportions, not
 * fitted to any evaluation photo; the outline estimate below is the working bound.
 */
export const CROWN_ABOVE_EYES_MAX = 1.6;

/**
 * At the bottom, at most this share of the photo below the chin is carried on: a picture that ends
 * closer under the chin cuts through the neck, which carried on down reads as a column of skin.
 */
export const BOTTOM_CARRY_MAX_SHARE = 0.5;

/** Room kept inside the crown-chin band at each end when the crown is known only as a range (mm). */
const BAND_ALLOWANCE_MM = 0.25;

/**
 * Work area around the face: what the widest specs (US 2x2, Canada 50x70) can need, about
 * ±1.8 face widths, 1.3 face heights above and 1.5 below the face box, inside the picture's
 * content (`content`: inside the flat bars of a letterboxed picture, contentBox).
 */
function workRegion(face: FaceAnalysis, content: PixelBox): PixelBox {
  const f = face.face;
  const cx = f.x + f.width / 2;
  const x0 = Math.max(content.x, Math.floor(cx - 1.8 * f.width));
  const x1 = Math.min(content.x + content.width, Math.ceil(cx + 1.8 * f.width));
  const y0 = Math.max(content.y, Math.floor(f.y - 1.3 * f.height));
  // An interior edge counts as person where the alpha reaches it, so a crop never runs past it
  // onto the body (TOO_TIGHT instead).
  const y1 = Math.min(content.y + content.height, Math.ceil(f.y + f.height * 2.5));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Above this roll (degrees) the person model is shown the work image turned level about the eyes
 * (levelledMask). A person model learnt on people standing up: a head tilted 25° or more kept parts of
 * the backdrop beside it (a sign's letters by the hair of a picture tilted 50° went into the photo,
 * and its background checks read them as person). Up to about 10° the people a model learnt on
 * are tilted as much, and the picture is shown as it is (no resampling). Not tuned on a photo:
 * the tilt a person standing at ease shows.
 */
export const LEVEL_MASK_ROLL_DEG = 10;

/** Over how many mask pixels inside the level picture's edge levelledMask blends into the work image's own mask. */
const LEVEL_EDGE_BLEND_PX = 4;

/** A picture around the work image at its scale (or the work image itself): picture px = o + k × work px. */
export interface AroundWork {
  image: RgbaImage;
  ox: number;
  oy: number;
  kx: number;
  ky: number;
}

/**
 * The person model's mask of a work image (workW × workH): a head rolled by `rollDeg` (the eye
 * line's angle) is shown to `runModel` level, turned about `pivot` (the eyes' midpoint, work px) on a
 * picture of the work image's own size, the pivot where it was (so the person is as large in the
 * model's input as without the turn); its pixels are taken from `around`, a picture that reaches
 * past the work image as far as the level picture does (`reach`, work px) where the source does
 * (past that, its edge carried on, as the photo's warp does). The mask comes back onto the work
 * image's grid at the model's resolution; the work image's corners the level picture leaves out take
 * the mask of the work image as it is (a second run; the box of the whole work image turned instead
 * showed the person smaller, and a padded AFLW face came out empty). At or below
 * LEVEL_MASK_ROLL_DEG the work image is run as it is, once.
 */
export async function levelledMask<M extends { mask: Float32Array; width: number; height: number }>(
  work: RgbaImage,
  rollDeg: number,
  pivot: Point,
  around: (reach: Box) => Promise<AroundWork>,
  runModel: (image: RgbaImage) => Promise<M>,
): Promise<M> {
  if (!(Math.abs(rollDeg) > LEVEL_MASK_ROLL_DEG)) return runModel(work);
  const t = (rollDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const { width, height } = work;
  // Level pixel corner (X, Y) -> work point pivot + R(t)((X, Y) − pivot) -> picture point o + k × work.
  const wx0 = pivot.x - c * pivot.x + s * pivot.y;
  const wy0 = pivot.y - s * pivot.x - c * pivot.y;
  const corners = [
    [0, 0],
    [width, 0],
    [0, height],
    [width, height],
  ].map(([X, Y]) => ({ x: wx0 + c * X - s * Y, y: wy0 + s * X + c * Y }));
  const wide = await around({
    x0: Math.min(...corners.map((p) => p.x)),
    y0: Math.min(...corners.map((p) => p.y)),
    x1: Math.max(...corners.map((p) => p.x)),
    y1: Math.max(...corners.map((p) => p.y)),
  });
  const toPicture: PixelAffine = { x0: wide.ox + wide.kx * wx0, y0: wide.oy + wide.ky * wy0, xPerCol: wide.kx * c, yPerCol: wide.ky * s, xPerRow: -wide.kx * s, yPerRow: wide.ky * c };
  const { warped } = warpToPhoto(wide.image, null, toPicture, width, height, null);
  const result = await runModel(warped);
  // Back onto the work image's grid: work point p -> level point pivot + R(−t)(p − pivot). How
  // far inside the level picture each mask pixel is decides how much of the level mask it takes.
  const mx = result.width / width;
  const my = result.height / height;
  const mask = new Float32Array(result.width * result.height);
  const levelShare = new Float32Array(mask.length);
  let isAllLevel = true;
  for (let y = 0, i = 0; y < result.height; y++) {
    for (let x = 0; x < result.width; x++, i++) {
      const dx = (x + 0.5) / mx - pivot.x;
      const dy = (y + 0.5) / my - pivot.y;
      const u = (pivot.x + dx * c + dy * s) * mx - 0.5;
      const v = (pivot.y - dx * s + dy * c) * my - 0.5;
      const depth = Math.min(u + 0.5, result.width - 0.5 - u, v + 0.5, result.height - 0.5 - v);
      levelShare[i] = Math.min(1, Math.max(0, depth / LEVEL_EDGE_BLEND_PX));
      if (levelShare[i] < 1) isAllLevel = false;
      mask[i] = sampleBilinear(result.mask, result.width, result.height, Math.min(result.width - 1, Math.max(0, u)), Math.min(result.height - 1, Math.max(0, v)));
    }
  }
  if (!isAllLevel) {
    // The work image's corners the level picture leaves out (a crown the turn lifted past its top:
    // its edge carried out made a band of hair) take the mask of the work image as it is, blended
    // in over LEVEL_EDGE_BLEND_PX inside the level picture's edge.
    const plain = await runModel(work);
    for (let y = 0, i = 0; y < result.height; y++) {
      for (let x = 0; x < result.width; x++, i++) {
        if (levelShare[i] >= 1) continue;
        const own = sampleBilinear(plain.mask, plain.width, plain.height, ((x + 0.5) * plain.width) / result.width - 0.5, ((y + 0.5) * plain.height) / result.height - 0.5, 0);
        mask[i] = levelShare[i] * mask[i] + (1 - levelShare[i]) * own;
      }
    }
  }
  return { ...result, mask };
}

/** How far inside the top-margin band a nudge stops (mm): see the placement search. */
export const NUDGE_INSET_MM = 0.1;

/** The grid (mm) on which the smallest head that fits a tight photo is searched: a hundredth, as the head size is shown. */
const HEAD_STEP_MM = 0.01;

/**
 * What of an ID photo depends on the picture and not on where its head is placed nor on the
 * background colour: the face, the work image around the head, the person's matte on it (with a
 * touched-up trimap's strokes held). The live preview places every nudge and colour on one
 * (IdPhotoAnalyses); a job makes its own.
 */
export interface IdPhotoAnalysis {
  face: FaceAnalysis;
  /** The source region the work image covers, and its scale (work px per source px). */
  region: PixelBox;
  /** The picture's content: inside the flat bars of a letterboxed one (contentBox), else all of it. */
  content: PixelBox;
  workScale: number;
  work: RgbaImage;
  /** Alpha on the work image: the guided filter's for 'full' edges (solved again on the output), else refined. */
  alpha: Float32Array;
  /** The touched-up trimap on the work image, or null. */
  workTrimap: Uint8Array | null;
  /**
   * A picture with transparency of its own (a cut-out made elsewhere, or saved from the Cut-out
   * workspace), at the work image's size: its colours as they are (not flattened) and its alpha
   * (unfadedOwnAlpha); null for an opaque picture. The photo keeps its edge (keepOwnEdge).
   */
  workOwn: RgbaImage | null;
  refine: RefineMode;
  model: Awaited<ReturnType<typeof resolveMaskModel>>;
  provider: string;
  faceMs: number;
  matteMs: number;
  /**
   * The photo's matte as last placed on this analysis (at most four placements, the newest first):
   * another background colour at the same place is composed on it, without solving the edges or
   * estimating the hair's colours again.
   */
  placements: PlacedMatte[];
}

/** The most pixels of placed mattes kept with one analysis (IdPhotoAnalysis.placements): about 32 MB. */
const PLACED_PIXELS_MAX = 4_000_000;

/** What one placement of the photo makes before its background colour: the alpha (solved, one person kept) and the foreground colours. */
interface PlacedMatte {
  /** The placement: its warp and size. */
  key: string;
  alpha: Float32Array;
  colours: RgbaImage;
}

/** The options an analysis depends on: the face picked, the model, the edges, the trimap, and the spec's size and head band (the work image's scale). */
function idPhotoAnalysisKey(options: IdPhotoOptions): string {
  const { spec } = options;
  return JSON.stringify([options.faceIndex ?? null, options.modelId ?? null, options.refine ?? null, options.trimapPath ?? null, spec.heightPx, spec.heightMm, spec.crownChinMm]);
}

/** Finds the face and cuts the person out of the region around the head (IdPhotoAnalysis). */
export async function analyseIdPhoto(source: RgbaImage, options: IdPhotoOptions, env: CoreEnv, ctx: RunContext = {}, findFace = (): Promise<FaceAnalysis> => analyseFace(source, env, { faceIndex: options.faceIndex })): Promise<IdPhotoAnalysis> {
  const { spec } = options;
  const { signal, onProgress } = ctx;
  const t0 = performance.now();
  // Progress is counted per stage (the job's stage spans in shared/jobs.ts put them on one bar).
  onProgress?.({ stage: 'detect', done: 0, total: 1 });
  const face = await findFace();
  throwIfAborted(signal);
  const t1 = performance.now();

  // Work image: the region around the head, scaled so the crop is ~1.1x the output resolution.
  onProgress?.({ stage: 'segment', done: 0, total: 1 });
  // A letterboxed picture's bars are neither person nor background: the photo is made of what is
  // inside them, as if they were its edges (a body running into the bottom bar made a black wedge
  // under it, which the background checks did not see).
  const content = contentBox(source);
  const region = workRegion(face, content);
  const estHeadPx = 1.45 * face.face.height;
  const estCropPx = (spec.heightMm / bandMid(spec.crownChinMm)) * estHeadPx;
  const workScale = Math.min(1, (1.1 * spec.heightPx) / estCropPx);
  const workW = Math.max(8, Math.round(region.width * workScale));
  const workH = Math.max(8, Math.round(region.height * workScale));
  const crop = region.x === 0 && region.y === 0 && region.width === source.width && region.height === source.height ? source : cropRgba(source, region.x, region.y, region.width, region.height);
  // A picture with transparency of its own is matted as the cut-out matting sees one: on the
  // backdrop that stands apart from its edge (flattenForMatting; it was flattened on white, and a
  // cut-out's soft hair then came out as a white haze on the new colour), and its edge is kept.
  // (A picture decoded from a file without an alpha channel, a JPEG, is known opaque without a scan.)
  const cropOwn = ownAlphaOf({ ...crop, hasAlpha: (source as RgbaImage & { hasAlpha?: boolean }).hasAlpha });
  const unfaded = cropOwn && unfadedOwnAlpha(cropOwn);
  let work: RgbaImage;
  let workOwn: RgbaImage | null = null;
  if (unfaded) {
    const withOwn = new Uint8Array(crop.data);
    for (let i = 0; i < unfaded.length; i++) withOwn[i * 4 + 3] = unfaded[i];
    workOwn = await resizeRgba({ data: withOwn, width: crop.width, height: crop.height }, workW, workH, 'linear');
    work = flattenForMatting(workOwn);
  } else {
    // Opaque, or faded as a whole: its colours as they are, opaque (a person in an ID photo is).
    const rgb = await resizeToRgb(crop, workW, workH, { kernel: 'linear', flatten: false });
    work = opaqueRgba(rgb);
  }
  const sx = workW / region.width;
  const sy = workH / region.height;
  const model = await resolveMaskModel(env, 'person', options.modelId);
  // The person model takes the gain the face models took on the same picture (exposureGain), and
  // sees a tilted head levelled (levelledMask).
  const eyeMid = { x: ((face.eyes[0].x + face.eyes[1].x) / 2 - region.x) * sx, y: ((face.eyes[0].y + face.eyes[1].y) / 2 - region.y) * sy };
  const around = async (reach: Box): Promise<AroundWork> => {
    // A picture with transparency of its own is levelled from its work image (edge carried on).
    if (workOwn) return { image: work, ox: 0, oy: 0, kx: 1, ky: 1 };
    // The source as far as the level picture reaches (inside its content), at the work scale.
    const x0 = Math.max(content.x, Math.floor(region.x + reach.x0 / sx) - 1);
    const y0 = Math.max(content.y, Math.floor(region.y + reach.y0 / sy) - 1);
    const x1 = Math.min(content.x + content.width, Math.ceil(region.x + reach.x1 / sx) + 1);
    const y1 = Math.min(content.y + content.height, Math.ceil(region.y + reach.y1 / sy) + 1);
    const w = Math.max(1, Math.round((x1 - x0) * sx));
    const h = Math.max(1, Math.round((y1 - y0) * sy));
    const image = opaqueRgba(await resizeToRgb(cropRgba(source, x0, y0, x1 - x0, y1 - y0), w, h, { kernel: 'linear', flatten: false }));
    const kx = w / (x1 - x0) / sx;
    const ky = h / (y1 - y0) / sy;
    return { image, ox: (region.x - x0) * sx * kx, oy: (region.y - y0) * sy * ky, kx, ky };
  };
  const mask = await levelledMask(work, face.rollDeg, eyeMid, around, (image) => runMaskModel(image, model, { provider: env.provider, threads: env.threads }, { exposureGain: face.exposureGain }));
  throwIfAborted(signal);
  // Alpha here; foreground colours later on the output-sized crop only (estimating them on the
  // whole work region cost 2-3x more for pixels that are cropped away). 'full' places the crop on
  // the exact guided-filter alpha (its warm start) and solves on the output, below.
  // A touched-up trimap is solved with full edges, as a cut-out's is.
  const userTrimap = options.trimapPath ? await turnedTrimap(options.trimapPath, source, options.turn) : null;
  const refine = userTrimap ? 'full' : (options.refine ?? ID_PHOTO_REFINE);
  const alpha =
    refine === 'full'
      ? upsampleMaskGuided(mask.mask, mask.width, mask.height, work)
      : (await refineMatte({ image: work, mask: mask.mask, maskW: mask.width, maskH: mask.height, mode: refine, shouldEstimateForeground: false }, { signal })).alpha;
  throwIfAborted(signal);
  // The trimap on the work image (nearest source pixel); its background and foreground hold before
  // the crown is looked for, so a blob painted away no longer counts as hair.
  const workTrimap = userTrimap ? sampleTrimap(userTrimap, source.width, source.height, { x0: region.x + 0.5 / sx, y0: region.y + 0.5 / sy, xPerCol: 1 / sx, yPerCol: 0, xPerRow: 0, yPerRow: 1 / sy }, workW, workH) : null;
  if (workTrimap) {
    for (let i = 0; i < alpha.length; i++) {
      if (workTrimap[i] === TRIMAP_BG) alpha[i] = 0;
      else if (workTrimap[i] === TRIMAP_FG) alpha[i] = 1;
    }
  }
  return { face, region, content, workScale, work, alpha, workTrimap, workOwn, refine, model, provider: mask.provider, faceMs: t1 - t0, matteMs: performance.now() - t1, placements: [] };
}

/**
 * The last few pictures' analyses used, by a key the caller gives each picture (its path, size and
 * time): the live preview places a nudge, a head size or a colour on the analysis it made (the face
 * and the matte took about half of each preview). Only finished analyses are kept: a cancelled
 * preview leaves nothing half made.
 *
 * The face found for a picture and face pick is kept apart, and so is the face finder's refusal
 * (NO_FACE, MULTIPLE_FACES, ...): another spec or edge mode is analysed without finding the face
 * again, and a refused picture's preview is refused again at once at each control change, until
 * a face is picked. A missing or broken model is not kept: it may be mended.
 */
export class IdPhotoAnalyses {
  private entries: { key: string; analysis: IdPhotoAnalysis }[] = [];
  private faces: { key: string; face?: FaceAnalysis; refusal?: AppError }[] = [];

  constructor(private readonly size = 2) {}

  /** The picture's analysis for these options: the one kept (`isNew` false), or one made now and kept. */
  async get(sourceKey: string, source: RgbaImage, options: IdPhotoOptions, env: CoreEnv, ctx: RunContext = {}): Promise<{ analysis: IdPhotoAnalysis; isNew: boolean }> {
    const key = `${sourceKey}\0${idPhotoAnalysisKey(options)}`;
    const hit = this.entries.find((e) => e.key === key);
    const analysis = hit?.analysis ?? (await analyseIdPhoto(source, options, env, ctx, () => this.face(sourceKey, source, options.faceIndex, env)));
    // The one used last is kept longest.
    this.entries = [{ key, analysis }, ...this.entries.filter((e) => e.key !== key)].slice(0, this.size);
    return { analysis, isNew: !hit };
  }

  /** The face of the picture for this pick: the one kept, or found now; a refusal kept is thrown again. */
  private async face(sourceKey: string, source: RgbaImage, faceIndex: number | undefined, env: CoreEnv): Promise<FaceAnalysis> {
    const key = `${sourceKey}\0${faceIndex ?? ''}`;
    let kept = this.faces.find((e) => e.key === key);
    if (!kept) {
      try {
        kept = { key, face: await analyseFace(source, env, { faceIndex }) };
      } catch (error) {
        // A refusal of what the picture shows comes again for the same picture (isInputFault); a
        // missing model or a bad face index is not kept.
        if (!(error instanceof AppError && isInputFault(error.code, errorKindOf(error.detail)))) throw error;
        kept = { key, refusal: error };
      }
    }
    // A few picks for each picture kept.
    this.faces = [kept, ...this.faces.filter((e) => e.key !== key)].slice(0, 4 * this.size);
    if (kept.refusal) throw kept.refusal;
    return kept.face!;
  }
}

/** Where a picture's analysis is kept (the engine's caches), and the key naming the picture as its file was (path, size, time). */
export interface IdPhotoAnalysesOf {
  analyses: IdPhotoAnalyses;
  sourceKey: string;
}

/**
 * The picture an app's ID photo is made from, already decoded, and the analyses the live preview
 * made of it: Export places the photo on the analysis its preview made.
 */
export interface IdPhotoReuse extends IdPhotoAnalysesOf {
  source: RgbaImage;
}

/**
 * A touch-up's trimap, drawn on the picture as it was, on `source` (the picture turned by `turn`,
 * a quarter turn or none).
 */
async function turnedTrimap(path: string, source: RgbaImage, turn: IdPhotoTurn | undefined): Promise<Uint8Array> {
  const from = (source as DecodedImage).downscaledFrom;
  if (!turn || turn === 'auto') return decodeTrimapFile(path, source.width, source.height, from);
  // The picture's size before the turn (and before a downscale).
  const [w, h] = turn === 180 ? [source.width, source.height] : [source.height, source.width];
  const ownSize = from && (turn === 180 ? from : { width: from.height, height: from.width });
  return turnPlane(await decodeTrimapFile(path, w, h, ownSize), w, h, turn);
}

/**
 * Cuts one ID photo out of a decoded image (its analysis taken from, or kept in, `kept` when
 * given); nothing is written. The picture is turned first as options.turn says.
 */
export async function makeIdPhoto(source: RgbaImage, options: IdPhotoOptions, env: CoreEnv, ctx: RunContext = {}, kept?: IdPhotoAnalysesOf): Promise<IdPhotoResult> {
  const turn = options.turn ?? 0;
  if (turn === 'auto') {
    try {
      return await makeIdPhoto(source, { ...options, turn: 0 }, env, ctx, kept);
    } catch (error) {
      // Stood up by the turn the face finder names, and made again (it failed before the matte).
      const named = error instanceof AppError && error.code === 'FACE_NOT_UPRIGHT' ? (error.detail as { turnDeg?: unknown } | undefined)?.turnDeg : undefined;
      if (!isQuarterTurn(named) || named === 0) throw error;
      return makeIdPhoto(source, { ...options, turn: named }, env, ctx, kept);
    }
  }
  if (turn === 0) return makeUprightIdPhoto(source, options, env, ctx, kept, 0);
  const turned = turnPicture(source, turn);
  try {
    return await makeUprightIdPhoto(turned, options, env, ctx, kept && { ...kept, sourceKey: `${kept.sourceKey}\0turned ${turn}` }, turn);
  } catch (error) {
    throw error instanceof AppError ? boxesBeforeTurn(error, source.width, source.height, turn) : error;
  }
}

/** A refusal of a turned picture whose detail names face boxes (MULTIPLE_FACES, FACE_CUT_OFF, a face index past them), said on the picture as it was, with the turn (detail.turnedDeg). */
function boxesBeforeTurn(error: AppError, width: number, height: number, turn: QuarterTurn): AppError {
  const detail = error.detail as { boxes?: unknown; box?: unknown } | undefined;
  if (!detail || typeof detail !== 'object' || (!Array.isArray(detail.boxes) && !detail.box)) return error;
  type WireBox = { x: number; y: number; width: number; height: number };
  const back = (b: WireBox) => boxBeforeTurn(b, width, height, turn);
  const said = {
    ...detail,
    ...(Array.isArray(detail.boxes) ? { boxes: (detail.boxes as WireBox[]).map(back) } : {}),
    ...(detail.box ? { box: back(detail.box as WireBox) } : {}),
    turnedDeg: turn,
  };
  return new AppError(error.code, error.message, { cause: error, detail: said });
}

/** makeIdPhoto on a picture already turned upright (by `turnDeg`, said in the result). */
async function makeUprightIdPhoto(source: RgbaImage, options: IdPhotoOptions, env: CoreEnv, ctx: RunContext, kept: IdPhotoAnalysesOf | undefined, turnDeg: 0 | QuarterTurn): Promise<IdPhotoResult> {
  const { spec } = options;
  const { signal, onProgress } = ctx;
  const t0 = performance.now();
  const bgHex = idPhotoBackground(options.background, spec);
  const bgRgb = parseHexColor(bgHex);
  // Refused before any work, as a colour that is not one is.
  const brightness = parseBrightness(options.brightnessEv ?? 0);
  const { analysis: a, isNew } = kept ? await kept.analyses.get(kept.sourceKey, source, options, env, ctx) : { analysis: await analyseIdPhoto(source, options, env, ctx), isNew: true };
  const { face, region, content, workScale, work, alpha, workTrimap, workOwn, refine, model } = a;
  const workW = work.width;
  const workH = work.height;
  const sx = workW / region.width;
  const sy = workH / region.height;
  const toWork = (p: Point): Point => ({ x: (p.x - region.x) * sx, y: (p.y - region.y) * sy });
  const t2 = performance.now();
  let solveMs = 0;

  // Eye-aligned frame (roll corrected only above 1 degree).
  onProgress?.({ stage: 'composite', done: 0, total: 2 });
  const eyesW = face.eyes.map(toWork) as [Point, Point];
  const chinW = toWork(face.chin);
  const rollCorrectedDeg = Math.abs(face.rollDeg) > 1 ? face.rollDeg : 0;
  const frame: AlignedFrame = { originX: (eyesW[0].x + eyesW[1].x) / 2, originY: (eyesW[0].y + eyesW[1].y) / 2, angleRad: (rollCorrectedDeg * Math.PI) / 180 };
  const faceWw = face.face.width * sx;
  const faceHw = face.face.height * sy;
  const chinA = toAligned(frame, chinW);
  const eyeA = eyesW.map((e) => toAligned(frame, e));
  const eyeV = (eyeA[0].v + eyeA[1].v) / 2;
  const uCentre = (eyeA[0].u + eyeA[1].u) / 2;
  const scan = scanCrown(alpha, workW, workH, frame, uCentre - 0.3 * faceWw, uCentre + 0.3 * faceWw, eyeV, eyeV - 3 * faceHw);
  let crownV: number;
  // Crown cut by the top edge of the source: the visible top is a lower bound; the crown may be up
  // to CROWN_ABOVE_EYES_MAX eye-chin distances above the eye line. Both ends must fit the band.
  let hiddenPx = 0;
  /** With a cut crown: the width (work px) of the flat line the source's top edge cuts across the head. */
  let cutWidthPx = 0;
  // The hair runs into the source's own top edge (not just the matte region's), or its top bar's.
  const cutAtTop = scan?.touchesTop === true && region.y === content.y;
  if (scan) {
    crownV = scan.crownV;
    if (cutAtTop) {
      // Two bounds on the hidden part: the head's outline at the edge (an ellipse through the
      // cut) and the proportions prior; the smaller one holds.
      const prior = crownV - Math.min(crownV, eyeV - CROWN_ABOVE_EYES_MAX * (chinA.v - eyeV));
      const eyeMidW = { x: (eyesW[0].x + eyesW[1].x) / 2, y: (eyesW[0].y + eyesW[1].y) / 2 };
      const outline = estimateHiddenCrown(alpha, workW, workH, eyeMidW.x, eyeMidW.y);
      hiddenPx = Math.min(prior, outline.hiddenPx);
      // Across the face's width and then some (a rolled head's crown sits to the side of the eyes'
      // midpoint; the outline's chord went through their midpoint's column only).
      cutWidthPx = topEdgeCutWidth(alpha, workW, eyeMidW.x - 0.6 * faceWw, eyeMidW.x + 0.6 * faceWw);
      const upper = crownV - hiddenPx;
      // Both ends must fit the band with a measuring allowance at each side.
      const [bMin, bMax] = spec.crownChinMm;
      if (!(chinA.v - crownV > 4) || (chinA.v - upper) / (chinA.v - crownV) > (bMax - BAND_ALLOWANCE_MM) / (bMin + BAND_ALLOWANCE_MM)) {
        throw new AppError('FACE_CUT_OFF', 'The top of the head is cut off by the top edge of the picture.', {
          detail: { sides: ['top'], hiddenFraction: Math.round((hiddenPx / Math.max(1, chinA.v - upper)) * 1000) / 1000 },
        });
      }
    }
  } else {
    // The matte missed the head: fall back on the usual crown height above the eyes.
    crownV = eyeV - 0.95 * (chinA.v - eyeV);
  }
  const headPx = chinA.v - crownV;
  if (!(headPx > 4)) throw new AppError('NO_FACE', 'The head could not be measured in this picture.', { detail: { count: 1 } });

  // Head size: mid-band (or the nudge's position), then larger within the band if the photo is tight.
  // With a hidden crown, the band is narrowed so that both the visible head and the tallest
  // possible one (visible + hidden) land inside the spec's band.
  const ppmm = spec.heightPx / spec.heightMm;
  const hiddenRatio = (headPx + hiddenPx) / headPx;
  const allowance = hiddenPx > 0 ? BAND_ALLOWANCE_MM : 0;
  const hMin = spec.crownChinMm[0] + allowance;
  const hMax = (spec.crownChinMm[1] - allowance) / hiddenRatio;
  const bw = hMax - hMin;
  const headStart = hMin + bw * Math.min(0.9, Math.max(0.1, options.nudge?.headBandPos ?? 0.5));
  const headCandidates = [headStart];
  for (let i = 1; i <= 4; i++) headCandidates.push(Math.min(hMax - 0.1 * bw, headStart + (i * (hMax - 0.1 * bw - headStart)) / 4));
  const dx = options.nudge?.dxMm ?? 0;
  const dy = options.nudge?.dyMm ?? 0;
  let chosen: Placement | null = null;
  let firstSides: Side[] = [];
  // Past the picture's own edges (not the work region's, inside a larger picture) at the sides and
  // bottom, the body may be carried on (the report's bodyCarriedMm): the placement that carries it least.
  const pictureEdge: Record<Side, boolean> = {
    top: false,
    left: region.x === content.x,
    right: region.x + region.width === content.x + content.width,
    bottom: region.y + region.height === content.y + content.height,
  };
  const carryMaxMm = bodyCarryMaxMm(spec);
  // (Assigned in placeHead: declared so that TypeScript does not narrow it to null here.)
  let carried = null as { placement: Placement; depthMm: number } | null;
  // Centred first; then off-centre by up to the tolerance, when one side lacks pixels.
  const centreTolMm = CENTRE_TOLERANCE * spec.widthMm;
  const step = centreTolMm / 2;
  /** The placement of a head of headMm shifted by shiftMm, or the sides it would have to invent (none when its top band is empty). */
  const placeHead = (headMm: number, shiftMm: number): { placement: Placement } | { sides: Side[] } => {
    const k = (headMm * ppmm) / headPx;
    // The margin rules hold for the tallest possible crown: the visible one sits hiddenMm lower.
    const hiddenMm = (hiddenPx * k) / ppmm;
    const crownToEyeMm = ((eyeV - crownV) * k) / ppmm + hiddenMm;
    const fit = topMarginBand(spec, headMm + hiddenMm, crownToEyeMm);
    // A crown-margin rule must hold from the tallest crown (t) to the visible one (t + hiddenMm).
    const band: [number, number] = spec.crownMarginMm && hiddenMm > 0 ? [fit.band[0], Math.min(fit.band[1], spec.crownMarginMm[1] - hiddenMm)] : fit.band;
    if (band[1] < band[0]) return { sides: [] };
    const preferred = Math.min(band[1], Math.max(band[0], fit.preferred));
    const tops = [preferred];
    for (let i = 0; i <= 8; i++) tops.push(band[0] + ((band[1] - band[0]) * i) / 8);
    tops.sort((a, b) => Math.abs(a - preferred) - Math.abs(b - preferred));
    // A nudge stops NUDGE_INSET_MM inside the band: the crown measured on the finished photo can
    // sit a few hundredths of a millimetre off where it was placed (a nudge to the very edge of
    // CN 1-inch's 2–5 mm read 1.97 mm and failed its own check).
    const inset = Math.min(NUDGE_INSET_MM, (band[1] - band[0]) / 4);
    let first: Side[] = [];
    for (const topMm of tops) {
      const t = dy === 0 ? topMm : Math.min(band[1] - inset, Math.max(band[0] + inset, topMm + dy));
      // The nudge moves the face within the centre tolerance, never out of it.
      const sideMm = Math.min(centreTolMm, Math.max(-centreTolMm, dx + shiftMm));
      const placement: Placement = { k, uCentre: uCentre - (sideMm * ppmm) / k, crownV, topPx: (t + hiddenMm) * ppmm, headMm, topMarginMm: t, nudgeMm: { dx: sideMm - shiftMm, dy: t - topMm } };
      // Above a cut crown the output shows background: the hair is not continued.
      const reached = inventedSides(alpha, workW, workH, frame, placement, spec.widthPx, spec.heightPx).filter(({ side }) => !(hiddenPx > 0 && side === 'top'));
      const invented = reached.filter(({ count }) => count >= INVENTED_MIN_COUNT);
      if (invented.length === 0) return { placement };
      // What would be carried on (warpToPhoto carries past every edge of the picture's own but the
      // top, a stray strand too) must be clothes: below the chin at the sides (above it, hair or a
      // face's edge would be drawn out sideways), and at the bottom, at most half of what the photo
      // shows below the chin (past that, the neck is carried down as a column of skin).
      const chinY = (chinA.v - crownV) * k + placement.topPx;
      const belowChinMm = (spec.heightPx - chinY) / ppmm;
      const carriedSides = reached.filter(({ side }) => side !== 'top' && pictureEdge[side]);
      const isClothes = ({ side, depthPx, topY }: InventedSide): boolean => (side === 'bottom' ? depthPx / ppmm <= BOTTOM_CARRY_MAX_SHARE * belowChinMm : topY >= chinY);
      if (invented.every(({ side }) => side !== 'top' && pictureEdge[side]) && carriedSides.every(isClothes)) {
        const depthMm = Math.max(...carriedSides.map((s) => s.depthPx)) / ppmm;
        if (depthMm <= carryMaxMm && (!carried || depthMm < carried.depthMm)) carried = { placement, depthMm };
      }
      if (first.length === 0) first = invented.map(({ side }) => side);
    }
    return { sides: first };
  };
  search: for (const shiftMm of [0, step, -step, 2 * step, -2 * step]) {
    for (let j = 0; j < headCandidates.length; j++) {
      const tried = placeHead(headCandidates[j], shiftMm);
      if ('placement' in tried) {
        chosen = tried.placement;
        // The smallest head between the last candidate that did not fit and this one: the
        // candidates step from where the slider asks, so without it a smaller head asked could
        // land on a larger one than a larger head asked (US 2×2: 0.1 gave 33.97 mm, 0.3 32.54 mm).
        // Searched on a fixed grid of HEAD_STEP_MM, so every slider position below the smallest that
        // fits lands on the same head.
        if (j > 0) {
          let lo = Math.floor(headCandidates[j - 1] / HEAD_STEP_MM);
          let hi = Math.ceil(headCandidates[j] / HEAD_STEP_MM);
          while (hi - lo > 1) {
            const mid = (lo + hi) >> 1;
            const midTried = placeHead(mid * HEAD_STEP_MM, shiftMm);
            if ('placement' in midTried) [hi, chosen] = [mid, midTried.placement];
            else lo = mid;
          }
        }
        break search;
      }
      if (firstSides.length === 0) firstSides = tried.sides;
    }
    if (!firstSides.includes('left') && !firstSides.includes('right')) break;
  }
  // No placement fits inside the picture: the one that carries the body on least, if any does so within carryMaxMm.
  const carriedMm = !chosen && carried ? carried.depthMm : 0;
  if (!chosen && carried) chosen = carried.placement;
  if (!chosen && firstSides.length === 0) {
    // Only the crown-margin rule failed: too much of the hair is cut to place it.
    throw new AppError('FACE_CUT_OFF', 'The top of the head is cut off by the top edge of the picture.', { detail: { sides: ['top'] } });
  }
  if (!chosen) {
    throw new AppError('TOO_TIGHT', `The photo has too little room on the ${wordList(firstSides)} for ${spec.name}; use a photo with more space around the person.`, {
      detail: { sides: firstSides, specId: spec.id },
    });
  }
  throwIfAborted(signal);
  const W = spec.widthPx;
  const H = spec.heightPx;

  // outputToImage is affine: its origin and steps per output column and row.
  const p00 = outputToImage(frame, chosen, W, 0, 0);
  const p10 = outputToImage(frame, chosen, W, 1, 0);
  const p01 = outputToImage(frame, chosen, W, 0, 1);
  const toOut = (pw: Point): Point => {
    const a = toAligned(frame, pw);
    return { x: (a.u - chosen!.uCentre) * chosen!.k + W / 2, y: (a.v - chosen!.crownV) * chosen!.k + chosen!.topPx };
  };
  const eyesOut = eyesW.map(toOut) as [Point, Point];
  const chinOut = toOut(chinW);
  // The matte of this placement (it does not depend on the background colour): the one kept (a
  // colour changed), or warped and solved now.
  const placementKey = [p00.x, p00.y, p10.x, p10.y, p01.x, p01.y, W, H, ppmm].join(' ');
  let placed = a.placements.find((p) => p.key === placementKey);
  if (!placed) {
    ({ placed, solveMs } = await placeMatte());
    // The newest first, up to four, and no more pixels than four 1-megapixel photos (a matte is 8 bytes a pixel).
    const kept: PlacedMatte[] = [];
    let pixels = 0;
    for (const p of [placed, ...a.placements]) {
      pixels += p.alpha.length;
      if (kept.length === 4 || (kept.length > 0 && pixels > PLACED_PIXELS_MAX)) break;
      kept.push(p);
    }
    a.placements = kept;
  }
  const { alpha: outAlpha, colours } = placed;

  // Composite on the background colour, the person at the brightness asked.
  const brightnessEv = brightness === 'auto' ? autoBrightnessEv({ colours, alpha: outAlpha, bgRgb, eyes: eyesOut, chin: chinOut }) : brightness;
  const tone = brightnessTable(brightnessEv);
  const image = composePhoto(colours, outAlpha, tone, bgRgb);

  /** Warps the work image and its alpha to the photo, solves the edges there, keeps the one person and estimates the foreground colours. */
  async function placeMatte(): Promise<{ placed: PlacedMatte; solveMs: number }> {
    let solvedInMs = 0;
    // The warp (warpToPhoto): where the photo reaches past the work image (a picture cropped tight
    // above the head), its colours are the work image's edge carried on, so the edges are solved and the
    // hair's colours estimated against the picture's own background, not against a band of the new
    // colour (and one matte serves every colour); that part is background again after the solve.
    // The picture's own alpha and its colours as they are come along the same taps (workOwn).
    const toWorkMap: PixelAffine = { x0: p00.x, y0: p00.y, xPerCol: p10.x - p00.x, yPerCol: p10.y - p00.y, xPerRow: p01.x - p00.x, yPerRow: p01.y - p00.y };
    const { warped, alpha: outAlpha, outside, own, carried } = warpToPhoto(work, alpha, toWorkMap, W, H, workOwn, carriedMm > 0 ? pictureEdge : null);
    // A source whose colour is at half resolution keeps its bleed unless the photo shrinks it to half
    // or less: source pixels per output pixel are work pixels per output pixel over the work scale.
    if (source.isColourSubsampled && Math.hypot(p10.x - p00.x, p10.y - p00.y) / workScale < 2) warped.isColourSubsampled = true;
    // A touched-up trimap comes along the same warp as the photo; outside the work image it is left
    // to the matte, as without a touch-up (its colours there are the picture's edge carried on).
    const outTrimap = workTrimap ? sampleTrimap(workTrimap, workW, workH, { ...toWorkMap, x0: p00.x + 0.5, y0: p00.y + 0.5 }, W, H) : undefined;
    if (refine === 'full') {
      // Trimap + closed-form solve (refineMatte's 'full') on the photo as it will be made, not on
      // the larger work region: about half the unknowns (docs/performance.md, "ID photos"), and the
      // band follows the output's size.
      const ts = performance.now();
      await solveFullAlpha(warped, outAlpha, outTrimap ? { trimap: outTrimap } : {}, { signal });
      solvedInMs = performance.now() - ts;
      // Nothing of the person is drawn past the picture: the hair is not made up there.
      for (let i = 0; i < outside.length; i++) if (outside[i]) outAlpha[i] = 0;
      // The clothes carried on are as the photo's edge is once solved, one pixel inside the picture
      // (clothesAlpha sharpening it): solved themselves, on a span's mean colours, they came out half
      // transparent at a picture's corners (a jacket grey on white, navy on blue: a review).
      if (carried) {
        const { from, alpha: asWarped } = carried;
        for (let i = 0; i < from.length; i++) if (from[i] >= 0) outAlpha[i] = asWarped[from[i]] < 0 ? clothesAlpha(outAlpha[from[i]]) : asWarped[i];
      }
    }
    // One person: a smudge of the old background the matte keeps away from them is dropped
    // (person-matte.ts), measured from the face (between the eyes and the chin); painted foreground stays.
    const faceSeed = { x: ((eyesOut[0].x + eyesOut[1].x) / 2 + chinOut.x) / 2, y: ((eyesOut[0].y + eyesOut[1].y) / 2 + chinOut.y) / 2 };
    const keepPainted = outTrimap ? outTrimap.map((v) => (v === TRIMAP_FG ? 1 : 0)) : undefined;
    keepPersonMatte(outAlpha, W, H, faceSeed, PERSON_REACH_MM * ppmm, keepPainted);
    const colours = refine === 'off' ? warped : estimateForeground(warped, outAlpha);
    // A picture with transparency of its own: nothing it hides comes back, and its own edge is kept
    // with its own colours (a cut-out's hair is not matted again against the backdrop it was seen on).
    if (own) keepOwnEdge(outAlpha, own.alpha, W, H, { source: own.image, foreground: colours });
    return { placed: { key: placementKey, alpha: outAlpha, colours }, solveMs: solvedInMs };
  }

  // Measure the result in output pixels.
  onProgress?.({ stage: 'composite', done: 1, total: 2 });
  const outFrame: AlignedFrame = { originX: 0, originY: 0, angleRad: 0 };
  const eyeYOut = (eyesOut[0].y + eyesOut[1].y) / 2;
  const faceWOut = faceWw * chosen.k;
  const rescan = scanCrown(outAlpha, W, H, outFrame, W / 2 - 0.3 * faceWOut, W / 2 + 0.3 * faceWOut, eyeYOut, -1);
  const crownYOut = rescan ? rescan.crownV : chosen.topPx;
  const facesInside = face.faces.filter((f) => {
    const c = toOut(toWork({ x: f.x + f.width / 2, y: f.y + f.height / 2 }));
    return c.x >= 0 && c.x < W && c.y >= 0 && c.y < H;
  }).length;
  const report = buildComplianceReport({
    spec,
    image,
    alpha: outAlpha,
    backgroundHex: bgHex,
    crownY: crownYOut,
    chin: chinOut,
    eyes: eyesOut,
    centreX: W / 2,
    faceCount: facesInside,
    crownHiddenPx: hiddenPx * chosen.k,
    crownTouchesTop: cutAtTop,
    ...(cutAtTop ? { crownCutWidthPx: cutWidthPx * chosen.k } : {}),
    reviewUnsureShare: model.entry.output.reviewUnsureShare,
    // Work pixels are source pixels times sx; the placement scales work pixels by k.
    sourceScale: chosen.k * sx,
    bodyCarriedPx: carriedMm * ppmm,
    mouthOpening: mouthOpening(face.landmarks),
    eyeOpening: eyeOpening(face.landmarks),
    gazeOffset: gazeOffset(face.landmarks),
    headTurnDeg: headTurnDeg(face.landmarks),
  });
  onProgress?.({ stage: 'composite', done: 2, total: 2 });
  const t4 = performance.now();
  return {
    image,
    alpha: outAlpha,
    report,
    rollCorrectedDeg,
    face,
    nudgeApplied: { dxMm: round2(chosen.nudgeMm.dx), dyMm: round2(chosen.nudgeMm.dy), headMm: round2(chosen.headMm), headAskedMm: round2(headStart) },
    // A kept analysis took no time here.
    timings: { decodeMs: 0, faceMs: isNew ? a.faceMs : 0, matteMs: (isNew ? a.matteMs : 0) + solveMs, layoutMs: t4 - t2 - solveMs, totalMs: t4 - t0 },
    modelId: model.entry.id,
    provider: a.provider,
    brightnessEv,
    turnDeg,
  };
}

/** Summary of an ID photo written to disk. */
export interface IdPhotoFileResult {
  output: string;
  bytes: number;
  quality: number | null;
  /** Bytes of padding (JPEG comments, which show nothing) that raised the file to its KB band's floor; 0 when none. */
  paddingBytes: number;
  report: ComplianceReport;
  /** The photo's report as made, before its file was measured (its KB band, the background colour the JPEG holds): what a print sheet of it prints. */
  madeReport: ComplianceReport;
  timings: IdPhotoTimings;
}

/** An ID photo's file carries the spec's dpi (JFIF or pHYs) and its KB band: JPEG or PNG only, named so. */
export function checkIdPhotoOutput(output: string): void {
  if (!/\.(png|jpe?g)$/i.test(output)) throw new AppError('INVALID_ARGUMENT', `Cannot write an ID photo as ${extensionText(output)}: use .jpg or .png (${output})`, { detail: { path: output } });
}

/** The background colour of an ID photo: a colour the spec's own default when none is asked; a picture or transparency is refused. */
export function idPhotoBackground(value: string | undefined, spec: Pick<IdPhotoSpec, 'background'>): string {
  const colours = 'white, blue, red, grey or #RRGGBB';
  let background: ReturnType<typeof parseBackground>;
  try {
    background = parseBackground(value ?? spec.background.default);
  } catch (error) {
    // Said in an ID photo's words: the cut-out's "or a picture" does not hold here.
    if (error instanceof AppError) throw new AppError('INVALID_ARGUMENT', `"${value}" is not a colour: an ID photo's background is ${colours}`, { cause: error, detail: error.detail });
    throw error;
  }
  if (background.kind !== 'color') throw new AppError('INVALID_ARGUMENT', `An ID photo needs a background colour (${colours}), not ${background.kind === 'image' ? 'a picture' : 'transparency'}`);
  return background.hex;
}

/**
 * An ID photo's file, in memory: encoded at the spec's dpi (a JPEG's quality searched into the
 * spec's KB band), and the report measured on the file: the background's colour as the file holds
 * it (a JPEG squeezed into a KB band shifts it) and its size. The live preview shows this file,
 * and the photo written is the same bytes.
 */
export async function idPhotoFile(result: Pick<IdPhotoResult, 'image' | 'alpha' | 'report'>, format: 'jpeg' | 'png', spec: IdPhotoSpec): Promise<{ encoded: EncodedIdPhoto; report: ComplianceReport }> {
  const encoded = await encodeIdPhoto(result.image, { format, dpi: spec.dpi, fileSizeKb: format === 'jpeg' ? spec.fileSizeKb : undefined });
  const written = format === 'jpeg' ? withWrittenBackground(result.report, await decodeImage(encoded.bytes), result.alpha, spec) : result.report;
  return { encoded, report: withFileSize(written, encoded.bytes.length, spec) };
}

/** Decodes (or takes `reuse`'s picture and analysis), makes and writes one ID photo atomically (never over the input). */
export async function idPhotoToFile(input: string, output: string, options: IdPhotoOptions, env: CoreEnv, ctx: RunContext = {}, reuseOf?: () => Promise<IdPhotoReuse>): Promise<IdPhotoFileResult & { result: IdPhotoResult }> {
  checkIdPhotoOutput(output);
  await assertNotAnInput(output, [input]);
  const t0 = performance.now();
  // Asked for only now: a wrong output is said before the picture is read.
  const reuse = reuseOf ? await reuseOf() : undefined;
  const source = reuse?.source ?? (await decodeToWorkOn(input, env.maxPixels));
  const decodeMs = performance.now() - t0;
  throwIfAborted(ctx.signal);
  const result = await makeIdPhoto(source, options, env, ctx, reuse);
  throwIfAborted(ctx.signal);
  ctx.onProgress?.({ stage: 'encode', done: 0, total: 1 });
  const { encoded, report } = await idPhotoFile(result, /\.png$/i.test(output) ? 'png' : 'jpeg', options.spec);
  await writeFileAtomic(output, encoded.bytes, { signal: ctx.signal });
  ctx.onProgress?.({ stage: 'encode', done: 1, total: 1 });
  const timings = { ...result.timings, decodeMs, totalMs: performance.now() - t0 };
  return { output, bytes: encoded.bytes.length, quality: encoded.quality, paddingBytes: encoded.paddingBytes, report, madeReport: result.report, timings, result: { ...result, report, timings } };
}

/** An affine map from output pixels (X, Y) to points in a source: x0 + X·xPerCol + Y·xPerRow, and so for y. */
interface PixelAffine {
  x0: number;
  y0: number;
  xPerCol: number;
  yPerCol: number;
  xPerRow: number;
  yPerRow: number;
}

/**
 * Warps the work image's colours and alpha to the photo (width x height) along `map` (work
 * pixels per photo pixel, pixel corners at 0), bilinear with one set of taps per pixel for the
 * alpha and the colours (sampleBilinear's rules: more than half a pixel outside the work image is
 * marked in `outside` and its alpha left at 0; the colours there are the work image's edge carried
 * on). `workOwn` (a picture with transparency of its own: its RGBA as it is) comes along the same
 * taps as `own`, its alpha 0 outside. `alpha` null: the colours alone (levelledMask's level
 * picture), the alpha left 0. `carry`: the sides past which the body is carried on (a placement
 * past a tight picture, the report's bodyCarriedMm): there the alpha is the edge's as clothes have
 * it (clothesAlpha; past a side, read as far up the column as the shoulder comes down, shoulderDrop),
 * not outside, with the photo pixel inside the picture it is carried from (`carried`, for the
 * alpha after a solve), and the colours are the person's along the edge averaged over a span that
 * widens with the distance past it (half of it each way), so a patterned shirt or a necklace
 * carries on as its colour, not as streaks. A plain function, not a closure in makeIdPhoto: V8
 * keeps its optimised code from photo to photo.
 */
function warpToPhoto(
  work: RgbaImage,
  alpha: Float32Array | null,
  map: PixelAffine,
  width: number,
  height: number,
  workOwn: RgbaImage | null,
  carry: Readonly<Record<Side, boolean>> | null = null,
): { warped: RgbaImage; alpha: Float32Array; outside: Uint8Array; own: { image: RgbaImage; alpha: Uint8Array } | null; carried: { from: Int32Array; alpha: Float32Array } | null } {
  const { width: workW, height: workH, data: work4 } = work;
  const n = width * height;
  const colours = new Uint8Array(n * 4);
  const outAlpha = new Float32Array(n);
  const outside = new Uint8Array(n);
  const own = workOwn ? { from: workOwn.data, colours: new Uint8Array(n * 4), alpha: new Uint8Array(n) } : null;
  const edges = carry && alpha ? personEdgeSums(work, alpha) : null;
  // The carried pixels' alpha (-1 elsewhere), and the photo pixel inside the picture each is
  // carried from (-1 for the others): a work point back to the photo, the map's inverse.
  const carriedAlpha = edges ? new Float32Array(n).fill(-1) : null;
  const carriedFrom = edges ? new Int32Array(n).fill(-1) : null;
  const det = map.xPerCol * map.yPerRow - map.xPerRow * map.yPerCol;
  const photoIndexOf = (wx: number, wy: number): number => {
    const X = Math.round(((wx - map.x0) * map.yPerRow - (wy - map.y0) * map.xPerRow) / det);
    const Y = Math.round(((wy - map.y0) * map.xPerCol - (wx - map.x0) * map.yPerCol) / det);
    return Math.min(height - 1, Math.max(0, Y)) * width + Math.min(width - 1, Math.max(0, X));
  };
  for (let Y = 0, i = 0; Y < height; Y++) {
    for (let X = 0; X < width; X++, i++) {
      const x = map.x0 + X * map.xPerCol + Y * map.xPerRow;
      const y = map.y0 + X * map.yPerCol + Y * map.yPerRow;
      const o = i * 4;
      colours[o + 3] = 255;
      const isOutside = x < -0.5 || y < -0.5 || x > workW - 0.5 || y > workH - 0.5;
      const fx = Math.min(workW - 1, Math.max(0, x));
      const fy = Math.min(workH - 1, Math.max(0, y));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const ax = fx - x0;
      const ay = fy - y0;
      const i00 = y0 * workW + x0;
      const i01 = x0 + 1 < workW ? i00 + 1 : i00;
      const i10 = y0 + 1 < workH ? i00 + workW : i00;
      const i11 = i10 + (i01 - i00);
      const w00 = (1 - ax) * (1 - ay);
      const w01 = ax * (1 - ay);
      const w10 = (1 - ax) * ay;
      const w11 = ax * ay;
      const isCarried =
        isOutside && edges !== null && carry !== null && y >= -0.5 && (x >= -0.5 || carry.left) && (x <= workW - 0.5 || carry.right) && (y <= workH - 0.5 || carry.bottom);
      if (isOutside && !isCarried) outside[i] = 1;
      else if (alpha) {
        const a = alpha[i00] * w00 + alpha[i01] * w01 + alpha[i10] * w10 + alpha[i11] * w11;
        outAlpha[i] = a < 0 ? 0 : a > 1 ? 1 : a;
        if (isCarried) {
          // Past a side, the shoulder's top goes on down as it came to the edge (the edge column read
          // that much higher up): carried level, it stood out as a ledge.
          const drop = y > workH - 0.5 ? null : x < -0.5 ? edges!.leftDrop * (-0.5 - x) : edges!.rightDrop * (x - (workW - 0.5));
          const edgeA = drop === null ? outAlpha[i] : sampleBilinear(alpha, workW, workH, x < -0.5 ? 0 : workW - 1, Math.min(workH - 1, Math.max(0, fy - drop)));
          outAlpha[i] = carriedAlpha![i] = clothesAlpha(edgeA);
          // One pixel inside the picture from the point it is carried from.
          carriedFrom![i] = drop === null ? photoIndexOf(Math.min(workW - 2, Math.max(1, fx)), workH - 2) : photoIndexOf(x < -0.5 ? 1 : workW - 2, Math.min(workH - 1, Math.max(0, fy - drop)));
        }
      }
      for (let c = 0; c < 3; c++) colours[o + c] = Math.round(work4[i00 * 4 + c] * w00 + work4[i01 * 4 + c] * w01 + work4[i10 * 4 + c] * w10 + work4[i11 * 4 + c] * w11);
      if (isCarried) {
        // Along the bottom row below the picture (its corners too), else along the side's column.
        const below = y > workH - 0.5;
        const [sums, along, past] = below ? [edges.bottom, fx, y - (workH - 0.5)] : x < -0.5 ? [edges.left, fy - edges.leftDrop * (-0.5 - x), -0.5 - x] : [edges.right, fy - edges.rightDrop * (x - (workW - 0.5)), x - (workW - 0.5)];
        const lo = Math.max(0, Math.floor(along - past / 2));
        const hi = Math.min(sums.length / 4 - 2, Math.ceil(along + past / 2));
        const weight = sums[(hi + 1) * 4 + 3] - sums[lo * 4 + 3];
        if (weight > 1e-3) for (let c = 0; c < 3; c++) colours[o + c] = Math.round((sums[(hi + 1) * 4 + c] - sums[lo * 4 + c]) / weight);
      }
      if (own) {
        const { from } = own;
        for (let c = 0; c < 4; c++) own.colours[o + c] = Math.round(from[i00 * 4 + c] * w00 + from[i01 * 4 + c] * w01 + from[i10 * 4 + c] * w10 + from[i11 * 4 + c] * w11);
        own.alpha[i] = isOutside && !isCarried ? 0 : own.colours[o + 3];
      }
    }
  }
  return { warped: { data: colours, width, height }, alpha: outAlpha, outside, own: own && { image: { data: own.colours, width, height }, alpha: own.alpha }, carried: carriedFrom && carriedAlpha && { from: carriedFrom, alpha: carriedAlpha } };
}

/**
 * The alpha of clothes carried past the picture from an edge pixel's: opaque from 0.75, clear under
 * 0.25, linear between, so an edge the matte was not quite sure of does not carry on see-through;
 * the span's colours (personEdgeSums) are weighted by it, so the backdrop's half-kept pixels do not
 * tint them.
 */
function clothesAlpha(edge: number): number {
  return Math.min(1, Math.max(0, (edge - 0.25) * 2));
}

/**
 * Running sums along the work image's left column, right column and bottom row of each colour
 * weighted by the clothes' alpha (clothesAlpha), and of that alpha (4 values a pixel, one pixel
 * more than the edge: entry j sums pixels 0 … j − 1): warpToPhoto's carried-on body reads a span's
 * mean person colour from two; and how the shoulders come down to each side (shoulderDrop).
 */
function personEdgeSums(work: RgbaImage, alpha: Float32Array): { left: Float64Array; right: Float64Array; bottom: Float64Array; leftDrop: number; rightDrop: number } {
  const { width, height, data } = work;
  const along = (count: number, pixel: (j: number) => number): Float64Array => {
    const sums = new Float64Array((count + 1) * 4);
    for (let j = 0; j < count; j++) {
      const p = pixel(j);
      const a = clothesAlpha(alpha[p]);
      for (let c = 0; c < 3; c++) sums[(j + 1) * 4 + c] = sums[j * 4 + c] + data[p * 4 + c] * a;
      sums[(j + 1) * 4 + 3] = sums[j * 4 + 3] + a;
    }
    return sums;
  };
  return {
    left: along(height, (j) => j * width),
    right: along(height, (j) => j * width + width - 1),
    bottom: along(width, (j) => (height - 1) * width + j),
    leftDrop: shoulderDrop(alpha, width, height, 1),
    rightDrop: shoulderDrop(alpha, width, height, -1),
  };
}

/**
 * How far the body's top comes down per pixel toward a side of the work image (`inward` 1 from the
 * left edge, −1 from the right), 0 to SHOULDER_DROP_MAX: a line fitted to the top of the person
 * rising from the bottom row in the columns next to the edge (SHOULDER_SPAN of the width), where
 * the shoulders slope down to the picture's side. 0 where no column there holds the body from the
 * bottom row up.
 */
function shoulderDrop(alpha: Float32Array, width: number, height: number, inward: 1 | -1): number {
  const span = Math.max(4, Math.round(SHOULDER_SPAN * width));
  const fit = new LineFit();
  for (let j = 0; j < Math.min(span, width); j++) {
    const x = inward === 1 ? j : width - 1 - j;
    let y = height - 1;
    if (alpha[y * width + x] < 0.5) continue;
    while (y > 0 && alpha[(y - 1) * width + x] >= 0.5) y--;
    fit.add(j, y);
  }
  const line = fit.count < 3 ? null : fit.line();
  // The top's row per pixel inward; outward it comes down by as much.
  return line ? Math.min(SHOULDER_DROP_MAX, Math.max(0, -line.slope)) : 0;
}

/** The columns next to a side whose body top gives the shoulder's slope (shoulderDrop), as a share of the work image's width. */
const SHOULDER_SPAN = 0.06;

/** The steepest drop shoulderDrop carries on: two rows a column (63°), past which the body's top is an arm or hair, not a shoulder. */
const SHOULDER_DROP_MAX = 2;

/** An opaque RGBA copy of an RGB image. */
function opaqueRgba(rgb: RgbImage): RgbaImage {
  const n = rgb.width * rgb.height;
  const data = new Uint8Array(n * 4);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    data[j] = rgb.data[i * 3];
    data[j + 1] = rgb.data[i * 3 + 1];
    data[j + 2] = rgb.data[i * 3 + 2];
    data[j + 3] = 255;
  }
  return { data, width: rgb.width, height: rgb.height };
}

/**
 * A trimap resampled by nearest neighbour: output pixel (X, Y) takes the label at `map`'s point for
 * it (in the source trimap's pixel units, pixel centres at .5); outside it is left to the matte
 * (auto), as where nothing was painted. Runs per preview with a touch-up, so it allocates nothing
 * per pixel.
 */
function sampleTrimap(trimap: Uint8Array, srcW: number, srcH: number, map: PixelAffine, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let Y = 0, i = 0; Y < height; Y++) {
    let x = map.x0 + Y * map.xPerRow;
    let y = map.y0 + Y * map.yPerRow;
    for (let X = 0; X < width; X++, i++, x += map.xPerCol, y += map.yPerCol) {
      const sx = Math.floor(x);
      const sy = Math.floor(y);
      out[i] = sx >= 0 && sy >= 0 && sx < srcW && sy < srcH ? trimap[sy * srcW + sx] : TRIMAP_AUTO;
    }
  }
  return out;
}
