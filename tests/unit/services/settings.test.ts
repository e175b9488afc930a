// Settings and recent files: defaults, invalid fields ignored, persisted atomically and read back;
// a corrupt settings file falls back to defaults instead of breaking start-up.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings } from '../../../src/shared/settings';
import { MAX_RECENT_FILES, SettingsStore } from '../../../src/main/services/settings';
import { tempDir } from '../../helpers/env';

describe('settings', () => {
  it('parseSettings keeps valid fields and replaces invalid ones field by field', () => {
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    const s = parseSettings({ language: 'zh-CN', theme: 'neon', threads: 4, defaultBackground: '#438EDB', jpegQuality: 500, provider: 'cuda', outputDir: '' });
    expect(s).toMatchObject({ language: 'zh-CN', theme: 'system', threads: 4, defaultBackground: '#438EDB', jpegQuality: 92, provider: 'cuda', outputDir: null });
    expect(parseSettings({ defaultBackground: '#438edb' }).defaultBackground).toBe('#438EDB');
    expect([DEFAULT_SETTINGS.defaultSubject, parseSettings({ defaultSubject: 'anime' }).defaultSubject, parseSettings({ defaultSubject: 'cat' }).defaultSubject]).toEqual(['person', 'anime', 'person']);
    expect([DEFAULT_SETTINGS.singleKeyShortcuts, parseSettings({ singleKeyShortcuts: false }).singleKeyShortcuts, parseSettings({ singleKeyShortcuts: 'no' }).singleKeyShortcuts]).toEqual([true, false, true]);
    expect([parseSettings({ outputDir: '/exports' }).outputDir, parseSettings({ outputDir: 42 }).outputDir]).toEqual(['/exports', null]);
  });

  it('persists settings and recent files and reads them back; a corrupt file means defaults', async () => {
    const dir = tempDir('cutout-settings-');
    const store = await SettingsStore.open(dir);
    const seen: string[] = [];
    store.onChange((s) => seen.push(s.theme));
    await store.set({ theme: 'dark', language: 'klingon' });
    expect(seen).toEqual(['dark']);
    await store.addRecentFiles(['/a.png', '/b.png']);
    await store.addRecentFiles(['/b.png']);
    const again = await SettingsStore.open(dir);
    expect(again.get().theme).toBe('dark');
    expect(again.get().language).toBe('system');
    expect(again.recentFiles().map((r) => r.path)).toEqual(['/b.png', '/a.png']);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).theme).toBe('dark');
    // What a file was opened as is kept, both ways for a GIF cut out and made a sticker, across a restart.
    await again.addRecentFiles(['/clip.gif'], 'videos');
    expect(again.recentFiles()[0]).toMatchObject({ path: '/clip.gif', openedAs: ['videos'] });
    await again.addRecentFiles(['/clip.gif'], 'images');
    expect((await SettingsStore.open(dir)).recentFiles()[0]).toMatchObject({ path: '/clip.gif', openedAs: ['images', 'videos'] });
    expect(again.recentFiles().find((r) => r.path === '/a.png')?.openedAs).toBeUndefined();
    await again.addRecentFiles(Array.from({ length: 30 }, (_, i) => `/f${i}.png`));
    expect(again.recentFiles()).toHaveLength(MAX_RECENT_FILES);
    await again.clearRecentFiles();
    expect((await SettingsStore.open(dir)).recentFiles()).toEqual([]);
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    expect((await SettingsStore.open(dir)).get()).toEqual(DEFAULT_SETTINGS);
  });
});
