// `cutout portrait` and `cutout anime`: cut the subject out of images, over a colour or
// transparent. Node only.
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, isCancellation } from '../../../shared/errors';
import type { Background, Subject } from '../../../shared/jobs';
import { parseBackground } from '../../core/image/composite';
import { formatFromPath } from '../../core/image/encode';
import { assertSeparateOutputs } from '../../core/io/atomic-write';
import { animatedInputText, checkMaskOptions, cutoutToFile, downscaledInputText, isAnimationClip } from '../../core/pipelines/cutout';
import { ONE_CLIP_HINT } from '../../core/sticker/make-sticker';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { asUsage, checkedAsUsage, checkModelFlag, choiceFlag, type CliCommand, noteProviderFallback, planOutputs, filesThere, writtenOverText, progressText, qualityFlag, terminalStatus, refineFlag, UsageError, outFlag, fileFailureLine, checkInputs, lstatOrNull } from '../command';


/**
 * What a flagged cut-out's "check it" line says (also batch's CLI lines; a sticker batch's with
 * `sticker`). `emptyOf`: the matte is empty, and the subject it was cut for (the other model may see one).
 * `trimapHint`: how a trimap is given here ("pass --trimap"; a batch, which takes none, names the command).
 */
export function reviewText(unsureShare: number, what: 'cut-out' | 'sticker' = 'cut-out', emptyOf?: Subject, trimapHint = 'pass --trimap'): string {
  if (emptyOf) return `${reviewShareText(unsureShare, what, emptyOf)}; try ${emptyOf === 'anime' ? '`cutout portrait`' : '`cutout anime`'}, or paint Keep over the subject in the app (or ${trimapHint})`;
  return `${reviewShareText(unsureShare, what)}; ${reviewHint(what, 1, trimapHint)}`;
}

/** What reviewText says of the matte, without what to do (a batch's line: said once, reviewHint, under its count). */
export function reviewShareText(unsureShare: number, what: 'cut-out' | 'sticker' = 'cut-out', emptyOf?: Subject): string {
  if (emptyOf) return `nothing was found to cut out: the ${what} is empty (no ${emptyOf === 'anime' ? 'anime character' : 'person'} found${what === 'cut-out' ? '; one small in a large picture can be missed: crop closer' : ''})`;
  if (what === 'sticker') return `in a typical frame ${Math.round(unsureShare * 100)} % of the sticker is half transparent where the model was unsure`;
  return `${Math.round(unsureShare * 100)} % of the cut-out is half transparent where the model was unsure`;
}

/** What to do with `count` cut-outs (stickers) that need a look. */
export function reviewHint(what: 'cut-out' | 'sticker', count: number, trimapHint = 'pass --trimap'): string {
  const them = count === 1 ? 'it' : 'them';
  if (what === 'sticker') return `make ${count === 1 ? 'it' : 'each'} again trimmed, with the other model (--model) or with Keep / Remove strokes: in the app, or ${ONE_CLIP_HINT}`;
  return `touch ${them} up with the brushes in the app (or ${trimapHint})`;
}

/** The format an output's name says, or undefined for a name the encoder does not know. */
function formatOf(output: string): string | undefined {
  try {
    return formatFromPath(output);
  } catch {
    return undefined;
  }
}

/** --format's values as the encoder names them (jpg is jpeg). */
const FORMATS = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp' } as const;

/**
 * An output named for --format: a name without an extension gets the format's; one whose
 * extension says another type is refused (JPEG bytes in a .png confuse every viewer).
 */
export function withFormatExtension(output: string, format: 'png' | 'jpeg' | 'webp'): string {
  const ext = format === 'jpeg' ? 'jpg' : format;
  if (extname(output) === '') return `${output}.${ext}`;
  if (formatOf(output) !== format) throw new UsageError(`-o ${output} names another file type than --format ${format === 'jpeg' ? 'jpg' : format}: name it .${ext}, or leave --format out`, { detail: { path: output } });
  return output;
}

