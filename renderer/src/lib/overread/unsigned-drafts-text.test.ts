import { describe, expect, it } from 'vitest';
import { draftRecordLabel, unsignedDraftsWarning, type DraftRecord } from './unsigned-drafts-text';

const record = (recordId: number): DraftRecord => ({ recordId, label: `${String(recordId).padStart(5, '0')}_lr.hea` });

describe('the warning on closing with unsigned reading drafts', () => {
  it('says nothing when no record holds a draft', () => {
    expect(unsignedDraftsWarning([])).toBeNull();
  });

  it('names the one record and says that closing loses its draft', () => {
    expect(unsignedDraftsWarning([{ recordId: 3, label: '00003_lr.hea, ID 15709' }])).toBe(
      '1 record has an unsigned reading draft: 00003_lr.hea, ID 15709. Drafts are not saved: closing or reloading Einthoven loses it. Go back to sign it, or close to discard it.',
    );
  });

  it('counts the records and names them, the first eight when there are more', () => {
    expect(unsignedDraftsWarning([record(1), record(2)])).toBe(
      '2 records have unsigned reading drafts: 00001_lr.hea; 00002_lr.hea. Drafts are not saved: closing or reloading Einthoven loses them. Go back to sign them, or close to discard them.',
    );
    const many = Array.from({ length: 11 }, (_, i) => record(i + 1));
    expect(unsignedDraftsWarning(many)).toMatch(/^11 records have unsigned reading drafts: 00001_lr\.hea; .*; 00008_lr\.hea and 3 more\. Drafts are not saved/);
  });

  it('names a record by its file and the patient’s name, else ID, as the worklist does', () => {
    expect(draftRecordLabel({ sourcePath: 'C:\\ecgs\\ward 3\\00001_lr.hea', patient: { id: '15709' } })).toBe('00001_lr.hea, ID 15709');
    expect(draftRecordLabel({ sourcePath: '/ecgs/a.xml', patient: { name: 'Doe^Jane', id: '1' } })).toBe('a.xml, Doe^Jane');
    expect(draftRecordLabel({ sourcePath: 'b.dcm', patient: {} })).toBe('b.dcm');
  });
});
