// `cutout sticker`: an anime (or person) clip to a transparent animated sticker (GIF, WebP, APNG,
// VP9 WebM), optionally fitted to a platform preset, with Keep / Remove strokes. Node only.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseHex } from '../../../shared/color';
import { AppError } from '../../../shared/errors';
import { DITHER_MODES, type DitherMode, type StickerReview, type StickerStroke } from '../../../shared/jobs';
import { flaggedRanges } from '../../../shared/sticker-review';
import { stickerHasPalette, stickerTakesColours } from '../../../shared/sticker-presets';
import type { ProgressSink } from '../../core/progress';
import { chatSizeText, cutShortFileText, decodeErrorsText, drawingRateText, emptyEndsText, gifFpsCapText, makeSticker, pastEndText, presetLengthText, presetSizeText, stickerOutputNamed, stoppedShortText, validateStickerOptions, wholeSecondsText, type StickerOptions } from '../../core/sticker/make-sticker';
import { findPlatformPreset, KB, SIZE_PRESETS, STICKER_FORMATS, stickerExtension, stickerFormatFromPath, type StickerFormat } from '../../core/sticker/presets';
import { BACKGROUND_PRESETS } from '../../core/image/composite';
import { ENGINE_FLAGS, envFromFlags } from '../cli-env';
import { asUsage, checkedAsUsage, choiceFlag, type CliCommand, intFlag, noteProviderFallback, numberFlag, planOutputs, filesThere, writtenOverText, progressText, secondsFlag, stageWords, terminalStatus, UsageError, outFlag, checkInputs } from '../command';
import { parseUserJson } from '../../core/io/user-json';
import { ownValue } from '../../../shared/own';

/** The colour names --matte and --outline-color take, as the help says them. */
const COLOUR_NAMES = 'white, black, blue (ID blue #438EDB), red (#D9342B) or grey (light, #F0F0F0)';

function parseSize(value: string | undefined): StickerOptions['size'] {
  if (value === undefined) return undefined;
  if (value === 'small' || value === 'medium' || value === 'large') return value;
  throw new UsageError(`--size must be small (160), medium (320) or large (512), got "${value}"`);
}

/** --strokes FILE: a JSON list of Keep / Remove strokes (StickerStroke; checked by makeSticker). */
async function readStrokes(path: string | undefined): Promise<StickerStroke[] | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AppError(missing ? 'INPUT_NOT_FOUND' : 'INVALID_ARGUMENT', missing ? `The strokes file ${path} does not exist` : `Cannot read the strokes file ${path}`, { cause });
  }
  try {
    return parseUserJson(text) as StickerStroke[];
  } catch {
    throw new UsageError(`${path} is not JSON: --strokes takes a list like [{"mode":"bg","size":0.1,"points":[{"x":0.9,"y":0.5}]}]`);
  }
}

/** --dither: none or ordered (a UsageError naming them otherwise). */
export function ditherFlag(value: string | undefined): DitherMode | undefined {
  return choiceFlag(value, 'dither', Object.fromEntries(DITHER_MODES.map((m) => [m, m])) as Record<string, DitherMode>, DITHER_MODES.join(' or '));
}

/**
 * What --matte, --colors and --dither do not do in a sticker of this format, said before the work
 * (they were taken and dropped unsaid): the matte is a GIF's 1-bit edge's; a palette is a GIF's, or
 * an APNG's given --colors or a preset (whose byte budget may need one); WebP and WebM keep true
 * colour and alpha. undefined when each flag given is used.
 */
export function unusedPaletteFlagsText(options: Pick<StickerOptions, 'matte' | 'maxColors' | 'dither' | 'preset'>, format: StickerFormat): string | undefined {
  const label = format === 'apng' ? 'an APNG' : format === 'webp' ? 'a WebP' : format === 'webm' ? 'a WebM' : 'a GIF';
  const unused: string[] = [];
  if (options.matte !== undefined && format !== 'gif') unused.push(`--matte (${label} keeps its soft edge: a GIF's 1-bit edge is blended with the matte)`);
  if (options.maxColors !== undefined && !stickerTakesColours(format)) unused.push(`--colors (${label} is not written with a palette)`);
  else if (options.dither === 'ordered' && !stickerHasPalette(format, options)) unused.push(`--dither (${label} is not written with a palette${format === 'apng' ? ' unless --colors is given' : ''})`);
  if (unused.length === 0) return undefined;
  return `${unused.length === 1 ? 'this is not used' : 'these are not used'}: ${unused.join('; ')}`;
}

