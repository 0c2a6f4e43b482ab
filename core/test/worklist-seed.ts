import type { Db } from '../db/database';
import { ModelRegistry } from '../db/model-registry';
import { OverreadStore } from '../db/overreads';
import { PredictionStore, type NewPrediction } from '../db/predictions';
import { RecordStore } from '../db/records';
import { asMillivolts, canonicalLeads, type EcgRecord } from '../formats/record';

/**
 * A worklist of `count` records with varied dates, patients, sexes and ages, a reading on every
 * third record (two readers) and a stored prediction of one model on every other record (MI
 * flagged on every fourth): the worklist test and `npm run bench -- worklist` share it. Signals
 * are 12 leads of 10 samples: listing never reads them, so their size does not matter here.
 */
export const seedModel = {
  id: `seed-model@${'a'.repeat(12)}`,
  name: 'seed-model',
  weightsSha256: 'a'.repeat(64),
  architecture: 'xresnet1d50',
  classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'],
  demonstration: true,
  origin: 'bundled' as const,
  baseModelId: null,
  manifest: { id: 'seed-model' },
};

export interface SeedExpectations {
  readonly ids: number[];
  readonly readBy: Map<number, string>;
  readonly miFlagged: Set<number>;
}

function tinyRecord(i: number): EcgRecord {
  const leads = canonicalLeads.map((name, k) => ({ name, derived: false, samples: asMillivolts(Float32Array.from({ length: 10 }, (_, s) => Math.sin(i + k + s))) }));
  const month = String(1 + (i % 12)).padStart(2, '0');
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    fs: 500,
    nSamples: 10,
    leads,
    missingLeads: [],
    ...(i % 10 === 9 ? {} : { startTime: `${2020 + (i % 5)}-${month}-${day}T${String(i % 24).padStart(2, '0')}:00:00` }),
    patient: { id: `P${i % 997}`, name: `Patient ${String(i % 997).padStart(4, '0')}`, sex: i % 3 === 0 ? 'F' : i % 3 === 1 ? 'M' : 'U', ageYears: 18 + (i % 80) },
    statements: i % 7 === 0 ? ['Sinus rhythm', 'Left ventricular hypertrophy'] : ['Sinus rhythm'],
    source: { format: 'wfdb' },
    warnings: [],
  };
}

/** The seed model's prediction for a record: MI flagged, or NORM. */
export function seedPrediction(recordId: number, mi = false): NewPrediction {
  return {
    recordId,
    model: { id: seedModel.id, name: seedModel.name, demonstration: true, weightsSha256: seedModel.weightsSha256 },
    classes: seedModel.classes,
    operatingPoint: { method: 'f1', temperature: 1, thresholds: { NORM: 0.5, MI: 0.5, STTC: 0.5, CD: 0.5, HYP: 0.5 } },
    probabilities: { NORM: mi ? 0.1 : 0.9, MI: mi ? 0.8 : 0.1, STTC: 0.1, CD: 0.1, HYP: 0.1 },
    decisions: { NORM: !mi, MI: mi, STTC: false, CD: false, HYP: false },
    abstained: false,
    reason: null,
    quality: { verdict: 'good', reasons: [] },
    scope: { reasons: [], notes: [] },
    engineVersion: 'seed',
    actor: 'seed',
  };
}

export function seedWorklist(db: Db, count: number): SeedExpectations {
  const records = new RecordStore(db);
  const readings = new OverreadStore(db);
  const predictions = new PredictionStore(db);
  new ModelRegistry(db).register(seedModel);
  const ids: number[] = [];
  const readBy = new Map<number, string>();
  const miFlagged = new Set<number>();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = records.insert(tinyRecord(i), `seed-${i}`, `seed/record-${String(i).padStart(5, '0')}.hea`);
      ids.push(id);
      if (i % 2 === 0) {
        const mi = i % 4 === 0;
        if (mi) miFlagged.add(id);
        predictions.insert(seedPrediction(id, mi));
      }
      if (i % 3 === 0) {
        const reader = i % 2 === 0 ? 'Dr. A' : 'Dr. B';
        readings.insert({ recordId: id, statements: [{ code: 'NORM', text: 'normal ECG' }], note: '', reader, predictionId: null, agreement: null, supersedes: null });
        readBy.set(id, reader);
      }
    }
  })();
  return { ids, readBy, miFlagged };
}
