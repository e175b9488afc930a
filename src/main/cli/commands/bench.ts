// `cutout bench`: runs the benchmark sections (bench/sections/*.ts) from a checkout. Node only.
import { asUsage, type CliCommand } from '../command';

/** What the benchmarks write and what their flags do: `cutout bench --help` and `npm run bench -- --help` both say it. */
export const BENCH_HELP = [
  '  Writes bench/results/<date>.json and latest.json in the checkout (ignored by git). A full run replaces',
  "  its sections' tables in docs/performance.md; --quick (smaller sizes, fewer runs) and --no-docs leave it alone.",
  '  --only: the sections to run (anime, batch, decode, dither, foreground, idphoto, matting, palette, portrait,',
  '  progress, shell, sticker, ui); the others keep their tables.',
].join('\n');

/** `cutout bench`. */
export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'run the benchmarks (JSON in bench/results, tables in docs/performance.md)',
  usage: `cutout bench [--quick] [--only portrait,matting,...] [--no-docs]\n${BENCH_HELP}`,
  async run(argv) {
    const { runBench } = await import('../../../../bench/run');
    // A section --only names that is none is a wrong command line (exit 2).
    await runBench(argv).catch((error: unknown) => {
      throw asUsage(error);
    });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  },
};
