// The operations the engine runs off the main event loop: jobs and the editor's previews
// (decode, segment, re-matte with a user trimap, save a trimap), the ID photo's and a sticker
// frame's previews. Node only, never electron;
// loaded by engine/entry.ts (worker thread) or in-process by engine/host.ts.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { packEdgeColours } from '../../shared/edge-colours';
import type { IdPhotoPreview, IdPhotoPreviewRequest, ImagePreview, MatteResult, PixelRect, PreviewRequest, RematteRequest, SaveTrimapRequest, SegmentRequest, StickerFramePreview, StickerFramePreviewRequest } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { JobSpec, RefineMode, Subject } from '../../shared/jobs';
import { autoLabelOf, TRIMAP_LABEL } from '../../shared/trimap-brush';
import { throwIfAborted } from '../core/abort';
import type { CoreEnv } from '../core/env';
import { decodeToWorkOn, type DecodedImage, type RgbaImage } from '../core/image/decode';
import { encodeImage } from '../core/image/encode';
import { fitWithin, resizeRgba } from '../core/image/resize';
import { writeFileAtomic } from '../core/io/atomic-write';
import { dropLooseHaze } from '../core/matting/loose-haze';
import { refineMatte } from '../core/matting/refine';
import { flattenForMatting, keepOwnEdge, ownAlphaOf } from '../core/matting/own-alpha';
import { heldSides } from '../core/matting/closed-form';
import { regionBox, regionMarginPx, resolveRegion } from '../core/matting/region';
import { reviewMatte, unsureShare } from '../core/matting/unsure-share';
import type { ModelEntry } from '../core/models/manifest';
import { scaleTrimapNearest } from '../core/trimap/trimap-file';
import { isAnimationClip, resolveMaskModel } from '../core/pipelines/cutout';
import type { RunContext } from '../core/progress';
import { IdPhotoAnalyses, type IdPhotoReuse } from '../core/idphoto/make-id-photo';
import { previewIdPhoto as makeIdPhotoPreview } from '../core/idphoto/preview';
import { runMaskModel } from '../core/segment/mask-model';
import { finishStickerFrame, resolveStickerModel, stickerFrameAlpha, stickerStill, stickerWorkSide, subjectOf, toStraightRgba, validateStickerOptions } from '../core/sticker/make-sticker';
import { stickerHintMap } from '../core/sticker/touch-up';
import { clipFrame } from '../core/video/extract-frames';
import { cachedProbe } from '../core/video/probe';
import { runJob, type JobRunContext } from './run-job';

/** What the engine needs besides CoreEnv: where temp files (trimaps, pastes) go. */
export interface EngineContext {
  env: CoreEnv;
  tempDir: string;
}

/** Default longest side of editor previews, in pixels. */
export const DEFAULT_PREVIEW_SIDE_PX = 1600;

/** The preview size of a source image: longest side at most maxSidePx, never upscaled. */
export function previewSize(width: number, height: number, maxSidePx = DEFAULT_PREVIEW_SIDE_PX): { width: number; height: number } {
  return fitWithin(width, height, maxSidePx);
}

interface MaskCacheEntry {
  key: string;
  source: RgbaImage;
  mask: Float32Array;
  maskW: number;
  maskH: number;
  modelId: string;
  /** The model's manifest entry (its review threshold). */
  modelEntry: ModelEntry;
  provider: string;
  decodeMs: number;
  inferenceMs: number;
}

/** The last few decoded sources and model masks, so brush re-mattes skip decode and inference. */
const maskCache: MaskCacheEntry[] = [];
const MASK_CACHE_SIZE = 3;

/**
 * The last decoded sources by path, size, mtime and pixel budget: the preview, the editor and the ID-photo
 * preview re-use them. A decode in flight is shared, so a preview and a segment asked for at once
 * decode the file once; a failed decode is forgotten.
 */
const sourceCache: Array<{ key: string; image: Promise<DecodedImage> }> = [];
const SOURCE_CACHE_SIZE = 3;

