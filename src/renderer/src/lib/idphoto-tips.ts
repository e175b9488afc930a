// The compliance panel's explanation of each check, in the UI's language (the engine's report
// carries an English note; these say the same from the measurement and the spec). Renderer only.
import type { IdPhotoMeasurement } from '../../../shared/api';
import { splitFailedCheck } from '../../../shared/idphoto-report';
import type { MessageKey } from './i18n';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The hover text of a check's row: what it measures, and for a crown cut by the source, by how much. */
export function checkTip(name: string, m: IdPhotoMeasurement, allowedColours: readonly string[], t: Translate): string {
  if (isUnjudgedTurn(name, m)) return t('idphoto.tip.faceInCutoutTurned');
  const what = measuredTip(name, m, allowedColours, t);
  if (!isInformation(m)) return what;
  return what ? t('idphoto.tip.alsoInformation', { what: what.replace(/[.。]$/, '') }) : t('idphoto.tip.information');
}

function measuredTip(name: string, m: IdPhotoMeasurement, allowedColours: readonly string[], t: Translate): string {
  const hiddenMm = m.maxValue != null && m.value != null ? m.maxValue - m.value : m.minValue != null && m.value != null ? m.value - m.minValue : 0;
  if ((name === 'crownChinMm' || name === 'crownMarginMm') && hiddenMm > 0) return t('idphoto.tip.crownHidden', { mm: hiddenMm.toFixed(1) });
  switch (name) {
    case 'faceCentreOffsetMm':
    case 'backgroundUniformityDeltaE':
    case 'matteUnsurePct':
    case 'hairCutMm':
    case 'hairCutWidthMm':
    case 'sourceScale':
    case 'bodyCarriedMm':
    case 'faceChroma':
    case 'faceInCutoutPct':
    case 'faceLightness':
    case 'mouthOpeningPct':
    case 'eyeOpeningPct':
    case 'lightingBalanceEv':
    case 'glarePct':
    case 'gazeOffsetPct':
    case 'headTurnDeg':
      return t(`idphoto.tip.${name}`);
    case 'backgroundColourDeltaE':
      return t('idphoto.tip.backgroundColourDeltaE', { colours: allowedColours.join(t('list.separator')) });
    case 'clothingContrastDeltaE':
      return t(m.value === null ? 'idphoto.tip.noClothing' : 'idphoto.tip.clothingContrastDeltaE');
    default:
      return '';
  }
}

/**
 * The face in the cut-out on a head turned away: every size judges it, but not on such a head (the
 * head-turn check's part), so its row is information for another reason than the size's.
 */
function isUnjudgedTurn(name: string, m: Pick<IdPhotoMeasurement, 'min' | 'max'>): boolean {
  return name === 'faceInCutoutPct' && isInformation(m);
}

/** The band cell of a row the spec sets no band for: "no limit", or "not judged" for a turned head's face in the cut-out. */
export function noBandText(name: string, m: Pick<IdPhotoMeasurement, 'min' | 'max'>, t: Translate): string {
  return t(isUnjudgedTurn(name, m) ? 'idphoto.notJudged' : 'idphoto.info');
}

/**
 * The "Not checked here" line under a photo's checks: the turn it names is the one the size
 * refuses past (a document 20°, a CN studio size 30°); a size that checks none (a résumé's) names
 * any turn.
 */
export function notCheckedText(headTurn: Pick<IdPhotoMeasurement, 'max'> | undefined, t: Translate): string {
  const max = headTurn?.max;
  return t('idphoto.notChecked', { turn: max != null ? t('idphoto.notChecked.turnUnder', { deg: max }) : t('idphoto.notChecked.turnAny') });
}

/** A measurement the spec sets no limit for (the eye line of CN 1-inch, the KB of a spec with no band): shown, not judged. */
export function isInformation(m: Pick<IdPhotoMeasurement, 'min' | 'max'>): boolean {
  return m.min === null && m.max === null;
}

/**
 * A batch's failed checks ("backgroundColourDeltaE 89.62 ΔE (≤ 6 ΔE)", core's failedChecks) with
 * each check's name in the UI's language ("Background colour 89.62 ΔE (≤ 6 ΔE)").
 */
export function failedCheckText(check: string, t: Translate): string {
  const { name, rest } = splitFailedCheck(check);
  return `${checkLabel(name, t)}${rest ? ` ${rest}` : ''}`;
}

/** A check's name in the UI's language ("crownChinMm" -> "Crown to chin"); an unknown one as it is. */
export function checkLabel(name: string, t: Translate): string {
  const label = t(`idphoto.m.${name}` as MessageKey);
  return label.startsWith('idphoto.m.') ? name : label;
}
