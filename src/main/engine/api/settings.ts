// API area "settings": settings and recent files. Main process; Node only.
import type { AppApi } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ApiDeps } from './deps';
import { expectObject, expectStringArray } from './validate';

/** getSettings, setSettings, getRecentFiles, addRecentFiles, clearRecentFiles. */
export function createSettingsArea(deps: ApiDeps): Pick<AppApi, 'getSettings' | 'setSettings' | 'getRecentFiles' | 'addRecentFiles' | 'clearRecentFiles'> {
  return {
    async getSettings() {
      return deps.settings.get();
    },
    async setSettings(patch) {
      return deps.settings.set(expectObject(patch, 'settings'));
    },
    async getRecentFiles() {
      return deps.settings.recentFiles();
    },
    async addRecentFiles(req) {
      const r = expectObject(req, 'request');
      if (r.openedAs !== 'images' && r.openedAs !== 'videos') throw new AppError('INVALID_ARGUMENT', `openedAs must be "images" or "videos", got ${JSON.stringify(r.openedAs)}`);
      return deps.settings.addRecentFiles(expectStringArray(r.paths, 'paths'), r.openedAs);
    },
    async clearRecentFiles() {
      await deps.settings.clearRecentFiles();
    },
  };
}
