// The user settings schema, its defaults and a forgiving parser. Imported by main, preload and
// renderer: plain data only, no 'electron', no 'node:*'.
import { normalizeHex } from './color';
import { REFINE_MODES, type RefineMode, type Subject } from './jobs';

/** Execution providers a user may ask for ('auto' lets the engine pick per platform). */
export const PROVIDER_CHOICES = ['auto', 'cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'] as const;

/** UI languages; 'system' follows the OS language. */
export const LANGUAGE_CHOICES = ['system', 'en', 'zh-CN'] as const;

/** Colour themes; 'system' follows the OS light/dark setting. */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;

/** Still-image export formats. */
export const EXPORT_FORMAT_CHOICES = ['png', 'webp', 'jpeg'] as const;

/** Everything a person can set in the Settings workspace; persisted as JSON by main. */
export interface Settings {
  language: (typeof LANGUAGE_CHOICES)[number];
  theme: (typeof THEME_CHOICES)[number];
  provider: (typeof PROVIDER_CHOICES)[number];
  /** Intra-op inference threads; null = all cores. */
  threads: number | null;
  /** Background for new cut-outs: 'transparent' or '#RRGGBB'. */
  defaultBackground: string;
  /** Edge refinement for new cut-outs. */
  refine: RefineMode;
  /** What a newly opened picture is cut out as (a picture's own choice is kept for it). */
  defaultSubject: Subject;
  exportFormat: (typeof EXPORT_FORMAT_CHOICES)[number];
  /** JPEG/WebP quality, 1..100. */
  jpegQuality: number;
  /**
   * Folder exports (the save dialog) and new batches default to, on the desktop (a browser's exports
   * are downloads). null: the save dialog opens where the last export went in this run of the app,
   * at first next to the picture; a batch asks.
   */
  outputDir: string | null;
  /** Show the exported file in the OS file manager after an export. */
  revealAfterExport: boolean;
  /**
   * Shortcuts of one key with no modifier (B, E, C, +, 0 …) act anywhere in the window; false: only
   * while a picture has the focus (the editor's, its compare divider, the Stickers frame), so speech
   * input and screen-reader keys do not fire them by accident (WCAG 2.1.4).
   */
  singleKeyShortcuts: boolean;
}

/** The settings of a fresh install. */
export const DEFAULT_SETTINGS: Settings = {
  language: 'system',
  theme: 'system',
  provider: 'auto',
  threads: null,
  defaultBackground: 'transparent',
  // Best edges, as the CLI and ID photos: the editor shows a fast matte first (CutoutState.segment).
  refine: 'full',
  defaultSubject: 'person',
  exportFormat: 'png',
  jpegQuality: 92,
  outputDir: null,
  revealAfterExport: true,
  singleKeyShortcuts: true,
};

function pick<T extends string>(value: unknown, choices: readonly T[], fallback: T): T {
  return typeof value === 'string' && (choices as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * Builds valid Settings from untrusted data (a settings file or a patch from the UI): each field
 * that is missing or invalid falls back to `base`, so an old or hand-edited file never breaks startup.
 */
export function parseSettings(raw: unknown, base: Settings = DEFAULT_SETTINGS): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const threads = r.threads === null ? null : typeof r.threads === 'number' && Number.isInteger(r.threads) && r.threads >= 1 && r.threads <= 256 ? r.threads : base.threads;
  // A colour is kept as '#RRGGBB' (upper case), so the picker and the presets compare it as it is.
  const bg = r.defaultBackground === 'transparent' ? 'transparent' : typeof r.defaultBackground === 'string' && /^#[0-9a-fA-F]{6}$/.test(r.defaultBackground) ? normalizeHex(r.defaultBackground)! : base.defaultBackground;
  const quality = typeof r.jpegQuality === 'number' && r.jpegQuality >= 1 && r.jpegQuality <= 100 ? Math.round(r.jpegQuality) : base.jpegQuality;
  const outputDir = r.outputDir === null ? null : typeof r.outputDir === 'string' && r.outputDir.length > 0 ? r.outputDir : base.outputDir;
  return {
    language: pick(r.language, LANGUAGE_CHOICES, base.language),
    theme: pick(r.theme, THEME_CHOICES, base.theme),
    provider: pick(r.provider, PROVIDER_CHOICES, base.provider),
    threads,
    defaultBackground: bg,
    refine: pick(r.refine, REFINE_MODES, base.refine),
    defaultSubject: pick(r.defaultSubject, ['person', 'anime'] as const, base.defaultSubject),
    exportFormat: pick(r.exportFormat, EXPORT_FORMAT_CHOICES, base.exportFormat),
    jpegQuality: quality,
    outputDir,
    revealAfterExport: typeof r.revealAfterExport === 'boolean' ? r.revealAfterExport : base.revealAfterExport,
    singleKeyShortcuts: typeof r.singleKeyShortcuts === 'boolean' ? r.singleKeyShortcuts : base.singleKeyShortcuts,
  };
}