/** Stats and decodes a source once per (path, size, mtime, pixel budget); INPUT_NOT_FOUND when it is gone. */
async function cachedSource(path: string, env: CoreEnv): Promise<{ key: string; image: DecodedImage }> {
  const info = await stat(path).catch((cause) => {
    throw new AppError('INPUT_NOT_FOUND', `File not found: ${path}`, { cause, detail: { path } });
  });
  const key = `${path}\0${info.size}\0${info.mtimeMs}\0${env.maxPixels ?? ''}`;
  let hit = sourceCache.find((x) => x.key === key);
  if (!hit) {
    const entry = { key, image: decodeToWorkOn(path, env.maxPixels) };
    entry.image.catch(() => {
      const i = sourceCache.indexOf(entry);
      if (i >= 0) sourceCache.splice(i, 1);
    });
    hit = entry;
    sourceCache.unshift(hit);
    sourceCache.length = Math.min(sourceCache.length, SOURCE_CACHE_SIZE);
  }
  return { key, image: await hit.image };
}

async function cachedMask(path: string, subject: Subject, modelId: string | undefined, env: CoreEnv, ctx: RunContext): Promise<MaskCacheEntry> {
  const t0 = performance.now();
  ctx.onProgress?.({ stage: 'decode', done: 0, total: 3 });
  const decoded = await cachedSource(path, env);
  const key = `${decoded.key}\0${subject}\0${modelId ?? ''}\0${env.provider ?? ''}`;
  const hit = maskCache.find((e) => e.key === key);
  if (hit) return hit;
  const model = await resolveMaskModel(env, subject, modelId);
  const source = decoded.image;
  throwIfAborted(ctx.signal);
  const t1 = performance.now();
  ctx.onProgress?.({ stage: 'segment', done: 1, total: 3 });
  const mask = await runMaskModel(source, model, { provider: env.provider, threads: env.threads });
  throwIfAborted(ctx.signal);
  const entry: MaskCacheEntry = {
    key,
    source,
    mask: mask.mask,
    maskW: mask.width,
    maskH: mask.height,
    modelId: model.entry.id,
    modelEntry: model.entry,
    provider: mask.provider,
    decodeMs: t1 - t0,
    inferenceMs: mask.timings.inferenceMs,
  };
  maskCache.unshift(entry);
  maskCache.length = Math.min(maskCache.length, MASK_CACHE_SIZE);
  return entry;
}

/**
 * The editor's state of one open image at preview size: the image, the automatic alpha (from
 * segment) and the alpha after the latest re-matte. Brush re-mattes recompute only their region,
 * always from the automatic alpha, so undoing a stroke restores what was there before it.
 */
interface PreviewMatte {
  key: string;
  /** The edges the automatic alpha was made with: a re-matte asking for others rebuilds it. */
  refine: RefineMode;
  image: RgbaImage;
  baseAlpha: Float32Array;
  alpha: Float32Array;
  /** Foreground colours: the segment's estimate (the picture's own for Raw edges), kept up to date by resolveRegion. */
  foreground: RgbaImage;
  /** The segment's foreground colours, which a region whose strokes were all undone takes back. */
  baseForeground: Uint8Array;
  /** The picture's own alpha at preview size when it has transparency (ownAlphaOf), else null. */
  own: Uint8Array | null;
  /** The picture at preview size as it is (`image` is it flattened on its backdrop when it has `own`). */
  source: RgbaImage;
}

const previewCache: PreviewMatte[] = [];
const PREVIEW_CACHE_SIZE = 3;

function previewKey(path: string, width: number, height: number, subject: Subject, modelId: string | undefined): string {
  return `${path}\0${width}x${height}\0${subject}\0${modelId ?? ''}`;
}

function toFloatAlpha(alpha: Uint8Array): Float32Array {
  const out = new Float32Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) out[i] = alpha[i] / 255;
  return out;
}

function toByteAlpha(alpha: Float32Array): Uint8Array {
  const out = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, alpha[i])) * 255);
  return out;
}

