// Flicker table of stickers over a folder of eval clips (docs/quality.md, Stickers): for each clip,
// mean |Δα| between consecutive frames (‰) of the soft alpha and of the 1-bit GIF alpha, at
// stability 0 (no smoothing: the baseline, same run) and at each given stability; then, per
// stability, the smoothing's ghosts: pixels the model is sure are the subject (raw alpha ≥ 0.98)
// that the smoothing takes under 0.8, per million pixel-frames, summed over the clips. Quality, not
// speed: nothing is timed. Prints a markdown table; --json writes the numbers too.
//
//   npm run flicker -- --set anime_clips --model anime [--seconds 4] [--fps 12] [--stability 0.5,0.8] [--limit N] [--json FILE]
//   npm run flicker -- --from FILE      (the table again from a --json file, nothing re-run)
//
// --model takes person, anime (the default anime-mask model) or a model id from the models folder.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError } from '../src/shared/errors';
import { prepareSticker, renderSticker, restabilize, type PreparedSticker, type StickerOptions } from '../src/main/core/sticker/make-sticker';
import { meanAlphaChange } from '../src/main/core/sticker/temporal';
import { benchEnv } from './harness';

interface FlickerRow {
  clip: string;
  frames: number;
  /** ‰ per stability (the keys are the stabilities as written). */
  soft: Record<string, number>;
  gif: Record<string, number>;
  /** Sure-subject pixels dimmed by the smoothing (dimmedBySmoothing), per million, per stability. */
  dimmed?: Record<string, number>;
}

/** Pixels the model is sure are the subject (raw alpha ≥ 0.98) that the smoothed alpha has under 0.8, per million pixel-frames. */
export function dimmedBySmoothing(raw: readonly Float32Array[], smoothed: readonly Float32Array[]): number {
  let dimmed = 0;
  let n = 0;
  raw.forEach((r, t) => {
    const a = smoothed[t];
    for (let i = 0; i < r.length; i++) if (r[i] >= 0.98 && a[i] < 0.8) dimmed++;
    n += r.length;
  });
  return n === 0 ? 0 : (dimmed / n) * 1e6;
}

/**
 * Flicker (‰) of one prepared clip at each stability: the soft alpha and the 1-bit GIF alpha.
 * The clip is segmented once; only the smoothing is redone per stability (restabilize).
 */
export async function flickerByStability(prepared: PreparedSticker, options: StickerOptions, stabilities: number[]): Promise<{ soft: number; gif: number; dimmed: number }[]> {
  const out: { soft: number; gif: number; dimmed: number }[] = [];
  for (const stability of stabilities) {
    const p = restabilize(prepared, stability);
    out.push({ soft: meanAlphaChange(p.alphas) * 1000, gif: meanAlphaChange(await gifAlphas(p, { ...options, stability })) * 1000, dimmed: dimmedBySmoothing(prepared.rawAlphas, p.alphas) });
  }
  return out;
}

/**
 * The 1-bit alpha of every prepared frame as the GIF has it. A sticker leaves out frames at either
 * end that show nothing (a visual-novel scene before its character comes in), and is NO_SUBJECT
 * with none: those frames count as empty here, so each stability is measured over the same frames.
 */
async function gifAlphas(prepared: PreparedSticker, options: StickerOptions): Promise<Float32Array[]> {
  const rendered = await renderSticker(prepared, { ...options, format: 'gif' }).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'NO_SUBJECT') return null;
    throw error;
  });
  if (!rendered) return prepared.alphas.map(() => new Float32Array(1));
  const { first } = rendered.keptFrames ?? { first: 0 };
  const empty = new Float32Array(rendered.alphas[0].length);
  return prepared.alphas.map((_, t) => rendered.alphas[t - first] ?? empty);
}

/** The markdown table, then per stability the range of the change against stability 0 over the clips. */
function formatTable(set: string, stabilities: number[], rows: FlickerRow[]): string {
  const cols = (kind: 'soft' | 'gif') => stabilities.map((s) => `${kind === 'soft' ? 'soft' : 'GIF'}, ${s === 0 ? 'stability 0' : s}`);
  const lines = [
    `| clip (${set}) | frames | ${[...cols('soft'), ...cols('gif')].join(' | ')} |`,
    `|---|---:|${stabilities.map(() => '---:').join('|')}|${stabilities.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| ${r.clip.replace(/\.\w+$/, '')} | ${r.frames} | ${[...stabilities.map((s) => r.soft[s]), ...stabilities.map((s) => r.gif[s])].map((v) => v.toFixed(2)).join(' | ')} |`),
    '',
  ];
  for (const s of stabilities.slice(1)) {
    for (const kind of ['soft', 'gif'] as const) {
      // Clips with no flicker at all without smoothing (a still title card) have no change to show.
      const cut = rows.filter((r) => r[kind][0] > 0).map((r) => (1 - r[kind][s] / r[kind][0]) * 100).sort((a, b) => a - b);
      if (cut.length === 0) continue;
      lines.push(`stability ${s}, ${kind}: flicker lower by ${cut[0].toFixed(0)} … ${cut[cut.length >> 1].toFixed(0)} (median) … ${cut[cut.length - 1].toFixed(0)} % over ${cut.length} clips`);
    }
    const dimmed = rows.filter((r) => r.dimmed).map((r) => r.dimmed![s]);
    if (dimmed.length > 0) lines.push(`stability ${s}: sure-subject pixels dimmed under 0.8, ${dimmed.reduce((a, b) => a + b, 0).toFixed(0)} per million summed over ${dimmed.length} clips`);
  }
  return lines.join('\n') + '\n';
}

