// Temp files of a killed run: removed by the next write into their folder (and, in the system's
// temp folder, by the next process), only where the process that made them is gone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../../src/main/core/io/atomic-write';
import { isProcessAlive, removeDeadSystemTemps } from '../../../../src/main/core/io/stale-temps';
import { tempDir } from '../../../helpers/env';

/** The id of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('temp files of a killed run', () => {
  it("a write removes the hidden .part files of dead processes in its folder, and keeps a live one's and a recent one's", async () => {
    const dir = tempDir();
    const dead = deadPid();
    expect(isProcessAlive(dead)).toBe(false);
    expect(isProcessAlive(process.ppid)).toBe(true);
    writeFileSync(join(dir, `.photo_cutout.png.${dead}.0a1b2c3d.part`), 'half a picture');
    writeFileSync(join(dir, `.other.png.${dead}.deadbeef.part`), 'half another');
    writeFileSync(join(dir, `.photo_cutout.png.${process.ppid}.cafebabe.part`), 'being written now');
    writeFileSync(join(dir, 'photo.jpg'), 'an input');
    for (const name of readdirSync(dir)) utimesSync(join(dir, name), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    // Written a minute ago by a process this one cannot see (another container, another computer on a shared folder): left.
    writeFileSync(join(dir, `.shared.png.${dead}.01234567.part`), 'being written elsewhere');
    await writeFileAtomic(join(dir, 'photo_cutout.png'), 'the picture');
    expect(readdirSync(dir).sort()).toEqual([`.photo_cutout.png.${process.ppid}.cafebabe.part`, `.shared.png.${dead}.01234567.part`, 'photo.jpg', 'photo_cutout.png']);
  });

  it("removes this app's files and folders of dead processes in the system's temp folder, not a live one's nor others'", async () => {
    const tmp = tempDir();
    const dead = deadPid();
    const names = [`cutout-sticker-${dead}-a1b2c3d4e5f6.webm`, `cutout-webp-frames-${dead}-Xy12Ab`, `cutout-serve-${dead}-Qw34Er`, `cutout-sticker-${process.ppid}-a1b2c3d4e5f6.webm`, 'cutout-serve-test-AbCdEf', 'other-tool-123-x'];
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    for (const name of names) {
      if (name.endsWith('.webm')) writeFileSync(join(tmp, name), 'x');
      else mkdirSync(join(tmp, name, 'inside'), { recursive: true });
      utimesSync(join(tmp, name), dayAgo, dayAgo);
    }
    // A dead-looking process's session folder in use today (a server in another container sharing /tmp): left.
    mkdirSync(join(tmp, `cutout-serve-${dead}-Today1`));
    names.push(`cutout-serve-${dead}-Today1`);
    const was = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      await removeDeadSystemTemps();
    } finally {
      if (was === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = was;
    }
    expect(names.filter((n) => existsSync(join(tmp, n)))).toEqual([`cutout-sticker-${process.ppid}-a1b2c3d4e5f6.webm`, 'cutout-serve-test-AbCdEf', 'other-tool-123-x', `cutout-serve-${dead}-Today1`]);
  });
});
