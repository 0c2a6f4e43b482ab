import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CalibrationByClass } from '../contract/evaluation-schemas';
import { openDatabase } from './database';
import { migrations } from './migrations/index';
import { ModelEvaluations, type NewEvaluation } from './model-evaluations';
import { ModelRegistry, type ModelRegistration } from './model-registry';

const weights = 'b'.repeat(64);
const model: ModelRegistration = { id: `tiny@${weights.slice(0, 12)}`, name: 'tiny', weightsSha256: weights, architecture: 'xresnet1d50', classes: ['NORM'], demonstration: true, origin: 'bundled', baseModelId: null, manifest: { id: 'tiny' } };

const bins = Array.from({ length: 10 }, (_, k) => ({ lo: k / 10, hi: (k + 1) / 10, n: k === 8 ? 4 : 0, meanPredicted: k === 8 ? 0.84 : null, observed: k === 8 ? 0.5 : null }));
const calibration: CalibrationByClass = { NORM: { n: 4, positives: 2, brier: 0.3, ece: 0.34, eceIfCalibrated: { mean: 0.15, p95: 0.3 }, bins } };

function evaluation(overrides: Partial<NewEvaluation> = {}): NewEvaluation {
  return { modelId: model.id, weightsSha256: weights, source: 'evaluate', dataset: { name: 'hospital', root: '/data/h', labels: '/data/h/labels.csv' }, n: 4, metrics: { aucMacro: 0.75 }, ci: { aucMacro: { low: 0.5, high: 1 } }, comparison: null, calibration, actor: 'user', ...overrides };
}

describe('site evaluations keep their calibration (migration 0013)', () => {
  it('reads back the calibration recorded with an evaluation, and null for one recorded before the column existed', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-evaluations-')), 'test.sqlite');
    // A workstation still on version 12 records an evaluation, then the app is updated.
    const older = openDatabase(file, migrations.filter((m) => m.version < 13)).db;
    new ModelRegistry(older).register(model);
    older
      .prepare(`INSERT INTO model_evaluations (model_id, weights_sha256, split, source, dataset_name, dataset_root, labels, n, metrics, ci, comparison, actor, created_at)
        VALUES (?, ?, 'test', 'evaluate', 'old', '/data/old', NULL, 3, '{"aucMacro":0.7}', '{}', NULL, 'cli', '2026-01-01T00:00:00.000Z')`)
      .run(model.id, weights);
    older.close();

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
