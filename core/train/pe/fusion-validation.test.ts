import { describe, expect, it } from 'vitest';
import { newcombeAuc } from '../../ml/metrics/auc-interval';
import { calibrate, fusedValidation, type Rows } from './fuse-job';
import { logitOf } from './fusion';
import { fitLogistic } from './logistic';

// 24 validation patients, one score item each, ranked imperfectly (AUC below 1, so the interval has width).
const one = Array.from({ length: 24 }, (_, p) => ({ patient: `patient-${p}`, x: [((p * 5) % 24) / 4], y: (p * 5) % 24 >= 10 !== (p % 7 === 0) ? 1 : 0, ecg: 0.2 + 0.6 * (((p * 11) % 24) / 24) }));
// The same patients with three ECGs each (a follow-up and a repeat): no more evidence about the model.
const three = one.flatMap((r) => [r, r, r]);
const rowsOf = (list: typeof one): Rows => ({ x: list.map((r) => r.x), ecg: list.map((r) => r.ecg), y: list.map((r) => r.y), patients: list.map((r) => r.patient), skipped: 0 });
const groupsOf = (list: typeof one) => list.map((r) => r.patient);
// The fused model's inputs, as fuseJob builds them: the ECG model's logit, then the score items.
const inputsOf = (list: typeof one) => list.map((r) => [logitOf(r.ecg), ...r.x]);

describe('a PE fusion’s validation figures', () => {
  it('count a patient’s several ECGs as one patient in their bootstrap intervals', () => {
    const model = fitLogistic(inputsOf(one), one.map((r) => r.y));
    const once = calibrate(model, inputsOf(one), one.map((r) => r.y), 'youden', 20, groupsOf(one));
    const thrice = calibrate(model, inputsOf(three), three.map((r) => r.y), 'youden', 20, groupsOf(three));
    expect(once.validation.auc).toBeGreaterThan(0.5);
    expect(once.validation.auc).toBeLessThan(1);
    // Drawn by patient, tripling every patient's rows draws the same patients: the same AUC interval.
    expect(thrice.validation).toMatchObject({ n: 72, auc: once.validation.auc, low: once.validation.low, high: once.validation.high });
    const figuresOnce = fusedValidation(once, rowsOf(one), ['PE'], 20);
    const figuresThrice = fusedValidation(thrice, rowsOf(three), ['PE'], 20);
    expect(figuresThrice.ci['PE.auc']).toEqual(figuresOnce.ci['PE.auc']);
    expect(figuresThrice.ci.aucMacro).toEqual(figuresOnce.ci.aucMacro);
  });

  it("gives a validation set the fusion separates perfectly Newcombe's AUC interval, not the bootstrap's 1–1", () => {
    // 4 positive patients scored above every one of 20 negatives, each with two ECGs.
    const rows = Array.from({ length: 24 }, (_, p) => ({ patient: `patient-${p}`, x: [p < 4 ? 3 + p / 10 : p / 100], y: p < 4 ? 1 : 0 })).flatMap((r) => [r, r]);
    const model = { mean: [0], std: [1], weights: [2], intercept: -1 };
    const fused = calibrate(model, rows.map((r) => r.x), rows.map((r) => r.y), 'youden', 20, rows.map((r) => r.patient));
    expect(fused.validation.auc).toBe(1);
    const newcombe = newcombeAuc(1, 4, 20);
    expect(fused.validation).toMatchObject({ low: newcombe.low, high: 1 });
  });
});