async function rememberPreview(key: string, refine: RefineMode, source: RgbaImage, alpha: Uint8Array, foreground: RgbaImage, width: number, height: number): Promise<void> {
  const sized = await previewImageOf(source, width, height);
  // A picture with transparency of its own is solved on its backdrop (flattenForMatting), as
  // refineMatte does, and a stroke never brings back what it hides.
  const own = ownAlphaOf(sized);
  const image = own ? flattenForMatting(sized) : sized;
  const baseAlpha = toFloatAlpha(alpha);
  const i = previewCache.findIndex((e) => e.key === key);
  if (i >= 0) previewCache.splice(i, 1);
  previewCache.unshift({ key, refine, image, own, source: sized, baseAlpha, alpha: baseAlpha.slice(), foreground: { data: foreground.data.slice(), width: image.width, height: image.height }, baseForeground: foreground.data });
  previewCache.length = Math.min(previewCache.length, PREVIEW_CACHE_SIZE);
}

/** Clamps a rectangle to the image, grown by `padPx` on each side; the whole image when absent. */
export function clampRegion(region: PixelRect | undefined, width: number, height: number, padPx: number): PixelRect {
  if (!region) return { x: 0, y: 0, width, height };
  const x0 = Math.max(0, Math.floor(region.x) - padPx);
  const y0 = Math.max(0, Math.floor(region.y) - padPx);
  const x1 = Math.min(width, Math.ceil(region.x + region.width) + padPx);
  const y1 = Math.min(height, Math.ceil(region.y + region.height) + padPx);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * Re-solves alpha inside `box` (+ the trimap band as margin) after strokes: the box's inside is
 * reset to the automatic alpha, then matting's resolveRegion solves the trimap's unknown pixels
 * by closed-form matting (known pixels become 0 / 1) with the outer ring held, so the region
 * joins the rest of the matte without a seam and removing a stroke restores the automatic matte.
 */
export async function resolveRegionAlpha(state: PreviewMatte, trimap: Uint8Array, box: PixelRect, ctx: RunContext): Promise<void> {
  const { image, baseAlpha, alpha } = state;
  const W = image.width;
  const H = image.height;
  const margin = regionMarginPx(W, H);
  const region = regionBox(box, W, H, margin);
  const [x0, y0, x1, y1] = [region.x, region.y, region.x + region.width, region.y + region.height];
  // Nothing painted left there (its strokes undone): the automatic matte as it was. Solved again,
  // it moved (up to 49/255 after undoing every stroke: the solve snaps and re-mattes the band).
  if (isAutomaticTrimap(trimap, baseAlpha, W, region)) {
    for (let y = y0; y < y1; y++) {
      alpha.set(baseAlpha.subarray(y * W + x0, y * W + x1), y * W + x0);
      state.foreground.data.set(state.baseForeground.subarray((y * W + x0) * 4, (y * W + x1) * 4), (y * W + x0) * 4);
    }
    if (state.own) keepOwnEdge(alpha, state.own, W, H, undefined, region);
    return;
  }
  // Reset the inside (not the ring the solve holds, heldSides) so the solve starts from the automatic alpha.
  const held = heldSides(region, W, H);
  const [ry0, ry1, rx0, rx1] = [y0 + +held.top, y1 - +held.bottom, x0 + +held.left, x1 - +held.right];
  for (let y = ry0; y < ry1; y++) alpha.set(baseAlpha.subarray(y * W + rx0, y * W + rx1), y * W + rx0);
  await resolveRegion({ image, trimap, alpha, foreground: state.foreground }, box, { marginPx: margin }, ctx);
  throwIfAborted(ctx.signal);
  // Where its own edge is kept, its own colours too, as the export's refineMatte gives them (they
  // stayed as estimated on the backdrop: a fringe the export does not have).
  if (state.own) keepOwnEdge(alpha, state.own, W, H, { source: state.source, foreground: state.foreground }, region);
}

/** Whether the trimap is the automatic one of `baseAlpha` (autoLabelOf, as the editor makes it) everywhere in `region`. */
function isAutomaticTrimap(trimap: Uint8Array, baseAlpha: Float32Array, W: number, region: PixelRect): boolean {
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let i = y * W + region.x, end = i + region.width; i < end; i++) if (trimap[i] !== autoLabelOf(Math.round(baseAlpha[i] * 255))) return false;
  }
  return true;
}

