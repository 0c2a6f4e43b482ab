import { describe, expect, it } from 'vitest';
import { channels } from './channels';
import { isAbsoluteEnginePath, thresholdRuleShort } from './training-schemas';

describe('dataset paths in training requests', () => {
  it('accepts absolute POSIX, Windows drive and UNC paths, and nothing relative', () => {
    expect(['/data/ecg', 'C:\\ECG', 'd:/ecg', '\\\\server\\share'].every(isAbsoluteEnginePath)).toBe(true);
    expect(['ecg', './ecg', '../shared', 'C:ecg', ''].some(isAbsoluteEnginePath)).toBe(false);
  });

  it('refuses a fine-tuning request whose data folder is relative, naming the field', () => {
    const request = { baseModelId: 'starter', name: 'pe', dataset: { kind: 'csv', root: 'ecgs', labels: '/data/labels.csv' } };
    const parsed = channels['train:finetune'].request.safeParse(request);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['dataset', 'root'], message: expect.stringContaining('absolute path') });
    const absolute = { ...request, dataset: { ...request.dataset, root: '/data/ecgs' } };
    expect(channels['train:finetune'].request.safeParse(absolute).success).toBe(true);
  });
});

describe('threshold rules in a few words', () => {
  it('names a rule-out or rule-in target, and leaves a tuned method as it is', () => {
    expect(thresholdRuleShort({ method: 'sensitivity', target: 0.95 })).toBe('rule-out sensitivity ≥ 0.95');
    expect(thresholdRuleShort({ method: 'specificity', target: 0.9 })).toBe('rule-in specificity ≥ 0.9');
    expect(thresholdRuleShort({ method: 'specificity' })).toBe('rule-in specificity ≥ a target');
    expect(thresholdRuleShort({ method: 'f1' })).toBe('f1');
  });
});
