// The engine's expandPaths: a dropped folder becomes the files of the asked kind (shared/media lists).
// chooseSaveTarget: which folder the save dialog opens in, and the extension a name typed there lacks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../../src/main/engine/api/deps';
import { createFilesArea } from '../../../src/main/engine/api/files';
import { SettingsStore } from '../../../src/main/services/settings';
import { tempDir } from '../../helpers/env';

describe('expandPaths', () => {
  it('keeps the files of the filter\'s kind, any case, skips hidden files and names without an extension', async () => {
    const dir = tempDir();
    for (const name of ['a.MP4', 'b.png', 'c.gif', 'd.JPeg', '.hidden.mp4', 'README', 'notes.txt']) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'e.webm'), 'x');
    const area = createFilesArea({} as ApiDeps);
    const names = async (filter: string, recursive = false) => (await area.expandPaths({ paths: [dir], filter, recursive } as never)).map((p) => basename(p));
    expect(await names('videos')).toEqual(['a.MP4', 'c.gif']);
    expect(await names('images')).toEqual(['b.png', 'c.gif', 'd.JPeg']);
    expect(await names('media')).toEqual(['a.MP4', 'b.png', 'c.gif', 'd.JPeg']);
    expect(await names('videos', true)).toEqual(['a.MP4', 'c.gif', 'e.webm']);
    expect(await names('any')).toEqual(['a.MP4', 'b.png', 'c.gif', 'd.JPeg', 'notes.txt', 'README']);
  });
});

describe('countBatchInputs', () => {
  it('counts what the batch would take: its mode\'s types, sub-folders when asked, never the output folder, each file once', async () => {
    const dir = tempDir();
    for (const name of ['a.jpg', 'b.PNG', 'c.mp4', '.hidden.jpg', 'notes.txt']) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, 'sub'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'sub', 'd.webp'), 'x');
    writeFileSync(join(dir, 'out', 'a_cutout.png'), 'x');
    const area = createFilesArea({} as ApiDeps);
    expect(await area.countBatchInputs({ inputs: [dir], mode: 'portrait' })).toEqual({ perInput: [2], total: 2 });
    expect(await area.countBatchInputs({ inputs: [dir, join(dir, 'a.jpg')], mode: 'portrait', recursive: true, outputDir: join(dir, 'out') })).toEqual({ perInput: [3, 1], total: 3 });
    expect(await area.countBatchInputs({ inputs: [dir], mode: 'sticker' })).toEqual({ perInput: [1], total: 1 });
    await expect(area.countBatchInputs({ inputs: [dir], mode: 'bogus' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('chooseSaveTarget', () => {
  it('opens the dialog in Settings\' export folder, else where the last export went, else next to the picture (not a pasted one\'s temp folder)', async () => {
    const asked: (string | undefined)[] = [];
    let answer: string | null = null;
    const settings = await SettingsStore.open(tempDir());
    const appTemp = tempDir();
    const area = createFilesArea({
      settings,
      tempDir: appTemp,
      platform: {
        chooseSaveTarget: async (req: { defaultDir?: string; defaultName: string }) => {
          asked.push(req.defaultDir);
          return answer;
        },
      },
    } as unknown as ApiDeps);
    const photos = resolve('/photos');
    // A pasted picture (in the app's temp folder, emptied at every start): the platform's own default.
    expect(await area.chooseSaveTarget({ defaultName: 'pasted_cutout.png', nearPath: join(appTemp, 'imports', 'x', 'pasted.png') })).toBeNull();
    // First export of a picture: next to it. Cancelled, so nothing is remembered.
    expect(await area.chooseSaveTarget({ defaultName: 'a_cutout.png', nearPath: join(photos, 'trip', 'a.jpg') })).toBeNull();
    expect(await area.chooseSaveTarget({ defaultName: 'b_cutout.png', nearPath: join(photos, 'b.jpg') })).toBeNull();
    expect(asked).toEqual([undefined, join(photos, 'trip'), photos]);
    // A save into the temp folder (Copy's scratch file is not asked, but a user could pick it) is not remembered.
    answer = join(appTemp, 'copies', 'b_cutout.png');
    await area.chooseSaveTarget({ defaultName: 'b_cutout.png', nearPath: join(photos, 'b.jpg') });
    // Saved somewhere else: the next dialog opens there, whatever the picture.
    answer = join(resolve('/exports'), 'b_cutout.png');
    await area.chooseSaveTarget({ defaultName: 'b_cutout.png', nearPath: join(photos, 'b.jpg') });
    await area.chooseSaveTarget({ defaultName: 'c_cutout.png', nearPath: join(photos, 'c.jpg') });
    expect(asked.slice(3)).toEqual([photos, photos, resolve('/exports')]);
    // Settings' folder comes first; an explicit folder before it.
    await settings.set({ outputDir: resolve('/fixed') });
    await area.chooseSaveTarget({ defaultName: 'd_cutout.png', nearPath: join(photos, 'd.jpg') });
    await area.chooseSaveTarget({ defaultName: 'e_cutout.png', defaultDir: resolve('/asked'), nearPath: join(photos, 'e.jpg') });
    expect(asked.slice(6)).toEqual([resolve('/fixed'), resolve('/asked')]);
  });

  it('a name typed without an extension gets the suggested one, and replacing a file there is asked first (a no is a cancel)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'portrait.png'), 'an earlier picture');
    let answer = join(dir, 'portrait');
    const confirms: string[] = [];
    let allow = false;
    const area = createFilesArea({
      settings: await SettingsStore.open(tempDir()),
      tempDir: tempDir(),
      platform: {
        chooseSaveTarget: async () => answer,
        confirmReplace: async (path: string) => (confirms.push(path), allow),
      },
    } as unknown as ApiDeps);
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.png' })).toBeNull();
    allow = true;
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.png' })).toBe(join(dir, 'portrait.png'));
    expect(confirms).toEqual([join(dir, 'portrait.png'), join(dir, 'portrait.png')]);
    // Nothing there: not asked. A name with an extension of its own is the dialog's to have asked about.
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.webp' })).toBe(join(dir, 'portrait.webp'));
    answer = join(dir, 'portrait.png');
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.webp', types: ['png', 'webp'] })).toBe(join(dir, 'portrait.png'));
    expect(confirms).toHaveLength(2);
    // A dot in a name is no type: Jane.Doe is Jane.Doe.png, asked about as one there (it was written over unasked).
    writeFileSync(join(dir, 'Jane.Doe.png'), 'an earlier picture');
    answer = join(dir, 'Jane.Doe');
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.png' })).toBe(join(dir, 'Jane.Doe.png'));
    expect(confirms.at(-1)).toBe(join(dir, 'Jane.Doe.png'));
    // Only the types this export writes count: a cut-out named photo.gif is photo.gif.png, asked about (it was written unasked).
    writeFileSync(join(dir, 'photo.gif.png'), 'an earlier picture');
    answer = join(dir, 'photo.gif');
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.png', types: ['png', 'webp', 'jpg', 'jpeg'] })).toBe(join(dir, 'photo.gif.png'));
    expect(confirms.at(-1)).toBe(join(dir, 'photo.gif.png'));
    answer = join(dir, 'photo.webp');
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.png', types: ['png', 'webp', 'jpg', 'jpeg'] })).toBe(join(dir, 'photo.webp'));
    // A trailing dot or space goes (Windows drops them): x. is x.png, not x..png.
    answer = join(dir, 'x. ');
    expect(await area.chooseSaveTarget({ defaultName: 'me_cutout.png' })).toBe(join(dir, 'x.png'));
  });
});
