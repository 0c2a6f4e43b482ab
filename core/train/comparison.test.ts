import { describe, expect, it } from 'vitest';
import { compareWithBase } from './comparison';
import { delongPaired } from '../ml/metrics/paired';
import { scoreWithCi } from './scores';

// 12 patients with 3 ECGs each (as PTB-XL and a hospital's follow-ups have): a patient's records
// share their labels and nearly their scores, so a bootstrap by record counts each patient thrice.
const classes = ['A', 'B'];
const perPatient = Array.from({ length: 12 }, (_, p) => ({ id: `patient-${p}`, labels: [p % 3 === 0 ? 1 : 0, p % 4 === 1 ? 1 : 0], score: ((p * 7) % 12) / 12 }));
const rows = perPatient.flatMap((p) => [0, 1, 2].map((k) => ({ patient: p.id, labels: p.labels, probs: p.labels.map((y, j) => Math.min(0.99, 0.25 * y + 0.6 * p.score + 0.01 * k + 0.05 * j)) })));
const labels = rows.map((r) => [...r.labels]);
const probs = rows.map((r) => [...r.probs]);
const patients = rows.map((r) => r.patient);
const thresholds = [0.5, 0.5];
const overlap = { checked: rows.length, inBaseTraining: 0, note: 'none of the test records is among the base model’s training records' };

describe('fine-tuned model beside its base', () => {
  it("bootstraps the base's figures by patient, as the fine-tuned model's beside them", () => {
    const seed = 7;
    const finetuned = scoreWithCi(labels, probs, classes, thresholds, seed, patients);
    // A base that scores every record as the fine-tuned model does: the same figures, so the same intervals.
    const { baseScored } = compareWithBase(classes, { labels, probs }, { id: 'base@1', name: 'base', probs, thresholds }, overlap, seed, 'locked test records', { patients });
    expect(baseScored?.metrics.aucMacro).toBe(finetuned.metrics.aucMacro);
    expect(baseScored?.ci).toEqual(finetuned.ci);
    // Drawn by record instead, the intervals would be narrower than the patients allow.
    const byRecord = scoreWithCi(labels, probs, classes, thresholds, seed);
    expect(baseScored?.ci.aucMacro).not.toEqual(byRecord.ci.aucMacro);
  });

  it('scores the base’s headline F1 of a one-output task as the fine-tuned model’s, the paper’s mean of both classes under paperExact', () => {
    // At 0.5: TP 2, FN 1, FP 1, TN 4: the positive class's F1 is 4/6, the mean of both classes' 0.7333.
    const y = [[1], [1], [1], [0], [0], [0], [0], [0]];
    const p = [[0.9], [0.7], [0.2], [0.6], [0.1], [0.3], [0.05], [0.4]];
    const finetuned = scoreWithCi(y, p, ['PE'], [0.5], 3, undefined, { paperExact: true });
    const { baseScored } = compareWithBase(['PE'], { labels: y, probs: p }, { id: 'base@1', name: 'base', probs: p, thresholds: [0.5] }, { ...overlap, checked: 8 }, 3, 'locked test records', { paperExact: true });
    expect(finetuned.metrics.f1Macro).toBeCloseTo((4 / 6 + 0.8) / 2, 12);
    expect(baseScored?.metrics.f1Macro).toBe(finetuned.metrics.f1Macro);
    expect(baseScored?.ci.f1Macro).toEqual(finetuned.ci.f1Macro);
  });

  const seed = 5;
  it("tests each class's AUC difference over patients where they are known, and says so", () => {
    // The base ranks patients differently (a shift shared by each patient's three ECGs).
    const baseProbs = rows.map((r, i) => r.probs.map((v) => v + 0.3 * (((Math.floor(i / 3) * 5) % 7) / 7)));
    const base = { id: 'base@1', name: 'base', probs: baseProbs, thresholds };
    const byPatient = compareWithBase(classes, { labels, probs }, base, overlap, seed, 'locked test records', { patients }).comparison;
    const byRecord = compareWithBase(classes, { labels, probs }, base, overlap, seed, 'locked test records').comparison;
    const y = labels.map((l) => l[0] as number);
    const clustered = delongPaired(y, probs.map((p) => p[0] as number), baseProbs.map((p) => p[0] as number), patients);
    expect(byPatient.classes[0]).toMatchObject({ method: 'DeLong', p: clustered.p, ci95: clustered.ci95 });
    expect(byPatient.note).toMatch(/by DeLong, clustered by patient \(Obuchowski 1997\)\.$/);
    // 36 records of 12 patients, taken as independent: a narrower interval than the patients give.
    const width = (c: typeof byPatient) => (c.classes[0]?.ci95[1] as number) - (c.classes[0]?.ci95[0] as number);
    expect(width(byPatient)).toBeGreaterThan(width(byRecord));
    expect(byRecord.note).toMatch(/by DeLong \(records taken as independent\)\.$/);
  });
});
