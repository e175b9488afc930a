// Unit tests of sticker composition: boxes, fitting, premultiplied crop-resample, outline; the platform presets' loops.
import { describe, expect, it } from 'vitest';
import { addOutline, alphaBox, coloursAfterSmoothing, cropResample, fillPinholes, fitSize, padBox, removeSpecks, subjectBox, unionBoxes } from '../../../../src/main/core/sticker/compose';
import { composeStickerFrame, flattenForGif, frameDurationsMs, playedFrames, renderSticker, resolveTargets, stickerLayout, stickerStill, type PreparedSticker } from '../../../../src/main/core/sticker/make-sticker';
import { findPlatformPreset, presetLoops } from '../../../../src/main/core/sticker/presets';
import { steadyRateSteps } from '../../../../src/main/core/sticker/encode-animated';

describe('coloursAfterSmoothing', () => {
  it('takes the pixel\'s own colour for the share of its alpha the smoothing gave; a pixel that gained nothing keeps its estimate', () => {
    const frame = new Uint8Array([180, 140, 40, 255, 180, 140, 40, 255, 10, 20, 30, 255]);
    const estimated = new Uint8Array([100, 80, 20, 255, 100, 80, 20, 255, 50, 50, 50, 255]);
    const raw = new Float32Array([0.2, 0.6, 0.9]);
    // Pixel 0 gained 0.2 of its 0.4 (half its colour its own), pixel 1 lost, pixel 2 gained only 0.01.
    const out = coloursAfterSmoothing(estimated, frame, raw, new Float32Array([0.4, 0.5, 0.91]));
    expect([...out]).toEqual([140, 110, 30, 255, 100, 80, 20, 255, 50, 50, 50, 255]);
    // From nothing: all its own colour. The estimate is not written to.
    expect([...coloursAfterSmoothing(estimated, frame, new Float32Array([0, 0.6, 0.9]), new Float32Array([0.3, 0.6, 0.9])).subarray(0, 3)]).toEqual([180, 140, 40]);
    expect([...estimated.subarray(0, 3)]).toEqual([100, 80, 20]);
    // Nothing gained: the same buffer, no copy.
    expect(coloursAfterSmoothing(estimated, frame, raw, raw)).toBe(estimated);
  });
});

describe('flattenForGif', () => {
  it('blends only the 1-bit edge with the matte; inside, a half-transparent part keeps its colour (it turned pale grey on white)', () => {
    const [W, H] = [5, 5];
    const rgba = new Uint8Array(W * H * 4).fill(40);
    const alpha = new Float32Array(W * H).fill(0.5);
    const bin = new Uint8Array(W * H);
    for (let y = 1; y < 4; y++) for (let x = 0; x < 4; x++) bin[y * W + x] = 1;
    const out = flattenForGif({ rgba, alpha, width: W, height: H }, bin, [255, 255, 255]).data;
    const at = (x: number, y: number) => [...out.subarray((y * W + x) * 4, (y * W + x) * 4 + 4)];
    // Inside (every neighbour opaque, the frame's left border not counting as transparent): F whole.
    expect(at(1, 2)).toEqual([40, 40, 40, 255]);
    expect(at(0, 2)).toEqual([40, 40, 40, 255]);
    // Inside but under half opaque (kept by the hysteresis): blended still.
    const faint = Float32Array.from(alpha);
    faint[2 * W + 1] = 0.25;
    expect([...flattenForGif({ rgba, alpha: faint, width: W, height: H }, bin, [255, 255, 255]).data.subarray((2 * W + 1) * 4, (2 * W + 1) * 4 + 3)]).toEqual([201, 201, 201]);
    // On the edge: F·a + matte·(1 − a).
    expect(at(3, 2)).toEqual([148, 148, 148, 255]);
    expect(at(2, 1)).toEqual([148, 148, 148, 255]);
    // Outside: transparent.
    expect(at(4, 2)[3]).toBe(0);
  });
});

