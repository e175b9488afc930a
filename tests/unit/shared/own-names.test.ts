// Names from outside looked up in tables of plain data: the names every object inherits
// ("constructor", "__proto__", "toString") are no mode, colour, paper, platform or size.
import { describe, expect, it } from 'vitest';
import { getBatchMode } from '../../../src/main/core/batch/modes';
import { parsePaper } from '../../../src/main/core/idphoto/print-sheet';
import { parseBackground } from '../../../src/main/core/image/composite';
import { resolveTargets } from '../../../src/main/core/sticker/make-sticker';
import { findPlatformPreset } from '../../../src/main/core/sticker/presets';
import { ownValue } from '../../../src/shared/own';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

describe('names an object inherits', () => {
  it('are none of the table\'s (a request naming one failed INTERNAL: "extensions is not iterable", "hex.trim is not a function")', () => {
    for (const name of INHERITED) {
      expect(ownValue({ a: 1 }, name), name).toBeUndefined();
      expect(() => getBatchMode(name), name).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Unknown batch mode/) }));
      expect(() => parseBackground(name), name).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('is not a background') }));
      expect(() => parsePaper(name), name).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(findPlatformPreset(name), name).toBeUndefined();
      expect(() => resolveTargets({ size: name as 'small' }), name).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: `size must be small, medium, large, got "${name}"` }));
    }
    // The table's own names still read.
    expect(ownValue({ a: 1 }, 'a')).toBe(1);
    expect(getBatchMode('portrait')).toBeDefined();
    expect(parseBackground('blue')).toEqual({ kind: 'color', hex: expect.stringMatching(/^#[0-9A-F]{6}$/i) });
    expect(parsePaper('a4')).toMatchObject({ widthMm: 210, heightMm: 297 });
    expect(findPlatformPreset('LINE')?.id).toBe('line');
  });
});
