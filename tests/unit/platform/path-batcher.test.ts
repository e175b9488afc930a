// The files the OS hands over a file at a time (macOS open-file, a second instance per file on
// Windows) are one opening.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pathBatcher } from '../../../src/main/platform/path-batcher';

describe('pathBatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('delivers the paths of calls close together once, in order and each once; a later call is another opening', () => {
    vi.useFakeTimers();
    const delivered: string[][] = [];
    const hand = pathBatcher((paths) => delivered.push(paths), 150);
    hand(['/p/a.jpg']);
    vi.advanceTimersByTime(100);
    hand(['/p/b.jpg']);
    vi.advanceTimersByTime(100);
    hand(['/p/c.jpg', '/p/a.jpg']);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(150);
    // Five pictures opened with the app arrived as five openings, and the page kept the last.
    expect(delivered).toEqual([['/p/a.jpg', '/p/b.jpg', '/p/c.jpg']]);
    hand([]);
    vi.advanceTimersByTime(150);
    expect(delivered).toEqual([['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'], []]);
  });
});
