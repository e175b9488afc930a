// The `cutout` command line: dispatches to sub-commands that drive the pure-Node core.
// Errors print one line `CODE: message` and exit non-zero. Node only (never electron).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, nearestName } from '../../shared/did-you-mean';
import { toWire } from '../../shared/errors';
import { projectResourcesDir } from './cli-env';
import { UsageError, type CliIo } from './command';
import { COMMANDS } from './commands/index';

function printHelp(io: CliIo): void {
  io.out('cutout: cut people and anime characters out of pictures and video, offline.\n');
  io.out('Commands:');
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  for (const c of COMMANDS) io.out(`  ${c.name.padEnd(width)}${c.summary}`);
  io.out('\nRun `cutout COMMAND --help` for its options, `cutout --version` for the version. Models are found in CUTOUT_MODELS_DIR, then resources/models.');
}

/** The app's version, from the project's package.json ('unknown' when it cannot be read). */
function projectVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(projectResourcesDir(), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.out(`cutout ${projectVersion()}`);
    return 0;
  }
  // `cutout help portrait` is `cutout portrait --help`.
  // `cutout help nonexist` is refused as `cutout nonexist` is (it printed the help and exited 0).
  if (name === 'help' && rest.length > 0) return runCli([rest[0], '--help'], io);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp(io);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const names = COMMANDS.map((c) => c.name);
    io.err(`INVALID_ARGUMENT: unknown command "${name}".${didYouMean(name, names)} Commands: ${names.join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.summary}\n\nusage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // A negative number after a flag (--limit -1) is taken as its value, for the flag's own check to
    // say what it takes (it said to write --limit=-1, which was then refused as out of range).
    const joined = (error as { code?: string })?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? negativeNumberJoined((error as Error).message, rest) : null;
    if (joined) return runCli([name, ...joined], io);
    const wire = toWire(error);
    if (wire.code === 'CANCELLED') {
      io.err('CANCELLED: stopped (Ctrl+C or kill); no half-written file is left');
      return 130;
    }
    const isParseError = ['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'].includes((error as { code?: string })?.code ?? '');
    io.err(isParseError ? `INVALID_ARGUMENT: ${parseErrorText((error as Error).message, rest, optionsOf(command.usage))}; see \`cutout ${command.name} --help\`` : `${wire.code}: ${wire.message}`);
    if (wire.code === 'INTERNAL' && process.env.CUTOUT_DEBUG) io.err(String((error as Error)?.stack));
    // A wrong command line exits 2, as an unknown command does; whatever failed on the way, 1.
    return isParseError || error instanceof UsageError ? 2 : 1;
  }
}

/**
 * Node's parseArgs message, in one line; a value that starts with "-" (`--duration -2`), which it
 * calls "ambiguous", is said plainly with the form that passes it.
 */
export function parseErrorText(message: string, argv: readonly string[], options: readonly string[] = []): string {
  const ambiguous = /^Option '(--?[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const flag = ambiguous[1];
    const value = argv[argv.indexOf(flag) + 1];
    // parseArgs takes --name=VALUE, and a short option's value written straight after it (-o-x).
    if (value !== undefined) return `${flag} ${value}: a value starting with "-" reads as another option; write ${flag.startsWith('--') ? `${flag}=${value}` : `${flag}${value}`} to pass it`;
  }
  // "Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the
  // end of the command after '--', as in '-- "--bogus"": the option, and where the options are.
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  // A mistyped option (--recursiv) is named with the one meant.
  if (unknown) {
    // Read without the dashes: "--nope" is not "--mode" (two letters of its four are off).
    const bare = (flag: string): string => flag.replace(/^-+/, '');
    const nearBare = nearestName(bare(unknown[1].replace(/=.*$/, '')), options.map(bare));
    const near = nearBare && `--${nearBare}`;
    return `unknown option ${unknown[1]} (${near ? `did you mean ${near}?` : 'a file name starting with "-" goes after --'})`;
  }
  // "Option '-o, --out <value>' argument missing": a flag given last, with no value.
  const missing = /^Option '(?:(-\w), )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1] ? `${missing[1]} (${missing[2]})` : missing[2]} needs a value after it`;
  return message.replace(/\s*\n\s*/g, ' ');
}

/** The long options a command's usage line names (--recursive, --max-side ...). */
export function optionsOf(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][\w-]*/g) ?? [])];
}

/**
 * The arguments with a long flag and the negative number after it that parseArgs called ambiguous
 * (`--limit -1`) written as one (`--limit=-1`); null for any other parse error or value.
 */
export function negativeNumberJoined(message: string, argv: readonly string[]): string[] | null {
  const flag = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message)?.[1];
  const at = flag ? argv.indexOf(flag) : -1;
  if (at < 0 || !/^-\d+(\.\d+)?$/.test(argv[at + 1] ?? '')) return null;
  return [...argv.slice(0, at), `${flag}=${argv[at + 1]}`, ...argv.slice(at + 2)];
}

/** How soon after a first stop signal a second one is taken as its echo (see main). */
export const SIGNAL_ECHO_MS = 500;

/**
 * Process entry: wires stdout/stderr, and Ctrl+C or `kill` (SIGINT / SIGTERM): the first cancels
 * (a batch keeps what it finished, `cutout serve` removes its session folder), a second exits at
 * once.
 */
export async function main(): Promise<void> {
  const controller = new AbortController();
  let firstSignalAt = 0;
  let signalExit: number | undefined;
  const stop = (exitCode: number) => (): void => {
    const now = Date.now();
    if (signalExit === undefined) {
      firstSignalAt = now;
      signalExit = exitCode;
      controller.abort();
      return;
    }
    // One Ctrl+C can come twice: from the terminal, and relayed by a launcher in front of node (tsx
    // does): that second one within a moment is the same stop, not "exit at once".
    if (now - firstSignalAt >= SIGNAL_ECHO_MS) process.exit(exitCode);
  };
  process.on('SIGINT', stop(130));
  process.on('SIGTERM', stop(143));
  const io: CliIo = {
    out: writerOf(process.stdout),
    err: writerOf(process.stderr),
    isTty: process.stderr.isTTY === true,
    signal: controller.signal,
  };
  const code = await runCli(process.argv.slice(2), io);
  // A stopped run exits by its signal: 130 for Ctrl+C (SIGINT), 143 for `kill` (SIGTERM).
  process.exitCode = code === 130 && signalExit !== undefined ? signalExit : code;
}

/**
 * Writes lines to a stream until its reader goes away (`cutout idphoto --list-specs | head`): then
 * the rest is dropped instead of an unhandled EPIPE. The work itself goes on and ends as it would.
 */
export function writerOf(stream: NodeJS.WritableStream): (line: string) => void {
  let isClosed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') isClosed = true;
    else throw error;
  });
  return (line) => {
    if (!isClosed) stream.write(`${line}\n`);
  };
}
