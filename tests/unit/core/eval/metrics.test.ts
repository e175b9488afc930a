// IoU metrics of `cutout eval`: per image, and pooled over the pixels of a whole set (which an
// image with an empty truth cannot swing by a whole point, as it does the per-image mean).
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { readTruth } from '../../../../src/main/core/image/mask-file';
import { tempDir } from '../../../helpers/env';
import { FOREGROUND_RIM_PX, foregroundColourError, iouCounts, iouScores, meanScores, pooledIou, scoreMask } from '../../../../src/main/core/eval/metrics';

/** A w x h map with the pixels of [x0, x1) x [y0, y1) at 1. */
function box(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const m = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
  return m;
}

describe('eval metrics', () => {
  it('IoU of equal, disjoint, overlapping and empty maps', () => {
    const a = box(10, 10, 0, 0, 5, 10);
    expect(iouScores(a, a)).toEqual({ fgIoU: 1, bgIoU: 1 });
    expect(iouScores(a, box(10, 10, 5, 0, 10, 10)).fgIoU).toBe(0);
    expect(iouScores(box(10, 10, 0, 0, 6, 10), a).fgIoU).toBeCloseTo(50 / 60, 12);
    const empty = new Float32Array(100);
    expect(iouScores(empty, empty)).toEqual({ fgIoU: 1, bgIoU: 1 }); // both say "nothing here"
    expect(iouCounts(box(10, 10, 0, 0, 6, 10), a)).toEqual({ fgInter: 50, fgUnion: 60, bgInter: 40, bgUnion: 50 });
  });

  it('pooled IoU weighs pixels: a scenery-only image with a stray pixel costs that pixel, not a whole 0', () => {
    const w = 20, h = 20;
    const character = box(w, h, 5, 2, 15, 20); // 180 px, predicted exactly
    const scenery = new Float32Array(w * h); // truth: nothing
    const stray = box(w, h, 0, 0, 1, 1); // prediction: one pixel
    const s1 = scoreMask(character, character, w, h);
    const s2 = scoreMask(stray, scenery, w, h);
    expect(s2.fgIoU).toBe(0);
    expect(meanScores([s1, s2]).fgIoU).toBe(0.5);
    const pooled = pooledIou([s1.counts, s2.counts]);
    expect(pooled.fgIoU).toBeCloseTo(180 / 181, 12);
    expect(pooled.meanIoU).toBeCloseTo((pooled.fgIoU + pooled.bgIoU) / 2, 12);
    // An image where both maps are empty adds nothing to the pooled IoU.
    expect(pooledIou([s1.counts, scoreMask(scenery, scenery, w, h).counts]).fgIoU).toBe(1);
  });
});

describe('foregroundColourError', () => {
  it('scores the soft pixels and the opaque rim apart, weighting by alpha, and ignores the inside', () => {
    const w = 20, h = 1;
    // Opaque at x < 10, soft (0.5) at x = 10, clear after.
    const alpha = Float32Array.from({ length: w }, (_, x) => (x < 10 ? 1 : x === 10 ? 0.5 : 0));
    const truth = new Uint8Array(w * 4).fill(100);
    expect(foregroundColourError(truth.slice(), truth, alpha, w, h)).toEqual({ soft: 0, rim: 0 });
    const estimate = truth.slice();
    // 30 off in every channel: at the soft pixel (weighted 0.5), on the rim (x = 6..9), and deep inside (x = 0).
    for (const x of [10, 8, 0]) estimate.fill(130, x * 4, x * 4 + 3);
    const e = foregroundColourError(estimate, truth, alpha, w, h);
    expect(e.soft).toBeCloseTo(15, 6);
    expect(e.rim).toBeCloseTo(30 / 4, 6); // one of the 4 rim pixels (within FOREGROUND_RIM_PX of x = 10)
    expect(FOREGROUND_RIM_PX).toBe(4);
  });
});

describe('eval ground truth', () => {
  it('a damaged truth file is named, with a code (it was INTERNAL, naming no file)', async () => {
    const path = join(tempDir(), 'ccp_0022.png');
    writeFileSync(path, 'not a png');
    await expect(readTruth(path)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', message: expect.stringContaining(`${path}: the ground truth could not be read`) });
  });

  it('reads a truth from its alpha channel, its grey levels, or a mask in colours, alike (a cut-out as truth read its colours: a black one empty, a white one whole)', async () => {
    const dir = tempDir();
    const [w, h] = [40, 30];
    // The matte: a soft ramp across, 0 on the left, 1 on the right.
    const matte = Uint8Array.from({ length: w * h }, (_, i) => Math.round(((i % w) / (w - 1)) * 255));
    const planes = (ch: number, at: (v: number, c: number) => number) => Buffer.from(Uint8Array.from({ length: w * h * ch }, (_, i) => at(matte[Math.floor(i / ch)], i % ch)));
    const write = async (name: string, ch: 1 | 2 | 3 | 4, at: (v: number, c: number) => number, palette = false) => {
      const path = join(dir, `${name}.png`);
      await sharp(planes(ch, at), { raw: { width: w, height: h, channels: ch } }).png(palette ? { palette: true, colours: 4 } : {}).toFile(path);
      return path;
    };
    const grey = await readTruth(await write('grey', 1, (v) => v));
    expect(Array.from(grey.alpha.slice(0, w), (v) => Math.round(v * 255))).toEqual(Array.from(matte.slice(0, w)));
    for (const [name, ch, at] of [
      ['cutout-black', 4, (v: number, c: number) => (c === 3 ? v : 0)],
      ['cutout-white', 4, (v: number, c: number) => (c === 3 ? v : 255)],
      ['grey-alpha-white', 2, (v: number, c: number) => (c === 1 ? v : 255)],
      ['rgba-opaque', 4, (v: number, c: number) => (c === 3 ? 255 : v)],
    ] as const) {
      const t = await readTruth(await write(name, ch, at));
      expect(Math.max(...t.alpha.map((v, i) => Math.abs(v - grey.alpha[i]))), name).toBeLessThan(1e-6);
    }
    // Class colours (a palette's dark red for the subject): the subject wherever not black.
    const voc = await readTruth(await write('voc', 3, (v, c) => (v >= 128 ? [128, 0, 0][c] : 0), true));
    expect(Array.from(voc.alpha.slice(0, w))).toEqual(Array.from(matte.slice(0, w), (v) => (v >= 128 ? 1 : 0)));
  });
});
