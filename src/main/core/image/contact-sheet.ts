// Contact sheets: a grid of thumbnails (optionally over a checkerboard, to show transparency)
// for looking at many results at once in docs and reviews. Core (no electron); uses sharp.
import sharp, { type OverlayOptions } from 'sharp';

/** Options of makeContactSheet. */
export interface ContactSheetOptions {
  columns?: number;
  /** Height of each cell's image in px (width follows each image's aspect, capped at cellPx). */
  cellPx?: number;
  gapPx?: number;
  background?: string;
  /** Draw a grey checkerboard under each thumbnail so transparency is visible. */
  checkerboard?: boolean;
}

function checkerboardSvg(width: number, height: number, squarePx = 8): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><pattern id="c" width="${2 * squarePx}" height="${2 * squarePx}" patternUnits="userSpaceOnUse"><rect width="${2 * squarePx}" height="${2 * squarePx}" fill="#ffffff"/><rect width="${squarePx}" height="${squarePx}" fill="#d0d0d0"/><rect x="${squarePx}" y="${squarePx}" width="${squarePx}" height="${squarePx}" fill="#d0d0d0"/></pattern></defs><rect width="100%" height="100%" fill="url(#c)"/></svg>`,
  );
}

/** Lays the images out in a grid of square cells and returns a JPEG (or PNG) buffer. */
export async function makeContactSheet(images: (string | Buffer)[], options: ContactSheetOptions & { format?: 'jpeg' | 'png' } = {}): Promise<Buffer> {
  const columns = options.columns ?? 6;
  const cell = options.cellPx ?? 220;
  const gap = options.gapPx ?? 6;
  const rows = Math.ceil(images.length / columns);
  const width = columns * cell + (columns + 1) * gap;
  const height = rows * cell + (rows + 1) * gap;
  const layers: OverlayOptions[] = [];
  for (let i = 0; i < images.length; i++) {
    const thumb = await sharp(images[i]).resize(cell, cell, { fit: 'inside' }).png().toBuffer({ resolveWithObject: true });
    const left = gap + (i % columns) * (cell + gap) + Math.floor((cell - thumb.info.width) / 2);
    const top = gap + Math.floor(i / columns) * (cell + gap) + Math.floor((cell - thumb.info.height) / 2);
    if (options.checkerboard) layers.push({ input: checkerboardSvg(thumb.info.width, thumb.info.height), left, top });
    layers.push({ input: thumb.data, left, top });
  }
  const canvas = sharp({ create: { width, height, channels: 3, background: options.background ?? '#f4f4f4' } }).composite(layers);
  return options.format === 'png' ? canvas.png().toBuffer() : canvas.jpeg({ quality: 85 }).toBuffer();
}
