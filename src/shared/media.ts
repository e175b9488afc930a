// The file kinds the app reads, by extension (lower case, no dot): one list for the batch modes,
// the open dialogs, the browser client's file picker and the renderer's recent-files list.
import { AppError } from './errors';

/** Still images the cut-out and ID-photo paths read (sharp decodes them; of an animated one, its first frame). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'jfif', 'png', 'apng', 'webp', 'tif', 'tiff', 'avif', 'heic', 'heif', 'bmp', 'gif'] as const;
/**
 * Videos, animated GIFs, WebPs and APNGs the sticker path reads (ffmpeg decodes them; a WebP's
 * frames go through sharp first). An APNG named .png (a LINE sticker) is read as one too when
 * given, but a folder's .png files are pictures: they are not listed here.
 */
export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', 'webm', 'mkv', 'avi', 'gif', 'webp', 'apng'] as const;

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

/** The extensions of each kind of file a dialog or a browser folder pick asks for ('any': all). */
export const FILTER_EXTENSIONS: Record<'images' | 'videos' | 'media' | 'any', readonly string[]> = {
  images: IMAGE_EXTENSIONS,
  videos: VIDEO_EXTENSIONS,
  media: [...new Set([...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS])],
  any: [],
};

/**
 * What a file dialog (and a browser's file input) offers for each filter: its kinds, and for clips
 * .png too, as an APNG sticker (LINE's) is a .png (it was hidden in Open…; a still one opened is
 * refused with a hint). A folder's scan and a drop keep FILTER_EXTENSIONS.
 */
export const PICKER_EXTENSIONS: Record<keyof typeof FILTER_EXTENSIONS, readonly string[]> = { ...FILTER_EXTENSIONS, videos: [...VIDEO_EXTENSIONS, 'png'] };

/** Whether a file is of a filter's kinds, by its extension. */
export function matchesFilter(path: string, filter: keyof typeof FILTER_EXTENSIONS): boolean {
  return filter === 'any' || hasExtension(path, FILTER_EXTENSIONS[filter]);
}

/** File and folder names that are never inputs (OS metadata, recycle bins). Compared lower-case. */
const SYSTEM_NAMES = new Set(['thumbs.db', 'ehthumbs.db', 'desktop.ini', '$recycle.bin', 'system volume information', '__macosx', 'icon\r']);

/** Whether a file or folder name is hidden or system (dot files, Thumbs.db, .DS_Store, ...). */
export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || SYSTEM_NAMES.has(name.toLowerCase());
}

/** The batch journal's file name in an output folder: a folder holding one is an earlier batch's output. */
export const BATCH_JOURNAL_NAME = '.cutout-batch.jsonl';

/**
 * The file types a batch left out, most first: "12 .cr2, 2 .txt, 1 no extension" (at most `max`,
 * then "…"). `noExtension` names files without one in the caller's language.
 */
export function leftOutTypesText(types: Readonly<Record<string, number>>, noExtension: string, max = 5): string {
  const rows = Object.entries(types).sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0));
  const shown = rows.slice(0, max).map(([extension, n]) => `${n} ${extension ? `.${extension}` : noExtension}`);
  return rows.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** The largest file the app imports (a paste, a drop in the desktop app, an upload to `cutout serve`), in bytes. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/**
 * The refusal of a file over MAX_IMPORT_BYTES: INPUT_UNSUPPORTED flagged `tooLarge`, naming the
 * file and the limit (the banner said "not an image we can read" of a 600 MB clip, no file named).
 */
export function tooLargeToImport(name: string): AppError {
  return new AppError('INPUT_UNSUPPORTED', `${name} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, { detail: { tooLarge: true, path: name, maxBytes: MAX_IMPORT_BYTES } });
}

/**
 * Whether a recent file is listed in a drop zone of `media` (Cut-out and ID photo list images,
 * Stickers videos): by its extension, and by how it was opened where that is known (a GIF opened
 * as a picture is not listed among the clips).
 */
export function isRecentShownAs(file: { path: string; openedAs?: readonly ('images' | 'videos')[] }, media: 'images' | 'videos'): boolean {
  return hasExtension(file.path, media === 'images' ? IMAGE_EXTENSIONS : VIDEO_EXTENSIONS) && (!file.openedAs || file.openedAs.includes(media));
}