describe('fillPinholes', () => {
  it("fills a GIF frame's pinholes inside the subject, whole (not the matte's white ring on a dark chat); a gap the drawing has, and a notch at the border, stay", () => {
    // 128 x 128: pinholes are up to 4 px (1/4096 of the frame).
    const [W, H] = [128, 128];
    const bin = new Uint8Array(W * H);
    const alpha = new Float32Array(W * H);
    for (let y = 0; y < 100; y++) for (let x = 10; x < 110; x++) bin[y * W + x] = 1;
    const hole = (x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) bin[y * W + x] = 0;
    };
    hole(30, 30, 1, 1); // a dot
    hole(50, 30, 2, 2); // 4 px
    hole(70, 30, 5, 5); // 25 px: a gap between an arm and the body
    hole(50, 0, 2, 2); // at the frame's border: a notch, not a hole
    // The holes as cropResample leaves them where the model was sure: alpha 0, colour black; the subject grey 230.
    const rgba = new Uint8Array(W * H * 4);
    for (let i = 0; i < alpha.length; i++) {
      alpha[i] = bin[i] ? 0.95 : 0;
      if (bin[i]) rgba.fill(230, i * 4, i * 4 + 3);
    }
    const frame = { rgba, alpha, width: W, height: H };
    expect(fillPinholes(bin, frame)).toBe(5);
    expect([bin[30 * W + 30], bin[31 * W + 51], alpha[30 * W + 30], alpha[31 * W + 51]]).toEqual([1, 1, 1, 1]);
    expect([bin[32 * W + 72], bin[0 * W + 50], alpha[32 * W + 72]]).toEqual([0, 0, 0]);
    // Filled whole in the subject's colour round it: not black, nor blended with the matte.
    const out = flattenForGif(frame, bin, [255, 255, 255]).data;
    expect([...out.subarray((30 * W + 30) * 4, (30 * W + 30) * 4 + 4)]).toEqual([230, 230, 230, 255]);
    expect([...out.subarray((31 * W + 51) * 4, (31 * W + 51) * 4 + 4)]).toEqual([230, 230, 230, 255]);
    expect([...out.subarray((30 * W + 31) * 4, (30 * W + 31) * 4 + 4)]).toEqual([230, 230, 230, 255]);
    // A GIF sticker's still (what the workspace shows, made as its frames are) has no pinhole left:
    // no transparent pixel whose 4 neighbours are opaque.
    const enclosed = (s: { data: Uint8Array; width: number; height: number }): number => {
      let n = 0;
      for (let y = 1; y < s.height - 1; y++) {
        for (let x = 1; x < s.width - 1; x++) {
          const a = (dx: number, dy: number) => s.data[((y + dy) * s.width + x + dx) * 4 + 3];
          if (a(0, 0) === 0 && a(-1, 0) && a(1, 0) && a(0, -1) && a(0, 1)) n++;
        }
      }
      return n;
    };
    const source = new Uint8Array(W * H * 4).fill(200);
    const sure = new Float32Array(W * H);
    for (let y = 20; y < 108; y++) for (let x = 20; x < 108; x++) sure[y * W + x] = 1;
    sure[64 * W + 64] = 0;
    const still = stickerStill(source, sure, W, H, { format: 'gif' });
    expect(still.hasSubject).toBe(true);
    expect(enclosed(still)).toBe(0);
    expect(enclosed(stickerStill(source, sure, W, H, { format: 'webp' }))).toBeGreaterThan(0);
  });
});

