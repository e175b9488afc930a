// The head's turn from the camera (face/landmarks.ts headTurnDeg) against AFLW2000-3D's own poses,
// and a head turned away refused for a passport (docs/idphoto.md, "Head turn").
import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { analyseFace } from '../../src/main/core/face/analyse-face';
import { headTurnDeg } from '../../src/main/core/face/landmarks';
import { failedChecks, HEAD_TURN_MAX_DEG, HEAD_TURN_SIDE_VIEW_DEG } from '../../src/main/core/idphoto/compliance';
import { makeIdPhoto } from '../../src/main/core/idphoto/make-id-photo';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { decodeImage } from '../../src/main/core/image/decode';
import { evalFile, testEnv } from '../helpers/env';

const env = testEnv();

describe('ID photo: the head turned from the camera', () => {
  let lib: SpecLibrary;
  beforeAll(async () => {
    lib = await SpecLibrary.load(specLibraryPath());
  });

  it("reads the AFLW faces' turns to within 8° of their poses, up to 50°, and the way they turn", { timeout: 60_000 }, async () => {
    const gtDir = evalFile('face_landmarks_aflw2000', 'gt');
    let read = 0;
    for (const name of readdirSync(gtDir).filter((f) => f.endsWith('.json'))) {
      const gt = JSON.parse(readFileSync(`${gtDir}/${name}`, 'utf8')) as { image: string; pose_para: number[] | number[][] };
      const pose = (Array.isArray(gt.pose_para[0]) ? gt.pose_para[0] : gt.pose_para) as number[];
      const yawDeg = (pose[1] * 180) / Math.PI;
      if (Math.abs(yawDeg) > 50) continue;
      const face = await analyseFace(await decodeImage(evalFile('face_landmarks_aflw2000', 'images', gt.image)), env);
      const turn = headTurnDeg(face.landmarks)!;
      // AFLW's yaw is + where ours is towards the photo's left.
      expect(Math.abs(turn + yawDeg), `${gt.image}: ${turn.toFixed(1)}° read, ${yawDeg.toFixed(1)}° posed`).toBeLessThan(8);
      read++;
    }
    expect(read).toBeGreaterThanOrEqual(6);
  });

  it('refuses a head turned 45° away for a US passport, and says which way', { timeout: 60_000 }, async () => {
    // AFLW's image04331 (posed 45.5° turned): before the check, its US photo passed every check.
    const r = await makeIdPhoto(await decodeImage(evalFile('face_landmarks_aflw2000', 'images', 'image04331.jpg')), { spec: lib.get('us-2x2') }, env);
    const turn = r.report.measurements.headTurnDeg!;
    expect(turn).toMatchObject({ unit: 'deg', min: null, max: HEAD_TURN_MAX_DEG, pass: false });
    expect(turn.value!).toBeGreaterThan(HEAD_TURN_MAX_DEG + 10);
    expect(turn.note).toMatch(/^the head is turned towards the left of the photo/);
    expect(failedChecks(r.report)).toEqual([expect.stringMatching(/^headTurnDeg /)]);
  });

  it('reads the same face mirrored as turned as far the other way, its outline starting below the nose', { timeout: 60_000 }, async () => {
    // Mirrored, image04331's far cheek outline starts below its nose tip in the eye line's frame:
    // the turn read nothing, and its US photo passed.
    const file = evalFile('face_landmarks_aflw2000', 'images', 'image04331.jpg');
    const [plain, mirrored] = await Promise.all([decodeImage(file), decodeImage(await sharp(file).flop().png().toBuffer())].map(async (p) => headTurnDeg((await analyseFace(await p, env)).landmarks)));
    expect(plain!).toBeLessThan(-HEAD_TURN_MAX_DEG);
    expect(mirrored!).toBeGreaterThan(HEAD_TURN_MAX_DEG);
    expect(Math.abs(plain! + mirrored!)).toBeLessThan(8);
  });

  it('refuses a face seen from the side on a CN studio size too (past 30°), and only shows the turn on a résumé size', { timeout: 60_000 }, async () => {
    // Before, image04331 (posed 45.5°) passed every check as a CN 1-inch photo.
    const picture = await decodeImage(evalFile('face_landmarks_aflw2000', 'images', 'image04331.jpg'));
    const studio = await makeIdPhoto(picture, { spec: lib.get('cn-1inch') }, env);
    expect(studio.report.measurements.headTurnDeg).toMatchObject({ min: null, max: HEAD_TURN_SIDE_VIEW_DEG, pass: false });
    expect(studio.report.measurements.headTurnDeg!.note).toMatch(/from the front, not from the side/);
    expect(failedChecks(studio.report)).toEqual([expect.stringMatching(/^headTurnDeg /)]);
    const resume = await makeIdPhoto(picture, { spec: lib.get('resume-35x45') }, env);
    expect(resume.report.measurements.headTurnDeg).toMatchObject({ min: null, max: null, pass: true });
    expect(resume.report.measurements.headTurnDeg!.value!).toBeGreaterThan(HEAD_TURN_SIDE_VIEW_DEG);
  });
});
