// A touch-up as the editor sends it, made by the tests: the Remove stroke a review dragged across
// df_img1's neck and both its outlines (a band of background label 40 % to 60 % across, 30 px tall
// at 55 % down), as the editor's trimap (its automatic labels under it) and as the touch-up the
// export gets (the stroke's labels, TRIMAP_LABEL.auto elsewhere).
import { TRIMAP_LABEL, trimapFromAlpha } from '../../src/shared/trimap-brush';

export function neckRemoveStroke(alpha: Uint8Array, width: number, height: number): { editor: Uint8Array; touchUp: Uint8Array; box: { x: number; y: number; width: number; height: number } } {
  const editor = trimapFromAlpha(alpha);
  const touchUp = new Uint8Array(width * height).fill(TRIMAP_LABEL.auto);
  const box = { x: Math.round(width * 0.4), y: Math.round(height * 0.55) - 15, width: Math.round(width * 0.2), height: 30 };
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) editor[y * width + x] = touchUp[y * width + x] = TRIMAP_LABEL.bg;
  }
  return { editor, touchUp, box };
}
