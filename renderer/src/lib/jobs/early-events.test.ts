import { describe, expect, it } from 'vitest';
import { EarlyJobEvents } from './early-events';

interface Progress {
  readonly jobId: string;
  readonly done: number;
}
interface Finished {
  readonly jobId: string;
  readonly status: 'succeeded';
}

const progress = (jobId: string, done: number): Progress => ({ jobId, done });
const finished = (jobId: string): Finished => ({ jobId, status: 'succeeded' });

describe('EarlyJobEvents', () => {
  it('hands over only the held events of the job whose id came, in the order they arrived', () => {
    const early = new EarlyJobEvents<Progress | Finished>();
    const events = [progress('other', 1), progress('job', 1), finished('other'), progress('job', 2), finished('job'), progress('job', 3)];
    for (const event of events) early.hold(event);
    expect(early.release('job')).toEqual([progress('job', 1), progress('job', 2), finished('job'), progress('job', 3)]);
  });

  it("drops the other jobs' events and hands each event over once", () => {
    const early = new EarlyJobEvents<Progress>();
    early.hold(progress('other', 1));
    early.hold(progress('job', 1));
    expect(early.release('job')).toEqual([progress('job', 1)]);
    expect(early.release('job')).toEqual([]);
    expect(early.release('other')).toEqual([]);
  });

  it("hands over nothing when none of the held events is the job's", () => {
    const early = new EarlyJobEvents<Progress>();
    early.hold(progress('other', 1));
    expect(early.release('job')).toEqual([]);
  });

  it('holds events again after a release, for the next job', () => {
    const early = new EarlyJobEvents<Progress>();
    early.hold(progress('first', 1));
    early.release('first');
    early.hold(progress('second', 1));
    early.hold(progress('first', 2));
    expect(early.release('second')).toEqual([progress('second', 1)]);
  });

  it('forgets everything held when cleared', () => {
    const early = new EarlyJobEvents<Progress>();
    early.hold(progress('job', 1));
    early.clear();
    early.hold(progress('job', 2));
    expect(early.release('job')).toEqual([progress('job', 2)]);
  });
});
