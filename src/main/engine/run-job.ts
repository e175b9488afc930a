// Job dispatch: a switch on JobSpec.kind that calls the core pipelines. Runs inside the engine
// (worker thread or in-process); Node only, never electron. Each feature adds its case here
// (see docs/architecture.md); a kind without a case fails with JOB_KIND_UNSUPPORTED.
import { AppError } from '../../shared/errors';
import type { JobSpec } from '../../shared/jobs';
import { runBatch } from '../core/batch/run-batch';
import type { CoreEnv } from '../core/env';
import { runIdPhotoJob } from '../core/idphoto/id-photo-job';
import { cutoutToFile } from '../core/pipelines/cutout';
import type { RunContext } from '../core/progress';
import { makeSticker } from '../core/sticker/make-sticker';

/** Runs one job to the end and returns its (structured-clone-able) result. */
export async function runJob(spec: JobSpec, env: CoreEnv, ctx: RunContext): Promise<unknown> {
  switch (spec.kind) {
    case 'cutout':
      return cutoutToFile(spec.input, spec.output, spec.options, env, ctx);
    case 'sticker':
      return makeSticker(spec.input, spec.output, spec.options, env, ctx);
    case 'idphoto':
      return runIdPhotoJob(spec.input, spec.output, spec.options, env, ctx);
    case 'batch': {
      const { idSpec, sticker, ...options } = spec.options;
      const extra = idSpec ? { spec: idSpec } : sticker ? { ...sticker } : undefined;
      return runBatch(spec.inputs, spec.outputDir, { ...options, spec: idSpec?.id, extra }, env, ctx);
    }
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new AppError('JOB_KIND_UNSUPPORTED', `Unknown job kind "${String(kind)}"`, { detail: { kind } });
    }
  }
}
