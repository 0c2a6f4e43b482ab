import { describe, expect, it } from 'vitest';
import { JobFinishedSchema, type JobFinished, type JobProgress } from '../contract/channels';
import type { ReadingsDataset } from '../contract/clinic-schemas';
import { EinthovenError } from '../errors';
import { JobRunner, type JobContext } from './jobs';

const dataset: ReadingsDataset = {
  folder: '/data/exports/readings-dataset-1',
  labels: '/data/exports/readings-dataset-1/labels.csv',
  task: 'ptbxl-superclass',
  records: 2,
  classes: { NORM: 2, MI: 0, STTC: 0, CD: 0, HYP: 0 },
  negativeForEveryClass: 0,
  splits: { train: 2, val: 0, test: 0 },
  skipped: { unlabelled: 0, demonstration: 0 },
  withPredictionOnScreen: 0,
};

/** A runner whose events are collected; `end` resolves with a job's finished event. */
function runner(): { jobs: JobRunner; progress: JobProgress[]; end: (jobId: string) => Promise<JobFinished> } {
  const progress: JobProgress[] = [];
  const waiting = new Map<string, (event: JobFinished) => void>();
  const jobs = new JobRunner({ progress: (event) => progress.push(event), finished: (event) => waiting.get(event.jobId)?.(event) });
  // The runner starts each job's work at the next turn: asked for right after the start, its end cannot have come yet.
  const end = (jobId: string) => new Promise<JobFinished>((resolve) => waiting.set(jobId, resolve));
  return { jobs, progress, end };
}

/** Resolves at the next turn of the event loop, where a cancel from the UI would arrive. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('JobRunner: record jobs reported as the contract states them', () => {
  it('reports a dataset from the readings by kind: progress, then its report as the result', async () => {
    const { jobs, progress, end } = runner();
    const jobId = jobs.start('readings-dataset', async ({ progress: report }: JobContext) => {
      report(0, 2, '0 of 2 records written');
      await nextTurn();
      report(2, 2, '2 of 2 records written');
      return dataset;
    });
    const finished = await end(jobId);
    expect(progress).toEqual([
      { jobId, kind: 'readings-dataset', done: 0, total: 2, message: '0 of 2 records written' },
      { jobId, kind: 'readings-dataset', done: 2, total: 2, message: '2 of 2 records written' },
    ]);
    expect(JobFinishedSchema.parse(finished)).toEqual({ jobId, kind: 'readings-dataset', status: 'succeeded', result: dataset });
  });

  it('reports a stopped dataset as cancelled with nothing, one that had finished before it saw the cancel as succeeded; an import keeps its part', async () => {
    const { jobs, end } = runner();
    const stopped = jobs.start('readings-dataset', async ({ signal }) => {
      await nextTurn();
      if (signal.aborted) throw new EinthovenError('E_CANCELLED', 'cancelled; its folder was removed');
      return dataset;
    });
    expect(jobs.cancel(stopped)).toBe(true);
    expect(await end(stopped)).toEqual({ jobId: stopped, kind: 'readings-dataset', status: 'cancelled' });

    // Its folder written and audited, the dataset exists: a late cancel does not make it pass for removed.
    const late = jobs.start('readings-dataset', async () => {
      await nextTurn();
      return dataset;
    });
    jobs.cancel(late);
    expect(await end(late)).toEqual({ jobId: late, kind: 'readings-dataset', status: 'succeeded', result: dataset });

    // An import cancelled keeps the records stored before the cancel, and says so.
    const report = { reports: [{ files: ['a.hea', 'a.dat'], status: 'imported' as const, recordId: 1 }] };
    const imported = jobs.start('import', async () => {
      await nextTurn();
      return report;
    });
    jobs.cancel(imported);
    expect(await end(imported)).toEqual({ jobId: imported, kind: 'import', status: 'cancelled', result: report });
  });

  it("fails a job whose result is not its kind's report, as the engine fails an invalid response", async () => {
    const { jobs, end } = runner();
    const jobId = jobs.start('readings-dataset', () => Promise.resolve({ ...dataset, records: -1 }));
    expect(await end(jobId)).toEqual({ jobId, kind: 'readings-dataset', status: 'failed', error: { code: 'E_INTERNAL', message: 'the readings-dataset job produced an invalid result' } });
  });
});
