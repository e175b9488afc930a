// Atomic writes: the whole file or nothing, never over an input, and a cancel that lands while the
// bytes are written leaves neither the output nor a temp file (the old file, if any, stays).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNotAnInput, writeFileAtomic } from '../../../../src/main/core/io/atomic-write';
import { tempDir } from '../../../helpers/env';

describe('writeFileAtomic', () => {
  it('writes the bytes and leaves no temp file', async () => {
    const dir = tempDir();
    await writeFileAtomic(join(dir, 'sub', 'a.bin'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(dir, 'sub', 'a.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.bin']);
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

  it('refuses to write over an input', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.jpg');
    writeFileSync(input, 'x');
    await expect(assertNotAnInput(join(dir, '.', 'in.jpg'), [input])).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
  });
});
