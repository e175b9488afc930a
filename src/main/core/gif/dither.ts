// Pixels to palette entries, the same way in every frame of a sticker. Core (no electron).
//
// 'ordered' is ordered dithering for a palette of any colours (Knoll's pattern dithering): each
// colour gets a list of palette entries whose mean is that colour, ordered by lightness, and a 4x4
// Bayer map fixed to the canvas picks one of them at each pixel. A colour that is in the palette
// (or within codec noise of it) stays one flat entry; a gradient between entries is shown as a
// fine pattern of them, where the nearest entry alone makes bands (a 48-colour sticker's blushing
// cheeks as flat grey patches). Fixed to the canvas, the pattern does not crawl: a pixel whose
// colour stays the same keeps its entry from frame to frame, so still parts of a sticker stay
// still and a GIF's frames still write only what changed (error diffusion carries each change on
// across the rest of the frame). 'none' is the nearest entry alone.
//
// Both map a colour by its 6-bit cell's centre, worked out once for all the frames. gifenc's
// applyPalette, used until 3 December, kept its cache for one frame and let the first pixel of a
// 5-6-5 cell decide the cell's entry: the same colour could take another entry in the next frame,
// and One Piece's still parts changed colour from frame to frame (docs/stickers.md, "Colours").
import type { DitherMode } from '../../../shared/jobs';

/** The 4x4 Bayer map: where each of the 16 levels falls in a 4x4 tile. */
const BAYER_4X4 = Uint8Array.of(0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5);
const LEVELS = 16;

/** Colours are told apart at 6 bits a channel (a key of 18 bits). */
const KEY_SHIFT = 2;
const KEY_COUNT = 1 << 18;

/** What a pattern is made of. */
export interface DitherTuning {
  /** How much of the error so far each next candidate is pushed by (Knoll's multiplier, 0..1). */
  errorScale: number;
  /** A colour whose 6-bit cell's centre is this close to an entry (RGB distance, 0..441) is shown as that entry alone: codec noise on a flat fill is not dithered into specks. */
  tolerance: number;
}

/**
 * Chosen on `../shared/train/anime` sprites, 4 to a GIF at 255, 64 and 32 colours, clean and through
 * JPEG: 0.5 and 4 kept the shading's local colour closest at 64 and 32 colours (low-pass error 2.39
 * and 3.85, against 3.05 and 4.95 for the nearest entry), where a GIF made to fit a byte budget
 * goes. `npm run bench -- --only dither` (docs/performance.md) measures it against tolerances 8
 * and 12; a wider sweep the same way on 3 December (multipliers 0.25, 0.75 and 1, tolerances 0 to
 * 24) found none closer: 0.75 and 1 no closer and larger, tolerance 0 no closer and larger.
 */
export const DEFAULT_TUNING: DitherTuning = { errorScale: 0.5, tolerance: 4 };

function keyOf(r: number, g: number, b: number): number {
  return ((r >> KEY_SHIFT) << 12) | ((g >> KEY_SHIFT) << 6) | (b >> KEY_SHIFT);
}

/** The centre of a key's cell, per channel. */
function centreOf(key: number, shift: number): number {
  return (((key >> shift) & 63) << KEY_SHIFT) + ((1 << KEY_SHIFT) - 1) / 2;
}

/**
 * Maps RGBA pixels to the entries of one RGB palette, the nearest entry or by a pattern fixed to
 * the canvas (`mode`). Built once for a palette and used for every frame: what it works out for a
 * colour is kept (a colour's candidates, an attempt's nearest entry), so the frames of a sticker
 * map alike and cost about what a lookup does after the first.
 */
export class PaletteMapper {
  private readonly palette: readonly (readonly number[])[];
  private readonly luma: Float64Array;
  private readonly tuning: DitherTuning;
  private readonly mode: DitherMode;
  /** Per key, its LEVELS candidates (entries), filled when the key is first met (ordered only). */
  private readonly candidates: Uint8Array;
  private readonly filled: Uint8Array;
  /** Per key of a colour (or an attempted one), its nearest entry + 1 (0: not yet known). */
  private readonly nearestOfKey = new Uint16Array(KEY_COUNT);
  /** The entries sorted by red (`byRed`: their indices), with their channels side by side, for `nearest`. */
  private readonly byRed: Uint16Array;
  private readonly sortedRgb: Int16Array;

