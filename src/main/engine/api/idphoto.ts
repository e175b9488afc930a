// API area "idphoto": the ID-photo workspace's live preview (photo, report, print sheet), run on
// the engine. The export itself is a job (kind 'idphoto', engine/run-job.ts). Main process and
// `cutout serve`; Node only.
import type { AppApi } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ApiDeps } from './deps';
import { expectObject, expectString } from './validate';

/** previewIdPhoto. */
export function createIdPhotoArea(deps: ApiDeps): Pick<AppApi, 'previewIdPhoto'> {
  return {
    async previewIdPhoto(req) {
      const r = expectObject(req, 'request');
      const options = expectObject(r.options, 'options');
      expectString(expectObject(options.spec, 'options.spec').id, 'options.spec.id');
      if (options.sheet !== undefined) {
        const sheet = expectObject(options.sheet, 'options.sheet');
        expectString(sheet.paper, 'options.sheet.paper');
        if (typeof sheet.dpi !== 'number' || !(sheet.dpi >= 72 && sheet.dpi <= 1200)) throw new AppError('INVALID_ARGUMENT', 'options.sheet.dpi must be a number between 72 and 1200');
      }
      // The spec, background, refine, face index and nudge are validated by the core (parseSpec, makeIdPhoto).
      return deps.engine.call('previewIdPhoto', { path: expectString(r.path, 'path'), options: options as never });
    },
  };
}
