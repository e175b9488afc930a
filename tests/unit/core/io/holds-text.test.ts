import { describe, expect, it } from 'vitest';
import { holdsText } from '../../../../src/main/core/io/read-head';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('holdsText: a file of text under a picture\'s or a video\'s name', () => {
  it('takes notes, web pages and text in any script, a character cut at the end of the head too', () => {
    expect(holdsText(bytes('this is a text file, not a video\n'))).toBe(true);
    expect(holdsText(bytes('<!DOCTYPE html>\r\n<html><body>404 Not Found</body></html>\t\f'))).toBe(true);
    const chinese = bytes('这不是视频文件。'.repeat(400));
    // 4 KB of it end inside a three-byte character.
    expect(4096 % 3).not.toBe(0);
    expect(holdsText(chinese)).toBe(true);
  });

  it('refuses media heads, bytes UTF-8 refuses, control characters and nothing', () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const gif = bytes('GIF89a\u0001\u0001');
    expect([holdsText(jpeg), holdsText(png), holdsText(gif)]).toEqual([false, false, false]);
    // Latin-1 bytes that are not UTF-8, and a NUL.
    expect(holdsText(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72]))).toBe(false);
    expect(holdsText(bytes('text\u0000more'))).toBe(false);
    expect(holdsText(new Uint8Array())).toBe(false);
    // The start of a three-byte character and nothing else.
    expect(holdsText(Uint8Array.from([0xe4, 0xb8]))).toBe(false);
  });
});
