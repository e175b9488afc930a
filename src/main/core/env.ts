// What every pipeline needs from its host: the model store and inference settings. Built by
// the engine (Electron), the CLI and the tests; core never looks these up itself.
import type { ModelStore } from './models/model-store';

/** Host-provided settings shared by the pipelines. */
export interface CoreEnv {
  store: ModelStore;
  /** Execution provider request ('auto', 'cpu', 'webgpu', ...). */
  provider?: string;
  /** Intra-op threads for inference; default all cores. */
  threads?: number;
  /** Pixel budget for decoded inputs. */
  maxPixels?: number;
}
