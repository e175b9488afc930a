// API area "models": the model list with verification state. Main process; Node only.
import type { AppApi, LeftOutModel, ModelInfo } from '../../../shared/api';
import { toWire } from '../../../shared/errors';
import { modelInUse } from '../../core/models/model-store';
import type { ApiDeps } from './deps';

/** listModels, listLeftOutModels. */
export function createModelsArea(deps: ApiDeps): Pick<AppApi, 'listModels' | 'listLeftOutModels'> {
  return {
    async listModels() {
      deps.models.refresh();
      const list = await deps.models.list();
      // The model each task uses (ModelStore.defaultFor's choice), and the default it replaces.
      const defaults = new Map<string, string | undefined>();
      for (const task of new Set(list.map((s) => s.entry.task))) {
        const { inUse, replaces } = modelInUse(list.filter((s) => s.entry.task === task));
        if (inUse) defaults.set(inUse.entry.id, replaces?.entry.id);
      }
      return list.map(
        (s): ModelInfo => ({
          id: s.entry.id,
          name: s.entry.name,
          task: s.entry.task,
          state: s.state,
          licence: s.entry.licence,
          bundled: s.entry.bundled === true,
          ...(s.entry.url ? { url: s.entry.url } : {}),
          file: s.entry.file,
          ...(s.entry.origin?.endsWith('.model.json') ? { descriptor: s.entry.origin } : {}),
          path: s.path,
          isDefault: defaults.has(s.entry.id),
          ...(defaults.get(s.entry.id) ? { replaces: defaults.get(s.entry.id) } : {}),
        }),
      );
    },
    async listLeftOutModels() {
      deps.models.refresh();
      return (await deps.models.skippedDescriptors()).map((s): LeftOutModel => ({ path: s.path, ...(s.id ? { id: s.id } : {}), error: toWire(s.error) }));
    },
  };
}
