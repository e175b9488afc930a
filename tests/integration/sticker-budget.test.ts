// A preset's byte budget on a clip too busy for it: frames made by the test (noise the encoders
// cannot squeeze, in a subject box), rendered through renderSticker with real encoders (ffmpeg's
// VP9, gifenc). Telegram's one side stays 512 px (frames go instead: it shrank to 182x236, which
// Telegram refuses), no attempt makes the file the one before made again, and the bar goes on
// through the attempts.
import { describe, expect, it } from 'vitest';
import { renderSticker, type PreparedSticker } from '../../src/main/core/sticker/make-sticker';
import { jobFraction, stageSpansOf } from '../../src/shared/jobs';

/**
 * `count` frames of w x h coloured noise in blocks of `block` px (VP9 at a low quality smooths
 * pixel noise away, not blocks) at `fps`, the subject opaque in the middle 60 % x 80 %.
 */
function noisyClip(w: number, h: number, count: number, fps: number, block = 1): PreparedSticker {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const frames = [];
  const alphas = [];
  for (let f = 0; f < count; f++) {
    const data = new Uint8Array(w * h * 4);
    const across = Math.ceil(w / block);
    const blocks = Array.from({ length: across * Math.ceil(h / block) }, () => Math.round(random() * 255));
    for (let i = 0; i < w * h; i++) {
      const v = blocks[Math.floor(Math.floor(i / w) / block) * across + Math.floor((i % w) / block)]!;
      data.set([v, 255 - v, (v * 7) & 255, 255], i * 4);
    }
    const alpha = new Float32Array(w * h);
    for (let y = Math.floor(h * 0.1); y < h * 0.9; y++) alpha.fill(1, y * w + Math.floor(w * 0.2), y * w + Math.ceil(w * 0.8));
    frames.push({ data, width: w, height: h });
    alphas.push(alpha);
  }
  return {
    info: { durationS: count / fps, fps, width: w, height: h, rotationDeg: 0, hasVideo: true, hasAudio: false, codec: 'h264', container: 'mp4', frameCount: count },
    plan: { width: w, height: h, fps, startS: 0, durationS: count / fps, frameCount: count, isColourSubsampled: false },
    modelId: 'test-noise', provider: 'cpu', subject: 'anime', modelFallback: false,
    frames, foregrounds: frames.map((f) => f.data), rawAlphas: alphas, alphas, cuts: new Set<number>(), repeatedFrames: 0,
    timesS: frames.map((_, i) => i / fps),
    review: { frames: [], frameStepS: 1 / fps, flaggedFrames: 0, unsureShare: 0, needsReview: false, reviewThreshold: null },
    timings: { probeMs: 0, decodeWaitMs: 0, segmentMs: 0, refineMs: 0, smoothMs: 0, composeMs: 0, encodeMs: 0, totalMs: 0 },
  } as unknown as PreparedSticker;
}

/**
 * Renders with a preset and returns the result, each attempt's "WxH, N frames, B bytes", and where
 * the sticker's bar stood (its stage spans) at each event, and as each attempt ended.
 */
async function render(prepared: PreparedSticker, preset: string, fps: number) {
  const attempts: string[] = [];
  const bar: number[] = [];
  const barAtAttempts: number[] = [];
  const spans = stageSpansOf({ kind: 'sticker', input: '', output: '', options: { preset } });
  const r = await renderSticker(prepared, { preset, fps }, {
    onProgress: (e) => {
      bar.push(jobFraction({ spans, stage: e.stage, done: e.done, total: e.total }));
      if (!e.detail?.startsWith('attempt')) return;
      attempts.push(e.detail.replace(/^attempt \d+: /, ''));
      barAtAttempts.push(bar.at(-1)!);
    },
  });
  return { r, attempts, bar, barAtAttempts };
}

/**
 * The bar through the retries: it never goes back (a GIF's frames took it back at each retry), and
 * reaches the encode's end only as the last attempt ends (the first one's end had it there).
 */
function expectBarGoesOn(bar: number[], barAtAttempts: number[]): void {
  for (let i = 1; i < bar.length; i++) expect(bar[i]).toBeGreaterThanOrEqual(bar[i - 1]!);
  const encodeEnd = jobFraction({ spans: 'sticker-budget', stage: 'encode', done: 1, total: 1 });
  for (const at of barAtAttempts.slice(0, -1)) expect(at).toBeLessThan(encodeEnd - 0.01);
  for (let i = 1; i < barAtAttempts.length; i++) expect(barAtAttempts[i]).toBeGreaterThan(barAtAttempts[i - 1]!);
  expect(barAtAttempts.at(-1)).toBeCloseTo(encodeEnd, 6);
}

describe('a sticker over its platform\'s byte budget', () => {
  it('Telegram keeps its one side of 512 px and drops frames instead', { timeout: 180_000 }, async () => {
    const { r, attempts, bar, barAtAttempts } = await render(noisyClip(400, 400, 60, 30, 6), 'telegram', 30);
    expect(Math.max(r.width, r.height)).toBe(512);
    expect(r.shrunkToFit).toBeUndefined();
    expect(r.withinBudget).toBe(true);
    expect(r.bytes.length).toBeLessThanOrEqual(256_000);
    expect(r.frameCount).toBeLessThan(60);
    expect(r.delaysMs.reduce((a, b) => a + b, 0)).toBeCloseTo(2000, 0);
    // Every attempt was 512 on its long side (over the budget at first: more than one).
    expect(attempts.length).toBeGreaterThan(1);
    for (const a of attempts) expect(Math.max(...a.split(',')[0]!.split('x').map(Number))).toBe(512);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]).not.toBe(attempts[i - 1]);
    expectBarGoesOn(bar, barAtAttempts);
  });

  it('WeChat: no attempt repeats the one before once colours are at their floor', { timeout: 180_000 }, async () => {
    const { r, attempts, bar, barAtAttempts } = await render(noisyClip(240, 240, 100, 15), 'wechat', 15);
    expect([r.width, r.height]).toEqual([240, 240]);
    expect(attempts.length).toBeGreaterThan(2);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]).not.toBe(attempts[i - 1]);
    expect(r.withinBudget).toBe(true);
    expectBarGoesOn(bar, barAtAttempts);
  });
});
