// An uncompressed baseline TIFF written by hand: 8-bit RGB or RGBA with an ICC profile, so that
// pixels decoded elsewhere (a HEIC's) go through sharp's own decode (colour profile to sRGB,
// resizing to the pixel budget) like any file. sharp's raw input takes no profile. Pure typed
// arrays. Core (no electron).

/** Little-endian TIFF of interleaved 8-bit RGB (3 channels) or RGBA (4, alpha unassociated), with `icc` embedded when given. */
export function rawTiff(data: Uint8Array, width: number, height: number, channels: 3 | 4, icc?: Uint8Array): Uint8Array {
  const SHORT = 3;
  const LONG = 4;
  const UNDEFINED = 7;
  const entries: [tag: number, type: number, count: number, value: number][] = [];
  const entryCount = 10 + (channels === 4 ? 1 : 0) + (icc ? 1 : 0);
  const ifdSize = 2 + entryCount * 12 + 4;
  const bitsAt = 8 + ifdSize;
  const iccAt = bitsAt + channels * 2;
  const pixelsAt = iccAt + (icc ? icc.length + (icc.length & 1) : 0);
  entries.push(
    [256, LONG, 1, width],
    [257, LONG, 1, height],
    [258, SHORT, channels, bitsAt],
    [259, SHORT, 1, 1], // no compression
    [262, SHORT, 1, 2], // RGB
    [273, LONG, 1, pixelsAt],
    [277, SHORT, 1, channels],
    [278, LONG, 1, height], // one strip
    [279, LONG, 1, data.length],
    [284, SHORT, 1, 1], // interleaved
  );
  if (channels === 4) entries.push([338, SHORT, 1, 2]); // the 4th sample is unassociated alpha
  if (icc) entries.push([34675, UNDEFINED, icc.length, iccAt]);

  const out = new Uint8Array(pixelsAt + data.length);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]); // "II", 42
  view.setUint32(4, 8, true);
  view.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, count, true);
    // A single SHORT sits in the field's first two bytes; anything else is a LONG or an offset.
    if (type === SHORT && count === 1) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  view.setUint32(10 + entries.length * 12, 0, true); // no next IFD
  for (let c = 0; c < channels; c++) view.setUint16(bitsAt + c * 2, 8, true);
  if (icc) out.set(icc, iccAt);
  out.set(data, pixelsAt);
  return out;
}
