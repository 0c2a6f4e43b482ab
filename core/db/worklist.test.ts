import { describe, expect, it } from 'vitest';
import type { RecordSummary } from '../contract/schemas';
import type { WorklistFilter } from '../contract/worklist-schemas';
import { neverFlaggedThreshold } from '../contract/training-schemas';
import { seedModel, seedPrediction, seedWorklist } from '../test/worklist-seed';
import { FiducialCorrectionStore } from './fiducial-corrections';
import { PredictionStore } from './predictions';
import { TracingNoteStore } from './tracing-notes';
import { openDatabase } from './database';
import { RecordStore } from './records';
import { worklistFacets } from './worklist';

/** Filters and sorts of the worklist on real SQLite, checked against the same question asked of every row in JavaScript. */
describe('worklist queries (real SQLite)', () => {
  const { db } = openDatabase(':memory:');
  const seeded = seedWorklist(db, 300);
  const store = new RecordStore(db);
  const all = store.list({ limit: 1000, offset: 0 }).items;
  const ids = (filter: WorklistFilter) => store.ids(filter);
  const expected = (keep: (r: RecordSummary) => boolean) => all.filter(keep).map((r) => r.id);

  it('filters by sex, age, recording date, reader, status and model output, alone and together', () => {
    expect(ids({ sex: 'F' })).toEqual(expected((r) => r.patient.sex === 'F'));
    expect(ids({ ageMin: 40, ageMax: 49 })).toEqual(expected((r) => (r.patient.ageYears ?? -1) >= 40 && (r.patient.ageYears ?? 999) <= 49));
    const inMay2021 = (r: RecordSummary) => r.recordedAt !== null && r.recordedAt >= '2021-05-01' && r.recordedAt.slice(0, 10) <= '2021-05-31';
    expect(ids({ recordedFrom: '2021-05-01', recordedTo: '2021-05-31' })).toEqual(expected(inMay2021));
    expect(ids({ recordedFrom: '2021-05-01', recordedTo: '2021-05-31' }).length).toBeGreaterThan(0);
    expect(ids({ reader: 'Dr. B' })).toEqual(expected((r) => r.confirmed?.reader === 'Dr. B'));
    expect(ids({ review: 'unconfirmed' })).toEqual(expected((r) => r.confirmed === null));
    const flagged = ids({ flagged: { modelId: seedModel.id, className: 'MI' } });
    expect(flagged).toEqual(expected((r) => seeded.miFlagged.has(r.id)));
    expect(flagged.length).toBe(75);
    expect(ids({ flagged: { modelId: 'other@000000000000', className: 'MI' } })).toEqual([]);
    expect(ids({ flagged: { modelId: seedModel.id, className: 'MI' }, sex: 'M', review: 'confirmed' })).toEqual(
      expected((r) => seeded.miFlagged.has(r.id) && r.patient.sex === 'M' && r.confirmed !== null),
    );
  });

  it('pages through a filter without gaps or repeats, and counts what it lists', () => {
    const filter: WorklistFilter = { sex: 'M' };
    const pages: number[] = [];
    let total = -1;
    for (let offset = 0; offset < 200; offset += 37) {
      const page = store.list({ ...filter, sort: 'patient', order: 'asc', limit: 37, offset });
      total = page.total;
      pages.push(...page.items.map((r) => r.id));
    }
    expect(total).toBe(expected((r) => r.patient.sex === 'M').length);
    expect(pages).toEqual(store.ids({ ...filter, sort: 'patient', order: 'asc' }));
  });

  it('sorts by recording date (undated last), patient and status', () => {
    const byDate = store.list({ sort: 'recorded', order: 'asc', limit: 1000, offset: 0 }).items;
    const dated = byDate.filter((r) => r.recordedAt !== null).map((r) => r.recordedAt as string);
    expect(dated).toEqual([...dated].sort());
    expect(byDate.slice(dated.length).every((r) => r.recordedAt === null)).toBe(true);
    const names = store.list({ sort: 'patient', order: 'desc', limit: 1000, offset: 0 }).items.map((r) => r.patient.name ?? '');
    expect(names).toEqual([...names].sort().reverse());
    const status = store.list({ sort: 'status', order: 'desc', limit: 1000, offset: 0 }).items;
    const firstConfirmed = status.findIndex((r) => r.confirmed !== null);
    expect(status.slice(0, firstConfirmed).every((r) => r.confirmed === null)).toBe(true);
    expect(status.slice(firstConfirmed).every((r) => r.confirmed !== null)).toBe(true);
  });

  it("ranks the records a model flags by that class's probability in its newest prediction, and says what it ranks by", () => {
    const { db: own } = openDatabase(':memory:');
    seedWorklist(own, 8);
    const stored = new RecordStore(own);
    const records = stored.list({ limit: 8, offset: 0 }).items.map((r) => r.id);
    const predictions = new PredictionStore(own);
    const mi = (id: number, p: number) => {
      const base = seedPrediction(id, true);
      predictions.insert({ ...base, probabilities: { ...base.probabilities, MI: p } as typeof base.probabilities, decisions: { ...base.decisions, MI: p > 0.5 } as typeof base.decisions });
    };
    records.forEach((id, i) => mi(id, [0.55, 0.97, 0.62, 0.2, 0.81, 0.74, 0.3, 0.9][i] as number));
    // The newest prediction counts: record 7's 0.9 is replaced by 0.51.
    mi(records[7] as number, 0.51);
    const flagged = { modelId: seedModel.id, className: 'MI' };
    const ranked = stored.list({ flagged, sort: 'probability', order: 'desc', limit: 10, offset: 0 }).items;
    expect(ranked.map((r) => r.flaggedBy?.probability)).toEqual([0.97, 0.81, 0.74, 0.62, 0.55, 0.51]);
    expect(ranked[0]?.flaggedBy).toEqual({ modelName: seedModel.name, className: 'MI', probability: 0.97, threshold: 0.5, method: 'f1' });
    expect(stored.ids({ flagged, sort: 'probability', order: 'asc' })).toEqual(ranked.map((r) => r.id).reverse());
    // Without the filter there is no class to rank by: a typed refusal, not an arbitrary order.
    expect(() => stored.list({ sort: 'probability', limit: 10, offset: 0 })).toThrow(/sorting by probability needs the "flagged by" filter/);
    expect(stored.list({ limit: 1, offset: 0 }).items[0]?.flaggedBy).toBeUndefined();
    // A prediction at a site's rule-out operating point says its target too, so the list can name the rule.
    const ruleOut = seedPrediction(records[1] as number, true);
    predictions.insert({ ...ruleOut, operatingPoint: { ...ruleOut.operatingPoint, method: 'sensitivity', target: 0.95 } });
    expect(stored.list({ flagged, sort: 'probability', order: 'desc', limit: 10, offset: 0 }).items.find((r) => r.id === records[1])?.flaggedBy).toMatchObject({ method: 'sensitivity', target: 0.95 });
  });

  it("queues the records nearest their prediction's own threshold first, on both sides of it, those with nothing to be uncertain about last", () => {
    const { db: own } = openDatabase(':memory:');
    // Seeded records 0, 2, 4, 6, 8 already carry a prediction of the model; 1, 3, 5, 7 none.
    const r = seedWorklist(own, 9).ids;
    const stored = new RecordStore(own);
    const predictions = new PredictionStore(own);
    const mi = (index: number, p: number, t: number) => {
      const base = seedPrediction(r[index] as number);
      predictions.insert({
        ...base,
        operatingPoint: { ...base.operatingPoint, thresholds: { ...base.operatingPoint.thresholds, MI: t } },
        probabilities: { ...base.probabilities, MI: p } as typeof base.probabilities,
        decisions: { ...base.decisions, MI: p > t } as typeof base.decisions,
      });
    };
    mi(0, 0.55, 0.5); // 0.05 above
    mi(1, 0.45, 0.5); // 0.05 below: a tie with record 0, broken by the id
    mi(2, 0.31, 0.3); // 0.01: the most uncertain, under its own (lower) threshold
    mi(3, 0.9, 0.5); // 0.4
    mi(4, 0.25, 0.6); // 0.35 below
    mi(6, 0.99, neverFlaggedThreshold); // never flagged: no decision to be uncertain about
    mi(7, 0.5, 0.5); // exactly on the threshold, then a newer prediction moves it away: the newest counts
    mi(7, 0.1, 0.5); // 0.4 below: a tie with record 3
    // Record 8: its seeded prediction, then a newer abstention (no probabilities); record 5: no prediction.
    predictions.insert({ ...seedPrediction(r[8] as number), probabilities: null, decisions: null, abstained: true, reason: 'signal quality unusable' });
    const flagged = { modelId: seedModel.id, className: 'MI' };
    const at = (...indices: number[]) => indices.map((i) => r[i]);
    expect(stored.ids({ flagged, sort: 'uncertainty', order: 'asc' })).toEqual(at(2, 0, 1, 4, 3, 7, 5, 6, 8));
    expect(stored.ids({ flagged, sort: 'uncertainty', order: 'desc' })).toEqual(at(7, 3, 4, 1, 0, 2, 8, 6, 5));
    // Under the uncertainty sort the flagged filter names the class and keeps every record; under any other, only those flagged.
    expect(stored.ids({ flagged, sort: 'probability' })).toEqual(at(3, 0, 2));
    const queue = stored.list({ flagged, sort: 'uncertainty', order: 'asc', limit: 4, offset: 0 });
    expect(queue.total).toBe(9);
    expect(queue.items[2]?.flaggedBy).toEqual({ modelName: seedModel.name, className: 'MI', probability: 0.45, threshold: 0.5, method: 'f1' });
    const pages = [0, 4, 8].flatMap((offset) => stored.list({ flagged, sort: 'uncertainty', order: 'asc', limit: 4, offset }).items.map((x) => x.id));
    expect(pages).toEqual(at(2, 0, 1, 4, 3, 7, 5, 6, 8));
    expect(stored.list({ flagged, sort: 'uncertainty', order: 'asc', limit: 9, offset: 0 }).items.find((x) => x.id === r[5])?.flaggedBy).toBeUndefined();
    // Other filters still apply: the queue of the unconfirmed (seed readings are on every third record: 0, 3, 6).
    expect(stored.ids({ flagged, sort: 'uncertainty', order: 'asc', review: 'unconfirmed' })).toEqual(at(2, 1, 4, 7, 5, 8));
    // Without the filter there is no class to be uncertain about: a typed refusal.
    expect(() => stored.ids({ sort: 'uncertainty', order: 'asc' })).toThrow(/sorting by uncertainty needs the "flagged by" filter/);
    expect(() => stored.list({ sort: 'uncertainty', limit: 10, offset: 0 })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });

  it('offers the readers of current readings and the models with stored predictions', () => {
    expect(worklistFacets(db)).toEqual({ readers: ['Dr. A', 'Dr. B'], models: [{ id: seedModel.id, name: seedModel.name, classes: seedModel.classes, neverFlagged: [] }] });
  });

  it('does not offer a class the model never flags (no threshold) as a filter, and names it apart', () => {
    const { db: own } = openDatabase(':memory:');
    seedWorklist(own, 4);
    const record = new RecordStore(own).list({ limit: 1, offset: 0 }).items[0]!.id;
    const thresholds = { NORM: 0.5, MI: neverFlaggedThreshold, STTC: 0.5, CD: neverFlaggedThreshold, HYP: 0.5 };
    new PredictionStore(own).insert({ ...seedPrediction(record), operatingPoint: { method: 'f1', temperature: 1, thresholds }, decisions: { NORM: true, MI: false, STTC: false, CD: false, HYP: false } });
    const [model] = worklistFacets(own).models;
    expect(model?.classes).toEqual(['NORM', 'STTC', 'HYP']);
    expect(model?.neverFlagged).toEqual(['MI', 'CD']);
  });

  it("says which records' measurements a reader corrected and which carry notes, and filters by both", () => {
    const { db: own } = openDatabase(':memory:');
    seedWorklist(own, 6);
    const stored = new RecordStore(own);
    const [a, b, c, d] = stored.list({ sort: 'imported', order: 'asc', limit: 6, offset: 0 }).items.map((r) => r.id) as [number, number, number, number];
    const corrections = new FiducialCorrectionStore(own);
    const correct = (recordId: number, boundaries: object, beats: { added: number[]; removed: number[] }, supersedes: number | null) =>
      corrections.insert({ recordId, boundaries, beats, reader: `Dr. ${recordId}`, note: '', supersedes }).id;
    // a: boundaries corrected; b: only a beat removed; c: corrected, then taken back (a row with nothing in it).
    correct(a, { pOnset: -180 }, { added: [], removed: [] }, null);
    correct(b, {}, { added: [], removed: [1200] }, null);
    correct(c, {}, { added: [], removed: [] }, correct(c, { tEnd: 400 }, { added: [], removed: [] }, null));
    const notes = new TracingNoteStore(own);
    const note = (recordId: number) => notes.add({ recordId, atS: 1.5, lead: null, text: 'artefact', author: 'Dr. N' }).id;
    note(a);
    note(a);
    note(d);
    notes.retract(d, note(d), 'Dr. N');
    const byId = new Map(stored.list({ limit: 6, offset: 0 }).items.map((r) => [r.id, r]));
    expect(byId.get(a)?.corrected?.reader).toBe(`Dr. ${a}`);
    expect(byId.get(b)?.corrected?.reader).toBe(`Dr. ${b}`);
    expect(byId.get(c)?.corrected).toBeNull();
    expect([a, b, c, d].map((id) => byId.get(id)?.notes)).toEqual([2, 0, 0, 1]);
    expect(stored.get(a)?.corrected?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);
    expect(sorted(stored.ids({ corrected: true }))).toEqual([a, b]);
    expect(stored.ids({ corrected: false })).not.toContain(a);
    expect(stored.ids({ corrected: false })).toContain(c);
    expect(sorted(stored.ids({ withNotes: true }))).toEqual(sorted([a, d]));
    expect(stored.list({ withNotes: false, corrected: false, limit: 10, offset: 0 }).total).toBe(3);
  });
});
