// The file kinds the app reads, by extension (lower case, no dot): one list for the batch modes,
// the open dialogs, the browser client's file picker and the renderer's recent-files list.

/** Still images the cut-out and ID-photo paths read (sharp decodes them). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'avif', 'heic', 'heif', 'bmp', 'gif'] as const;
/** Videos (and animated GIFs) the sticker path reads (ffmpeg decodes them). */
export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', 'webm', 'mkv', 'avi', 'gif'] as const;

/** Lower-case extension of a path or file name, without the dot ('' when it has none). */
export function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Whether the file's extension is one of `extensions`. */
export function hasExtension(path: string, extensions: readonly string[]): boolean {
  return extensions.includes(extensionOf(path));
}
