import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRecordFilter } from './record-filter';
import { trainingOverlap } from './training-overlap';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('training overlap by a package\'s record filter', () => {
  it('claims no overlap only by exact content: a copy at another sampling rate is not in the filter', () => {
    const filter = buildRecordFilter(['a', 'b', 'c'].map(sha));
    const none = trainingOverlap('m', filter, [sha('x'), sha('y'), undefined]);
    expect(none).toMatchObject({ checked: 2, inTraining: 0 });
    expect(none.note).toBe("by exact content, none of the 2 test records is among m's 3 training and validation records (a copy at another sampling rate would not be recognised)");
    expect(trainingOverlap('m', filter, [sha('a'), sha('x')]).note).toBe("1 of the 2 test records are among m's training and validation records: its figures on them are optimistic");
  });
});
