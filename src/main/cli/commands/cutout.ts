// `cutout portrait` and `cutout anime`: cut the subject out of images, over a colour or
// transparent. Node only.
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/errors';
import { parseRefineMode, type Subject } from '../../../shared/jobs';
import { parseBackground } from '../../core/image/composite';
import { animatedInputText, cutoutToFile, isAnimationClip } from '../../core/pipelines/cutout';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { noteProviderFallback, planOutputs, type CliCommand } from '../command';

/**
 * What a flagged cut-out's "check it" line says (also batch's CLI lines; a sticker batch's with
 * `sticker`). `emptyOf`: the matte is empty, and the subject it was cut for (the other model may see one).
 */
export function reviewText(unsureShare: number, what: 'cut-out' | 'sticker' = 'cut-out', emptyOf?: Subject): string {
  if (emptyOf) return `nothing was found to cut out: the ${what} is empty (no ${emptyOf === 'anime' ? 'anime character' : 'person'} found); try ${emptyOf === 'anime' ? '`cutout portrait`' : '`cutout anime`'}, or paint Keep over the subject in the app (or pass --trimap)`;
  if (what === 'sticker') return `in a typical frame ${Math.round(unsureShare * 100)} % of the sticker is half transparent where the model was unsure; make it again in the app, trimmed, with the other subject or with Keep / Remove strokes`;
  return `${Math.round(unsureShare * 100)} % of the cut-out is half transparent where the model was unsure; touch it up with the brushes in the app (or pass --trimap)`;
}

function makeCutoutCommand(name: 'portrait' | 'anime', subject: Subject): CliCommand {
  return {
    name,
    summary: subject === 'person' ? 'cut people out of photos' : 'cut anime characters out of pictures',
    usage: `cutout ${name} IN... -o OUT [--bg '#438EDB'|white|blue|red|transparent|PICTURE] [--model ID] [--refine off|fast|full (default full)] [--trimap FILE] [--provider auto|cpu|webgpu|...] [--threads N]
  OUT is a file for one input, a folder for several. PNG and WebP keep transparency; .jpg has none, so a transparent cut-out is put on white (pass --bg for another colour).
  --bg PICTURE (a .jpg, .png, .webp ... file) places the cut-out on that picture, scaled to cover it and centred.`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          out: { type: 'string', short: 'o' },
          bg: { type: 'string', default: 'transparent' },
          model: { type: 'string' },
          refine: { type: 'string', default: 'full' },
          trimap: { type: 'string' },
          ...ENGINE_FLAGS,
          format: { type: 'string' },
        },
      });
      if (positionals.length === 0) throw new AppError('INVALID_ARGUMENT', `No input images. Usage: ${this.usage}`);
      if (!values.out) throw new AppError('INVALID_ARGUMENT', 'Missing -o OUT (a file for one input, a folder for several)');
      const refine = parseRefineMode(values.refine, '--refine');
      if (values.trimap && positionals.length > 1) throw new AppError('INVALID_ARGUMENT', '--trimap works with a single input');
      const background = parseBackground(values.bg!);
      const format = (values.format as 'png' | 'jpeg' | 'webp' | undefined) ?? (background.kind === 'transparent' ? 'png' : undefined);
      const env = envFromFlags(values);
      const outputs = await planOutputs(positionals, values.out, format === 'jpeg' ? 'jpg' : (format ?? 'png'), positionals.length > 1 ? '_cutout' : '');
      let failures = 0;
      let toReview = 0;
      for (let i = 0; i < positionals.length; i++) {
        try {
          const r = await cutoutToFile(
            positionals[i],
            outputs[i],
            { subject, modelId: values.model, background, refine, trimapPath: values.trimap, format: values.format ? format : undefined },
            env,
            { signal: io.signal },
          );
          io.out(`${positionals[i]} -> ${r.output} (${r.width}x${r.height}, ${r.modelId} on ${r.provider}, ${r.timings.totalMs.toFixed(0)} ms)`);
          if (i === 0) noteProviderFallback(io, values.provider, r.provider);
          if (r.frames) io.err(`note: ${positionals[i]} is ${animatedInputText(r.frames, isAnimationClip(r.format))}`);
          if (r.review.needsReview) {
            toReview++;
            io.out(`  check it: ${reviewText(r.review.unsureShare, 'cut-out', r.review.isEmpty ? subject : undefined)}`);
          }
        } catch (e) {
          if (positionals.length === 1) throw e;
          failures++;
          const err = e as AppError;
          io.err(`${err.code ?? 'INTERNAL'}: ${positionals[i]}: ${err.message}`);
        }
      }
      if (toReview > 0 && positionals.length > 1) io.out(`${toReview} of ${positionals.length} cut-outs need a look (see "check it" above)`);
      return failures > 0 ? 1 : 0;
    },
  };
}

/** `cutout portrait`. */
export const portraitCommand = makeCutoutCommand('portrait', 'person');
/** `cutout anime`. */
export const animeCommand = makeCutoutCommand('anime', 'anime');
