// The browser client's watch on `cutout serve` (createWebClient.onConnection), with a fake socket:
// its going is said once as 'lost' (a close, or a first connection that fails), its return as 'back'.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebClient, type MiniWebSocket } from '../../../src/shared/api-client';

/** Sockets the client opened, newest last; each is opened or closed by the test. */
const sockets: MiniWebSocket[] = [];
class FakeSocket implements MiniWebSocket {
  onmessage: MiniWebSocket['onmessage'] = null;
  onclose: MiniWebSocket['onclose'] = null;
  onopen: MiniWebSocket['onopen'] = null;
  onerror: MiniWebSocket['onerror'] = null;
  constructor() {
    sockets.push(this);
  }
  close(): void {
    this.onclose?.({});
  }
}

afterEach(() => {
  vi.useRealTimers();
  sockets.length = 0;
});

describe('the web client watching the engine', () => {
  it("says 'lost' once when the socket closes, retries, and 'back' when one opens", async () => {
    vi.useFakeTimers();
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:1', fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as never, WebSocket: FakeSocket as never });
    const heard: string[] = [];
    client.onConnection((s) => heard.push(s));
    sockets[0].onopen?.({});
    expect(heard).toEqual([]);
    sockets[0].close();
    expect(heard).toEqual(['lost']);
    // Each retry that fails says nothing more.
    vi.advanceTimersByTime(1000);
    sockets[1].close();
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual(['lost']);
    sockets[2].onopen?.({});
    expect(heard).toEqual(['lost', 'back']);
    // A call that cannot connect is ENGINE_UNREACHABLE (it was INTERNAL).
    await expect(client.getSettings()).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' });
    client.close();
  });

  it("a page whose first connection fails hears 'lost', then 'back' when the engine is reached", () => {
    vi.useFakeTimers();
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:1', WebSocket: FakeSocket as never });
    const heard: string[] = [];
    client.onConnection((s) => heard.push(s));
    sockets[0].close();
    vi.advanceTimersByTime(1000);
    sockets[1].onopen?.({});
    expect(heard).toEqual(['lost', 'back']);
    client.close();
  });
});
