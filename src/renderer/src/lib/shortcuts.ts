// Keyboard shortcuts of the app and their matching (pure, renderer). Mod = Cmd on macOS, Ctrl elsewhere.

/** Every command a shortcut can trigger. */
export type ShortcutAction =
  | 'open' | 'export' | 'copy' | 'undo' | 'redo' | 'zoomIn' | 'zoomOut' | 'zoomFit' | 'zoom100'
  | 'brushForeground' | 'brushBackground' | 'brushUnknown' | 'brushEraser' | 'brushOff'
  | 'brushSmaller' | 'brushLarger' | 'toggleCompare' | 'toggleOverlay';

/** The shortcut table: action -> key combos (first one is shown in tooltips and Settings). */
export const SHORTCUTS: Record<ShortcutAction, string[]> = {
  open: ['Mod+O'],
  export: ['Mod+S', 'Mod+E'],
  copy: ['Mod+Shift+C'],
  undo: ['Mod+Z'],
  redo: ['Mod+Shift+Z', 'Mod+Y'],
  zoomIn: ['Mod+=', 'Mod++', '=', '+'],
  zoomOut: ['Mod+-', '-'],
  zoomFit: ['Mod+0', '0'],
  zoom100: ['Mod+1', '1'],
  brushForeground: ['B'],
  brushBackground: ['E'],
  brushUnknown: ['U'],
  brushEraser: ['R'],
  brushOff: ['H', 'Escape'],
  brushSmaller: ['['],
  brushLarger: [']'],
  toggleCompare: ['C'],
  toggleOverlay: ['T'],
};

/** The part of a KeyboardEvent matching needs. */
export interface KeyLike {
  key: string;
  /** The physical key (KeyZ, Digit0), read when `key` is not a Latin character (another layout). */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Keys by place (KeyboardEvent.code) whose character the table names. */
const KEYS_BY_CODE: Record<string, string> = { BracketLeft: '[', BracketRight: ']', Minus: '-', Equal: '=' };

/**
 * The key as the table names it. On a layout that types no Latin letters (Russian, Greek, Hebrew)
 * `key` is its own letter ('я' where Ctrl+Z is meant): the key's place says which it is, as
 * Chromium's own Ctrl+C does (no shortcut worked there).
 */
function keyOf(e: KeyLike): string {
  if (e.key.length !== 1) return e.key;
  if (e.key.charCodeAt(0) > 0x7f && e.code) {
    const place = /^Key([A-Z])$/.exec(e.code)?.[1] ?? /^Digit(\d)$/.exec(e.code)?.[1] ?? KEYS_BY_CODE[e.code];
    if (place) return place;
  }
  return e.key.toUpperCase();
}

function comboOf(e: KeyLike, isMac: boolean): string {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  const parts: string[] = [];
  if (mod) parts.push('Mod');
  if (e.altKey) parts.push('Alt');
  const key = keyOf(e);
  // Shift is part of the combo for letters and named keys; for symbols it is already in e.key ('+').
  if (e.shiftKey && (/^[A-Z]$/.test(key) || e.key.length > 1)) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

/** The action a key press triggers, or null. */
export function matchShortcut(e: KeyLike, isMac: boolean): ShortcutAction | null {
  const combo = comboOf(e, isMac);
  for (const [action, combos] of Object.entries(SHORTCUTS) as [ShortcutAction, string[]][]) {
    if (combos.includes(combo)) return action;
  }
  return null;
}

/** Whether a key press is a single key with no modifier that types a character (B, +, 0; not Escape or Ctrl+Z). */
export function isSingleKey(e: KeyLike): boolean {
  return !e.ctrlKey && !e.metaKey && !e.altKey && e.key.length === 1;
}

/** Input types that are not typed into: a key they do not use is the app's. */
const CONTROL_INPUT_KEYS: Record<string, readonly string[]> = {
  range: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'],
  checkbox: [' '],
  radio: [' ', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'],
  color: [' ', 'Enter'],
  file: [' ', 'Enter'],
  button: [' ', 'Enter'],
  submit: [' ', 'Enter'],
  reset: [' ', 'Enter'],
};

/**
 * Whether a key press belongs to the focused form field rather than to the app's shortcuts. A
 * field typed into (text, number, search, a textarea, contenteditable) keeps every key; a list
 * (select) keeps the keys without Ctrl/⌘ (it picks by letter); a slider, checkbox or colour well
 * keeps only the keys it uses, so undo, export and the brush keys still work after dragging the
 * brush size (they did nothing until the canvas was clicked).
 */
export function fieldOwnsKey(field: { tagName: string; type?: string; isContentEditable?: boolean } | null, e: KeyLike, isMac: boolean): boolean {
  if (!field) return false;
  if (field.isContentEditable || field.tagName === 'TEXTAREA') return true;
  if (field.tagName === 'SELECT') return !(isMac ? e.metaKey : e.ctrlKey);
  if (field.tagName !== 'INPUT') return false;
  const own = CONTROL_INPUT_KEYS[(field.type ?? 'text').toLowerCase()];
  return own ? own.includes(e.key) : true;
}

/** How a combo reads on this platform: 'Mod+Shift+Z' -> '⌘⇧Z' on macOS, 'Ctrl+Shift+Z' elsewhere. */
export function displayCombo(combo: string, isMac: boolean): string {
  if (isMac) return combo.replace('Mod+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥');
  return combo.replace('Mod+', 'Ctrl+');
}
