// A background colour in a file name (an ID photo's "df_img1_cn-1inch_id-blue.jpg"), the same in the
// app and the CLI and in either language: its English name, or its code. Pure; no 'node:*'.

/** The named background colours as file names say them: the app's English names, in lower case with '-'. */
export const COLOUR_FILE_WORDS: Readonly<Record<string, string>> = {
  '#FFFFFF': 'white',
  '#438EDB': 'id-blue',
  '#D9342B': 'red',
  '#F0F0F0': 'light-grey',
  '#E6E6E6': 'light-grey',
  '#1F4E8C': 'dark-blue',
  '#000000': 'black',
  '#DCEBFA': 'light-blue',
  '#F3EEDC': 'cream',
  '#F8F8F4': 'off-white',
};

/** A colour's word in a file name: its name ('id-blue'), or its code without '#' ('2e7d32') when it has none. */
export function colourFileWord(hex: string): string {
  const upper = hex.toUpperCase();
  return COLOUR_FILE_WORDS[upper] ?? upper.replace('#', '').toLowerCase();
}

/**
 * What an ID photo's file name says of its colour: '_WORD' where its size lists more than one colour
 * or the colour is none of them (a blue and a red photo of one size were NAME and NAME-2), else ''.
 */
export function colourInFileName(allowed: readonly string[], hex: string): string {
  const isOwn = !allowed.some((a) => a.toUpperCase() === hex.toUpperCase());
  return allowed.length > 1 || isOwn ? `_${colourFileWord(hex)}` : '';
}
