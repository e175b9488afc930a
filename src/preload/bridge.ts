// Builds the object preload exposes as window.api, from API_METHODS and EVENT_NAMES only: one
// invoke per method, typed event subscription, getPathForFile. Kept free of 'electron' imports
// (the ipcRenderer and webUtils arrive as arguments) so the contract test can build it in Node.
import { API_METHODS, eventChannel, isEventName, methodChannel, type PreloadBridge, type WireApi } from '../shared/api';

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, arg: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** Builds window.api. Nothing else (no ipcRenderer, no Node) reaches the page. */
export function buildBridge(ipc: IpcRendererLike, getPathForFile: (file: unknown) => string): PreloadBridge {
  const call: Record<string, (arg?: unknown) => Promise<unknown>> = {};
  for (const method of API_METHODS) {
    const channel = methodChannel(method);
    call[method] = (arg?: unknown) => ipc.invoke(channel, arg);
  }
  return {
    call: Object.freeze(call) as unknown as WireApi,
    on(event, listener) {
      if (!isEventName(event)) throw new Error(`Unknown event "${String(event)}"`);
      const channel = eventChannel(event);
      // The IPC event object is dropped: it carries a sender the page must not see.
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as never);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    },
    getPathForFile(file) {
      try {
        return getPathForFile(file);
      } catch {
        return '';
      }
    },
  };
}
