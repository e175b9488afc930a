// What every pipeline needs from its host: the model store and inference settings. Built by
// the engine (Electron), the CLI and the tests; core never looks these up itself.
import { AppError } from '../../shared/errors';
import type { ModelStore } from './models/model-store';

/** Host-provided settings shared by the pipelines. */
export interface CoreEnv {
  store: ModelStore;
  /** Execution provider request ('auto', 'cpu', 'webgpu', ...). */
  provider?: string;
  /** Intra-op threads for inference; default all cores. */
  threads?: number;
  /** Pixel budget for decoded inputs (default DEFAULT_MAX_PIXELS); a bigger picture is worked on downscaled to it. */
  maxPixels?: number;
}

/** The largest budget CUTOUT_MAX_MEGAPIXELS takes, in megapixels. */
export const MAX_BUDGET_MP = 250;

/**
 * The pixel budget a host was given in CUTOUT_MAX_MEGAPIXELS (megapixels, 1 to 250), or undefined
 * for the default. INVALID_ARGUMENT for anything else, so a typo is not silently the default. 250 is
 * under libvips' default pixel limit (268 MP), which the encoders keep: a bigger budget failed there.
 */
export function maxPixelsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.CUTOUT_MAX_MEGAPIXELS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const mp = Number(raw);
  if (!Number.isFinite(mp) || mp < 1 || mp > MAX_BUDGET_MP) throw new AppError('INVALID_ARGUMENT', `CUTOUT_MAX_MEGAPIXELS must be a number of megapixels from 1 to ${MAX_BUDGET_MP}, got "${raw}"`);
  return Math.round(mp * 1e6);
}
