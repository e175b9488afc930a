// Atomic writes: the whole file or nothing, never over an input, and a cancel that lands while the
// bytes are written leaves neither the output nor a temp file (the old file, if any, stays).
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES, assertNotAnInput, readOnlyAncestor, tempPathFor, toWriteError, writeFileAtomic } from '../../../../src/main/core/io/atomic-write';
import { errorKindOf, type AppError } from '../../../../src/shared/errors';
import { tempDir } from '../../../helpers/env';

describe('writeFileAtomic', () => {
  it('writes the bytes and leaves no temp file', async () => {
    const dir = tempDir();
    await writeFileAtomic(join(dir, 'sub', 'a.bin'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(dir, 'sub', 'a.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.bin']);
  });

  it('replaces a symbolic link (never writing over what it points to), and refuses a folder or a named pipe where the file goes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'real.png'), 'old');
    symlinkSync(join(dir, 'real.png'), join(dir, 'link.png'));
    await writeFileAtomic(join(dir, 'link.png'), 'new');
    expect(lstatSync(join(dir, 'link.png')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'link.png'), 'utf8')).toBe('new');
    expect(readFileSync(join(dir, 'real.png'), 'utf8')).toBe('old');
    mkdirSync(join(dir, 'folder.png'));
    await expect(writeFileAtomic(join(dir, 'folder.png'), 'x')).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: expect.stringContaining('it is a folder, not a file') });
    execFileSync('mkfifo', [join(dir, 'pipe.png')]);
    await expect(writeFileAtomic(join(dir, 'pipe.png'), 'x')).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: expect.stringContaining('it is a named pipe, not a file') });
    expect(lstatSync(join(dir, 'pipe.png')).isFIFO()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('drops the bytes when the job was cancelled meanwhile: no output, no temp, the old file kept', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    controller.abort();
    await expect(writeFileAtomic(join(dir, 'new.png'), new Uint8Array(1000), { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    writeFileSync(join(dir, 'old.png'), 'old');
    await expect(writeFileAtomic(join(dir, 'old.png'), 'new', { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(dir)).toEqual(['old.png']);
    expect(readFileSync(join(dir, 'old.png'), 'utf8')).toBe('old');
    expect(existsSync(join(dir, 'new.png'))).toBe(false);
  });

  it('says a folder that could not be made under a read-only one is read-only (mkdir -p tells ENOENT on a read-only mount)', () => {
    const dir = tempDir();
    const target = join(dir, 'class 7B', 'deeper', 'p.jpg');
    // The nearest folder that exists is the one asked about.
    expect(readOnlyAncestor(join(dir, 'class 7B', 'deeper'), (d) => d !== dir)).toBe(dir);
    expect(readOnlyAncestor(join(dir, 'class 7B', 'deeper'), () => true)).toBeNull();
    // A writable one: ENOENT keeps its own words.
    const enoent = Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${dirname(target)}'`), { code: 'ENOENT' });
    expect(toWriteError(enoent, target).message).toContain('no such file or directory');
  });

  it("says a folder that could not be made for lack of permission of the folder it was to be made in (it read \"the folder is read-only or not a folder\" of one not there)", () => {
    const dir = tempDir();
    const mkdirRefused = (folder: string) => Object.assign(new Error(`EACCES: permission denied, mkdir '${folder}'`), { code: 'EACCES', syscall: 'mkdir', path: folder });
    const sub = join(dir, 'ro', 'sub');
    expect(toWriteError(mkdirRefused(sub), sub)).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: `Cannot write ${sub}: the folder ${join(dir, 'ro')} is read-only, so no folder can be made in it.`, detail: { readOnly: join(dir, 'ro') } });
    // Deeper: said of the folder the refused mkdir was in.
    expect(toWriteError(mkdirRefused(sub), join(sub, 'deeper')).message).toBe(`Cannot write ${join(sub, 'deeper')}: the folder ${join(dir, 'ro')} is read-only, so no folder can be made in it.`);
    // A file write refused keeps its own words.
    const open = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open', path: join(dir, 'x.png') });
    expect(toWriteError(open, join(dir, 'x.png')).message).toBe(`Cannot write ${join(dir, 'x.png')}: the folder is read-only or not a folder (EACCES).`);
  });

  it('says which file stands where a folder must be (a picture named as a folder of the output)', async () => {
    const dir = tempDir();
    const photo = join(dir, 'photo.jpg');
    writeFileSync(photo, 'not a folder');
    await expect(writeFileAtomic(join(photo, 'sub', 'x.png'), new Uint8Array([1]))).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      message: `Cannot write ${join(photo, 'sub', 'x.png')}: ${photo} is a file, not a folder.`,
      detail: { blocker: photo },
    });
    expect(readFileSync(photo, 'utf8')).toBe('not a folder');
  });

  it('a long but legal name is written (its temp name is cut to fit); a name over the limit is said too long', async () => {
    const dir = tempDir();
    // 240 bytes of UTF-8 (80 CJK characters) plus '.png': legal, but not with the temp name's 20-odd bytes more.
    const long = join(dir, `${'证件照'.repeat(26)}长_cutout.png`);
    expect(Buffer.byteLength(basename(long))).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(Buffer.byteLength(basename(tempPathFor(long)))).toBeLessThanOrEqual(MAX_NAME_BYTES);
    await writeFileAtomic(long, 'ok');
    expect(readFileSync(long, 'utf8')).toBe('ok');
    expect(readdirSync(dir)).toEqual([basename(long)]);
    const tooLong = join(dir, `${'a'.repeat(256)}.png`);
    const error = (await writeFileAtomic(tooLong, 'x').catch((e) => e)) as AppError;
    expect(error).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', detail: { nameTooLong: true } });
    expect(error.message).toMatch(/its name is too long \(260 bytes; at most 255\)/);
    expect(errorKindOf(error.detail)).toBe('nameTooLong');
    expect(readdirSync(dir)).toEqual([basename(long)]);
    // Into folders that are not there yet: the write that fails takes away the ones it made (an
    // empty new folder was left), and a folder that holds something stays.
    await expect(writeFileAtomic(join(dir, 'new', 'deeper', `${'a'.repeat(256)}.png`), 'x')).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE' });
    expect(readdirSync(dir)).toEqual([basename(long)]);
    await writeFileAtomic(join(dir, 'kept', 'one.png'), '1');
    await expect(writeFileAtomic(join(dir, 'kept', 'sub', `${'a'.repeat(256)}.png`), 'x')).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE' });
    expect(readdirSync(join(dir, 'kept'))).toEqual(['one.png']);
  });

  it('refuses to write over an input', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.jpg');
    writeFileSync(input, 'x');
    await expect(assertNotAnInput(join(dir, '.', 'in.jpg'), [input])).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
  });
});
