import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CalibrationByClass } from '../contract/evaluation-schemas';
import { openDatabase, type Db } from './database';
import { migrations } from './migrations/index';
import { ModelEvaluations, type NewEvaluation } from './model-evaluations';
import { ModelRegistry, type ModelRegistration } from './model-registry';

const weights = 'b'.repeat(64);
const model: ModelRegistration = { id: `tiny@${weights.slice(0, 12)}`, name: 'tiny', weightsSha256: weights, architecture: 'xresnet1d50', classes: ['NORM'], demonstration: true, origin: 'bundled', baseModelId: null, manifest: { id: 'tiny' } };

const bins = Array.from({ length: 10 }, (_, k) => ({ lo: k / 10, hi: (k + 1) / 10, n: k === 8 ? 4 : 0, meanPredicted: k === 8 ? 0.84 : null, observed: k === 8 ? 0.5 : null }));
const calibration: CalibrationByClass = { NORM: { n: 4, positives: 2, brier: 0.3, ece: 0.34, eceIfCalibrated: { mean: 0.15, p95: 0.3 }, bins } };

function evaluation(overrides: Partial<NewEvaluation> = {}): NewEvaluation {
  return { modelId: model.id, weightsSha256: weights, source: 'evaluate', dataset: { name: 'hospital', root: '/data/h', labels: '/data/h/labels.csv' }, n: 4, metrics: { aucMacro: 0.75 }, ci: { aucMacro: { low: 0.5, high: 1 } }, comparison: null, calibration, unreadable: 0, actor: 'user', ...overrides };
}

/** A database file at schema `version` holding one evaluation of `model` on the dataset `name`, as that version's columns store it. */
function databaseWithOneEvaluation(version: number, name: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-evaluations-')), 'test.sqlite');
  const older = openDatabase(file, migrations.filter((m) => m.version <= version)).db;
  new ModelRegistry(older).register(model);
  older
    .prepare(`INSERT INTO model_evaluations (model_id, weights_sha256, split, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, actor, created_at)
      VALUES (?, ?, 'test', 'evaluate', ?, '/data/old', NULL, 3, '{"aucMacro":0.7}', '{}', NULL, 'cli', '2026-01-01T00:00:00.000Z')`)
    .run(model.id, weights, name);
  older.close();
  return file;
}

describe('site evaluations keep their calibration (migration 0013)', () => {
  it('reads back the calibration recorded with an evaluation, and null for one recorded before the column existed', () => {
    // A workstation still on version 12 records an evaluation, then the app is updated.
    const file = databaseWithOneEvaluation(12, 'old');

    const { db, previousVersion } = openDatabase(file);
    expect(previousVersion).toBe(12);
    const evaluations = new ModelEvaluations(db);
    expect(evaluations.latest(model.id)).toMatchObject({ dataset: { name: 'old' }, n: 3, calibration: null });
    const stored = evaluations.record(evaluation());
    expect(stored.calibration).toEqual(calibration);
    expect(evaluations.latest(model.id)).toEqual(stored);
    // An evaluation that measured none stays without one.
    expect(evaluations.record(evaluation({ calibration: null })).calibration).toBeNull();
    // Append-only still: the new column changes nothing there.
    expect(() => db.prepare("UPDATE model_evaluations SET calibration = '{}' WHERE id = ?").run(stored.id)).toThrow(/append-only/);
    db.close();
  });
});

