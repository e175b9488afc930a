// Pure geometry of an ID-photo crop: the eye-aligned frame, crown from the alpha, head size and
// placement by the spec's bands, and the output -> source mapping. Pure typed-array code (core).
import type { Point } from '../face/yunet';
import type { Band, IdPhotoSpec } from './spec';

/** A similarity frame: aligned (u, v) = rotate(−angle)·(p − origin); v grows downwards. */
export interface AlignedFrame {
  originX: number;
  originY: number;
  /** Rotation of the eye line in radians (image coordinates, y down). */
  angleRad: number;
}

/** Maps an aligned point to image coordinates. */
export function fromAligned(frame: AlignedFrame, u: number, v: number): Point {
  const c = Math.cos(frame.angleRad);
  const s = Math.sin(frame.angleRad);
  return { x: frame.originX + u * c - v * s, y: frame.originY + u * s + v * c };
}

/** Maps an image point to the aligned frame. */
export function toAligned(frame: AlignedFrame, p: Point): { u: number; v: number } {
  const c = Math.cos(frame.angleRad);
  const s = Math.sin(frame.angleRad);
  const dx = p.x - frame.originX;
  const dy = p.y - frame.originY;
  return { u: dx * c + dy * s, v: -dx * s + dy * c };
}

/** Bilinear sample of a single-channel map; outside the map returns `outside`. */
export function sampleBilinear(map: Float32Array, width: number, height: number, x: number, y: number, outside = 0): number {
  if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) return outside;
  const fx = Math.min(width - 1, Math.max(0, x));
  const fy = Math.min(height - 1, Math.max(0, y));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const top = map[y0 * width + x0] * (1 - ax) + map[y0 * width + x1] * ax;
  const bottom = map[y1 * width + x0] * (1 - ax) + map[y1 * width + x1] * ax;
  return top + (bottom - top) * ay;
}

/** The crown found in an alpha map. */
export interface CrownScan {
  /** Aligned v of the crown (top of the head, hair included). */
  crownV: number;
  /** True when a third of the columns run into the edge of the map on the person (the crown is cut off). */
  touchesTop: boolean;
  /** Columns that found foreground at the eye line. */
  columnsUsed: number;
}

/** How far above a column's last foreground sample its fading matte may still run into the top edge (px). */
const EDGE_FADE_PX = 8;

/**
 * Finds the crown: for columns across the face (u in [uMin, uMax]) walk up from the eye line
 * (v = vStart) while alpha ≥ 0.5, allowing 1-sample gaps (strands); each column's top is
 * interpolated to the 0.5 crossing. The crown is the 10th percentile of the tops (the highest
 * part of the head, ignoring a stray strand). `touchesTop`: the columns that run into the top
 * edge, their matte unfaded there, are more than a tenth (the crown is read from one of them).
 * Returns null when no column starts on the person.
 */
export function scanCrown(
  alpha: Float32Array,
  width: number,
  height: number,
  frame: AlignedFrame,
  uMin: number,
  uMax: number,
  vStart: number,
  vLimit: number,
  columns = 41,
): CrownScan | null {
  const tops: number[] = [];
  let reachedEdge = 0;
  const at = (u: number, v: number): number => {
    const p = fromAligned(frame, u, v);
    return sampleBilinear(alpha, width, height, p.x, p.y, -1);
  };
  for (let c = 0; c < columns; c++) {
    const u = uMin + ((uMax - uMin) * c) / (columns - 1);
    if (at(u, vStart) < 0.5) continue;
    let lastFg = vStart;
    let gap = 0;
    for (let v = vStart; v > vLimit; v -= 1) {
      const a = at(u, v - 1);
      if (a < 0) {
        if (gap === 0) reachedEdge++;
        break;
      }
      if (a >= 0.5) {
        lastFg = v - 1;
        gap = 0;
      } else if (++gap > 2) {
        break;
      }
    }
    // Hair whose matte fades out on the last rows (a model is unsure at the border) still runs into
    // the edge when its alpha has not died away there: within EDGE_FADE_PX and above 0.1 at the edge.
    if (gap > 0 || at(u, lastFg - 1) >= 0) {
      for (let v = lastFg - 1, prev = at(u, lastFg); v >= lastFg - EDGE_FADE_PX; v--) {
        const a = at(u, v);
        if (a < 0) {
          if (prev >= 0.1) reachedEdge++;
          break;
        }
        if (a < 0.05) break;
        prev = a;
      }
    }
    // Sub-sample: move from the last foreground sample towards the next one by the 0.5 crossing.
    const a0 = at(u, lastFg);
    const a1 = at(u, lastFg - 1);
    const frac = a0 > 0.5 && a1 >= 0 && a1 < 0.5 ? (a0 - 0.5) / (a0 - a1) : 0;
    tops.push(lastFg - frac);
  }
  if (tops.length === 0) return null;
  tops.sort((a, b) => a - b);
  const crownV = tops[Math.floor(tops.length * 0.1)];
  // The crown is cut when the column it is read from (the 10th percentile) ran into the edge: the
  // edge columns hold the smallest tops. One strand at the edge is not a cut-off head.
  return { crownV, touchesTop: reachedEdge >= Math.max(2, Math.floor(tops.length * 0.1) + 1), columnsUsed: tops.length };
}

