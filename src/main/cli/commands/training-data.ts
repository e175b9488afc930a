// `cutout training-data`: writes segmentation training pairs (images/, annotations/ with class
// ids 0/1) from cut-outs, corrected by edited trimaps or alphas when given. Node only.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/errors';
import { writeTrainingPairs, type TrainingSource } from '../../core/matting/training-data';
import { downscaledInputText } from '../../core/pipelines/cutout';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { checkModelFlag, numberFlag, refineFlag, UsageError, type CliCommand, outFlag, checkInputs } from '../command';

/** The file DIR/<stem of input>.png, if it exists. */
function companion(dir: string | undefined, input: string): string | undefined {
  if (!dir) return undefined;
  const p = join(dir, `${basename(input, extname(input))}.png`);
  return existsSync(p) ? p : undefined;
}

/** `cutout training-data`. */
export const trainingDataCommand: CliCommand = {
  name: 'training-data',
  summary: 'export cut-outs as segmentation training pairs (images/, annotations/ 0/1)',
  usage: `cutout training-data IN... -o DIR [--subject person|anime (default person)] [--model ID] [--refine off|fast|full] [--trimaps DIR] [--alphas DIR] [--threshold 0.5] [--image-format jpg|png] [--provider P] [--threads N]
  For each IN, DIR/images/<name>.jpg and DIR/annotations/<name>.png (0 background, 1 subject).
  An alpha DIR/<name>.png in --alphas is used as the label as is; else a trimap <name>.png in
  --trimaps (0/128/255, as saved by the editor) guides the matting; else the model's cut-out.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        subject: { type: 'string', default: 'person' },
        model: { type: 'string' },
        refine: { type: 'string', default: 'full' },
        trimaps: { type: 'string' },
        alphas: { type: 'string' },
        threshold: { type: 'string' },
        'image-format': { type: 'string', default: 'jpg' },
        ...ENGINE_FLAGS,
      },
    });
    if (positionals.length === 0) throw new UsageError(`No input images. Usage: ${this.usage}`);
    checkInputs(positionals, io.err);
    values.out = outFlag(values.out, 'DIR');
    if (values.subject !== 'person' && values.subject !== 'anime') throw new UsageError('--subject must be person or anime');
    const refine = refineFlag(values.refine);
    const format = values['image-format'];
    if (format !== 'jpg' && format !== 'png') throw new UsageError('--image-format must be jpg or png');
    const threshold = numberFlag(values.threshold, 'threshold');
    if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) throw new UsageError(`--threshold must be in (0, 1], got "${values.threshold}"`);
    for (const [flag, dir] of [['--trimaps', values.trimaps], ['--alphas', values.alphas]] as const) {
      if (!dir) continue;
      const info = statSync(dir, { throwIfNoEntry: false });
      if (!info) throw new AppError('INPUT_NOT_FOUND', `Folder not found: ${dir}`);
      // A file given here was looked into as a folder, found nothing, and the model's label was used unsaid.
      if (!info.isDirectory()) throw new UsageError(`${flag} names a folder holding <name>.png for each input; ${dir} is a file`);
    }
    const sources: TrainingSource[] = positionals.map((image) => ({ image, trimap: companion(values.trimaps, image), alpha: companion(values.alphas, image) }));
    const env = envFromFlags(values);
    await checkModelFlag(env, values.model);
    // Each pair said as it is written, each input that fails as it fails; the others go on (exit 1 if any failed).
    const { failures } = await writeTrainingPairs(sources, values.out, { cutout: { subject: values.subject, modelId: values.model, refine }, threshold, imageFormat: format }, env, {
      signal: io.signal,
      onPair: (p) => {
        io.out(`${p.id}: ${p.annotation} (label from ${p.labelSource === 'alpha' ? 'alpha' : p.labelSource === 'model' ? `model ${p.modelId}` : `trimap, model ${p.modelId}`}, ${(p.foregroundShare * 100).toFixed(1)} % subject${p.isWrittenOver ? ', written over the pair there' : ''})`);
        if (p.downscaled) io.err(`note: ${p.id}: the picture is ${downscaledInputText(p.downscaled)}; the pair is made at that size`);
      },
      onFailure: (f) => io.err(`${f.code}: ${f.image}: ${f.message}`),
    });
    if (failures.length > 0 && sources.length > 1) io.err(`${failures.length} of ${sources.length} inputs failed (listed above); the other pairs are written`);
    return failures.length > 0 ? 1 : 0;
  },
};
