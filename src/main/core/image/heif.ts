// HEIC pictures (what iPhones and many Android phones save): the HEIF container is read here, its
// HEVC-coded images are decoded by ffmpeg, a grid's tiles are put together and the picture's crop,
// rotation and mirror applied. sharp's prebuilt libvips reads HEIF's AV1 kind (AVIF) alone, and
// ffmpeg before 7 decodes HEVC but not the HEIF container, so the two are joined here.
// ISO/IEC 23008-12 (HEIF) on ISO/IEC 14496-12 boxes. Core (no electron).
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { ffmpegToDecode, lastLines, runTool } from '../video/ffmpeg';

/** A decoded HEIC: 8-bit RGB, or RGBA when it has an alpha plane; oriented as it is to be shown. */
export interface HeifPicture {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
  /** The ICC profile the colours are in (an iPhone's Display P3), absent for sRGB / unsaid. */
  icc?: Uint8Array;
  /** Its colour was coded at a lower resolution than its brightness (4:2:0 or 4:2:2). */
  isColourSubsampled: boolean;
}

/** One box: its four-letter type and where its content lies in the file. */
interface Box {
  type: string;
  start: number;
  end: number;
}

/** An item of the file: its kind, where its data is, its properties (in the order ipma lists them) and what it is made of. */
interface Item {
  id: number;
  type: string;
  /** Where its data is: offsets in the file (construction method 0) or in the meta's idat (1). */
  extents: { offset: number; length: number }[];
  inIdat: boolean;
  properties: Box[];
  /** Types of the properties it marks essential (a reader must understand them to show it). */
  essential: string[];
  /** The items it is made of (a grid's tiles, row by row). */
  dimg: number[];
}

/** Brands of HEIF files whose pictures are HEVC-coded. */
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/**
 * Whether the bytes are a HEIF file whose pictures may be HEVC: its ftyp names a HEVC brand, or
 * HEIF's own (mif1, msf1) and no AVIF one.
 */
export function isHeicFile(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || fourcc(bytes, 4) !== 'ftyp') return false;
  const size = Math.min(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0), bytes.length);
  const brands: string[] = [];
  for (let p = 8; p + 4 <= size; p += 4) if (p !== 12) brands.push(fourcc(bytes, p));
  return brands.some((b) => HEVC_BRANDS.has(b)) || (brands.some((b) => b === 'mif1' || b === 'msf1') && !brands.some((b) => b === 'avif' || b === 'avis'));
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** A HEIC whose structure is broken: said as a damaged picture. */
function damaged(name: string, why: string): AppError {
  return new AppError('INPUT_UNSUPPORTED', `${name} could not be decoded: it is corrupt or truncated (${why})`, { detail: { path: name, damaged: true } });
}

/** A HEIC using a part of HEIF this reader does not take (an overlay, a protected item, ...). */
function notRead(name: string, why: string): AppError {
  return new AppError('INPUT_UNSUPPORTED', `${name} is a HEIC picture this app cannot read (${why}): save it as JPEG or PNG first`, {
    detail: { path: name, formatNotRead: true, format: 'HEIC' },
  });
}

