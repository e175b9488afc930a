// Drawing a picture background the way the engine places it (fitBackground: scaled to cover and
// centred), and turning an ImagePreview into a canvas to draw from (renderer, DOM canvas).
import type { ImagePreview } from '../../../../shared/api';

/** The part of a srcW x srcH picture that covers a dstW x dstH box, centred (sharp's fit 'cover'). */
export function coverRect(srcW: number, srcH: number, dstW: number, dstH: number): { sx: number; sy: number; sw: number; sh: number } {
  const scale = Math.max(dstW / srcW, dstH / srcH);
  const sw = Math.min(srcW, dstW / scale);
  const sh = Math.min(srcH, dstH / scale);
  return { sx: (srcW - sw) / 2, sy: (srcH - sh) / 2, sw, sh };
}

/** A canvas holding an ImagePreview's pixels. */
export function previewCanvas(preview: ImagePreview): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = preview.width;
  canvas.height = preview.height;
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(preview.rgba), preview.width, preview.height), 0, 0);
  return canvas;
}

/**
 * A picture background ready to draw: its pixels flattened on white where the picture is itself
 * transparent, as the engine's fitBackground does (so canvas, Copy and Export agree).
 */
export function pictureCanvas(preview: ImagePreview): HTMLCanvasElement {
  const made = pictureCanvases.get(preview);
  if (made) return made;
  const canvas = document.createElement('canvas');
  canvas.width = preview.width;
  canvas.height = preview.height;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(previewCanvas(preview), 0, 0);
  }
  pictureCanvases.set(preview, canvas);
  return canvas;
}

/** One canvas per picture, shared by the editor's canvas, the picker's thumbnail and Copy. */
const pictureCanvases = new WeakMap<ImagePreview, HTMLCanvasElement>();

/**
 * Paints a cut-out's backdrop into the box (x, y, w, h), the image of imageW x imageH zoomed: the
 * picture covering it as the export places it, else the colour. False when there is neither
 * (transparent: the caller draws its checkerboard, or nothing).
 */
export function paintBackdrop(ctx: CanvasRenderingContext2D, picture: ImagePreview | null, cssColor: string | null, imageW: number, imageH: number, x: number, y: number, w: number, h: number): boolean {
  if (picture) {
    drawCover(ctx, pictureCanvas(picture), imageW, imageH, x, y, w, h);
    return true;
  }
  if (!cssColor) return false;
  ctx.fillStyle = cssColor;
  ctx.fillRect(x, y, w, h);
  return true;
}

/**
 * Draws `picture` to cover the box (x, y, w, h) as the export will show it on an image of
 * imageW x imageH (the box is that image, zoomed).
 */
export function drawCover(ctx: CanvasRenderingContext2D, picture: HTMLCanvasElement, imageW: number, imageH: number, x: number, y: number, w: number, h: number): void {
  const r = coverRect(picture.width, picture.height, imageW, imageH);
  ctx.drawImage(picture, r.sx, r.sy, r.sw, r.sh, x, y, w, h);
}

/** A square thumbnail (PNG data URL) of the picture's centre, for the picker's swatch. */
export function coverThumbnail(picture: HTMLCanvasElement, sizePx: number): string {
  const thumb = document.createElement('canvas');
  thumb.width = sizePx;
  thumb.height = sizePx;
  const ctx = thumb.getContext('2d');
  if (ctx) drawCover(ctx, picture, sizePx, sizePx, 0, 0, sizePx, sizePx);
  return thumb.toDataURL('image/png');
}
