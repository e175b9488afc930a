// Messages between engine/host.ts (main side) and engine/entry.ts (the engine worker), and the
// engine's start-up configuration. Plain structured-clone-able data; Node only.
import type { WireError } from '../../shared/errors';
import type { BatchItemFinished } from '../../shared/jobs';
import type { ProgressEvent } from '../core/progress';
import type { EngineOp } from './ops';

/** Everything the engine needs to build its CoreEnv; paths arrive from platform/paths.ts or the CLI. */
export interface EngineConfig {
  modelsDirs: string[];
  manifestPath: string;
  hashCachePath?: string;
  /** Folder for trimaps and pasted images. */
  tempDir: string;
  provider?: string;
  threads?: number | null;
  maxPixels?: number;
  /** Bundled ffmpeg; exported to the engine as CUTOUT_FFMPEG (core/video reads it). */
  ffmpegPath?: string | null;
}

/** Host -> engine. */
export type ToEngine =
  | { type: 'call'; id: number; op: EngineOp; arg: unknown }
  | { type: 'cancel'; id: number }
  /** Pause or resume a running call (batch jobs wait between files; other ops ignore it). */
  | { type: 'pause'; id: number; isPaused: boolean }
  | { type: 'configure'; config: Partial<EngineConfig> };

/** Engine -> host. */
export type FromEngine =
  | { type: 'progress'; id: number; event: ProgressEvent }
  /** One input of a batch job ended (not throttled). */
  | { type: 'item'; id: number; item: Omit<BatchItemFinished, 'jobId'> }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError; stack?: string };
