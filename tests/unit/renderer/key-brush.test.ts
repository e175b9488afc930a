// The keyboard's brush keys, shared by the editor's canvas and the Stickers painter (lib/canvas/key-brush.ts).
import { describe, expect, it } from 'vitest';
import { brushKeyOf, brushStep, freshText } from '../../../src/renderer/src/lib/canvas/key-brush';

describe('the keyboard brush', () => {
  it('arrows move (Shift further), Enter puts the pen down and lifts it, Escape lifts it only while down', () => {
    expect(brushKeyOf({ key: 'ArrowLeft', shiftKey: false }, false)).toEqual({ act: 'move', dx: -1, dy: 0, isFar: false });
    expect(brushKeyOf({ key: 'ArrowDown', shiftKey: true }, true)).toEqual({ act: 'move', dx: 0, dy: 1, isFar: true });
    expect(brushKeyOf({ key: 'Enter', shiftKey: false }, false)).toEqual({ act: 'down' });
    expect(brushKeyOf({ key: 'Enter', shiftKey: false }, true)).toEqual({ act: 'lift' });
    expect(brushKeyOf({ key: 'Escape', shiftKey: false }, true)).toEqual({ act: 'lift' });
    // Up, Escape is the app's (it puts the brush away); other keys are not the brush's.
    expect(brushKeyOf({ key: 'Escape', shiftKey: false }, false)).toBeNull();
    expect(brushKeyOf({ key: 'b', shiftKey: false }, false)).toBeNull();
  });

  it('steps half the brush, twice it with Shift; a repeated line is changed so that it is said again', () => {
    expect([brushStep(40, false), brushStep(40, true)]).toEqual([20, 80]);
    expect(freshText('a', 'b')).toBe('b');
    expect(freshText('b', 'b')).not.toBe('b');
    expect(freshText('b', 'b').trim()).toBe('b');
  });
});
