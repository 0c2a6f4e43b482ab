/**
 * QTc limits shared by the computed statements (core/signal/statements.ts) and the viewer's QTc badge
 * (renderer/src/lib/viewer/qtc-limits.ts), so the two never say different things of one value:
 * the badge said "prolonged" where the statement said "Borderline prolonged QTc".
 * - [AHA-IV] (Rautaharju et al., Circulation 2009;119:e241): QTc ≥ 450 ms prolonged in men,
 *   ≥ 460 ms in women; above 500 ms the risk of torsades rises steeply whatever the sex, and most
 *   drug-safety rules act there.
 * - Short: 360 ms, where [SQTS-2013] and [ESC-2015] have a short-QT syndrome considered
 *   (statements.ts `statementThresholds.shortQtcMs` says why not AHA-IV's 390).
 * - Borderline: within 25 ms of a limit, the mean QT error IEC 60601-2-25 (2011) tolerates in a
 *   program's global QT against the CSE reference: such a value may lie on either side of it.
 */
export const qtcLimitsMs = { male: 450, female: 460, marked: 500, short: 360, borderline: 25 } as const;
