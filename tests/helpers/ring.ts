// The ring just outside a person on an ID photo, where old background or a haze of the cut-out
// shows on the new colour: the tests that measure spill read it.
import { dilateSquare } from '../../src/main/core/matting/morphology';

/** 1 where a pixel lies more than `inner` and at most `outer` px (square) outside `person` (1 = person). */
export function ringOutside(person: Uint8Array, width: number, height: number, inner = 2, outer = 8): Uint8Array {
  const near = dilateSquare(person, width, height, inner);
  const far = dilateSquare(person, width, height, outer);
  return far.map((v, i) => (v && !near[i] ? 1 : 0));
}
