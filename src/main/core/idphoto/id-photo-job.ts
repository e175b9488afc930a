// The 'idphoto' job: one ID photo (and optionally a print sheet) from plain-data options, for the
// engine's run-job dispatch. Core (no electron).
import { AppError } from '../../../shared/errors';
import { ID_PHOTO_REFINE, parseRefineMode, parseTurn, type IdPhotoJobOptions } from '../../../shared/jobs';
import type { CoreEnv } from '../env';
import { assertSeparateOutputs, writeFileAtomic } from '../io/atomic-write';
import type { RunContext } from '../progress';
import { isColourLostToJpeg, type ComplianceReport } from './compliance';
import { idPhotoToFile, type IdPhotoReuse } from './make-id-photo';
import { checkPhotoSheet, checkSheetOutput, renderSheetPdf, renderSheetRaster, sheetFormatOf, type SheetLayout } from './print-sheet';
import { parseSpec } from './spec';

/** What an 'idphoto' job returns (structured-clone-able). */
export interface IdPhotoJobResult {
  output: string;
  bytes: number;
  /** The JPEG's quality (null for a PNG): low when a KB band needed it (LOW_JPEG_QUALITY). */
  quality: number | null;
  widthPx: number;
  heightPx: number;
  report: ComplianceReport;
  /** The file's background colour fails only because its JPEG was squeezed into the KB band (isColourLostToJpeg). */
  isColourLostToJpeg: boolean;
  /** Padding that raised the JPEG to the KB band's floor (IdPhotoPreviewFile.paddingBytes). */
  paddingBytes: number;
  rollCorrectedDeg: number;
  /** The brightness the person was given, EV: the one asked, or the one 'auto' chose. */
  brightnessEv: number;
  /** The turn the picture was given, clockwise degrees: the one asked, or the one 'auto' chose (0: none). */
  turnDeg: 0 | 90 | 180 | 270;
  /** The execution provider its models ran on (cpu, webgpu, …). */
  provider: string;
  sheet: { output: string; photos: number } | null;
  timingsMs: number;
}

/** Runs one ID-photo job: validates the options, writes the photo and the optional sheet (`reuse`: the app's decoded picture and its preview's analyses). */
export async function runIdPhotoJob(input: string, output: string, options: IdPhotoJobOptions, env: CoreEnv, ctx: RunContext = {}, reuse?: () => Promise<IdPhotoReuse>): Promise<IdPhotoJobResult> {
  if (!options || typeof options !== 'object') throw new AppError('INVALID_ARGUMENT', 'ID-photo options are missing');
  const spec = parseSpec(options.spec, 'job');
  const refine = parseRefineMode(options.refine ?? ID_PHOTO_REFINE);
  // Refused before the photo is made (it was written, then the sheet refused): a sheet named as a
  // type it is not written as, or not named by a path; its paper, dpi, copies, size in pixels, or a
  // paper the photo does not fit on.
  let layout: SheetLayout | undefined;
  if (options.sheet) {
    if (typeof options.sheet !== 'object' || typeof options.sheet.output !== 'string') throw new AppError('INVALID_ARGUMENT', 'sheet.output must be a path (a string)');
    checkSheetOutput(options.sheet.output);
    if (typeof options.sheet.paper !== 'string') throw new AppError('INVALID_ARGUMENT', 'sheet.paper must be a paper name or WxH (a string)');
    layout = checkPhotoSheet(spec, { paper: options.sheet.paper, dpi: options.sheet.dpi, copies: options.sheet.copies, format: sheetFormatOf(options.sheet.output) });
  }
  // Nothing read is written over, and the sheet not over the photo (as the CLI checks its files):
  // an app's job named the sheet as its own input, or as the photo, and wrote it there.
  await assertSeparateOutputs(
    [{ path: output, what: 'the photo' }, ...(options.sheet ? [{ path: options.sheet.output, what: 'the print sheet' }] : [])],
    [input, ...(typeof options.trimapPath === 'string' ? [options.trimapPath] : [])],
  );
  const r = await idPhotoToFile(input, output, { spec, background: options.background, refine, faceIndex: options.faceIndex, nudge: options.nudge, trimapPath: options.trimapPath, brightnessEv: options.brightnessEv, turn: options.turn === undefined ? undefined : parseTurn(options.turn) }, env, ctx, reuse);
  let sheet: IdPhotoJobResult['sheet'] = null;
  if (options.sheet && layout) {
    const format = sheetFormatOf(options.sheet.output);
    const bytes = format === 'pdf' ? await renderSheetPdf(layout, [r.result.image]) : await renderSheetRaster(layout, [r.result.image], options.sheet.dpi, format);
    await writeFileAtomic(options.sheet.output, bytes, { signal: ctx.signal });
    sheet = { output: options.sheet.output, photos: layout.photos.length };
  }
  return { output: r.output, bytes: r.bytes, quality: r.quality, widthPx: spec.widthPx, heightPx: spec.heightPx, report: r.report, isColourLostToJpeg: isColourLostToJpeg(r), paddingBytes: r.paddingBytes, rollCorrectedDeg: r.result.rollCorrectedDeg, brightnessEv: r.result.brightnessEv, turnDeg: r.result.turnDeg, provider: r.result.provider, sheet, timingsMs: r.timings.totalMs };
}
