// `cutout eval`: scores a model (+ refinement) on an evaluation set with ground truth and prints
// a markdown table ending in one line per mean. Node only.
import { parseArgs } from 'node:util';
import { evaluateSet, formatEvalReport, listEvalPairs } from '../../core/eval/run-eval';
import { assertNotAnInput, writeFileAtomic } from '../../core/io/atomic-write';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { checkModelFlag, checkOutputFile, choiceFlag, type CliCommand, intFlag, terminalStatus, refineFlag, UsageError } from '../command';

/** `cutout eval`. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'score a model on an evaluation set (IoU, SAD, MSE, gradient error)',
  usage: `cutout eval --set DIR [--task person|anime (default person)] [--model ID] [--refine off|fast|full (default full)] [--limit N] [--json FILE] [--provider P] [--threads N]
       [--sticker [--max-side PX (default 320)]]
  DIR holds images/ and alpha/ (soft ground truth) or masks/ (binary). SAD and Grad are reported /1000.
  A picture that cannot be cut out (damaged, cut short) is said and left out, the others scored: exit 1.
  --sticker scores the sticker's per-frame path instead of a cut-out: image and truth area-averaged to
  PX on the long side, the map without temperature, guided upsampling, the probability stretch.`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        set: { type: 'string' },
        task: { type: 'string', default: 'person' },
        model: { type: 'string' },
        refine: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'string' },
        sticker: { type: 'boolean', default: false },
        'max-side': { type: 'string' },
        ...ENGINE_FLAGS,
      },
    });
    if (!values.set) throw new UsageError('Missing --set DIR');
    const task = choiceFlag(values.task, 'task', { person: 'person', anime: 'anime' } as const, 'person or anime')!;
    if (values['max-side'] !== undefined && !values.sticker) throw new UsageError('--max-side goes with --sticker');
    if (values.refine !== undefined && values.sticker) throw new UsageError('--refine does not go with --sticker (sticker frames are not refined)');
    const refine = refineFlag(values.refine ?? 'full');
    const stickerSidePx = values.sticker ? (intFlag(values['max-side'], 'max-side') ?? 320) : undefined;
    if (stickerSidePx !== undefined && !(stickerSidePx >= 16 && stickerSidePx <= 2048)) throw new UsageError(`--max-side must be 16..2048 px, got ${stickerSidePx}`);
    if (values.json) {
      await checkOutputFile(values.json);
      // The set's own pictures and truths are never written over (--json images/a.jpg replaced the picture with JSON, exit 0).
      await assertNotAnInput(values.json, (await listEvalPairs(values.set)).files);
    }
    const env = envFromFlags(values);
    await checkModelFlag(env, values.model);
    // On a terminal, one line redrawn in place (io.err wrote a new line for every image).
    const status = terminalStatus(io);
    const result = await evaluateSet(
      values.set,
      { subject: task, modelId: values.model, refine, limit: intFlag(values.limit, 'limit', undefined, { min: 1 }), stickerSidePx },
      env,
      { signal: io.signal, onProgress: (p) => status.show(`${p.done}/${p.total} ${p.detail ?? ''}`) },
    ).finally(() => status.clear());
    // The table first: a JSON that cannot be written after all (a full disk) leaves the scores said.
    io.out(formatEvalReport(result));
    if (values.json) await writeFileAtomic(values.json, JSON.stringify(result, null, 2));
    // A pair whose picture could not be cut out: each said whole, and exit 1 (the set scored is not the whole set).
    for (const u of result.unscored) io.err(`${u.code}: ${u.message}`);
    return result.unscored.length > 0 ? 1 : 0;
  },
};
