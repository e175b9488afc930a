// The Stickers workspace state without the DOM: trim clamping, preset limits, the options sent
// to the job, and export -> preview / failure / cancel through a fake host.
import { describe, expect, it } from 'vitest';
import type { StickerFramePreviewRequest } from '../../../src/shared/api';
import type { JobOutcome, StickerJobOptions } from '../../../src/shared/jobs';
import { clampTrim, resultInfoKey, StickerState, type StickerHost } from '../../../src/renderer/src/lib/state/sticker.svelte';

function fakeHost(outcome: (spec: { output: string; options: StickerJobOptions }) => JobOutcome) {
  const calls: { spec?: { output: string; options: StickerJobOptions }; previews: StickerFramePreviewRequest[]; errors: unknown[]; cancelled: string[]; dismissed: string[] } = { previews: [], errors: [], cancelled: [], dismissed: [] };
  const host: StickerHost = {
    client: {
      probeClip: async ({ path }) => ({ path, durationS: 7.5, fps: 23.98, width: 640, height: 480, hasAudio: true, frameCount: 180 }),
      loadClipFrame: async ({ path }) => ({ path, mime: 'image/png', bytes: new Uint8Array([137, 80]) }),
      loadStickerFile: async ({ path }) => ({ path, mime: 'image/gif', bytes: new Uint8Array([71, 73, 70]) }),
      chooseSaveTarget: async ({ defaultName }) => `/out/${defaultName}`,
      // The n-th preview resolves after (3 - n) ticks, so an older one can come back last.
      previewStickerFrame: async (req) => {
        calls.previews.push(req);
        const n = calls.previews.length;
        for (let i = n; i < 3; i++) await Promise.resolve();
        const sticker = { path: req.path, mime: 'image/png', bytes: new Uint8Array([n]), width: 200, height: 240, format: 'gif' as const };
        return { path: req.path, mime: 'image/png', bytes: new Uint8Array([n]), width: 320, height: 240, modelId: 'anime-seg', subject: 'anime', provider: n === 1 ? 'cpu' : 'webgpu', unsureShare: n / 10, hasSubject: true, sticker };
      },
    },
    runJob: async (spec) => {
      calls.spec = spec;
      return { id: 'job-1', outcome: Promise.resolve(outcome(spec)) };
    },
    cancelJob: async (id) => {
      calls.cancelled.push(id);
    },
    showError: (e) => calls.errors.push(e),
    dismissError: (owner) => calls.dismissed.push(owner),
  };
  return { host, calls };
}

describe('clampTrim', () => {
  it('keeps the trim inside the clip and within the longest allowed length', () => {
    expect(clampTrim(-1, 3, 7.5)).toEqual({ startS: 0, durationS: 3 });
    expect(clampTrim(6, 3, 7.5)).toEqual({ startS: 6, durationS: 1.5 });
    expect(clampTrim(2, 20, 30, 4)).toEqual({ startS: 2, durationS: 4 });
    expect(clampTrim(9, 0.01, 7.5)).toEqual({ startS: 7.3, durationS: 0.2 });
    // A clip shorter than the shortest trim is taken whole: End is its end, not 0.2 s.
    expect(clampTrim(0, 3, 0.1)).toEqual({ startS: 0, durationS: 0.1 });
    expect(clampTrim(0.5, 0.01, 0.1)).toEqual({ startS: 0, durationS: 0.1 });
    // Rounded to 0.01 s, the end never passes the clip's (a 7.548-s clip's End read 7.55, a 1.515-s one's 1.52).
    expect(clampTrim(4, 10, 7.548)).toEqual({ startS: 4, durationS: 3.54 });
    expect(clampTrim(0, 3, 1.515)).toEqual({ startS: 0, durationS: 1.51 });
    expect(clampTrim(0, 3, 7.5)).toEqual({ startS: 0, durationS: 3 });
  });
});

