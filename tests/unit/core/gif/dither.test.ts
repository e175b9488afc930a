// Unit tests of the palette mapper (core/gif/dither.ts): ordered, flat colours stay flat, a
// gradient's local mean is kept where the nearest entry makes bands, and the pattern is fixed to
// the canvas; either way, a colour maps alike in every frame.
import { describe, expect, it } from 'vitest';
import { PaletteMapper } from '../../../../src/main/core/gif/dither';
import { gifenc } from '../../../../src/main/core/gif/encode-gif';

/** RGBA of a w x h image from a colour per pixel. */
function image(w: number, h: number, colour: (x: number, y: number) => [number, number, number]): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...colour(x, y), 255], (y * w + x) * 4);
  return data;
}

/** The entry nearest each pixel (what 'none' does). */
function nearestOf(rgba: Uint8Array, palette: number[][]): Uint8Array {
  return Uint8Array.from({ length: rgba.length / 4 }, (_, i) => {
    let best = 0;
    let bestD = Infinity;
    palette.forEach((c, e) => {
      const d = (c[0] - rgba[i * 4]) ** 2 + (c[1] - rgba[i * 4 + 1]) ** 2 + (c[2] - rgba[i * 4 + 2]) ** 2;
      if (d < bestD) [best, bestD] = [e, d];
    });
    return best;
  });
}

/** Mean difference (0..255, over RGB) between each 4x4 tile's mean colour in the source and as indexed. */
function tileMeanError(rgba: Uint8Array, indexed: Uint8Array, palette: number[][], w: number, h: number): number {
  let sum = 0;
  let tiles = 0;
  for (let ty = 0; ty + 4 <= h; ty += 4) {
    for (let tx = 0; tx + 4 <= w; tx += 4) {
      for (let c = 0; c < 3; c++) {
        let want = 0;
        let got = 0;
        for (let y = ty; y < ty + 4; y++) {
          for (let x = tx; x < tx + 4; x++) {
            want += rgba[(y * w + x) * 4 + c];
            got += palette[indexed[y * w + x]][c];
          }
        }
        sum += Math.abs(want - got) / 16;
      }
      tiles++;
    }
  }
  return sum / tiles / 3;
}

// Eight greys 36 apart, and a red and a blue that a grey ramp never needs.
const GREYS = Array.from({ length: 8 }, (_, k) => [k * 36, k * 36, k * 36]);
const PALETTE = [...GREYS, [200, 30, 30], [30, 30, 200]];

describe('PaletteMapper, ordered', () => {
  it('shows a colour that is an entry, or within codec noise of one, as that entry alone', () => {
    const w = 32, h = 16;
    // Left half an entry exactly, right half another with ±2 of noise a channel.
    const rgba = image(w, h, (x, y) => (x < 16 ? [108, 108, 108] : [200 + (((x * 7 + y * 3) % 5) - 2), 30 + (((x + y) % 5) - 2), 30 + ((x % 3) - 1)]));
    const out = new PaletteMapper(PALETTE, 'ordered').apply(rgba, w);
    for (let i = 0; i < w * h; i++) expect(out[i], `pixel ${i}`).toBe(i % w < 16 ? 3 : 8);
  });

  it('keeps a grey ramp\'s local mean, where the nearest entry alone makes flat bands', () => {
    const w = 256, h = 16;
    const rgba = image(w, h, (x) => [Math.round((x * 252) / 255), Math.round((x * 252) / 255), Math.round((x * 252) / 255)]);
    const dithered = new PaletteMapper(PALETTE, 'ordered').apply(rgba, w);
    const nearest = nearestOf(rgba, PALETTE);
    const ditheredError = tileMeanError(rgba, dithered, PALETTE, w, h);
    const nearestError = tileMeanError(rgba, nearest, PALETTE, w, h);
    // Banded, a tile is off by up to half the 36-level step (8.1 on average); dithered, 2.2.
    expect(nearestError).toBeGreaterThan(7);
    expect(ditheredError).toBeLessThan(nearestError / 2);
    // A grey ramp is made of greys only.
    for (const e of dithered) expect(e).toBeLessThan(8);
  });

  it('is fixed to the canvas: a pixel whose colour stays keeps its entry when the rest of the frame changes', () => {
    const w = 64, h = 32;
    const ramp = (x: number): [number, number, number] => [40 + x * 2, 60 + x, 50 + x * 2];
    const first = image(w, h, (x) => ramp(x));
    // The next frame: a box moved in over the left half; the right half is the same ramp.
    const second = image(w, h, (x, y) => (x < 32 && y > 8 && y < 24 ? [200, 30, 30] : ramp(x)));
    const dither = new PaletteMapper(PALETTE, 'ordered');
    const a = dither.apply(first, w);
    const b = new PaletteMapper(PALETTE, 'ordered').apply(second, w);
    for (let y = 0; y < h; y++) for (let x = 32; x < w; x++) expect(b[y * w + x]).toBe(a[y * w + x]);
    // The same colours in another frame, with the dither that has already met them, map the same.
    expect([...dither.apply(first, w)]).toEqual([...a]);
  });

  it('codec-like noise on a gradient changes few more pixels from frame to frame than the nearest entry does', () => {
    const w = 128, h = 64;
    // A soft two-colour gradient (a cheek's shading), each frame with its own ±1 noise.
    let seed = 7;
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed % 3) - 1;
    };
    const frames = [0, 1, 2, 3].map(() => image(w, h, (x, y) => [Math.round(120 + x * 0.6 + y * 0.3) + noise(), Math.round(90 + x * 0.4) + noise(), Math.round(80 + y * 0.5) + noise()]));
    const palette = [...GREYS, [130, 95, 85], [160, 110, 90], [190, 130, 105], [150, 100, 110], [180, 120, 120]];
    const dither = new PaletteMapper(palette, 'ordered');
    const changed = (maps: Uint8Array[]): number => {
      let n = 0;
      for (let k = 1; k < maps.length; k++) for (let i = 0; i < w * h; i++) if (maps[k][i] !== maps[k - 1][i]) n++;
      return n / ((maps.length - 1) * w * h);
    };
    const ditheredChange = changed(frames.map((f) => dither.apply(f, w)));
    const nearestChange = changed(frames.map((f) => nearestOf(f, palette)));
    // 5.0 % of pixels change from frame to frame, against 3.7 % mapped to the nearest entry (error
    // diffusion would carry each noisy pixel's change on along its row).
    expect(nearestChange).toBeGreaterThan(0.01);
    expect(ditheredChange).toBeLessThan(nearestChange * 2);
  });
});

