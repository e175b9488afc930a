// The engine's expandPaths: a dropped folder becomes the files of the asked kind (shared/media lists).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../../src/main/engine/api/deps';
import { createFilesArea } from '../../../src/main/engine/api/files';
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
