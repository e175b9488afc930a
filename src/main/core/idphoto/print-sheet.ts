// Print sheets in millimetres: paper presets, auto-rotated grid/shelf packing of one or more
// photo sizes with gaps and cut marks, rendered to PNG/JPEG (sharp) or PDF (pdf-lib). Core.
import { degrees, PDFDocument, PrintScaling, rgb } from 'pdf-lib';
import sharp, { type OverlayOptions } from 'sharp';
import { AppError } from '../../../shared/errors';
import { MAX_SHEET_COPIES, PAPER_SIZES } from '../../../shared/idphoto-report';
import type { RgbaImage } from '../image/decode';
import { extensionText } from '../image/encode';
import { rewriteJpegHeader } from '../image/jpeg-header';
import { setPngDpi } from '../image/png-chunk';
import { ownValue } from '../../../shared/own';

/** The dpi a print sheet may have: 72 (a screen) to 1200 (a photo printer's most); more only costs memory (100000 dpi hung). */
export const SHEET_DPI_RANGE = { min: 72, max: 1200 } as const;

/** `dpi` when it is a whole number in SHEET_DPI_RANGE; INVALID_ARGUMENT otherwise. */
export function checkSheetDpi(dpi: unknown): number {
  if (typeof dpi !== 'number' || !Number.isInteger(dpi) || dpi < SHEET_DPI_RANGE.min || dpi > SHEET_DPI_RANGE.max) {
    throw new AppError('INVALID_ARGUMENT', `Print sheet dpi must be a whole number from ${SHEET_DPI_RANGE.min} to ${SHEET_DPI_RANGE.max}, got ${String(dpi)}`);
  }
  return dpi;
}

export { MAX_SHEET_COPIES, PAPER_SIZES };

/** The largest paper side taken (A0's long side is 1189 mm): a sheet is printed, not a poster. */
const MAX_PAPER_MM = 1200;

/**
 * Photo prints named in centimetres where they are sold so (9×13, 10×15, 13×18 …): written without a
 * unit, each would be read as something no one means (9x13 as inches, a 228.6 × 330.2 mm poster
 * made unsaid; 10x15 as mm, a stamp), so a unit is asked for.
 */
const CM_PRINTS: readonly (readonly [number, number])[] = [[9, 13], [10, 15], [13, 18], [15, 20], [15, 21], [18, 24], [20, 30], [24, 30], [30, 40], [30, 45]];

/** Photo prints named in inches where they are sold so (a lab's "4x6", "5x7"): without a unit, these are inches. */
const INCH_PRINTS: readonly (readonly [number, number])[] = [[2, 3], [3, 5], [3.5, 5], [4, 5], [4, 6], [5, 5], [5, 7], [6, 8], [8, 8], [8, 10], [8.5, 11], [11, 14], [12, 18]];

const isPrint = (list: readonly (readonly [number, number])[], w: number, h: number): boolean => list.some(([a, b]) => (w === a && h === b) || (w === b && h === a));

/**
 * Parses a paper name or a custom 'WxH': in mm, in cm or inches with "cm", "mm" or "in", or without
 * a unit in inches for a print sold in inches (INCH_PRINTS: a lab's "4x6", "5x7") and in mm when a
 * side is over 14 (no paper is 14 mm wide). Any other size without a unit is asked again with its
 * unit: a centimetre print's (CM_PRINTS; 9x13 was made as 9 × 13 inches), and one such as 10x10
 * (made as a 25 cm sheet where 10 cm was meant). INVALID_ARGUMENT otherwise.
 */
