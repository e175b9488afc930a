// Tone: sRGB <-> linear light by table, and the brightness curve an ID photo's person may be given
// (IdPhotoOptions.brightnessEv). Pure typed-array code (core).

/** sRGB 0..255 -> linear light 0..1, for each of the 256 codes. */
export const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, c) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});

/** The relative luminance Y (linear light 0..1, D65) of an sRGB colour given as codes 0..255. */
export function srgbLuminance(r: number, g: number, b: number): number {
  return 0.2126729 * SRGB_TO_LINEAR[r] + 0.7151522 * SRGB_TO_LINEAR[g] + 0.072175 * SRGB_TO_LINEAR[b];
}

/** Linear light 0..1 -> the nearest sRGB code 0..255. */
export function linearToSrgb8(v: number): number {
  const x = Math.min(1, Math.max(0, v));
  const s = x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055;
  return Math.round(s * 255);
}

/**
 * The brightness curve as a table over the 256 sRGB codes, per channel: in linear light
 * y = g·x / (1 + (g − 1)·x) with g = 2^ev. It is g times as much light in the darkest tones (ev
 * stops there), less towards the light ones, and black stays black and white white: nothing clips,
 * and the curve of −ev is the inverse of +ev's. 0 is the identity, exactly.
 */
export function brightnessTable(ev: number): Uint8Array {
  const table = new Uint8Array(256);
  if (ev === 0) {
    for (let c = 0; c < 256; c++) table[c] = c;
    return table;
  }
  const g = 2 ** ev;
  for (let c = 0; c < 256; c++) {
    const x = SRGB_TO_LINEAR[c];
    table[c] = linearToSrgb8((g * x) / (1 + (g - 1) * x));
  }
  return table;
}
