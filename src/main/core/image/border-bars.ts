// Black bars round a picture's content: a letterboxed or pillarboxed photo (a screenshot of a
// phone's gallery, a face dataset's padding, a scan's black margin). The ID photo reads its person
// inside them: a bar is not background, and a body that runs into one stops there
// (core/idphoto/make-id-photo.ts). Pure typed-array code. Core (no electron).
import type { PixelBox } from '../matting/closed-form';
import type { RgbaImage } from './decode';

/**
 * How far (0..255, any channel) a bar's pixel may be from its colour: a bar is flat to a level or
 * two (AFLW's black padding is 0 up to a few lines from its edge, where a JPEG blurs it), where a
 * studio backdrop's even-looking side drifts by more (df_img12's blue and df_img59's dark grey
 * sides read as bars at 12).
 */
const BAR_TOLERANCE = 4;
/** The share of a line's pixels that must be the bar's colour for the line to be bar (a stray pixel of noise is not content). */
const BAR_LINE_SHARE = 0.99;
/** A bar is black: its channels at most this (a white or coloured side is a backdrop far more often than a bar). */
const BAR_DARKEST = 40;
/** Bars thinner than this (px) are not looked at: a JPEG's edge, a one-pixel frame. */
const MIN_BAR_PX = 2;
/** A bar takes at most this share of the picture's side (the rest is the content). */
const MAX_BAR_SHARE = 0.4;
/**
 * How many lines past a bar's last flat one its content's edge may begin: a JPEG blurs a bar's
 * edge over a few lines (AFLW's image02616: 99 % flat to line 88, content from line 94).
 */
const EDGE_LINES = 8;
/**
 * How far (any channel) a pixel of those lines must be from the bar's colour to be content: a dark
 * photo's content beside a black bar is often near it (image02616: 38 % of its first line over 12
 * levels, 83 % over 4).
 */
const CONTENT_EDGE_TOLERANCE = 4;
/**
 * The content along the edge's line starts and ends within this share of the line's ends (a
 * pillarbox's bar across it, 14 % in image02616): a letterbox's edge runs straight across the
 * picture, where the first line of a person on a flat black backdrop beside them (a shoulder, a
 * strand of hair) begins and ends inside it.
 */
const EDGE_END_SHARE = 0.25;
/**
 * The share of the edge's line between its first and last content pixel that is content: a dark
 * photo beside a black bar is near its black in places.
 */
const CONTENT_EDGE_SHARE = 0.5;

/**
 * The box inside the flat black bars round `image` (each side looked at alone), or the whole
 * picture where it has none. A side's bar is the run of lines from its edge whose pixels
 * (BAR_LINE_SHARE of them) are opaque and within BAR_TOLERANCE of its outermost line's median
 * colour, which is black (BAR_DARKEST), MIN_BAR_PX to MAX_BAR_SHARE of the side deep; and one of
 * the EDGE_LINES lines after it shows content straight across (EDGE_END_SHARE, CONTENT_EDGE_SHARE).
 */
export function contentBox(image: RgbaImage): PixelBox {
  const { width: w, height: h } = image;
  const top = barDepth(image, 'top');
  const bottom = barDepth(image, 'bottom');
  const left = barDepth(image, 'left');
  const right = barDepth(image, 'right');
  if (top + bottom >= h || left + right >= w) return { x: 0, y: 0, width: w, height: h };
  return { x: left, y: top, width: w - left - right, height: h - top - bottom };
}

type Side = 'top' | 'bottom' | 'left' | 'right';

/** The depth (px) of the bar on one side, 0 for none. */
function barDepth(image: RgbaImage, side: Side): number {
  const { width: w, height: h, data } = image;
  const isRow = side === 'top' || side === 'bottom';
  const lines = isRow ? h : w;
  const length = isRow ? w : h;
  /** Index into data of pixel k of line d (d counted from this side's edge). */
  const at = (d: number, k: number): number => {
    const line = side === 'top' || side === 'left' ? d : lines - 1 - d;
    return (isRow ? line * w + k : k * w + line) * 4;
  };
  const colour = medianColour(length, (k) => at(0, k), data);
  if (Math.max(...colour) > BAR_DARKEST) return 0;
  // Opaque only: a transparent margin is a cut-out's own (own-alpha.ts), whatever its hidden colour.
  const isBar = (i: number, tolerance: number): boolean =>
    data[i + 3] >= 250 && Math.abs(data[i] - colour[0]) <= tolerance && Math.abs(data[i + 1] - colour[1]) <= tolerance && Math.abs(data[i + 2] - colour[2]) <= tolerance;
  const most = Math.floor(lines * MAX_BAR_SHARE);
  let depth = 0;
  for (; depth < most; depth++) {
    let n = 0;
    for (let k = 0; k < length; k++) if (isBar(at(depth, k), BAR_TOLERANCE)) n++;
    if (n < length * BAR_LINE_SHARE) break;
  }
  if (depth < MIN_BAR_PX || depth >= most) return 0;
  for (let d = depth; d < Math.min(lines, depth + EDGE_LINES); d++) {
    let first = -1;
    let last = -1;
    let n = 0;
    for (let k = 0; k < length; k++) {
      if (isBar(at(d, k), CONTENT_EDGE_TOLERANCE)) continue;
      if (first < 0) first = k;
      last = k;
      n++;
    }
    if (first >= 0 && first <= length * EDGE_END_SHARE && last >= length * (1 - EDGE_END_SHARE) && n >= (last - first + 1) * CONTENT_EDGE_SHARE) return depth;
  }
  return 0;
}

/** The per-channel median RGB of `length` pixels (their data indices from `index`). */
function medianColour(length: number, index: (k: number) => number, data: Uint8Array): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const counts = new Uint32Array(256);
    for (let k = 0; k < length; k++) counts[data[index(k) + c]]++;
    let seen = 0;
    let v = 0;
    while (v < 255 && seen + counts[v] <= length / 2) seen += counts[v++];
    out[c] = v;
  }
  return out;
}
