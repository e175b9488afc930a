// Unit tests of the GIF encoder: exact delays, merged repeats, reserved transparent index; the
// result is decoded back with sharp (libvips' GIF reader).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeGif, exactDelaysCs, indexFrames, planGifFrames, type GifFrame } from '../../../../src/main/core/gif/encode-gif';
import { encodeAnimatedWebp, webpDelaysMs } from '../../../../src/main/core/sticker/encode-animated';
import { resolveFfmpeg } from '../../../../src/main/core/video/ffmpeg';
import { seededRandom } from '../../../helpers/random';

function frame(w: number, h: number, fill: (x: number, y: number) => [number, number, number, number]): GifFrame {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(fill(x, y), (y * w + x) * 4);
  return { data, width: w, height: h };
}

describe('exactDelaysCs', () => {
  it('keeps the running total exact for 12 fps (83.3 ms a frame)', () => {
    const cs = exactDelaysCs(Array(12).fill(1000 / 12));
    expect(cs.reduce((a, b) => a + b, 0)).toBe(100);
    expect(new Set(cs)).toEqual(new Set([8, 9]));
  });
});

describe('webpDelaysMs', () => {
  it('keeps a WebP to its timeline in whole milliseconds (each rounded alone, 12 fps lost 6 ms in 1.5 s and 60 fps gained 20 ms a second)', async () => {
    const at12 = webpDelaysMs(Array(18).fill(1000 / 12));
    expect(at12.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(new Set(at12)).toEqual(new Set([83, 84]));
    const at60 = webpDelaysMs(Array(60).fill(1000 / 60));
    expect(at60.reduce((a, b) => a + b, 0)).toBe(1000);
    // Written so: the file's own delays add up to the length.
    const frames = Array.from({ length: 18 }, (_, k) => frame(8, 8, (x) => (x === k % 8 ? [255, 0, 0, 255] : [0, 0, 0, 0])));
    const bytes = await encodeAnimatedWebp({ frames: frames.map((f) => f.data), width: 8, height: 8, delaysMs: Array(18).fill(1000 / 12), fps: 12 });
    const meta = await sharp(Buffer.from(bytes), { animated: true }).metadata();
    expect(meta.delay!.reduce((a, b) => a + b, 0)).toBe(1500);
    // Its canvas is transparent (libvips wrote opaque white: a viewer honouring it drew a white box), and it still decodes.
    const anim = Buffer.from(bytes).indexOf('ANIM');
    expect([...bytes.subarray(anim + 8, anim + 12)]).toEqual([0, 0, 0, 0]);
    expect(meta.pages).toBe(18);
  });
});

describe('encodeGif', () => {
  it('writes a looping GIF whose transparent pixels decode transparent, merging repeated frames', async () => {
    const w = 24;
    const disc = (cx: number, colour: [number, number, number]) =>
      frame(w, w, (x, y) => ((x - cx) ** 2 + (y - 12) ** 2 < 36 ? [...colour, 255] : [0, 0, 0, 0]));
    const frames = [disc(8, [220, 30, 30]), disc(12, [30, 200, 40]), disc(12, [30, 200, 40]), disc(16, [20, 40, 230])];
    const gif = encodeGif(frames, [100, 100, 100, 100]);
    expect(gif.frameCount).toBe(3);
    expect(gif.delaysMs).toEqual([100, 200, 100]);
    const meta = await sharp(Buffer.from(gif.bytes), { animated: true }).metadata();
    expect(meta.pages).toBe(3);
    expect(meta.delay).toEqual([100, 200, 100]);
    expect(meta.loop).toBe(0);
    const { data } = await sharp(Buffer.from(gif.bytes), { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const page = w * w * 4;
    for (let p = 0; p < 3; p++) {
      expect(data[p * page + 3]).toBe(0); // top-left corner transparent
      expect(data[p * page + (w * w - 1) * 4 + 3]).toBe(0);
    }
    // Centre of frame 2 (the green disc at x=12) is opaque green.
    const c = page + (12 * w + 12) * 4;
    expect(data[c + 3]).toBe(255);
    expect(data[c + 1]).toBeGreaterThan(150);
    expect(data[c]).toBeLessThan(80);
  });

  it('each frame after the first is only what changed, and two decoders (libvips, ffmpeg) show every frame as made', async () => {
    // A still bar, a disc that moves and changes colour, and a square that comes and goes.
    const w = 48, h = 32, n = 8;
    const colours: [number, number, number][] = [[220, 30, 30], [30, 200, 40], [20, 40, 230], [240, 200, 20]];
    const frames = Array.from({ length: n }, (_, k) =>
      frame(w, h, (x, y) => {
        if (y >= 28 && x < 20) return [90, 90, 90, 255];
        if ((x - 8 - 4 * k) ** 2 + (y - 12) ** 2 < 30) return [...colours[k % 4], 255];
        if (k % 3 === 1 && x >= 38 && y < 8) return [255, 255, 255, 255];
        return [0, 0, 0, 0];
      }),
    );
    const gif = encodeGif(frames, Array(n).fill(100));
    expect(gif.frameCount).toBe(n);
    const expected = (k: number, i: number): number[] => {
      const d = frames[k].data;
      return d[i * 4 + 3] === 0 ? [0] : [d[i * 4], d[i * 4 + 1], d[i * 4 + 2]];
    };
    const check = (pages: Buffer, channels: number) => {
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < w * h; i++) {
          const at = (k * w * h + i) * channels;
          const want = expected(k, i);
          if (want.length === 1) expect(pages[at + 3], `frame ${k} pixel ${i} clear`).toBe(0);
          else expect([pages[at], pages[at + 1], pages[at + 2], pages[at + 3]], `frame ${k} pixel ${i}`).toEqual([...want, 255]);
        }
      }
    };
    const { data } = await sharp(Buffer.from(gif.bytes), { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    check(data, 4);
    // ffmpeg's GIF decoder, with its own handling of rectangles and disposal.
    const dir = mkdtempSync(join(tmpdir(), 'gif-delta-'));
    writeFileSync(join(dir, 'a.gif'), gif.bytes);
    const raw = execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', join(dir, 'a.gif'), '-f', 'rawvideo', '-pix_fmt', 'rgba', '-fps_mode', 'passthrough', '-'], { maxBuffer: 1 << 24 });
    check(raw, 4);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** What a GIF decoder shows after each frame of `plans` (dispose 1 keeps, 2 clears the rectangle), over `plays` loops. */
function playPlans(plans: ReturnType<typeof planGifFrames>, width: number, height: number, t: number, plays: number): Uint8Array[] {
  const canvas = new Uint8Array(width * height).fill(t);
  const shown: Uint8Array[] = [];
  for (let p = 0; p < plays; p++) {
    for (const f of plans) {
      for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) if (f.pixels[y * f.width + x] !== t) canvas[(f.y + y) * width + f.x + x] = f.pixels[y * f.width + x];
      shown.push(canvas.slice());
      if (f.dispose === 2) for (let y = f.y; y < f.y + f.height; y++) canvas.fill(t, y * width + f.x, y * width + f.x + f.width);
    }
  }
  return shown;
}

describe('planGifFrames', () => {
  it('shows every frame exactly, loop after loop, writing only what changed', () => {
    // A seeded walk of blobs that move, change colour and vanish, over a clear canvas (T = 9).
    const W = 40, H = 30, T = 9;
    const rand = seededRandom(7);
    const frames: Uint8Array[] = [];
    for (let k = 0; k < 30; k++) {
      const f = new Uint8Array(W * H).fill(T);
      const blobs = 1 + Math.floor(rand() * 3);
      for (let b = 0; b < blobs; b++) {
        const cx = 5 + ((k * 2 + b * 13) % 30), cy = 8 + b * 7, r = 2 + Math.floor(rand() * 4), c = Math.floor(rand() * 9);
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) f[y * W + x] = c;
      }
      // A still part that never moves (it is written once).
      for (let x = 0; x < 6; x++) f[(H - 1) * W + x] = 3;
      frames.push(f);
    }
    const plans = planGifFrames(frames, W, H, T);
    expect(playPlans(plans, W, H, T, 3)).toEqual([...frames, ...frames, ...frames]);
    // Each frame is a rectangle smaller than the canvas (none covers its right edge, where nothing ever is).
    for (const f of plans) expect(f.x + f.width).toBeLessThan(W);
    // One frame, or frames that do not change: still exact.
    const one = [frames[0]];
    expect(playPlans(planGifFrames(one, W, H, T), W, H, T, 2)).toEqual([frames[0], frames[0]]);
    expect(playPlans(planGifFrames([frames[0], frames[0]], W, H, T), W, H, T, 1)).toEqual([frames[0], frames[0]]);
  });
});

describe('indexFrames (the palette APNG)', () => {
  it('keeps opaque pixels opaque and close in colour, the soft edge soft, and transparent ones at entry 0', () => {
    const W = 64, H = 48;
    // Two frames: an opaque body with a colour gradient, a soft ring of falling alpha, clear beyond.
    const frames = [0, 1].map((f) => {
      const data = new Uint8Array(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const d = Math.hypot(x - 32 - f, y - 24);
          const a = d < 16 ? 255 : d < 20 ? Math.round(255 * (20 - d) / 4) : 0;
          data.set([40 + 3 * x, 200 - 3 * y, 90 + f * 20, a], (y * W + x) * 4);
        }
      }
      return data;
    });
    const { palette, indexed } = indexFrames(frames, W, 64, 'none');
    expect(palette.length).toBeLessThanOrEqual(64);
    expect(palette[0]).toEqual([0, 0, 0, 0]);
    let opaque = 0, soft = 0, worst = 0, alphaError = 0, worstAlpha = 0;
    frames.forEach((f, k) => {
      for (let i = 0; i < W * H; i++) {
        const a = f[i * 4 + 3];
        const p = palette[indexed[k][i]];
        if (a === 0) {
          expect(indexed[k][i]).toBe(0);
          continue;
        }
        if (a === 255) {
          opaque++;
          expect(p[3]).toBe(255);
          for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(p[c] - f[i * 4 + c]));
        } else {
          soft++;
          expect(p[3]).toBeGreaterThan(0);
          expect(p[3]).toBeLessThan(255);
          alphaError += Math.abs(p[3] - a);
          worstAlpha = Math.max(worstAlpha, Math.abs(p[3] - a));
        }
      }
    });
    expect(opaque).toBeGreaterThan(1000);
    expect(soft).toBeGreaterThan(200);
    // 48 opaque entries over a smooth gradient: within a few steps of it.
    expect(worst).toBeLessThanOrEqual(24);
    // 21 soft entries (5 bands of alpha) for a ring of many colours and alphas: 12.7 off on
    // average, 27 at worst.
    expect(alphaError / soft).toBeLessThan(16);
    expect(worstAlpha).toBeLessThanOrEqual(40);
  });
});

describe('indexFrames, an alpha the palette sample skipped', () => {
  it('still takes a soft entry (its alpha band had none: it took the last opaque colour)', () => {
    // 2 frames of 400x400 soft pixels (320k: sampled every other one). Even pixels alternate
    // alpha 40 and 220; odd ones, which the sample skips, are alpha 130, between them.
    const frames = [0, 1].map(() => {
      const data = new Uint8Array(400 * 400 * 4);
      for (let i = 0; i < 400 * 400; i++) data.set([200, 50, 50, i % 2 ? 130 : i % 4 ? 40 : 220], i * 4);
      return data;
    });
    const { palette, indexed } = indexFrames(frames, 400, 255);
    expect(indexed).toHaveLength(2);
    for (const frame of indexed) {
      for (let i = 1; i < frame.length; i += 2) {
        const entry = palette[frame[i]];
        expect(entry[3]).toBeGreaterThan(0);
        expect(entry[3]).toBeLessThan(255);
      }
    }
  });
});

describe('indexFrames with the fewest colours', () => {
  it('--colors 2: one opaque entry beside the transparent one, the soft edge cut at half', () => {
    const frame = new Uint8Array(4 * 4);
    frame.set([10, 20, 30, 255, 10, 20, 30, 200, 10, 20, 30, 60, 0, 0, 0, 0]);
    const { palette, indexed } = indexFrames([frame], 2, 2);
    expect(palette).toEqual([[0, 0, 0, 0], [10, 20, 30, 255]]);
    expect([...indexed[0]]).toEqual([1, 1, 0, 0]);
  });
});
