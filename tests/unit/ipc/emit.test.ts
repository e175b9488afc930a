// RendererEmitter: events wait until the renderer says it is ready, are flushed in order, and
// wait again after a reload (a fake WebContents stands in for Electron's).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RendererEmitter } from '../../../src/main/ipc/emit';

class FakeContents extends EventEmitter {
  sent: Array<[string, unknown]> = [];
  destroyed = false;
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

describe('RendererEmitter', () => {
  it('queues until ready, flushes in order, queues again after a reload', () => {
    const emitter = new RendererEmitter();
    const contents = new FakeContents();
    emitter.attach(contents as never);
    emitter.emit('filesOpened', { paths: ['/a.png'] });
    emitter.emit('jobProgress', { jobId: 'j', stage: 'decode', done: 0, total: 1 });
    expect(contents.sent).toEqual([]);
    emitter.markReady();
    expect(contents.sent.map(([c]) => c)).toEqual(['app-event:filesOpened', 'app-event:jobProgress']);
    emitter.emit('jobFinished', { jobId: 'j', outcome: 'cancelled', elapsedMs: 5 });
    expect(contents.sent).toHaveLength(3);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    emitter.emit('filesOpened', { paths: ['/b.png'] });
    expect(contents.sent).toHaveLength(3);
    emitter.markReady();
    expect(contents.sent.at(-1)).toEqual(['app-event:filesOpened', { paths: ['/b.png'] }]);
  });

  it('never sends to a destroyed window', () => {
    const emitter = new RendererEmitter();
    const contents = new FakeContents();
    emitter.attach(contents as never);
    emitter.markReady();
    contents.destroyed = true;
    emitter.emit('filesOpened', { paths: [] });
    expect(contents.sent).toEqual([]);
  });
});
