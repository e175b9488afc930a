// exposureGain: how much a person model's or the face models' input is brightened, from the
// picture's 99th percentile of luma (pure; pictures made here).
import { describe, expect, it } from 'vitest';
import { EXPOSURE_GAIN_MAX, EXPOSURE_TARGET_P99, exposureGain } from '../../../../src/main/core/image/exposure';

/** A width x height RGBA picture of grey `level`, with the pixels at `bright` ([x, y]) white. */
function grey(level: number, width = 60, height = 40, bright: [number, number][] = []): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(width * height * 4).fill(level);
  for (const [x, y] of bright) data.fill(255, (y * width + x) * 4, (y * width + x) * 4 + 3);
  return { data, width, height };
}

describe('exposureGain', () => {
  it('leaves a picture exposed at or above the target as it is', () => {
    expect(exposureGain(grey(EXPOSURE_TARGET_P99))).toBe(1);
    expect(exposureGain(grey(230))).toBe(1);
  });

  it('brings a darker picture up to the target, at most by the cap', () => {
    expect(exposureGain(grey(85))).toBeCloseTo(EXPOSURE_TARGET_P99 / 85, 9);
    expect(exposureGain(grey(10))).toBe(EXPOSURE_GAIN_MAX);
    expect(exposureGain(grey(0))).toBe(EXPOSURE_GAIN_MAX);
  });

  it('reads the 99th percentile: a few specular pixels do not count, a lit part does', () => {
    // The sample of a 60 x 40 picture is 20 x 13 = 260 pixels (every third from 1): two white
    // ones among them (0.8 %) leave it dark, four (1.5 %) light it.
    const sampled = (k: number): [number, number][] => Array.from({ length: k }, (_, i) => [1 + 3 * i, 1]);
    expect(exposureGain(grey(40, 60, 40, sampled(2)))).toBe(EXPOSURE_GAIN_MAX);
    expect(exposureGain(grey(40, 60, 40, sampled(4)))).toBe(1);
  });

  it('is continuous in the percentile (frames of a clip do not jump)', () => {
    const gains = [168, 169, 170, 171].map((v) => exposureGain(grey(v)));
    for (let k = 1; k < gains.length; k++) expect(Math.abs(gains[k] - gains[k - 1])).toBeLessThan(0.01);
  });
});
