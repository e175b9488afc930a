// A picture turned a quarter at a time (the face finder's four ways; one lying on its side, as it
// says, FACE_NOT_UPRIGHT), and what goes with it: a plane of labels turned the same way (a
// touch-up's trimap), and a box found on the turned picture said on the picture as it was. Pure (core).
import type { DecodedImage, RgbaImage } from './decode';

/** A clockwise turn of a quarter, a half or three quarters. */
export type QuarterTurn = 90 | 180 | 270;

/** Whether `value` is a turn a picture can be given (0 leaves it as it is). */
export function isQuarterTurn(value: unknown): value is 0 | QuarterTurn {
  return value === 0 || value === 90 || value === 180 || value === 270;
}

/**
 * Writes `src` (`width` x `height` elements, one a pixel) turned clockwise by `deg` into `dst`. Where
 * (x, y) lands, as a step along the output: 90° clockwise, the left column becomes the top row.
 */
function turnElements(src: Uint8Array | Uint32Array, dst: Uint8Array | Uint32Array, width: number, height: number, deg: QuarterTurn): void {
  const ow = deg === 180 ? width : height;
  const [start, perX, perY] = deg === 90 ? [height - 1, ow, -1] : deg === 180 ? [width * height - 1, -1, -width] : [(width - 1) * ow, -ow, 1];
  for (let y = 0, i = 0; y < height; y++) {
    let o = start + y * perY;
    for (let x = 0; x < width; x++, i++, o += perX) dst[o] = src[i];
  }
}

/** An RGBA picture turned clockwise by 90, 180 or 270°. */
export function rotateRgba(image: RgbaImage, clockwiseDeg: QuarterTurn): RgbaImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(w * h * 4);
  // A pixel moved as one 32-bit word (an array and a view a pixel made three turns of a 213x320
  // picture take 9-15 ms; this, 2-3).
  const src = new Uint32Array(data.byteOffset % 4 === 0 ? data.buffer : data.slice().buffer, data.byteOffset % 4 === 0 ? data.byteOffset : 0, w * h);
  turnElements(src, new Uint32Array(out.buffer), w, h, clockwiseDeg);
  return clockwiseDeg === 180 ? { data: out, width: w, height: h } : { data: out, width: h, height: w };
}

/**
 * A decoded picture turned clockwise by `deg`: its pixels, and what is said of it (its alpha, its
 * format, its density, its colour's resolution) kept, its size before a downscale turned too.
 */
export function turnPicture<T extends RgbaImage>(image: T, deg: QuarterTurn): T {
  const turned = rotateRgba(image, deg);
  const from = (image as Partial<DecodedImage>).downscaledFrom;
  return {
    ...image,
    ...turned,
    ...(from ? { downscaledFrom: deg === 180 ? from : { width: from.height, height: from.width } } : {}),
  };
}

/** A plane of one byte per pixel (a trimap's labels), `width` x `height`, turned clockwise by `deg`. */
export function turnPlane(plane: Uint8Array, width: number, height: number, deg: QuarterTurn): Uint8Array {
  const out = new Uint8Array(plane.length);
  turnElements(plane, out, width, height, deg);
  return out;
}

/** A box on a picture turned clockwise by `deg`, said on the picture as it was (`width` x `height`, before the turn). */
export function boxBeforeTurn<B extends { x: number; y: number; width: number; height: number }>(box: B, width: number, height: number, deg: QuarterTurn): B {
  const { x, y, width: w, height: h } = box;
  if (deg === 90) return { ...box, x: y, y: height - x - w, width: h, height: w };
  if (deg === 180) return { ...box, x: width - x - w, y: height - y - h };
  return { ...box, x: width - y - h, y: x, width: h, height: w };
}
