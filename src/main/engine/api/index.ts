// The AppApi implementation: the per-area handler modules combined, checked against the
// contract with `satisfies AppApi` (a missing method is a compile error), plus the Result
// envelope every transport uses. Main process and `cutout serve`; Node only, never electron.
import { API_METHODS, type ApiMethod, type AppApi } from '../../../shared/api';
import { AppError, isCancellation, toWire, type Result } from '../../../shared/errors';
import { createAppArea } from './app';
import type { ApiDeps } from './deps';
import { createFilesArea } from './files';
import { createIdPhotoArea } from './idphoto';
import { createJobsArea } from './jobs';
import { createModelsArea } from './models';
import { createPreviewsArea } from './previews';
import { createSettingsArea } from './settings';
import { createStickersArea } from './stickers';

/** Builds the implementation of every AppApi method. */
export function createAppApi(deps: ApiDeps): AppApi {
  const impl = {
    ...createAppArea(deps),
    ...createJobsArea(deps),
    ...createModelsArea(deps),
    ...createSettingsArea(deps),
    ...createPreviewsArea(deps),
    ...createFilesArea(deps),
    ...createStickersArea(deps),
    ...createIdPhotoArea(deps),
  } satisfies AppApi;
  return impl;
}

/**
 * Calls one method by name and wraps the outcome in a Result: exceptions never cross a process
 * or network boundary. Unknown errors are logged with their stack and sent as INTERNAL;
 * cancellation is not logged.
 */
export async function callApi(impl: AppApi, method: string, arg: unknown, log: (message: string) => void): Promise<Result<unknown>> {
  if (!(API_METHODS as readonly string[]).includes(method)) {
    return { ok: false, error: toWire(new AppError('INVALID_ARGUMENT', `Unknown API method "${method}"`)) };
  }
  try {
    const fn = impl[method as ApiMethod] as (a: unknown) => Promise<unknown>;
    return { ok: true, value: await fn(arg) };
  } catch (error) {
    const wire = toWire(error);
    if (wire.code === 'INTERNAL' && !isCancellation(error)) log(`api ${method} failed: ${(error as Error)?.stack ?? String(error)}`);
    return { ok: false, error: wire };
  }
}
