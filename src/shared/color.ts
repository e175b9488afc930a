// Colour parsing and luma, shared by the core (composites, matting, stickers) and the renderer
// (background picker, canvas).
// Pure; no 'electron', no 'node:*'.

/** Luma (BT.601) of an RGB colour, in the colour's own units. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Parses '#RGB' / '#RRGGBB' (the '#' optional) to [r, g, b], or null when it is not a colour. */
export function parseHex(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** Normalises a colour to '#RRGGBB' upper case, or null when it is not a colour. */
export function normalizeHex(hex: string): string | null {
  const rgb = parseHex(hex);
  if (!rgb) return null;
  return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('').toUpperCase();
}
