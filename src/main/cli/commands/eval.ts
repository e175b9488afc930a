// `cutout eval`: scores a model (+ refinement) on an evaluation set with ground truth and prints
// a markdown table ending in one line per mean. Node only.
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/errors';
import { parseRefineMode } from '../../../shared/jobs';
import { evaluateSet, formatEvalReport } from '../../core/eval/run-eval';
import { writeFileAtomic } from '../../core/io/atomic-write';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { intFlag, type CliCommand } from '../command';

/** `cutout eval`. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'score a model on an evaluation set (IoU, SAD, MSE, gradient error)',
  usage: `cutout eval --set DIR --task person|anime [--model ID] [--refine off|fast|full (default full)] [--limit N] [--json FILE] [--provider P]
  DIR holds images/ and alpha/ (soft ground truth) or masks/ (binary). SAD and Grad are reported /1000.`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        set: { type: 'string' },
        task: { type: 'string', default: 'person' },
        model: { type: 'string' },
        refine: { type: 'string', default: 'full' },
        limit: { type: 'string' },
        json: { type: 'string' },
        ...ENGINE_FLAGS,
      },
    });
    if (!values.set) throw new AppError('INVALID_ARGUMENT', 'Missing --set DIR');
    if (values.task !== 'person' && values.task !== 'anime') throw new AppError('INVALID_ARGUMENT', '--task must be person or anime');
    const refine = parseRefineMode(values.refine, '--refine');
    const env = envFromFlags(values);
    const result = await evaluateSet(
      values.set,
      { subject: values.task, modelId: values.model, refine, limit: intFlag(values.limit, 'limit') },
      env,
      { signal: io.signal, onProgress: (p) => io.isTty && io.err(`\r${p.done}/${p.total} ${p.detail ?? ''}`.padEnd(60)) },
    );
    if (values.json) await writeFileAtomic(values.json, JSON.stringify(result, null, 2));
    io.out(formatEvalReport(result));
    return 0;
  },
};
