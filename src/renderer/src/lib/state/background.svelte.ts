// Background picker state (rune class, renderer): presets, custom colour, transparent. The preview
// composites on a canvas from this state, so a change needs no engine round trip.
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

export class BackgroundState {
  /** The preset id, or 'custom'. */
  selectedId = $state('transparent');
  customHex = $state('#7FB77E');

  background: Background = $derived(
    this.selectedId === 'custom'
      ? { kind: 'color', hex: this.customHex }
      : (BACKGROUND_PRESETS.find((p) => p.id === this.selectedId)?.background ?? { kind: 'transparent' }),
  );
  isTransparent = $derived(this.background.kind === 'transparent');
  /** CSS colour of the background, or null for transparent. */
  cssColor = $derived(this.background.kind === 'color' ? this.background.hex : null);

  /** Selects a preset by id; unknown ids are ignored (returns false). */
  select(id: string): boolean {
    if (id === 'custom' || BACKGROUND_PRESETS.some((p) => p.id === id)) {
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
}
