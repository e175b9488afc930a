// Cancellation helpers for the pure-Node core (loaded by the engine, the CLI and tests).
import { CancelledError } from '../../shared/errors';

/** Throws CancelledError when the signal has fired; call between frames, tiles and files. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Resolves after `delayMs`, or rejects with CancelledError as soon as the signal fires. */
export function sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
