// The keyboard's brush (renderer, pure): which keys paint on a focused picture with a brush held,
// how far an arrow moves it, and the live region's words. Shared by the Cut-out editor's canvas
// (components/EditorCanvas.svelte) and the Stickers painter (components/StrokePainter.svelte).

/** The arrow keys as unit steps: x to the right, y down. */
export const ARROW_STEPS: Readonly<Record<string, readonly [number, number]>> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** What a key does to the keyboard's brush. */
export type BrushKey = { act: 'move'; dx: number; dy: number; isFar: boolean } | { act: 'down' } | { act: 'lift' };

/** An arrow moves it (Shift: further), Enter puts it down and lifts it, Escape lifts it; null: not the brush's key. */
export function brushKeyOf(e: { key: string; shiftKey: boolean }, isPenDown: boolean): BrushKey | null {
  const step = ARROW_STEPS[e.key];
  if (step) return { act: 'move', dx: step[0], dy: step[1], isFar: e.shiftKey };
  if (e.key === 'Enter') return { act: isPenDown ? 'lift' : 'down' };
  if (e.key === 'Escape' && isPenDown) return { act: 'lift' };
  return null;
}

/** How far an arrow moves a brush of diameter `size` (in any unit): half of it, twice it with Shift. */
export function brushStep(size: number, isFar: boolean): number {
  return size * (isFar ? 2 : 0.5);
}

/** The live region's next text: `text`, with a no-break space more when it is what it said last, so that it is said again. */
export function freshText(last: string, text: string): string {
  return last === text ? `${text}\u00a0` : text;
}
