// JSON files a person may have written or edited (settings, model descriptors, ID spec files,
// a sticker's strokes): read as JSON whether or not the editor began them with a byte order mark
// (Windows Notepad did; JSON.parse refused such a file, and the settings read as the defaults).

/**
 * Parses JSON text, a leading byte order mark (U+FEFF) skipped; throws as JSON.parse does, its
 * message naming the line and column of the mistake (Node 20 names a character's position, "at
 * position 14", which a person with an editor cannot find, or none: "Unexpected token ''', …").
 */
export function parseUserJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw withLineAndColumn(error, body);
  }
}

/**
 * A JSON.parse error naming the line and column of the mistake, kept as it is where it names them
 * already (Node 22, the desktop app's). The place is the engine's position, or where jsonErrorAt
 * finds the first mistake; V8's quote of the text around it ("…", "name": 'Other', …" is not valid
 * JSON), squashed onto one line, is left out: the line and column say where.
 */
export function withLineAndColumn(error: unknown, text: string): unknown {
  if (!(error instanceof SyntaxError) || /\(line \d+ column \d+\)/.test(error.message)) return error;
  const at = /at position (\d+)/.exec(error.message);
  const position = at ? Number(at[1]) : jsonErrorAt(text);
  if (position === undefined) return error;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const words = error.message.replace(/^(Unexpected token .+?), (?:"|\.\.\.")[\s\S]*" is not valid JSON$/, '$1');
  return new SyntaxError(`${words} (line ${line} column ${column})`, { cause: error });
}

/** Where the first mistake of JSON `text` is (its index; text.length where it ends too soon), or undefined for valid JSON. */
export function jsonErrorAt(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (const c of word) if (text[i++] !== c) (i--, fail());
  };
  const string = (): void => {
    if (text[i] !== '"') fail();
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-f]/i.test(text[i + k] ?? '')) (i += k, fail());
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '\u0000')) fail();
      }
      i++;
    }
    i++;
  };
  const digits = (): void => {
    if (!/[0-9]/.test(text[i] ?? '')) fail();
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') (i++, digits());
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  /** An object's members or an array's items (`item` each), from its opening to its `close`. */
  const list = (close: string, item: () => void): void => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail();
    }
  };
  const member = (): void => {
    space();
    string();
    space();
    if (text[i] !== ':') fail();
    i++;
    value();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return list('}', member);
    if (c === '[') return list(']', value);
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || /[0-9]/.test(c ?? '')) return number();
    fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    if (typeof at !== 'number') throw at;
    return Math.min(at, text.length);
  }
}
