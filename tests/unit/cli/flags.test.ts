// The CLI's flag parsers and its terminal status lines (what `cutout portrait`, `cutout sticker` and `cutout batch`
// draw while they work).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatStatusLine } from '../../../src/main/cli/commands/batch';
import { type CliIo, fitToTerminal, intFlag, numberFlag, progressText, secondsFlag, terminalStatus, UsageError } from '../../../src/main/cli/command';
import { createCliEnv } from '../../../src/main/cli/cli-env';

describe('secondsFlag', () => {
  it('takes seconds, or a time as a player shows it (M:SS, H:MM:SS, with a fraction), and refuses the rest as a wrong command line', () => {
    expect(secondsFlag('62.5', 'start')).toBe(62.5);
    expect(secondsFlag('1:02.5', 'start')).toBe(62.5);
    expect(secondsFlag('0:01:02', 'start')).toBe(62);
    expect(secondsFlag('1:00:00', 'start')).toBe(3600);
    expect(secondsFlag('90:00', 'start')).toBe(5400);
    expect(secondsFlag(undefined, 'start')).toBeUndefined();
    for (const bad of ['1:60', '1:75', '1:2:3:4', 'abc', '1:', '1:61:00']) expect(() => secondsFlag(bad, 'start')).toThrow(UsageError);
  });
});

describe('numberFlag and intFlag', () => {
  it('take numbers (and whole numbers), the fallback when absent, and refuse the rest as a wrong command line', () => {
    expect(numberFlag('2.5', 'fps')).toBe(2.5);
    expect(numberFlag(undefined, 'fps', 12)).toBe(12);
    expect(intFlag('300', 'dpi')).toBe(300);
    expect(intFlag(undefined, 'dpi')).toBeUndefined();
    for (const [value, text] of [
      ['ten', '--fps must be a number, got "ten"'],
      ['', '--fps must be a number, got ""'],
      ['Infinity', '--fps must be a number, got "Infinity"'],
    ]) {
      expect(() => numberFlag(value, 'fps')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: text }));
    }
    expect(() => intFlag('2.5', 'jobs')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: '--jobs must be a whole number, got "2.5"' }));
    // Only numbers as a person writes them: not hex, exponents or Infinity (--quality 0x40 was 64).
    for (const value of ['0x40', '1e2', 'Infinity', '12abc', '--1']) expect(() => numberFlag(value, 'quality')).toThrow(/must be a number/);
    expect(numberFlag('-2.5', 'start')).toBe(-2.5);
    expect(numberFlag('.5', 'stability')).toBe(0.5);
    // A range is checked on what was given, with the flag's words.
    expect(() => intFlag('0', 'jobs', undefined, { min: 1, max: 64 })).toThrow(expect.objectContaining({ message: '--jobs must be a whole number from 1 to 64, got 0' }));
    expect(() => intFlag('-1', 'face', undefined, { min: 0 })).toThrow(expect.objectContaining({ message: '--face must be a whole number of at least 0, got -1' }));
    expect(intFlag(undefined, 'port', 0, { min: 1 })).toBe(0);
    expect(intFlag('64', 'jobs', undefined, { min: 1, max: 64 })).toBe(64);
  });

  it('fitToTerminal keeps a line to one row, its end (the progress) kept', () => {
    expect(fitToTerminal('short', 80)).toBe('short');
    expect(fitToTerminal('/a/very/long/path/photo.jpg: refining edges 43 %', 20)).toBe('…efining edges 43 %');
    expect(fitToTerminal('x'.repeat(200), undefined)).toHaveLength(200);
  });
});

describe('progressText', () => {
  it('says the stage, how far a refine is in percent, and a count for other counted stages', () => {
    expect(progressText({ stage: 'decode', done: 0, total: 1 })).toBe('reading');
    expect(progressText({ stage: 'refine', done: 43, total: 100 })).toBe('refining edges 43 %');
    expect(progressText({ stage: 'segment', done: 12, total: 40 })).toBe('segmenting 12/40');
  });
});

describe('terminalStatus', () => {
  const written: string[] = [];
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    written.length = 0;
  });
  const ioOf = (isTty: boolean): CliIo => ({ out: () => undefined, err: () => undefined, isTty, signal: new AbortController().signal });

  it('on a terminal, redraws one line in place at most every interval, the last text when it is up, and wipes it when cleared', () => {
    vi.useFakeTimers({ now: 1000 });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const status = terminalStatus(ioOf(true), 200);
    status.show('a.jpg: reading');
    vi.advanceTimersByTime(50);
    status.show('a.jpg: segmenting');
    status.show('a.jpg: refining edges 0 %');
    expect(written).toEqual(['\r\x1b[2Ka.jpg: reading']);
    // The interval is up: the last text comes, not the one before it.
    vi.advanceTimersByTime(150);
    expect(written.at(-1)).toBe('\r\x1b[2Ka.jpg: refining edges 0 %');
    vi.advanceTimersByTime(300);
    status.show('a.jpg: encoding');
    status.show('a.jpg: writing');
    status.clear();
    vi.advanceTimersByTime(500);
    status.clear();
    expect(written).toEqual(['\r\x1b[2Ka.jpg: reading', '\r\x1b[2Ka.jpg: refining edges 0 %', '\r\x1b[2Ka.jpg: encoding', '\r\x1b[2K']);
  });

  it('off a terminal draws nothing', () => {
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const status = terminalStatus(ioOf(false));
    status.show('a.jpg: reading');
    status.clear();
    expect(written).toEqual([]);
  });
});

describe('formatStatusLine', () => {
  it('fills the bar with the files done and how far the files at work are, and counts whole files', () => {
    const line = formatStatusLine({ total: 4, done: 1, skipped: 0, failed: 0, finished: 1, filesPerSec: 0.5, etaMs: 6000, current: ['/in/big.jpg'], isPaused: false, elapsedMs: 2000, inFlight: 1 }, 8);
    expect(line).toBe('[####----] 1/4 0.5 files/s ETA 0:06 big.jpg');
    // Big pictures, one a minute: seconds a file (it read 0.0 files/s).
    expect(formatStatusLine({ total: 4, done: 2, skipped: 0, failed: 0, finished: 2, filesPerSec: 0.04, etaMs: 50_000, current: [], isPaused: false, elapsedMs: 50_000, inFlight: 2 }, 8)).toBe('[########] 2/4 25 s/file ETA 0:50');
  });
});

describe('createCliEnv', () => {
  it('an empty CUTOUT_PROVIDER or CUTOUT_THREADS is unset (auto, every core); a flag comes before either', () => {
    const empty = createCliEnv({}, { CUTOUT_PROVIDER: '', CUTOUT_THREADS: '' });
    expect([empty.provider, empty.threads]).toEqual(['auto', undefined]);
    const set = createCliEnv({}, { CUTOUT_PROVIDER: 'cpu', CUTOUT_THREADS: '2' });
    expect([set.provider, set.threads]).toEqual(['cpu', 2]);
    const flags = createCliEnv({ provider: 'webgpu', threads: 1 }, { CUTOUT_PROVIDER: 'cpu', CUTOUT_THREADS: '2' });
    expect([flags.provider, flags.threads]).toEqual(['webgpu', 1]);
  });
});