/** The HEIF structure of a file: its items, the primary one, and the meta's idat. */
class HeifFile {
  readonly items = new Map<number, Item>();
  primary = 0;
  idat: Box | null = null;
  /** Alpha planes by the item they belong to (auxl references with an alpha auxC). */
  readonly alphaOf = new Map<number, number>();
  /** Items whose colours are premultiplied by their alpha (prem references). */
  readonly premultiplied = new Set<number>();
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // The top level is read up to its meta box: what follows the boxes (a camera's trailer) is not looked at.
    const meta = this.children(0, bytes.length, 'meta').find((b) => b.type === 'meta');
    if (!meta) throw damaged(name, 'no meta box');
    // meta is a full box: version and flags first.
    const parts = this.children(meta.start + 4, meta.end);
    const get = (type: string) => parts.find((b) => b.type === type);
    const hdlr = get('hdlr');
    if (!hdlr || fourcc(bytes, hdlr.start + 8) !== 'pict') throw damaged(name, 'not a picture (hdlr)');
    this.idat = get('idat') ?? null;
    const pitm = get('pitm');
    if (!pitm) throw damaged(name, 'no primary item');
    this.primary = bytes[pitm.start] === 0 ? this.u16(pitm.start + 4) : this.u32(pitm.start + 4);
    this.readItemInfo(get('iinf'));
    this.readLocations(get('iloc'));
    const iprp = get('iprp');
    if (iprp) this.readProperties(iprp);
    const iref = get('iref');
    if (iref) this.readReferences(iref);
    if (!this.items.has(this.primary)) throw damaged(name, `primary item ${this.primary} is not listed`);
  }

  u8(at: number): number {
    return this.check(at, 1) && this.bytes[at];
  }
  u16(at: number): number {
    return this.check(at, 2) && this.view.getUint16(at);
  }
  u32(at: number): number {
    return this.check(at, 4) && this.view.getUint32(at);
  }
  /** An unsigned field of 0, 4 or 8 bytes (iloc's sizes). */
  uN(at: number, size: number): number {
    if (size === 0) return 0;
    if (size === 4) return this.u32(at);
    if (size === 8) return this.check(at, 8) && Number(this.view.getBigUint64(at));
    throw damaged(this.name, `field of ${size} bytes`);
  }
  private check(at: number, size: number): number {
    if (at < 0 || at + size > this.bytes.length) throw damaged(this.name, 'it ends inside a box');
    return 1;
  }

  /** The boxes between two offsets (up to the first of type `until`, when given). */
  children(start: number, end: number, until?: string): Box[] {
    const out: Box[] = [];
    for (let p = start; p + 8 <= end && (until === undefined || out.at(-1)?.type !== until); ) {
      let size = this.u32(p);
      let header = 8;
      if (size === 1) {
        size = this.uN(p + 8, 8);
        header = 16;
      } else if (size === 0) {
        size = end - p;
      }
      if (size < header || p + size > end) throw damaged(this.name, `box ${fourcc(this.bytes, p + 4)} runs past its end`);
      out.push({ type: fourcc(this.bytes, p + 4), start: p + header, end: p + size });
      p += size;
    }
    return out;
  }

  private readItemInfo(iinf: Box | undefined): void {
    if (!iinf) throw damaged(this.name, 'no item list');
    const version = this.u8(iinf.start);
    const first = iinf.start + 4 + (version === 0 ? 2 : 4);
    for (const infe of this.children(first, iinf.end)) {
      if (infe.type !== 'infe') continue;
      const v = this.u8(infe.start);
      if (v < 2) continue; // item infos without an item type (old, for files' metadata)
      const id = v === 2 ? this.u16(infe.start + 4) : this.u32(infe.start + 4);
      const at = infe.start + (v === 2 ? 6 : 8);
      const protectedItem = this.u16(at) !== 0;
      const type = protectedItem ? 'protected' : fourcc(this.bytes, at + 2);
      this.items.set(id, { id, type, extents: [], inIdat: false, properties: [], essential: [], dimg: [] });
    }
  }

  private readLocations(iloc: Box | undefined): void {
    if (!iloc) throw damaged(this.name, 'no item locations');
    const version = this.u8(iloc.start);
    let p = iloc.start + 4;
    const sizes = this.u8(p);
    const sizes2 = this.u8(p + 1);
    const offsetSize = sizes >> 4;
    const lengthSize = sizes & 15;
    const baseSize = sizes2 >> 4;
    const indexSize = version > 0 ? sizes2 & 15 : 0;
    p += 2;
    const count = version < 2 ? this.u16(p) : this.u32(p);
    p += version < 2 ? 2 : 4;
    for (let i = 0; i < count; i++) {
      const id = version < 2 ? this.u16(p) : this.u32(p);
      p += version < 2 ? 2 : 4;
      let method = 0;
      if (version > 0) {
        method = this.u16(p) & 15;
        p += 2;
      }
      p += 2; // data reference index: this file
      const base = this.uN(p, baseSize);
      p += baseSize;
      const extents = this.u16(p);
      p += 2;
      const list: { offset: number; length: number }[] = [];
      for (let e = 0; e < extents; e++) {
        p += indexSize;
        const offset = this.uN(p, offsetSize);
        p += offsetSize;
        const length = this.uN(p, lengthSize);
        p += lengthSize;
        list.push({ offset: base + offset, length });
      }
      const item = this.items.get(id);
      if (!item) continue;
      if (method > 1) item.type = 'item-offset'; // construction method 2 (data inside another item): not read
      item.inIdat = method === 1;
      item.extents = list;
    }
  }

  private readProperties(iprp: Box): void {
    const parts = this.children(iprp.start, iprp.end);
    const ipco = parts.find((b) => b.type === 'ipco');
    if (!ipco) return;
    const properties = this.children(ipco.start, ipco.end);
    for (const ipma of parts.filter((b) => b.type === 'ipma')) {
      const version = this.u8(ipma.start);
      const wide = (this.u8(ipma.start + 3) & 1) === 1;
      let p = ipma.start + 4;
      const count = this.u32(p);
      p += 4;
      for (let i = 0; i < count; i++) {
        const id = version < 1 ? this.u16(p) : this.u32(p);
        p += version < 1 ? 2 : 4;
        const n = this.u8(p++);
        const item = this.items.get(id);
        for (let a = 0; a < n; a++) {
          const value = wide ? this.u16(p) : this.u8(p);
          const index = wide ? value & 0x7fff : value & 0x7f;
          p += wide ? 2 : 1;
          if (index > 0 && index <= properties.length && item) {
            item.properties.push(properties[index - 1]);
            if (value >> (wide ? 15 : 7)) item.essential.push(properties[index - 1].type);
          }
        }
      }
    }
  }

  private readReferences(iref: Box): void {
    const version = this.u8(iref.start);
    const size = version === 0 ? 2 : 4;
    const read = (at: number) => (size === 2 ? this.u16(at) : this.u32(at));
    for (const ref of this.children(iref.start + 4, iref.end)) {
      const from = read(ref.start);
      const count = this.u16(ref.start + size);
      const to: number[] = [];
      for (let i = 0; i < count; i++) to.push(read(ref.start + size + 2 + i * size));
      if (ref.type === 'dimg' && this.items.has(from)) this.items.get(from)!.dimg = to;
      if (ref.type === 'auxl' && this.items.has(from) && this.isAlpha(this.items.get(from)!)) for (const master of to) this.alphaOf.set(master, from);
      if (ref.type === 'prem') this.premultiplied.add(from);
    }
  }

  /** Whether an auxiliary item is an alpha plane (its auxC says so). */
  private isAlpha(item: Item): boolean {
    const auxC = item.properties.find((b) => b.type === 'auxC');
    if (!auxC) return false;
    const urn = new TextDecoder().decode(this.bytes.subarray(auxC.start + 4, auxC.end)).replace(/\0.*$/s, '');
    return urn === 'urn:mpeg:hevc:2015:auxid:1' || urn === 'urn:mpeg:mpegB:cicp:systems:auxiliary:alpha';
  }

  property(item: Item, type: string): Box | undefined {
    return item.properties.find((b) => b.type === type);
  }

  /** An item's data, its extents joined. */
  data(item: Item): Uint8Array {
    const base = item.inIdat ? (this.idat?.start ?? -1) : 0;
    const limit = item.inIdat ? (this.idat?.end ?? -1) : this.bytes.length;
    if (base < 0) throw damaged(this.name, `item ${item.id} is in a missing idat`);
    const parts = item.extents.map(({ offset, length }) => {
      const start = base + offset;
      const end = length === 0 ? limit : start + length;
      if (end > limit) throw damaged(this.name, `item ${item.id} runs past the end of the file`);
      return this.bytes.subarray(start, end);
    });
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** An item's coded size (ispe). */
  size(item: Item): { width: number; height: number } {
    const ispe = this.property(item, 'ispe');
    if (!ispe) throw damaged(this.name, `item ${item.id} has no size`);
    return { width: this.u32(ispe.start + 4), height: this.u32(ispe.start + 8) };
  }
}

