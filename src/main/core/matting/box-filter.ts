// Separable box (mean) filter on float maps with clamped borders; O(N) per pass regardless of
// the radius. Pure typed-array code; used by the guided filter and the matting code.

/**
 * Horizontal pass of the box mean over one row: dst[dstAt + x] = mean of src[srcAt + x − r ..
 * srcAt + x + r] inside the row. Running sums in three spans (window cut by the left border, whole,
 * cut by the right border) so the inner loop has no branches.
 */
function boxRow(src: Float32Array, srcAt: number, width: number, r: number, dst: Float32Array, dstAt: number): void {
  const leftEnd = Math.min(r, width); // x < leftEnd: the window starts at 0
  const rightStart = Math.max(leftEnd, width - r - 1); // x >= rightStart: the window ends at width - 1
  const full = 2 * r + 1;
  let sum = 0;
  const right0 = Math.min(r, width - 1);
  for (let x = 0; x <= right0; x++) sum += src[srcAt + x];
  let x = 0;
  for (; x < leftEnd; x++) {
    const right = x + r;
    dst[dstAt + x] = sum / (Math.min(width - 1, right) + 1);
    if (right + 1 < width) sum += src[srcAt + right + 1];
  }
  for (; x < rightStart; x++) {
    dst[dstAt + x] = sum / full;
    sum += src[srcAt + x + r + 1];
    sum -= src[srcAt + x - r];
  }
  for (; x < width; x++) {
    const left = x - r;
    const right = x + r;
    dst[dstAt + x] = sum / (Math.min(width - 1, right) - Math.max(0, left) + 1);
    if (right + 1 < width) sum += src[srcAt + right + 1];
    if (left >= 0) sum -= src[srcAt + left];
  }
}

/** 1 / the number of rows of the window about row y inside a picture of `height` rows. */
function rowWeight(y: number, r: number, height: number): number {
  return 1 / (Math.min(height - 1, y + r) - Math.max(0, y - r) + 1);
}

/**
 * Mean over a (2r+1)x(2r+1) window, borders handled by averaging only the pixels inside the
 * image (the normalised box of He et al.'s guided filter). Writes into `out` (may not alias src).
 */
export function boxMean(src: Float32Array, width: number, height: number, r: number, out: Float32Array = new Float32Array(width * height), scratch: Float32Array = new Float32Array(width * height)): Float32Array {
  for (let y = 0; y < height; y++) boxRow(src, y * width, width, r, scratch, y * width);
  // Vertical pass: running sums down each column, processed row-wise for cache friendliness.
  const colSum = new Float64Array(width);
  const zeros = new Float32Array(width);
  const bottom0 = Math.min(r, height - 1);
  for (let y = 0; y <= bottom0; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSum[x] += scratch[row + x];
  }
  for (let y = 0; y < height; y++) {
    const top = y - r;
    const bottom = y + r;
    const inv = rowWeight(y, r, height);
    const row = y * width;
    // One sweep per row: write the mean, then slide the column sums (a row outside the image
    // adds or removes zeros, which leaves a sum exactly as it was).
    const addRow = bottom + 1 < height ? scratch.subarray((bottom + 1) * width, (bottom + 2) * width) : zeros;
    const subRow = top >= 0 ? scratch.subarray(top * width, (top + 1) * width) : zeros;
    for (let x = 0; x < width; x++) {
      const c = colSum[x];
      out[row + x] = c * inv;
      colSum[x] = c + addRow[x] - subRow[x];
    }
  }
  return out;
}

/**
 * The box means of several planes, streamed a row at a time: the planes are never whole. `rowsOf(y)`
 * gives row y of each plane (asked once a row, y going down; the stream reads them before it asks
 * again, so the caller may reuse its buffers); each `next()` gives the means of the next row (its
 * own buffers, valid until the next call). It holds 2r + 2 rows of each plane's horizontal means:
 * nothing grows with the height, and no plane is made a call. The same sums in the same order as
 * boxMean: the same floats.
 */
export class BoxMeanRows {
  private readonly span: number;
  private readonly ring: Float32Array[];
  private readonly colSum: Float64Array[];
  private readonly means: Float32Array[];
  private readonly zeros: Float32Array;
  private y = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly r: number,
    planes: number,
    private readonly rowsOf: (y: number) => readonly Float32Array[],
  ) {
    this.span = Math.min(height, 2 * r + 2);
    this.ring = Array.from({ length: planes }, () => new Float32Array(this.span * width));
    this.colSum = Array.from({ length: planes }, () => new Float64Array(width));
    this.means = Array.from({ length: planes }, () => new Float32Array(width));
    this.zeros = new Float32Array(width);
  }

  /** Row y's horizontal means into the ring. */
  private take(y: number): void {
    const rows = this.rowsOf(y);
    const at = (y % this.span) * this.width;
    for (let k = 0; k < this.ring.length; k++) boxRow(rows[k], 0, this.width, this.r, this.ring[k], at);
  }

  private ringRow(k: number, y: number): Float32Array {
    const at = (y % this.span) * this.width;
    return this.ring[k].subarray(at, at + this.width);
  }

  next(): readonly Float32Array[] {
    const { width, height, r, y } = this;
    if (y >= height) throw new Error('BoxMeanRows: past the last row');
    if (y === 0) {
      for (let t = 0; t <= Math.min(r, height - 1); t++) {
        this.take(t);
        for (let k = 0; k < this.ring.length; k++) {
          const row = this.ringRow(k, t);
          const sum = this.colSum[k];
          for (let x = 0; x < width; x++) sum[x] += row[x];
        }
      }
    }
    const top = y - r;
    const bottom = y + r;
    if (bottom + 1 < height) this.take(bottom + 1);
    const inv = rowWeight(y, r, height);
    for (let k = 0; k < this.ring.length; k++) {
      const addRow = bottom + 1 < height ? this.ringRow(k, bottom + 1) : this.zeros;
      const subRow = top >= 0 ? this.ringRow(k, top) : this.zeros;
      const sum = this.colSum[k];
      const out = this.means[k];
      for (let x = 0; x < width; x++) {
        const c = sum[x];
        out[x] = c * inv;
        sum[x] = c + addRow[x] - subRow[x];
      }
    }
    this.y = y + 1;
    return this.means;
  }
}
