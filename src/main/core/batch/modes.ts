// Mode dispatch of batch export: each mode is three stages (decode / infer / finish) that the
// batch pipeline runs with bounded queues between them. Adding a mode = one handler here.
// Core (no electron).
import { AppError } from '../../../shared/errors';
import type { Background, RefineMode } from '../../../shared/jobs';
import type { CoreEnv } from '../env';
import { decodeImage, type DecodedImage } from '../image/decode';
import { encodeImage } from '../image/encode';
import { getSession } from '../inference/session';
import { writeFileAtomic } from '../io/atomic-write';
import { resolveMaskModel } from '../pipelines/cutout';
import { runMaskModel, type MaskResult } from '../segment/mask-model';
import type { RefinePool } from './refine-pool';
import type { BatchFormat, BatchModeId, BatchOptions } from './types';

/** Extensions of still images the cut-out modes read. */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'avif', 'heic', 'heif', 'bmp', 'gif'];
/** Extensions of videos (and animated GIFs) the sticker mode reads. */
export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', 'webm', 'mkv', 'avi', 'gif'];

/** What a mode's stages get: the resolved options, the env (threads set per batch) and the refine pool. */
export interface ModeContext {
  options: Required<Pick<BatchOptions, 'mode'>> & BatchOptions & { background: Background; refine: RefineMode; format: BatchFormat };
  env: CoreEnv;
  pool: RefinePool;
  signal?: AbortSignal;
}

/**
 * The stages of one batch run of a mode. decode runs up to `jobs` at once; infer runs one at a
 * time on the shared session; finish (refine, encode, write) runs up to `jobs` at once and must
 * write its output atomically.
 */
export interface ModeStages<Decoded = unknown, Inferred = unknown> {
  decode(input: string): Promise<Decoded>;
  infer(decoded: Decoded): Promise<Inferred>;
  finish(inferred: Inferred, output: string): Promise<void>;
}

/** One batch mode: what it reads and writes, and how it starts a run. */
export interface BatchModeHandler {
  id: BatchModeId;
  inputExtensions: readonly string[];
  formats: readonly BatchFormat[];
  defaultFormat: BatchFormat;
  /** Whether the mode uses the refine worker pool. */
  usesRefinePool: boolean;
  /** Once per batch: resolves models, warms the session, validates mode options. Throws to stop the batch. */
  start(mctx: ModeContext): Promise<ModeStages>;
}

interface MaskInferred {
  image: DecodedImage;
  mask: MaskResult;
}

/** Portrait / anime cut-out: the same steps as pipelines/cutout.ts, split into pipeline stages. */
function makeCutoutMode(id: 'portrait' | 'anime'): BatchModeHandler {
  const subject = id === 'portrait' ? 'person' : 'anime';
  return {
    id,
    inputExtensions: IMAGE_EXTENSIONS,
    formats: ['png', 'webp', 'jpeg'],
    defaultFormat: 'png',
    usesRefinePool: true,
    async start(mctx) {
      const { options, env, pool } = mctx;
      const session = { provider: env.provider, threads: env.threads };
      const model = await resolveMaskModel(env, subject, options.modelId);
      await getSession(model.path, session);
      const format = options.format === 'gif' ? 'png' : options.format;
      const stages: ModeStages<DecodedImage, MaskInferred> = {
        decode: (input) => decodeImage(input, { maxPixels: env.maxPixels }),
        infer: async (image) => ({ image, mask: await runMaskModel(image, model, session) }),
        async finish({ image, mask }, output) {
          const data = await pool.run({
            data: image.data,
            width: image.width,
            height: image.height,
            mask: mask.mask,
            maskW: mask.width,
            maskH: mask.height,
            mode: options.refine,
            background: options.background,
          });
          const bytes = await encodeImage({ data, width: image.width, height: image.height }, { format, quality: options.quality });
          await writeFileAtomic(output, bytes);
        },
      };
      return stages as ModeStages;
    },
  };
}

/** A mode whose core has not landed in this build: refuses the batch with a clear message. */
function makeUnavailableMode(id: BatchModeId, inputExtensions: readonly string[], defaultFormat: BatchFormat, why: string): BatchModeHandler {
  const refuse = (): never => {
    throw new AppError('INVALID_ARGUMENT', `Batch mode "${id}" is not available in this build: ${why}`);
  };
  return { id, inputExtensions, formats: [defaultFormat], defaultFormat, usesRefinePool: false, start: async () => refuse() };
}

/** Every batch mode by id. */
export const BATCH_MODES: Record<BatchModeId, BatchModeHandler> = {
  portrait: makeCutoutMode('portrait'),
  anime: makeCutoutMode('anime'),
  idphoto: makeUnavailableMode('idphoto', IMAGE_EXTENSIONS, 'jpeg', 'the ID photo pipeline (issue 5) is not in core yet'),
  sticker: makeUnavailableMode('sticker', VIDEO_EXTENSIONS, 'gif', 'the sticker pipeline (issue 6) is not in core yet'),
};

/** The handler of a mode; INVALID_ARGUMENT for an unknown one. */
export function getBatchMode(id: string): BatchModeHandler {
  const handler = (BATCH_MODES as Record<string, BatchModeHandler | undefined>)[id];
  if (!handler) throw new AppError('INVALID_ARGUMENT', `Unknown batch mode "${id}"; use ${Object.keys(BATCH_MODES).join(', ')}`);
  return handler;
}
