// The ID-photo workspace's live preview state without the DOM: requests wait for the pause, a
// newer request replaces a waiting one, answers to older requests are dropped (the photo always
// matches the controls), failures keep their code and detail, and null clears.
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
    file: { format: 'jpeg', bytes: 1, quality: 95, isColourLostToJpeg: false },
    report: { specId: req.options.spec.id, widthPx: 10, heightPx: 12, dpi: 300, background: '#FFFFFF', measurements: {}, guides: { crownY: 1, chinY: 9, eyeY: 5, centreX: 5 }, pass: true },
    rollCorrectedDeg: 0,
    nudgeApplied: { dxMm: 0, dyMm: 0, headMm: 30, headAskedMm: 30 },
    sheet: null,
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
  return { previewer: new IdPhotoPreviewer(client, 100, schedule), pending, fire };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('IdPhotoPreviewer', () => {
  it('sends only the last of quick changes, after the pause', async () => {
    const { previewer, pending, fire } = harness();
    previewer.request(request('a'));
    previewer.request(request('b'));
    expect(previewer.isBusy).toBe(true);
    expect(pending).toHaveLength(0);
    fire();
    expect(pending.map((p) => p.req.options.spec.id)).toEqual(['b']);
    pending[0].resolve(previewOf(pending[0].req));
    await flush();
    expect(previewer.preview?.report.specId).toBe('b');
    expect(previewer.isBusy).toBe(false);
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
