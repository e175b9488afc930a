// PlatformServices for the browser transport: there are no native dialogs, so files arrive as
// uploads (see the web client), save targets and folders are in the server's exports folder,
// and the browser downloads results instead of revealing them. Node only (`cutout serve`).
import { mkdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { PlatformServices } from '../engine/api/deps';
import { fitStem } from '../core/io/atomic-write';
import { safeFileName } from '../engine/api/files';

/** Browser-mode dialogs: export targets in `exportDir`, everything else handled by the web client. */
export function createWebPlatformServices(exportDir: string): PlatformServices {
  return {
    async chooseFiles() {
      throw new AppError('INVALID_ARGUMENT', 'In the browser, files are chosen with the page file picker and uploaded; use the web client');
    },
    async chooseFolder() {
      await mkdir(exportDir, { recursive: true });
      return exportDir;
    },
    async chooseSaveTarget(req) {
      await mkdir(exportDir, { recursive: true });
      const whole = safeFileName(req.defaultName);
      const ext = extname(whole);
      const stem = fitStem(whole.slice(0, whole.length - ext.length), Buffer.byteLength(ext));
      const name = `${stem}${ext}`;
      let candidate = join(exportDir, name);
      for (let i = 2; await stat(candidate).then(() => true, () => false); i++) candidate = join(exportDir, `${stem}-${i}${ext}`);
      return candidate;
    },
    async revealInFolder() {
      // The web client downloads the file itself; nothing to do on the server.
    },
    async copyImageToClipboard() {
      throw new AppError('INVALID_ARGUMENT', 'In the browser the page copies images to the clipboard itself; use the web client');
    },
  };
}
