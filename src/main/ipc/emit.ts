// Typed sending of AppEvents to the window: events are queued until the renderer calls
// rendererReady (as Electron Fiddle does), and again after each reload. Main process (electron).
import type { WebContents } from 'electron';
import { eventChannel, type AppEvents, type EventName } from '../../shared/api';

/** Most events kept while the renderer is not ready. */
export const MAX_QUEUED_EVENTS = 1000;

/** Sends events to one window's renderer. */
export class RendererEmitter {
  private ready = false;
  private queue: Array<[EventName, unknown]> = [];
  private contents: WebContents | null = null;

  /** Attaches the window; a navigation (reload) makes it not-ready until it says so again. */
  attach(contents: WebContents): void {
    this.contents = contents;
    this.ready = false;
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.ready = false;
    });
    contents.once('destroyed', () => {
      if (this.contents === contents) this.contents = null;
    });
  }

  /** The renderer has subscribed: flush the queue. */
  markReady(): void {
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const [event, payload] of queued) this.send(event, payload);
  }

  /** Sends (or queues) one event. */
  emit = <E extends EventName>(event: E, payload: AppEvents[E]): void => {
    if (!this.ready || !this.contents || this.contents.isDestroyed()) {
      this.queue.push([event, payload]);
      if (this.queue.length > MAX_QUEUED_EVENTS) this.queue.shift();
      return;
    }
    this.send(event, payload);
  };

  private send(event: EventName, payload: unknown): void {
    if (this.contents && !this.contents.isDestroyed()) this.contents.send(eventChannel(event), payload);
  }
}
