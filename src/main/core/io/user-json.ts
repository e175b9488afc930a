// JSON files a person may have written or edited (settings, model descriptors, ID spec files,
// a sticker's strokes): read as JSON whether or not the editor began them with a byte order mark
// (Windows Notepad did; JSON.parse refused such a file, and the settings read as the defaults).

/** Parses JSON text, a leading byte order mark (U+FEFF) skipped; throws as JSON.parse does. */
export function parseUserJson(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
