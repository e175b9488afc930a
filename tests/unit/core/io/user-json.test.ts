import { describe, expect, it } from 'vitest';
import { parseUserJson, withLineAndColumn } from '../../../../src/main/core/io/user-json';

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
    // A message naming no position is kept as it is.
    expect(messageOf('')).toBe('Unexpected end of JSON input');
  });
});
