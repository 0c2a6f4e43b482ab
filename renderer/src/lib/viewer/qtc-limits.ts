/**
 * QTc flags. AHA/ACCF/HRS 2009 (Rautaharju et al., Circulation 119:e241) call a QTc of
 * 450 ms or more prolonged in men and 460 ms or more in women; above 500 ms the risk of
 * torsades rises steeply whatever the sex, and most drug-safety rules act there.
 */
export const qtcLimitsMs = { male: 450, female: 460, marked: 500 } as const;

export type Sex = 'M' | 'F' | 'U' | undefined;

export interface QtcFlag {
  readonly level: 'normal' | 'borderline' | 'prolonged' | 'marked' | 'unknown';
  /** Short text for the badge, naming the limit applied. */
  readonly text: string;
  /** The QTc is over a limit and the engine said the QRS is wide enough to lengthen the QT: the text says so. */
  readonly wideQrs?: true;
}

/**
 * Flags the value as displayed; a flag over a limit carries the engine's wide-QRS caveat
 * (`caveats.qtcWideQrs`, the QTc statement's own words), so the badge and the statements agree.
 */
export function qtcFlag(measured: number | null, sex: Sex, wideQrsCaveat?: string): QtcFlag {
  const flag = qtcFlagOfValue(measured, sex);
  if (!wideQrsCaveat || (flag.level !== 'prolonged' && flag.level !== 'borderline' && flag.level !== 'marked')) return flag;
  return { ...flag, text: `${flag.text}; ${wideQrsCaveat}`, wideQrs: true };
}

/** Flags the value as displayed (whole ms), so a shown "450" is never left unflagged. */
function qtcFlagOfValue(measured: number | null, sex: Sex): QtcFlag {
  if (measured === null) return { level: 'unknown', text: 'not measured' };
  const qtcMs = Math.round(measured);
  if (qtcMs > qtcLimitsMs.marked) return { level: 'marked', text: `markedly prolonged (> ${qtcLimitsMs.marked} ms)` };
  if (sex === 'M' && qtcMs >= qtcLimitsMs.male) return { level: 'prolonged', text: `prolonged (≥ ${qtcLimitsMs.male} ms, male)` };
  if (sex === 'F' && qtcMs >= qtcLimitsMs.female) return { level: 'prolonged', text: `prolonged (≥ ${qtcLimitsMs.female} ms, female)` };
  if (sex === 'M' || sex === 'F') return { level: 'normal', text: `within the ${sex === 'M' ? 'male' : 'female'} limit` };
  // Sex unknown: over both sex limits is prolonged for anyone; between them it depends on sex.
  if (qtcMs >= qtcLimitsMs.female) return { level: 'prolonged', text: `prolonged (≥ ${qtcLimitsMs.female} ms, over the limit for either sex)` };
  if (qtcMs >= qtcLimitsMs.male) return { level: 'borderline', text: `prolonged if male (≥ ${qtcLimitsMs.male} ms); sex unknown` };
  return { level: 'normal', text: `below the ${qtcLimitsMs.male} ms limit (sex unknown)` };
}