function checkTrimap(req: { width: number; height: number; trimap: Uint8Array }): void {
  if (!Number.isInteger(req.width) || !Number.isInteger(req.height) || req.width < 1 || req.height < 1 || !(req.trimap instanceof Uint8Array) || req.trimap.length !== req.width * req.height) {
    throw new AppError('INVALID_ARGUMENT', `A trimap must be width*height bytes (got ${req.trimap?.length} for ${req.width}x${req.height})`);
  }
}

/** Decodes an image and returns a display-size RGBA preview. */
export async function loadImagePreview(req: PreviewRequest, e: EngineContext): Promise<ImagePreview> {
  // The source the cut-out will use: opened once, not decoded again for the segment (a picture over the budget takes seconds).
  const source = (await cachedSource(req.path, e.env)).image;
  const size = previewSize(source.width, source.height, req.maxSidePx);
  const small = await previewImageOf(source, size.width, size.height);
  return {
    path: req.path,
    width: small.width,
    height: small.height,
    sourceWidth: source.width,
    sourceHeight: source.height,
    rgba: small.data,
    ...(source.pages ? { frames: source.pages, isClip: isAnimationClip(source.format) } : {}),
    ...(source.downscaledFrom ? { downscaledFrom: source.downscaledFrom } : {}),
  };
}

/** A decoded picture at the editor's preview size (itself when it is no bigger), resized once per picture and size. */
const previewImages = new WeakMap<RgbaImage, Map<string, Promise<RgbaImage>>>();
function previewImageOf(source: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  if (width === source.width && height === source.height) return Promise.resolve(source);
  let sizes = previewImages.get(source);
  if (!sizes) previewImages.set(source, (sizes = new Map()));
  const key = `${width}x${height}`;
  let image = sizes.get(key);
  if (!image) {
    image = resizeRgba(source, width, height);
    sizes.set(key, image);
    image.catch(() => sizes!.delete(key));
  }
  return image;
}

/**
 * The editor's matte, solved at the preview's size: what the editor shows and brushes re-solve.
 * A picture bigger than the preview (a 12-MP photo: 4000 x 3000 against 1600 x 1200) was solved
 * whole and then shrunk, six times the pixels for the same view (6 s for Best edges on 2 cores,
 * 25-50 s at 48 MP); the export still solves the whole picture.
 */
async function matte(path: string, subject: Subject, modelId: string | undefined, refine: RefineMode, maxSidePx: number | undefined, e: EngineContext, ctx: RunContext): Promise<{ result: MatteResult; foreground: RgbaImage }> {
  const t0 = performance.now();
  const base = await cachedMask(path, subject, modelId, e.env, ctx);
  const { source } = base;
  // Raw edges only scale the mask: no "Refining edges" (as a cut-out's export tells none).
  const tellRefine = (done: number): void => {
    if (refine !== 'off') ctx.onProgress?.({ stage: 'refine', done, total: 3 });
  };
  tellRefine(2);
  const t1 = performance.now();
  const size = previewSize(source.width, source.height, maxSidePx);
  const image = await previewImageOf(source, size.width, size.height);
  throwIfAborted(ctx.signal);
  // The renderer composites the picture's colours, and the soft edge's as the export estimates
  // them (edgeColours; Raw edges keep the picture's own). The op tells its own steps (refine 2
  // and 3 of 3), not the refine's.
  const refined = await refineMatte({ image, mask: base.mask, maskW: base.maskW, maskH: base.maskH, mode: refine }, { signal: ctx.signal });
  throwIfAborted(ctx.signal);
  const t2 = performance.now();
  tellRefine(3);
  const alpha = toByteAlpha(refined.alpha);
  const result: MatteResult = {
    path,
    width: image.width,
    height: image.height,
    sourceWidth: source.width,
    sourceHeight: source.height,
    alpha,
    ...(refine === 'off' ? {} : { edgeColours: packEdgeColours(alpha, refined.foreground.data) }),
    modelId: base.modelId,
    provider: base.provider,
    review: reviewMatte(refined.alpha, image.width, image.height, base.modelEntry, 'cutout', ownAlphaOf(image)),
    timings: { decodeMs: base.decodeMs, inferenceMs: base.inferenceMs, refineMs: t2 - t1, totalMs: performance.now() - t0 },
  };
  return { result, foreground: refined.foreground };
}