  constructor(palette: readonly (readonly number[])[], mode: DitherMode = 'none', tuning: DitherTuning = DEFAULT_TUNING) {
    if (palette.length === 0 || palette.length > 256) throw new RangeError(`A palette has 1..256 entries, got ${palette.length}`);
    this.palette = palette;
    this.mode = mode;
    this.tuning = tuning;
    this.luma = Float64Array.from(palette, (c) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
    this.candidates = new Uint8Array(mode === 'ordered' ? KEY_COUNT * LEVELS : 0);
    this.filled = new Uint8Array(mode === 'ordered' ? KEY_COUNT : 0);
    this.byRed = Uint16Array.from(palette.keys()).sort((p, q) => palette[p][0] - palette[q][0] || p - q);
    this.sortedRgb = new Int16Array(palette.length * 3);
    this.byRed.forEach((e, k) => this.sortedRgb.set([palette[e][0], palette[e][1], palette[e][2]], k * 3));
  }

  /**
   * The entry nearest a colour (squared RGB distance; the first of equals, as a scan of the palette
   * in order finds it), and that distance. The entries are searched outwards from the colour's red
   * in their red order, each way until the red alone is further than the best so far: a cell of a
   * many-colour sticker looked through all 255 (the dither bench's sprites: 203 ms, gifenc's 134;
   * now 129 against 105).
   */
  private nearest(r: number, g: number, b: number): { index: number; distance: number } {
    const rgb = this.sortedRgb;
    const n = this.byRed.length;
    // The first entry whose red is at least r.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rgb[mid * 3] < r) lo = mid + 1;
      else hi = mid;
    }
    let index = -1;
    let best = Infinity;
    const visit = (k: number): void => {
      const d = (rgb[k * 3] - r) ** 2 + (rgb[k * 3 + 1] - g) ** 2 + (rgb[k * 3 + 2] - b) ** 2;
      const e = this.byRed[k];
      if (d < best || (d === best && e < index)) {
        best = d;
        index = e;
      }
    };
    for (let up = lo, down = lo - 1; up < n || down >= 0; ) {
      const upOpen = up < n && (rgb[up * 3] - r) ** 2 <= best;
      const downOpen = down >= 0 && (r - rgb[down * 3]) ** 2 <= best;
      if (!upOpen && !downOpen) break;
      if (upOpen) visit(up++);
      else up = n;
      if (downOpen) visit(down--);
      else down = -1;
    }
    return { index, distance: Math.sqrt(best) };
  }

  /** The nearest entry of an attempted colour, kept by its key. */
  private nearestCached(r: number, g: number, b: number): number {
    const key = keyOf(r, g, b);
    const known = this.nearestOfKey[key];
    if (known) return known - 1;
    const { index } = this.nearest(centreOf(key, 12), centreOf(key, 6), centreOf(key, 0));
    this.nearestOfKey[key] = index + 1;
    return index;
  }

  /** A key's candidates: each the entry nearest the colour pushed by the error so far, ordered by lightness. */
  private fill(key: number): void {
    const r = centreOf(key, 12);
    const g = centreOf(key, 6);
    const b = centreOf(key, 0);
    const at = key * LEVELS;
    const first = this.nearest(r, g, b);
    if (first.distance <= this.tuning.tolerance) {
      this.candidates.fill(first.index, at, at + LEVELS);
      this.filled[key] = 1;
      return;
    }
    const picked: number[] = [];
    let er = 0;
    let eg = 0;
    let eb = 0;
    const scale = this.tuning.errorScale;
    for (let k = 0; k < LEVELS; k++) {
      const index =
        k === 0
          ? first.index
          : this.nearestCached(clampByte(r + er * scale), clampByte(g + eg * scale), clampByte(b + eb * scale));
      picked.push(index);
      const c = this.palette[index];
      er += r - c[0];
      eg += g - c[1];
      eb += b - c[2];
    }
    // The pattern's mean is off by the error left over. A colour beyond all the entries (more
    // saturated than any) cannot be reached: pushing on picks entries further off, whose mean is
    // worse than the nearest alone, which it then is.
    if (Math.hypot(er, eg, eb) / LEVELS >= first.distance) {
      this.candidates.fill(first.index, at, at + LEVELS);
      this.filled[key] = 1;
      return;
    }
    picked.sort((p, q) => this.luma[p] - this.luma[q]);
    for (let k = 0; k < LEVELS; k++) this.candidates[at + k] = picked[k];
    this.filled[key] = 1;
  }

  /**
   * The entry of each pixel of an RGBA image `width` wide: the nearest entry of its cell, or
   * ordered, by the pattern at the pixel's place on the canvas. A clear pixel (alpha 0) is left at
   * 0 (the caller sets what is clear), so the colours clear pixels happen to carry cost nothing; any
   * other counts as opaque, as a GIF frame's 1-bit alpha has it.
   */
  apply(rgba: Uint8Array, width: number): Uint8Array {
    const out = new Uint8Array(rgba.length >> 2);
    if (this.mode === 'none') {
      for (let i = 0, j = 0; i < out.length; i++, j += 4) if (rgba[j + 3]) out[i] = this.nearestCached(rgba[j], rgba[j + 1], rgba[j + 2]);
      return out;
    }
    for (let i = 0, j = 0; i < out.length; i++, j += 4) {
      if (!rgba[j + 3]) continue;
      const key = keyOf(rgba[j], rgba[j + 1], rgba[j + 2]);
      if (!this.filled[key]) this.fill(key);
      const x = i % width;
      const y = (i - x) / width;
      out[i] = this.candidates[key * LEVELS + BAYER_4X4[((y & 3) << 2) | (x & 3)]];
    }
    return out;
  }
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
