import type { RecordSummary } from '../../../../core/contract/schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';

/** When an ECG was taken: its recording time, else when it was imported (ms since 1970). */
function takenAt(r: Pick<RecordSummary, 'recordedAt' | 'importedAt'>): number {
  const recorded = r.recordedAt ? Date.parse(r.recordedAt) : Number.NaN;
  return Number.isFinite(recorded) ? recorded : Date.parse(r.importedAt);
}

/** The same patient's most recent ECG taken before this one; undefined when there is none. */
export function previousEcg(current: RecordSummary, samePatient: readonly RecordSummary[]): RecordSummary | undefined {
  const now = takenAt(current);
  return samePatient
    .filter((r) => r.id !== current.id && takenAt(r) < now)
    .sort((a, b) => takenAt(b) - takenAt(a) || b.id - a.id)[0];
}

export interface ComparisonRow {
  readonly label: string;
  readonly unit: string;
  readonly current: number | null;
  readonly prior: number | null;
  readonly change: number | null;
  /** Why the change deserves a look, or null. */
  readonly notable: string | null;
}

/** A QTc increase above 60 ms is the ICH E14 level of clear concern. */
export const qtcIncreaseConcernMs = 60;

/** Measurements side by side with the change since the prior ECG (angles wrapped to ±180°). */
export function compareWithPrior(current: RecordMeasurements, prior: RecordMeasurements, qtcFormula: string): ComparisonRow[] {
  const qtc = (m: RecordMeasurements) => m.qtc.find((q) => q.formula === qtcFormula)?.ms ?? null;
  const rows: [string, string, number | null, number | null, boolean][] = [
    ['Heart rate', 'bpm', current.heartRateBpm, prior.heartRateBpm, false],
    ['PR', 'ms', current.prMs, prior.prMs, false],
    ['QRS', 'ms', current.qrsMs, prior.qrsMs, false],
    ['QT', 'ms', current.qtMs, prior.qtMs, false],
    [`QTc (${qtcFormula})`, 'ms', qtc(current), qtc(prior), false],
    ['QRS axis', '°', current.axisDeg.qrs, prior.axisDeg.qrs, true],
  ];
  return rows.map(([label, unit, now, before, angle]) => {
    const raw = now === null || before === null ? null : now - before;
    const change = raw !== null && angle ? ((((raw + 180) % 360) + 360) % 360) - 180 : raw;
    const notable = label.startsWith('QTc') && change !== null && change > qtcIncreaseConcernMs ? `QTc up more than ${qtcIncreaseConcernMs} ms (ICH E14 level of concern)` : null;
    return { label, unit, current: now, prior: before, change, notable };
  });
}
