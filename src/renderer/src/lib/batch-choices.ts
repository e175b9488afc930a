// The Batch workspace's choices kept between sessions (renderer, pure): mode, size, background,
// sheet, format, names and the folder switches. Read back only as far as they are still offered.
import { BATCH_NAME_DEFAULTS, batchNameDefault, isCutoutMode, type BatchJobOptions } from '../../../shared/jobs';
import { askedFileSizeBand, withFileSizeBand } from '../../../shared/idphoto-report';
import { isStickerFormat, PLATFORM_PRESETS, STICKER_COLOUR_COUNTS, STICKER_FORMATS, STICKER_PRESET_CHOICES, stickerPaletteOffer, type StickerPresetChoice } from '../../../shared/sticker-presets';
import { isSheetPaper, isSheetDpi, type PAPERS, type SpecEntry, storedFields, WORLD_SPEC_ID } from './id-specs';

type Mode = BatchJobOptions['mode'];
/** A format a batch writes. */
export type BatchFormat = NonNullable<BatchJobOptions['format']>;

/** Output formats per mode (what core/batch/modes.ts writes), the first is the default. */
export const BATCH_FORMATS: Record<Mode, BatchFormat[]> = { portrait: ['png', 'webp', 'jpeg'], anime: ['png', 'webp', 'jpeg'], idphoto: ['jpeg', 'png'], sticker: [...STICKER_FORMATS] };

/** What is kept. */
export interface BatchChoices {
  mode: Mode;
  specId: string;
  /** The ID photo background picked ('#RRGGBB'), or null for the size's own. */
  idBackground: string | null;
  paper: '' | (typeof PAPERS)[number];
  dpi: 254 | 300 | 600;
  /** ID photos: brightness 'auto' (a face too dark or too light for its check mended, the rest left as they are). */
  idAutoBrightness: boolean;
  /** ID photos: turn 'auto' (a picture lying on its side or upside down stood up, the rest left as they are). */
  idAutoTurn: boolean;
  /** Cut-outs: each one's matte alone, a greyscale PNG (BatchJobOptions.mask). */
  cutoutMask: boolean;
  format: BatchFormat;
  nameTemplate: string;
  isRecursive: boolean;
  shouldResume: boolean;
  /** A sticker batch's platform ('none': the format picked, free size). */
  stickerPreset: StickerPresetChoice;
  /** A GIF sticker's edge colour ('#RRGGBB': the chat's background). */
  stickerMatte: string;
  /** A palette sticker's gradients dithered (ordered) or the nearest colour. */
  stickerDither: boolean;
  /** A GIF or APNG sticker's colours (STICKER_COLOUR_COUNTS; 0 all). */
  stickerColors: number;
}

export const BATCH_CHOICES_KEY = 'cutout.batch.choices';
export const DEFAULT_BATCH_CHOICES: BatchChoices = { mode: 'portrait', specId: WORLD_SPEC_ID, idBackground: null, paper: '', dpi: 300, idAutoBrightness: false, idAutoTurn: false, cutoutMask: false, format: 'png', nameTemplate: BATCH_NAME_DEFAULTS.portrait, isRecursive: true, shouldResume: true, stickerPreset: 'none', stickerMatte: '#FFFFFF', stickerDither: false, stickerColors: 0 };

/**
 * The format a mode starts with: a cut-out mode Settings' default export format (the editor's),
 * when the mode writes it; else the mode's first.
 */
export function startFormat(mode: Mode, exportFormat: string | undefined): BatchFormat {
  const formats = BATCH_FORMATS[mode];
  return isCutoutMode(mode) && (formats as unknown[]).includes(exportFormat) ? (exportFormat as BatchFormat) : formats[0];
}

/**
 * The choices saved as JSON, each taken back only when it is one the workspace still offers: a
 * spec removed since, a format the mode does not write, a name with a path in it: the default
 * (a cut-out mode's format: Settings' `exportFormat`, startFormat).
 * (A fresh start lost them all: a resume after a restart made a white set again on transparent.)
 */
