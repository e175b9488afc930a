// shared/media: the one list of file kinds, and the extension test the renderer and engine use.
import { describe, expect, it } from 'vitest';
import { extensionOf, hasExtension, IMAGE_EXTENSIONS, leftOutTypesText, VIDEO_EXTENSIONS } from '../../../src/shared/media';

describe('shared/media', () => {
  it('reads the extension of POSIX and Windows paths, lower case, without the dot', () => {
    expect(extensionOf('/tmp/a.b/clip.MP4')).toBe('mp4');
    expect(extensionOf('C:\\Users\\me\\Photo.JPeg')).toBe('jpeg');
    expect(extensionOf('/tmp/a.b/README')).toBe('');
    expect(extensionOf('/home/me/.bashrc')).toBe(''); // a dot file has no extension
  });

  it('tells images from videos; an animated GIF is both', () => {
    expect(hasExtension('x/portrait.png', IMAGE_EXTENSIONS)).toBe(true);
    expect(hasExtension('x/portrait.png', VIDEO_EXTENSIONS)).toBe(false);
    // A JPEG as a Windows browser often saves one (it was left out of a folder's batch).
    expect(hasExtension('C:\\Downloads\\photo.JFIF', IMAGE_EXTENSIONS)).toBe(true);
    expect(hasExtension('x/clip.webm', VIDEO_EXTENSIONS)).toBe(true);
    expect(hasExtension('x/clip.webm', IMAGE_EXTENSIONS)).toBe(false);
    expect(hasExtension('x/loop.gif', IMAGE_EXTENSIONS) && hasExtension('x/loop.gif', VIDEO_EXTENSIONS)).toBe(true);
  });

  it('names the types a batch left out, most first, then by name; a long list ends in …', () => {
    expect(leftOutTypesText({ txt: 1, cr2: 12, '': 2, psd: 2 }, 'with no extension')).toBe('12 .cr2, 2 with no extension, 2 .psd, 1 .txt');
    expect(leftOutTypesText({ a: 1, b: 1, c: 1 }, '-', 2)).toBe('1 .a, 1 .b, …');
    expect(leftOutTypesText({}, '-')).toBe('');
  });
});