/** A plane of pixels being put together: 3 channels (RGB) or 1 (an alpha plane). */
interface Plane {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * How ffmpeg is to turn YCbCr into RGB: from the first colr nclx of `items` (the picture's own, then
 * its tile's), else what the HEVC stream says.
 */
function colourArgs(file: HeifFile, items: Item[]): { range: string; matrix: string } {
  const colr = items.flatMap((item) => item.properties).find((b) => b.type === 'colr' && fourcc(file.bytes, b.start) === 'nclx');
  if (!colr) return { range: 'auto', matrix: 'auto' };
  const matrix = file.u16(colr.start + 8);
  const full = (file.u8(colr.start + 10) & 0x80) !== 0;
  const names: Record<number, string> = { 1: 'bt709', 4: 'fcc', 5: 'bt470', 6: 'smpte170m', 7: 'smpte240m', 9: 'bt2020', 10: 'bt2020' };
  return { range: full ? 'full' : 'limited', matrix: names[matrix] ?? 'auto' };
}

/** The HEVC decoder configuration of an item (hvcC): its parameter sets and NAL length size. */
function hevcConfig(file: HeifFile, item: Item): { parameterSets: Uint8Array[]; lengthSize: number; chromaFormat: number } {
  const hvcC = file.property(item, 'hvcC');
  if (!hvcC) throw damaged(file.name, `item ${item.id} has no HEVC configuration`);
  const chromaFormat = file.u8(hvcC.start + 16) & 3;
  const lengthSize = (file.u8(hvcC.start + 21) & 3) + 1;
  const arrays = file.u8(hvcC.start + 22);
  const parameterSets: Uint8Array[] = [];
  let p = hvcC.start + 23;
  for (let a = 0; a < arrays; a++) {
    const count = file.u16(p + 1);
    p += 3;
    for (let n = 0; n < count; n++) {
      const length = file.u16(p);
      if (p + 2 + length > hvcC.end) throw damaged(file.name, 'HEVC configuration runs past its box');
      parameterSets.push(file.bytes.subarray(p + 2, p + 2 + length));
      p += 2 + length;
    }
  }
  return { parameterSets, lengthSize, chromaFormat };
}

const START_CODE = new Uint8Array([0, 0, 0, 1]);

/** An hvc1 item as an HEVC Annex B access unit: its parameter sets, then its NAL units, each after a start code. */
function annexB(file: HeifFile, item: Item, config: ReturnType<typeof hevcConfig>): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const nal of config.parameterSets) out.push(START_CODE, nal);
  const data = file.data(item);
  for (let p = 0; p < data.length; ) {
    let length = 0;
    for (let i = 0; i < config.lengthSize; i++) length = length * 256 + (data[p + i] ?? 0);
    p += config.lengthSize;
    if (length === 0 || p + length > data.length) throw damaged(file.name, `item ${item.id}'s picture data is cut short`);
    out.push(START_CODE, data.subarray(p, p + length));
    p += length;
  }
  return out;
}

