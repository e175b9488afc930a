// The ID-photo workspace's live preview: the photo's file as it will be exported (spec pixels, a
// JPEG squeezed into its KB band), its compliance report measured on that file and, when a paper is
// picked, the print sheet drawn small. Nothing is written. Core (no electron).
import type { IdPhotoMeasurement, IdPhotoPreviewFile, IdPhotoPreviewRequest, IdPhotoReport } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { CoreEnv } from '../env';
import type { RgbaImage } from '../image/decode';
import type { RunContext } from '../progress';
import { isColourLostToJpeg } from './compliance';
import { idPhotoFile, makeIdPhoto, type IdPhotoAnalysesOf } from './make-id-photo';
import { layoutPhotoSheet, renderSheetRaster } from './print-sheet';
import { parseSpec } from './spec';
import { ID_PHOTO_REFINE, parseRefineMode, parseTurn } from '../../../shared/jobs';

/** Resolution the sheet preview is drawn at (dots per inch): a 6-inch sheet is 600 x 900 px. */
export const SHEET_PREVIEW_DPI = 150;

/** What the preview of one ID photo holds (structured-clone-able). */
export interface IdPhotoPreviewResult {
  /** The photo's file as Export writes it (the spec's format, a JPEG's quality searched into its KB band), at the spec's exact pixel size. */
  photo: { mime: 'image/jpeg' | 'image/png'; bytes: Uint8Array; width: number; height: number };
  /** That file: its format, size, JPEG quality (null for PNG), and whether its background colour fails only because the JPEG was squeezed into the KB band. */
  file: IdPhotoPreviewFile;
  /** The photo's report, measured on that file (its size, the background colour it holds). */
  report: IdPhotoReport;
  rollCorrectedDeg: number;
  /** The brightness the person was given, EV: the one asked, or the one 'auto' chose. */
  brightnessEv: number;
  /** The turn the picture was given, clockwise degrees: the one asked, or the one 'auto' chose (0: none). */
  turnDeg: 0 | 90 | 180 | 270;
  /** The nudge as applied (mm): less than asked where the spec's bands stop it; the head size placed, and the one asked for. */
  nudgeApplied: { dxMm: number; dyMm: number; headMm: number; headAskedMm: number };
  /** The print sheet at SHEET_PREVIEW_DPI (PNG) with the number of photos on it, when a paper was given. */
  sheet: { mime: 'image/png'; bytes: Uint8Array; width: number; height: number; photos: number } | null;
  /** The execution provider the person model ran on (the status line's: it said the one asked for, WebGPU that could not start). */
  provider: string;
  timingsMs: number;
}

/**
 * Makes the preview of an ID photo from a decoded source; the options are an 'idphoto' job's.
 * With `reuse`, the picture's face and matte come from its cache (made once for the picture, the
 * face picked, the edges, the trimap and the size): a nudge or a colour only places and composes.
 */
export async function previewIdPhoto(source: RgbaImage, options: IdPhotoPreviewRequest['options'], env: CoreEnv, ctx: RunContext = {}, reuse?: IdPhotoAnalysesOf): Promise<IdPhotoPreviewResult> {
  if (!options || typeof options !== 'object') throw new AppError('INVALID_ARGUMENT', 'ID-photo options are missing');
  const t0 = performance.now();
  const spec = parseSpec(options.spec, 'preview');
  const refine = parseRefineMode(options.refine ?? ID_PHOTO_REFINE);
  const r = await makeIdPhoto(source, { spec, background: options.background, refine, faceIndex: options.faceIndex, nudge: options.nudge, trimapPath: options.trimapPath, brightnessEv: options.brightnessEv, turn: options.turn === undefined ? undefined : parseTurn(options.turn) }, env, ctx, reuse);
  // The file Export writes (a name ending .jpg for a JPEG spec), so the KB band's JPEG and its
  // checks show before it is made.
  const { encoded, report: fileReport } = await idPhotoFile(r, spec.format, spec);
  const file: IdPhotoPreviewFile = { format: encoded.format, bytes: encoded.bytes.length, quality: encoded.quality, isColourLostToJpeg: isColourLostToJpeg({ report: fileReport, madeReport: r.report, quality: encoded.quality }), paddingBytes: encoded.paddingBytes };
  let sheet: IdPhotoPreviewResult['sheet'] = null;
  if (options.sheet) {
    const layout = layoutPhotoSheet(spec, options.sheet);
    const bytes = await renderSheetRaster(layout, [r.image], SHEET_PREVIEW_DPI, 'png');
    const pxPerMm = SHEET_PREVIEW_DPI / 25.4;
    sheet = { mime: 'image/png', bytes, width: Math.round(layout.widthMm * pxPerMm), height: Math.round(layout.heightMm * pxPerMm), photos: layout.photos.length };
  }
  // The wire report: the measurements that exist (fileSizeKb / hairCutMm only when they apply).
  const measurements: Record<string, IdPhotoMeasurement> = {};
  for (const [name, m] of Object.entries(fileReport.measurements)) if (m) measurements[name] = m;
  const report: IdPhotoReport = { ...fileReport, measurements };
  return { photo: { mime: `image/${encoded.format}`, bytes: encoded.bytes, width: r.image.width, height: r.image.height }, file, report, rollCorrectedDeg: r.rollCorrectedDeg, brightnessEv: r.brightnessEv, turnDeg: r.turnDeg, nudgeApplied: r.nudgeApplied, sheet, provider: r.provider, timingsMs: performance.now() - t0 };
}
