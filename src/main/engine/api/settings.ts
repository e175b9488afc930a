// API area "settings": settings and recent files. Main process; Node only.
import type { AppApi } from '../../../shared/api';
import type { ApiDeps } from './deps';
import { expectObject, expectOneOf, expectStringArray } from './validate';

/** getSettings, setSettings, getRecentFiles, addRecentFiles, clearRecentFiles. */
export function createSettingsArea(deps: ApiDeps): Pick<AppApi, 'getSettings' | 'setSettings' | 'getRecentFiles' | 'addRecentFiles' | 'clearRecentFiles'> {
  return {
    async getSettings() {
      return deps.settings.saved();
    },
    async setSettings(patch) {
      return deps.settings.set(expectObject(patch, 'settings'));
    },
    async getRecentFiles() {
      return deps.settings.recentFiles();
    },
    async addRecentFiles(req) {
      const r = expectObject(req, 'request');
      return deps.settings.addRecentFiles(expectStringArray(r.paths, 'paths'), expectOneOf(r.openedAs, ['images', 'videos'] as const, 'openedAs'));
    },
    async clearRecentFiles(req) {
      const r = req === undefined || req === null ? {} : expectObject(req, 'request');
      return deps.settings.clearRecentFiles(r.media === undefined ? undefined : expectOneOf(r.media, ['images', 'videos'] as const, 'media'));
    },
  };
}
