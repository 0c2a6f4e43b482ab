import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseTrainingRecordsFrom, trainingRecordsOf } from './base-records';
import { modelManifestSchema, type ModelManifest } from './package/manifest';

// The bundled starter's manifest, as packages derived from it would carry its provenance.
const starter = modelManifestSchema.parse(JSON.parse(readFileSync(path.resolve('resources/models/starter/manifest.json'), 'utf8')));
const starterFilter = starter.provenance.trainingRecords;
const own = { ...starterFilter!, count: 7 };

/** A package like the starter but for its base, hyper-parameters and bases' filters. */
function derived(base: ModelManifest['provenance']['base'], changes: { finetuneMode?: string; baseTrainingRecords?: ModelManifest['provenance']['baseTrainingRecords'] } = {}): ModelManifest {
  const { baseTrainingRecords, finetuneMode } = changes;
  return {
    ...starter,
    id: 'ft@111111111111',
    name: 'ft',
    hyperParameters: { ...starter.hyperParameters, ...(finetuneMode ? { finetuneMode } : {}) },
    provenance: { ...starter.provenance, trainingRecords: own, ...(base ? { base } : {}), ...(baseTrainingRecords ? { baseTrainingRecords } : {}) },
  };
}
const startedFrom = (mode: NonNullable<ModelManifest['provenance']['base']>['mode']) => ({ id: starter.id, name: starter.name, mode });

describe("a package's bases' training-record filters", () => {
  it('are none for a model trained from random weights', () => {
    expect(trainingRecordsOf(starter)).toEqual({ own: starterFilter, bases: [] });
    expect(trainingRecordsOf(derived(startedFrom('scratch'), { finetuneMode: 'scratch' })).bases).toEqual([]);
    // An operating point of the starter: its weights, and so its records, are the starter's own.
    expect(trainingRecordsOf(derived(startedFrom('operating-point'))).bases).toEqual([]);
  });

  it('are unknown, not none, for a fine-tuning written before packages kept them, or an operating point of one', () => {
    expect(trainingRecordsOf(derived(startedFrom('head'), { finetuneMode: 'head' })).bases).toEqual([{ id: starter.id, name: starter.name, records: null }]);
    const ofFinetuned = derived({ id: 'tuned@222222222222', name: 'tuned', mode: 'operating-point' }, { finetuneMode: 'full' });
    expect(trainingRecordsOf(ofFinetuned).bases).toEqual([{ id: 'tuned@222222222222', name: "tuned's base", records: null }]);
  });

  it("are kept by a fine-tuning: its base's own, then the base's bases", () => {
    const tuned = derived(startedFrom('head'), { finetuneMode: 'head', baseTrainingRecords: [{ id: starter.id, name: starter.name, records: starterFilter ?? null }] });
    expect(trainingRecordsOf(tuned)).toEqual({ own, bases: [{ id: starter.id, name: starter.name, records: starterFilter }] });
    expect(baseTrainingRecordsFrom(tuned)).toEqual([
      { id: 'ft@111111111111', name: 'ft', records: own },
      { id: starter.id, name: starter.name, records: starterFilter },
    ]);
    expect(baseTrainingRecordsFrom(starter)).toEqual([{ id: starter.id, name: starter.name, records: starterFilter }]);
  });
});