/** What `npm run flicker -- --help` prints. */
export const FLICKER_USAGE = `npm run flicker -- [--set anime_clips] [--model anime|person|ID] [--seconds 4] [--fps 12] [--stability 0.5,0.8] [--limit N] [--json FILE]
npm run flicker -- --from FILE
  For each clip of ../shared/eval/SET/clips: mean |Δα| between frames (‰) of the soft alpha and of the
  1-bit GIF alpha at stability 0 (the baseline) and at each stability given, and the pixels the smoothing
  dims (per million). Prints a markdown table; --json writes the numbers too; --from prints the table of such a file.
`;

/** The options, or a usage error (INVALID_ARGUMENT) saying where the help is (an unknown option printed a stack trace). */
function flickerArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        set: { type: 'string', default: 'anime_clips' },
        model: { type: 'string', default: 'anime' },
        seconds: { type: 'string', default: '4' },
        fps: { type: 'string', default: '12' },
        stability: { type: 'string', default: '0.5,0.8' },
        json: { type: 'string' },
        limit: { type: 'string' },
        from: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new AppError('INVALID_ARGUMENT', `${(error as Error).message} (npm run flicker -- --help says its options)`);
  }
}

/** A table saved by --json, for --from; a missing or unreadable file is said as such. */
function readSaved(path: string): { set: string; stabilities: number[]; rows: FlickerRow[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError('INPUT_NOT_FOUND', `--from ${path} cannot be read: ${(error as Error).message}`);
  }
  const saved = (() => {
    try {
      return JSON.parse(text) as { set?: unknown; stabilities?: unknown; rows?: unknown };
    } catch {
      return null;
    }
  })();
  if (!saved || typeof saved.set !== 'string' || !Array.isArray(saved.stabilities) || !Array.isArray(saved.rows)) {
    throw new AppError('INVALID_ARGUMENT', `--from ${path} is not a table that --json wrote`);
  }
  return saved as { set: string; stabilities: number[]; rows: FlickerRow[] };
}

export async function main(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { values } = flickerArgs(argv);
  if (values.help) {
    out(FLICKER_USAGE);
    return;
  }
  if (values.from) {
    const saved = readSaved(values.from);
    out(formatTable(saved.set, saved.stabilities, saved.rows));
    return;
  }
  // Numbers and the set said as usage errors (a typo ran on NaN, or printed ENOENT's stack).
  const number = (flag: string, text: string, isOk: (n: number) => boolean): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || !isOk(n)) throw new AppError('INVALID_ARGUMENT', `--${flag} ${text} is not a number it takes (npm run flicker -- --help)`);
    return n;
  };
  const stabilities = [0, ...values.stability!.split(',').map((t) => number('stability', t, (n) => n >= 0 && n <= 1))];
  const base = { model: values.model!, startS: 0, durationS: number('seconds', values.seconds!, (n) => n > 0), fps: number('fps', values.fps!, (n) => n > 0 && n <= 60), maxSidePx: 320 };
  const limit = values.limit === undefined ? undefined : number('limit', values.limit, (n) => Number.isInteger(n) && n > 0);
  const { sharedDir, env } = benchEnv();
  const clipsDir = join(sharedDir, 'eval', values.set!, 'clips');
  if (!existsSync(clipsDir)) throw new AppError('INPUT_NOT_FOUND', `No clips folder ${clipsDir}: --set names a folder of ${join(sharedDir, 'eval')} that holds clips/ (anime_clips, person_clips)`);
  const rows: FlickerRow[] = [];
  for (const clip of readdirSync(clipsDir).sort().slice(0, limit)) {
    const prepared = await prepareSticker(join(clipsDir, clip), base, env);
    const row: FlickerRow = { clip, frames: prepared.alphas.length, soft: {}, gif: {}, dimmed: {} };
    (await flickerByStability(prepared, base, stabilities)).forEach((f, k) => {
      row.soft[stabilities[k]] = f.soft;
      row.gif[stabilities[k]] = f.gif;
      row.dimmed![stabilities[k]] = f.dimmed;
    });
    rows.push(row);
    process.stderr.write(`${clip}: ${stabilities.map((s) => `${s}: ${row.soft[s].toFixed(2)} / ${row.gif[s].toFixed(2)} (dimmed ${row.dimmed![s].toFixed(0)})`).join(', ')}\n`);
  }
  out(formatTable(values.set!, stabilities, rows));
  if (values.json) writeFileSync(values.json, JSON.stringify({ set: values.set, ...base, stabilities, rows }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`flicker: ${error instanceof AppError ? `${error.code}: ${error.message}` : ((error as Error)?.stack ?? String(error))}\n`);
    process.exitCode = error instanceof AppError ? 2 : 1;
  });
}
