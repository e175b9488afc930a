// A browser folder pick takes what a desktop folder scan would: the mode's kinds, no hidden or
// system files, subfolders only when asked, in path order.
import { describe, expect, it } from 'vitest';
import { fnv1a64, folderPickFiles, isUploadedFolder, pickRootOf } from '../../../src/shared/api-client';
import { safeFileName } from '../../../src/main/engine/api/files';
import { uploadFolderOf } from '../../../src/main/server/http-server';

const file = (path: string) => ({ name: path.split('/').pop()!, webkitRelativePath: path, arrayBuffer: async () => new ArrayBuffer(0) });

describe('folderPickFiles', () => {
  const picked = ['photos/b.jpg', 'photos/notes.txt', 'photos/.DS_Store', 'photos/__MACOSX/._a.jpg', 'photos/.thumbnails/x.jpg', 'photos/2024/c.png', 'photos/a.JPG', 'photos/Thumbs.db', 'photos/clip.mp4'].map(file);
  const paths = (files: { webkitRelativePath: string }[]) => files.map((f) => f.webkitRelativePath);

  it('keeps the pictures, sorted by path, without hidden or system files', () => {
    expect(paths(folderPickFiles(picked, 'images', true))).toEqual(['photos/2024/c.png', 'photos/a.JPG', 'photos/b.jpg']);
  });

  it('leaves out a sub-folder an earlier batch wrote into (its journal is there), as a folder scan does', () => {
    const withOutputs = [...picked, file('photos/cutouts/.cutout-batch.jsonl'), file('photos/cutouts/b_cutout.png'), file('photos/cutouts-old/x.png')];
    expect(paths(folderPickFiles(withOutputs, 'images', true))).toEqual(['photos/2024/c.png', 'photos/a.JPG', 'photos/b.jpg', 'photos/cutouts-old/x.png']);
  });

  it('keeps the folder\'s own files only when subfolders are not wanted, and clips for a sticker batch', () => {
    expect(paths(folderPickFiles(picked, 'images', false))).toEqual(['photos/a.JPG', 'photos/b.jpg']);
    expect(paths(folderPickFiles(picked, 'videos', true))).toEqual(['photos/clip.mp4']);
  });
});

describe('folder uploads', () => {
  it('names a pick by what was picked, and finds the picked folder from a file uploaded in it', () => {
    expect(fnv1a64('class/a.jpg\u0000120\u00001700000000000')).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv1a64('a')).toBe(fnv1a64('a'));
    expect(fnv1a64('a')).not.toBe(fnv1a64('b'));
    expect(pickRootOf('/s/uploads/folder-0011223344556677/class/sub1/p.jpg', 'folder-0011223344556677')).toBe('/s/uploads/folder-0011223344556677/class');
    expect(pickRootOf('C:\\s\\uploads\\folder-0011223344556677\\class\\p.jpg', 'folder-0011223344556677')).toBe('C:\\s\\uploads\\folder-0011223344556677\\class');
    // The batch takes the picked folder as one folder input (an old browser's files stay files).
    expect(isUploadedFolder('/s/uploads/folder-0011223344556677/class')).toBe(true);
    expect(isUploadedFolder('C:\\s\\uploads\\folder-0011223344556677\\class')).toBe(true);
    expect(isUploadedFolder('/s/uploads/0011223344556677aabbccddeeff0011/p.jpg')).toBe(false);
    expect(isUploadedFolder('/s/uploads/folder-0011223344556677/class/p.jpg')).toBe(false);
    // A name the browser kept whole but the server split ("a\\b" on Linux) does not move the root.
    expect(pickRootOf('/s/uploads/folder-0011223344556677/class/a/b/x.jpg', 'folder-0011223344556677')).toBe('/s/uploads/folder-0011223344556677/class');
  });

  it('keeps an upload inside its pick folder whatever the client sends', () => {
    expect(uploadFolderOf(null)).toBeUndefined();
    expect(uploadFolderOf('folder-0011223344556677/class/sub 1')).toEqual(['folder-0011223344556677', 'class', 'sub 1']);
    expect(uploadFolderOf('folder-0011223344556677/../../x/./y')).toEqual(['folder-0011223344556677', 'x', 'y']);
    // Names Windows cannot have: a device name, a trailing dot or space.
    expect(uploadFolderOf('folder-0011223344556677/CON/nul.txt/a. ')).toEqual(['folder-0011223344556677', '_CON', '_nul.txt', 'a']);
    // The uploaded file's own name by the same rule.
    expect([safeFileName('photos/CON.jpg'), safeFileName('a.jpg. '), safeFileName('..'), safeFileName('x<y>.png')]).toEqual(['_CON.jpg', 'a.jpg', 'import.png', 'x_y_.png']);
    for (const bad of ['../etc', 'class/a', '0123456789abcdef0123456789abcdef', 'folder-xyz']) expect(() => uploadFolderOf(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('shortens a long name from its end, keeping its start and extension, and keeps two such names apart', () => {
    // Two 133-character names that differ only in their start: one upload before (the last 120
    // characters kept), one picture lost, and the name shown without its date.
    const tail = `_${'x'.repeat(118)}.jpg`;
    const [a, b] = [`2024-01-01${tail}`, `2024-02-02${tail}`].map(safeFileName);
    expect(a).not.toBe(b);
    for (const [name, date] of [[a, '2024-01-01'], [b, '2024-02-02']] as const) {
      expect(name.startsWith(`${date}_xxx`)).toBe(true);
      expect(name).toMatch(/~[0-9a-f]{8}\.jpg$/);
      expect(Array.from(name).length).toBe(120);
    }
    // The same name, the same result (an upload of it again finds the same file); a short name as it is.
    expect(safeFileName(`2024-01-01${tail}`)).toBe(a);
    expect(safeFileName(`${'长'.repeat(80)}.png`)).toBe(`${'长'.repeat(80)}.png`);
    expect(Array.from(safeFileName(`${'长'.repeat(200)}.png`)).length).toBe(120);
  });
});
