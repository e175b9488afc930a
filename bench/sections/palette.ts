// Benchmark: the palette APNG's palette (indexFrames: opaque entries, and the soft edge's by bands
// of alpha) against the one it replaced (every visible pixel quantised together as RGBA at 4 bits,
// written here as it was), on the same frames in the same run: every 20th `../shared/train/anime`
// sprite (from the 8th), 4 to a sticker at 256x320, at 255 and 64 colours. Errors in 0..255:
// opaque pixels' colour and alpha (opaque pixels that came out see-through), the soft edge's alpha,
// and its composite on black and on white.
import sharp from 'sharp';
import { gifenc, indexFrames } from '../../src/main/core/gif/encode-gif';
import { spriteStickers, type BenchRow, type BenchSection } from '../harness';

/** The palette as it was until 2 December: all visible pixels together, RGBA 4-4-4-4; entry 0 transparent. */
function jointRgbaPalette(frames: readonly Uint8Array[], maxColors: number): { palette: number[][]; indexed: Uint8Array[] } {
  // Sampled as it was: every step-th visible pixel, the step from all the frames' pixels over 250k.
  const step = Math.max(1, Math.ceil(frames.reduce((n, f) => n + f.length / 4, 0) / 250_000));
  const picked: number[] = [];
  let seen = 0;
  for (const f of frames) for (let j = 0; j < f.length; j += 4) if (f[j + 3] && seen++ % step === 0) picked.push(f[j], f[j + 1], f[j + 2], f[j + 3]);
  const colours = gifenc.quantize(Uint8Array.from(picked), Math.min(255, Math.max(1, maxColors - 1)), { format: 'rgba4444' });
  const indexed = frames.map((f) => {
    const index = gifenc.applyPalette(f, colours, 'rgba4444');
    return Uint8Array.from(index, (v, i) => (f[i * 4 + 3] ? v + 1 : 0));
  });
  return { palette: [[0, 0, 0, 0], ...colours.map((c) => [c[0], c[1], c[2], c[3] ?? 255])], indexed };
}

interface PaletteErrors {
  opaqueColour: number;
  opaqueAlpha: number;
  softAlpha: number;
  softComposite: number;
}

/** Mean errors of a palette over the frames it indexed. */
function errorsOf(frames: readonly Uint8Array[], { palette, indexed }: { palette: number[][]; indexed: Uint8Array[] }): { sums: PaletteErrors; opaque: number; soft: number } {
  const sums: PaletteErrors = { opaqueColour: 0, opaqueAlpha: 0, softAlpha: 0, softComposite: 0 };
  let opaque = 0;
  let soft = 0;
  frames.forEach((f, k) => {
    for (let i = 0; i < indexed[k].length; i++) {
      const a = f[i * 4 + 3];
      if (a === 0) continue;
      const p = palette[indexed[k][i]];
      if (a === 255) {
        opaque++;
        for (let c = 0; c < 3; c++) sums.opaqueColour += Math.abs(p[c] - f[i * 4 + c]) / 3;
        sums.opaqueAlpha += 255 - p[3];
        continue;
      }
      soft++;
      sums.softAlpha += Math.abs(p[3] - a);
      for (let c = 0; c < 3; c++) {
        const got = (p[c] * p[3]) / 255;
        const want = (f[i * 4 + c] * a) / 255;
        // On black: the premultiplied colours; on white: those plus what each lets through.
        sums.softComposite += (Math.abs(got - want) + Math.abs(got + 255 - p[3] - want - 255 + a)) / 6;
      }
    }
  });
  return { sums, opaque, soft };
}

export const section: BenchSection = {
  id: 'palette',
  title: 'Palette APNG (indexFrames) against the joint RGBA palette it replaced: errors in 0..255, same frames, same run',
  async run(ctx) {
    const stickers = await spriteStickers(ctx);
    const groups = stickers.length;
    const rows: BenchRow[] = [];
    for (const [label, make] of [
      ['joint RGBA 4444 (before)', jointRgbaPalette],
      // Undithered, as the palette is what is compared (the dither bench measures the pattern).
      ['opaque + soft bands (now)', (frames: readonly Uint8Array[], colours: number) => indexFrames(frames, 256, colours, 'none')],
    ] as const) {
      const total: PaletteErrors = { opaqueColour: 0, opaqueAlpha: 0, softAlpha: 0, softComposite: 0 };
      let opaque = 0;
      let soft = 0;
      for (let g = 0; g < groups; g++) {
        const frames = await Promise.all(
          stickers[g].map(async (f) => new Uint8Array(await sharp(f).resize(256, 320, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).ensureAlpha().raw().toBuffer())),
        );
        for (const colours of [255, 64]) {
          const r = errorsOf(frames, make(frames, colours));
          for (const key of Object.keys(total) as (keyof PaletteErrors)[]) total[key] += r.sums[key];
          opaque += r.opaque;
          soft += r.soft;
        }
      }
      const note = `${groups} stickers of 4 sprites, 255 and 64 colours`;
      rows.push({ name: `${label}: opaque pixels, colour`, value: total.opaqueColour / opaque, unit: '0..255', note });
      rows.push({ name: `${label}: opaque pixels, alpha lost`, value: total.opaqueAlpha / opaque, unit: '0..255' });
      rows.push({ name: `${label}: soft edge, alpha`, value: total.softAlpha / soft, unit: '0..255' });
      rows.push({ name: `${label}: soft edge, composite on black and white`, value: total.softComposite / soft, unit: '0..255' });
    }
    return rows;
  },
};
