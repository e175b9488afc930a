// What a batch's per-file event carries to the app (desktop and browser alike).
import { describe, expect, it } from 'vitest';
import { batchItemOf } from '../../../src/main/engine/run-job';

describe('batchItemOf', () => {
  it('carries every field the row shows, an earlier run\'s output still there included, and leaves out what the entry has not', () => {
    const item = batchItemOf({ input: '/in/a.jpg', status: 'failed', output: '/out/a_cutout.png', code: 'INPUT_UNSUPPORTED', message: 'cut short', errorKind: 'damaged', staleOutput: '/out/a_cutout.png', elapsedMs: 12 });
    expect(item).toEqual({ input: '/in/a.jpg', status: 'failed', output: '/out/a_cutout.png', code: 'INPUT_UNSUPPORTED', message: 'cut short', errorKind: 'damaged', staleOutput: '/out/a_cutout.png' });
    // An input not found has no output: none is sent (not an empty path).
    expect(batchItemOf({ input: '/in/gone.jpg', status: 'failed', output: '', code: 'INPUT_NOT_FOUND' })).toEqual({ input: '/in/gone.jpg', status: 'failed', code: 'INPUT_NOT_FOUND' });
  });
});
