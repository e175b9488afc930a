// Open eyes on real frames: a blink in a person_clips video (LivePortrait's d18, a man looking at
// the camera) is refused as an ICAO photo, the same man at 1 s with his eyes open passes,
// and a studio size shows the blink for information. Frames are cut with the app's ffmpeg.
import { beforeAll, describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { EYES_OPEN_MIN_PCT, failedChecks } from '../../src/main/core/idphoto/compliance';
import { makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { decodeImage } from '../../src/main/core/image/decode';
import { personClipFrame, tempDir, testEnv } from '../helpers/env';

const env = testEnv();
const CLIP = 'liveportrait_driving_d18.mp4';
/** Frames of CLIP looked at: his eyes shut mid-blink (96 with his mouth open too, 186), and open (30). */
const BLINKS = [96, 186];
const OPEN = 30;

describe('ID photo: open eyes', () => {
  let lib: SpecLibrary;
  let dir: string;
  beforeAll(async () => {
    lib = await SpecLibrary.load(specLibraryPath());
    dir = tempDir('cutout-eyes-');
  });

  it('refuses a blink for a passport and passes the same face with open eyes', { timeout: 60_000 }, async () => {
    const spec = lib.get('icao-35x45');
    for (const index of BLINKS) {
      const r = await makeIdPhoto(await decodeImage(personClipFrame(CLIP, index, dir)), { spec }, env);
      const eyes = r.report.measurements.eyeOpeningPct!;
      expect(eyes, `frame ${index}`).toMatchObject({ min: EYES_OPEN_MIN_PCT, max: null, pass: false });
      expect(eyes.value!, `frame ${index}`).toBeLessThan(EYES_OPEN_MIN_PCT - 2);
      expect(r.report.pass).toBe(false);
      const failing = failedChecks(r.report);
      expect(failing.some((line) => line.startsWith('eyeOpeningPct '))).toBe(true);
      // Frame 186 fails nothing else (96 has his mouth open too).
      if (index === 186) expect(failing).toHaveLength(1);
    }
    const open = await makeIdPhoto(await decodeImage(personClipFrame(CLIP, OPEN, dir)), { spec }, env);
    expect(open.report.measurements.eyeOpeningPct).toMatchObject({ pass: true });
    expect(open.report.measurements.eyeOpeningPct!.value!).toBeGreaterThan(EYES_OPEN_MIN_PCT + 6);
    // Nothing about this frame fails: with 186 above, the blink alone made the difference.
    expect(failedChecks(open.report)).toEqual([]);
  });

  it('shows a blink for information on a studio size', { timeout: 30_000 }, async () => {
    const r = await makeIdPhoto(await decodeImage(personClipFrame(CLIP, BLINKS[1], dir)), { spec: lib.get('cn-1inch') }, env);
    expect(r.report.measurements.eyeOpeningPct).toMatchObject({ min: null, max: null, pass: true });
    expect(r.report.measurements.eyeOpeningPct!.value!).toBeLessThan(EYES_OPEN_MIN_PCT);
  });
});
