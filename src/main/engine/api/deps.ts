// What the API handlers need from their host: the engine, jobs, settings, models and the
// platform services that differ between the desktop (Electron dialogs, clipboard, shell) and the
// browser transport. Main process and `cutout serve`; Node only, never electron.
import type { AppEvents, ChooseFilesRequest, ChooseFolderRequest, ChooseSaveTargetRequest, EventName } from '../../../shared/api';
import type { ModelStore } from '../../core/models/model-store';
import type { JobRegistry } from '../../services/jobs';
import type { SettingsStore } from '../../services/settings';
import type { EngineHost } from '../host';

/** Sends one event to the renderer(s). */
export type EmitEvent = <E extends EventName>(event: E, payload: AppEvents[E]) => void;

/** Dialogs, file manager and clipboard: Electron's on the desktop, upload/download in a browser. */
export interface PlatformServices {
  chooseFiles(req: ChooseFilesRequest): Promise<string[]>;
  chooseFolder(req: ChooseFolderRequest): Promise<string | null>;
  chooseSaveTarget(req: ChooseSaveTargetRequest): Promise<string | null>;
  /** Asks whether `path`, which is there, may be replaced (the save dialog did not ask of it); absent: yes. */
  confirmReplace?(path: string): Promise<boolean>;
  revealInFolder(path: string): Promise<void>;
  copyImageToClipboard(path: string): Promise<void>;
}

/** Everything the per-area handler modules use. */
export interface ApiDeps {
  engine: EngineHost;
  jobs: JobRegistry;
  settings: SettingsStore;
  models: ModelStore;
  platform: PlatformServices;
  /** Folder for imported (pasted/uploaded) files. */
  tempDir: string;
  info: { version: string; transport: 'ipc' | 'web' };
  /** The renderer subscribed to events (flush queued events). */
  onRendererReady(): void;
  /** Where the last model run ran under the provider setting now in force (AppCore.lastRanOn). */
  lastRanOn?(): string | undefined;
}
