// Pure pixel helpers of the renderer: patch a region after a re-matte, sample colours (the cut-out's
// RGBA is shared/edge-colours' paintCutout). No DOM; the canvas code passes ImageData.data in.

/** An axis-aligned box in image pixels: [x, x + w) × [y, y + h). */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The part of `box` (or the whole image) that lies inside a width x height image, as x0..x1, y0..y1 (exclusive ends). */
export function clampBox(width: number, height: number, box?: PixelBox): { x0: number; y0: number; x1: number; y1: number } {
  if (!box) return { x0: 0, y0: 0, x1: width, y1: height };
  return { x0: Math.max(0, box.x), y0: Math.max(0, box.y), x1: Math.min(width, box.x + box.w), y1: Math.min(height, box.y + box.h) };
}

/** Copies a `box.w × box.h` single-channel patch into a `width`-wide plane at the box position (clipped). */
export function pastePlane(target: Uint8Array, width: number, box: PixelBox, patch: Uint8Array): void {
  const height = target.length / width;
  for (let y = 0; y < box.h; y++) {
    const ty = box.y + y;
    if (ty < 0 || ty >= height) continue;
    for (let x = 0; x < box.w; x++) {
      const tx = box.x + x;
      if (tx < 0 || tx >= width) continue;
      target[ty * width + tx] = patch[y * box.w + x];
    }
  }
}

/** Flattens an RGBA pixel over a solid colour (the same maths as core's compositeOver, 8-bit). */
export function flattenPixel(r: number, g: number, b: number, a: number, bg: [number, number, number]): [number, number, number] {
  const t = a / 255;
  return [Math.round(r * t + bg[0] * (1 - t)), Math.round(g * t + bg[1] * (1 - t)), Math.round(b * t + bg[2] * (1 - t))];
}

/** Union of two boxes (either may be null). */
export function unionBox(a: PixelBox | null, b: PixelBox | null): PixelBox | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}