describe('StickerState', () => {
  it('opens a clip drawn on threes at its drawing rate, below the rate wanted; Use puts a moved slider back', async () => {
    const { host, calls } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 320, height: 240, frameCount: 24, fps: 8, bytes: 1000, withinBudget: true, modelFallback: false } }));
    host.client.probeClip = async ({ path }) => ({ path, durationS: 7.5, fps: 24, width: 640, height: 480, hasAudio: false, frameCount: 180, drawing: { framesPerDrawing: 3, drawingFps: 8, even: true } });
    const s = new StickerState(host);
    await s.open('/clips/threes.mp4');
    expect(s.fps).toBe(8);
    s.setFps(12);
    expect([s.fps, s.preferredFps]).toEqual([12, 12]);
    s.useDrawingFps();
    // This clip's sticker at 8; the next clip still starts from the 12 picked.
    expect([s.fps, s.preferredFps]).toEqual([8, 12]);
    await s.export();
    // At the drawing rate the sticker is made as drawn (each drawing held as long as the clip holds it).
    expect(calls.spec?.options).toMatchObject({ fps: 8, asDrawn: true });
    s.setFps(12);
    await s.export();
    expect(calls.spec?.options.asDrawn).toBeUndefined();
    // A rate wanted below the drawing rate is kept, steady.
    s.setFps(6);
    await s.open('/clips/threes.mp4');
    expect([s.fps, s.isAsDrawn]).toEqual([6, false]);
  });

  it('a clip that holds its drawings unevenly opens as drawn; LINE\'s 20 frames keep every 2nd drawing', async () => {
    const { host, calls } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 320, height: 240, frameCount: 16, fps: 8, bytes: 1000, withinBudget: true, modelFallback: false } }));
    // Threes in a 30-fps file: 4, 4, 4, 3 frames, 8 drawings a second.
    host.client.probeClip = async ({ path }) => ({ path, durationS: 6, fps: 30, width: 640, height: 480, hasAudio: false, frameCount: 180, drawing: { framesPerDrawing: 3.75, drawingFps: 8, even: false } });
    const s = new StickerState(host);
    await s.open('/clips/uneven.mp4');
    expect([s.fps, s.isAsDrawn, s.effectiveFps]).toEqual([8, true, 8]);
    await s.export();
    expect(calls.spec?.options).toMatchObject({ fps: 8, asDrawn: true });
    s.preset = 'line';
    s.durationS = 4;
    expect(s.effectiveFps).toBe(4);
    expect(s.frameEstimate).toBe(16);
  });

  it('opens a clip with a 3-s trim at <= 12 fps and clamps the handles', async () => {
    const { host } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    expect(s.phase).toBe('ready');
    expect([s.startS, s.durationS, s.fps]).toEqual([0, 3, 12]);
    expect(s.poster?.mime).toBe('image/png');
    s.setStart(6);
    expect([s.startS, s.durationS]).toEqual([6, 1.5]);
    // Moved back, the start leaves the end where it is (it took the end along, keeping the length the clip's end had cut).
    s.setStart(1);
    expect([s.startS, s.endS]).toEqual([1, 7.5]);
    s.setEnd(4);
    s.setStart(2);
    expect([s.startS, s.endS]).toEqual([2, 4]);
    // Moved a frame at a time at 8 fps (0.125 s, kept to 0.01 s), the end stays (it went 3.00, 3.01, ... 3.06).
    s.setStart(0);
    s.setEnd(3);
    for (let k = 1; k <= 8; k++) s.setStart(Math.round((s.startS + 0.125) * 1000) / 1000);
    expect(s.endS).toBe(3);
    expect(s.startS).toBeCloseTo(1, 1);
    s.setStart(2);
    s.setStart(1);
    s.setEnd(100);
    expect(s.endS).toBeCloseTo(7.5, 5);
    s.setPreset('telegram');
    expect(s.durationS).toBe(3);
    expect(s.effectiveFormat).toBe('webm');
    expect(s.suggestedName()).toBe('a_sticker.webm');
    // LINE: 4 s at most and 20 frames at most, so 30 fps asked is 5 fps made, and 20 frames said.
    s.fps = 30;
    s.setPreset('line');
    s.setEnd(100);
    expect([s.durationS, s.effectiveFps, s.frameEstimate, s.presetLimits?.maxW, s.presetLimits?.maxH]).toEqual([4, 5, 20, 320, 270]);
    expect(s.playedS).toBe(4);
    // LINE plays whole seconds: a trim of 2.5 s is made 3 s (20 frames over 3 s), as the engine makes it.
    s.setEnd(s.startS + 2.5);
    expect([s.durationS, s.playedS, s.frameEstimate]).toEqual([2.5, 3, 20]);
    expect(s.effectiveFps).toBeCloseTo(20 / 3, 6);
    // WeChat caps the rate (15 fps); Custom takes the slider as it is.
    s.setPreset('wechat');
    expect(s.effectiveFps).toBe(15);
    s.setPreset('none');
    expect([s.effectiveFps, s.presetLimits]).toEqual([30, null]);
  });

  it('remembers the controls between sessions, takes back only sane values, and a new clip starts at the rate last picked', async () => {
    const { host } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const s = new StickerState(host);
    s.setFps(20);
    s.sizePx = 512;
    s.preset = 'line';
    s.outlinePx = 3;
    // The nearest colour unless dithering is turned on: the job says only 'ordered'.
    expect(s.options().dither).toBeUndefined();
    s.dither = true;
    expect(s.options().dither).toBe('ordered');
    // LINE's APNG may be given a palette to fit its budget; an APNG without a preset keeps every
    // colour: nothing to dither, nothing sent.
    s.preset = 'none';
    s.format = 'apng';
    expect(s.options().dither).toBeUndefined();
    // Given a colour count, the APNG is written with a palette: the dither and the count are sent.
    s.colors = 64;
    expect([s.palette.usesPalette, s.options().maxColors, s.options().dither]).toEqual([true, 64, 'ordered']);
    // WebP and WebM keep every colour: neither is sent; "all" sends no count.
    s.format = 'webm';
    expect([s.palette.takesColours, s.palette.usesPalette, s.options().maxColors, s.options().dither]).toEqual([false, false, undefined, undefined]);
    s.format = 'gif';
    s.colors = 0;
    expect(s.options().maxColors).toBeUndefined();
    s.colors = 32;
    s.preset = 'line';
    const saved = JSON.parse(JSON.stringify(s.preferences()));
    expect(saved).toMatchObject({ fps: 20, sizePx: 512, preset: 'line', outlinePx: 3, format: 'gif', model: 'anime', dither: true, colors: 32 });
    const next = new StickerState(host);
    next.restorePreferences(saved);
    expect(next.preferences()).toEqual(saved);
    // The clip runs at 23.98 fps: it opens at the 20 picked, not 12.
    await next.open('/clips/a.mp4');
    expect(next.fps).toBe(20);
    // Junk is ignored, field by field.
    const other = new StickerState(host);
    other.restorePreferences({ fps: 99, sizePx: 333, matte: 'red', preset: 'myspace', model: 'cat', threshold: 0.5, plays: 2, dither: 'no', colors: 100 });
    expect(other.preferences()).toMatchObject({ fps: 12, sizePx: 320, matte: '#FFFFFF', preset: 'none', model: 'anime', threshold: 0.5, plays: 2, dither: false, colors: 0 });
    other.restorePreferences(null);
    other.restorePreferences('{');
  });

  it("takes down its own stale error when it opens another clip and when it makes a sticker", async () => {
    const { host, calls } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    expect(calls.dismissed).toEqual(['sticker']);
    await s.render('/out/a.gif');
    expect(calls.dismissed).toEqual(['sticker', 'sticker']);
  });

  it('keeps Keep / Remove strokes for the job, undoes and clears them, and drops them with a new clip', async () => {
    const { host, calls } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    expect(s.options().strokes).toBeUndefined();
    s.toggleBrush('bg');
    expect(s.brush).toBe('bg');
    s.toggleBrush('bg');
    expect(s.brush).toBeNull();
    const keep = { mode: 'fg' as const, size: 0.08, points: [{ x: 0.5, y: 0.9 }] };
    const remove = { mode: 'bg' as const, size: 0.1, points: [{ x: 0.9, y: 0.2 }, { x: 0.9, y: 0.8 }] };
    s.addStroke(keep);
    s.addStroke({ ...remove, points: [] }); // a click that never moved onto the frame
    s.addStroke(remove);
    await s.export();
    expect(calls.spec?.options.strokes).toEqual([keep, remove]);
    s.undoStroke();
    expect(s.strokes).toEqual([keep]);
    s.clearStrokes();
    expect(s.options().strokes).toBeUndefined();
    s.addStroke(keep);
    s.toggleBrush('fg');
    await s.open('/clips/b.mp4');
    expect([s.strokes, s.brush]).toEqual([[], null]);
  });

  it('previews the trim start cut out with the model and strokes; the newest request wins', async () => {
    const { host, calls } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    s.setStart(2);
    s.sizePx = 240;
    const keep = { mode: 'fg' as const, size: 0.08, points: [{ x: 0.5, y: 0.9 }] };
    const first = s.loadFramePreview();
    s.addStroke(keep);
    const second = s.loadFramePreview();
    await Promise.all([first, second]);
    const look = { stability: 0.5, threshold: 0.5, matte: '#FFFFFF', outlinePx: 0 };
    expect(calls.previews).toEqual([
      { path: '/clips/a.mp4', timeS: 2, options: { model: 'anime', maxSidePx: 240, format: 'gif', ...look } },
      { path: '/clips/a.mp4', timeS: 2, options: { model: 'anime', maxSidePx: 240, format: 'gif', ...look, strokes: [keep] } },
    ]);
    // The first call came back last and was dropped: the preview is the strokes' one.
    expect([s.framePreview?.unsureShare, s.isPreviewing]).toEqual([0.2, false]);
    // The status bar says where the model ran last (the dropped one ran last: on the CPU).
    expect(host.ranOn).toBe('cpu');
    // With a platform preset the sticker's size is the preset's: the preview asks for it the same way.
    s.setPreset('telegram');
    await s.loadFramePreview();
    expect(calls.previews[2].options).toEqual({ model: 'anime', strokes: [keep], preset: 'telegram', ...look });
    await s.open('/clips/b.mp4');
    expect(s.framePreview).toBeNull();
  });

  it('exports with the chosen options and shows the finished sticker', async () => {
    const { host, calls } = fakeHost((spec) => ({
      jobId: 'job-1',
      outcome: 'done',
      elapsedMs: 900,
      result: { output: spec.output, width: 320, height: 240, frameCount: 18, fps: 6, bytes: 150_000, withinBudget: true, modelFallback: true },
    }));
    const s = new StickerState(host);
    await s.open('/clips/b.gif');
    s.outlinePx = 4;
    s.outlineColor = '#000000';
    s.matte = '#1E1E1E';
    s.plays = 2;
    await s.export();
    expect(calls.spec?.output).toBe('/out/b_sticker.gif');
    expect(calls.spec?.options).toMatchObject({ format: 'gif', maxSidePx: 320, outlinePx: 4, outlineColor: '#000000', matte: '#1E1E1E', startS: 0, durationS: 3, fps: 12, model: 'anime', plays: 2 });
    // A preset plays as the platform asks: the option is not sent.
    s.setPreset('line');
    expect(s.options().plays).toBeUndefined();
    s.setPreset('none');
    expect(s.phase).toBe('done');
    // The rate written (a preset may lower it) beside the one asked for.
    expect(s.result).toMatchObject({ mime: 'image/gif', frameCount: 18, fps: 6, askedFps: 12, modelFallback: true });
    // The made sticker is shown while it matches the controls; a change asks for the live first frame again.
    expect([s.isResultStale, s.wantsFramePreview]).toEqual([false, false]);
    s.threshold = 0.6;
    expect([s.isResultStale, s.wantsFramePreview]).toEqual([true, true]);
    s.threshold = 0.5;
    expect([s.isResultStale, s.wantsFramePreview]).toEqual([false, false]);
    s.setEnd(2);
    expect(s.isResultStale).toBe(true);
    s.setEnd(3);
    s.view = 'cutout';
    expect([s.isResultStale, s.wantsFramePreview]).toEqual([false, true]);
  });

  it('makes nothing while another clip opens (the controls still hold the last one\'s trim)', async () => {
    const { host, calls } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    const opening = s.open('/clips/b.mp4');
    expect(s.phase).toBe('probing');
    await s.export();
    expect(calls.spec).toBeUndefined();
    await opening;
    await s.export();
    expect(calls.spec?.options).toMatchObject({ startS: 0 });
  });

  it('does not show a sticker that finishes after another clip was opened', async () => {
    let finish: (o: JobOutcome) => void = () => {};
    const { host } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    host.runJob = async () => ({ id: 'job-1', outcome: new Promise<JobOutcome>((resolve) => (finish = resolve)) });
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    const making = s.export();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([s.isMakingOther, s.jobClipPath]).toEqual([false, '/clips/a.mp4']);
    await s.open('/clips/b.mp4');
    // b is shown, and which clip is being made is known (b's pane read "Making the sticker…").
    expect([s.isMakingOther, s.jobClipPath]).toEqual([true, '/clips/a.mp4']);
    finish({ jobId: 'job-1', outcome: 'done', elapsedMs: 900, result: { output: '/out/a_sticker.gif', width: 320, height: 240, frameCount: 18, fps: 12, bytes: 1000, withinBudget: true, modelFallback: false } });
    await making;
    expect(s.result).toBeNull();
    expect(s.clip?.path).toBe('/clips/b.mp4');
    expect([s.jobId, s.isMakingOther]).toEqual([null, false]);
    // a's sticker is said made (it was saved without a word).
    expect(s.madeElsewhere).toEqual({ path: '/out/a_sticker.gif', frameCount: 18, sizeBytes: 1000 });
  });

  it('says a sticker that fails after another clip was opened, with its clip (it failed without a word)', async () => {
    let finish: (o: JobOutcome) => void = () => {};
    const { host, calls } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    host.runJob = async () => ({ id: 'job-1', outcome: new Promise<JobOutcome>((resolve) => (finish = resolve)) });
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    const making = s.export();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await s.open('/clips/b.mp4');
    const error = { code: 'VIDEO_CORRUPT', message: 'a.mp4 is cut short', kind: 'input' };
    finish({ jobId: 'job-1', outcome: 'failed', elapsedMs: 900, error } as JobOutcome);
    await making;
    expect(calls.errors).toEqual([error]);
    expect(s.failedElsewhere).toEqual({ clipPath: '/clips/a.mp4' });
    // b is as it was: ready, not failed.
    expect([s.clip?.path, s.phase, s.makeFailed, s.madeElsewhere]).toEqual(['/clips/b.mp4', 'ready', false, null]);
  });

  it("drops the last clip's frame preview when it comes back after another clip was opened", async () => {
    const { host } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    let answer: () => void = () => {};
    const real = host.client.previewStickerFrame;
    host.client.previewStickerFrame = async (req) => {
      const p = await real(req);
      if (req.path === '/clips/a.mp4') await new Promise<void>((resolve) => (answer = resolve));
      return p;
    };
    const s = new StickerState(host);
    await s.open('/clips/a.mp4');
    const loading = s.loadFramePreview();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await s.open('/clips/b.mp4');
    answer();
    await loading;
    expect(s.framePreview).toBeNull();
    expect(s.isPreviewing).toBe(false);
  });

  it('reports a failed job and stays ready; a cancelled one is quiet', async () => {
    const failing = fakeHost(() => ({ jobId: 'job-1', outcome: 'failed', elapsedMs: 5, error: { code: 'VIDEO_CORRUPT', message: 'bad' } }));
    const s = new StickerState(failing.host);
    await s.open('/clips/c.mp4');
    await s.render('/out/c.gif');
    expect(s.phase).toBe('ready');
    expect(failing.calls.errors).toEqual([{ code: 'VIDEO_CORRUPT', message: 'bad' }]);
    const quiet = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 5 }));
    const q = new StickerState(quiet.host);
    await q.open('/clips/c.mp4');
    await q.render('/out/c.gif');
    expect(q.phase).toBe('ready');
    expect(quiet.calls.errors).toEqual([]);
    // ... but said: nothing was written, until the next make.
    expect(q.wasCancelled).toBe(true);
    expect(s.wasCancelled).toBe(false);
    // The failed make is said as failed (the status line kept a green "Opened …"), until the next make or clip.
    expect([s.makeFailed, q.makeFailed]).toEqual([true, false]);
    await s.open('/clips/d.mp4');
    expect(s.makeFailed).toBe(false);
  });

  it('a clip that cannot be opened keeps the last clip and its sticker', async () => {
    const { host, calls } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 320, height: 240, frameCount: 18, fps: 12, bytes: 150_000, withinBudget: true, modelFallback: false } }));
    const probe = host.client.probeClip;
    host.client.probeClip = async (req) => {
      if (req.path.endsWith('broken.mp4')) throw { code: 'VIDEO_CORRUPT', message: 'cut short' };
      return probe(req);
    };
    const s = new StickerState(host);
    await s.open('/clips/b.gif');
    await s.export();
    await s.open('/clips/broken.mp4');
    expect(calls.errors).toEqual([{ code: 'VIDEO_CORRUPT', message: 'cut short' }]);
    expect([s.phase, s.clip?.path, s.result?.path]).toEqual(['done', '/clips/b.gif', '/out/b_sticker.gif']);
    // The status line is told, each time (a new object), and not once a clip opens.
    const first = s.openFailure;
    expect(first).toEqual({ isClipKept: true });
    await s.open('/clips/broken.mp4');
    expect(s.openFailure).toEqual(first);
    expect(s.openFailure).not.toBe(first);
    await s.open('/clips/b.gif');
    expect(s.openFailure).toBeNull();
    // With no clip open, nothing is kept.
    const empty = new StickerState(host);
    await empty.open('/clips/broken.mp4');
    expect([empty.phase, empty.openFailure]).toEqual(['empty', { isClipKept: false }]);
  });

  it("drops the last clip's frame when it comes back after another clip opened (a start moved just before)", async () => {
    const { host, calls } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 320, height: 240, frameCount: 18, fps: 12, bytes: 150_000, withinBudget: true, modelFallback: false } }));
    const frame = host.client.loadClipFrame;
    let release: (() => void) | undefined;
    const s = new StickerState(host);
    await s.open('/clips/a.gif');
    // The start handle of a.gif settles: its frame is slow to come.
    host.client.loadClipFrame = async (req) => {
      if (req.path.endsWith('a.gif')) await new Promise<void>((r) => (release = r));
      return frame(req);
    };
    const late = s.loadPoster();
    await s.open('/clips/b.gif');
    release!();
    await late;
    expect([s.clip?.path, s.poster?.path, calls.errors]).toEqual(['/clips/b.gif', '/clips/b.gif', []]);
  });

  it("shows the frame of the start the handle settled on last, when an earlier start's frame comes back after it", async () => {
    const { host, calls } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 320, height: 240, frameCount: 18, fps: 12, bytes: 150_000, withinBudget: true, modelFallback: false } }));
    const s = new StickerState(host);
    await s.open('/clips/a.gif');
    // Each frame answers when released; the frame at `failsAt` fails.
    const release: Record<number, () => void> = {};
    let failsAt = -1;
    host.client.loadClipFrame = async (req) => {
      await new Promise<void>((r) => (release[req.timeS ?? 0] = r));
      if (req.timeS === failsAt) throw new Error('late failure');
      return { path: req.path, mime: 'image/png', bytes: new Uint8Array([req.timeS ?? 0]) };
    };
    /** The start settles at `early`, then at `late`; the frame at `late` answers first (a seek to a far keyframe is slow). */
    const settleTwice = async (early: number, late: number) => {
      s.setStart(early);
      const first = s.loadPoster();
      s.setStart(late);
      const second = s.loadPoster();
      release[late]();
      await second;
      release[early]();
      await first;
      return [s.startS, [...(s.poster?.bytes ?? [])], calls.errors];
    };
    expect(await settleTwice(1, 2)).toEqual([2, [2], []]);
    // A failing earlier start, answering last, says nothing either.
    failsAt = 3;
    expect(await settleTwice(3, 4)).toEqual([4, [4], []]);
  });

  it('a preset picked while the first frame loads holds for the clip that opens (Telegram: at most 3 s of the whole clip)', async () => {
    const { host } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    const frame = host.client.loadClipFrame;
    let release: (() => void) | undefined;
    host.client.loadClipFrame = async (req) => {
      await new Promise<void>((r) => (release = r));
      return frame(req);
    };
    const s = new StickerState(host);
    const opening = s.open('/clips/long.mp4', { wholeClip: true });
    await new Promise((r) => setTimeout(r, 0));
    s.setPreset('telegram');
    release!();
    await opening;
    expect([s.clip?.path, s.startS, s.durationS]).toEqual(['/clips/long.mp4', 0, 3]);
  });

  it('a clip whose header reads but whose first frame does not is refused the same way: the last clip, its frame and sticker stay', async () => {
    const { host, calls } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 320, height: 240, frameCount: 18, fps: 12, bytes: 150_000, withinBudget: true, modelFallback: false } }));
    const frame = host.client.loadClipFrame;
    host.client.loadClipFrame = async (req) => {
      if (req.path.endsWith('cut.mp4')) throw { code: 'VIDEO_CORRUPT', message: 'no frames' };
      return frame(req);
    };
    const s = new StickerState(host);
    await s.open('/clips/b.gif');
    await s.export();
    await s.open('/clips/cut.mp4');
    expect(calls.errors).toEqual([{ code: 'VIDEO_CORRUPT', message: 'no frames' }]);
    // Its header (another size and length) did not replace the last clip's, nor its frame the poster.
    expect([s.phase, s.clip?.path, s.poster?.path, s.result?.path]).toEqual(['done', '/clips/b.gif', '/clips/b.gif', '/out/b_sticker.gif']);
  });

  it('the newest clip asked for opens, whichever probe answers last; a sticker made meanwhile is still handed over', async () => {
    const delivered: string[] = [];
    let finish: (o: JobOutcome) => void = () => undefined;
    const { host } = fakeHost(() => ({ jobId: 'job-1', outcome: 'cancelled', elapsedMs: 1 }));
    host.runJob = async () => ({ id: 'job-1', outcome: new Promise<JobOutcome>((resolve) => (finish = resolve)) });
    host.deliverExport = async (paths) => void delivered.push(...paths);
    const probe = host.client.probeClip;
    const gates = new Map<string, () => void>();
    host.client.probeClip = async (req) => {
      if (req.path.includes('slow')) await new Promise<void>((resolve) => gates.set(req.path, resolve));
      return probe(req);
    };
    const s = new StickerState(host);
    await s.open('/clips/first.mp4');
    const rendering = s.render('/out/first_sticker.gif');
    await Promise.resolve();
    // A slow probe, then a fast one: the fast (newest) clip opens, the slow answer is dropped.
    const slow = s.open('/clips/slow.mp4');
    await s.open('/clips/fast.mp4');
    gates.get('/clips/slow.mp4')!();
    await slow;
    expect(s.clip?.path).toBe('/clips/fast.mp4');
    // The first clip's sticker finishes after another clip opened: not shown, but handed over.
    finish({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: '/out/first_sticker.gif', width: 1, height: 1, frameCount: 2, fps: 12, bytes: 10, withinBudget: true, modelFallback: false, subject: 'anime', review: { frames: [], unsureShare: 0, flaggedFrames: 0, needsReview: false, reviewThreshold: 0.08 } } as never });
    await rendering;
    expect(delivered).toEqual(['/out/first_sticker.gif']);
    expect(s.result).toBeNull();
  });

  it('a sticker too big to preview is still handed over and shown as made', async () => {
    const delivered: string[] = [];
    const { host } = fakeHost((spec) => ({ jobId: 'job-1', outcome: 'done', elapsedMs: 9, result: { output: spec.output, width: 512, height: 400, frameCount: 225, fps: 30, bytes: 41_000_000, withinBudget: true, modelFallback: false } }));
    host.client.loadStickerFile = async () => {
      throw { code: 'INPUT_UNSUPPORTED', message: 'larger than 16 MB' };
    };
    host.deliverExport = async (paths) => void delivered.push(...paths);
    const s = new StickerState(host);
    await s.open('/clips/long.mp4');
    await s.export();
    expect(delivered).toEqual(['/out/long_sticker.gif']);
    expect([s.phase, s.result?.bytes, s.result?.sizeBytes]).toEqual(['done', null, 41_000_000]);
  });
});

describe('resultInfoKey', () => {
  it("says the file's frames against those taken: merged (a GIF or WebP), repeated (a WebM at one rate), or as many", () => {
    expect(resultInfoKey(16, 20)).toBe('sticker.resultInfoFewer');
    expect(resultInfoKey(48, 16)).toBe('sticker.resultInfoSteady');
    expect(resultInfoKey(16, 16)).toBe('sticker.resultInfo');
    expect(resultInfoKey(1, 6)).toBe('sticker.resultInfoOneMerged');
    expect(resultInfoKey(1, 1)).toBe('sticker.resultInfoOne');
  });
});