/** `--mask` (the matte alone, a greyscale PNG) with the flags it does not take: a wrong command line (exit 2). */
export function checkMaskFlags(background: Background | undefined, format: string | undefined, quality: string | undefined): void {
  if (background && background.kind !== 'transparent') throw new UsageError('--mask writes the matte alone: --bg does not go with it');
  if (format !== undefined && format !== 'png') throw new UsageError('--mask writes a PNG (8-bit grey, lossless): --format png, or leave --format out');
  if (quality !== undefined) throw new UsageError('--quality is for JPEG and WebP; --mask writes a lossless PNG');
}

function makeCutoutCommand(name: 'portrait' | 'anime', subject: Subject): CliCommand {
  return {
    name,
    summary: subject === 'person' ? 'cut people out of photos' : 'cut anime characters out of pictures',
    usage: `cutout ${name} IN... -o OUT [--bg '#438EDB'|white|blue|red|transparent|PICTURE] [--model ID] [--refine off|fast|full (default full)] [--trimap FILE] [--format png|jpg|webp] [--quality 1-100] [--mask] [--provider auto|cpu|webgpu|...] [--threads N]
  OUT is a file for one input, a folder for several or one (there NAME_${subject === 'anime' ? 'anime' : 'cutout'}.png, as a batch names them). PNG and WebP keep transparency; .jpg has none, so a transparent cut-out is put on white (pass --bg for another colour).
  --format: the file type (default: OUT's extension, else PNG; a name without an extension gets the type's); --quality: JPEG / WebP quality (default 92).
  --bg PICTURE (a .jpg, .png, .webp ... file) places the cut-out on that picture, scaled to cover it and centred.
  --mask writes the matte instead of the cut-out: an 8-bit greyscale PNG, white where the ${subject === 'anime' ? 'character' : 'person'} is, black where not, grey at the soft edge
  (a layer mask for an editor; into a folder, NAME_mask.png).`,
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
          quality: { type: 'string' },
          mask: { type: 'boolean', default: false },
        },
      });
      if (positionals.length === 0) throw new UsageError(`No input images. Usage: ${this.usage}`);
      checkInputs(positionals, io.err);
      values.out = outFlag(values.out, 'OUT (a file for one input, a folder for several)');
      const refine = refineFlag(values.refine);
      if (values.trimap && positionals.length > 1) throw new UsageError('--trimap works with a single input');
      // Off is the model's mask alone: the trimap was not used, unsaid.
      if (values.trimap && refine === 'off') throw new UsageError('--trimap is solved by the edge refinement: use --refine fast or full with it, not off');
      const background = checkedAsUsage(() => parseBackground(values.bg!));
      const asked = choiceFlag(values.format, 'format', FORMATS, 'png, jpg or webp');
      const mask = values.mask === true;
      if (mask) checkMaskFlags(background, asked, values.quality);
      const format = asked ?? (background.kind === 'transparent' ? 'png' : undefined);
      const quality = qualityFlag(values.quality);
      const env = envFromFlags(values);
      // A model no one has is a wrong command line, said once before any folder is made (it failed
      // each input, exit 1, after making the output folder); one not installed is said once too.
      await checkModelFlag(env, values.model);
      // Into a folder, named as a batch of the same mode names them (a_cutout.png, a_anime.png): one
      // input too, whose photo.png beside photo.jpg was written over (and a PNG input refused).
      const planned = await planOutputs(positionals, values.out, format === 'jpeg' ? 'jpg' : (format ?? 'png'), mask ? '_mask' : subject === 'anime' ? '_anime' : '_cutout');
      // A name without an extension gets the format's (-o same wrote a PNG named "same", and over a
      // file "same"); what stands there that is no file (a device, a folder) is left for the write
      // to refuse (-o /dev/null would have become /dev/null.png).
      const isNoFile = (path: string): boolean => {
        const info = lstatOrNull(path);
        return info !== null && !info.isFile() && !info.isSymbolicLink();
      };
      const outputs = planned.map((output) => ((asked || extname(output) === '') && !isNoFile(output) ? withFormatExtension(output, asked ?? format ?? 'png') : output));
      // An output named as a type the encoder does not write (-o x.bmp) is refused before any work.
      for (const output of outputs) checkedAsUsage(() => (mask ? checkMaskOptions(background, formatFromPath(output), output) : formatFromPath(output)));
      // Nothing read is written over: another input (b.jpg's b_cutout.png when b_cutout.png is an
      // input too), the --bg picture or the --trimap (OUTPUT_EXISTS, exit 1, as idphoto); nor two
      // outputs one file (a wrong command line, exit 2).
      await assertSeparateOutputs(
        outputs.map((path, i) => ({ path, what: `the output of ${positionals[i]}` })),
        [...positionals, ...(values.trimap ? [values.trimap] : []), ...(background.kind === 'image' ? [background.path] : [])],
      ).catch((error: unknown) => {
        throw asUsage(error);
      });
      // Said of the files written (-o photo.jpg is a JPEG, which takes it, whatever the default format).
      if (quality !== undefined && outputs.every((output) => formatOf(output) === 'png')) io.err('note: --quality is for JPEG and WebP; a PNG is lossless and does not use it');
      // A transparent cut-out (--bg transparent, the default) into a JPEG is put on white, said (it was unsaid, --bg transparent asked for too).
      if (!mask && background.kind === 'transparent' && outputs.some((output) => formatOf(output) === 'jpeg')) io.err('note: a JPEG has no transparency: the cut-out is put on white (write .png or .webp to keep it transparent, or pass --bg for another colour)');
      const there = filesThere(outputs);
      let failures = 0;
      let toReview = 0;
      // On a terminal, what the cut-out is doing (a big photo's full refine takes a minute).
      const status = terminalStatus(io);
      for (let i = 0; i < positionals.length; i++) {
        const which = positionals.length > 1 ? `[${i + 1}/${positionals.length}] ${positionals[i]}` : positionals[i];
        try {
          const r = await cutoutToFile(
            positionals[i],
            outputs[i],
            { subject, modelId: values.model, background, refine, trimapPath: values.trimap, format: asked, quality, ...(mask ? { mask } : {}) },
            env,
            { signal: io.signal, onProgress: (e) => status.show(`${which}: ${progressText(e)}`) },
          ).finally(() => status.clear());
          io.out(`${positionals[i]} -> ${r.output} (${mask ? 'mask ' : ''}${r.width}x${r.height}, ${r.modelId} on ${r.provider}, ${r.timings.totalMs.toFixed(0)} ms${writtenOverText(r.output, there)})`);
          if (i === 0) noteProviderFallback(io, values.provider, r.provider);
          if (r.frames) io.err(`note: ${positionals[i]} is ${animatedInputText(r.frames, isAnimationClip(r.format))}`);
          if (r.downscaled) io.err(`note: ${positionals[i]} is ${downscaledInputText(r.downscaled)}`);
          if (r.review.needsReview) {
            toReview++;
            // With a trimap given, the hint is to touch that one up ("pass --trimap" was said to one who had).
            io.out(`  check it: ${reviewText(r.review.unsureShare, 'cut-out', r.review.isEmpty ? subject : undefined, values.trimap ? `touch up ${values.trimap}` : undefined)}`);
          }
        } catch (e) {
          // Ctrl+C stops the run (exit 130), not only this file: the files after it never start.
          if (positionals.length === 1 || isCancellation(e)) throw e;
          failures++;
          io.err(fileFailureLine(e, positionals[i]));
        }
      }
      // Of the cut-outs made: a file that failed is none (1 of 3 read so with one failed).
      const made = positionals.length - failures;
      if (toReview > 0 && positionals.length > 1) io.out(`${toReview} of ${made} cut-out${made === 1 ? '' : 's'} made need${made === 1 ? 's' : ''} a look (see "check it" above)`);
      return failures > 0 ? 1 : 0;
    },
  };
}

/** `cutout portrait`. */
export const portraitCommand = makeCutoutCommand('portrait', 'person');
/** `cutout anime`. */
export const animeCommand = makeCutoutCommand('anime', 'anime');
