// One refine + composite task: mask -> full-resolution alpha (refineMatte) -> composite, with the
// matte's unsure share. What refine-worker runs, and what runs in-thread when no worker is used.
// Kept apart from the worker entry, which listens on parentPort: imported into the engine's own
// worker thread, that entry would take the engine's messages for tasks. Core (no electron).
import { compositeOver } from '../image/composite';
import { ownAlphaOf } from '../matting/own-alpha';
import { refineMatte } from '../matting/refine';
import { isEmptyMatte, unsureShare } from '../matting/unsure-share';
import type { RunContext } from '../progress';
import type { RefineOutput, RefineTask } from './refine-pool';

/**
 * Runs one refine + composite task; `ctx.onProgress` hears the refine's steps (stage 'refine') and
 * the composite's start, and `ctx.signal` stops it where the refine checks (after the guided
 * filter, as its solve yields).
 */
export async function runRefineTask(task: Omit<RefineTask, 'id'>, ctx: RunContext = {}): Promise<RefineOutput> {
  const image = { data: task.data, width: task.width, height: task.height, isColourSubsampled: task.isColourSubsampled };
  const refined = await refineMatte({ image, mask: task.mask, maskW: task.maskW, maskH: task.maskH, mode: task.mode, trimap: task.trimap, shouldEstimateForeground: !task.isAlphaOnly }, ctx);
  // Seconds at 80 MP: said, so the refine's 100 % does not stand for it.
  ctx.onProgress?.({ stage: 'composite', done: 0, total: 1 });
  const own = ownAlphaOf(image);
  return { data: compositeOver(refined.foreground, refined.alpha, task.background).data, unsureShare: unsureShare(refined.alpha, task.width, task.height, own), isEmpty: isEmptyMatte(refined.alpha, own) };
}
