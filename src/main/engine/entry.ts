// Engine worker entry: a message loop from engine/host.ts to the core library, so pixel loops
// and inference never block the main process's event loop. Runs in a worker thread; never electron.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineDispatcher } from './engine-core';
import type { EngineConfig, FromEngine, ToEngine } from './protocol';

const port = parentPort;
if (!port) throw new Error('engine/entry.ts must run in a worker thread');

const dispatcher = new EngineDispatcher(workerData as EngineConfig, (message: FromEngine) => {
  // Transfer big byte arrays (previews, mattes) instead of copying them.
  const transfer: ArrayBuffer[] = [];
  if (message.type === 'result' && message.ok && message.value && typeof message.value === 'object') {
    for (const v of Object.values(message.value as Record<string, unknown>)) {
      if (v instanceof Uint8Array && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer)) transfer.push(v.buffer);
    }
  }
  port.postMessage(message, transfer);
});

port.on('message', (message: ToEngine) => {
  if (message.type === 'call') void dispatcher.call(message.id, message.op, message.arg);
  else if (message.type === 'cancel') dispatcher.cancel(message.id);
  else if (message.type === 'pause') dispatcher.setPaused(message.id, message.isPaused);
  else if (message.type === 'configure') dispatcher.configure(message.config);
});
