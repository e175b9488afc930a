// The only file that knows app.isPackaged / process.resourcesPath: gathers the facts from
// Electron and resolves them with platform/app-paths.ts. Main process (electron).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { resolveAppPaths, type AppPaths } from './app-paths';

/** The desktop app's paths for this run. */
export function appPaths(): AppPaths {
  return resolveAppPaths({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    userDataPath: app.getPath('userData'),
    tempPath: app.getPath('temp'),
    platform: process.platform,
    mainDir: dirname(fileURLToPath(import.meta.url)),
    rendererDevUrl: process.env.ELECTRON_RENDERER_URL,
  });
}
