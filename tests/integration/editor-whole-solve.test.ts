// The editor's whole solve once strokes settle (engine/ops.ts rematte `whole`), in the engine's
// own process, where the order of two calls is not left to a transport: a stroke's re-matte, or a
// new matte of the picture or of another, that comes while a whole solve runs stops it, and the
// preview keeps the matte the stroke solved on.
// (That the whole solve is the export's matte is in server.test.ts, through the web transport.)
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRIMAP_LABEL } from '../../src/shared/trimap-brush';
import { ENGINE_OPS } from '../../src/main/engine/ops';
import { evalFile, tempDir, testEnv } from '../helpers/env';
import { neckRemoveStroke } from '../helpers/strokes';

describe('a whole solve after strokes', () => {
  it('is stopped by the next re-matte of the picture, which solves its region on the matte there was, and by a new matte of it or of another picture', async () => {
    const e = { env: testEnv(), tempDir: tempDir() };
    const path = evalFile('id_portraits', 'images', 'df_img1.jpg');
    const matte = await ENGINE_OPS.segment({ path, subject: 'person', refine: 'full', maxSidePx: 1600 }, e, {});
    const { width, height } = matte;
    const { editor, touchUp, box } = neckRemoveStroke(matte.alpha, width, height);
    const request = { path, subject: 'person' as const, width, height };
    const region = await ENGINE_OPS.rematte({ ...request, trimap: editor, region: box }, e, {});
    // The whole solve takes most of a second here; the stroke comes 100 ms into it.
    const stopped = ENGINE_OPS.rematte({ ...request, trimap: touchUp, whole: true }, e, {});
    const outcome = stopped.then(() => 'done', (error: { code?: string }) => error.code);
    await new Promise((r) => setTimeout(r, 100));
    const next = await ENGINE_OPS.rematte({ ...request, trimap: editor, region: box }, e, {});
    expect(await outcome).toBe('CANCELLED');
    // The stopped solve left nothing behind: the stroke's re-solve is what it was before it.
    expect(Buffer.from(next.alpha).equals(Buffer.from(region.alpha))).toBe(true);
    const whole = await ENGINE_OPS.rematte({ ...request, trimap: touchUp, whole: true }, e, {});
    expect(Buffer.from(whole.alpha).equals(Buffer.from(region.alpha))).toBe(false);
    // Another edge mode asked for meanwhile (a new matte of the picture) stops it too.
    const moot = ENGINE_OPS.rematte({ ...request, trimap: touchUp, whole: true }, e, {}).then(() => 'done', (error: { code?: string }) => error.code);
    await new Promise((r) => setTimeout(r, 100));
    await ENGINE_OPS.segment({ path, subject: 'person', refine: 'fast', maxSidePx: 1600 }, e, {});
    expect(await moot).toBe('CANCELLED');
    // And so does opening another picture: the one left is not solved on behind the new one's matte.
    const left = ENGINE_OPS.rematte({ ...request, trimap: touchUp, whole: true, refine: 'fast' }, e, {}).then(() => 'done', (error: { code?: string }) => error.code);
    await new Promise((r) => setTimeout(r, 100));
    await ENGINE_OPS.segment({ path: evalFile('id_portraits', 'images', 'df_img2.jpg'), subject: 'person', refine: 'fast', maxSidePx: 800 }, e, {});
    expect(await left).toBe('CANCELLED');
  });

  it("on a picture the engine no longer holds (a restart), rebuilds the matte with the editor's edges: every stroke undone brings back the Best matte shown, not a Fast one", async () => {
    const e = { env: testEnv(), tempDir: tempDir() };
    // A copy the engine has never matted, as after a restart.
    const path = join(e.tempDir, 'restarted.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), path);
    const shown = await ENGINE_OPS.segment({ path: evalFile('id_portraits', 'images', 'df_img2.jpg'), subject: 'person', refine: 'full', maxSidePx: 1600 }, e, {});
    const { width, height } = shown;
    const undone = new Uint8Array(width * height).fill(TRIMAP_LABEL.auto);
    const rebuilt = await ENGINE_OPS.rematte({ path, subject: 'person', width, height, trimap: undone, whole: true, refine: 'full' }, e, {});
    expect(Buffer.from(rebuilt.alpha).equals(Buffer.from(shown.alpha))).toBe(true);
    // Without the editor's edges it is rebuilt as before, with Fast ones (another matte).
    const other = join(e.tempDir, 'restarted-fast.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), other);
    const fast = await ENGINE_OPS.rematte({ path: other, subject: 'person', width, height, trimap: undone, whole: true }, e, {});
    expect(Buffer.from(fast.alpha).equals(Buffer.from(shown.alpha))).toBe(false);
  });

  it("rebuilds the matte with the editor's edges when the last one made had others (asked before the edges changed, done after)", async () => {
    const e = { env: testEnv(), tempDir: tempDir() };
    const path = join(e.tempDir, 'raced.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img2.jpg'), path);
    const best = await ENGINE_OPS.segment({ path, subject: 'person', refine: 'full', maxSidePx: 1600 }, e, {});
    // The Fast matte asked before the change to Best, answered after it.
    const fast = await ENGINE_OPS.segment({ path, subject: 'person', refine: 'fast', maxSidePx: 1600 }, e, {});
    expect(Buffer.from(fast.alpha).equals(Buffer.from(best.alpha))).toBe(false);
    const { width, height } = best;
    const undone = new Uint8Array(width * height).fill(TRIMAP_LABEL.auto);
    const shown = await ENGINE_OPS.rematte({ path, subject: 'person', width, height, trimap: undone, whole: true, refine: 'full' }, e, {});
    expect(Buffer.from(shown.alpha).equals(Buffer.from(best.alpha))).toBe(true);
  });
});
