// Background picker state (rune class, renderer): presets, custom colour, transparent, a picture.
// The preview composites on a canvas from this state, so a change needs no engine round trip (a
// picture's preview pixels are loaded once, when it is chosen).
import type { ImagePreview } from '../../../../shared/api';
import type { ApiClient } from '../../../../shared/api-client';
import type { Background } from '../../../../shared/jobs';
import { normalizeHex } from '../../../../shared/color';
import type { MessageKey } from '../i18n';

/** A background preset of the picker. */
export interface BackgroundPreset {
  id: string;
  labelKey: MessageKey;
  background: Background;
}

/** The presets, ID-photo colours first after transparent. */
export const BACKGROUND_PRESETS: readonly BackgroundPreset[] = [
  { id: 'transparent', labelKey: 'bg.transparent', background: { kind: 'transparent' } },
  { id: 'white', labelKey: 'bg.white', background: { kind: 'color', hex: '#FFFFFF' } },
  { id: 'id-blue', labelKey: 'bg.idBlue', background: { kind: 'color', hex: '#438EDB' } },
  { id: 'red', labelKey: 'bg.red', background: { kind: 'color', hex: '#D9342B' } },
  { id: 'light-grey', labelKey: 'bg.lightGrey', background: { kind: 'color', hex: '#F0F0F0' } },
  { id: 'dark-blue', labelKey: 'bg.darkBlue', background: { kind: 'color', hex: '#1F4E8C' } },
  { id: 'black', labelKey: 'bg.black', background: { kind: 'color', hex: '#000000' } },
];

/** Names of the ID-photo background colours that are not presets (a spec's light blue, cream, off-white). */
const ID_COLOUR_KEYS: Readonly<Record<string, MessageKey>> = { '#E6E6E6': 'bg.lightGrey', '#DCEBFA': 'bg.lightBlue', '#F3EEDC': 'bg.cream', '#F8F8F4': 'bg.offWhite' };

/** The name of a background colour ('#438EDB' -> 'bg.idBlue'), or null for a colour without one. */
export function colourLabelKey(hex: string): MessageKey | null {
  const upper = hex.toUpperCase();
  const preset = BACKGROUND_PRESETS.find((p) => p.background.kind === 'color' && p.background.hex.toUpperCase() === upper);
  return preset?.labelKey ?? ID_COLOUR_KEYS[upper] ?? null;
}

/** A background colour as a person reads it, "White #FFFFFF" (its code alone when it has no name): swatches' names and tooltips. */
export function colourName(hex: string, t: (key: MessageKey) => string): string {
  const key = colourLabelKey(hex);
  return key ? `${t(key)} ${hex}` : hex;
}

/** A picture background: its file (the export composes on it at full size) and a preview for the canvas. */
interface BackgroundPicture {
  path: string;
  preview: ImagePreview;
}

export class BackgroundState {
  /** The preset id, 'custom' or 'picture'. */
  selectedId = $state('transparent');
  customHex = $state('#7FB77E');
  /** The last picture chosen (kept when a colour is picked, so it can be picked again). */
  picture = $state.raw<BackgroundPicture | null>(null);

  background: Background = $derived(
    this.selectedId === 'custom'
      ? { kind: 'color', hex: this.customHex }
      : this.selectedId === 'picture' && this.picture
        ? { kind: 'image', path: this.picture.path }
        : (BACKGROUND_PRESETS.find((p) => p.id === this.selectedId)?.background ?? { kind: 'transparent' }),
  );
  isTransparent = $derived(this.background.kind === 'transparent');
  isPicture = $derived(this.background.kind === 'image');
  /** CSS colour of the background, or null for transparent and a picture. */
  cssColor = $derived(this.background.kind === 'color' ? this.background.hex : null);

  /** Selects a preset by id, 'custom', or 'picture' once one was chosen; anything else is ignored (returns false). */
  select(id: string): boolean {
    if (id === 'custom' || (id === 'picture' && this.picture) || BACKGROUND_PRESETS.some((p) => p.id === id)) {
      this.selectedId = id;
      return true;
    }
    return false;
  }

  /** Sets and selects a custom colour; an invalid colour leaves everything as it was (returns false). */
  setCustom(hex: string): boolean {
    const norm = normalizeHex(hex);
    if (!norm) return false;
    this.customHex = norm;
    this.selectedId = 'custom';
    return true;
  }

  /** Selects the Settings' default background: 'transparent', or a colour (its preset when it is one). */
  applyDefault(value: string): void {
    const hex = normalizeHex(value);
    const preset = BACKGROUND_PRESETS.find((p) => (p.background.kind === 'color' ? p.background.hex === hex : value === p.id));
    if (preset) this.select(preset.id);
    else if (!this.setCustom(value)) this.select('transparent');
  }

  /**
   * Takes the Settings' default background when it is new (settings loaded, or the user changed
   * it); the same default again (another setting changed) leaves the user's pick alone.
   */
  followDefault(value: string): void {
    if (value === this.followedDefault) return;
    this.followedDefault = value;
    this.applyDefault(value);
  }
  private followedDefault: string | null = null;

  /** Sets and selects a picture (its preview already loaded). */
  setPicture(picture: BackgroundPicture): void {
    this.picture = picture;
    this.selectedId = 'picture';
  }
}

/**
 * Asks for a picture and makes it `bg`'s background, with a preview of it for drawing (the editor's
 * canvas at its default size; a picker's swatch needs `maxSidePx` 256). Nothing changes on Cancel.
 */
export async function choosePicture(client: Pick<ApiClient, 'chooseFiles' | 'loadImagePreview'>, bg: BackgroundState, maxSidePx?: number): Promise<void> {
  const [path] = await client.chooseFiles({ filter: 'images', multiple: false });
  if (path) bg.setPicture({ path, preview: await client.loadImagePreview({ path, maxSidePx }) });
}
