import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { loadFilesForDecoding } from '../formats/load';
import type { EcgRecord } from '../formats/record';
import { fixturePath } from '../test/shared-data';
import { AuditLog } from './audit';
import { openDatabase, type Db } from './database';
import { migration0001 } from './migrations/0001-records-and-audit';
import { migrations } from './migrations/index';
import { ModelRegistry, type ModelRegistration } from './model-registry';
import { PredictionStore, type NewPrediction } from './predictions';
import { RecordStore } from './records';
import { recordContentHash } from '../engine/record-hash';

function tempDbFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'einthoven-predictions-')), 'test.sqlite');
}

/** A real PTB-XL record (CC BY 4.0, core/test/fixtures/train/ATTRIBUTION.md). */
function realRecord(): EcgRecord {
  const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea')]));
  if (!outcome?.ok) throw new Error('fixture record did not decode');
  return outcome.record;
}

const sha = (digit: string) => digit.repeat(64);
const model: ModelRegistration = {
  id: `tiny@${sha('a').slice(0, 12)}`,
  name: 'tiny',
  weightsSha256: sha('a'),
  architecture: 'xresnet1d50',
  classes: ['NORM', 'MI'],
  demonstration: true,
  origin: 'bundled',
  baseModelId: null,
  manifest: { id: 'tiny', provenance: { seed: 20 } },
};

function prediction(recordId: number, overrides: Partial<NewPrediction> = {}): NewPrediction {
  return {
    recordId,
    model: { id: model.id, name: model.name, demonstration: true, weightsSha256: model.weightsSha256 },
    classes: ['NORM', 'MI'],
    operatingPoint: { method: 'f1', temperature: 1.7, thresholds: { NORM: 0.41, MI: 0.22 } },
    probabilities: { NORM: 0.8, MI: 0.1 },
    decisions: { NORM: true, MI: false },
    abstained: false,
    reason: null,
    quality: { verdict: 'good', reasons: [] },
    scope: { reasons: [], notes: [] },
    engineVersion: '0.1.0',
    actor: 'user',
    ...overrides,
  };
}

function seeded(db: Db): { records: RecordStore; registry: ModelRegistry; predictions: PredictionStore; recordId: number } {
  const records = new RecordStore(db);
  const registry = new ModelRegistry(db);
  const recordId = records.insert(realRecord(), 'hash-1', 'ptbxl/00001_lr.hea');
  registry.register(model);
  return { records, registry, predictions: new PredictionStore(db), recordId };
}

