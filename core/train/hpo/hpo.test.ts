import { describe, expect, it } from 'vitest';
import { buildModel } from '../../ml/models/registry';
import { bestTrialDescription, hpoJob, largestTrialParams } from '../jobs/hpo-job';
import { shouldPrune } from './pruner';
import { paperSearchSpace, type Params, type SearchSpace } from './space';
import { goodCount, observationWeights, sampleTpe, tpeSplit, type Observation } from './tpe';

describe('TPE sampler', () => {
  it('uses Optuna’s gamma and weights', () => {
    expect([1, 9, 10, 11, 100, 300].map(goodCount)).toEqual([1, 1, 1, 2, 10, 25]);
    expect(observationWeights(5)).toEqual([1, 1, 1, 1, 1]);
    const w = observationWeights(30); // numpy: linspace(1/30, 1, 5) then 25 ones
    expect(w).toHaveLength(30);
    expect(w.slice(0, 5).map((v) => Number(v.toFixed(6)))).toEqual([0.033333, 0.275, 0.516667, 0.758333, 1]);
  });

  it('searches the paper’s space: lr and normalisation, plus the RNN for CRNNs', () => {
    expect(Object.keys(paperSearchSpace('resnet18'))).toEqual(['learningRate', 'normalisation']);
    expect(Object.keys(paperSearchSpace('crnn-gru'))).toEqual(['learningRate', 'normalisation', 'rnnLayers', 'rnnHidden', 'rnnDropout', 'bidirectional']);
    const p = sampleTpe(paperSearchSpace('crnn-lstm'), [], 1, 0);
    expect(p.learningRate as number).toBeGreaterThanOrEqual(1e-6);
    expect(p.learningRate as number).toBeLessThanOrEqual(1e-2);
    expect([1, 2, 4]).toContain(p.rnnLayers);
    // The searched RNN settings build: one bidirectional layer of 128 feeds 2 × 128 features to the head.
    const crnn = buildModel('crnn-gru', { numClasses: 5, inputLength: 256, rnn: { layers: 1, hidden: 128, dropout: 0, bidirectional: true } });
    expect(crnn.layers[crnn.layers.length - 1]?.getWeights()[0]?.shape).toEqual([256, 5]);
    crnn.dispose();
  });

  it('knows the largest model its space can sample: every recurrent size at its largest, both directions', () => {
    expect(largestTrialParams(paperSearchSpace('crnn-lstm'))).toEqual({ learningRate: 1e-6, normalisation: 'minmax', rnnLayers: 4, rnnHidden: 512, rnnDropout: 0.3, bidirectional: true });
    expect(Object.keys(largestTrialParams(paperSearchSpace('resnet18')))).toEqual(['learningRate', 'normalisation']);
  });

  /** 40 trials of a sampler on an objective; `random` never leaves TPE's start-up phase. */
  function run(space: SearchSpace, objective: (p: Params) => number, random: boolean): Observation[] {
    const history: Observation[] = [];
    for (let n = 0; n < 40; n++) {
      const params = sampleTpe(space, random ? [] : history, 7, n);
      history.push({ params, value: objective(params) });
    }
    return history;
  }
  const lateMean = (h: Observation[]) => h.slice(20).reduce((s, o) => s + o.value, 0) / 20;

  it('is reproducible from (seed, trial number) and beats random search on a log-scale float', () => {
    const space: SearchSpace = { x: { kind: 'float', low: 1e-6, high: 1e-2, log: true } };
    const objective = (p: Params) => -((Math.log10(p.x as number) + 4) ** 2); // best at 1e-4
    const tpe = run(space, objective, false);
    expect(run(space, objective, false)).toEqual(tpe);
    expect(lateMean(tpe)).toBeGreaterThan(lateMean(run(space, objective, true)));
    expect(Math.abs(Math.log10(tpe.slice(20).sort((a, b) => b.value - a.value)[0]?.params.x as number) + 4)).toBeLessThan(0.1);
  });

  it('settles on the best category', () => {
    const space: SearchSpace = { c: { kind: 'categorical', choices: ['a', 'b', 'c', 'd'] } };
    const objective = (p: Params) => ({ a: 0.2, b: 0.5, c: 0.9, d: 0.1 })[p.c as 'a'];
    const tpe = run(space, objective, false);
    expect(tpe.slice(20).filter((o) => o.params.c === 'c').length).toBeGreaterThanOrEqual(15);
    expect(lateMean(tpe)).toBeGreaterThan(lateMean(run(space, objective, true)));
  });
});

