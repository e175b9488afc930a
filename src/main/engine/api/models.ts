// API area "models": the model list with verification state. Main process; Node only.
import type { AppApi, ModelInfo } from '../../../shared/api';
import type { ApiDeps } from './deps';

/** listModels. */
export function createModelsArea(deps: ApiDeps): Pick<AppApi, 'listModels'> {
  return {
    async listModels() {
      deps.models.refresh();
      const list = await deps.models.list();
      const defaults = new Set<string>();
      for (const task of new Set(list.map((s) => s.entry.task))) {
        const usable = list.filter((s) => s.entry.task === task && (s.state === 'ok' || s.state === 'unpinned'));
        const pick = usable.find((s) => s.entry.default === true) ?? usable[0];
        if (pick) defaults.add(pick.entry.id);
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
          path: s.path,
          isDefault: defaults.has(s.entry.id),
        }),
      );
    },
  };
}