/**
 * The CLI's line for a sticker that needs a look. `other` is the model to try instead; null when
 * there is none to suggest (the person model ran because no anime model is installed).
 */
export function stickerReviewText(review: StickerReview, other: 'person' | 'anime' | null): string {
  const n = review.frames.length;
  return (
    `in ${review.flaggedFrames} of the ${n} frame${n === 1 ? '' : 's'} taken from the clip, the model was unsure over a broad area (median ${Math.round(review.unsureShare * 100)} % half transparent; ` +
    `at ${flaggedRanges(review)}); trim those frames away${other ? `, try --model ${other}` : ''}, or paint Keep / Remove strokes (--strokes)`
  );
}

/** `cutout sticker`. */
export const stickerCommand: CliCommand = {
  name: 'sticker',
  summary: 'turn a clip (GIF, animated WebP, APNG, MP4, WebM, MOV, MKV) into a transparent animated sticker',
  usage: `cutout sticker CLIP -o OUT.gif [--start T] [--duration T] [--fps N] [--max-side PX | --size small|medium|large] [--format gif|webp|apng|webm]
       [--preset line|telegram|discord|wechat] [--model anime|person|ID] [--stability 0..1] [--threshold 0..1]
       [--matte '#FFFFFF'] [--outline PX] [--outline-color '#FFFFFF'] [--colors N] [--dither none|ordered] [--plays N] [--strokes FILE.json] [--provider auto|cpu|webgpu|...] [--threads N]
  OUT is the sticker's file, or a folder (there CLIP_sticker.gif, or the extension of --format / --preset).
  T: seconds (62.5) or a time as a player shows it (1:02.5, 0:01:02).
  --start and --duration: the part made; without --duration, the rest of the clip from --start (0), cut
  where a sticker holds no more frames (360 at most, fewer when large) and said. (The app's Stickers
  workspace starts with the first 3 s.)
  The format is OUT's extension (.gif .webp .png/.apng .webm). --format or --preset names it too: an OUT
  without an extension gets its extension, one with another extension is refused.
  --fps: frames a second, 1 to 60 (a GIF plays 50 at most: it is made at 50). Default 12, or the clip's
  rate if lower; a clip that holds its drawings (on twos, threes) fewer than 12 a second is made as drawn:
  each drawing one frame, held as long as the clip holds it (threes in a 30-fps file: 133, 133, 133 and
  100 ms), not unevenly at a steady rate. --fps sets a steady rate.
  --matte: the colour a GIF's hard (1-bit) edge is blended with (default white, for a light chat; a dark
  chat wants its own background, e.g. '#1E1E1E'). WebP, APNG and WebM keep soft edges and do not use it.
  --matte and --outline-color take #RRGGBB or ${COLOUR_NAMES}.
  --colors: a GIF's palette (2..256, default 255); an APNG given --colors is written with one.
  --dither: how a palette shows the colours between its entries: none (default) the nearest colour;
  ordered a fine pattern fixed to the frame: smoother soft shading (AI art) with few colours
  (--colors 32..64, or a preset's byte budget), but flat anime fills come out dotted and a clip that
  is a dithered GIF already can come out worse; 5-40 % larger.
  --plays: how many times a GIF, WebP or APNG plays (default 0: forever; a preset sets its own; a WebM's
  looping is up to its player).
  --strokes: Keep ("fg") / Remove ("bg") strokes that hold for every frame, points and size in fractions of
  the frame: [{"mode":"bg","size":0.1,"points":[{"x":0.9,"y":0.2},{"x":0.9,"y":0.8}]}]`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        start: { type: 'string' },
        duration: { type: 'string' },
        fps: { type: 'string' },
        'max-side': { type: 'string' },
        size: { type: 'string' },
        format: { type: 'string' },
        preset: { type: 'string' },
        model: { type: 'string', default: 'anime' },
        stability: { type: 'string' },
        threshold: { type: 'string' },
        matte: { type: 'string' },
        outline: { type: 'string' },
        'outline-color': { type: 'string' },
        plays: { type: 'string' },
        colors: { type: 'string' },
        dither: { type: 'string' },
        strokes: { type: 'string' },
        ...ENGINE_FLAGS,
      },
    });
    if (positionals.length !== 1) throw new UsageError(`Give exactly one clip. Usage: ${this.usage}`);
    checkInputs(positionals);
    values.out = outFlag(values.out, 'OUT (for example -o sticker.gif)');
    const asked = choiceFlag(values.format, 'format', Object.fromEntries(STICKER_FORMATS.map((f) => [f, f])) as Record<string, StickerFormat>, `one of ${STICKER_FORMATS.join(', ')}`);
    // One size: --size named the side and --max-side was dropped unsaid.
    if (values.size !== undefined && values['max-side'] !== undefined) throw new UsageError('--max-side and --size both set the size: give one of them');
    const options: StickerOptions = {
      model: values.model,
      startS: secondsFlag(values.start, 'start'),
      durationS: secondsFlag(values.duration, 'duration'),
      fps: numberFlag(values.fps, 'fps'),
      maxSidePx: intFlag(values['max-side'], 'max-side'),
      size: parseSize(values.size),
      format: asked,
      preset: values.preset,
      stability: numberFlag(values.stability, 'stability'),
      threshold: numberFlag(values.threshold, 'threshold'),
      matte: colourFlag(values.matte, 'matte'),
      outlinePx: numberFlag(values.outline, 'outline'),
      outlineColor: colourFlag(values['outline-color'], 'outline-color'),
      plays: intFlag(values.plays, 'plays'),
      maxColors: intFlag(values.colors, 'colors'),
      dither: ditherFlag(values.dither),
      // A folder named as the file is a wrong command line too (exit 2, as a file not JSON is; it exited 1).
      strokes: await readStrokes(values.strokes).catch((error: unknown) => {
        throw asUsage(error);
      }),
    };
    // A value out of range (--duration=-2, --preset myspace) is a wrong command line: exit 2, as a bad flag is.
    checkedAsUsage(() => validateStickerOptions(options));
    // A folder (one that is there, or a name ending in a slash) takes CLIP_sticker.EXT, as a batch names
    // it; made only now, with the flags checked.
    const writes = asked ?? (values.preset ? findPlatformPreset(values.preset)?.format : undefined) ?? 'gif';
    [values.out] = await planOutputs(positionals, values.out, stickerExtension(writes), '_sticker');
    options.format = asked ?? (values.preset ? undefined : stickerFormatFromPath(values.out));
    if (!values.preset && !options.format) throw new UsageError(`Cannot tell the format from ${values.out}: use .gif, .webp, .png or .webm, or --format`);
    // A platform sets its own size: a size asked for too is not used (it was dropped unsaid).
    const sizeFlag = values['max-side'] !== undefined ? '--max-side' : values.size !== undefined ? '--size' : undefined;
    if (options.preset && sizeFlag) io.err(`note: ${presetSizeText(options.preset, sizeFlag)}`);
    // And its own number of plays (LINE: 4 times in 4 s at most; the others forever): --plays too.
    const platform = options.preset ? findPlatformPreset(options.preset) : undefined;
    if (platform && values.plays !== undefined) io.err(`note: the ${platform.label} plays ${platform.loops === 0 ? 'forever' : platform.maxPlayS ? `up to ${platform.loops} times, ${platform.maxPlayS} s in all` : `${platform.loops} times`}: --plays is not used`);
    const unused = unusedPaletteFlagsText(options, options.format ?? findPlatformPreset(options.preset!)!.format);
    if (unused) io.err(`note: ${unused}`);
    // So is an OUT named as another format than --format or --preset writes (-o x.gif --format webm).
    // (The name it is written at: -o out with --format webm is out.webm.)
    const named = checkedAsUsage(() => stickerOutputNamed(values.out!, options)).output;
    const env = envFromFlags(values);
    // Off a terminal, one line as each stage begins (an encode that retries for a byte budget is one stage).
    let lastStage = '';
    const status = terminalStatus(io);
    const progress: ProgressSink = (e) => {
      if (io.isTty) status.show(progressText(e));
      else if (e.stage !== lastStage) {
        lastStage = e.stage;
        io.err(`${stageWords(e.stage)}…`);
      }
    };
    const there = filesThere([named]);
    // What the clip says of the flags (--start past its end) is a wrong command line, exit 2, as a value out of range is (it exited 1).
    const r = await makeSticker(positionals[0], values.out, options, env, { signal: io.signal, onProgress: progress })
      .catch((error: unknown) => {
        throw asUsage(error);
      })
      .finally(() => status.clear());
    const fpsCap = gifFpsCapText(options, r.format);
    if (fpsCap) io.err(`note: ${fpsCap}`);
    if (r.drawing) io.err(`note: ${drawingRateText(r.drawing, r.drawingsLeftOut, '--fps sets a steady rate')}`);
    if (r.modelFallback) io.err('note: no anime model is installed; used the person model (see `cutout models`)');
    noteProviderFallback(io, values.provider, r.provider);
    if (r.cutToS !== undefined) {
      io.err(`note: the clip is longer than one sticker holds (${r.review.frames.length} frames at this size and fps): this one is the ${r.cutToS.toFixed(2)} s from ${(options.startS ?? 0).toFixed(2)} s; pick another part with --start / --duration`);
    }
    if (r.endsAtS !== undefined) io.err(`note: ${stoppedShortText(r.endsAtS)}`);
    if (r.cutShortAtS !== undefined) io.err(`note: ${positionals[0]}: ${cutShortFileText(r.cutShortAtS)}`);
    if (r.decodeErrors !== undefined) io.err(`note: ${positionals[0]}: ${decodeErrorsText(r.decodeErrors)}`);
    if (r.presetCutToS !== undefined && options.preset) io.err(`note: ${presetLengthText(options.preset, r.presetCutToS)}`);
    if (r.pastEndToS !== undefined) io.err(`note: ${pastEndText(r.pastEndToS)}`);
    if (r.emptyEndsS) io.err(`note: ${emptyEndsText(r.emptyEndsS)}`);
    const preset = options.preset ? findPlatformPreset(options.preset) : undefined;
    // A part of a fraction of a second plays in whole ones on LINE (2.5 s: 3 s). Its length is
    // its delays' (a GIF merges repeated frames: frames / fps is not it).
    if (r.wholeSecondsFromS !== undefined && options.preset) io.err(`note: ${wholeSecondsText(options.preset, r.wholeSecondsFromS, r.delaysMs.reduce((a, b) => a + b, 0) / 1000)}`);
    if (!r.withinBudget) io.err(`warning: ${(r.bytes / KB).toFixed(0)} KB is over the ${r.preset} budget after ${r.attempts} attempts`);
    else if (r.shrunkToFit && preset) io.err(`note: made smaller to fit the ${preset.label}'s ${Math.round(preset.maxBytes / KB)} KB`);
    if (r.chatLimitBytes !== undefined) {
      // Only what would lighten it: no --size small for one made at 160 px or less, no lower --fps under 8.
      const lighter = [
        ...(Math.max(r.width, r.height) > SIZE_PRESETS.small ? ['--size small'] : []),
        'a shorter --duration',
        ...(r.fps > 8 ? ['a lower --fps'] : []),
      ];
      const colours = options.maxColors === undefined && r.format === 'apng' ? '--colors 64 (a palette)' : 'fewer --colors';
      io.err(`note: ${chatSizeText(r.bytes, r.format, { preset: '--preset NAME', lighter, colours })}`);
    }
    const t = r.timings;
    // Fewer frames in the file than taken at the rate (a GIF or WebP merges a frame that repeats the
    // one before into its delay): said so ("4 frames at 50.00 fps" read of delays of 100 to 140 ms).
    const taken = r.review.frames.length;
    const rate = r.drawing && r.format !== 'webm' ? `as drawn, ${r.fps.toFixed(2)} a second on average` : !r.drawing && r.frameCount < taken ? `(of ${taken} taken at ${r.fps.toFixed(2)} fps: repeats merged)` : `at ${r.fps.toFixed(2)} fps${r.drawing ? ', as drawn' : ''}`;
    io.out(
      `${positionals[0]} -> ${r.output} (${r.format}, ${r.width}x${r.height}, ${r.frameCount === 1 ? '1 frame' : `${r.frameCount} frames`} ${rate}, ${(r.bytes / KB).toFixed(1)} KB, ` +
        `${r.modelId} on ${r.provider}, ${r.repeatedFrames} repeated, ${r.sceneCuts} cuts, ${r.attempts} encode(s), ${t.totalMs.toFixed(0)} ms: segment ${t.segmentMs.toFixed(0)} refine ${t.refineMs.toFixed(0)} compose ${t.composeMs.toFixed(0)} encode ${t.encodeMs.toFixed(0)}${writtenOverText(r.output, there)})`,
    );
    if (r.review.needsReview) io.out(`  check it: ${stickerReviewText(r.review, r.modelFallback ? null : r.subject === 'anime' ? 'person' : 'anime')}`);
    return 0;
  },
};

/** A colour flag: '#RRGGBB', or a name the app's colours have (white, black, blue …) as its '#RRGGBB'; a UsageError naming the flag otherwise. */
export function colourFlag(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const named = ownValue(BACKGROUND_PRESETS, value.trim().toLowerCase());
  if (named) return named;
  if (!parseHex(value.trim())) throw new UsageError(`--${name} must be a colour, #RRGGBB or ${COLOUR_NAMES}; got "${value}"`);
  return value.trim();
}
