// The CLI's line writer when its reader goes away (`cutout … | head`): the rest is dropped, not an
// unhandled EPIPE; other stream errors still surface.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { negativeNumberJoined, optionsOf, parseErrorText, writerOf } from '../../../src/main/cli/index';

/** A stream that records writes and emits what the test says. */
class FakeStream extends EventEmitter {
  written: string[] = [];
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
}

describe('writerOf', () => {
  it('writes lines until the reader closes (EPIPE), then drops the rest', () => {
    const stream = new FakeStream();
    const out = writerOf(stream as unknown as NodeJS.WritableStream);
    out('first');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    out('second');
    expect(stream.written).toEqual(['first\n']);
  });

  it('does not hide other write errors', () => {
    const stream = new FakeStream();
    writerOf(stream as unknown as NodeJS.WritableStream);
    expect(() => stream.emit('error', Object.assign(new Error('disk'), { code: 'EIO' }))).toThrow('disk');
  });
});

describe('parseErrorText', () => {
  it("says a value that starts with '-' plainly, with the form that passes it, long or short", () => {
    const ambiguous = (flag: string) => `Option '${flag}' argument is ambiguous.\nDid you forget to specify the option argument for '${flag}'?\nTo specify an option argument starting with a dash use '${flag}=-XYZ'.`;
    expect(parseErrorText(ambiguous('--duration'), ['clip.mp4', '--duration', '-2'])).toBe('--duration -2: a value starting with "-" reads as another option; write --duration=-2 to pass it');
    expect(parseErrorText(ambiguous('-o'), ['clip.mp4', '-o', '-x.gif'])).toBe('-o -x.gif: a value starting with "-" reads as another option; write -o-x.gif to pass it');
    // A negative number is joined to its long flag, for the flag's own check (the CLI runs the command again so).
    expect(negativeNumberJoined(ambiguous('--limit'), ['--set', 's', '--limit', '-1', '--json', 'j'])).toEqual(['--set', 's', '--limit=-1', '--json', 'j']);
    expect(negativeNumberJoined(ambiguous('--start'), ['--start', '-0.5'])).toEqual(['--start=-0.5']);
    expect(negativeNumberJoined(ambiguous('-o'), ['-o', '-1'])).toBeNull();
    expect(negativeNumberJoined(ambiguous('--out'), ['--out', '-x.gif'])).toBeNull();
    expect(negativeNumberJoined("Unknown option '--nope'.", ['--nope', '-1'])).toBeNull();
    // Other messages come through on one line.
    expect(parseErrorText("Unknown option '--nope'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--nope\"", [])).toBe('unknown option --nope (a file name starting with "-" goes after --)');
    // A mistyped option is named with the one meant, from the options the command's usage names.
    const options = optionsOf('cutout batch IN... -o OUT [--mode portrait|anime] [-r|--recursive] [--max-side PX] [--resume]');
    expect(options).toEqual(['--mode', '--recursive', '--max-side', '--resume']);
    expect(parseErrorText("Unknown option '--recursiv'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--recursiv\"", [], options)).toBe('unknown option --recursiv (did you mean --recursive?)');
    expect(parseErrorText("Unknown option '--maxside'. To specify", [], options)).toBe('unknown option --maxside (did you mean --max-side?)');
    expect(parseErrorText("Unknown option '--nope'. To specify", [], options)).toBe('unknown option --nope (a file name starting with "-" goes after --)');
    // A flag given no value, said in the CLI's words (it read "Option '-o, --out <value>' argument missing").
    expect(parseErrorText("Option '--fps <value>' argument missing", [])).toBe('--fps needs a value after it');
    expect(parseErrorText("Option '-o, --out <value>' argument missing", [])).toBe('-o (--out) needs a value after it');
    expect(parseErrorText("Option '-z' is unknown.\nmore", [])).toBe("Option '-z' is unknown. more");
  });
});
