// worker_threads entry of the batch refine pool: mask -> full-resolution alpha (refineMatte) ->
// composite, off the main thread so several files refine at once. Pure typed arrays: no ORT, no
// sharp. Loaded by refine-pool.ts inside the engine, the CLI or tests (never electron).
import { parentPort } from 'node:worker_threads';
import { toWire } from '../../../shared/errors';
import { compositeOver } from '../image/composite';
import { ownAlphaOf } from '../matting/own-alpha';
import { refineMatte } from '../matting/refine';
import { isEmptyMatte, unsureShare } from '../matting/unsure-share';
import type { RefineOutput, RefineTask, RefineReply } from './refine-pool';

/** Runs one refine + composite task (also used in-thread when no worker is available). */
export async function runRefineTask(task: RefineTask): Promise<RefineOutput> {
  const image = { data: task.data, width: task.width, height: task.height };
  const refined = await refineMatte({ image, mask: task.mask, maskW: task.maskW, maskH: task.maskH, mode: task.mode });
  return { data: compositeOver(refined.foreground, refined.alpha, task.background).data, unsureShare: unsureShare(refined.alpha, task.width, task.height), isEmpty: isEmptyMatte(refined.alpha, ownAlphaOf(image)) };
}

parentPort?.on('message', (task: RefineTask) => {
  runRefineTask(task).then(
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