describe('pruned trials in TPE, as Optuna ranks them', () => {
  const complete = (n: number, value: number): Observation => ({ params: { n }, value });
  const pruned = (n: number, best: number, step: number, last: number): Observation => ({ params: { n }, value: best, pruned: { step, last } });

  it('never lets a pruned trial outrank a completed one, whatever it reached before being stopped', () => {
    // 11 observations: 2 good slots. The pruned trial's best (0.95) beats every completed value.
    const obs = [pruned(0, 0.95, 3, 0.5), ...Array.from({ length: 10 }, (_, i) => complete(i + 1, 0.1 + i * 0.05))];
    expect(tpeSplit(obs).good.map((o) => o.params.n)).toEqual([9, 10]);
  });

  it('fills the good slots with pruned trials only when too few completed: deepest first, then the last value', () => {
    const obs = [complete(0, 0.2), pruned(1, 0.9, 2, 0.8), pruned(2, 0.5, 5, 0.4), pruned(3, 0.6, 5, 0.45), ...Array.from({ length: 8 }, (_, i) => pruned(i + 4, 0.3, 1, 0.3))];
    // 12 observations: 2 good slots; the completed trial, then trial 3 (5 epochs, last 0.45 > 0.4).
    expect(tpeSplit(obs).good.map((o) => o.params.n)).toEqual([0, 3]);
  });
});

describe('median pruner', () => {
  const done = (values: number[]) => ({ state: 'complete' as const, intermediate: values });
  const five = [done([0.5, 0.6]), done([0.4, 0.5]), done([0.6, 0.7]), done([0.3, 0.4]), done([0.5, 0.65])];

  it('waits for 5 completed trials', () => {
    expect(shouldPrune([0.0], five.slice(0, 4))).toBe(false);
    expect(shouldPrune([0.0], [...five.slice(0, 4), { state: 'pruned', intermediate: [0.9] }])).toBe(false);
  });

  it('prunes a trial whose best value so far is below the median at that epoch', () => {
    expect(shouldPrune([0.45], five)).toBe(true); // median at epoch 1 = 0.5
    expect(shouldPrune([0.5], five)).toBe(false);
    expect(shouldPrune([0.55, 0.59], five)).toBe(true); // best 0.59 < median 0.6 at epoch 2
    expect(shouldPrune([0.61, 0.2], five)).toBe(false); // best so far counts
    expect(shouldPrune([0.1, 0.1, 0.1], five)).toBe(false); // no completed trial reached epoch 3
  });
});

describe('hpo and --paper-exact', () => {
  it('refuses it before reading anything, where the search dropped it without a word though the help says it selects on the test split', async () => {
    const job = hpoJob({ dataset: { kind: 'ptbxl', root: '/nonexistent' }, architecture: 'resnet18', studyDir: '/nonexistent/study', trials: 1, train: { paperExact: true } });
    await expect(job).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/--paper-exact \(selection on the test split.*does not apply/) });
  });
});

describe("the best trial's package description", () => {
  it('names the rule its figure is at (the objective at 0.5), as the manifest holds the tuned thresholds\' figure, and counts the trials run', () => {
    const text = bestTrialDescription({ number: 1, value: 0.29761 }, 2);
    expect(text).toBe("Best of 2 TPE trials (trial 1): validation macro-F1 0.2976 at the 0.5 rule, the search's objective; the package's validation figures are at its own tuned thresholds");
    expect(bestTrialDescription({ number: 0, value: null }, 1)).toMatch(/^Best of 1 TPE trial \(trial 0\): validation macro-F1 \? at the 0\.5 rule/);
  });
});
