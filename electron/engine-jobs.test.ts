import { describe, expect, it } from 'vitest';
import { RunningJobs } from './engine-jobs';

describe('RunningJobs: what a stopped engine was running', () => {
  it('reports each started job that has not finished, as its own family and kind, once', () => {
    const jobs = new RunningJobs();
    jobs.started('records:import', { ok: true, value: { jobId: 'import-1' } });
    jobs.started('train:finetune', { ok: true, value: { jobId: 'train-2' } });
    jobs.started('models:compare', { ok: true, value: { jobId: 'train-3' } });
    jobs.started('datasets:from-readings', { ok: true, value: { jobId: 'dataset-4' } });
    jobs.observed('train:finished', { jobId: 'train-3', kind: 'compare', status: 'succeeded' });
    expect(jobs.failAll('stopped')).toEqual([
      { event: 'jobs:finished', payload: { jobId: 'import-1', kind: 'import', status: 'failed', error: { code: 'E_INTERNAL', message: 'stopped' } } },
      { event: 'train:finished', payload: { jobId: 'train-2', kind: 'finetune', status: 'failed', error: { code: 'E_INTERNAL', message: 'stopped' } } },
      { event: 'jobs:finished', payload: { jobId: 'dataset-4', kind: 'readings-dataset', status: 'failed', error: { code: 'E_INTERNAL', message: 'stopped' } } },
    ]);
    expect(jobs.failAll('again')).toEqual([]);
  });

  it('ignores answers that start no job: another channel, a refusal, and a job that finished before its answer came', () => {
    const jobs = new RunningJobs();
    jobs.started('records:list', { ok: true, value: { jobId: 'not-a-job' } });
    jobs.started('train:start', { ok: false, error: { code: 'E_FORBIDDEN', message: 'folder not allowed' } });
    jobs.observed('jobs:finished', { jobId: 'import-9', kind: 'import', status: 'succeeded' });
    jobs.started('records:import', { ok: true, value: { jobId: 'import-9' } });
    expect(jobs.failAll('stopped')).toEqual([]);
  });
});
