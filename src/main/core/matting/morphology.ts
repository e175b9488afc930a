// Square-window morphology on 0/1 maps (Uint8Array, row-major): dilation as two running 1-D passes,
// erosion as its dual. Used by foreground estimation (where F matters) and the unsure share (broad
// half-transparent regions). And the 8-connected flood fill that a sticker's specks and an ID
// photo's one person are found by. Pure typed arrays. Core (no electron).

/** Marks, in a new map, every pixel within `r` columns of a marked pixel in its row. */
function dilateRows(mark: Uint8Array, W: number, H: number, r: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let last = -Infinity; // column of the latest marked pixel at or left of x + r
    for (let x = 0; x < W + r; x++) {
      if (x < W && mark[row + x]) last = x;
      const c = x - r;
      if (c >= 0 && c - last <= r) out[row + c] = 1;
    }
  }
  return out;
}

/** Marks every pixel within `r` rows of a marked pixel in its column. */
function dilateColumns(mark: Uint8Array, W: number, H: number, r: number): Uint8Array {
  const out = new Uint8Array(W * H);
  const last = new Float64Array(W).fill(-Infinity); // per column: the latest marked row at or above y + r
  for (let y = 0; y < H + r; y++) {
    if (y < H) {
      const row = y * W;
      for (let x = 0; x < W; x++) if (mark[row + x]) last[x] = y;
    }
    const c = y - r;
    if (c < 0) continue;
    const dst = c * W;
    for (let x = 0; x < W; x++) if (c - last[x] <= r) out[dst + x] = 1;
  }
  return out;
}

/** A new map marking every pixel with a marked pixel in its (2r+1)² window (pixels past the border are unmarked). */
export function dilateSquare(mark: Uint8Array, W: number, H: number, r: number): Uint8Array {
  return dilateColumns(dilateRows(mark, W, H, r), W, H, r);
}

/** A new map keeping a pixel only if its whole (2r+1)² window is marked; pixels past the border count as unmarked. */
export function erodeSquare(mark: Uint8Array, W: number, H: number, r: number): Uint8Array {
  const holes = new Uint8Array(mark.length);
  for (let i = 0; i < mark.length; i++) holes[i] = mark[i] ? 0 : 1;
  const out = dilateSquare(holes, W, H, r);
  for (let y = 0; y < H; y++) {
    const nearBorderRow = y < r || y >= H - r;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      out[i] = out[i] || nearBorderRow || x < r || x >= W - r ? 0 : 1;
    }
  }
  return out;
}

/**
 * Flood fill over 8-connected neighbours from the first `top` pixels of `stack` (already taken):
 * `take(j)` says whether pixel j joins, and marks it so that it is not taken twice. `stack` needs
 * room for every pixel. Returns how many pixels were visited, the seeds included. With
 * `fourConnected`, over the 4 side neighbours only (transparent holes, the dual of an 8-connected
 * subject).
 */
export function flood8(width: number, height: number, stack: Int32Array, top: number, take: (j: number) => boolean, fourConnected = false): number {
  let visited = 0;
  while (top > 0) {
    const i = stack[--top];
    visited++;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        if (fourConnected && dx !== 0 && dy !== 0) continue;
        const xx = x + dx;
        if (xx < 0 || xx >= width) continue;
        const j = yy * width + xx;
        if (take(j)) stack[top++] = j;
      }
    }
  }
  return visited;
}
