// The ID-photo workspace's live preview state without the DOM: a request after a quiet spell goes
// at once, quick ones after it wait for the pause, a newer request replaces a waiting one, answers
// to older requests are dropped (the photo always matches the controls), failures keep their code
// and detail, and null clears.
import { describe, expect, it } from 'vitest';
import type { IdPhotoPreview, IdPhotoPreviewRequest } from '../../../src/shared/api';
import { AppError } from '../../../src/shared/errors';
import { IdPhotoPreviewer, type Schedule } from '../../../src/renderer/src/lib/state/idphoto-preview.svelte';

function request(specId: string): IdPhotoPreviewRequest {
  return { path: '/p.jpg', options: { spec: { id: specId } } };
}

function previewOf(req: IdPhotoPreviewRequest): IdPhotoPreview {
  return {
    path: req.path,
    photo: { mime: 'image/jpeg', bytes: new Uint8Array([1]), width: 10, height: 12 },
    file: { format: 'jpeg', bytes: 1, quality: 95, isColourLostToJpeg: false, paddingBytes: 0 },
    report: { specId: req.options.spec.id, widthPx: 10, heightPx: 12, dpi: 300, background: '#FFFFFF', measurements: {}, guides: { crownY: 1, chinY: 9, eyeY: 5, centreX: 5 }, pass: true },
    rollCorrectedDeg: 0,
    brightnessEv: 0,
    turnDeg: 0,
    nudgeApplied: { dxMm: 0, dyMm: 0, headMm: 30, headAskedMm: 30 },
    sheet: null,
    provider: 'cpu',
    timingsMs: 1,
  };
}

/** A client whose answers the test releases one by one, and a schedule the test fires by hand. */
function harness() {
  const pending: Array<{ req: IdPhotoPreviewRequest; resolve: (p: IdPhotoPreview) => void; reject: (e: unknown) => void }> = [];
  const timers: Array<{ fn: () => void; cancelled: boolean }> = [];
  const schedule: Schedule = (fn) => {
    const t = { fn, cancelled: false };
    timers.push(t);
    return () => (t.cancelled = true);
  };
  const client = { previewIdPhoto: (req: IdPhotoPreviewRequest) => new Promise<IdPhotoPreview>((resolve, reject) => pending.push({ req, resolve, reject })) };
  const fire = () => timers.splice(0).forEach((t) => !t.cancelled && t.fn());
  const clock = { ms: 1000 };
  return { previewer: new IdPhotoPreviewer(client, 100, schedule, () => clock.ms), pending, fire, clock, timers };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('IdPhotoPreviewer', () => {
  it('asks for a change after a quiet spell at once; of the quick changes after it, only the last, after the pause', async () => {
    const { previewer, pending, fire, clock } = harness();
    previewer.request(request('a'));
    expect(pending.map((p) => p.req.options.spec.id)).toEqual(['a']);
    // A slider dragged: each change comes before the pause is over.
    for (const id of ['b', 'c', 'd']) {
      clock.ms += 30;
      previewer.request(request(id));
    }
    expect(previewer.isBusy).toBe(true);
    expect(pending).toHaveLength(1);
    fire();
    expect(pending.map((p) => p.req.options.spec.id)).toEqual(['a', 'd']);
    // The first answer is no longer the controls': dropped.
    pending[0].resolve(previewOf(pending[0].req));
    await flush();
    expect([previewer.preview, previewer.isBusy]).toEqual([null, true]);
    pending[1].resolve(previewOf(pending[1].req));
    await flush();
    expect(previewer.preview?.report.specId).toBe('d');
    expect(previewer.isBusy).toBe(false);
  });

  it('waits for the pause when a change comes soon after the last, or while one is still being made', async () => {
    const { previewer, pending, fire, clock, timers } = harness();
    previewer.request(request('a'));
    pending[0].resolve(previewOf(pending[0].req));
    await flush();
    // Answered, but the last change was only 50 ms ago.
    clock.ms += 50;
    previewer.request(request('b'));
    expect([pending.length, timers.length]).toEqual([1, 1]);
    fire();
    expect(pending.map((p) => p.req.options.spec.id)).toEqual(['a', 'b']);
    // A quiet spell, but b is still being made: c waits.
    clock.ms += 500;
    previewer.request(request('c'));
    expect([pending.length, timers.length]).toEqual([2, 1]);
    fire();
    pending[1].resolve(previewOf(pending[1].req));
    pending[2].resolve(previewOf(pending[2].req));
    await flush();
    expect(previewer.preview?.report.specId).toBe('c');
    // Nothing running and a quiet spell: a click on another colour goes at once.
    clock.ms += 500;
    previewer.request(request('d'));
    expect([pending.length, timers.length]).toEqual([4, 0]);
  });

  it('drops the answer of an older request that arrives last', async () => {
    const { previewer, pending, fire } = harness();
    previewer.request(request('old'));
    fire();
    previewer.request(request('new'));
    fire();
    pending[1].resolve(previewOf(pending[1].req));
    await flush();
    pending[0].resolve(previewOf(pending[0].req));
    await flush();
    expect(previewer.preview?.report.specId).toBe('new');
  });

  it('keeps a refusal with its code and detail, and clears on null', async () => {
    const { previewer, pending, fire } = harness();
    previewer.request(request('a'));
    fire();
    pending[0].reject(new AppError('MULTIPLE_FACES', 'Two faces', { detail: { count: 2 } }));
    await flush();
    expect(previewer.preview).toBeNull();
    expect(previewer.failure).toMatchObject({ code: 'MULTIPLE_FACES', detail: { count: 2 } });
    previewer.request(null);
    expect(previewer.failure).toBeNull();
    expect(previewer.isBusy).toBe(false);
  });

  it('another photo clears the last one\'s failure as it is asked for, not when its preview comes', async () => {
    const { previewer, pending, fire } = harness();
    previewer.request({ path: '/huge.jpg', options: { spec: { id: 'a' } } });
    fire();
    pending[0].reject(new AppError('IMAGE_TOO_LARGE', 'too large'));
    await flush();
    expect(previewer.failure?.code).toBe('IMAGE_TOO_LARGE');
    // The same photo with another spec keeps saying why until its answer comes.
    previewer.request({ path: '/huge.jpg', options: { spec: { id: 'b' } } });
    expect(previewer.failure?.code).toBe('IMAGE_TOO_LARGE');
    previewer.request({ path: '/next.jpg', options: { spec: { id: 'b' } } });
    expect(previewer.failure).toBeNull();
    expect(previewer.isBusy).toBe(true);
  });
});
