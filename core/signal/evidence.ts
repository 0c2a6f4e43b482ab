/** One measured value a statement cites: what it is, its value as shown, and its unit. */
export interface StatementEvidence {
  readonly name: string;
  readonly value: number | string;
  readonly unit?: string;
}

/** Amplitudes are cited to 0.01 mV, the resolution a reader measures at on 10 mm/mV paper and the precision of the criteria. */
export const mv = (v: number) => Number(v.toFixed(2));
/** Intervals, rates and angles are cited to whole units (ms, bpm, °). */
export const round = (v: number) => Math.round(v);
