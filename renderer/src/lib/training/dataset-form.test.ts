import { describe, expect, it } from 'vitest';
import { datasetFormProblem, datasetSpecOf } from './dataset-form';

describe('a dataset typed into a form', () => {
  it('needs an absolute data folder, and a labels CSV only for a hospital dataset', () => {
    expect(datasetFormProblem({ kind: 'ptbxl', root: 'data/ptbxl', labels: '' })).toMatch(/^give the data folder as an absolute path/);
    expect(datasetFormProblem({ kind: 'ptbxl', root: '/data/ptbxl', labels: '' })).toBeNull();
    expect(datasetFormProblem({ kind: 'csv', root: '/data/h', labels: '' })).toMatch(/^a labels CSV \(absolute path\) is needed/);
    expect(datasetFormProblem({ kind: 'csv', root: 'C:\\data\\h', labels: 'C:\\data\\h\\labels.csv' })).toBeNull();
  });

  it('is sent with its paths trimmed, and its labels CSV only when it is a hospital dataset', () => {
    expect(datasetSpecOf({ kind: 'csv', root: ' /data/h ', labels: ' /data/h/labels.csv ' })).toEqual({ kind: 'csv', root: '/data/h', labels: '/data/h/labels.csv' });
    expect(datasetSpecOf({ kind: 'cpsc', root: '/data/cpsc', labels: '/left/over.csv' })).toEqual({ kind: 'cpsc', root: '/data/cpsc' });
  });

  it("names a one-output model's class as a hospital CSV's positive class, and nothing for a multi-class model or a public dataset", () => {
    const csv = { kind: 'csv' as const, root: '/data/h', labels: '/data/h/mi.csv' };
    expect(datasetSpecOf(csv, ['MI'])).toEqual({ ...csv, positiveClass: 'MI' });
    expect(datasetSpecOf(csv, ['NORM', 'MI'])).toEqual(csv);
    expect(datasetSpecOf({ kind: 'ptbxl', root: '/data/ptbxl', labels: '' }, ['MI'])).toEqual({ kind: 'ptbxl', root: '/data/ptbxl' });
  });
});