/** Middle of a band. */
export function bandMid(b: Band): number {
  return (b[0] + b[1]) / 2;
}

/** Intersection of two bands, or null. */
function intersect(a: Band, b: Band): Band | null {
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The least background kept above the crown (mm). The crown measured on the finished photo can sit
 * a few hundredths of a millimetre above where it was placed, so a crown placed at the very top
 * edge (an eye-line rule or a nudge upward) would read as cut by it.
 */
export const MIN_TOP_MARGIN_MM = 0.5;

/**
 * The allowed and preferred top margins (crown to top edge, mm) for a head of `headMm` whose eye
 * line is `crownToEyeMm` below the crown: the spec's crown-margin band ∩ the band its eye-line rule
 * implies ∩ room for the chin, keeping MIN_TOP_MARGIN_MM above the crown where those allow. With
 * neither rule, the crown sits at 38 % of the free height (more room under the chin than above the
 * head, as the ICAO examples show), or higher to keep the eyes above half-way up.
 */
export function topMarginBand(spec: IdPhotoSpec, headMm: number, crownToEyeMm: number): { band: Band; preferred: number } {
  const free = spec.heightMm - headMm;
  const room: Band = [0, Math.max(0, free)];
  let preferred = free * 0.38;
  const rules: Band[] = [];
  if (spec.crownMarginMm) rules.push(spec.crownMarginMm);
  if (spec.eyeLineFromBottomMm) {
    const [e1, e2] = spec.eyeLineFromBottomMm;
    rules.push([spec.heightMm - e2 - crownToEyeMm, spec.heightMm - e1 - crownToEyeMm]);
  }
  if (rules.length === 0) rules.push([free * 0.2, free * 0.5]);
  const withRules = (start: Band): Band | null => rules.reduce<Band | null>((acc, r) => (acc ? intersect(acc, r) : null), start);
  // MIN_TOP_MARGIN_MM above the crown where the rules leave room for it, else down to 0.
  const kept: Band | null = room[1] >= MIN_TOP_MARGIN_MM ? [MIN_TOP_MARGIN_MM, room[1]] : null;
  // Rules that leave no room at all (a spec's eye line too near the top for this head): the crown
  // at the room's nearest end (MIN_TOP_MARGIN_MM kept), never above the top edge or the chin past the bottom one.
  const inside = kept ?? room;
  const nearest = (b: Band): Band => (b[0] > inside[1] ? [inside[1], inside[1]] : [inside[0], inside[0]]);
  const band = (kept && withRules(kept)) ?? withRules(room) ?? intersect(room, rules[0]) ?? nearest(rules[0]);
  const hasOwnRule = spec.crownMarginMm !== undefined || spec.eyeLineFromBottomMm !== undefined;
  // With neither rule, the eyes a little above half-way up (52 %) where the band allows: ISO/IEC
  // 19794-5 puts them at 50–70 % of the height, which the passports that set no eye line of their
  // own follow (a tall head at 38 % of the free height put them at 45–49 %: AU, FR, IE, KR, NZ).
  if (!hasOwnRule) preferred = Math.min(preferred, spec.heightMm * 0.48 - crownToEyeMm);
  preferred = Math.min(band[1], Math.max(band[0], hasOwnRule ? bandMid(band) : preferred));
  return { band, preferred };
}

/** Output pixel -> aligned frame mapping: u = uCentre + (X − W/2)/k, v = crownV + (Y − topPx)/k. */
export interface Placement {
  /** Output px per aligned (work) px. */
  k: number;
  uCentre: number;
  crownV: number;
  /** Crown row in the output, px. */
  topPx: number;
  headMm: number;
  topMarginMm: number;
  /** The nudge as applied (mm), after the spec's bands clamped what was asked. */
  nudgeMm: { dx: number; dy: number };
}

/** Image coordinates (work px) of an output pixel centre. */
export function outputToImage(frame: AlignedFrame, placement: Placement, widthPx: number, X: number, Y: number): Point {
  const u = placement.uCentre + (X + 0.5 - widthPx / 2) / placement.k;
  const v = placement.crownV + (Y + 0.5 - placement.topPx) / placement.k;
  return fromAligned(frame, u, v);
}

/** Sides on which a placement would need pixels the photo does not have. */
export type Side = 'top' | 'bottom' | 'left' | 'right';

/** A side past which a placement reaches the person (the alpha at the nearest edge pixel): on how many grid points, how far past the edge at most and from which output row (px). */
export interface InventedSide {
  side: Side;
  count: number;
  depthPx: number;
  topY: number;
}

/** Grid points past a side (inventedSides) from which the side counts as invented: fewer are a stray strand, left to the background. */
export const INVENTED_MIN_COUNT = 3;

/**
 * Checks a placement on a coarse grid: output pixels that fall outside the photo are fine where
 * the person does not reach that edge (they are background, which is replaced anyway) and
 * "invented" where the alpha at the nearest edge pixel is person. Returns every side the person
 * is reached past, with how often, how far and from which row (a side is invented from
 * INVENTED_MIN_COUNT points).
 */
export function inventedSides(
  alpha: Float32Array,
  width: number,
  height: number,
  frame: AlignedFrame,
  placement: Placement,
  outW: number,
  outH: number,
  stepPx = 3,
): InventedSide[] {
  const counts: Record<Side, number> = { top: 0, bottom: 0, left: 0, right: 0 };
  const depths: Record<Side, number> = { top: 0, bottom: 0, left: 0, right: 0 };
  const tops: Record<Side, number> = { top: outH, bottom: outH, left: outH, right: outH };
  for (let Y = 0; Y < outH; Y += stepPx) {
    for (let X = 0; X < outW; X += stepPx) {
      const p = outputToImage(frame, placement, outW, X, Y);
      if (p.x >= -0.5 && p.y >= -0.5 && p.x <= width - 0.5 && p.y <= height - 0.5) continue;
      const cx = Math.min(width - 1, Math.max(0, Math.round(p.x)));
      const cy = Math.min(height - 1, Math.max(0, Math.round(p.y)));
      if (alpha[cy * width + cx] < 0.5) continue;
      const side: Side = p.y > height - 0.5 ? 'bottom' : p.y < -0.5 ? 'top' : p.x < -0.5 ? 'left' : 'right';
      counts[side]++;
      const past = Math.max(-0.5 - p.x, p.x - (width - 0.5), -0.5 - p.y, p.y - (height - 0.5));
      depths[side] = Math.max(depths[side], past * placement.k);
      tops[side] = Math.min(tops[side], Y);
    }
  }
  return (Object.keys(counts) as Side[]).filter((s) => counts[s] > 0).map((side) => ({ side, count: counts[side], depthPx: depths[side], topY: tops[side] }));
}

/**
 * How wide (px) the top edge of a picture cuts across what its matte holds between columns x0 and
 * x1: the runs of row 0 at least `minAlpha` opaque (the head's outline, by default) that reach into
 * that span, summed. Where the matte fades out at the border (scanCrown still counts hair above 0.1
 * there as cut), the line is faint: at a quarter, df_img45's and df_img12's faint grey tops (0 mm
 * of hair estimated missing) read 3.65 and 2.17 mm and failed.
 */
export function topEdgeCutWidth(alpha: Float32Array, width: number, x0: number, x1: number, minAlpha = 0.5): number {
  const from = Math.max(0, Math.floor(x0));
  const to = Math.min(width - 1, Math.ceil(x1));
  let total = 0;
  for (let x = 0; x < width; ) {
    if (alpha[x] < minAlpha) {
      x++;
      continue;
    }
    const start = x;
    while (x < width && alpha[x] >= minAlpha) x++;
    if (x - 1 >= from && start <= to) total += x - start;
  }
  return total;
}

/** How much of a head the top edge of the source cut off, estimated from the visible outline. */
export interface HiddenCrownEstimate {
  /** Estimated height of the missing part above the top row, px. */
  hiddenPx: number;
  /** Width of the head where the edge cuts it (row 0), px. */
  chordPx: number;
  /** Widest run of the head between the edge and `yLimit`, px, and its row. */
  widthPx: number;
  widestRow: number;
}

/** A least-squares line y = slope · x + intercept through points added one by one. */
export class LineFit {
  private n = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  add(x: number, y: number): void {
    this.n++;
    this.sx += x;
    this.sy += y;
    this.sxx += x * x;
    this.sxy += x * y;
  }

  get count(): number {
    return this.n;
  }

  /** The line, or null without two distinct x. */
  line(): { slope: number; intercept: number } | null {
    const den = this.n * this.sxx - this.sx * this.sx;
    if (den <= 0) return null;
    const slope = (this.n * this.sxy - this.sx * this.sy) / den;
    return { slope, intercept: (this.sy - slope * this.sx) / this.n };
  }
}

/** Width of the run of alpha ≥ 0.5 through column `cx` in row `y` (0 when that pixel is background). */
function runWidth(alpha: Float32Array, width: number, y: number, cx: number): number {
  const row = y * width;
  if (alpha[row + cx] < 0.5) return 0;
  let l = cx;
  let r = cx;
  while (l > 0 && alpha[row + l - 1] >= 0.5) l--;
  while (r < width - 1 && alpha[row + r + 1] >= 0.5) r++;
  return r - l + 1;
}

/**
 * Estimates the part of a head above the top edge of the image (row 0) from its outline just below
 * the edge. Near its top any rounded outline is locally a parabola, so the squared width of the
 * head grows linearly with depth: w(y)² ≈ α·(y + h). A least-squares line through w² over the rows
 * where the head is still narrower than `domeFraction` of its widest run (above `yLimit`, the eye
 * line) crosses zero at y = −h: the height of the missing part. Returns Infinity for hiddenPx when
 * the edge cuts the head too wide (or too few rows are usable) to extrapolate.
 */
export function estimateHiddenCrown(alpha: Float32Array, width: number, height: number, cx: number, yLimit: number, domeFraction = 0.7): HiddenCrownEstimate {
  const x = Math.min(width - 1, Math.max(0, Math.round(cx)));
  const last = Math.min(height - 1, Math.max(0, Math.floor(yLimit)));
  const widths: number[] = [];
  let widthPx = 0;
  let widestRow = 0;
  for (let y = 0; y <= last; y++) {
    const w = runWidth(alpha, width, y, x);
    widths.push(w);
    if (w > widthPx) {
      widthPx = w;
      widestRow = y;
    }
  }
  const chordPx = widths[0] ?? 0;
  const none = { hiddenPx: Number.POSITIVE_INFINITY, chordPx, widthPx, widestRow };
  if (widthPx === 0 || chordPx >= domeFraction * widthPx) return none;
  // Rows of the dome: from the edge down while the head stays under domeFraction of its width.
  const fit = new LineFit();
  for (let y = 0; y < widths.length && widths[y] < domeFraction * widthPx; y++) fit.add(y, widths[y] * widths[y]);
  const line = fit.count < 4 ? null : fit.line();
  if (!line) return none;
  const { slope, intercept } = line;
  if (!(slope > 0)) return none;
  return { hiddenPx: Math.max(0, intercept / slope), chordPx, widthPx, widestRow };
}
