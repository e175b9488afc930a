// A browser folder pick takes what a desktop folder scan would: the mode's kinds, no hidden or
// system files, subfolders only when asked, in path order.
import { describe, expect, it } from 'vitest';
import { folderPickFiles } from '../../../src/shared/api-client';

const file = (path: string) => ({ name: path.split('/').pop()!, webkitRelativePath: path, arrayBuffer: async () => new ArrayBuffer(0) });

describe('folderPickFiles', () => {
  const picked = ['photos/b.jpg', 'photos/notes.txt', 'photos/.DS_Store', 'photos/__MACOSX/._a.jpg', 'photos/.thumbnails/x.jpg', 'photos/2024/c.png', 'photos/a.JPG', 'photos/Thumbs.db', 'photos/clip.mp4'].map(file);
  const paths = (files: { webkitRelativePath: string }[]) => files.map((f) => f.webkitRelativePath);

  it('keeps the pictures, sorted by path, without hidden or system files', () => {
    expect(paths(folderPickFiles(picked, 'images', true))).toEqual(['photos/2024/c.png', 'photos/a.JPG', 'photos/b.jpg']);
  });

  it('keeps the folder\'s own files only when subfolders are not wanted, and clips for a sticker batch', () => {
    expect(paths(folderPickFiles(picked, 'images', false))).toEqual(['photos/a.JPG', 'photos/b.jpg']);
    expect(paths(folderPickFiles(picked, 'videos', true))).toEqual(['photos/clip.mp4']);
  });
});