/**
 * Decodes hvc1 items of one size with one ffmpeg run (a grid's tiles), each to RGB (3 channels) or
 * its brightness alone (1: an alpha plane), in the items' order.
 */
async function decodeHevc(file: HeifFile, tiles: Item[], channels: 1 | 3, how: Decoding & { colourFrom: Item }): Promise<{ planes: Uint8Array[]; width: number; height: number; chromaFormat: number }> {
  const { width, height } = file.size(tiles[0]);
  // What the tiles say they are, bounded before anything is decoded: a grid's tiles cover its size
  // and a little past it, never twice over (a small file naming one big tile 255 times is refused).
  if (!width || !height || width * height * tiles.length > how.maxPixels * 2) throw damaged(file.name, `${tiles.length} tiles of ${width}x${height} are more than its size`);
  const parts: Uint8Array[] = [];
  let chromaFormat = 1;
  for (const tile of tiles) {
    if (tile.type !== 'hvc1') throw notRead(file.name, `a ${tile.type} tile`);
    const config = hevcConfig(file, tile);
    chromaFormat = config.chromaFormat;
    parts.push(...annexB(file, tile, config));
  }
  const stream = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const part of parts) {
    stream.set(part, at);
    at += part.length;
  }
  const { range, matrix } = colourArgs(file, [how.colourFrom, tiles[0]]);
  const ffmpeg = ffmpegToDecode(file.name, 'HEIC');
  // Chroma taken as libheif takes it (nearest sample): its decode of a file is matched pixel for
  // pixel, and on pictures libheif coded it comes closer to the source than bicubic (mean 0.49 vs 1.04
  // on a training background; 0.49 vs 1.44 on ffmpeg's test card).
  const scale = `scale=in_range=${range}:in_color_matrix=${matrix}:out_range=full:flags=neighbor+accurate_rnd+full_chroma_int`;
  const out = await runTool(
    ffmpeg,
    // -xerror: a tile whose data is damaged stops the decode (ffmpeg would conceal it and go on).
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-xerror', '-f', 'hevc', '-i', 'pipe:0', '-frames:v', String(tiles.length), '-vf', `${scale},format=${channels === 3 ? 'rgb24' : 'gray'}`, '-f', 'rawvideo', 'pipe:1'],
    { stdin: stream, captureStdout: 'bytes', maxStdoutBytes: width * height * channels * tiles.length, signal: how.signal },
  );
  const frame = width * height * channels;
  const bytes = out.stdoutBytes;
  if (out.overflow || (out.code === 0 && bytes.length !== frame * tiles.length)) throw damaged(file.name, `its pictures are not the size it says (${width}x${height})`);
  if (out.code !== 0) {
    const last = lastLines(out.stderr, 2);
    throw damaged(file.name, `its HEVC data did not decode${last ? `: ${last}` : ''}`);
  }
  const planes = tiles.map((_, i) => new Uint8Array(bytes.buffer, bytes.byteOffset + i * frame, frame));
  return { planes, width, height, chromaFormat };
}

