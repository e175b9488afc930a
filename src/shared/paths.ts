// Path helpers that need no node:path (the renderer and the browser's API client use them).

/** The last path segment ('/a/b/c.jpg' -> 'c.jpg'; both separators). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
