// Temperature scaling of a mask model's probability map (the manifest's output.temperature).
import { describe, expect, it } from 'vitest';
import { applyTemperature } from '../../../../src/main/core/segment/mask-model';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

describe('applyTemperature', () => {
  it('maps p to sigmoid(logit(p) / T): 0.5 stays, values below T = 1 move away from 0.5, order kept', () => {
    const ps = [0.02, 0.1, 0.3, 0.45, 0.5, 0.55, 0.6, 0.8, 0.97];
    const map = Float32Array.from(ps);
    applyTemperature(map, 0.75);
    ps.forEach((p, i) => expect(map[i]).toBeCloseTo(sigmoid(logit(p) / 0.75), 6));
    expect(map[4]).toBeCloseTo(0.5, 7);
    ps.forEach((p, i) => {
      if (p < 0.5) expect(map[i]).toBeLessThan(p);
      if (p > 0.5) expect(map[i]).toBeGreaterThan(p);
      if (i > 0) expect(map[i]).toBeGreaterThan(map[i - 1]);
    });
  });

  it('stays within 2e-7 of the formula over the whole range (it reads a sampled curve)', () => {
    const n = 100_000;
    const map = new Float32Array(n);
    for (let i = 0; i < n; i++) map[i] = (i + 0.37) / n;
    const input = Float32Array.from(map);
    applyTemperature(map, 0.75);
    let maxErr = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.min(1 - 1e-6, Math.max(1e-6, input[i]));
      maxErr = Math.max(maxErr, Math.abs(map[i] - sigmoid(logit(p) / 0.75)));
    }
    expect(maxErr).toBeLessThan(2e-7);
  });

  it('T above 1 softens, T = 1 is the identity, and 0 / 1 stay finite', () => {
    const soft = Float32Array.from([0.1, 0.9]);
    applyTemperature(soft, 2);
    expect(soft[0]).toBeGreaterThan(0.1);
    expect(soft[1]).toBeLessThan(0.9);
    const same = Float32Array.from([0.1, 0.37, 0.9]);
    applyTemperature(same, 1);
    [0.1, 0.37, 0.9].forEach((p, i) => expect(same[i]).toBeCloseTo(p, 6));
    const ends = Float32Array.from([0, 1]);
    applyTemperature(ends, 0.5);
    expect(ends[0]).toBeGreaterThanOrEqual(0);
    expect(ends[0]).toBeLessThan(1e-9);
    expect(ends[1]).toBeLessThanOrEqual(1);
    expect(ends[1]).toBeGreaterThan(1 - 1e-9);
  });
});
