/**
 * Heart-rate corrections of the QT interval. Every value is reported under its formula's
 * name: the formulas disagree most at fast and slow rates (Bazett over-corrects above
 * 100 bpm and under-corrects below 60), so a number without its formula is ambiguous.
 */
export const qtcFormulas = ['bazett', 'fridericia', 'framingham', 'hodges'] as const;
export type QtcFormula = (typeof qtcFormulas)[number];

/** Each formula's name, as a label says it ("QTc (Fridericia)"). */
export const qtcFormulaName: Record<QtcFormula, string> = { bazett: 'Bazett', fridericia: 'Fridericia', framingham: 'Framingham', hodges: 'Hodges' };

/** Display names and the formula as printed next to the value (QT and RR in seconds, HR in bpm). */
export const qtcFormulaText: Record<QtcFormula, string> = {
  bazett: 'Bazett: QT / √RR',
  fridericia: 'Fridericia: QT / ∛RR',
  framingham: 'Framingham (Sagie 1992): QT + 0.154 · (1 − RR)',
  hodges: 'Hodges: QT + 0.00175 · (HR − 60)',
};

/** QTc in ms for one formula; QT in ms, RR in ms. */
export function correctQt(formula: QtcFormula, qtMs: number, rrMs: number): number {
  const qt = qtMs / 1000;
  const rr = rrMs / 1000;
  switch (formula) {
    case 'bazett':
      return (1000 * qt) / Math.sqrt(rr);
    case 'fridericia':
      return (1000 * qt) / Math.cbrt(rr);
    case 'framingham':
      return 1000 * (qt + 0.154 * (1 - rr));
    case 'hodges':
      return 1000 * (qt + 0.00175 * (60 / rr - 60));
  }
}

/** All four corrections (ms), or nulls when QT or RR is unknown or RR is implausible. */
export function qtcAll(qtMs: number | null, rrMs: number | null): Record<QtcFormula, number | null> {
  const valid = qtMs !== null && rrMs !== null && rrMs >= 200 && rrMs <= 3000;
  const one = (f: QtcFormula) => (valid ? correctQt(f, qtMs, rrMs) : null);
  return { bazett: one('bazett'), fridericia: one('fridericia'), framingham: one('framingham'), hodges: one('hodges') };
}
