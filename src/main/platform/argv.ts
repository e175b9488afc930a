// The files a launch names: a command line (first or second instance), a file manager's "Open
// with" (Linux passes paths through the .desktop entry's %F, some pass file:// URIs). Pure Node,
// no electron, so the tests read it as main does.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The existing files named on `argv`, as absolute paths: a relative one is read against the
 * folder the launch was made from (`cwd`; a second instance's own, not this process's), a
 * file:// URI as its path. Electron's own arguments (the executable; in development also the
 * app's folder, the first argument that is not a switch: a second instance's argv comes with
 * Chromium's switches moved before it) are skipped, as are switches.
 */
export function filesFromArgv(argv: readonly string[], options: { isPackaged: boolean; cwd: string; exists?: (path: string) => boolean }): string[] {
  const exists = options.exists ?? existsSync;
  const files: string[] = [];
  let appFolderSkipped = options.isPackaged;
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    if (!appFolderSkipped) {
      appFolderSkipped = true;
      continue;
    }
    let path: string;
    try {
      path = /^file:\/\//i.test(arg) ? fileURLToPath(arg) : isAbsolute(arg) ? arg : resolve(options.cwd, arg);
    } catch {
      continue;
    }
    if (exists(path) && !files.includes(path)) files.push(path);
  }
  return files;
}
