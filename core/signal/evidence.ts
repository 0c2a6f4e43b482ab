/** One measured value a statement cites: what it is, its value as shown, and its unit. */
export interface StatementEvidence {
  readonly name: string;
  readonly value: number | string;
  readonly unit?: string;
}

/** Amplitudes are cited to 0.01 mV, finer than the 0.05–0.1 mV steps of the voltage criteria they are checked against. */
export const mv = (v: number) => Number(v.toFixed(2));
/** Intervals, rates and angles are cited to whole units (ms, bpm, °). */
export const round = (v: number) => Math.round(v);
