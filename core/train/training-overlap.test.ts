import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRecordFilter } from './record-filter';
import { ensembleTrainingOverlap, trainingOverlap } from './training-overlap';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('training overlap by a package\'s record filter', () => {
  it('claims no overlap only by exact content: a copy at another sampling rate is not in the filter', () => {
    const filter = buildRecordFilter(['a', 'b', 'c'].map(sha));
    const none = trainingOverlap('m', filter, [sha('x'), sha('y'), undefined]);
    expect(none).toMatchObject({ checked: 2, inTraining: 0 });
    expect(none.note).toBe("by exact content, none of the 2 test records is among m's 3 training and validation records (a copy at another sampling rate would not be recognised)");
    // One of them, in the singular (it read "1 of the 2 test records are among").
    expect(trainingOverlap('m', filter, [sha('a'), sha('x')]).note).toBe("1 of the 2 test records is among m's training and validation records: its figures on them are optimistic");
    expect(trainingOverlap('m', filter, [sha('x')], undefined, 'record').note).toBe("by exact content, the 1 record is not among m's 3 training and validation records (a copy at another sampling rate would not be recognised)");
  });
});

describe('an ensemble\'s training overlap', () => {
  const a = buildRecordFilter(['a', 'b'].map(sha));
  const b = buildRecordFilter(['c'].map(sha));

  it('counts a record seen by any member, once, and reports each member', () => {
    // 'a' was in member one's training, 'c' in member two's: both votes on them are optimistic, so the ensemble's are.
    const overlap = ensembleTrainingOverlap('ens', [{ name: 'one', filter: a }, { name: 'two', filter: b }], [sha('a'), sha('c'), sha('x'), undefined]);
    expect(overlap).toMatchObject({ checked: 3, inTraining: 2, members: [{ name: 'one', inTraining: 1 }, { name: 'two', inTraining: 1 }] });
    expect(overlap.note).toBe("2 of the 3 test records are among the training and validation records of any of ens's 2 members (one member's is enough): its figures on them are optimistic");
    const none = ensembleTrainingOverlap('ens', [{ name: 'one', filter: a }, { name: 'two', filter: b }], [sha('x')]);
    expect(none).toMatchObject({ checked: 1, inTraining: 0 });
    expect(none.note).toMatch(/^by exact content, the 1 test record is not among the training and validation records of any of ens's 2 members /);
  });

  it('says which members keep no filter, and gives no count when none does', () => {
    const partial = ensembleTrainingOverlap('ens', [{ name: 'one', filter: a }, { name: 'old', filter: undefined }], [sha('x')]);
    expect(partial).toMatchObject({ inTraining: 0, members: [{ name: 'one', inTraining: 0 }, { name: 'old', inTraining: null }] });
    expect(partial.note).toMatch(/of 1 of ens's 2 members .*; old keeps no record of its training records, so overlap with those is unknown$/);
    expect(ensembleTrainingOverlap('ens', [{ name: 'old', filter: undefined }], [sha('x')])).toMatchObject({ checked: 1, inTraining: null });
    // Two without one: their training records, where it read "old, older keep no record of its training records".
    const two = ensembleTrainingOverlap('ens', [{ name: 'one', filter: a }, { name: 'old', filter: undefined }, { name: 'older', filter: undefined }], [sha('x')]);
    expect(two.note).toMatch(/; old, older keep no record of their training records, so overlap with those is unknown$/);
  });
});
