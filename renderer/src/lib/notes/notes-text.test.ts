import { describe, expect, it } from 'vitest';
import { notePlace, notesLine } from './notes-text';

const note = (id: number, atS: number, lead: string | null, text: string) => ({ id, recordId: 1, atS, lead, text, author: 'Dr. A', createdAt: '2026-12-05T19:00:00.000Z' });

describe('notes in words', () => {
  it('names the place, and prints the notes numbered as their flags', () => {
    expect(notePlace({ atS: 7.25, lead: 'V2' })).toBe('7.25 s, V2');
    expect(notePlace({ atS: 1.5, lead: null })).toBe('1.50 s');
    expect(notesLine([])).toBeNull();
    expect(notesLine([note(4, 1.5, null, 'artefact'), note(2, 7.25, 'V2', 'ST elevation?')])).toBe('Notes on the tracing: [1] 1.50 s: artefact (Dr. A); [2] 7.25 s, V2: ST elevation? (Dr. A).');
  });
});
