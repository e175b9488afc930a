// Path display helpers of the renderer (no node:path here).

/** The last path segment ('/a/b/c.jpg' -> 'c.jpg'; both separators). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