export function readBatchChoices(raw: string | null, specIds: readonly string[], exportFormat?: string, specId = DEFAULT_BATCH_CHOICES.specId): BatchChoices {
  const saved = storedFields<keyof BatchChoices>(raw);
  const d = DEFAULT_BATCH_CHOICES;
  const mode = typeof saved.mode === 'string' && saved.mode in BATCH_FORMATS ? (saved.mode as Mode) : d.mode;
  const formats = BATCH_FORMATS[mode];
  return {
    mode,
    specId: typeof saved.specId === 'string' && specIds.includes(saved.specId) ? saved.specId : specId,
    idBackground: typeof saved.idBackground === 'string' && /^#[0-9A-F]{6}$/i.test(saved.idBackground) ? saved.idBackground.toUpperCase() : null,
    paper: isSheetPaper(saved.paper) ? saved.paper : d.paper,
    dpi: isSheetDpi(saved.dpi) ? saved.dpi : d.dpi,
    idAutoBrightness: typeof saved.idAutoBrightness === 'boolean' ? saved.idAutoBrightness : d.idAutoBrightness,
    idAutoTurn: typeof saved.idAutoTurn === 'boolean' ? saved.idAutoTurn : d.idAutoTurn,
    cutoutMask: typeof saved.cutoutMask === 'boolean' ? saved.cutoutMask : d.cutoutMask,
    format: (formats as unknown[]).includes(saved.format) ? (saved.format as BatchFormat) : startFormat(mode, exportFormat),
    nameTemplate: typeof saved.nameTemplate === 'string' && saved.nameTemplate.trim() && !/[\\/]/.test(saved.nameTemplate) ? saved.nameTemplate : batchNameDefault(mode, saved.cutoutMask === true),
    isRecursive: typeof saved.isRecursive === 'boolean' ? saved.isRecursive : d.isRecursive,
    shouldResume: typeof saved.shouldResume === 'boolean' ? saved.shouldResume : d.shouldResume,
    stickerPreset: (STICKER_PRESET_CHOICES as readonly unknown[]).includes(saved.stickerPreset) ? (saved.stickerPreset as StickerPresetChoice) : d.stickerPreset,
    stickerMatte: typeof saved.stickerMatte === 'string' && /^#[0-9A-F]{6}$/i.test(saved.stickerMatte) ? saved.stickerMatte.toUpperCase() : d.stickerMatte,
    stickerDither: typeof saved.stickerDither === 'boolean' ? saved.stickerDither : d.stickerDither,
    stickerColors: (STICKER_COLOUR_COUNTS as readonly unknown[]).includes(saved.stickerColors) ? (saved.stickerColors as number) : d.stickerColors,
  };
}

/** What a run's options say of the choices beside its list, and its file size band (null: the spec's own). */
export type RunChoices = Partial<Pick<BatchChoices, 'specId' | 'idBackground' | 'paper' | 'dpi' | 'idAutoBrightness' | 'idAutoTurn' | 'stickerPreset' | 'stickerMatte' | 'stickerDither' | 'stickerColors'>> & {
  kb?: { min: number | null; max: number | null };
};

/**
 * The choices of a batch run another page started (or this page before a reload), from its
 * options, as the workspace shows them: a tab that took an ID photo batch up showed its own size,
 * background and sheet beside the run's files (and Start again, or its saved choices, used them).
 * Only the fields of the run's mode; `specs` are the sizes offered, with their own bands.
 */
