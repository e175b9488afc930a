// How long a sticker is against the part asked for: a preset's longest sticker, a --duration past
// the clip's end (lengthCuts), and what is said of them.
import { describe, expect, it } from 'vitest';
import { emptyEndsText, lengthCuts, pastEndText, presetLengthText } from '../../../../src/main/core/sticker/make-sticker';
import { PLATFORM_PRESETS } from '../../../../src/shared/sticker-presets';

describe('lengthCuts', () => {
  const clip = { durationS: 7.55 };
  const line = PLATFORM_PRESETS.line;
  it("says a preset's cut, asked for or not, and a --duration past the clip's end", () => {
    expect(lengthCuts(clip, {}, line)).toEqual({ presetCutToS: 4 });
    expect(lengthCuts(clip, { startS: 1, durationS: 6 }, line)).toEqual({ presetCutToS: 4 });
    // LINE plays whole seconds: the clip's last 2.55 s make 2 s, said so (not "that long", past the end).
    expect(lengthCuts(clip, { startS: 5, durationS: 6 }, line)).toEqual({ wholeSecondsFromS: 2.55 });
    expect(lengthCuts(clip, { startS: 5 }, line)).toEqual({ wholeSecondsFromS: 2.55 });
    expect(lengthCuts(clip, { durationS: 3 }, line)).toEqual({});
    expect(lengthCuts(clip, { durationS: 2.5 }, line)).toEqual({ wholeSecondsFromS: 2.5 });
    expect(lengthCuts({ durationS: 3.6 }, {}, line)).toEqual({ wholeSecondsFromS: 3.6 });
    expect(lengthCuts({ durationS: 0.5 }, {}, line)).toEqual({ wholeSecondsFromS: 0.5 });
    expect(lengthCuts(clip, { startS: 5, durationS: 6 }, PLATFORM_PRESETS.wechat)).toEqual({ pastEndToS: 2.55 });
    expect(lengthCuts(clip, { startS: 0.5, durationS: 9 }, undefined)).toEqual({ pastEndToS: 7.05 });
    // A frame's worth over the end is as asked; a clip of unknown length says nothing.
    expect(lengthCuts(clip, { startS: 4.55, durationS: 3.02 }, undefined)).toEqual({});
    expect(lengthCuts({ durationS: 0 }, { durationS: 9 }, line)).toEqual({});
  });
  it('in words', () => {
    expect(presetLengthText('line', 4)).toBe('a LINE animated sticker lasts at most 4 s: this one is the first 4 s of the part; pick another part with --start / --duration');
    expect(pastEndText(2.55)).toBe('the clip ends 2.55 s after the start asked, so the sticker is that long');
    expect(emptyEndsText({ start: 1.083, end: 0 })).toBe('nothing to cut out was found in the first 1.08 s of the part, so the sticker leaves it out');
    expect(emptyEndsText({ start: 0.5, end: 0.25 })).toBe('nothing to cut out was found in the first 0.50 s and the last 0.25 s of the part, so the sticker leaves them out');
  });
});
