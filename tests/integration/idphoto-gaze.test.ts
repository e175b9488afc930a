// Looking at the camera, on real frames of the person_clips videos (labelled by eye,
// docs/idphoto.md "Gaze"): a woman glancing to the side (d3, frame 330) and a girl looking to
// the other side (d11, frame 141) are refused as ICAO photos; a man in glasses looking at the
// camera (d13, frame 258) passes every check; a studio size shows the glance only. Frames are cut
// with the app's ffmpeg.
import { beforeAll, describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { failedChecks, GAZE_OFFSET_MAX_PCT } from '../../src/main/core/idphoto/compliance';
import { makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { decodeImage } from '../../src/main/core/image/decode';
import { personClipFrame, tempDir, testEnv } from '../helpers/env';

const env = testEnv();
/** Frames looked at: eyes to the side of the photo named, or on the camera. */
const ASIDE = [
  { clip: 'liveportrait_driving_d3.mp4', index: 330, side: 'right' },
  { clip: 'liveportrait_driving_d11.mp4', index: 141, side: 'left' },
] as const;
const AT_CAMERA = { clip: 'liveportrait_driving_d13.mp4', index: 258 };

describe('ID photo: looking at the camera', () => {
  let lib: SpecLibrary;
  let dir: string;
  beforeAll(async () => {
    lib = await SpecLibrary.load(specLibraryPath());
    dir = tempDir('cutout-gaze-');
  });

  it('refuses eyes looking to the side for a passport, either side, and passes eyes on the camera', { timeout: 60_000 }, async () => {
    const spec = lib.get('icao-35x45');
    for (const { clip, index, side } of ASIDE) {
      const r = await makeIdPhoto(await decodeImage(personClipFrame(clip, index, dir)), { spec }, env);
      const gaze = r.report.measurements.gazeOffsetPct!;
      expect(gaze, `${clip} ${index}`).toMatchObject({ unit: '%', min: null, max: GAZE_OFFSET_MAX_PCT, pass: false });
      expect(gaze.value!, `${clip} ${index}`).toBeGreaterThan(GAZE_OFFSET_MAX_PCT + 2);
      expect(gaze.note).toMatch(new RegExp(`^the pupils sit towards the ${side} of the photo`));
      expect(failedChecks(r.report).some((line) => line.startsWith('gazeOffsetPct '))).toBe(true);
    }
    const r = await makeIdPhoto(await decodeImage(personClipFrame(AT_CAMERA.clip, AT_CAMERA.index, dir)), { spec }, env);
    expect(r.report.measurements.gazeOffsetPct).toMatchObject({ pass: true });
    expect(r.report.measurements.gazeOffsetPct!.value!).toBeLessThan(GAZE_OFFSET_MAX_PCT - 2);
    expect(failedChecks(r.report)).toEqual([]);
  });

  it('shows a glance for information on a studio size', { timeout: 30_000 }, async () => {
    const { clip, index } = ASIDE[0];
    const r = await makeIdPhoto(await decodeImage(personClipFrame(clip, index, dir)), { spec: lib.get('cn-1inch') }, env);
    expect(r.report.measurements.gazeOffsetPct).toMatchObject({ min: null, max: null, pass: true });
    expect(r.report.measurements.gazeOffsetPct!.value!).toBeGreaterThan(GAZE_OFFSET_MAX_PCT);
  });
});
