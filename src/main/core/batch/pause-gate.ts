// Pause/resume for long runs: workers await the gate before starting a new unit of work.
// Files already in flight finish; nothing new starts while paused. Core (no electron).
import { CancelledError } from '../../../shared/errors';

/** A gate that is open (work goes on) or closed (paused); waiters wake on resume or abort. */
export class PauseGate {
  private paused = false;
  private waiters: (() => void)[] = [];
  private readonly listeners = new Set<(isPaused: boolean) => void>();

  /** Whether the gate is closed. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Closes the gate: no new file starts until resume(). */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const l of this.listeners) l(true);
  }

  /** Opens the gate and wakes every waiter. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    for (const l of this.listeners) l(false);
  }

  /** Calls `listener` on every pause/resume; returns the unsubscribe function. */
  onChange(listener: (isPaused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves at once when open, else on resume; rejects with CancelledError when the signal fires. */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(new CancelledError());
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