export function parsePaper(value: string): { widthMm: number; heightMm: number; marginMm?: number } {
  const v = value.trim().toLowerCase().replace(/\s+/g, '');
  const named = ownValue(PAPER_SIZES, v);
  if (named) return named;
  const m = /^(\d+(?:\.\d+)?)[x×](\d+(?:\.\d+)?)(mm|cm|in|")?$/.exec(v);
  if (m) {
    const [w, h] = [Number(m[1]), Number(m[2])];
    if (m[3] === undefined && isPrint(CM_PRINTS, w, h)) {
      throw new AppError('INVALID_ARGUMENT', `Paper "${value}" needs a unit: ${w}x${h}cm for the ${w} × ${h} cm print, ${w}x${h}in for inches`, { detail: { value } });
    }
    const isInchPrint = m[3] === undefined && isPrint(INCH_PRINTS, w, h);
    if (m[3] === undefined && !isInchPrint && w > 0 && h > 0 && w <= 14 && h <= 14) {
      throw new AppError('INVALID_ARGUMENT', `Paper "${value}" needs a unit: ${w}x${h}in, ${w}x${h}cm or ${w}x${h}mm (without one, only prints sold in inches such as 4x6 and 5x7 are read as inches, and sizes over 14 as mm)`, { detail: { value } });
    }
    const inches = m[3] === 'in' || m[3] === '"' || isInchPrint;
    const mmPer = inches ? 25.4 : m[3] === 'cm' ? 10 : 1;
    const paper = { widthMm: Math.round(w * mmPer * 100) / 100, heightMm: Math.round(h * mmPer * 100) / 100 };
    if (paper.widthMm > 0 && paper.heightMm > 0 && paper.widthMm <= MAX_PAPER_MM && paper.heightMm <= MAX_PAPER_MM) {
      // A named paper's size given as WxH (8.5x11 is Letter, 210x297 A4, either way round) keeps
      // its margin: it goes through the same office printer.
      const named = Object.values(PAPER_SIZES).find((n) => n.marginMm !== undefined && [[n.widthMm, n.heightMm], [n.heightMm, n.widthMm]].some(([a, b]) => Math.abs(a - paper.widthMm) <= 0.5 && Math.abs(b - paper.heightMm) <= 0.5));
      return named ? { ...paper, marginMm: named.marginMm } : paper;
    }
    // (A side of 0 was told of the 1200 mm most.)
    const why = paper.widthMm > 0 && paper.heightMm > 0 ? `a sheet's sides are up to ${MAX_PAPER_MM} mm` : 'a sheet has no side of 0';
    throw new AppError('INVALID_ARGUMENT', `Paper "${value}" is ${paper.widthMm}x${paper.heightMm} mm: ${why}`, { detail: { value } });
  }
  throw new AppError('INVALID_ARGUMENT', `Unknown paper "${value}": use ${Object.keys(PAPER_SIZES).join(', ')}, or WxH in mm (90x60), cm (9x13cm) or inches (4x6, 5x7in)`, { detail: { value } });
}

/** One photo size to place on the sheet, with how many copies (0 = as many as fit). */
export interface SheetItem {
  widthMm: number;
  heightMm: number;
  copies: number;
  /** Index into the images passed to the renderer. */
  imageIndex: number;
}

/** A placed photo, in mm from the sheet's top-left corner. */
export interface PlacedPhoto {
  imageIndex: number;
  xMm: number;
  yMm: number;
  widthMm: number;
  heightMm: number;
  /** Rotated by 90 degrees on the sheet. */
  isRotated: boolean;
}

/** A computed sheet layout. */
export interface SheetLayout {
  widthMm: number;
  heightMm: number;
  photos: PlacedPhoto[];
}

/** Options of layoutSheet. */
export interface SheetOptions {
  /** The paper, with its own margin when it has one (PAPER_SIZES). */
  paper: { widthMm: number; heightMm: number; marginMm?: number };
  /**
   * Gap between photos (cut marks sit in it), kept within 2–3 mm. Default: 3, 2.5 or 2 mm,
   * whichever fits the most photos (the wider on a tie): a 6-inch sheet holds 8 ICAO photos with
   * 2 mm gaps where 2.5 mm fits 6.
   */
  gapMm?: number;
  /** Unprintable margin at the paper edges; default the paper's, else 3 mm. */
  marginMm?: number;
}

/**
 * The most pixels a raster sheet has: sharp's own limit on a picture it reads (16383²). An A1
 * sheet at 600 dpi (279 Mpx) was made with the photo, then failed as INTERNAL; A4 at 1200 dpi is 139.
 */
export const MAX_SHEET_PIXELS = 0x3fff * 0x3fff;

/**
 * Checks a print sheet of one photo size before any photo is made, and lays it out: the paper,
 * the dpi and the raster's size (not for a PDF, which has no pixels of its own), the copies, and
 * that the photo fits (INVALID_ARGUMENT for each). The CLI, a batch and the app's job all call it
 * first: each had made (and written) the photo before one of these refused its sheet.
 */
export function checkPhotoSheet(
  photo: { widthMm: number; heightMm: number },
  sheet: { paper: string | SheetOptions['paper']; dpi?: number; copies?: number; format: 'png' | 'jpeg' | 'pdf' },
): SheetLayout {
  const paper = typeof sheet.paper === 'string' ? parsePaper(sheet.paper) : sheet.paper;
  if (sheet.format !== 'pdf') {
    const dpi = checkSheetDpi(sheet.dpi);
    const pixels = Math.round((paper.widthMm * dpi) / 25.4) * Math.round((paper.heightMm * dpi) / 25.4);
    if (pixels > MAX_SHEET_PIXELS) {
      const most = Math.floor(Math.sqrt(MAX_SHEET_PIXELS / (paper.widthMm * paper.heightMm)) * 25.4);
      throw new AppError('INVALID_ARGUMENT', `A ${paper.widthMm}x${paper.heightMm} mm sheet at ${dpi} dpi would be ${Math.round(pixels / 1e6)} megapixels, more than ${Math.floor(MAX_SHEET_PIXELS / 1e6)}: at most ${most} dpi on this paper, or a PDF sheet`, { detail: { dpi, paper } });
    }
  }
  return layoutPhotoSheet(photo, { paper, copies: sheet.copies });
}

/** The sheet of one ID photo size on a paper (a name, or parsed), as many copies as fit (or `copies`). */
export function layoutPhotoSheet(photo: { widthMm: number; heightMm: number }, sheet: { paper: string | SheetOptions['paper']; copies?: number }): SheetLayout {
  const paper = typeof sheet.paper === 'string' ? parsePaper(sheet.paper) : sheet.paper;
  return layoutSheet([{ widthMm: photo.widthMm, heightMm: photo.heightMm, copies: sheet.copies ?? 0, imageIndex: 0 }], { paper });
}

/**
 * The sheet of one photo size shared by `people` photos (several portraits on one print): each gets
 * the same number of copies, `copies` (0: as many as fit, shared evenly), fewer when they do not
 * all fit, in reading order (photo k is person floor(k / each)). When more people are asked for
 * than photos fit, the first `people` of the result are on it.
 */
export function layoutSharedSheet(photo: { widthMm: number; heightMm: number }, people: number, copies: number, paper: SheetOptions['paper']): { layout: SheetLayout; each: number; people: number } {
  const capacity = layoutSheet([{ ...photo, copies: 0, imageIndex: 0 }], { paper }).photos.length;
  const onSheet = Math.max(1, Math.min(people, capacity));
  // At most MAX_SHEET_COPIES in all (a 1 m sheet holds 968 CN 1-inch photos: it failed on "copies", never asked for).
  const fairShare = Math.floor(Math.min(capacity, MAX_SHEET_COPIES) / onSheet);
  const each = copies > 0 ? Math.min(copies, fairShare) : fairShare;
  const layout = layoutSheet([{ ...photo, copies: each * onSheet, imageIndex: 0 }], { paper });
  sharePhotos(layout.photos, each);
  return { layout, each, people: onSheet };
}

/**
 * Gives `each` photos in turn to each person (imageIndex 0, 1, …): along the rows, or down the
 * columns where that leaves more people's copies a block one straight cut frees (3 people × 4 on a
 * grid 3 wide: a column each, where along the rows a person's fourth began the next row).
 */
function sharePhotos(photos: PlacedPhoto[], each: number): void {
  const key = (mm: number) => Math.round(mm * 100);
  const xs = [...new Set(photos.map((p) => key(p.xMm)))].sort((a, b) => a - b);
  const ys = [...new Set(photos.map((p) => key(p.yMm)))].sort((a, b) => a - b);
  const cell = (p: PlacedPhoto) => [xs.indexOf(key(p.xMm)), ys.indexOf(key(p.yMm))] as const;
  /** How many people's copies form a whole rectangle of the grid, shared in this order. */
  const blocks = (order: PlacedPhoto[]): number => {
    let n = 0;
    for (let start = 0; start < order.length; start += each) {
      const cells = order.slice(start, start + each).map(cell);
      const [cols, rows] = [0, 1].map((i) => cells.map((c) => c[i]));
      const area = (Math.max(...cols) - Math.min(...cols) + 1) * (Math.max(...rows) - Math.min(...rows) + 1);
      if (area === cells.length) n++;
    }
    return n;
  };
  const alongRows = [...photos];
  // Down the columns only on a whole grid of one orientation (a sheet that turns part way has no columns).
  const isGrid = new Set(photos.map((p) => p.isRotated)).size === 1 && photos.length === xs.length * ys.length;
  const downColumns = isGrid ? [...photos].sort((a, b) => key(a.xMm) - key(b.xMm) || key(a.yMm) - key(b.yMm)) : alongRows;
  const order = blocks(downColumns) > blocks(alongRows) ? downColumns : alongRows;
  order.forEach((placed, k) => (placed.imageIndex = Math.floor(k / each)));
}

/**
 * Packs items on the paper in shelves (rows), centred both ways, trying portrait and landscape
 * paper and upright or rotated photos per item, and keeps the orientation that fits the most photos. INVALID_ARGUMENT
 * when not even one photo fits.
 */
export function layoutSheet(items: SheetItem[], options: SheetOptions): SheetLayout {
  // Copies come from the app and its API as well as the CLI: 2.5 placed a third photo off the
  // middle, and -3 or NaN filled the sheet unsaid.
  for (const { copies } of items) {
    if (!Number.isInteger(copies) || copies < 0 || copies > MAX_SHEET_COPIES) throw new AppError('INVALID_ARGUMENT', `copies must be a whole number from 0 (as many as fit) to ${MAX_SHEET_COPIES}, got ${copies}`, { detail: { copies } });
  }
  const gaps = options.gapMm === undefined ? [3, 2.5, 2] : [Math.min(3, Math.max(2, options.gapMm))];
  const margin = options.marginMm ?? options.paper.marginMm ?? 3;
  let best: SheetLayout | null = null;
  for (const gap of gaps) {
    const layout = layoutWithGap(items, options.paper, gap, margin);
    if (!best || layout.photos.length > best.photos.length) best = layout;
  }
  if (best!.photos.length === 0 && items.length > 0) {
    const { widthMm, heightMm } = items[0];
    throw new AppError('INVALID_ARGUMENT', `A ${widthMm}x${heightMm} mm photo does not fit on ${options.paper.widthMm}x${options.paper.heightMm} mm paper (${margin} mm margins): pick a larger paper`);
  }
  return best!;
}

/**
 * layoutSheet at one gap: the fullest of portrait / landscape paper and upright / rotated photos.
 * One photo size may also turn part way down the sheet: rows one way, then rows the other way in
 * what is left below them (a CN 2-inch 6-inch sheet holds 4 upright and 2 sideways where either
 * way alone holds 4; CN 1-inch on A4 54 against 50). Of sheets that hold as many, sheetRank decides.
 */
function layoutWithGap(items: SheetItem[], paper: SheetOptions['paper'], gap: number, margin: number): SheetLayout {
  let best: { layout: SheetLayout; rank: number[] } | null = null;
  for (const landscape of [false, true]) {
    const W = landscape ? paper.heightMm : paper.widthMm;
    const H = landscape ? paper.widthMm : paper.heightMm;
    for (const isFirstRotated of [false, true]) {
      // The rows of the first way before the turn: every count for one size, all of them for several.
      const most = items.length === 1 ? Math.max(0, Math.floor((H - 2 * margin + gap) / ((isFirstRotated ? items[0].widthMm : items[0].heightMm) + gap))) : Infinity;
      for (let turnAt = most; turnAt >= 0; turnAt--) {
        const layout = shelves(items, W, H, gap, margin, (row) => (row < turnAt ? isFirstRotated : !isFirstRotated));
        const rank = sheetRank(layout);
        if (!best || isRankedAbove(rank, best.rank)) best = { layout, rank };
        if (items.length !== 1) break;
      }
    }
  }
  return best!.layout;
}

/**
 * How good a sheet is, compared in order: the most photos; of those that hold as many, one turned one
 * way only, then one whose rows hold as many each, then the fewest photos lying on their side (8
 * copies asked for: 4 + 4 upright across landscape paper, where 3 + 3 + 2 down portrait paper came
 * first, and 2 + 2 + 2 + 2 lying down portrait paper held as many).
 */
function sheetRank(layout: SheetLayout): number[] {
  const perRow = new Map<number, number>();
  for (const p of layout.photos) {
    const row = Math.round(p.yMm * 100);
    perRow.set(row, (perRow.get(row) ?? 0) + 1);
  }
  const rotated = layout.photos.filter((p) => p.isRotated).length;
  const isMixed = rotated > 0 && rotated < layout.photos.length;
  return [layout.photos.length, isMixed ? 0 : 1, new Set(perRow.values()).size <= 1 ? 1 : 0, -rotated];
}

/** Whether rank `a` is above `b` (the first place they differ decides; equal is not above). */
function isRankedAbove(a: readonly number[], b: readonly number[]): boolean {
  const at = a.findIndex((v, i) => v !== b[i]);
  return at >= 0 && a[at] > b[at];
}

/** Rows of photos down a W x H mm sheet, item after item, each row turned as `isRowRotated` says, centred both ways. */
function shelves(items: SheetItem[], W: number, H: number, gap: number, margin: number, isRowRotated: (row: number) => boolean): SheetLayout {
  const photos: PlacedPhoto[] = [];
  let y = margin;
  let row = 0;
  for (const item of items) {
    let placed = 0;
    const want = item.copies > 0 ? item.copies : Infinity;
    while (placed < want) {
      const rot = isRowRotated(row);
      const w = rot ? item.heightMm : item.widthMm;
      const h = rot ? item.widthMm : item.heightMm;
      const perRow = Math.floor((W - 2 * margin + gap) / (w + gap));
      if (perRow < 1 || y + h > H - margin + 1e-9) break;
      // The copies asked for shared evenly over the rows they need (8 where 5 fit across: 4 + 4, not 5 + 3).
      const inRow = want === Infinity ? perRow : Math.ceil((want - placed) / Math.ceil((want - placed) / perRow));
      const rowW = inRow * w + (inRow - 1) * gap;
      const x0 = (W - rowW) / 2;
      for (let i = 0; i < inRow; i++) photos.push({ imageIndex: item.imageIndex, xMm: x0 + i * (w + gap), yMm: y, widthMm: w, heightMm: h, isRotated: rot });
      placed += inRow;
      y += h + gap;
      row++;
    }
  }
  // The rows are centred on the paper, as a photo lab prints them (not stacked from the top).
  const bottom = Math.max(0, ...photos.map((ph) => ph.yMm + ph.heightMm));
  const shift = photos.length > 0 ? (H - margin - bottom) / 2 : 0;
  for (const ph of photos) ph.yMm += shift;
  return { widthMm: W, heightMm: H, photos };
}

/** Cut-mark segments (mm) at each photo corner, drawn outward into the gaps. */
export function cutMarks(layout: SheetLayout, lengthMm = 1.2): Array<[number, number, number, number]> {
  const lines: Array<[number, number, number, number]> = [];
  for (const p of layout.photos) {
    for (const [cx, cy, sx, sy] of [
      [p.xMm, p.yMm, -1, -1],
      [p.xMm + p.widthMm, p.yMm, 1, -1],
      [p.xMm, p.yMm + p.heightMm, -1, 1],
      [p.xMm + p.widthMm, p.yMm + p.heightMm, 1, 1],
    ] as const) {
      lines.push([cx + sx * 0.3, cy, cx + sx * (0.3 + lengthMm), cy]);
      lines.push([cx, cy + sy * 0.3, cx, cy + sy * (0.3 + lengthMm)]);
    }
  }
  return lines;
}

async function photoPng(image: RgbaImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
}

/** Renders a layout to a raster sheet at `dpi` (PNG or JPEG, density written, no EXIF). */
export async function renderSheetRaster(layout: SheetLayout, images: RgbaImage[], dpi: number, format: 'png' | 'jpeg'): Promise<Uint8Array> {
  checkSheetDpi(dpi);
  const pxPerMm = dpi / 25.4;
  const W = Math.round(layout.widthMm * pxPerMm);
  const H = Math.round(layout.heightMm * pxPerMm);
  const composites: OverlayOptions[] = [];
  const cache = new Map<string, Buffer>();
  for (const p of layout.photos) {
    const img = images[p.imageIndex];
    const [ownW, ownH] = p.isRotated ? [img.height, img.width] : [img.width, img.height];
    // Every copy the same size, wherever it falls (the size went by the rounded edges, so copies
    // were 295 or 296 px wide); a photo made at this dpi is placed at its own pixels (within a
    // pixel of its size in mm, 0.085 mm at 300 dpi), not resampled by one pixel and blurred.
    let w = Math.round(p.widthMm * pxPerMm);
    let h = Math.round(p.heightMm * pxPerMm);
    if (Math.abs(w - ownW) <= 1 && Math.abs(h - ownH) <= 1) [w, h] = [ownW, ownH];
    const key = `${p.imageIndex}|${w}|${h}|${p.isRotated}`;
    let buf = cache.get(key);
    if (!buf) {
      let pipe = sharp(await photoPng(img));
      if (p.isRotated) pipe = pipe.rotate(90);
      // (sharp turns before it resizes: w and h are the turned photo's.)
      if (w !== ownW || h !== ownH) pipe = pipe.resize(w, h, { fit: 'fill', kernel: 'lanczos3' });
      buf = await pipe.png().toBuffer();
      cache.set(key, buf);
    }
    composites.push({ input: buf, left: Math.round(p.xMm * pxPerMm), top: Math.round(p.yMm * pxPerMm) });
  }
  const lineW = Math.max(1, Math.round(0.15 * pxPerMm));
  for (const [x1, y1, x2, y2] of cutMarks(layout)) {
    const left = Math.round(Math.min(x1, x2) * pxPerMm);
    const top = Math.round(Math.min(y1, y2) * pxPerMm);
    const w = Math.max(lineW, Math.round(Math.abs(x2 - x1) * pxPerMm));
    const h = Math.max(lineW, Math.round(Math.abs(y2 - y1) * pxPerMm));
    if (left < 0 || top < 0 || left + w > W || top + h > H) continue;
    composites.push({ input: { create: { width: w, height: h, channels: 4, background: '#000000ff' } }, left, top });
  }
  // Opaque RGB: paper has no transparency, and a composite of RGBA photos would keep an alpha channel.
  // (sharp composites last in a pipeline, so the alpha goes in a second one.)
  const { data, info } = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } }).composite(composites).raw().toBuffer({ resolveWithObject: true });
  const base = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).removeAlpha();
  if (format === 'png') return setPngDpi(new Uint8Array(await base.png().toBuffer()), dpi);
  return rewriteJpegHeader(new Uint8Array(await base.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer()), dpi);
}

