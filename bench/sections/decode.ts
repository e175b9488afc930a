// Benchmark: opening a 12 MP phone photo (4032x3024) as a JPEG (sharp alone, the baseline) and as
// a HEIC laid out the way an iPhone writes one (a grid of 512-px HEVC tiles, a quarter turn to show
// it upright), decoded by decodeHeic (the container read in TypeScript, HEVC by ffmpeg) and then
// sharp; in alternating rounds of one run. The picture: a training background enlarged.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../src/main/core/image/decode';
import { writeHeic } from '../../tests/helpers/heic';
import { measureInterleaved, type BenchRow, type BenchSection } from '../harness';
import { rmSync, writeFileSync } from 'node:fs';

export const section: BenchSection = {
  id: 'decode',
  title: 'Opening a 12 MP phone photo: JPEG against an iPhone-like HEIC (grid of tiles, turned), same picture, same run',
  async run(ctx) {
    const dir = ctx.tempDir('decode');
    const backgrounds = join(ctx.sharedDir, 'train', 'anime', 'bg');
    const first = (await readdir(backgrounds)).filter((f) => f.endsWith('.jpg')).sort()[0];
    // Stored lying on its side (3024 wide) as a phone's sensor takes it; the HEIC turns it upright.
    const lying = join(dir, 'lying.png');
    await sharp(join(backgrounds, first)).resize(3024, 4032, { fit: 'cover' }).rotate(90).png().toFile(lying);
    const jpeg = join(dir, 'photo.jpg');
    await sharp(lying).rotate(-90).jpeg({ quality: 92 }).toFile(jpeg);
    const heic = join(dir, 'photo.heic');
    writeFileSync(heic, await writeHeic({ png: lying, tile: 512, nclx: true, transforms: [{ irot: 1 }] }));
    const n = ctx.quick ? 3 : 9;
    const [j, h] = await measureInterleaved([() => decodeImage(jpeg), () => decodeImage(heic)], { n, warmup: 1 }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const note = `4032x3024 to RGBA, ${first} enlarged`;
    const rows: BenchRow[] = [
      { name: 'JPEG (sharp)', ...j, note },
      { name: 'HEIC, 48 tiles of 512 px, turned (decodeHeic + sharp)', ...h },
      { name: 'HEIC / JPEG', value: h.medianMs / j.medianMs, unit: 'x' },
    ];
    return rows;
  },
};
