import { describe, expect, it } from 'vitest';
import { jsonErrorAt, parseUserJson, withLineAndColumn } from '../../../../src/main/core/io/user-json';

const messageOf = (text: string): string => {
  try {
    parseUserJson(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parsed');
};

describe('parseUserJson: JSON a person wrote', () => {
  it('reads a file with a byte order mark (Windows Notepad) as one without', () => {
    expect(parseUserJson('\ufeff{ "id": "mine" }')).toEqual({ id: 'mine' });
  });

  it('names the line and column of a mistake, as an editor counts them (Node 20 said only the position)', () => {
    // A comma before the closing brace, on line 3.
    expect(messageOf('{\n  "id": "mine",\n}')).toMatch(/at position 18 \(line 3 column 1\)$/);
    // After a byte order mark the place is counted in the text the person sees.
    expect(messageOf('\ufeff{ "id": "mi')).toMatch(/at position 11 \(line 1 column 12\)$/);
    const error = (() => {
      try {
        parseUserJson('{,}');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SyntaxError);
    // Node 22 (the desktop app's) names them itself: kept as it is (a position of two digits or more was named twice).
    const node22 = new SyntaxError('Expected double-quoted property name in JSON at position 18 (line 3 column 1)');
    expect(withLineAndColumn(node22, '{\n  "id": "mine",\n}')).toBe(node22);
    // Where the engine names no position (Node 20's "Unexpected token ''', …"  "name": 'Other', …" is
    // not valid JSON", its quote of the text squashed onto one line): the place found, the quote left out.
    expect(messageOf('{\n  "id": "a",\n  "name": \'Other\',\n}')).toBe("Unexpected token ''' (line 3 column 11)");
    expect(messageOf('{\n  "id": "a",\n  "name": \'Other\',\n}')).not.toMatch(/is not valid JSON/);
    expect(messageOf('')).toMatch(/\(line 1 column 1\)$/);
  });

  it('jsonErrorAt finds the first mistake as JSON.parse does, and none in valid JSON', () => {
    const cases: [string, number | undefined][] = [
      ['{"a":1}', undefined],
      ['[1, 2.5e3, -0, "x\\u00e9", true, null, {}, []]', undefined],
      ['  {"a": [ {"b": "c"} ] }  ', undefined],
      ['{"a":1', 6],
      ['', 0],
      ['{"a": tru}', 9],
      ['[1,2,]', 5],
      ['{"a":"\\x"}', 7],
      ['{"a":1,}', 7],
      ['{"a" 1}', 5],
      ['01', 1],
      ['{"a":"line\nbreak"}', 10],
      ['{} x', 3],
    ];
    for (const [text, at] of cases) {
      expect(jsonErrorAt(text), text).toBe(at);
      // Agreeing with the engine on what is JSON.
      expect(at === undefined, text).toBe((() => { try { JSON.parse(text); return true; } catch { return false; } })());
    }
  });
});
