// The CLI's line writer when its reader goes away (`cutout … | head`): the rest is dropped, not an
// unhandled EPIPE; other stream errors still surface.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { writerOf } from '../../../src/main/cli/index';

/** A stream that records writes and emits what the test says. */
class FakeStream extends EventEmitter {
  written: string[] = [];
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
}

describe('writerOf', () => {
  it('writes lines until the reader closes (EPIPE), then drops the rest', () => {
    const stream = new FakeStream();
    const out = writerOf(stream as unknown as NodeJS.WritableStream);
    out('first');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    out('second');
    expect(stream.written).toEqual(['first\n']);
  });

  it('does not hide other write errors', () => {
    const stream = new FakeStream();
    writerOf(stream as unknown as NodeJS.WritableStream);
    expect(() => stream.emit('error', Object.assign(new Error('disk'), { code: 'EIO' }))).toThrow('disk');
  });
});
