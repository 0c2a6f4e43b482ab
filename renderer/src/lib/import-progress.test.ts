import { describe, expect, it } from 'vitest';
import { importProgressText, type ImportProgress } from './import-progress';

const at = (p: Partial<ImportProgress>): string =>
  importProgressText({ phase: 'importing', fileCount: 912, filesDone: 0, batchSize: 170, currentFile: '', ...p });

describe('importProgressText', () => {
  it('says "preparing" until the first batch is formed', () => {
    expect(at({ phase: 'reading', batchSize: 0 })).toBe('912 files: preparing…');
    expect(at({ phase: 'reading', batchSize: 0, fileCount: 1 })).toBe('1 file: preparing…');
  });

  it('counts over every batch while one is read and while the engine imports it', () => {
    expect(at({ phase: 'reading', filesDone: 0 })).toBe('0 of 912 files: reading the next 170…');
    expect(at({ phase: 'reading', filesDone: 340 })).toBe('340 of 912 files: reading the next 170…');
    expect(at({ filesDone: 340 })).toBe('340 of 912 files: importing the next 170…');
    expect(at({ filesDone: 342, currentFile: 'records100/00000/00203_lr.hea' })).toBe('342 of 912 files: records100/00000/00203_lr.hea');
  });

  it('never says "read" once the engine has the batch, nor "done" before the last file', () => {
    for (let filesDone = 0; filesDone < 912; filesDone += 17) {
      expect(at({ filesDone })).not.toMatch(/\bread|\bdone\b/);
      expect(at({ filesDone, currentFile: 'a.hea' })).not.toMatch(/\bread|\bdone\b/);
      expect(at({ phase: 'reading', filesDone })).not.toMatch(/\bdone\b/);
    }
  });

  it('says "done" once every picked file is accounted for', () => {
    expect(at({ filesDone: 912, batchSize: 62, currentFile: 'records100/00000/00456_lr.hea' })).toBe('912 of 912 files: done');
    expect(at({ filesDone: 1, fileCount: 1, batchSize: 1 })).toBe('1 of 1 file: done');
  });

  it('names a batch of one file as a file', () => {
    expect(at({ phase: 'reading', filesDone: 4, fileCount: 5, batchSize: 1 })).toBe('4 of 5 files: reading the next file…');
  });

  it('is empty when no import runs', () => {
    expect(at({ phase: null })).toBe('');
  });
});
