// Fan-out of AppEvents to the browser pages connected over WebSocket; events sent while no
// page is connected are queued (bounded) and flushed to the first one. Node only (`cutout serve`).
import type { AppEvents, EventName } from '../../shared/api';
import { encodeWire } from '../../shared/wire-codec';

/** A connected page's socket, as far as the hub needs it. */
export interface HubClient {
  send(text: string): void;
}

/** Most events kept while no page is connected. */
export const MAX_QUEUED_EVENTS = 1000;

/** Broadcasts events to every connected client. */
export class EventHub {
  private readonly clients = new Set<HubClient>();
  private queue: string[] = [];

  /** Sends one event to every connected page (or queues it). */
  emit = <E extends EventName>(event: E, payload: AppEvents[E]): void => {
    const text = encodeWire({ event, payload });
    if (this.clients.size === 0) {
      this.queue.push(text);
      if (this.queue.length > MAX_QUEUED_EVENTS) this.queue.shift();
      return;
    }
    for (const c of this.clients) c.send(text);
  };

  /** Adds a client and flushes the queue to it; returns the remove function. */
  add(client: HubClient): () => void {
    this.clients.add(client);
    const queued = this.queue;
    this.queue = [];
    for (const text of queued) client.send(text);
    return () => this.clients.delete(client);
  }

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }
}
