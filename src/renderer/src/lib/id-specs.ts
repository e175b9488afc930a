// The ID-photo spec library as the renderer shows it (the same JSON the engine validates), shared
// by the ID photo and Batch workspaces.
import library from '../../../../resources/specs/id-photo-specs.json';

/** One photo size of resources/specs/id-photo-specs.json (the fields the pickers show). */
export interface SpecEntry {
  id: string;
  name: string;
  region: string;
  widthMm: number;
  heightMm: number;
  dpi: number;
  widthPx: number;
  heightPx: number;
  crownChinMm: [number, number];
  background: { allowed: string[]; default: string };
  [field: string]: unknown;
}

/** Every spec of the library, in file order. */
export const ID_SPECS: SpecEntry[] = (library as unknown as { specs: SpecEntry[] }).specs;
