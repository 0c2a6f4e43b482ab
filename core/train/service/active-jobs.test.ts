import { describe, expect, it } from 'vitest';
import { ActiveTrainingJobSchema } from '../../contract/training-schemas';
import { ActiveJobs } from './active-jobs';

describe('a running job as a window attaching later sees it', () => {
  it('keeps the notes and warnings its later phases replaced, beside its latest phase', () => {
    const active = new ActiveJobs();
    active.begin('job-1', 'finetune', { name: 'tuned', baseModelId: 'base@1' });
    const warning = "warning: this fine-tuning's closing figures will be no locked test";
    active.record({ jobId: 'job-1', kind: 'finetune', phase: 'loading', message: warning });
    active.record({ jobId: 'job-1', kind: 'finetune', phase: 'loading', message: 'note: 1 of the 8 test records will be left out' });
    active.record({ jobId: 'job-1', kind: 'finetune', phase: 'training', message: 'head fine-tuning of base on 12 records (wasm)' });
    const [job] = active.list();
    expect(job?.phase?.message).toBe('head fine-tuning of base on 12 records (wasm)');
    expect(job?.notices).toEqual([warning, 'note: 1 of the 8 test records will be left out']);
    expect(ActiveTrainingJobSchema.safeParse(job).success).toBe(true);
  });
});
