import { describe, expect, it } from 'vitest';
import { compareWithBase } from './comparison';
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
    const { baseScored } = compareWithBase(classes, { labels, probs }, { id: 'base@1', name: 'base', probs, thresholds }, overlap, seed, 'locked test records', patients);
    expect(baseScored?.metrics.aucMacro).toBe(finetuned.metrics.aucMacro);
    expect(baseScored?.ci).toEqual(finetuned.ci);
    // Drawn by record instead, the intervals would be narrower than the patients allow.
    const byRecord = scoreWithCi(labels, probs, classes, thresholds, seed);
    expect(baseScored?.ci.aucMacro).not.toEqual(byRecord.ci.aucMacro);
  });
});