/** Cuts the subject out and returns the alpha at preview size, with its edge colours (model mask cached per file). */
export async function segment(req: SegmentRequest, e: EngineContext, ctx: RunContext = {}): Promise<MatteResult> {
  // A new matte of the picture (another subject, other edges) makes its strokes' whole solve moot,
  // and so does one of another picture: the editor shows one, and the one left is solved again
  // when its strokes are (a whole solve takes 0.43 s at 758×1024, docs/matting.md, on the cores
  // the new picture's matte needs).
  for (const stop of wholeSolves.values()) stop.abort();
  const { result, foreground } = await matte(req.path, req.subject, req.modelId, req.refine, req.maxSidePx, e, ctx);
  const base = await cachedMask(req.path, req.subject, req.modelId, e.env, ctx);
  await rememberPreview(previewKey(req.path, result.width, result.height, req.subject, req.modelId), req.refine, base.source, result.alpha, foreground, result.width, result.height);
  return result;
}

/**
 * Re-mattes after brush strokes: the trimap (preview size) is applied inside `region` (padded),
 * starting from the automatic alpha of the last segment call; outside it the previous result is
 * kept. Returns the whole preview alpha.
 */
export async function rematte(req: RematteRequest, e: EngineContext, ctx: RunContext = {}): Promise<MatteResult> {
  checkTrimap(req);
  const t0 = performance.now();
  const key = previewKey(req.path, req.width, req.height, req.subject, req.modelId);
  let state = previewCache.find((p) => p.key === key);
  if (!state || (req.refine !== undefined && state.refine !== req.refine)) {
    // A fresh engine (restart) or another preview size: rebuild the automatic alpha first, with
    // the editor's edges (with Fast ones, every stroke undone brought back a Fast matte under Best).
    // So too when the last matte made had other edges: one asked before the editor's edges changed
    // and done after the new one (the page drops its reply; the engine had kept its matte).
    await segment({ path: req.path, subject: req.subject, modelId: req.modelId, refine: req.refine ?? 'fast', maxSidePx: Math.max(req.width, req.height) }, e, ctx);
    state = previewCache.find((p) => p.key === key);
    if (!state) throw new AppError('INVALID_ARGUMENT', `The trimap is ${req.width}x${req.height} but the preview of ${req.path} has another size`);
  }
  // A newer re-matte of the picture stops its whole solve (the strokes it solved are out of date).
  wholeSolves.get(key)?.abort();
  const base = await cachedMask(req.path, req.subject, req.modelId, e.env, ctx);
  const t1 = performance.now();
  let shown: Float32Array;
  if (req.whole) {
    await solveWhole(state, base, req.trimap, key, ctx);
    shown = state.alpha;
  } else {
    const box = clampRegion(req.region, req.width, req.height, 0);
    if (box.width > 0 && box.height > 0) await resolveRegionAlpha(state, req.trimap, box, ctx);
    throwIfAborted(ctx.signal);
    shown = withoutLooseHaze(state, req.trimap, req.width, req.height);
  }
  const alpha = toByteAlpha(shown);
  return {
    path: req.path,
    width: req.width,
    height: req.height,
    sourceWidth: base.source.width,
    sourceHeight: base.source.height,
    alpha,
    edgeColours: packEdgeColours(alpha, state.foreground.data),
    modelId: base.modelId,
    provider: base.provider,
    review: reviewMatte(shown, req.width, req.height, base.modelEntry, 'cutout', state.own),
    timings: { decodeMs: 0, inferenceMs: 0, refineMs: performance.now() - t1, totalMs: performance.now() - t0 },
  };
}

/** The whole solve running for each preview (its key), which the next re-matte or segment of its picture stops. */
const wholeSolves = new Map<string, AbortController>();

/**
 * The export's solve at the preview's size (rematte `whole`): refineMatte's Best edges with the
 * touch-up as the export gets it (`touchUp`: painted labels, TRIMAP_LABEL.auto elsewhere), on the
 * picture as it is (refineMatte flattens one with transparency of its own, as in the export). With
 * nothing painted, the automatic matte as it was. The preview's state takes the result only when
 * the solve ends unstopped, so a re-matte that stops it works on the matte it left.
 */
