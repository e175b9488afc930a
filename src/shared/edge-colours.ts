// The colours a cut-out's soft edge is exported with, sent beside the editor's preview alpha: the
// estimated foreground colours of each pixel whose alpha is neither 0 nor 255 (3 bytes each, in
// reading order). The editor drew the photo's own colours there, so a backdrop's tint showed as a
// fringe the exported file does not have (a blue halo round a portrait on a blue wall). Opaque
// pixels keep the photo's colours, as the export does; transparent ones keep none. Pure (shared by
// the engine, which packs them, and the renderer, which paints them).

/** Whether an alpha byte is a soft edge's (neither transparent nor opaque). */
function isSoft(a: number): boolean {
  return a > 0 && a < 255;
}

/** The RGB of `foreground` (RGBA) at each soft pixel of `alpha` (one byte a pixel), in reading order. */
export function packEdgeColours(alpha: Uint8Array, foreground: Uint8Array): Uint8Array {
  const out = new Uint8Array(countSoft(alpha) * 3);
  for (let i = 0, k = 0; i < alpha.length; i++) {
    if (!isSoft(alpha[i])) continue;
    out[k++] = foreground[i * 4];
    out[k++] = foreground[i * 4 + 1];
    out[k++] = foreground[i * 4 + 2];
  }
  return out;
}

/**
 * The cut-out as exported, at preview size, into `out` (RGBA): the photo's colours (`colours`,
 * RGBA) where opaque, the edge colours (packEdgeColours; the photo's without them) where soft,
 * nothing where transparent; A = `alpha`.
 */
export function paintCutout(colours: Uint8Array | Uint8ClampedArray, alpha: Uint8Array, edgeColours: Uint8Array | undefined, out: Uint8Array | Uint8ClampedArray): void {
  const edges = edgeColours && edgeColours.length === countSoft(alpha) * 3 ? edgeColours : undefined;
  for (let i = 0, j = 0, k = 0; i < alpha.length; i++, j += 4) {
    const a = alpha[i];
    if (a === 0) {
      out[j] = out[j + 1] = out[j + 2] = out[j + 3] = 0;
      continue;
    }
    if (edges && a < 255) {
      out[j] = edges[k++];
      out[j + 1] = edges[k++];
      out[j + 2] = edges[k++];
    } else {
      out[j] = colours[j];
      out[j + 1] = colours[j + 1];
      out[j + 2] = colours[j + 2];
    }
    out[j + 3] = a;
  }
}

/** How many pixels of `alpha` are soft. */
function countSoft(alpha: Uint8Array): number {
  let soft = 0;
  for (let i = 0; i < alpha.length; i++) if (isSoft(alpha[i])) soft++;
  return soft;
}
