// API area "app": version/platform facts and the renderer-ready signal. Main process; Node only.
import type { AppApi } from '../../../shared/api';
import { isProviderInstalled, providerAttemptOrder, providerRequestHere, providersForPlatform } from '../../core/inference/execution-providers';
import type { ApiDeps } from './deps';

/** getAppInfo, rendererReady. */
export function createAppArea(deps: ApiDeps): Pick<AppApi, 'getAppInfo' | 'rendererReady'> {
  return {
    async getAppInfo() {
      const ranOn = deps.lastRanOn?.();
      return {
        version: deps.info.version,
        platform: process.platform,
        arch: process.arch,
        transport: deps.info.transport,
        // What will run: CUDA / TensorRT asked for without their libraries fail to start, so the
        // status bar named a provider that cannot run here (CUDA on a machine with no GPU).
        providers: providerAttemptOrder(providerRequestHere(deps.settings.get().provider)).filter(isProviderInstalled),
        providerChoices: ['auto', ...providersForPlatform()],
        providersNotInstalled: providersForPlatform().filter((p) => !isProviderInstalled(p)),
        modelsDirs: deps.models.modelsDirs,
        ...(ranOn ? { ranOn } : {}),
        ...(deps.settings.unreadKeptAs ? { settingsUnread: deps.settings.unreadKeptAs } : {}),
      };
    },
    async rendererReady() {
      deps.onRendererReady();
    },
  };
}