/** How a file is being decoded: its pixel limit and the caller's cancel. */
interface Decoding {
  maxPixels: number;
  signal?: AbortSignal;
}

/** Properties this reader understands; an item that marks another essential is not read. */
const KNOWN_PROPERTIES = new Set(['hvcC', 'ispe', 'irot', 'imir', 'clap', 'colr', 'pixi', 'auxC', 'rloc', 'pasp']);

/** Decodes an item (an hvc1 picture, a grid of them, or an identity derivation) as coded, before its own crop, turn and mirror. */
async function decodeCoded(file: HeifFile, item: Item, channels: 1 | 3, how: Decoding, depth = 0): Promise<Plane & { chromaFormat: number }> {
  if (depth > 2) throw damaged(file.name, 'items derived from each other in a loop');
  const unknown = item.essential.find((type) => !KNOWN_PROPERTIES.has(type));
  if (unknown) throw notRead(file.name, `its picture needs a "${unknown}" property`);
  if (item.type === 'hvc1') {
    const { planes, width, height, chromaFormat } = await decodeHevc(file, [item], channels, { ...how, colourFrom: item });
    return { data: planes[0], width, height, channels, chromaFormat };
  }
  if (item.type === 'grid') return decodeGrid(file, item, channels, how);
  if (item.type === 'iden' && item.dimg.length === 1 && file.items.has(item.dimg[0])) return decodeItem(file, file.items.get(item.dimg[0])!, channels, how, depth + 1);
  throw notRead(file.name, item.type === 'av01' ? 'an AV1 picture in a HEIC' : `its picture is a "${item.type}" item`);
}

/** Decodes an item with its crop, rotation and mirror. */
async function decodeItem(file: HeifFile, item: Item, channels: 1 | 3, how: Decoding, depth = 0): Promise<Plane & { chromaFormat: number }> {
  const plane = await decodeCoded(file, item, channels, how, depth);
  return { ...(await transform(file, item, plane)), chromaFormat: plane.chromaFormat };
}