describe('boxes', () => {
  it('finds the alpha box, unions boxes over frames and pads within the frame', () => {
    const w = 10;
    const a = new Float32Array(100);
    a[2 * w + 3] = 1;
    a[5 * w + 6] = 0.9;
    expect(alphaBox(a, 10, 10)).toEqual({ x0: 3, y0: 2, x1: 7, y1: 6 });
    expect(alphaBox(new Float32Array(100), 10, 10)).toBeNull();
    expect(unionBoxes([{ x0: 3, y0: 2, x1: 7, y1: 6 }, null, { x0: 1, y0: 4, x1: 5, y1: 9 }])).toEqual({ x0: 1, y0: 2, x1: 7, y1: 9 });
    expect(padBox({ x0: 1, y0: 2, x1: 7, y1: 9 }, 2, 10, 10)).toEqual({ x0: 0, y0: 0, x1: 9, y1: 10 });
  });
  it('fits inside a box keeping the aspect, upscaling only when asked', () => {
    expect(fitSize(400, 300, 320, 270)).toEqual({ width: 320, height: 240 });
    expect(fitSize(100, 50, 512, 512)).toEqual({ width: 100, height: 50 });
    expect(fitSize(100, 50, 512, 512, true)).toEqual({ width: 512, height: 256 });
  });
});

describe('cropResample', () => {
  it('does not bleed the colour of transparent pixels into the edge', () => {
    // Left half red opaque, right half green transparent: the output edge must stay red.
    const w = 8;
    const rgba = new Uint8Array(w * w * 4);
    const alpha = new Float32Array(w * w);
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        rgba.set(x < 4 ? [255, 0, 0, 255] : [0, 255, 0, 255], i * 4);
        alpha[i] = x < 4 ? 1 : 0;
      }
    const out = cropResample(rgba, alpha, w, w, { x0: 0, y0: 0, x1: 8, y1: 8 }, 4, 4);
    for (let i = 0; i < 16; i++) {
      if (out.alpha[i] > 0) expect(out.rgba[i * 4 + 1]).toBe(0);
    }
    expect(out.alpha[0]).toBeCloseTo(1, 5);
    expect(out.alpha[3]).toBeCloseTo(0, 5);
  });
});

describe('addOutline', () => {
  it('draws a white ring of the given width around the subject and leaves the subject alone', () => {
    const w = 21;
    const rgba = new Uint8Array(w * w * 4);
    const alpha = new Float32Array(w * w);
    for (let y = 8; y <= 12; y++)
      for (let x = 8; x <= 12; x++) {
        alpha[y * w + x] = 1;
        rgba.set([10, 20, 30, 255], (y * w + x) * 4);
      }
    const frame = { rgba, alpha, width: w, height: w };
    addOutline(frame, 3, [255, 255, 255]);
    expect(alpha[10 * w + 10]).toBe(1);
    expect(Array.from(rgba.subarray((10 * w + 10) * 4, (10 * w + 10) * 4 + 3))).toEqual([10, 20, 30]);
    expect(alpha[10 * w + 14]).toBe(1); // 2 px right of the subject
    expect(Array.from(rgba.subarray((10 * w + 14) * 4, (10 * w + 14) * 4 + 3))).toEqual([255, 255, 255]);
    expect(alpha[10 * w + 18]).toBe(0); // 6 px away
  });
});

describe('removeSpecks', () => {
  it('clears a small detached blob and its fringe but keeps the character', () => {
    const w = 40;
    const alpha = new Float32Array(w * w);
    for (let y = 5; y < 35; y++) for (let x = 5; x < 25; x++) alpha[y * w + x] = 1; // 600 px body
    alpha[20 * w + 34] = 0.9; // 1-px speck
    alpha[20 * w + 35] = 0.3; // its fringe
    alpha[20 * w + 25] = 0.3; // the body's own fringe stays
    expect(removeSpecks(alpha, w, w)).toBe(1);
    expect(alpha[20 * w + 34]).toBe(0);
    expect(alpha[20 * w + 35]).toBe(0);
    expect(alpha[20 * w + 25]).toBeCloseTo(0.3, 5);
    expect(alpha[20 * w + 10]).toBe(1);
  });
});

