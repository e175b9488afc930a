// Finds the ffmpeg / ffprobe binaries and runs them as cancellable children whose failures carry
// the stderr tail. Core (no electron): the engine, the CLI and tests all resolve ffmpeg here.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError, CancelledError } from '../../../shared/errors';

/**
 * A file as ffmpeg and ffprobe are given it: its absolute path. A relative name was read as an
 * option when it starts with "-" ("-x.gif": Missing argument for option 'x.gif') and as a protocol
 * before a colon ("clip:1.gif": Protocol not found; "pipe:0.gif" read standard input).
 */
export function ffmpegFileArg(path: string): string {
  return resolve(path);
}

/** Where the ffmpeg tools are and how they were found. */
export interface FfmpegTools {
  ffmpeg: string;
  /** ffprobe, when one was found next to ffmpeg or on PATH; null: probe by parsing `ffmpeg -i`. */
  ffprobe: string | null;
  source: 'env' | 'ffmpeg-static' | 'path';
}

const EXE = process.platform === 'win32' ? '.exe' : '';

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const sep = process.platform === 'win32' ? ';' : ':';
  for (const dir of (env.PATH ?? '').split(sep).filter(Boolean)) {
    const p = join(dir, name + EXE);
    if (existsSync(p)) return p;
  }
  return null;
}

/** ffmpeg-static's binary path, or null when the optional dependency is not installed. */
function ffmpegStaticPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const p = require('ffmpeg-static') as string | null;
    // Inside a packaged app the binary lives in app.asar.unpacked (asar cannot exec).
    const fixed = p ? p.replace(`app.asar${process.platform === 'win32' ? '\\' : '/'}`, `app.asar.unpacked${process.platform === 'win32' ? '\\' : '/'}`) : null;
    return fixed && existsSync(fixed) ? fixed : null;
  } catch {
    return null;
  }
}

function siblingProbe(ffmpeg: string): string | null {
  const name = basename(ffmpeg).replace(/ffmpeg/i, 'ffprobe');
  if (name === basename(ffmpeg)) return null;
  const p = join(dirname(ffmpeg), name);
  return existsSync(p) ? p : null;
}

/**
 * Resolves ffmpeg in order: `CUTOUT_FFMPEG` (ffprobe from `CUTOUT_FFPROBE` or beside it), then
 * ffmpeg-static's binary, then `ffmpeg` on PATH. FFMPEG_MISSING names what was tried.
 */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegTools {
  const probeFromEnv = env.CUTOUT_FFPROBE && existsSync(env.CUTOUT_FFPROBE) ? env.CUTOUT_FFPROBE : null;
  if (env.CUTOUT_FFMPEG) {
    if (!existsSync(env.CUTOUT_FFMPEG)) {
      throw new AppError('FFMPEG_MISSING', `CUTOUT_FFMPEG points to ${env.CUTOUT_FFMPEG}, which does not exist`, { detail: { path: env.CUTOUT_FFMPEG } });
    }
    return { ffmpeg: env.CUTOUT_FFMPEG, ffprobe: probeFromEnv ?? siblingProbe(env.CUTOUT_FFMPEG), source: 'env' };
  }
  const bundled = ffmpegStaticPath();
  if (bundled) return { ffmpeg: bundled, ffprobe: probeFromEnv ?? siblingProbe(bundled) ?? findOnPath('ffprobe', env), source: 'ffmpeg-static' };
  const onPath = findOnPath('ffmpeg', env);
  if (onPath) return { ffmpeg: onPath, ffprobe: probeFromEnv ?? siblingProbe(onPath) ?? findOnPath('ffprobe', env), source: 'path' };
  throw new AppError('FFMPEG_MISSING', 'ffmpeg was not found: set CUTOUT_FFMPEG to its path, install ffmpeg-static, or put ffmpeg on PATH', {
    detail: { tried: ['CUTOUT_FFMPEG', 'ffmpeg-static', 'PATH'] },
  });
}

/**
 * ffmpeg for decoding a picture of a kind sharp does not read (a HEIC, a BMP): FFMPEG_MISSING says
 * which picture needed it, the cause's detail kept.
 */
export function ffmpegToDecode(picture: string, kind: string): string {
  try {
    return resolveFfmpeg().ffmpeg;
  } catch (cause) {
    if (!(cause instanceof AppError)) throw cause;
    throw new AppError('FFMPEG_MISSING', `${picture} is a ${kind} picture, which is decoded with ffmpeg, and ffmpeg is missing: ${cause.message}`, { cause, detail: { ...(cause.detail as object | undefined), picture } });
  }
}

/** Keeps the last `maxChars` characters of a child's stderr (ffmpeg puts the reason at the end). */
export class StderrTail {
  private text = '';
  constructor(private readonly maxChars = 4000) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }
  toString(): string {
    return this.text.slice(-this.maxChars).trim();
  }
}

