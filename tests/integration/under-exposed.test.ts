// An under-exposed portrait is cut out and measured as the same portrait exposed well: the person
// model and the face models are shown it brightened (exposureGain), and its mask and landmarks agree
// with the well-exposed photo's. Every id_portraits photo, darkened here to a quarter and to half of
// its sRGB values (as a reviewer's dark photo was); the summaries it logs are the tables in
// docs/quality.md, "Under-exposed pictures".
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { analyseFace, type FaceAnalysis } from '../../src/main/core/face/analyse-face';
import { decodeImage } from '../../src/main/core/image/decode';
import { resolveMaskModel } from '../../src/main/core/pipelines/cutout';
import { EXPOSURE_GAIN_MAX, exposureGain } from '../../src/main/core/image/exposure';
import { runMaskModel } from '../../src/main/core/segment/mask-model';
import { EVAL_DIR, tempDir, testEnv } from '../helpers/env';

const env = testEnv();

/** IoU of two maps of one size, each cut at 0.5. */
function iouAtHalf(a: Float32Array, b: Float32Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] >= 0.5;
    const y = b[i] >= 0.5;
    if (x && y) both++;
    if (x || y) either++;
  }
  return both / either;
}

/** The largest distance of a pupil or the chin from the reference's, over the reference's distance between the pupils. */
function landmarkShift(a: FaceAnalysis, reference: FaceAnalysis): number {
  const d = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);
  return Math.max(d(a.eyes[0], reference.eyes[0]), d(a.eyes[1], reference.eyes[1]), d(a.chin, reference.chin)) / d(reference.eyes[0], reference.eyes[1]);
}

/** The median of a list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}

describe('under-exposed portraits', () => {
  it("person masks agree with the well-exposed photo's once the model sees the picture brightened", { timeout: 180_000 }, async () => {
    const model = await resolveMaskModel(env, 'person');
    const dir = join(EVAL_DIR, 'id_portraits', 'images');
    const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort();
    const out = tempDir('cutout-dark-');
    const summary: Record<string, unknown> = {};
    const rows: Record<number, { file: string; asIs: number; brightened: number }[]> = { 0.25: [], 0.5: [] };
    for (const file of files) {
      const photo = await decodeImage(join(dir, file));
      // A photo exposed as these are is seen as it is.
      expect(exposureGain(photo), file).toBe(1);
      const reference = (await runMaskModel(photo, model)).mask;
      for (const factor of [0.25, 0.5]) {
        const darkPath = join(out, `${factor}-${file}`);
        await sharp(join(dir, file)).linear(factor, 0).jpeg({ quality: 90 }).toFile(darkPath);
        const dark = await decodeImage(darkPath);
        expect(exposureGain(dark)).toBeGreaterThan(1.3);
        expect(exposureGain(dark)).toBeLessThanOrEqual(EXPOSURE_GAIN_MAX);
        const asIs = iouAtHalf((await runMaskModel(dark, model, {}, { exposureGain: 1 })).mask, reference);
        const brightened = iouAtHalf((await runMaskModel(dark, model)).mask, reference);
        rows[factor].push({ file, asIs, brightened });
      }
    }
    for (const [factor, list] of Object.entries(rows)) {
      const mean = (key: 'asIs' | 'brightened') => list.reduce((s, r) => s + r[key], 0) / list.length;
      const worst = (key: 'asIs' | 'brightened') => [...list].sort((a, b) => a[key] - b[key]).slice(0, 3).map((r) => `${r.file} ${r[key].toFixed(3)}`);
      summary[factor] = { photos: list.length, asIs: { meanIoU: mean('asIs'), worst: worst('asIs') }, brightened: { meanIoU: mean('brightened'), worst: worst('brightened') }, better: list.filter((r) => r.brightened > r.asIs).length, worse: list.filter((r) => r.brightened < r.asIs).length };
      expect(mean('brightened'), `x${factor}`).toBeGreaterThan(0.99);
      expect(mean('brightened') - mean('asIs'), `x${factor}`).toBeGreaterThan(0.005);
    }
    console.log('under-exposed', JSON.stringify(summary));
    // The two whose masks the darkness spoiled most, mended.
    for (const name of ['df_img62.jpg', 'df_img17.jpg']) {
      const r = rows[0.25].find((row) => row.file === name)!;
      expect(r.brightened, name).toBeGreaterThan(0.97);
      expect(r.brightened - r.asIs, name).toBeGreaterThan(0.1);
    }
  });

  it("landmarks land where the well-exposed photo's do once the face models see the picture brightened", { timeout: 180_000 }, async () => {
    const dir = join(EVAL_DIR, 'id_portraits', 'images');
    const out = tempDir('cutout-dark-face-');
    const shifts: Record<number, { asIs: number[]; brightened: number[] }> = { 0.25: { asIs: [], brightened: [] }, 0.5: { asIs: [], brightened: [] } };
    for (const file of readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort()) {
      let reference: FaceAnalysis;
      try {
        reference = await analyseFace(await decodeImage(join(dir, file)), env);
      } catch {
        continue; // a group photo (MULTIPLE_FACES)
      }
      for (const factor of [0.25, 0.5]) {
        const darkPath = join(out, `${factor}-${file}`);
        await sharp(join(dir, file)).linear(factor, 0).jpeg({ quality: 90 }).toFile(darkPath);
        const dark = await decodeImage(darkPath);
        shifts[factor].asIs.push(landmarkShift(await analyseFace(dark, env, { exposureGain: 1 }), reference));
        shifts[factor].brightened.push(landmarkShift(await analyseFace(dark, env), reference));
      }
    }
    const summary = Object.fromEntries(Object.entries(shifts).map(([factor, s]) => [factor, { photos: s.asIs.length, asIs: { median: median(s.asIs), max: Math.max(...s.asIs) }, brightened: { median: median(s.brightened), max: Math.max(...s.brightened) }, closer: s.brightened.filter((v, i) => v < s.asIs[i]).length }]));
    console.log('under-exposed landmarks', JSON.stringify(summary));
    for (const [factor, s] of Object.entries(shifts)) {
      expect(s.asIs.length).toBeGreaterThanOrEqual(30);
      expect(median(s.brightened), `x${factor}`).toBeLessThan(median(s.asIs));
      expect(median(s.brightened), `x${factor}`).toBeLessThan(0.03);
    }
  });
});