/** A grid item: its tiles decoded and laid out row by row, cut to the grid's size. */
async function decodeGrid(file: HeifFile, item: Item, channels: 1 | 3, how: Decoding): Promise<Plane & { chromaFormat: number }> {
  const { rows, columns, width, height } = gridOf(file, item);
  if (item.dimg.length !== rows * columns) throw damaged(file.name, `grid of ${rows}x${columns} with ${item.dimg.length} tiles`);
  const tiles = item.dimg.map((id) => {
    const tile = file.items.get(id);
    if (!tile) throw damaged(file.name, `grid tile ${id} is not listed`);
    return tile;
  });
  if (!width || !height || width * height > how.maxPixels) throw damaged(file.name, `a grid of ${width}x${height}`);
  const decoded = await decodeHevc(file, tiles, channels, { ...how, colourFrom: item });
  if (decoded.width * columns < width || decoded.height * rows < height || !width || !height) throw damaged(file.name, 'grid tiles do not cover its size');
  const out = new Uint8Array(width * height * channels);
  tiles.forEach((_, i) => {
    const x0 = (i % columns) * decoded.width;
    const y0 = Math.floor(i / columns) * decoded.height;
    const w = Math.min(decoded.width, width - x0);
    for (let y = 0; y < decoded.height && y0 + y < height && w > 0; y++) {
      const from = y * decoded.width * channels;
      out.set(decoded.planes[i].subarray(from, from + w * channels), ((y0 + y) * width + x0) * channels);
    }
  });
  return { data: out, width, height, channels, chromaFormat: decoded.chromaFormat };
}

/** An item's transformations (clap, irot, imir) applied in the order the item lists them. */
async function transform(file: HeifFile, item: Item, plane: Plane): Promise<Plane> {
  let out = plane;
  for (const box of item.properties) {
    if (box.type === 'clap') out = cleanAperture(file, box, out);
    else if (box.type === 'irot') out = await turnOrMirror(out, { quarters: file.u8(box.start) & 3 });
    // imir's mode 0 flips top and bottom, 1 left and right: HEIF's amendment 2, as iPhones and libheif
    // write and read it (the first edition's "axis" read the other way round).
    else if (box.type === 'imir') out = await turnOrMirror(out, { topBottom: (file.u8(box.start) & 1) === 0 });
  }
  return out;
}

/** The clean aperture (clap): a crop given as a centred width and height with an offset, in fractions. */
function cleanAperture(file: HeifFile, box: Box, plane: Plane): Plane {
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + box.start, 32);
  const fraction = (i: number, signed: boolean) => {
    const d = view.getUint32(i * 8 + 4);
    return d === 0 ? 0 : (signed ? view.getInt32(i * 8) : view.getUint32(i * 8)) / d;
  };
  const cropW = fraction(0, false);
  const cropH = fraction(1, false);
  const left = Math.max(0, Math.floor(fraction(2, true) + (plane.width - 1) / 2 - (cropW - 1) / 2));
  const top = Math.max(0, Math.floor(fraction(3, true) + (plane.height - 1) / 2 - (cropH - 1) / 2));
  const width = Math.min(Math.round(cropW), plane.width - left);
  const height = Math.min(Math.round(cropH), plane.height - top);
  if (width <= 0 || height <= 0) throw damaged(file.name, 'its crop (clap) is outside the picture');
  const c = plane.channels;
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) out.set(plane.data.subarray(((top + y) * plane.width + left) * c, ((top + y) * plane.width + left + width) * c), y * width * c);
  return { data: out, width, height, channels: c };
}

/**
 * Turned anticlockwise by quarter turns (irot's angle), or mirrored (imir): by sharp, whose tiled
 * turn is faster than a loop here (50 ms against 120 ms at 12 MP).
 */
async function turnOrMirror(plane: Plane, how: { quarters: number } | { topBottom: boolean }): Promise<Plane> {
  if ('quarters' in how && how.quarters === 0) return plane;
  const image = sharp(plane.data, { raw: { width: plane.width, height: plane.height, channels: plane.channels as 1 | 3 | 4 }, limitInputPixels: false });
  // sharp turns clockwise; flip swaps top and bottom, flop left and right.
  const done = 'quarters' in how ? image.rotate((4 - how.quarters) * 90) : how.topBottom ? image.flip() : image.flop();
  const { data, info } = await done.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: plane.channels };
}

