import { describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../../core/contract/schemas';
import { countByStatus, csvGroups } from './import-report';

const csv = (name: string, columns: number, header?: string[]): ImportFileReport => ({
  files: [name],
  status: 'rejected',
  reason: 'the sampling rate is not in the file',
  csvQuestion: { needs: ['fs', 'units'], columns, ...(header ? { header } : {}) },
});

describe('import report', () => {
  it('counts skipped apart from rejected', () => {
    const reports: ImportFileReport[] = [
      { files: ['a.hea', 'a.dat'], status: 'imported', recordId: 1 },
      { files: ['b.xml'], status: 'duplicate', recordId: 1 },
      { files: ['a.i'], status: 'skipped', reason: 'annotation file, not an ECG record' },
      { files: ['c.dcm'], status: 'rejected', reason: 'the file is damaged', details: 'littleEndianByteArrayParser.readUint16: position out of range' },
    ];
    expect(countByStatus(reports)).toEqual({ imported: 1, duplicate: 1, skipped: 1, rejected: 1 });
  });

  it('asks one CSV question per layout, naming every file it applies to', () => {
    const groups = csvGroups([csv('a.csv', 3), csv('b.csv', 12, ['I', 'II']), csv('c.csv', 3), { files: ['d.csv'], status: 'rejected', reason: 'empty file' }]);
    expect(groups.map((g) => [g.question.columns, g.files])).toEqual([
      [3, ['a.csv', 'c.csv']],
      [12, ['b.csv']],
    ]);
  });
});
