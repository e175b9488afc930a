// What the page remembers between sessions (localStorage: the workspace, the ID photo and Batch
// choices, favourites, sticker preferences) and what a tab keeps for itself through a reload
// (sessionStorage: the jobs it started). Storage may be unavailable (a private window, storage
// turned off, no DOM in a test) or full: then a read is null and a write is dropped, and the
// choices last for the session.

/** The text stored under `key` in `store()`, or null (none, or storage unavailable). */
function readFrom(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key` in `store()`; nothing happens when storage is unavailable or full. */
function writeTo(store: () => Storage, key: string, value: string): void {
  try {
    store().setItem(key, value);
  } catch {
    // Unavailable or full: kept for the session only.
  }
}

/** The stored text under `key`, or null (none, or storage unavailable). */
export function readStored(key: string): string | null {
  return readFrom(() => localStorage, key);
}

/** Stores `value` under `key`; nothing happens when storage is unavailable or full. */
export function writeStored(key: string, value: string): void {
  writeTo(() => localStorage, key, value);
}

/**
 * The text this tab keeps under `key` (session storage: the tab's own, kept through a reload, not
 * shared with other tabs), or null.
 */
export function readTabStored(key: string): string | null {
  return readFrom(() => sessionStorage, key);
}

/** Keeps `value` under `key` for this tab (a reloaded page then does not hand over what it started, where it cannot). */
export function writeTabStored(key: string, value: string): void {
  writeTo(() => sessionStorage, key, value);
}
