// Where a path really is, for telling two spellings of one file or folder apart.
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';

/** The real path (links resolved), or the resolved one when it does not exist yet. */
export async function realOrResolved(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}
