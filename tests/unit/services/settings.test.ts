// Settings and recent files: defaults, invalid fields ignored, persisted atomically and read back;
// a corrupt settings file falls back to defaults instead of breaking start-up.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings } from '../../../src/shared/settings';
import { errorKindOf } from '../../../src/shared/errors';
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
    // Clear list under the clips empties the clips alone (it emptied the pictures too); a GIF opened both ways stays a picture.
    await again.clearRecentFiles();
    await again.addRecentFiles(['/a.jpg', '/both.gif'], 'images');
    await again.addRecentFiles(['/b.mp4', '/both.gif'], 'videos');
    await again.addRecentFiles(['/old.gif']);
    expect(await again.clearRecentFiles('videos')).toEqual([expect.objectContaining({ path: '/old.gif', openedAs: ['images'] }), expect.objectContaining({ path: '/both.gif', openedAs: ['images'] }), expect.objectContaining({ path: '/a.jpg', openedAs: ['images'] })]);
    expect((await SettingsStore.open(dir)).recentFiles().map((r) => r.path)).toEqual(['/old.gif', '/both.gif', '/a.jpg']);
    await again.clearRecentFiles();
    expect((await SettingsStore.open(dir)).recentFiles()).toEqual([]);
    writeFileSync(join(dir, 'settings.json'), '{ "theme": "dark",, not json');
    const damaged = await SettingsStore.open(dir);
    expect(damaged.get()).toEqual(DEFAULT_SETTINGS);
    // Said (the app tells the user) until a change is saved.
    expect(damaged.unreadKeptAs).toBe(join(dir, 'settings.json.bad'));
    // Kept beside it, so the first change (which writes the file whole) does not lose what was there.
    await damaged.set({ jpegQuality: 80 });
    expect(readFileSync(join(dir, 'settings.json.bad'), 'utf8')).toBe('{ "theme": "dark",, not json');
    expect(damaged.unreadKeptAs).toBeUndefined();
    expect((await SettingsStore.open(dir)).unreadKeptAs).toBeUndefined();
    // A key this version does not know (a newer one's) stays in the file through a change (it was dropped).
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ theme: 'dark', fromNewerApp: { on: true } }));
    const newer = await SettingsStore.open(dir);
    await newer.set({ jpegQuality: 81 });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark', jpegQuality: 81, fromNewerApp: { on: true } });
    expect(newer.get()).not.toHaveProperty('fromNewerApp');
    // Saved by an editor that begins the file with a byte order mark (Windows Notepad): read, not kept as .bad.
    writeFileSync(join(dir, 'settings.json'), '\ufeff' + JSON.stringify({ theme: 'dark', jpegQuality: 70 }));
    const withMark = await SettingsStore.open(dir);
    expect(withMark.get()).toMatchObject({ theme: 'dark', jpegQuality: 70 });
    expect(withMark.unreadKeptAs).toBeUndefined();
  });

  it('saves changes made at once in order: the file, the store and every listener end on the last one', async () => {
    const dir = tempDir('cutout-settings-');
    const store = await SettingsStore.open(dir);
    const heard: number[] = [];
    store.onChange((s) => heard.push(s.jpegQuality));
    // A held arrow key on the quality slider: each write began at once, and whichever rename came
    // last won (the file kept 92 while the app showed 70).
    const qualities = [92, 91, 90, 80, 70];
    const replies = await Promise.all(qualities.map((jpegQuality) => store.set({ jpegQuality })));
    expect(replies.map((r) => r.jpegQuality)).toEqual(qualities);
    expect(heard).toEqual(qualities);
    expect(store.get().jpegQuality).toBe(70);
    // What a page reads waits for the changes asked before it (a page reloaded just after a change
    // read the one before: a change is taken once it is saved).
    const saving = store.set({ theme: 'light' });
    expect(store.get().theme).not.toBe('light');
    expect((await store.saved()).theme).toBe('light');
    await saving;
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).jpegQuality).toBe(70);
    await Promise.all([store.addRecentFiles(['/a.png']), store.addRecentFiles(['/b.png']), store.addRecentFiles(['/c.png'])]);
    expect((await SettingsStore.open(dir)).recentFiles().map((r) => r.path)).toEqual(['/c.png', '/b.png', '/a.png']);
  });

  it('keeps what another process saved in the same folder (cutout serve beside the desktop app)', async () => {
    const dir = tempDir('cutout-settings-');
    const app = await SettingsStore.open(dir);
    const serve = await SettingsStore.open(dir);
    await app.set({ theme: 'dark' });
    await serve.set({ language: 'zh-CN' });
    // serve's copy was read before the app saved: it wrote theme back to system.
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark', language: 'zh-CN' });
    expect(serve.get()).toMatchObject({ theme: 'dark', language: 'zh-CN' });
    // Changes at the same moment (each read the file before the other wrote it): both kept, every time
    // (one was lost in 30 of 30 runs), and no lock file is left.
    for (let i = 0; i < 20; i++) {
      await Promise.all([app.set({ jpegQuality: 50 + i }), serve.set({ theme: i % 2 ? 'dark' : 'light' })]);
      expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ jpegQuality: 50 + i, theme: i % 2 ? 'dark' : 'light' });
    }
    expect(existsSync(join(dir, 'settings.json.lock'))).toBe(false);
    // A lock left by a process that ended mid-change is taken over, not waited on for good; several
    // changing at once over it all keep their change (two taking it over at once had removed each
    // other's fresh lock: a change lost in 3 of 20 runs of two processes).
    const stores = [app, serve, await SettingsStore.open(dir), await SettingsStore.open(dir)];
    for (let round = 0; round < 10; round++) {
      writeFileSync(join(dir, 'settings.json.lock'), '');
      utimesSync(join(dir, 'settings.json.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const changes = [{ jpegQuality: 60 + round }, { theme: round % 2 ? 'dark' : 'light' }, { language: round % 2 ? 'en' : 'zh-CN' }, { exportFormat: round % 2 ? 'png' : 'jpeg' }] as const;
      await Promise.all(stores.map((store, k) => store.set(changes[k])));
      expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject(Object.assign({}, ...changes));
      expect(readdirSync(dir).filter((n) => n.startsWith('settings.json.lock'))).toEqual([]);
    }
    // A folder where the lock would be: the change goes on at once (it failed every change).
    mkdirSync(join(dir, 'settings.json.lock'));
    utimesSync(join(dir, 'settings.json.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const t0 = Date.now();
    await app.set({ jpegQuality: 90 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).jpegQuality).toBe(90);
    rmSync(join(dir, 'settings.json.lock'), { recursive: true });
    // A damaged file is not merged from: the store's own settings are.
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    expect(await app.set({ jpegQuality: 80 })).toMatchObject({ theme: 'dark', jpegQuality: 80 });
  });

  it('a change that cannot be saved changes nothing and says the settings file', async () => {
    const dir = tempDir('cutout-settings-');
    const store = await SettingsStore.open(dir);
    await store.set({ threads: 2 });
    const heard: Array<number | null> = [];
    store.onChange((s) => heard.push(s.threads));
    // What stands where the file goes is a folder: no write there succeeds (as root too).
    rmSync(join(dir, 'settings.json'));
    mkdirSync(join(dir, 'settings.json'));
    const failed = await store.set({ threads: 1 }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', detail: { settingsFile: true, path: join(dir, 'settings.json') } });
    expect(errorKindOf((failed as { detail: unknown }).detail)).toBe('settingsFile');
    // Not taken: nor passed on (the engine's threads), nor saved unsaid by the next change.
    expect([store.get().threads, heard]).toEqual([2, []]);
    rmSync(join(dir, 'settings.json'), { recursive: true });
    await store.set({ theme: 'light' });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ threads: 2, theme: 'light' });
    expect(heard).toEqual([2]);
  });
});

