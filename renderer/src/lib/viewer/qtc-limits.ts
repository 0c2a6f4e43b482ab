import { qtcLimitsMs as limits } from '../../../../core/contract/qtc-limits';

/**
 * QTc flags, with the computed statements' limits and borderline band (core/contract/qtc-limits.ts
 * gives their sources): a value within the measurement tolerance of a limit is "borderline" on
 * the badge as in the statement, and a short QTc is flagged as the statement states it.
 */
export type Sex = 'M' | 'F' | 'U' | undefined;

export interface QtcFlag {
  readonly level: 'normal' | 'borderline' | 'prolonged' | 'marked' | 'short' | 'unknown';
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
  // Over a long limit (borderline included), not a short or normal QTc: a wide QRS lengthens the QT, it does not shorten it.
  const overLongLimit = measured !== null && Math.round(measured) >= limits.male && flag.level !== 'normal';
  if (!wideQrsCaveat || !overLongLimit) return flag;
  return { ...flag, text: `${flag.text}; ${wideQrsCaveat}`, wideQrs: true };
}

/** Over a sex's limit: borderline within the measurement tolerance of it (as the statement says), prolonged beyond. */
function overLimit(qtcMs: number, limit: number, who: string): QtcFlag {
  if (qtcMs - limit <= limits.borderline) return { level: 'borderline', text: `borderline prolonged (≥ ${limit} ms, ${who}; within ${limits.borderline} ms of the limit)` };
  return { level: 'prolonged', text: `prolonged (≥ ${limit} ms, ${who})` };
}

/** Flags the value as displayed (whole ms), so a shown "450" is never left unflagged. */
function qtcFlagOfValue(measured: number | null, sex: Sex): QtcFlag {
  if (measured === null) return { level: 'unknown', text: 'not measured' };
  const qtcMs = Math.round(measured);
  if (qtcMs > limits.marked) return { level: 'marked', text: `markedly prolonged (> ${limits.marked} ms)` };
  if (qtcMs <= limits.short) {
    if (limits.short - qtcMs <= limits.borderline) return { level: 'borderline', text: `borderline short (≤ ${limits.short} ms; within ${limits.borderline} ms of the limit)` };
    return { level: 'short', text: `short (≤ ${limits.short} ms)` };
  }
  if (sex === 'M' && qtcMs >= limits.male) return overLimit(qtcMs, limits.male, 'male');
  if (sex === 'F' && qtcMs >= limits.female) return overLimit(qtcMs, limits.female, 'female');
  if (sex === 'M' || sex === 'F') return { level: 'normal', text: `within the ${sex === 'M' ? 'male' : 'female'} limit` };
  // Sex unknown: over both sex limits is prolonged for anyone; between them it depends on sex.
  if (qtcMs >= limits.female) return overLimit(qtcMs, limits.female, 'over the limit for either sex');
  if (qtcMs >= limits.male) return { level: 'borderline', text: `prolonged if male (≥ ${limits.male} ms); sex unknown` };
  return { level: 'normal', text: `below the ${limits.male} ms limit (sex unknown)` };
}