describe('predictions and model registry (real SQLite)', () => {
  it('stores predictions with model, operating point and quality, and lists a record newest first', () => {
    const { db } = openDatabase(tempDbFile());
    const { predictions, recordId } = seeded(db);
    const first = predictions.insert(prediction(recordId));
    const abstained = predictions.insert(
      prediction(recordId, { probabilities: null, decisions: null, abstained: true, reason: 'signal quality unusable: flat leads', quality: { verdict: 'unusable', reasons: ['flat leads'] } }),
    );
    expect(first).toMatchObject({ recordId, model: { id: model.id, weightsSha256: sha('a') }, operatingPoint: { method: 'f1', temperature: 1.7, thresholds: { NORM: 0.41, MI: 0.22 } }, probabilities: { NORM: 0.8, MI: 0.1 }, researchUseOnly: true });
    expect(predictions.listForRecord(recordId, 10).map((p) => [p.id, p.abstained, p.reason])).toEqual([
      [abstained.id, true, 'signal quality unusable: flat leads'],
      [first.id, false, null],
    ]);
    expect(predictions.listForRecord(recordId, 1)).toHaveLength(1);
    expect(predictions.listForRecord(recordId + 1, 10)).toEqual([]);
    db.close();
  });

  it('keeps the calibration note of an operating point whose temperature validation could not determine, and none otherwise', () => {
    const { db } = openDatabase(tempDbFile());
    const { predictions, recordId } = seeded(db);
    const note = 'not calibrated: the 7 validation rows separate the classes perfectly, so no temperature is best (one would claim certainty)';
    const noted = predictions.insert(prediction(recordId, { operatingPoint: { method: 'youden', temperature: 1, thresholds: { NORM: 0.5, MI: 0.5 }, calibrationNote: note } }));
    expect(predictions.get(noted.id)?.operatingPoint).toEqual({ method: 'youden', temperature: 1, thresholds: { NORM: 0.5, MI: 0.5 }, calibrationNote: note });
    expect(predictions.insert(prediction(recordId)).operatingPoint).not.toHaveProperty('calibrationNote');
    expect(() => predictions.insert(prediction(recordId, { operatingPoint: { method: 'f1', temperature: 1, thresholds: {}, calibrationNote: 'x'.repeat(501) } }))).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('keeps the target of a rule-out or rule-in operating point (migration 0014), and none for other methods', () => {
    const { db } = openDatabase(tempDbFile());
    const { predictions, recordId } = seeded(db);
    const ruleOut = { method: 'sensitivity', target: 0.95, temperature: 1.3, thresholds: { NORM: 0.12, MI: 0.08 } };
    expect(predictions.get(predictions.insert(prediction(recordId, { operatingPoint: ruleOut })).id)?.operatingPoint).toEqual(ruleOut);
    expect(predictions.insert(prediction(recordId)).operatingPoint).not.toHaveProperty('target');
    expect(() => predictions.insert(prediction(recordId, { operatingPoint: { ...ruleOut, target: 1.5 } }))).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('refuses updates, inconsistent abstain rows, and predictions of unknown records or unregistered models', () => {
    const { db } = openDatabase(tempDbFile());
    const { predictions, recordId } = seeded(db);
    predictions.insert(prediction(recordId));
    expect(() => db.prepare('UPDATE predictions SET probabilities = NULL').run()).toThrow(/immutable: UPDATE refused/);
    expect(() => db.prepare("UPDATE model_registry SET name = 'other'").run()).toThrow(/immutable: UPDATE refused/);
    expect(() => predictions.insert(prediction(recordId, { abstained: true }))).toThrow(/CHECK constraint failed/);
    expect(() => predictions.insert(prediction(recordId, { probabilities: null, decisions: null, abstained: true, reason: null }))).toThrow(/CHECK constraint failed/);
    expect(() => predictions.insert(prediction(recordId + 99))).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => predictions.insert(prediction(recordId, { model: { id: 'ghost@000000000000', name: 'ghost', demonstration: false, weightsSha256: sha('b') } }))).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('registers a model once, keeps its first manifest, and refuses the same id with other weights', () => {
    const { db } = openDatabase(tempDbFile());
    const registry = new ModelRegistry(db);
    const first = registry.register(model);
    expect(registry.register({ ...model, manifest: { changed: true } })).toEqual(first);
    expect(first).toMatchObject({ id: model.id, classes: ['NORM', 'MI'], demonstration: true, origin: 'bundled', manifest: { provenance: { seed: 20 } } });
    expect(() => registry.register({ ...model, weightsSha256: sha('c') })).toThrow(/reuses another model's id/);
    expect(registry.list().map((m) => m.id)).toEqual([model.id]);
    db.close();
  });

  it('migrates a version-1 database to the latest and keeps its records and audit entries', () => {
    const file = tempDbFile();
    const old = openDatabase(file, [migration0001]);
    // Written as version 1 stored records: today's RecordStore needs tables version 1 lacks.
    const v1 = realRecord();
    const recordId = Number(
      old.db
        .prepare(`INSERT INTO records (content_hash, source_path, format, fs, n_samples, leads, missing_leads, statements, warnings, imported_at)
          VALUES (?, 'ptbxl/00001_lr.hea', ?, ?, ?, ?, '[]', '[]', '[]', '2026-01-01T00:00:00.000Z')`)
        .run(recordContentHash(v1), v1.source.format, v1.fs, v1.nSamples, JSON.stringify(v1.leads.map((l) => ({ name: l.name, derived: l.derived })))).lastInsertRowid,
    );
    const blob = new Float32Array(v1.leads.length * v1.nSamples);
    v1.leads.forEach((l, i) => blob.set(l.samples, i * v1.nSamples));
    old.db.prepare("INSERT INTO record_signals (record_id, encoding, data) VALUES (?, 'f32le-lead-major', ?)").run(recordId, Buffer.from(blob.buffer));
    // As version 1 wrote it: no hash columns yet.
    old.db.prepare("INSERT INTO audit_log (at, actor, action, subject, details) VALUES ('2026-01-01T00:00:00.000Z', 'user', 'record.imported', ?, '{}')").run(`record:${recordId}`);
    expect(old.db.prepare("SELECT name FROM sqlite_master WHERE name = 'predictions'").get()).toBeUndefined();
    old.db.close();

    const { db, previousVersion } = openDatabase(file);
    expect(previousVersion).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)?.version);
    const record = new RecordStore(db).get(recordId);
    expect(record).toMatchObject({ id: recordId, sourcePath: 'ptbxl/00001_lr.hea', fs: 100, nSamples: 1000, confirmed: null });
    expect(record?.signals[1]?.slice(0, 3)).toEqual(realRecord().leads[1]?.samples.slice(0, 3));
    const audit = new AuditLog(db);
    expect(audit.recent()).toMatchObject([{ action: 'record.imported', subject: `record:${recordId}`, hash: null }]);
    // The chain starts after the migration; the older entry stays readable, counted as unchained.
    audit.append('user', 'record.viewed', `record:${recordId}`);
    expect(audit.verify()).toMatchObject({ ok: true, entries: 2, unchained: 1, lastId: 2, head: audit.recent(1)[0]?.hash });
    new ModelRegistry(db).register(model);
    expect(new PredictionStore(db).insert(prediction(recordId)).recordId).toBe(recordId);
    db.close();
  });
});