describe("an evaluation's source may be 'operating-point' (migration 0015 rebuilds the table)", () => {
  /** What the rebuild must keep: every row as stored, and the table's columns, index, triggers and foreign key. */
  function snapshot(db: Db) {
    return {
      rows: db.prepare('SELECT * FROM model_evaluations ORDER BY id').all(),
      columns: db.pragma('table_info(model_evaluations)'),
      indexes: db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'model_evaluations' ORDER BY name").all(),
      indexColumns: db.pragma('index_info(model_evaluations_model)'),
      triggers: db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'model_evaluations' ORDER BY name").all(),
      foreignKeys: db.pragma('foreign_key_list(model_evaluations)'),
    };
  }

  it('keeps every row, column, index, trigger and foreign key; accepts the new source and still refuses an unknown one', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-evaluations-')), 'test.sqlite');
    // A workstation on version 14 has evaluations of two models, from both earlier sources, with and without their optional columns.
    const older = openDatabase(file, migrations.filter((m) => m.version < 15)).db;
    const other: ModelRegistration = { ...model, id: `other@${'c'.repeat(12)}`, name: 'other', weightsSha256: 'c'.repeat(64) };
    new ModelRegistry(older).register(model);
    new ModelRegistry(older).register(other);
    const insert = older.prepare(`INSERT INTO model_evaluations (model_id, weights_sha256, split, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, actor, created_at, calibration)
      VALUES (?, ?, 'test', ?, ?, '/data/h', ?, ?, '{"aucMacro":0.7}', '{"aucMacro":{"low":0.6,"high":0.8}}', ?, 'cli', '2026-01-01T00:00:00.000Z', ?)`);
    insert.run(model.id, weights, 'evaluate', 'old', null, 3, null, null);
    insert.run(other.id, other.weightsSha256, 'finetune', 'tuned', '/data/h/labels.csv', 40, '{"n":40}', JSON.stringify(calibration));
    insert.run(model.id, weights, 'evaluate', 'again', '/data/h/labels.csv', 0, null, JSON.stringify(calibration));
    const before = snapshot(older);
    expect(() => insert.run(model.id, weights, 'operating-point', 'site', null, 6, null, null)).toThrow(/CHECK constraint failed/);
    older.close();

    // Up to 0015 only: the rebuild itself must change nothing (0016 adds a column after it).
    const rebuilt = openDatabase(file, migrations.filter((m) => m.version <= 15));
    expect(rebuilt.previousVersion).toBe(14);
    expect(snapshot(rebuilt.db)).toEqual(before);
    expect(rebuilt.db.pragma('foreign_key_check')).toEqual([]);
    expect(rebuilt.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%rebuilt%'").get()).toEqual({ n: 0 });
    rebuilt.db.close();

    const { db } = openDatabase(file);

    const evaluations = new ModelEvaluations(db);
    expect(evaluations.latest(other.id)).toMatchObject({ id: 2, source: 'finetune', dataset: { name: 'tuned', labels: '/data/h/labels.csv' }, n: 40, comparison: { n: 40 }, calibration });
    const derived = evaluations.record(evaluation({ source: 'operating-point' }));
    expect(derived).toMatchObject({ id: 4, source: 'operating-point' });
    expect(evaluations.latest(model.id)).toEqual(derived);
    // Still constrained: an unknown source, a model not registered, and any change to a kept row are refused.
    expect(() => evaluations.record(evaluation({ source: 'guess' as NewEvaluation['source'] }))).toThrow(/CHECK constraint failed/);
    expect(() => evaluations.record(evaluation({ modelId: 'unregistered@000000000000' }))).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => db.prepare("UPDATE model_evaluations SET source = 'operating-point' WHERE id = 1").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM model_evaluations WHERE id = 1').run()).toThrow(/append-only: DELETE refused/);
    db.close();
  });
});

describe('an evaluation keeps how many of its records could not be read (migration 0016)', () => {
  it('reads back the count, null for evaluations recorded before the column existed, and refuses a negative one', () => {
    const file = databaseWithOneEvaluation(15, 'before 0016');

    const { db, previousVersion } = openDatabase(file);
    expect(previousVersion).toBe(15);
    const evaluations = new ModelEvaluations(db);
    expect(evaluations.latest(model.id)).toMatchObject({ dataset: { name: 'before 0016' }, unreadable: null });
    expect(evaluations.record(evaluation({ unreadable: 2 })).unreadable).toBe(2);
    expect(evaluations.latest(model.id)?.unreadable).toBe(2);
    expect(evaluations.record(evaluation({ unreadable: null })).unreadable).toBeNull();
    expect(() => evaluations.record(evaluation({ unreadable: -1 }))).toThrow(/CHECK constraint failed/);
    db.close();
  });
});

describe('site evaluations recorded before rate intervals were widened', () => {
  it("read back with each rate's interval at least Wilson's, the stored row unchanged", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-evaluations-')), 'test.sqlite');
    const { db } = openDatabase(file);
    new ModelRegistry(db).register(model);
    // 12 records, 3 with the class: all found, no false flag; the percentile bootstrap stored 100–100 %.
    const perClass = { NORM: { support: 3, sensitivity: 1, specificity: 1, ppv: 1, npv: 1 } };
    const certain = { low: 1, high: 1 };
    const stored = new ModelEvaluations(db).record(evaluation({ n: 12, metrics: { aucMacro: 1, perClass }, ci: { 'NORM.sensitivity': certain, 'NORM.specificity': certain, 'NORM.ppv': certain, 'NORM.npv': certain } }));
    // Wilson 95 %: 3 of 3 → 43.9–100 %, 9 of 9 → 70.1–100 % (scipy.stats.binomtest(k, n).proportion_ci(method='wilson')).
    expect(stored.ci['NORM.sensitivity']?.low).toBeCloseTo(0.43849, 4);
    expect(stored.ci['NORM.specificity']?.low).toBeCloseTo(0.70085, 4);
    expect(stored.ci['NORM.ppv']?.low).toBeCloseTo(0.43849, 4);
    expect(JSON.parse((db.prepare('SELECT ci FROM model_evaluations WHERE id = ?').get(stored.id) as { ci: string }).ci)).toMatchObject({ 'NORM.sensitivity': certain });
    db.close();
  });
});