/** Renders a layout to a one-page PDF (sizes in points = mm·72/25.4) with pdf-lib. */
export async function renderSheetPdf(layout: SheetLayout, images: RgbaImage[]): Promise<Uint8Array> {
  const pt = 72 / 25.4;
  const doc = await PDFDocument.create();
  doc.setProducer('Cutout Studio');
  doc.setCreator('Cutout Studio');
  // Printed at actual size: a viewer's "fit to page" would shrink every photo off its spec.
  doc.catalog.getOrCreateViewerPreferences().setPrintScaling(PrintScaling.None);
  const page = doc.addPage([layout.widthMm * pt, layout.heightMm * pt]);
  const embedded = await Promise.all(
    images.map(async (img) => doc.embedJpg(await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } }).flatten({ background: '#ffffff' }).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer())),
  );
  const H = layout.heightMm;
  for (const p of layout.photos) {
    const img = embedded[p.imageIndex];
    // PDF y runs upwards; a rotated photo is turned a quarter clockwise (its head to the right, as
    // on a raster sheet) about its top-left corner, the placed box's top-left.
    if (p.isRotated) {
      page.drawImage(img, { x: p.xMm * pt, y: (H - p.yMm) * pt, width: p.heightMm * pt, height: p.widthMm * pt, rotate: degrees(-90) });
    } else {
      page.drawImage(img, { x: p.xMm * pt, y: (H - p.yMm - p.heightMm) * pt, width: p.widthMm * pt, height: p.heightMm * pt });
    }
  }
  for (const [x1, y1, x2, y2] of cutMarks(layout)) {
    page.drawLine({ start: { x: x1 * pt, y: (H - y1) * pt }, end: { x: x2 * pt, y: (H - y2) * pt }, thickness: 0.4, color: rgb(0, 0, 0) });
  }
  return doc.save();
}

/** `output` when it names a file type a sheet is written as (.png, .jpg, .jpeg, .pdf); INVALID_ARGUMENT otherwise (a .tiff was written as PNG bytes). */
export function checkSheetOutput(output: string): string {
  if (!/\.(png|jpe?g|pdf)$/i.test(output)) {
    const ext = /\.[^./\\]+$/.exec(output)?.[0] ?? '';
    throw new AppError('INVALID_ARGUMENT', `Cannot write a print sheet as ${extensionText(output, ext)}: use .png, .jpg or .pdf (${output})`, { detail: { path: output } });
  }
  return output;
}

/** The kind of file a sheet path is written as (checkSheetOutput has checked its extension). */
export function sheetFormatOf(output: string): 'png' | 'jpeg' | 'pdf' {
  return /\.pdf$/i.test(output) ? 'pdf' : /\.jpe?g$/i.test(output) ? 'jpeg' : 'png';
}

/** Where the sheet of a photo goes (shared with the app's Batch rows, which name it). */
export { sheetPathOf } from '../../../shared/idphoto-report';
