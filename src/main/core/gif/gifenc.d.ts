// Type declarations for gifenc 1.0.3 (the package ships none); only what core/gif uses.
declare module 'gifenc' {
  type Palette = number[][];
  interface GifEncoderStream {
    writeFrame(
      index: Uint8Array,
      width: number,
      height: number,
      opts?: { palette?: Palette; delay?: number; transparent?: boolean; transparentIndex?: number; repeat?: number; dispose?: number; colorDepth?: number },
    ): void;
    finish(): void;
    bytes(): Uint8Array;
    /** The bytes written so far, as a view (not a copy): valid until the next write. */
    bytesView(): Uint8Array;
  }
  interface GifencModule {
    GIFEncoder(opts?: { auto?: boolean; initialCapacity?: number }): GifEncoderStream;
    quantize(rgba: Uint8Array, maxColors: number, opts?: { format?: 'rgb565' | 'rgb444' | 'rgba4444'; oneBitAlpha?: boolean | number; clearAlpha?: boolean }): Palette;
    applyPalette(rgba: Uint8Array, palette: Palette, format?: 'rgb565' | 'rgb444' | 'rgba4444'): Uint8Array;
  }
  const gifenc: GifencModule;
  export default gifenc;
  export const GIFEncoder: GifencModule['GIFEncoder'];
  export const quantize: GifencModule['quantize'];
  export const applyPalette: GifencModule['applyPalette'];
}