/** Options of runTool. */
export interface RunToolOptions {
  signal?: AbortSignal;
  /** Bytes written to the child's stdin, then closed; omitted: stdin is ignored. */
  stdin?: Uint8Array;
  /** Collect stdout: as text (probe output, `true`) or as bytes (decoded pixels); default false (ignored). */
  captureStdout?: boolean | 'bytes';
  /** The most stdout bytes taken: past it the child is killed and the output marked `overflow` (a decode bigger than it said). */
  maxStdoutBytes?: number;
}

/** Stdout and stderr of a finished tool run. */
export interface ToolOutput {
  code: number;
  /** Stdout as text (captureStdout true), else empty. */
  stdout: string;
  /** Stdout as bytes (captureStdout 'bytes'), else empty. */
  stdoutBytes: Buffer;
  /** The child wrote more than maxStdoutBytes and was killed. */
  overflow?: boolean;
  /** The signal that ended the child (its `code` is then -1): SIGXFSZ is a file over the size limit. */
  killedBy?: NodeJS.Signals;
  stderr: string;
}

/**
 * Runs ffmpeg/ffprobe to completion. The child is killed when `signal` fires (CancelledError);
 * a non-zero exit is returned, not thrown, so the caller can map it to its own code.
 */
export function runTool(binary: string, args: string[], options: RunToolOptions = {}): Promise<ToolOutput> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(binary, args, { stdio: [options.stdin ? 'pipe' : 'ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'], signal, windowsHide: true });
    } catch (cause) {
      reject(new AppError('FFMPEG_MISSING', `Cannot start ${binary}: ${(cause as Error).message}`, { cause, detail: { path: binary } }));
      return;
    }
    const stderr = new StderrTail();
    const out: Buffer[] = [];
    child.stderr?.on('data', (c: Buffer) => stderr.push(c));
    let taken = 0;
    let overflow = false;
    child.stdout?.on('data', (c: Buffer) => {
      if (overflow) return;
      taken += c.length;
      if (options.maxStdoutBytes !== undefined && taken > options.maxStdoutBytes) {
        overflow = true;
        out.length = 0;
        child.kill('SIGKILL');
        return;
      }
      out.push(c);
    });
    if (options.stdin && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when the child exits early; its exit code tells why
      child.stdin.end(options.stdin);
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (signal?.aborted || err.name === 'AbortError') reject(new CancelledError());
      else if (err.code === 'ENOENT' || err.code === 'EACCES') reject(new AppError('FFMPEG_MISSING', `Cannot run ${binary} (${err.code})`, { cause: err, detail: { path: binary } }));
      else reject(new AppError('FFMPEG_FAILED', `${basename(binary)} failed: ${err.message}`, { cause: err, detail: { stderr: stderr.toString() } }));
    });
    child.on('close', (code, killedBy) => {
      if (signal?.aborted) return reject(new CancelledError());
      const bytes = Buffer.concat(out);
      resolve({
        code: code ?? -1,
        ...(killedBy ? { killedBy } : {}),
        stdout: options.captureStdout === true ? bytes.toString('utf8') : '',
        stdoutBytes: options.captureStdout === 'bytes' ? bytes : Buffer.alloc(0),
        stderr: stderr.toString(),
        ...(overflow ? { overflow } : {}),
      });
    });
  });
}

/** Each ffmpeg's decoders (`ffmpeg -decoders`), asked once a process. */
const decodersOf = new Map<string, Promise<ReadonlySet<string>>>();

/** Whether `ffmpeg` has the decoder `name` (libvpx-vp9: a Debian build and ffmpeg-static have it; a slim build may not). */
export async function hasDecoder(ffmpeg: string, name: string, signal?: AbortSignal): Promise<boolean> {
  let known = decodersOf.get(ffmpeg);
  if (!known) {
    known = runTool(ffmpeg, ['-hide_banner', '-decoders'], { signal, captureStdout: true }).then((out) => new Set([...out.stdout.matchAll(/^\s*[VAS][.A-Z]{5}\s+(\S+)/gm)].map((m) => m[1])));
    decodersOf.set(ffmpeg, known);
    known.catch(() => decodersOf.delete(ffmpeg));
  }
  return (await known).has(name);
}

/**
 * The last `count` non-empty lines of a tool's stderr on one line (ffmpeg says why at the end),
 * each without ffmpeg's "[mjpeg @ 0x5653f5c9f880] " prefix (the decoder's name and address, which
 * read as the app's internals).
 */
export function lastLines(stderr: string, count: number): string {
  return stderr
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(-count)
    .map((l) => l.replace(/^\[[^\]]* @ (?:0x)?[0-9a-f]+\]\s*/i, ''))
    .join(' | ');
}

/** The FFMPEG_FAILED error for a failed run: the last stderr lines are in the message and detail. */
export function ffmpegFailed(what: string, out: Pick<ToolOutput, 'code' | 'stderr' | 'killedBy'>): AppError {
  const last = lastLines(out.stderr, 3);
  const how = out.killedBy ? `killed by ${out.killedBy}` : `exit ${out.code}`;
  return new AppError('FFMPEG_FAILED', `ffmpeg failed while ${what} (${how})${last ? `: ${last}` : ''}`, { detail: { exitCode: out.code, ...(out.killedBy ? { signal: out.killedBy } : {}), stderr: out.stderr } });
}
