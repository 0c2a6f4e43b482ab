import { describe, expect, it } from 'vitest';
import { channels } from '../../../../core/contract/channels';
import { batchSizeOf, datasetOf, defaultName, defaultWorkers, editedForm, isAbsolutePath, isMinimumOverride, oneJobOverridesOff, requestOf, settingDefaults, validateForm, type FinetuneForm } from './finetune-form';

const form: FinetuneForm = {
  baseModelId: 'tiny@53e124d18651',
  dataRoot: '/data/hospital',
  labels: '/data/hospital/labels.csv',
  positiveClass: '',
  name: 'pe head',
  mode: 'head',
  ...settingDefaults,
};

describe('fine-tuning form', () => {
  it('accepts a complete form and builds the train:finetune request with numbers', () => {
    expect(validateForm(form, ['tiny'])).toEqual({});
    expect(requestOf({ ...form, positiveClass: ' PE ', learningRate: '1e-3' })).toEqual({
      baseModelId: 'tiny@53e124d18651',
      dataset: { kind: 'csv', root: '/data/hospital', labels: '/data/hospital/labels.csv', positiveClass: 'PE' },
      mode: 'head',
      name: 'pe head',
      settings: { epochs: 50, batchSize: 64, learningRate: 0.001, patience: 10, minExamples: { train: 10, val: 3 } },
    });
    expect(datasetOf(form)).not.toHaveProperty('positiveClass');
    // Worker threads: empty leaves the engine's default (cores − 1); a number is sent.
    expect(requestOf({ ...form, workers: ' 3 ' })).toMatchObject({ workers: 3 });
    expect(validateForm({ ...form, workers: '0' }, []).workers).toBe('must be between 1 and 64 (or empty for the default)');
    // The default for the training loop: every core but one, at most one per 8 rows of the batch (as the engine's).
    expect([defaultWorkers(256, 16), defaultWorkers(64, 16), defaultWorkers(64, 8), defaultWorkers(64, 2), defaultWorkers(64, 1), defaultWorkers(4, 16)]).toEqual([15, 8, 7, 1, 1, 1]);
    expect([batchSizeOf({ batchSize: '' }), batchSizeOf({ batchSize: ' 128 ' }), batchSizeOf({ batchSize: '12.5' })]).toEqual([64, 128, 64]);
  });

  it('sends the BCE loss and its positive-class weights from the advanced settings, and refuses weights without BCE', () => {
    expect(requestOf({ ...form, loss: 'bce', posWeight: '3' }).settings).toMatchObject({ loss: 'bce', posWeight: [3] });
    expect(requestOf({ ...form, loss: 'bce', posWeight: '' }).settings).not.toHaveProperty('posWeight');
    expect(validateForm({ ...form, posWeight: '3' }, []).posWeight).toMatch(/BCE loss only/);
    expect(validateForm({ ...form, loss: 'bce', posWeight: '2, -1' }, []).posWeight).toMatch(/positive numbers/);
    expect(validateForm({ ...form, loss: 'bce', posWeight: '2, 4' }, [])).toEqual({});
  });

  it('asks to fine-tune all the same on a test split its base saw whole only where the box is ticked, off by default', () => {
    expect(settingDefaults.allowTestSeenByBase).toBe(false);
    expect(requestOf(form)).not.toHaveProperty('allowTestSeenByBase');
    const request = requestOf({ ...form, allowTestSeenByBase: true });
    expect(request.allowTestSeenByBase).toBe(true);
    // What the engine's contract takes: a request it refused as an unknown key would never reach the job.
    expect(channels['train:finetune'].request.parse(request).allowTestSeenByBase).toBe(true);
  });

  it('keeps the box ticked for the base and dataset it was ticked for, and unticks it when either changes', () => {
    const ticked = { ...form, allowTestSeenByBase: true };
    // Settings of the same job, and a path retyped as the engine reads it: still this job's override.
    expect(editedForm(ticked, { epochs: '3', batchSize: '8', name: 'other name' }).allowTestSeenByBase).toBe(true);
    expect(editedForm(ticked, { dataRoot: ' /data/hospital ', baseModelId: form.baseModelId }).allowTestSeenByBase).toBe(true);
    // Another base, data folder, labels file or class: another job, which the user has not decided on.
    for (const edit of [{ baseModelId: 'other@0123456789ab' }, { dataRoot: '/data/other' }, { labels: '/data/hospital/other.csv' }, { positiveClass: 'MI' }]) {
      expect(editedForm(ticked, edit)).toEqual({ ...ticked, ...edit, allowTestSeenByBase: false });
    }
    // Every one-job override is off by default: off is what a new job starts with.
    expect(oneJobOverridesOff).toEqual({ allowTestSeenByBase: settingDefaults.allowTestSeenByBase });
  });

  it('asks for cross-validation with 3 to 20 folds, or none', () => {
    expect(requestOf({ ...form, crossValidation: '5' }).crossValidation).toBe(5);
    expect(requestOf(form)).not.toHaveProperty('crossValidation');
    expect(validateForm({ ...form, crossValidation: '2' }, []).crossValidation).toBe('must be between 3 and 20 (or empty for none)');
  });

  it('says what is missing or wrong, field by field', () => {
    const errors = validateForm({ ...form, baseModelId: '', dataRoot: 'data/hospital', labels: '', name: 'tiny', epochs: '2.5', batchSize: '0', learningRate: 'fast', patience: '' }, ['tiny']);
    expect(errors).toEqual({
      baseModelId: 'choose the model to start from',
      dataRoot: 'The data folder must be an absolute path on the computer running the engine (e.g. /data/ecg or C:\\ECG)',
      labels: 'The labels CSV is required',
      name: "a model named 'tiny' already exists",
      epochs: 'must be a whole number',
      batchSize: 'must be between 1 and 4096',
      learningRate: 'must be a number such as 0.0002',
      patience: 'must be a whole number',
    });
    expect(validateForm({ ...form, name: '../escape' }, []).name).toMatch(/letters, digits/);
    expect(validateForm({ ...form, learningRate: '2' }, []).learningRate).toBe('must be greater than 0 and at most 1');
    expect(validateForm({ ...form, minTrain: '0', minVal: '' }, [])).toEqual({ minTrain: 'must be between 1 and 1000000', minVal: 'must be a whole number' });
    // Read as the operating-point form reads its minimum: digits only (Number would take 1e2 as 100, 0x10 as 16).
    expect(validateForm({ ...form, epochs: '1e2', batchSize: '0x10', workers: '5.0' }, [])).toEqual({ epochs: 'must be a whole number', batchSize: 'must be a whole number', workers: 'must be a whole number (or empty for the default)' });
    expect([isMinimumOverride(form), isMinimumOverride({ ...form, minTrain: '1' }), isMinimumOverride({ ...form, minVal: '2' })]).toEqual([false, true, true]);
  });

  it('recognises absolute paths of the engine machine, POSIX or Windows', () => {
    expect(['/data', 'C:\\ECG', 'd:/ecg', '\\\\server\\share'].map(isAbsolutePath)).toEqual([true, true, true, true]);
    expect(['data', './data', '~/ecg', 'C:ecg'].map(isAbsolutePath)).toEqual([false, false, false, false]);
  });

  it('proposes a valid, dated default name that is not taken', () => {
    const at = new Date(2026, 10, 25, 14, 2).getTime();
    const name = defaultName('tiny/β', [], at);
    expect(name).toBe('tiny__ fine-tuned 2026-11-25 14.02');
    expect(validateForm({ ...form, name }, []).name).toBeUndefined();
    expect(defaultName('tiny/β', [name, `${name} 2`], at)).toBe(`${name} 3`);
  });
});
