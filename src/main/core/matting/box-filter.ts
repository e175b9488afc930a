// Separable box (mean) filter on float maps with clamped borders; O(N) per pass regardless of
// the radius. Pure typed-array code; used by the guided filter and the matting code.

/**
 * Mean over a (2r+1)x(2r+1) window, borders handled by averaging only the pixels inside the
 * image (the normalised box of He et al.'s guided filter). Writes into `out` (may not alias src).
 */
export function boxMean(src: Float32Array, width: number, height: number, r: number, out: Float32Array = new Float32Array(width * height), scratch: Float32Array = new Float32Array(width * height)): Float32Array {
  // Horizontal pass: running sums along each row, in three spans (window cut by the left border,
  // whole, cut by the right border) so the inner loop has no branches.
  const leftEnd = Math.min(r, width); // x < leftEnd: the window starts at 0
  const rightStart = Math.max(leftEnd, width - r - 1); // x >= rightStart: the window ends at width - 1
  const full = 2 * r + 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    const right0 = Math.min(r, width - 1);
    for (let x = 0; x <= right0; x++) sum += src[row + x];
    let x = 0;
    for (; x < leftEnd; x++) {
      const right = x + r;
      scratch[row + x] = sum / (Math.min(width - 1, right) + 1);
      if (right + 1 < width) sum += src[row + right + 1];
    }
    for (; x < rightStart; x++) {
      scratch[row + x] = sum / full;
      sum += src[row + x + r + 1];
      sum -= src[row + x - r];
    }
    for (; x < width; x++) {
      const left = x - r;
      const right = x + r;
      scratch[row + x] = sum / (Math.min(width - 1, right) - Math.max(0, left) + 1);
      if (right + 1 < width) sum += src[row + right + 1];
      if (left >= 0) sum -= src[row + left];
    }
  }
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
    const inv = 1 / (Math.min(height - 1, bottom) - Math.max(0, top) + 1);
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
