import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRecordFilter } from './record-filter';
import { ensembleTrainingOverlap, figuresOptimistic, trainingOverlap } from './training-overlap';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('training overlap by a package\'s record filter', () => {
  it('claims no overlap only by exact content: a copy at another sampling rate is not in the filter', () => {
    const filter = buildRecordFilter(['a', 'b', 'c'].map(sha));
    const none = trainingOverlap('m', filter, [sha('x'), sha('y'), undefined]);
    expect(none).toMatchObject({ checked: 2, inTraining: 0 });
    expect(none.note).toBe("by exact content, none of the 2 test records is among m's 3 training and validation records (a copy at another sampling rate would not be recognised)");
    // One of them, in the singular (it read "1 of the 2 test records are among").
    expect(trainingOverlap('m', filter, [sha('a'), sha('x')]).note).toBe("1 of the 2 test records is among m's training and validation records: its figures on it are optimistic");
    expect(trainingOverlap('m', filter, [sha('x')], undefined, 'record').note).toBe("by exact content, the 1 record is not among m's 3 training and validation records (a copy at another sampling rate would not be recognised)");
  });

  it('says the consequence of one seen record in the singular, its own and a caller\'s, where it read "its figures on them" of one', () => {
    const filter = buildRecordFilter(['a', 'b', 'c'].map(sha));
    expect(trainingOverlap('m', filter, [sha('a')]).note).toBe("the 1 test record is among m's training and validation records: its figures on it are optimistic");
    const comparison = (seen: number) => `${figuresOptimistic(seen)}, and so is the comparison`;
    expect(trainingOverlap('m', filter, [sha('a'), sha('x')], comparison).note).toBe("1 of the 2 test records is among m's training and validation records: its figures on it are optimistic, and so is the comparison");
    expect(trainingOverlap('m', filter, [sha('a'), sha('b')], comparison).note).toBe("2 of the 2 test records are among m's training and validation records: its figures on them are optimistic, and so is the comparison");
    const members = [{ name: 'one', filter }, { name: 'two', filter: buildRecordFilter([sha('z')]) }];
    expect(ensembleTrainingOverlap('ens', members, [sha('a')]).note).toBe("the 1 test record is among the training and validation records of any of ens's 2 members (one member's is enough): its figures on it are optimistic");
  });
});

describe("the overlap of a model whose weights started from a base's", () => {
  const own = buildRecordFilter(['a', 'b'].map(sha));
  const base = { id: 'starter@000000000000', name: 'starter', records: buildRecordFilter(['c', 'd', 'e'].map(sha)) };

  it("counts a record its base trained on as seen, and names the base only where a record is the base's alone", () => {
    const overlap = trainingOverlap('ft', { own, bases: [base] }, [sha('a'), sha('c'), sha('x')]);
    expect(overlap).toMatchObject({ checked: 3, inTraining: 2 });
    expect(overlap.note).toBe("2 of the 3 test records are among ft's or its base starter's training and validation records: its figures on them are optimistic");
    expect(trainingOverlap('ft', { own, bases: [base] }, [sha('a')]).note).toBe("the 1 test record is among ft's training and validation records: its figures on it are optimistic");
    const none = trainingOverlap('ft', { own, bases: [base, { id: 'b2@000000000000', name: 'b2', records: buildRecordFilter([sha('f')]) }] }, [sha('x')]);
    expect(none).toMatchObject({ checked: 1, inTraining: 0 });
    expect(none.note).toBe("by exact content, the 1 test record is not among ft's 2 training and validation records or its bases starter's 3, b2's 1 (a copy at another sampling rate would not be recognised)");
  });

  it("says a base's overlap is unknown where its filter is not kept, rather than none", () => {
    const unknown = trainingOverlap('ft', { own, bases: [{ id: base.id, name: 'starter', records: null }] }, [sha('c'), sha('x')]);
    expect(unknown).toMatchObject({ checked: 2, inTraining: 0 });
    expect(unknown.note).toBe("by exact content, none of the 2 test records is among ft's 2 training and validation records (a copy at another sampling rate would not be recognised); overlap with the training records of its base starter is unknown (ft keeps no record of them)");
  });

  it("counts an ensemble member's base too", () => {
    const overlap = ensembleTrainingOverlap('ens', [{ name: 'one', filter: own, bases: [base] }, { name: 'two', filter: buildRecordFilter([sha('g')]), bases: [{ id: 'old@000000000000', name: 'old', records: null }] }], [sha('c'), sha('x')]);
    expect(overlap).toMatchObject({ checked: 2, inTraining: 1, members: [{ name: 'one', inTraining: 1 }, { name: 'two', inTraining: 0 }] });
    expect(overlap.note).toBe("1 of the 2 test records is among the training and validation records of any of ens's 2 members or their bases (one member's is enough): its figures on it are optimistic; overlap with the training records of two's base old is unknown (not kept)");
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