export function runChoices(options: BatchJobOptions, specs: readonly { id: string; fileSizeKb?: readonly [number, number] }[]): RunChoices {
  if (options.mode === 'idphoto') {
    const spec = specs.find((s) => s.id === options.idSpec?.id);
    const band = options.idSpec?.fileSizeKb as readonly [number, number] | undefined;
    const ownBand = spec?.fileSizeKb;
    const sheet = options.idSheet;
    return {
      ...(spec ? { specId: spec.id } : {}),
      idBackground: options.background?.kind === 'color' ? options.background.hex.toUpperCase() : null,
      paper: sheet && isSheetPaper(sheet.paper) ? sheet.paper : '',
      ...(sheet && isSheetDpi(sheet.dpi) ? { dpi: sheet.dpi } : {}),
      idAutoBrightness: options.idBrightness === 'auto',
      idAutoTurn: options.idTurn === 'auto',
      kb: band && !(ownBand && band[0] === ownBand[0] && band[1] === ownBand[1]) ? { min: band[0], max: band[1] } : { min: null, max: null },
    };
  }
  if (options.mode === 'sticker') {
    const s = options.sticker ?? {};
    return {
      stickerPreset: s.preset && (STICKER_PRESET_CHOICES as readonly string[]).includes(s.preset) ? (s.preset as StickerPresetChoice) : 'none',
      stickerMatte: s.matte ? s.matte.toUpperCase() : DEFAULT_BATCH_CHOICES.stickerMatte,
      stickerDither: s.dither === 'ordered',
      stickerColors: (STICKER_COLOUR_COUNTS as readonly unknown[]).includes(s.maxColors) ? (s.maxColors as number) : 0,
    };
  }
  return {};
}

/** The choices a mode's own options are made of: runChoices reads them back from a run's options. */
export type ModeChoices = Pick<BatchChoices, 'format' | 'specId' | 'idBackground' | 'paper' | 'dpi' | 'idAutoBrightness' | 'idAutoTurn' | 'stickerPreset' | 'stickerMatte' | 'stickerDither' | 'stickerColors'> & {
  /** The KB fields as typed (null: empty). */
  kb: { min: number | null; max: number | null };
};

/**
 * The part of a batch's options its mode's choices make (the Batch workspace's jobOptions adds
 * the rest): the format (a sticker platform's own), an ID photo's size with its KB band,
 * background, sheet and brightness, a sticker's platform, edge colour and palette. Only what
 * differs from the defaults goes into a sticker's (an empty or default option would change the
 * batch's options hash: a resume would make every clip again).
 */
export function modeJobOptions(mode: Mode, c: ModeChoices, specs: readonly SpecEntry[]): Pick<BatchJobOptions, 'format' | 'idSpec' | 'background' | 'idSheet' | 'idBrightness' | 'idTurn' | 'sticker'> {
  if (mode === 'idphoto') {
    const spec = specs.find((s) => s.id === c.specId) ?? specs[0];
    const hex = c.idBackground && spec.background.allowed.includes(c.idBackground) ? c.idBackground : spec.background.default;
    return {
      format: c.format,
      idSpec: withFileSizeBand(spec, askedFileSizeBand(c.kb.min, c.kb.max, spec.fileSizeKb)),
      background: { kind: 'color', hex },
      ...(c.paper ? { idSheet: { paper: c.paper, dpi: c.dpi } } : {}),
      ...(c.idAutoBrightness ? { idBrightness: 'auto' as const } : {}),
      ...(c.idAutoTurn ? { idTurn: 'auto' as const } : {}),
    };
  }
  if (mode === 'sticker') {
    const presetFormat = c.stickerPreset === 'none' ? null : PLATFORM_PRESETS[c.stickerPreset].format;
    const format = presetFormat ?? (isStickerFormat(c.format) ? c.format : 'gif');
    const palette = stickerPaletteOffer({ format, preset: c.stickerPreset, colors: c.stickerColors, dither: c.stickerDither });
    const sticker = {
      ...(c.stickerPreset === 'none' ? {} : { preset: c.stickerPreset }),
      ...(format === 'gif' && c.stickerMatte !== DEFAULT_BATCH_CHOICES.stickerMatte ? { matte: c.stickerMatte } : {}),
      ...palette.options,
    };
    return { format: presetFormat ?? c.format, ...(Object.keys(sticker).length > 0 ? { sticker } : {}) };
  }
  return { format: c.format };
}
