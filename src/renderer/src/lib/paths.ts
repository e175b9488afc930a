// Path display helpers of the renderer (no node:path here).
import { baseName } from '../../../shared/paths';

export { baseName };

/**
 * A batch file's name in the lists: its place in the folder input it came from ("sub1/p.jpg"; two
 * p.jpg were two identical rows), led by that folder's name when the run has several folders
 * ("7A/001.jpg", "7B/001.jpg": two classes read as 001.jpg twice), with its parent's too when two
 * folders share a name ("x/photos/a.jpg", or "photos (2)/a.jpg" for two uploads); a file given on its own: its name.
 */
export function nameInRun(path: string, folderInputs: readonly string[]): string {
  for (const dir of folderInputs) {
    if (!(path.length > dir.length + 1 && path.startsWith(dir) && /[\\/]/.test(path[dir.length]))) continue;
    const inFolder = path.slice(dir.length + 1).replace(/\\/g, '/');
    if (folderInputs.length < 2) return inFolder;
    const parts = dir.split(/[\\/]/).filter(Boolean);
    const name = parts.at(-1) ?? dir;
    const namesakes = folderInputs.filter((other) => baseName(other) === name);
    if (namesakes.length < 2) return `${name}/${inFolder}`;
    // Two folders of one name: the parent tells them apart, unless it is a browser upload's own
    // folder (folder-<hash>, meaningless to the user), then their order in the list does.
    const parent = parts.at(-2);
    return parent && !/^folder-[0-9a-f]{16}$/.test(parent) ? `${parent}/${name}/${inFolder}` : `${name} (${namesakes.indexOf(dir) + 1})/${inFolder}`;
  }
  return baseName(path);
}

/**
 * Where a browser's batch writes, in the server's exports folder (a browser picks no folder): a
 * folder's batch in a folder of its name ("exports/class-7a"), so each keeps its own report and the
 * same folder again resumes there; several folders, or files, in "exports/batch". Every batch wrote
 * to the exports folder itself, each report over the last one.
 */
export function webBatchDir(exportsDir: string, inputs: readonly string[], folderInputs: readonly string[]): string {
  const sep = exportsDir.includes('\\') && !exportsDir.includes('/') ? '\\' : '/';
  const folders = inputs.filter((p) => folderInputs.includes(p));
  const name = folders.length === 1 && folders.length === inputs.length ? baseName(folders[0].replace(/[\\/]+$/, '')) : '';
  return `${exportsDir.replace(/[\\/]+$/, '')}${sep}${name && name !== '.' && name !== '..' ? name : 'batch'}`;
}
