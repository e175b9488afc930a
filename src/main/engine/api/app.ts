// API area "app": version/platform facts and the renderer-ready signal. Main process; Node only.
import type { AppApi } from '../../../shared/api';
import { providerAttemptOrder, providerRequestHere, providersForPlatform } from '../../core/inference/execution-providers';
import type { ApiDeps } from './deps';

/** getAppInfo, rendererReady. */
export function createAppArea(deps: ApiDeps): Pick<AppApi, 'getAppInfo' | 'rendererReady'> {
  return {
    async getAppInfo() {
      return {
        version: deps.info.version,
        platform: process.platform,
        arch: process.arch,
        transport: deps.info.transport,
        providers: providerAttemptOrder(providerRequestHere(deps.settings.get().provider)),
        providerChoices: ['auto', ...providersForPlatform()],
        modelsDirs: deps.models.modelsDirs,
      };
    },
    async rendererReady() {
      deps.onRendererReady();
    },
  };
}
