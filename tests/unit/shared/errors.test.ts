// Errors as data across a boundary (toWire / fromWire): long texts are cut.
import { describe, expect, it } from 'vitest';
import { AppError, fromWire, toWire, WIRE_TEXT_MAX } from '../../../src/shared/errors';

describe('toWire', () => {
  it('cuts a message or a detail string past WIRE_TEXT_MAX, saying so (a page\'s 63 MB path came back whole)', () => {
    const path = 'x'.repeat(WIRE_TEXT_MAX * 3);
    const wire = toWire(new AppError('INVALID_ARGUMENT', `Not a file the page may read: ${path}`, { detail: { path, size: 3, list: [path] } }));
    expect(wire.message.length).toBeLessThan(WIRE_TEXT_MAX + 60);
    expect(wire.message).toMatch(/… \(\d+ more characters\)$/);
    const detail = wire.detail as { path: string; size: number; list: string[] };
    expect(detail.path.length).toBeLessThan(WIRE_TEXT_MAX + 60);
    expect(detail.size).toBe(3);
    expect(detail.list[0]).toBe(path); // only the first level is looked at
    expect(toWire(new Error(path)).message.length).toBeLessThan(WIRE_TEXT_MAX + 60);
  });

  it('carries an ordinary error as it is, both ways', () => {
    const error = new AppError('NO_FACE', 'No face was found', { detail: { path: '/home/a/b.jpg' } });
    const wire = toWire(error);
    expect(wire).toEqual({ code: 'NO_FACE', message: 'No face was found', detail: { path: '/home/a/b.jpg' } });
    expect(wire.detail).toBe(error.detail);
    expect(fromWire(wire)).toMatchObject({ code: 'NO_FACE', message: 'No face was found', detail: { path: '/home/a/b.jpg' } });
  });
});
