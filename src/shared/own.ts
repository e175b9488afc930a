// Looking a name from outside (a request, a flag, a file) up in a table of plain data. Shared by
// main, preload and renderer: plain functions only.

/**
 * `record[key]` when `key` is the record's own, else undefined: a plain object also answers the
 * names every object inherits, so "constructor" or "__proto__" read as a batch mode, a colour or
 * a paper (the engine then failed INTERNAL on what it found).
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