describe('PaletteMapper, none', () => {
  it('maps a colour to the same entry in every frame, whatever else the frame holds', () => {
    const palette = [[100, 100, 100], [104, 100, 100], [0, 0, 0]];
    // (101,100,100) is nearest the first entry, (103,100,100) the second; both fall in one 5-6-5 cell.
    const first = Uint8Array.of(101, 100, 100, 255, 0, 0, 0, 255);
    const second = Uint8Array.of(103, 100, 100, 255, 101, 100, 100, 255);
    const mapper = new PaletteMapper(palette, 'none');
    const a = mapper.apply(first, 2);
    const b = mapper.apply(second, 2);
    expect(a[0]).toBe(b[1]);
    expect(new PaletteMapper(palette, 'none').apply(second, 2)[1]).toBe(a[0]);
    // gifenc's applyPalette (GIFs until 3 December) let the first pixel of a cell in each frame
    // decide it: the same colour took another entry in the second frame.
    expect(gifenc.applyPalette(first, palette, 'rgb565')[0]).not.toBe(gifenc.applyPalette(second, palette, 'rgb565')[1]);
  });

  it('leaves a clear pixel at 0 and maps any other, as a GIF frame\'s 1-bit alpha counts it opaque', () => {
    const palette = [[0, 0, 0], [200, 30, 30], [30, 30, 200]];
    const pixels = Uint8Array.of(30, 30, 200, 0, 30, 30, 200, 1, 200, 30, 30, 100, 30, 30, 200, 255);
    for (const mode of ['none', 'ordered'] as const) expect([...new PaletteMapper(palette, mode).apply(pixels, 4)], mode).toEqual([0, 2, 1, 2]);
  });

  it('finds the same entry a scan of the whole palette does, the first of equals, on random palettes with repeated entries', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const [entries, levels] of [[255, 256], [48, 256], [16, 8], [2, 256], [1, 256]]) {
      // Few levels repeat entries and ties (levels 8: every entry on a coarse grid).
      const palette = Array.from({ length: entries }, () => [0, 0, 0].map(() => Math.min(255, rand(levels) * Math.ceil(256 / levels))));
      const rgba = Uint8Array.from({ length: 20_000 * 4 }, (_, j) => (j % 4 === 3 ? 255 : rand(256)));
      // The mapper maps a colour by its 6-bit cell's centre.
      const want = Uint8Array.from({ length: rgba.length / 4 }, (_, i) => {
        const c = [0, 1, 2].map((k) => (rgba[i * 4 + k] & ~3) + 1.5);
        let best = 0;
        let bestD = Infinity;
        palette.forEach((e, k) => {
          const d = (e[0] - c[0]) ** 2 + (e[1] - c[1]) ** 2 + (e[2] - c[2]) ** 2;
          if (d < bestD) [best, bestD] = [k, d];
        });
        return best;
      });
      expect(new PaletteMapper(palette, 'none').apply(rgba, 100)).toEqual(want);
    }
  });

  it('is the nearest entry alone: a ramp is banded, each pixel within half a step of its colour', () => {
    const w = 256, h = 4;
    const rgba = image(w, h, (x) => [Math.round((x * 252) / 255), Math.round((x * 252) / 255), Math.round((x * 252) / 255)]);
    const out = new PaletteMapper(PALETTE, 'none').apply(rgba, w);
    for (let i = 0; i < w * h; i++) expect(Math.abs(PALETTE[out[i]][0] - rgba[i * 4])).toBeLessThanOrEqual(18 + 2);
    // Bands: each row is the same, and the entries never go back down along it.
    for (let x = 1; x < w; x++) expect(out[x]).toBeGreaterThanOrEqual(out[x - 1]);
  });
});
