import { dDimerFloorNgMlFeu, dDimerNeedsUnitConfirmation } from '../../clinic/pe-scores/items';
import { peItemColumns, peSourceColumn } from '../../data/pe-columns';
import { dDimerConfirmColumn } from '../../data/pe-ddimer-columns';
import { createRng } from '../../signal/rng';

/**
 * SYNTHETIC PE labels and clinical score items for real ECG records. No public ECG dataset has
 * PE outcomes, so tests, the docs' demonstration figures and the e2e suite build one: real
 * PTB-XL recordings, with a PE label and Wells/Geneva/YEARS/PEGeD items drawn here from a seeded
 * generator. Every figure computed on such a dataset says so; none is evidence about PE.
 *
 * The generator: PE ~ Bernoulli(0.15 + 0.35 × ecgRisk), where ecgRisk is 1 for a record whose
 * real PTB-XL statements include a finding reported with PE (sinus tachycardia, right bundle
 * branch block, ST-T change) — so an ECG model has something real, if weak, to learn; then each
 * item ~ Bernoulli with a rate that depends on the synthetic PE label (rates below, chosen so the
 * scores separate the classes about as weakly as published cohorts do), age ~ U[25, 90),
 * heart rate ~ N(88 / 102, 15), D-dimer ~ lognormal (median 600 / 1800 ng/mL FEU).
 */
export const syntheticNotice = 'SYNTHETIC PE labels and score items on real PTB-XL ECGs (core/train/pe/synthetic.ts): a demonstration of the method, not evidence about PE';

const itemRates: Readonly<Record<string, readonly [number, number]>> = {
  dvtSigns: [0.07, 0.3],
  peMostLikely: [0.3, 0.6],
  immobilisationOrSurgery4w: [0.1, 0.25],
  previousVte: [0.08, 0.18],
  haemoptysis: [0.04, 0.1],
  activeCancer: [0.08, 0.18],
  surgeryOrFracture1m: [0.07, 0.18],
  unilateralLegPain: [0.1, 0.28],
};

/** A real record to label: its file (relative to the data folder), patient and real ECG risk finding. */
export interface SyntheticSource {
  readonly file: string;
  readonly patientId: string;
  readonly ecgRisk: boolean;
  readonly split?: 'train' | 'val' | 'test';
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** The labels CSV (hospital layout with every PE score column) of a synthetic PE dataset. */
export function syntheticPeCsv(sources: readonly SyntheticSource[], seed = 13): string {
  const rng = createRng(seed);
  const itemColumns = Object.keys(itemRates).map((id) => peItemColumns[id as keyof typeof peItemColumns]);
  const header = ['file', 'label', 'patient_id', 'split', 'age', peItemColumns.heartRateBpm, peItemColumns.dDimerNgMlFeu, dDimerConfirmColumn, ...itemColumns, peSourceColumn];
  const rows = sources.map((s) => {
    const pe = rng.next() < 0.15 + (s.ecgRisk ? 0.35 : 0) ? 1 : 0;
    const age = Math.floor(rng.uniform(25, 90));
    const heartRate = Math.round(Math.min(180, Math.max(45, (pe ? 102 : 88) + 15 * gaussian(rng.next))));
    // The lognormal's far tail (about 1 row in 20,000) lies under the floor the labels CSV refuses: held at it.
    const dDimer = Math.max(dDimerFloorNgMlFeu, Math.round(Math.exp(Math.log(pe ? 1800 : 600) + 0.8 * gaussian(rng.next))));
    // Drawn in ng/mL, a D-dimer of 20–100 (about 1 row in 80) is confirmed as the labels CSV asks.
    const confirmed = dDimerNeedsUnitConfirmation(dDimer, 'ng/mL FEU') ? 'yes' : '';
    const items = Object.values(itemRates).map(([no, yes]) => (rng.next() < (pe ? yes : no) ? 1 : 0));
    return [s.file, pe, s.patientId, s.split ?? '', age, heartRate, dDimer, confirmed, ...items, 'synthetic (core/train/pe/synthetic.ts)'].join(',');
  });
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}

/** PTB-XL statements reported on the ECG in acute PE (used only to tie the synthetic label to something real). */
export const peEcgFindings = ['STACH', 'CRBBB', 'IRBBB', 'NST_', 'INVT', 'NT_', 'ISCAN', 'ISCIN', 'STD_'];
