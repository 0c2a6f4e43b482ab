import type { TracingNote } from '../../../../core/contract/note-schemas';

/** A note's place in words: "7.25 s, V2" or "1.50 s". */
export function notePlace(note: Pick<TracingNote, 'atS' | 'lead'>): string {
  return `${note.atS.toFixed(2)} s${note.lead ? `, ${note.lead}` : ''}`;
}

/** The notes as the printout's line; null without notes. */
export function notesLine(notes: readonly TracingNote[]): string | null {
  if (notes.length === 0) return null;
  return `Notes on the tracing: ${notes.map((n, i) => `[${i + 1}] ${notePlace(n)}: ${n.text} (${n.author})`).join('; ')}.`;
}
