// JSON files a person may have written or edited (settings, model descriptors, ID spec files,
// a sticker's strokes): read as JSON whether or not the editor began them with a byte order mark
// (Windows Notepad did; JSON.parse refused such a file, and the settings read as the defaults).

/**
 * Parses JSON text, a leading byte order mark (U+FEFF) skipped; throws as JSON.parse does, its
 * message naming the line and column of the mistake (Node 20 names only the character's position,
 * "at position 14", which a person with an editor cannot find).
 */
export function parseUserJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw withLineAndColumn(error, body);
  }
}

/** A JSON.parse error naming the line and column of its position; as it is where it names them already (Node 22, the desktop app's) or no position. */
export function withLineAndColumn(error: unknown, text: string): unknown {
  if (!(error instanceof SyntaxError) || /\(line \d+ column \d+\)/.test(error.message)) return error;
  const at = /at position (\d+)/.exec(error.message);
  if (!at) return error;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return new SyntaxError(`${(error as SyntaxError).message} (line ${line} column ${column})`, { cause: error });
}
