// API area "previews": the editor's decode / segment / re-matte / trimap calls, run on the
// engine (off the main event loop). Main process; Node only.
import type { AppApi, PixelRect } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ApiDeps } from './deps';
import { expectBoolean, expectObject, expectOneOf, expectString } from './validate';
import { parseRefineMode } from '../../../shared/jobs';

const SUBJECTS = ['person', 'anime'] as const;

/** A preview's longest side at most (never upscaled): a picture of 12 px is previewed at its 12 (the editor asks its own size). */
function optionalSide(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 16384) throw new AppError('INVALID_ARGUMENT', 'maxSidePx must be a number between 1 and 16384');
  return Math.round(value);
}

function optionalRegion(value: unknown): PixelRect | undefined {
  if (value === undefined || value === null) return undefined;
  const r = expectObject(value, 'region');
  const nums = [r.x, r.y, r.width, r.height];
  if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) throw new AppError('INVALID_ARGUMENT', 'region must have numeric x, y, width, height');
  return { x: r.x as number, y: r.y as number, width: r.width as number, height: r.height as number };
}

function trimapArgs(r: Record<string, unknown>): { width: number; height: number; trimap: Uint8Array } {
  if (!(r.trimap instanceof Uint8Array)) throw new AppError('INVALID_ARGUMENT', 'trimap must be a Uint8Array');
  return { width: Number(r.width), height: Number(r.height), trimap: r.trimap };
}

/** loadImagePreview, segment, rematte, saveTrimap. */
export function createPreviewsArea(deps: ApiDeps): Pick<AppApi, 'loadImagePreview' | 'segment' | 'rematte' | 'saveTrimap'> {
  return {
    async loadImagePreview(req) {
      const r = expectObject(req, 'request');
      return deps.engine.call('loadImagePreview', { path: expectString(r.path, 'path'), maxSidePx: optionalSide(r.maxSidePx) });
    },
    async segment(req) {
      const r = expectObject(req, 'request');
      return deps.engine.call('segment', {
        path: expectString(r.path, 'path'),
        subject: expectOneOf(r.subject, SUBJECTS, 'subject'),
        modelId: r.modelId === undefined ? undefined : expectString(r.modelId, 'modelId'),
        refine: parseRefineMode(r.refine ?? 'fast'),
        maxSidePx: optionalSide(r.maxSidePx),
      });
    },
    async rematte(req) {
      const r = expectObject(req, 'request');
      return deps.engine.call('rematte', {
        path: expectString(r.path, 'path'),
        subject: expectOneOf(r.subject, SUBJECTS, 'subject'),
        modelId: r.modelId === undefined ? undefined : expectString(r.modelId, 'modelId'),
        ...trimapArgs(r),
        region: optionalRegion(r.region),
        ...(r.whole === undefined ? {} : { whole: expectBoolean(r.whole, 'whole') }),
        ...(r.refine === undefined ? {} : { refine: parseRefineMode(r.refine) }),
      });
    },
    async saveTrimap(req) {
      const r = expectObject(req, 'request');
      return deps.engine.call('saveTrimap', { path: expectString(r.path, 'path'), ...trimapArgs(r) });
    },
  };
}
