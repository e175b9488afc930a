// `npm run bench [-- --quick] [-- --only id,id]`: runs every bench/sections/*.ts, writes
// bench/results/<date>.json + latest.json and the tables into docs/performance.md between
// markers (the prose around them is kept). Node (tsx).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError } from '../src/shared/errors';
import { BENCH_HELP } from '../src/main/cli/commands/bench';
import { benchEnv, measure, REPO_ROOT as repoRoot, type BenchContext, type BenchRow, type BenchSection } from './harness';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function fmt(v: number | undefined, digits = 1): string {
  return v === undefined || Number.isNaN(v) ? '' : v.toFixed(digits);
}

function toMarkdown(section: BenchSection, rows: BenchRow[]): string {
  const lines = [`### ${section.title}`, '', '| what | median ms | p10–p90 ms | n | value | note |', '|---|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const spread = r.p10Ms !== undefined && r.p90Ms !== undefined ? `${fmt(r.p10Ms)}–${fmt(r.p90Ms)}` : '';
    const value = r.value !== undefined ? `${fmt(r.value, r.value >= 100 ? 0 : 2)} ${r.unit ?? ''}`.trim() : '';
    lines.push(`| ${r.name} | ${fmt(r.medianMs)} | ${spread} | ${r.n ?? ''} | ${value} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}

/** Runs the benchmark sections named by argv (`--quick`, `--only a,b`, `--no-docs`). */
export async function runBench(argv: string[]): Promise<void> {
  const { values } = parseBenchArgs(argv);
  if (values.help) {
    process.stdout.write(`npm run bench [-- --quick] [-- --only id,id] [-- --no-docs]\n${BENCH_HELP}\n`);
    return;
  }
  const { sharedDir, env } = benchEnv();
  // (An empty --only, from a variable left empty, names no section: it ran them all.)
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map((id) => id.trim()));
  const dir = join(repoRoot, 'bench', 'sections');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const results: { id: string; title: string; rows: BenchRow[]; error?: string }[] = [];
  // Each section's temporary folders, removed after it and on Ctrl+C (the results so far are kept, below).
  const temps: string[] = [];
  const removeTemps = (): void => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), `cutout-bench-${prefix}-`));
    temps.push(dir);
    return dir;
  };
  const ctx: BenchContext = { env, repoRoot, sharedDir, quick: values.quick!, measure, log: (l) => process.stderr.write(`  ${l}\n`), tempDir };
  const sections: BenchSection[] = [];
  for (const file of files) {
    const { section } = (await import(pathToFileURL(join(dir, file)).href)) as { section?: BenchSection };
    if (section) sections.push(section);
  }
  // A section id that is none (a typo) is refused before anything runs: it ran nothing and wrote
  // an empty latest.json over the last results.
  const unknown = [...(only ?? [])].filter((id) => !sections.some((s) => s.id === id));
  if (only && [...only].every((id) => id === '')) throw new AppError('INVALID_ARGUMENT', `--only names no section: the sections are ${sections.map((s) => s.id).join(', ')} (leave --only out to run them all)`);
  if (unknown.length > 0) throw new AppError('INVALID_ARGUMENT', `--only names no section ${unknown.map((id) => `"${id}"`).join(', ')}: the sections are ${sections.map((s) => s.id).join(', ')}`);
  // The machine's load said beside the figures: a busy shared machine reads 3× slower (the decode
  // table once went 65 → 232 ms at a load of 9.5 on 2 cores, and nothing in it said why).
  const loadAtStart = loadavg()[0];
  const cores = cpus().length;
  if (loadAtStart > cores) process.stderr.write(`bench: the machine is busy (load ${loadAtStart.toFixed(1)} on ${cores} cores): its figures will read slow${values['no-docs'] || values.quick ? '' : ', and the tables written say that load'}\n`);
  /** The machine as the results are written: its load at the start and now. */
  const machineNow = () => {
    const load = { start: +loadAtStart.toFixed(2), end: +loadavg()[0].toFixed(2) };
    return { load, machine: { cpus: cores, cpuModel: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${process.platform}-${process.arch}`, load1Min: load } };
  };
  const outDir = join(repoRoot, 'bench', 'results');
  const writeResults = (name: string, stamp: string): string => {
    mkdirSync(outDir, { recursive: true });
    const json = JSON.stringify({ stamp, machine: machineNow().machine, quick: values.quick, results }, null, 2);
    writeFileSync(join(outDir, name), json);
    return json;
  };
  // Ctrl+C: the temporary folders removed, the sections finished so far kept (in a file of their own: latest.json stays the last whole run's).
  process.once('SIGINT', () => {
    removeTemps();
    if (results.length > 0) writeResults(`interrupted-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, new Date().toISOString());
    process.stderr.write('bench: stopped (Ctrl+C)\n');
    process.exit(130);
  });
  for (const section of sections) {
    if (only && !only.has(section.id)) continue;
    process.stderr.write(`bench: ${section.id} (${section.title})\n`);
    try {
      const rows = await section.run(ctx);
      results.push({ id: section.id, title: section.title, rows });
      process.stdout.write(`${toMarkdown(section, rows)}\n\n`);
    } catch (e) {
      const message = (e as Error).stack ?? String(e);
      process.stderr.write(`bench: ${section.id} failed: ${message}\n`);
      results.push({ id: section.id, title: section.title, rows: [], error: (e as Error).message });
      process.exitCode = 1;
    } finally {
      removeTemps();
    }
  }
  const { load, machine } = machineNow();
  const stamp = new Date().toISOString();
  const json = writeResults(`${stamp.replace(/[:.]/g, '-')}.json`, stamp);
  writeFileSync(join(outDir, 'latest.json'), json);
  if (values['no-docs'] || values.quick) return;
  // Merge: a section run now replaces its old table; sections not run keep theirs.
  const docPath = join(repoRoot, 'docs', 'performance.md');
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : `# Performance\n\n${START}\n${END}\n`;
  const [head, rest] = doc.includes(START) ? doc.split(START) : [doc + '\n', `${END}\n`];
  const [body, tail] = rest.split(END);
  const old = new Map<string, string>();
  for (const block of body.split(/\n(?=<!-- section:)/)) {
    const m = /<!-- section:([\w-]+) -->/.exec(block);
    if (m) old.set(m[1], block.trim());
  }
  for (const r of results) {
    if (r.error) continue;
    const section = { id: r.id, title: r.title } as BenchSection;
    old.set(r.id, `<!-- section:${r.id} -->\n${toMarkdown(section, r.rows)}\n\n_Measured ${stamp.slice(0, 16)}Z on ${machine.cpus}× ${machine.cpuModel}, ${machine.node}, load ${load.start.toFixed(1)} at the start and ${load.end.toFixed(1)} at the end (1-minute averages)._`);
  }
  const merged = [...old.values()].join('\n\n');
  writeFileSync(docPath, `${head}${START}\n${merged}\n${END}${tail ?? '\n'}`);
}

/** The bench's flags; a flag it has not, or one without its value, is INVALID_ARGUMENT (it printed a stack). */
function parseBenchArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'no-docs': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    throw new AppError('INVALID_ARGUMENT', `${(error as Error).message} (npm run bench -- --help says its options)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runBench(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof AppError ? `${error.code}: ${error.message}` : ((error as Error)?.stack ?? String(error))}\n`);
    process.exitCode = error instanceof AppError ? 2 : 1;
  });
}
