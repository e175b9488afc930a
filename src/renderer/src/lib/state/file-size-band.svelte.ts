// The file size band an upload form asks for (KB), as typed into two fields in place of an ID
// photo spec's own band: the ID photo and Batch workspaces take it by one rule (rune class, renderer).
import { askedFileSizeBand, MAX_FILE_KB } from '../../../../shared/idphoto-report';
import { joinSentences, translate, type Locale } from '../i18n';

/** Which end of the band. */
export type BandEnd = 'min' | 'max';

export class FileSizeBandInput {
  /** The spec's own band. */
  readonly #specBand: () => readonly [number, number] | undefined;
  /** The ends typed, KB; null where a field is empty (that end is the spec's own: its placeholder). */
  min = $state<number | null>(null);
  max = $state<number | null>(null);
  /** A field holding text that is no number ("1e", "-"): the browser reads its value as empty, which would drop that end unsaid. */
  unreadable = $state<Record<BandEnd, boolean>>({ min: false, max: false });
  /** The band asked for (an empty end is the spec's: "from 16" on the CN ID card is 16–20); undefined when none is asked, null when what is asked is no band. */
  readonly band = $derived.by(() => askedFileSizeBand(this.min, this.max, this.#specBand()));
  /** What is typed is no band: the photo is not made until it is mended. */
  readonly isInvalid = $derived(this.band === null || this.unreadable.min || this.unreadable.max);
  /**
   * Where what is typed is no band with the spec's end an empty field stands for (To 3 on the CN ID
   * card, whose own From is 14): that end and its KB, to be said beside the rule; else null.
   */
  readonly specEnd = $derived.by((): { end: BandEnd; kb: number } | null => {
    const spec = this.#specBand();
    if (this.band !== null || !spec || this.unreadable.min || this.unreadable.max) return null;
    // Only where the end typed is one on its own, on the wrong side of the spec's (To 0 is wrong whatever From is).
    const { min, max } = this;
    if (min === null && max !== null && max > 0 && max <= MAX_FILE_KB && max < spec[0]) return { end: 'min', kb: spec[0] };
    if (max === null && min !== null && min >= 0 && min <= MAX_FILE_KB && min > spec[1]) return { end: 'max', kb: spec[1] };
    return null;
  });

  constructor(specBand: () => readonly [number, number] | undefined) {
    this.#specBand = specBand;
  }

  /** What is wrong with the band typed, said: the rule, and the spec's end an empty field stood for. */
  invalidText(locale: Locale): string {
    const specEnd = this.specEnd;
    // Both ends right on their own, in the wrong order: said so (it read the whole rule).
    const { min, max } = this;
    const isOrderOnly = !this.unreadable.min && !this.unreadable.max && min !== null && max !== null && min >= 0 && max > 0 && max <= MAX_FILE_KB && min > max;
    if (isOrderOnly) return translate(locale, 'idphoto.kb.invalid.order', { min, max });
    return joinSentences(locale, [
      translate(locale, 'idphoto.kb.invalid', { max: MAX_FILE_KB }),
      specEnd ? translate(locale, specEnd.end === 'min' ? 'idphoto.kb.invalid.specMin' : 'idphoto.kb.invalid.specMax', { kb: specEnd.kb }) : '',
    ]);
  }

  /** Sets both ends (a batch run taken up), forgetting any unreadable text. */
  set({ min, max }: { min: number | null; max: number | null }): void {
    [this.min, this.max, this.unreadable] = [min, max, { min: false, max: false }];
  }

  /** After a field's input: whether the browser could read its text as a number. */
  noteInput(end: BandEnd, input: HTMLInputElement): void {
    this.unreadable = { ...this.unreadable, [end]: input.validity.badInput };
  }
}
