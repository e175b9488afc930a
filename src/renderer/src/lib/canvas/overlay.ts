// Pure colouring of the trimap overlay (renderer): background red, unknown amber, foreground green,
// painted into an RGBA buffer inside a box so a brush stroke recolours only what it touched.
import { clampBox, type PixelBox } from './pixels';
import { TRIMAP_BG, TRIMAP_FG } from './stroke';

/** Overlay colours as [r, g, b, a]. */
export const OVERLAY_COLORS = {
  background: [229, 62, 62, 90],
  unknown: [245, 180, 0, 170],
  foreground: [34, 197, 94, 45],
} as const;

/** A Keep ('fg') or Remove ('bg') stroke's CSS colour: the overlay's hue at `opacity`. */
export function strokeColour(mode: 'fg' | 'bg', opacity = 1): string {
  return overlayColour(mode === 'fg' ? 'foreground' : 'background', opacity);
}

/** An overlay colour's hue as CSS at `opacity` (opaque: the legend's swatches). */
export function overlayColour(kind: keyof typeof OVERLAY_COLORS, opacity = 1): string {
  const [r, g, b] = OVERLAY_COLORS[kind];
  return `rgb(${r} ${g} ${b} / ${opacity})`;
}

/** Writes the overlay colour of each trimap value into `out` (RGBA), inside `box` or everywhere. */
export function paintTrimapOverlay(trimap: Uint8Array, width: number, out: Uint8ClampedArray | Uint8Array, box?: PixelBox): void {
  const { x0, y0, x1, y1 } = clampBox(width, trimap.length / width, box);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      const v = trimap[i];
      const c = v === TRIMAP_BG ? OVERLAY_COLORS.background : v === TRIMAP_FG ? OVERLAY_COLORS.foreground : OVERLAY_COLORS.unknown;
      const j = i * 4;
      out[j] = c[0];
      out[j + 1] = c[1];
      out[j + 2] = c[2];
      out[j + 3] = c[3];
    }
  }
}
