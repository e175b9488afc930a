// Native dialogs, the file manager and the clipboard for the desktop: the Electron
// implementation of PlatformServices. Main process (electron).
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BrowserWindow, clipboard, ClipboardItem, dialog, nativeImage, shell, type FileFilter as ElectronFilter } from 'electron';
import type { FileFilter } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { PlatformServices } from '../engine/api/deps';
import { PICKER_EXTENSIONS } from '../../shared/media';

/** A picture file as PNG bytes for the clipboard (alpha kept); INPUT_UNSUPPORTED when it is none. */
async function toClipboardPng(path: string): Promise<Buffer> {
  if (/\.(png|jpe?g)$/i.test(path)) {
    const image = nativeImage.createFromPath(path);
    if (!image.isEmpty()) return image.toPNG();
  }
  try {
    // (The main process has sharp already: the engine core it imports for probes and previews loads it.)
    const { default: sharp } = await import('sharp');
    return await sharp(path, { animated: false }).png().toBuffer();
  } catch (cause) {
    throw new AppError('INPUT_UNSUPPORTED', `${path} is not an image the clipboard can hold`, { cause, detail: { path } });
  }
}

function electronFilters(filter: FileFilter): ElectronFilter[] {
  if (filter === 'any') return [];
  const names: Record<Exclude<FileFilter, 'any'>, string> = { images: 'Images', videos: 'Videos', media: 'Images and videos' };
  return [{ name: names[filter], extensions: [...PICKER_EXTENSIONS[filter]] }];
}

/** PlatformServices on Electron; dialogs are modal to the focused window. */
export function createDesktopPlatformServices(getWindow: () => BrowserWindow | null): PlatformServices {
  const parent = (): BrowserWindow | undefined => getWindow() ?? undefined;
  return {
    async chooseFiles(req) {
      const options: Electron.OpenDialogOptions = {
        title: req.title,
        properties: req.multiple ? ['openFile', 'multiSelections'] : ['openFile'],
        filters: electronFilters(req.filter),
      };
      const win = parent();
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
    async chooseFolder(req) {
      const options: Electron.OpenDialogOptions = { title: req.title, properties: ['openDirectory', 'createDirectory'] };
      const win = parent();
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseSaveTarget(req) {
      // The folder is the API's choice (Settings, the last export, next to the picture: api/files.ts).
      // Linux's (GTK) dialog asks before replacing a file only when told to: an earlier export was replaced unasked there.
      const options: Electron.SaveDialogOptions = { title: req.title, defaultPath: req.defaultDir ? join(req.defaultDir, req.defaultName) : req.defaultName, properties: ['showOverwriteConfirmation', 'createDirectory'] };
      const win = parent();
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async confirmReplace(path) {
      const options: Electron.MessageBoxOptions = {
        type: 'question',
        buttons: ['Replace', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: `${basename(path)} already exists. Replace it?`,
        detail: `It is in ${dirname(path)}.`,
      };
      const win = parent();
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return response === 0;
    },
    async revealInFolder(path) {
      const info = await stat(path).catch(() => null);
      if (!info) throw new AppError('INPUT_NOT_FOUND', `File not found: ${path}`, { detail: { path } });
      shell.showItemInFolder(path);
    },
    async copyImageToClipboard(path) {
      // Electron 45's clipboard is async and W3C-shaped: one PNG item. nativeImage reads only PNG
      // and JPEG, so any other export (WebP, AVIF, TIFF) is made a PNG by sharp first (Copy after a
      // WebP export failed with "not an image the clipboard can hold").
      const png = await toClipboardPng(path);
      await clipboard.write([new ClipboardItem({ 'image/png': new Blob([new Uint8Array(png)], { type: 'image/png' }) })]);
    },
  };
}
