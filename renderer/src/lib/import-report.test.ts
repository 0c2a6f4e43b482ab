import { describe, expect, it } from 'vitest';
import type { ImportFileReport } from '../../../core/contract/schemas';
import { countByStatus, csvGroups, importHeadline } from './import-report';

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

  it('heads the report by what became of the files, not by the job having run to its end', () => {
    const counts = (imported: number, duplicate: number, rejected: number, skipped: number) => ({ imported, duplicate, rejected, skipped });
    // The reviewer's batch of bad files: the job succeeded, nothing was stored.
    expect(importHeadline('succeeded', counts(0, 0, 2, 4))).toEqual({ result: 'none', text: 'Nothing imported: 2 ECG files rejected', warning: true });
    expect(importHeadline('succeeded', counts(3, 0, 1, 0))).toEqual({ result: 'partial', text: 'Partly imported: 3 imported, 1 ECG file rejected', warning: true });
    expect(importHeadline('succeeded', counts(1, 2, 0, 1))).toEqual({ result: 'imported', text: 'Imported 1 record', warning: false });
    expect(importHeadline('succeeded', counts(0, 2, 0, 0))).toEqual({ result: 'none', text: 'Nothing imported: every ECG was already present', warning: false });
    expect(importHeadline('succeeded', counts(0, 0, 0, 3))).toMatchObject({ result: 'none', text: 'Nothing imported: no ECG record among the files', warning: true });
    expect(importHeadline('cancelled', counts(5, 0, 0, 0)).text).toBe('Import cancelled. Imported 5 records');
    expect(importHeadline('failed', counts(0, 0, 0, 0)).text).toBe('Import failed. Nothing imported: no file was read');
  });
});
