// HEIC files for the tests. Two makers: libheif's own heif-enc (Debian's libheif-examples; one HEVC
// image, with an alpha plane or ICC profile from the PNG) and, for what heif-enc 1.15 does not write
// (an iPhone's grid of tiles, rotation, mirror, crop), a small HEIF writer here around tiles coded
// by ffmpeg's libx265. libheif's heif-convert decodes both as the reference the app's decoder is
// compared with, which checks this writer against libheif too.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';

/** Whether libheif's command-line tools (heif-enc, heif-convert) are installed. */
export function hasLibheifTools(): boolean {
  try {
    execFileSync('heif-enc', ['--version'], { stdio: 'ignore' });
  } catch (e) {
    // heif-enc exits non-zero for --version on some versions; only a missing binary matters.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
  }
  return true;
}

/** `png` encoded as HEIC by libheif (heif-enc, x265); an alpha channel or ICC profile in the PNG is kept. */
export function heifEnc(png: string, out: string, quality = 92): string {
  execFileSync('heif-enc', ['-q', String(quality), '-o', out, png], { stdio: 'ignore' });
  return out;
}

/** libheif's decode of a HEIC (heif-convert) as raw RGBA, as the reference. */
export async function libheifDecode(heic: string, dir: string): Promise<{ data: Buffer; width: number; height: number }> {
  const png = join(dir, `ref-${Date.now()}-${Math.random().toString(36).slice(2)}.png`);
  execFileSync('heif-convert', [heic, png], { stdio: 'ignore' });
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A transformation property of a HEIF item, in the order the item lists it. */
export type HeifTransform = { irot: 0 | 1 | 2 | 3 } | { imir: 0 | 1 } /* mode: 0 top-bottom, 1 left-right */ | { clap: { width: number; height: number; offsetX: number; offsetY: number } };

/** What writeHeic puts in the file. */
export interface HeicLayout {
  /** The source picture (a PNG); cut into tiles of `tile` px (the whole picture when absent). */
  png: string;
  tile?: number;
  transforms?: HeifTransform[];
  /** A colr nclx box on the picture: BT.601 (6) full range as libheif writes it. */
  nclx?: boolean;
  /** What the HEVC stream itself says of its colours (default: the truth, BT.601 full range). */
  streamSays?: { range: 'full' | 'limited'; matrix: 'smpte170m' | 'bt709' };
  /** Sizes the file claims, when they are to be wrong (damaged or hostile files): each tile's ispe, the grid's size. */
  claims?: { tile?: { width: number; height: number }; grid?: { width: number; height: number } };
}

/** The NAL units of an HEVC Annex B stream (start codes of 3 or 4 bytes). */
function nalUnits(stream: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = 0; i + 3 <= stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1] - 3 : stream.length;
    while (end > s && stream[end - 1] === 0) end--; // a 4-byte start code's leading zero
    return stream.subarray(s, end);
  });
}

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const length = 8 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(length);
  new DataView(out.buffer).setUint32(0, length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Uint8Array {
  return box(type, new Uint8Array([version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255]), ...parts);
}

/** Big-endian fields: [value, bytes] pairs, or a four-letter code. */
function bytes(...fields: ([number, 1 | 2 | 4] | string)[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    if (typeof f === 'string') for (const ch of f) out.push(ch.charCodeAt(0));
    else for (let i = f[1] - 1; i >= 0; i--) out.push(Math.floor(f[0] / 256 ** i) & 255);
  }
  return new Uint8Array(out);
}

/** A tile of the picture coded by libx265 as one 4:2:0 intra picture (Annex B). */
function encodeTile(png: Buffer, x: number, y: number, w: number, h: number, says: NonNullable<HeicLayout['streamSays']>): Uint8Array {
  return execFileSync(resolveFfmpeg().ffmpeg, [
    ...['-v', 'error', '-f', 'png_pipe', '-i', 'pipe:0', '-vf', `crop=${w}:${h}:${x}:${y},scale=out_range=full:out_color_matrix=bt601,format=yuv420p`, '-frames:v', '1'],
    ...['-c:v', 'libx265', '-x265-params', `log-level=error:keyint=1:range=${says.range}:colormatrix=${says.matrix}`, '-crf', '12', '-color_range', says.range === 'full' ? 'pc' : 'tv', '-f', 'hevc', 'pipe:1'],
  ], { input: png });
}

/**
 * Writes a HEIC the way phones lay one out: a grid item (primary) of hvc1 tiles, the grid's
 * description in an idat, the tiles in mdat, and the primary's transformations.
 */
export async function writeHeic(layout: HeicLayout): Promise<Uint8Array> {
  const meta = await sharp(layout.png).metadata();
  const W = meta.width!;
  const H = meta.height!;
  const tile = layout.tile ?? Math.max(W, H);
  const columns = Math.ceil(W / tile);
  const rows = Math.ceil(H / tile);
  const grid = columns * rows > 1;
  // The source padded to whole tiles (edge pixels repeated), as an encoder of a grid does.
  const padded = await sharp(layout.png).extend({ right: columns * tile - W, bottom: rows * tile - H, extendWith: 'copy' }).png().toBuffer();
  const tw = grid ? tile : W;
  const th = grid ? tile : H;

  const tiles: { parameterSets: Uint8Array[]; data: Uint8Array }[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const nals = nalUnits(encodeTile(padded, c * tw, r * th, tw, th, layout.streamSays ?? { range: 'full', matrix: 'smpte170m' }));
      const parameterSets = nals.filter((n) => [32, 33, 34].includes((n[0] >> 1) & 63));
      const rest = nals.filter((n) => ![32, 33, 34].includes((n[0] >> 1) & 63));
      const data = new Uint8Array(rest.reduce((n, u) => n + 4 + u.length, 0));
      let at = 0;
      for (const u of rest) {
        new DataView(data.buffer).setUint32(at, u.length);
        data.set(u, at + 4);
        at += 4 + u.length;
      }
      tiles.push({ parameterSets, data });
    }
  }

  // Item ids: the grid 1 and its tiles 2.., or the one picture 1.
  const tileIds = tiles.map((_, i) => (grid ? i + 2 : 1));
  const gridSize = layout.claims?.grid ?? { width: W, height: H };
  const wideGrid = gridSize.width > 0xffff || gridSize.height > 0xffff;
  const gridData = wideGrid
    ? bytes([0, 1], [1, 1], [rows - 1, 1], [columns - 1, 1], [gridSize.width, 4], [gridSize.height, 4])
    : bytes([0, 1], [0, 1], [rows - 1, 1], [columns - 1, 1], [gridSize.width, 2], [gridSize.height, 2]);
  const tileSize = layout.claims?.tile ?? { width: tw, height: th };
  const params = tiles[0].parameterSets;
  const hvcC = box(
    'hvcC',
    bytes([1, 1], [0x01, 1], [0x60000000, 4], [0, 4], [0, 2], [93, 1], [0xf000, 2], [0xfc, 1], [0xfd, 1], [0xf8, 1], [0xf8, 1], [0, 2], [0x0f, 1], [params.length, 1]),
    ...params.flatMap((n) => [bytes([0x80 | ((n[0] >> 1) & 63), 1], [1, 2], [n.length, 2]), n]),
  );
  const properties: Uint8Array[] = [hvcC, fullBox('ispe', 0, 0, bytes([tileSize.width, 4], [tileSize.height, 4]))];
  const primaryProps: number[] = [];
  if (grid) {
    properties.push(fullBox('ispe', 0, 0, bytes([gridSize.width, 4], [gridSize.height, 4])));
    primaryProps.push(3);
  } else {
    primaryProps.push(1, 2);
  }
  if (layout.nclx) {
    properties.push(box('colr', bytes('nclx', [1, 2], [13, 2], [6, 2], [0x80, 1])));
    primaryProps.push(properties.length);
  }
  for (const t of layout.transforms ?? []) {
    if ('irot' in t) properties.push(box('irot', bytes([t.irot, 1])));
    else if ('imir' in t) properties.push(box('imir', bytes([t.imir, 1])));
    else properties.push(box('clap', bytes([t.clap.width, 4], [1, 4], [t.clap.height, 4], [1, 4], [t.clap.offsetX * 2, 4], [2, 4], [t.clap.offsetY * 2, 4], [2, 4])));
    primaryProps.push(properties.length);
  }
  // The coding configuration and the transformations are essential (a reader must know them); sizes and colours are not.
  const essential = (p: number) => p === 1 || ['irot', 'imir', 'clap'].includes(String.fromCharCode(...properties[p - 1].subarray(4, 8)));
  const association = (id: number, props: number[]) => bytes([id, 2], [props.length, 1], ...props.map((p) => [(essential(p) ? 0x80 : 0) | p, 1] as [number, 1]));
  const ipma = fullBox('ipma', 0, 0, bytes([grid ? tiles.length + 1 : 1, 4]), association(1, primaryProps), ...(grid ? tileIds.map((id) => association(id, [1, 2])) : []));

  const infe = (id: number, type: string, hidden: boolean) => fullBox('infe', 2, hidden ? 1 : 0, bytes([id, 2], [0, 2], type, [0, 1]));
  const infes = grid ? [infe(1, 'grid', false), ...tileIds.map((id) => infe(id, 'hvc1', true))] : [infe(1, 'hvc1', false)];
  const metaFor = (mdatStart: number) => {
    let offset = mdatStart + 8;
    const tileLocations = tiles.map((t, i) => {
      const entry = bytes([tileIds[i], 2], [0, 2], [0, 2], [1, 2], [offset, 4], [t.data.length, 4]);
      offset += t.data.length;
      return entry;
    });
    const locations = grid ? [bytes([1, 2], [1, 2], [0, 2], [1, 2], [0, 4], [gridData.length, 4]), ...tileLocations] : tileLocations;
    return fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, bytes([0, 4], 'pict', [0, 4], [0, 4], [0, 4], [0, 1])),
      fullBox('pitm', 0, 0, bytes([1, 2])),
      fullBox('iinf', 0, 0, bytes([infes.length, 2]), ...infes),
      ...(grid ? [fullBox('iref', 0, 0, box('dimg', bytes([1, 2], [tileIds.length, 2], ...tileIds.map((id) => [id, 2] as [number, 2]))))] : []),
      box('iprp', box('ipco', ...properties), ipma),
      ...(grid ? [box('idat', gridData)] : []),
      fullBox('iloc', 1, 0, bytes([0x44, 1], [0x00, 1], [locations.length, 2]), ...locations),
    );
  };
  const ftyp = box('ftyp', bytes('heic', [0, 4], 'mif1', 'heic'));
  const metaBox = metaFor(ftyp.length + metaFor(0).length);
  const mdat = box('mdat', ...tiles.map((t) => t.data));
  const out = new Uint8Array(ftyp.length + metaBox.length + mdat.length);
  out.set(ftyp, 0);
  out.set(metaBox, ftyp.length);
  out.set(mdat, ftyp.length + metaBox.length);
  return out;
}

/** Mean absolute difference of two same-size RGBA buffers over the colour channels. */
export function meanColourDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let k = 0; k < 3; k++) sum += Math.abs(a[i + k] - b[i + k]);
    n += 3;
  }
  return sum / n;
}

/** A PNG file's RGBA pixels. */
export async function pngRgba(path: string | Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(typeof path === 'string' ? readFileSync(path) : path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