describe('platform presets', () => {
  it('LINE: loops × length stays within 4 s, at least one loop; other presets loop forever', () => {
    const line = findPlatformPreset('line')!;
    expect([presetLoops(line, 0.8), presetLoops(line, 1), presetLoops(line, 1.5), presetLoops(line, 2.08), presetLoops(line, 4)]).toEqual([4, 4, 2, 1, 1]);
    expect(line.minSide).toBe(270);
    expect(presetLoops(findPlatformPreset('telegram'), 3)).toBe(0);
    expect(presetLoops(undefined, 3)).toBe(0);
  });

  it('dropping frames to fit a budget keeps the trimmed length (a review got 4.2 s from a 4 s LINE trim)', () => {
    for (const [count, fps] of [[20, 5], [24, 12], [7, 30], [45, 15]] as const) {
      for (let step = 1; step <= 4; step++) {
        const kept = playedFrames(Array(count).fill(1000 / fps), 0, count - 1, step);
        expect(kept.picked).toEqual(Array.from({ length: Math.ceil(count / step) }, (_, k) => k * step));
        // Of one length still, spread over the same time.
        expect(new Set(kept.delaysMs.map((d) => d.toFixed(6))).size).toBe(1);
        expect(kept.delaysMs.reduce((a, b) => a + b, 0)).toBeCloseTo((count * 1000) / fps, 6);
      }
    }
    const line = findPlatformPreset('line')!;
    const seven = playedFrames(Array(20).fill(200), 0, 19, 3, line);
    expect(seven.delaysMs).toEqual(Array(7).fill(4000 / 7));
    // Within LINE's 4 s, so presetLoops leaves one play, not a second past it.
    expect(presetLoops(line, 4)).toBe(1);
  });

  it('as drawn, each drawing plays for its own hold; a preset\'s most frames keep every n-th drawing, with the time of those between', () => {
    // Threes in a 30-fps file: 4, 4, 4, 3 frames of 33.3 ms.
    const holds = [4, 4, 4, 3, 4, 4, 4, 3].map((h) => (h * 1000) / 30);
    const all = playedFrames(holds, 0, 7, 1, undefined, { shortestMs: 0 });
    expect(all.picked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(all.delaysMs).toEqual(holds);
    expect(all.step).toBe(1);
    // Frames left out at the ends are not played.
    expect(playedFrames(holds, 2, 5, 1, undefined, { shortestMs: 0 }).delaysMs).toEqual(holds.slice(2, 6));
    // LINE holds 20 frames at most: 32 drawings (4 s on threes at 24 fps) make 16 of two drawings' time, in 4 whole seconds.
    const line = findPlatformPreset('line')!;
    const drawn = [3, 3, 4, 2].flatMap((h) => Array(8).fill((h * 1000) / 24));
    const kept = playedFrames(drawn, 0, 31, 1, line, { shortestMs: 50 });
    expect(kept.step).toBe(2);
    expect(kept.picked).toEqual(Array.from({ length: 16 }, (_, k) => 2 * k));
    expect(kept.delaysMs.reduce((a, b) => a + b, 0)).toBeCloseTo(4000, 6);
    expect(kept.delaysMs[0]).toBeCloseTo(250, 6);
    // A frame shorter than the platform's shortest (WeChat: 15 a second, 67 ms) takes the drawings after it till it is that long.
    const ms = (frames: number[]) => frames.map((h) => (h * 1000) / 24);
    const wechat = playedFrames(ms([3, 1, 2, 2, 3]), 0, 4, 1, findPlatformPreset('wechat'), { shortestMs: 1000 / 15 });
    expect(wechat.picked).toEqual([0, 1, 3, 4]);
    expect(wechat.delaysMs).toEqual(ms([3, 3, 2, 3]));
    expect([wechat.short, wechat.shown]).toEqual([1, 4]);
    // A run of ones (an action burst) keeps every other drawing of it, 83 ms each, not one still frame.
    const burst = playedFrames(ms([3, 1, 1, 1, 1, 1, 1, 3]), 0, 7, 1, findPlatformPreset('wechat'), { shortestMs: 1000 / 15 });
    expect(burst.picked).toEqual([0, 1, 3, 5, 7]);
    expect(burst.delaysMs).toEqual(ms([3, 2, 2, 2, 3]));
    // A short first frame takes the next one's time, a short last one goes to the one before; twos at 23.98 fps (83 ms) all show.
    expect(playedFrames(ms([1, 3, 3]), 0, 2, 1, undefined, { shortestMs: 50 })).toMatchObject({ picked: [0, 2], delaysMs: ms([4, 3]) });
    expect(playedFrames(ms([3, 3, 1]), 0, 2, 1, undefined, { shortestMs: 50 })).toMatchObject({ picked: [0, 1], delaysMs: ms([3, 4]) });
    expect(playedFrames(Array(8).fill(2000 / 23.976), 0, 7, 1, undefined, { shortestMs: 1000 / 15 }).picked).toHaveLength(8);
    // Even holds stay even when every 2nd is kept: 21 drawings on twos under LINE, 11 frames of one length.
    const twos = playedFrames(Array(21).fill(1000 / 12), 0, 20, 1, line, { shortestMs: 50 });
    expect(twos.step).toBe(2);
    expect(new Set(twos.delaysMs.map((d) => d.toFixed(6))).size).toBe(1);
    // Never past a preset's longest: 3 s of a 23.98-fps clip is 72 frames, 3.003 s; Telegram takes 3.
    const telegram = playedFrames(Array(72).fill(1000 / 23.98), 0, 71, 1, findPlatformPreset('telegram'), { shortestMs: 1000 / 30 });
    expect(telegram.delaysMs.reduce((a, b) => a + b, 0)).toBeCloseTo(3000, 6);
    // Written at a steady 23.98 fps (WebM), it is 71 frames, not 72 (the last a step shorter): never past the preset's longest.
    expect(steadyRateSteps(telegram.delaysMs, 23.98, 3000).reduce((a, b) => a + b, 0)).toBe(71);
    // With no longest, the nearest number of steps: a 6-s part's 48 drawings on threes at 23.98 fps are 144 frames (6.005 s), not 143 (5.964 s).
    expect(steadyRateSteps(Array(48).fill(125), 23.98).reduce((a, b) => a + b, 0)).toBe(144);
    expect(steadyRateSteps([3000 / 7, 4000 / 7, 2000 / 7], 7)).toEqual([3, 4, 2]);
    expect(steadyRateSteps(Array(5).fill(100), 10)).toEqual([1, 1, 1, 1, 1]);
    // One drawing shorter than a step is still written once (a WebM of no frames fails).
    expect(steadyRateSteps([20], 30)).toEqual([1]);
    // Not as drawn (a steady rate the preset already allows), a frame too many is not halved.
    expect(playedFrames(Array(21).fill(200), 0, 20, 1, line).picked).toHaveLength(21);
  });

  it('a preset\'s fewest frames: each shown that many times over for a share of its time, at the preset\'s most frames a second at most', () => {
    const line = findPlatformPreset('line')!;
    const lineNoWhole = { ...line, wholeSeconds: false };
    // One frame at 12 fps: 5 frames of 50 ms (LINE's 20 fps), not a 17-ms flash each; in a whole second with LINE's rule.
    expect(playedFrames([1000 / 12], 0, 0, 1, lineNoWhole)).toEqual({ picked: [0, 0, 0, 0, 0], delaysMs: Array(5).fill(50), step: 1, short: 0, shown: 1 });
    expect(playedFrames([1000 / 12], 0, 0, 1, line).delaysMs).toEqual(Array(5).fill(200));
    // Two drawings of 1/6 s: three times over, 18 fps.
    const two = playedFrames([1000 / 6, 1000 / 6], 0, 1, 1, lineNoWhole);
    expect(two.picked).toEqual([0, 0, 0, 1, 1, 1]);
    for (const d of two.delaysMs) expect(d).toBeCloseTo(1000 / 18, 9);
    expect(playedFrames(Array(5).fill(100), 0, 4, 1, lineNoWhole).picked).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('frameDurationsMs', () => {
  const prepared = (durationS: number, fps: number, frameCount: number, holds?: number[]) =>
    ({ plan: { durationS, fps, frameCount } as PreparedSticker['plan'], frames: Array.from({ length: frameCount }), ...(holds ? { holds } : {}) }) as Pick<PreparedSticker, 'plan' | 'holds' | 'frames'>;
  it('shares the part\'s length, but at a steady rate never plays faster than a preset\'s most frames a second', () => {
    expect(frameDurationsMs(prepared(0.8, 12, 10))).toEqual(Array(10).fill(80));
    // WeChat (15 a second): 1.5 s at 15 fps is 23 frames; shared they were 65.2 ms, 15.3 a second.
    expect(frameDurationsMs(prepared(1.5, 15, 23), 1000 / 15)).toEqual(Array(23).fill(1000 / 15));
    expect(frameDurationsMs(prepared(1.5, 15, 22), 1000 / 15)).toEqual(Array(22).fill(1500 / 22));
    // As drawn, a drawing's hold (playedFrames keeps to the preset's shortest).
    expect(frameDurationsMs(prepared(1, 30, 30, [3, 27]), 1000 / 15).map((d) => Math.round(d * 1e6) / 1e6)).toEqual([100, 900]);
  });
});

describe('a WebM\'s even sides', () => {
  it('are fitted within the bounds rounded down to even; an odd side gets a transparent row, not a stretch (1000x50 at 101 made 100x6)', () => {
    const [w, h] = [1000, 50];
    const alpha = new Float32Array(w * h).fill(1);
    const rgb = new Uint8Array(w * h * 4);
    const options = { maxSidePx: 101, format: 'webm' as const, padding: 0 };
    const layout = stickerLayout(null, w, h, options, resolveTargets(options));
    expect(layout.size).toEqual({ width: 100, height: 5 });
    expect(layout.canvas).toMatchObject({ width: 100, height: 6 });
    const c = composeStickerFrame(rgb, alpha, w, h, layout, options);
    expect([c.width, c.height]).toEqual([100, 6]);
    // The picture's 5 rows, and one transparent.
    const opaqueRows = [...Array(6).keys()].filter((y) => c.alpha.subarray(y * 100, (y + 1) * 100).every((a) => a > 0.99));
    expect(opaqueRows.length).toBe(5);
    expect(c.alpha.subarray(5 * 100).every((a) => a === 0)).toBe(true);
    // Even already: no canvas; a GIF keeps its odd side.
    const square = { maxSidePx: 101, format: 'webm' as const };
    expect(stickerLayout(null, 300, 300, square, resolveTargets(square))).toEqual({ box: { x0: 0, y0: 0, x1: 300, y1: 300 }, size: { width: 100, height: 100 } });
    const gif = { maxSidePx: 101, format: 'gif' as const };
    expect(stickerLayout(null, w, h, gif, resolveTargets(gif))).toMatchObject({ size: { width: 101, height: 5 } });
    expect(stickerLayout(null, w, h, gif, resolveTargets(gif)).canvas).toBeUndefined();
  });
});

describe('a fixed canvas (Discord 320 x 320)', () => {
  /** A wide frame whose opaque subject spans columns x0..x1 and rows y0..y1 (exclusive ends). */
  const frame = (w: number, h: number, box: { x0: number; y0: number; x1: number; y1: number }) => {
    const alpha = new Float32Array(w * h);
    const rgb = new Uint8Array(w * h * 4);
    for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) alpha[y * w + x] = 1;
    return { alpha, rgb };
  };
  /** Rows of the composed canvas with any opaque pixel: [first, last]. */
  const rows = (w: number, h: number, box: { x0: number; y0: number; x1: number; y1: number }) => {
    const { alpha, rgb } = frame(w, h, box);
    const options = { preset: 'discord' };
    const layout = stickerLayout(alphaBox(alpha, w, h), w, h, options, resolveTargets(options));
    const c = composeStickerFrame(rgb, alpha, w, h, layout, options);
    expect([c.width, c.height]).toEqual([320, 320]);
    const filled = [...Array(320).keys()].filter((y) => c.alpha.subarray(y * 320, (y + 1) * 320).some((a) => a > 0.5));
    return [filled[0], filled.at(-1)!];
  };

  it('stands a subject cut off by the clip\'s bottom edge on the canvas\'s bottom (it floated mid-square)', () => {
    // A wide subject running out of the frame's bottom: its square has room above and below.
    const [top, bottom] = rows(400, 200, { x0: 50, y0: 80, x1: 350, y1: 200 });
    expect(bottom).toBe(319);
    expect(top).toBeGreaterThan(100);
  });

  it('centres a subject the clip does not cut, and one cut at both the top and the bottom', () => {
    const [top, bottom] = rows(400, 200, { x0: 50, y0: 60, x1: 350, y1: 140 });
    expect(Math.abs(top - (319 - bottom))).toBeLessThanOrEqual(1);
    const [top2, bottom2] = rows(400, 100, { x0: 20, y0: 0, x1: 380, y1: 100 });
    expect(Math.abs(top2 - (319 - bottom2))).toBeLessThanOrEqual(1);
  });
});

describe('what a sticker crops to and leaves out at its ends', () => {
  const W = 200;
  const H = 200;
  /** A 60×120 body whose right edge is at x1, and a 3×3 fleck at (fx, fy) when given. */
  const frame = (x1: number, fleck?: [number, number]): Float32Array => {
    const a = new Float32Array(W * H);
    for (let y = 40; y < 160; y++) for (let x = Math.max(0, x1 - 60); x < x1; x++) a[y * W + x] = 1;
    if (fleck) for (let y = fleck[1]; y < fleck[1] + 3; y++) for (let x = fleck[0]; x < fleck[0] + 3; x++) a[y * W + x] = 1;
    return a;
  };

  it('a fleck apart from the subject does not widen its box (the crop kept it: a quarter of a LINE sticker was empty rows)', () => {
    expect(subjectBox(frame(130, [190, 5]), W, H)).toEqual({ box: { x0: 70, y0: 40, x1: 130, y1: 160 }, area: 7200 });
    // Kept specks (keepSpecks) count.
    expect(subjectBox(frame(130, [190, 5]), W, H, true).box).toEqual({ x0: 70, y0: 5, x1: 193, y1: 160 });
  });

  it('leaves out an end frame of only a fleck (a wipe\'s scrap), and keeps a character coming in from the edge', async () => {
    // A fleck alone, then the body walking in from the left edge (its first frame a 2-px sliver, 3 % of the rest).
    const alphas = [frame(0, [150, 20]), ...Array.from({ length: 12 }, (_, f) => frame(Math.min(130, 2 + f * 12)))];
    const frames = alphas.map(() => ({ width: W, height: H, data: new Uint8Array(W * H * 4).fill(200) }));
    const prepared = {
      info: { durationS: alphas.length / 10, fps: 10, width: W, height: H },
      plan: { width: W, height: H, fps: 10, startS: 0, durationS: alphas.length / 10, frameCount: alphas.length, isColourSubsampled: false },
      modelId: 'x', provider: 'cpu', subject: 'anime', modelFallback: false,
      frames, foregrounds: frames.map((f) => f.data), rawAlphas: alphas, alphas, cuts: new Set<number>(), repeatedFrames: 0, timings: { composeMs: 0, encodeMs: 0 }, timesS: alphas.map((_, i) => i / 10),
    } as unknown as PreparedSticker;
    const r = await renderSticker(prepared, { format: 'gif', fps: 10 });
    expect([r.emptyEndsS, r.keptFrames]).toEqual([{ start: 0.1, end: 0 }, { first: 1, last: alphas.length - 1 }]);
  });
});
