// The files a launch names (first instance, second instance, a file manager's "Open with").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesFromArgv } from '../../../src/main/platform/argv';
import { tempDir } from '../../helpers/env';

describe('filesFromArgv', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'shots'), { recursive: true });
  writeFileSync(join(dir, 'shots', 'a photo.jpg'), 'x');
  writeFileSync(join(dir, 'b.png'), 'x');

  it('reads a relative path against the launch\'s own folder (a second instance\'s, not this process\'s)', () => {
    expect(filesFromArgv(['/opt/Cutout Studio/cutout-studio', 'b.png', 'shots/a photo.jpg'], { isPackaged: true, cwd: dir })).toEqual([join(dir, 'b.png'), join(dir, 'shots', 'a photo.jpg')]);
    // Read against another folder, the same names are no files: left out, not guessed.
    expect(filesFromArgv(['/opt/Cutout Studio/cutout-studio', 'b.png'], { isPackaged: true, cwd: join(dir, 'shots') })).toEqual([]);
  });

  it('takes a file manager\'s file:// URI (spaces and all) as its path', () => {
    const uri = pathToFileURL(join(dir, 'shots', 'a photo.jpg')).href;
    expect(uri).toContain('%20');
    expect(filesFromArgv(['/usr/bin/cutout-studio', uri], { isPackaged: true, cwd: '/' })).toEqual([join(dir, 'shots', 'a photo.jpg')]);
    expect(filesFromArgv(['/usr/bin/cutout-studio', 'file://remote-host/x.jpg'], { isPackaged: true, cwd: '/' })).toEqual([]);
  });

  it('skips switches and Electron\'s own arguments (in development, the app folder too), and names a file once', () => {
    const b = join(dir, 'b.png');
    expect(filesFromArgv(['/x/electron', dir, '--no-sandbox', b, b], { isPackaged: false, cwd: '/' })).toEqual([b]);
    expect(filesFromArgv(['/x/cutout-studio', '--inspect', b], { isPackaged: true, cwd: '/' })).toEqual([b]);
    // A second instance's argv as Chromium hands it over, its switches first: the app folder is
    // still Electron's, not a file to open (it was, read by position).
    expect(filesFromArgv(['/x/electron', '--allow-file-access-from-files', dir, b], { isPackaged: false, cwd: '/' })).toEqual([b]);
  });
});
