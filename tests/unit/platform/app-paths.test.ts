// Resource paths for dev and packaged runs, from a fake environment (no Electron).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../../src/main/core/video/ffmpeg';
import { resolveAppPaths, useBundledFfmpeg, type AppFacts } from '../../../src/main/platform/app-paths';
import { tempDir } from '../../helpers/env';

const base: AppFacts = {
  isPackaged: false,
  resourcesPath: '/opt/Cutout Studio/resources',
  appPath: '/home/me/cutout-studio',
  userDataPath: '/home/me/.config/cutout-studio',
  tempPath: '/tmp',
  platform: 'linux',
  mainDir: '/home/me/cutout-studio/out/main',
};

describe('resolveAppPaths', () => {
  it('dev: resources and the renderer come from the checkout; ffmpeg is found by core', () => {
    const p = resolveAppPaths(base);
    expect(p.modelsDir).toBe(join('/home/me/cutout-studio', 'resources', 'models'));
    expect(p.manifestPath).toBe(join('/home/me/cutout-studio', 'resources', 'models', 'manifest.json'));
    expect(p.ffmpegPath).toBeNull();
    // The user's own models folder, for a model downloaded later: writable, outside the app.
    expect(p.userModelsDir).toBe(join('/home/me/.config/cutout-studio', 'models'));
    expect(p.preloadPath).toBe(join('/home/me/cutout-studio/out', 'preload', 'index.cjs'));
    expect(p.renderer).toEqual({ kind: 'file', path: join('/home/me/cutout-studio/out/renderer/index.html'), dir: join('/home/me/cutout-studio/out/renderer') });
    expect(resolveAppPaths({ ...base, rendererDevUrl: 'http://localhost:5173' }).renderer).toEqual({ kind: 'url', url: 'http://localhost:5173' });
  });

  it('packaged: models and ffmpeg are real files under resourcesPath (never inside app.asar)', () => {
    const p = resolveAppPaths({ ...base, isPackaged: true, appPath: '/opt/Cutout Studio/resources/app.asar', mainDir: '/opt/Cutout Studio/resources/app.asar/out/main', rendererDevUrl: 'http://evil:1' });
    expect(p.modelsDir).toBe(join('/opt/Cutout Studio/resources', 'models'));
    expect(p.ffmpegPath).toBe(join('/opt/Cutout Studio/resources', 'bin', 'ffmpeg'));
    expect(p.modelsDir).not.toContain('app.asar');
    expect(p.renderer.kind).toBe('file');
    expect(resolveAppPaths({ ...base, isPackaged: true, platform: 'win32', resourcesPath: 'C:\\App\\resources' }).ffmpegPath).toMatch(/ffmpeg\.exe$/);
  });

  it("keeps its temp files in the user's own temp folder on Windows (not the roaming profile), in the user data folder elsewhere (/tmp is everyone's)", () => {
    const win = resolveAppPaths({ ...base, platform: 'win32', userDataPath: 'C:\\Users\\me\\AppData\\Roaming\\cutout-studio', tempPath: 'C:\\Users\\me\\AppData\\Local\\Temp' });
    expect(win.tempDir).toBe(join('C:\\Users\\me\\AppData\\Local\\Temp', 'Cutout Studio'));
    expect(resolveAppPaths(base).tempDir).toBe(join('/home/me/.config/cutout-studio', 'temp'));
  });
});

describe('useBundledFfmpeg', () => {
  const bundled = join('/opt/Cutout Studio/resources', 'bin', 'ffmpeg');
  const exists = (path: string): boolean => path === bundled;

  it('makes the bundled ffmpeg the one the main process finds too (it probes clips itself), not only the engine\'s', () => {
    // An installed app on a machine with no ffmpeg of its own: no ffmpeg-static, nothing on PATH.
    const env: NodeJS.ProcessEnv = { PATH: '' };
    expect(useBundledFfmpeg(env, bundled, exists)).toBe(bundled);
    expect(env.CUTOUT_FFMPEG).toBe(bundled);
    // And what core/video resolves from that environment (a real file standing for the bundled one).
    const real = join(tempDir(), 'ffmpeg');
    writeFileSync(real, '');
    const realEnv: NodeJS.ProcessEnv = { PATH: '' };
    useBundledFfmpeg(realEnv, real);
    expect(resolveFfmpeg(realEnv)).toMatchObject({ ffmpeg: real, source: 'env' });
  });

  it('keeps a CUTOUT_FFMPEG the user set, and sets nothing when the bundled one is missing (development)', () => {
    const own: NodeJS.ProcessEnv = { CUTOUT_FFMPEG: '/usr/local/bin/ffmpeg' };
    expect(useBundledFfmpeg(own, bundled, exists)).toBeNull();
    expect(own.CUTOUT_FFMPEG).toBe('/usr/local/bin/ffmpeg');
    const dev: NodeJS.ProcessEnv = {};
    expect(useBundledFfmpeg(dev, null, exists)).toBeNull();
    expect(useBundledFfmpeg(dev, join('/elsewhere', 'ffmpeg'), exists)).toBeNull();
    expect(dev.CUTOUT_FFMPEG).toBeUndefined();
  });
});
