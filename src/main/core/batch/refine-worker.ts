// worker_threads entry of the refine pool: runs refine tasks (refine-task.ts) off the calling thread,
// so a batch refines several files at once and a cancel can stop one. Pure typed arrays: no ORT,
// no sharp. Started by refine-pool.ts inside the engine, the CLI or tests (never electron).
import { parentPort } from 'node:worker_threads';
import { toWire } from '../../../shared/errors';
import type { ProgressSink } from '../progress';
import type { RefineReply, RefineTask } from './refine-pool';
import { runRefineTask } from './refine-task';

parentPort?.on('message', (task: RefineTask) => {
  const onProgress: ProgressSink | undefined = task.tellsProgress
    ? (progress) => {
        const reply: RefineReply = { id: task.id, progress };
        parentPort!.postMessage(reply);
      }
    : undefined;
  runRefineTask(task, { onProgress }).then(
    (output) => {
      const reply: RefineReply = { id: task.id, ok: true, ...output };
      parentPort!.postMessage(reply, [output.data.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: RefineReply = { id: task.id, ok: false, error: toWire(error) };
      parentPort!.postMessage(reply);
    },
  );
});