async function solveWhole(state: PreviewMatte, base: MaskCacheEntry, touchUp: Uint8Array, key: string, ctx: RunContext): Promise<void> {
  if (touchUp.every((v) => v === TRIMAP_LABEL.auto)) {
    state.alpha.set(state.baseAlpha);
    state.foreground.data.set(state.baseForeground);
    return;
  }
  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  ctx.signal?.addEventListener('abort', onCancel, { once: true });
  if (ctx.signal?.aborted) stop.abort();
  wholeSolves.set(key, stop);
  try {
    const refined = await refineMatte({ image: state.source, mask: base.mask, maskW: base.maskW, maskH: base.maskH, mode: 'full', trimap: touchUp }, { signal: stop.signal });
    throwIfAborted(stop.signal);
    state.alpha.set(refined.alpha);
    state.foreground.data.set(refined.foreground.data);
  } finally {
    ctx.signal?.removeEventListener('abort', onCancel);
    if (wholeSolves.get(key) === stop) wholeSolves.delete(key);
  }
}

/**
 * The matte a re-solve shows: without the haze a stroke left linked to nothing solid (a Remove
 * stroke that cuts a patch off), as the export's refineMatte drops it. On a copy: undoing the
 * stroke brings the patch back. The export spares what the touch-up painted unknown; the editor's
 * trimap has its painted labels over the automatic ones, so a pixel unknown there but not in the
 * automatic trimap (from the segment's alpha, as the editor makes it) was painted so. (One painted
 * unknown over the automatic band is not told apart: it is spared in the export, not here.)
 */
export function withoutLooseHaze(state: Pick<PreviewMatte, 'alpha' | 'baseAlpha'>, trimap: Uint8Array, width: number, height: number): Float32Array {
  const shown = state.alpha.slice();
  const base = state.baseAlpha;
  dropLooseHaze(shown, width, height, (i) => trimap[i] === TRIMAP_LABEL.unknown && autoLabelOf(Math.round(base[i] * 255)) !== TRIMAP_LABEL.unknown);
  return shown;
}

