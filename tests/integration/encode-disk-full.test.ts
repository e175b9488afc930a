// ffmpeg's encoders meeting a full disk: the real ffmpeg, its output sent to /dev/full (every
// write there fails with ENOSPC, as on a full temp disk). ffmpeg exits 0 for small files then, and
// the sticker was saved as an empty file and said made; it is DISK_FULL, and nothing is returned.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeApng, encodeWebmVp9, type AnimatedFrames } from '../../src/main/core/sticker/encode-animated';
import { resolveFfmpeg, type FfmpegTools } from '../../src/main/core/video/ffmpeg';
import { tempDir } from '../helpers/env';

/** The real ffmpeg, writing its output (the last argument) to /dev/full. */
function ffmpegOnAFullDisk(): FfmpegTools {
  const script = join(tempDir(), 'ffmpeg-full-disk.sh');
  writeFileSync(script, `#!/bin/sh\nn=$#\ni=0\nfor a in "$@"; do i=$((i+1)); if [ $i -lt $n ]; then set -- "$@" "$a"; fi; done\nshift $n\nexec "${resolveFfmpeg().ffmpeg}" "$@" /dev/full\n`);
  chmodSync(script, 0o755);
  return { ffmpeg: script, ffprobe: null, source: 'env' };
}

const frames = (): AnimatedFrames => {
  const frame = new Uint8Array(16 * 16 * 4).fill(200);
  return { frames: [frame, frame, frame], width: 16, height: 16, delaysMs: [100, 100, 100], fps: 10 };
};

describe.skipIf(process.platform === 'win32')('a full disk under ffmpeg', () => {
  it('is DISK_FULL for a WebM and an APNG, naming the temporary folder, not an empty sticker', async () => {
    const tools = ffmpegOnAFullDisk();
    for (const encode of [() => encodeWebmVp9(frames(), {}, {}, tools), () => encodeApng(frames(), {}, {}, tools)]) {
      await expect(encode()).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining('temporary folder') });
    }
    // And the same frames on a disk with room make a file (the script is what fails, not the frames).
    expect((await encodeWebmVp9(frames())).length).toBeGreaterThan(0);
  });

  it('is DISK_FULL under a file-size limit too, where the system kills ffmpeg (SIGXFSZ) before it says why', async () => {
    const script = join(tempDir(), 'ffmpeg-size-limit.sh');
    writeFileSync(script, `#!/bin/sh\nexec prlimit --fsize=300 "${resolveFfmpeg().ffmpeg}" "$@"\n`);
    chmodSync(script, 0o755);
    const tools: FfmpegTools = { ffmpeg: script, ffprobe: null, source: 'env' };
    // Noise: a WebM of it is far over 300 bytes.
    const noise = Array.from({ length: 3 }, () => Uint8Array.from({ length: 64 * 64 * 4 }, () => Math.floor(Math.random() * 256)));
    const input: AnimatedFrames = { frames: noise, width: 64, height: 64, delaysMs: [100, 100, 100], fps: 10 };
    await expect(encodeWebmVp9(input, {}, {}, tools)).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining('temporary folder') });
  });
});
