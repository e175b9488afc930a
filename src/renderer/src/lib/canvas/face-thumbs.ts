// Thumbnails of the faces of a group photo, so the ID photo workspace can ask "which one?" with
// the faces themselves rather than bare numbers (renderer, DOM canvas).
import type { ImagePreview } from '../../../../shared/api';
import { previewCanvas } from './backdrop';

/** A face box in the source image's pixels (MULTIPLE_FACES detail). */
export interface FaceBoxPx {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Square crops around each face (the box plus a third of its size on every side), `sizePx` wide,
 * as PNG data URLs, from a preview of the source (its boxes are scaled from the source's size).
 */
export function faceThumbnails(preview: ImagePreview, boxes: readonly FaceBoxPx[], sizePx: number): string[] {
  const source = previewCanvas(preview);
  const scale = preview.width / preview.sourceWidth;
  return boxes.map((box) => {
    const side = Math.max(box.width, box.height) * (5 / 3) * scale;
    const cx = (box.x + box.width / 2) * scale;
    const cy = (box.y + box.height / 2) * scale;
    const thumb = document.createElement('canvas');
    thumb.width = sizePx;
    thumb.height = sizePx;
    thumb.getContext('2d')?.drawImage(source, cx - side / 2, cy - side / 2, side, side, 0, 0, sizePx, sizePx);
    return thumb.toDataURL('image/png');
  });
}