/** Writes a preview-size trimap, scaled to the source size, as a grey PNG in the temp folder. */
export async function saveTrimap(req: SaveTrimapRequest, e: EngineContext): Promise<string> {
  checkTrimap(req);
  // The picture the cut-out is made of (its size is the trimap's), decoded once with the editor's.
  const source = (await cachedSource(req.path, e.env)).image;
  const full = scaleTrimapNearest(req.trimap, req.width, req.height, source.width, source.height);
  const rgba = new Uint8Array(full.length * 4);
  for (let i = 0; i < full.length; i++) {
    const v = full[i];
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  const out = join(e.tempDir, `trimap-${randomUUID()}.png`);
  await writeFileAtomic(out, await encodeImage({ data: rgba, width: source.width, height: source.height }, { format: 'png' }));
  return out;
}

/** The pictures the ID-photo preview analysed last (face and matte): a nudge or a colour is placed on them. */
const idPhotoAnalyses = new IdPhotoAnalyses(2);

/** The picture an ID photo is made from as the engine holds it, with the preview's analyses of it. */
async function idPhotoReuse(path: string, e: EngineContext): Promise<IdPhotoReuse> {
  const source = await cachedSource(path, e.env);
  return { source: source.image, sourceKey: source.key, analyses: idPhotoAnalyses };
}

/** The ID-photo workspace's live preview (engine/api/idphoto.ts validates the request). */
export async function previewIdPhoto(req: IdPhotoPreviewRequest, e: EngineContext, ctx: RunContext = {}): Promise<IdPhotoPreview> {
  const source = await cachedSource(req.path, e.env);
  throwIfAborted(ctx.signal);
  const r = await makeIdPhotoPreview(source.image, req.options, e.env, ctx, { analyses: idPhotoAnalyses, sourceKey: source.key });
  return { path: req.path, ...r };
}

/** The clips the Cut-out view showed a frame of, probed once each while they stay as they are (a trim handle moved asks for another frame). */
const probeClip = cachedProbe();

/** The frame the Cut-out view last segmented and the model's alpha: a new stroke only re-applies the strokes and colours. */
let stickerFrameCache: { key: string; frame: RgbaImage; alpha: Float32Array; own: Uint8Array | null; provider: string } | null = null;

/**
 * The Stickers workspace's frame preview (engine/api/stickers.ts validates the request): what
 * the sticker makes of the frame at timeS (stickerFrameAlpha, finishStickerFrame), with the model's
 * part cached per frame.
 */
export async function previewStickerFrame(req: StickerFramePreviewRequest, e: EngineContext, ctx: RunContext = {}): Promise<StickerFramePreview> {
  const options = req.options ?? {};
  validateStickerOptions(options);
  const file = await stat(req.path).catch((cause) => {
    throw new AppError('INPUT_NOT_FOUND', `File not found: ${req.path}`, { cause, detail: { path: req.path } });
  });
  const model = await resolveStickerModel(e.env, options.model);
  const side = stickerWorkSide(options);
  const key = [req.path, file.ino, file.size, file.mtimeMs, file.ctimeMs, req.timeS ?? 0, side, model.path, e.env.provider ?? ''].join('\0');
  if (stickerFrameCache?.key !== key) {
    // Decoded at the sticker's own work size, so the model sees the frame as the sticker's does.
    const frame = await clipFrame(req.path, await probeClip(req.path, ctx), req.timeS ?? 0, side, ctx);
    throwIfAborted(ctx.signal);
    const { alpha, own, provider } = await stickerFrameAlpha(frame, model, { provider: e.env.provider, threads: e.env.threads });
    stickerFrameCache = { key, frame, alpha, own, provider };
  }
  const { frame, own, provider } = stickerFrameCache;
  const cut = finishStickerFrame(frame, Float32Array.from(stickerFrameCache.alpha), stickerHintMap(options.strokes, frame.width, frame.height));
  const bytes = await encodeImage({ data: toStraightRgba({ rgba: cut.foreground, alpha: cut.alpha }), width: frame.width, height: frame.height }, { format: 'png' });
  const still = stickerStill(cut.foreground, cut.alpha, frame.width, frame.height, options);
  return {
    path: req.path,
    mime: 'image/png',
    bytes: new Uint8Array(bytes),
    width: frame.width,
    height: frame.height,
    modelId: model.entry.id,
    subject: subjectOf(model.entry),
    provider,
    unsureShare: unsureShare(cut.alpha, frame.width, frame.height, own),
    hasSubject: still.hasSubject,
    sticker: { path: req.path, mime: 'image/png', bytes: new Uint8Array(await encodeImage(still, { format: 'png' })), width: still.width, height: still.height, format: still.format },
  };
}

/** Every operation the engine host can call, by name. */
export const ENGINE_OPS = {
  // An ID photo's Export is made on the picture and the analysis its live preview made.
  runJob: (spec: JobSpec, e: EngineContext, ctx: JobRunContext) => runJob(spec, e.env, { ...ctx, idPhotoReuse: (path) => idPhotoReuse(path, e) }),
  loadImagePreview: (req: PreviewRequest, e: EngineContext, _ctx: RunContext) => loadImagePreview(req, e),
  segment: (req: SegmentRequest, e: EngineContext, ctx: RunContext) => segment(req, e, ctx),
  rematte: (req: RematteRequest, e: EngineContext, ctx: RunContext) => rematte(req, e, ctx),
  saveTrimap: (req: SaveTrimapRequest, e: EngineContext, _ctx: RunContext) => saveTrimap(req, e),
  previewIdPhoto: (req: IdPhotoPreviewRequest, e: EngineContext, ctx: RunContext) => previewIdPhoto(req, e, ctx),
  previewStickerFrame: (req: StickerFramePreviewRequest, e: EngineContext, ctx: RunContext) => previewStickerFrame(req, e, ctx),
} as const;

/** An engine operation name. */
export type EngineOp = keyof typeof ENGINE_OPS;
/** The argument of an engine operation. */
export type EngineArg<O extends EngineOp> = Parameters<(typeof ENGINE_OPS)[O]>[0];
/** The resolved value of an engine operation. */
export type EngineValue<O extends EngineOp> = Awaited<ReturnType<(typeof ENGINE_OPS)[O]>>;
