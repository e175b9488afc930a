// What the page remembers between sessions (localStorage: the workspace, the ID photo and Batch
// choices, favourites, sticker preferences). Storage may be unavailable (a private window, storage
// turned off) or full: then a read is null and a write is dropped, and the choices last for the
// session.

/** The stored text under `key`, or null (none, or storage unavailable). */
export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key`; nothing happens when storage is unavailable or full. */
export function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Unavailable or full: kept for the session only.
  }
}

/**
 * The text this tab keeps under `key` (session storage: the tab's own, kept through a reload, not
 * shared with other tabs), or null.
 */
export function readTabStored(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keeps `value` under `key` for this tab; nothing happens when storage is unavailable or full. */
export function writeTabStored(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Unavailable or full: a reloaded page then does not hand over what it started.
  }
}