/** A grid item's description (ImageGrid): its rows and columns of tiles and the picture's size. */
function gridOf(file: HeifFile, item: Item): { rows: number; columns: number; width: number; height: number } {
  const data = file.data(item);
  const wide = (data[1] & 1) === 1;
  if (data.length < (wide ? 12 : 8)) throw damaged(file.name, 'grid description cut short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { rows: data[2] + 1, columns: data[3] + 1, width: wide ? view.getUint32(4) : view.getUint16(4), height: wide ? view.getUint32(8) : view.getUint16(6) };
}

/** The pixel size a file's primary picture is coded at (its grid's, or its ispe), from its header. */
function codedSize(file: HeifFile): { width: number; height: number } {
  let item = file.items.get(file.primary)!;
  for (let depth = 0; item.type === 'iden' && item.dimg.length === 1 && file.items.has(item.dimg[0]) && depth < 3; depth++) item = file.items.get(item.dimg[0])!;
  return item.type === 'grid' ? gridOf(file, item) : file.size(item);
}

/**
 * Decodes a HEIC file's primary picture: its grid or single HEVC image, with its alpha plane when it
 * has one, turned and cropped as its properties say. The ICC profile is returned for the caller to
 * convert from. The picture's coded size goes to `checkSize` first, and what the file says its
 * tiles hold is bounded by `maxPixels` before and while they are decoded. Errors: INPUT_UNSUPPORTED (damaged, or a HEIF
 * feature not read: formatNotRead), FFMPEG_MISSING.
 */
export async function decodeHeic(bytes: Uint8Array, name: string, how: Decoding & { checkSize(size: { width: number; height: number }): void }): Promise<HeifPicture> {
  const file = new HeifFile(bytes, name);
  // Its own size against the caller's limit (IMAGE_TOO_LARGE), from the header, before any decoding.
  how.checkSize(codedSize(file));
  const primary = file.items.get(file.primary)!;
  const colour = await decodeCoded(file, primary, 3, how);
  let plane: Plane = colour;
  const alphaId = file.alphaOf.get(primary.id);
  if (alphaId !== undefined) {
    // The alpha plane is coded like the picture; at another size it is scaled to the picture's
    // (nearest, as libheif does), and the primary's crop and turns then apply to both.
    let alpha: Plane = await decodeItem(file, file.items.get(alphaId)!, 1, how);
    if (alpha.width !== colour.width || alpha.height !== colour.height) {
      const scaled = await sharp(alpha.data, { raw: { width: alpha.width, height: alpha.height, channels: 1 }, limitInputPixels: false })
        .resize(colour.width, colour.height, { fit: 'fill', kernel: 'nearest' })
        .raw()
        .toBuffer();
      alpha = { data: new Uint8Array(scaled.buffer, scaled.byteOffset, scaled.byteLength), width: colour.width, height: colour.height, channels: 1 };
    }
    const premultiplied = file.premultiplied.has(primary.id);
    const data = new Uint8Array(colour.width * colour.height * 4);
    for (let i = 0, n = colour.width * colour.height; i < n; i++) {
      const a = alpha.data[i];
      // Colours stored premultiplied by their alpha (a prem reference) are divided back.
      const k = premultiplied && a > 0 ? 255 / a : 1;
      data[i * 4] = Math.min(255, Math.round(colour.data[i * 3] * k));
      data[i * 4 + 1] = Math.min(255, Math.round(colour.data[i * 3 + 1] * k));
      data[i * 4 + 2] = Math.min(255, Math.round(colour.data[i * 3 + 2] * k));
      data[i * 4 + 3] = a;
    }
    plane = { data, width: colour.width, height: colour.height, channels: 4 };
  }
  const shown = await transform(file, primary, plane);
  const profile = primary.properties.find((b) => b.type === 'colr' && ['prof', 'rICC'].includes(fourcc(bytes, b.start)));
  return {
    data: shown.data,
    width: shown.width,
    height: shown.height,
    channels: shown.channels as 3 | 4,
    ...(profile ? { icc: bytes.slice(profile.start + 4, profile.end) } : {}),
    isColourSubsampled: colour.chromaFormat === 1 || colour.chromaFormat === 2,
  };
}
