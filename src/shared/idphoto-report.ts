// How an ID photo's measurement reads, for the CLI, a batch's report and the compliance panel
// alike: its band ("32–36", "≤ 6", "≥ 12", "= 1") and its unit as a symbol. Plain functions, no I/O.
import type { IdPhotoMeasurement } from './api';

/** A measurement's band as read; empty when it is open at both ends. */
export function bandText(m: Pick<IdPhotoMeasurement, 'min' | 'max'>): string {
  if (m.min !== null && m.max !== null) return m.min === m.max ? `= ${m.min}` : `${m.min}–${m.max}`;
  if (m.max !== null) return `≤ ${m.max}`;
  return m.min !== null ? `≥ ${m.min}` : '';
}

/** The report's units as shown after a value: symbols that read the same in every language. */
const UNIT_SUFFIX: Record<string, string> = { mm: ' mm', deg: '°', dE: ' ΔE', count: '', KB: ' KB', '%': ' %' };

/** A value with its unit ("34.05 mm", "-0.07°", "0.01 ΔE", "1"); a range gives both ends. */
export function valueText(m: Pick<IdPhotoMeasurement, 'value' | 'unit' | 'maxValue' | 'minValue'>): string {
  if (m.value === null) return '—';
  const other = m.maxValue ?? m.minValue;
  const value = other !== undefined && other !== null && other !== m.value ? `${m.value}–${other}` : String(m.value);
  return `${value}${UNIT_SUFFIX[m.unit] ?? ` ${m.unit}`}`;
}
