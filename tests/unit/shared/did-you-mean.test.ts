// "Did you mean …?" for mistyped names: near enough and alone, or nothing.
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestName } from '../../../src/shared/did-you-mean';

describe('did you mean', () => {
  it('counts edits, a swap of neighbours as one, case ignored', () => {
    expect(editDistance('portait', 'portrait')).toBe(1);
    expect(editDistance('potrrait', 'portrait')).toBe(1);
    expect(editDistance('CN-1INCH', 'cn-1inch')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('names the one known name a typo is near (in case too), and none when it is far, exact or tied', () => {
    const commands = ['portrait', 'anime', 'models', 'idphoto', 'eval', 'bench', 'batch', 'sticker', 'serve'];
    expect(nearestName('portait', commands)).toBe('portrait');
    expect(nearestName('stickers', commands)).toBe('sticker');
    expect(nearestName('idfoto', commands)).toBe('idphoto');
    expect(nearestName('x', commands)).toBeUndefined();
    expect(nearestName('myspace', ['line', 'telegram', 'discord', 'wechat'])).toBeUndefined();
    expect(nearestName('portrait', commands)).toBeUndefined();
    // Off only in case: the name as it is known.
    expect(nearestName('Portrait', commands)).toBe('portrait');
    expect(didYouMean('CN-1INCH', ['cn-1inch', 'us-2x2'])).toBe(' Did you mean cn-1inch?');
    // One nearer than the rest is named; two as near are not.
    expect(nearestName('batcj', commands)).toBe('batch');
    expect(nearestName('seve', ['serve', 'sieve'])).toBeUndefined();
    expect(didYouMean('cn-1inh', ['cn-1inch', 'us-2x2'])).toBe(' Did you mean cn-1inch?');
    expect(didYouMean('zzz', ['cn-1inch'])).toBe('');
  });
});
