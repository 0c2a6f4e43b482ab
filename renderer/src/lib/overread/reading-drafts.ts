/**
 * Unsigned reading drafts of the records the reader has left, so that opening another record (a
 * worklist row, n/p, "Next unconfirmed") does not throw away statements and a note typed into
 * a reading not yet signed. Kept in this window's memory only, never stored: a draft is not a
 * reading, and the audit trail records signatures, not keystrokes. Closing the app loses them,
 * and the form says so.
 */
export interface ReadingDraft {
  codes: string[];
  freeText: string[];
  note: string;
  reader: string;
  agreement: 'agree' | 'partly' | 'disagree' | null;
}

/** A draft as it was left: `amends` is the id of the reading it amends, null for a record's first reading. */
export interface KeptDraft {
  readonly draft: ReadingDraft;
  readonly amends: number | null;
}

/**
 * What the reader had put in: statements, a note or a verdict. An open amendment counts even
 * unchanged, as the reader chose to open it; a name alone is only the pre-filled field.
 */
export function holdsWork(kept: KeptDraft): boolean {
  const d = kept.draft;
  return kept.amends !== null || d.codes.length + d.freeText.length > 0 || d.note.trim() !== '' || d.agreement !== null;
}

/** The result of coming back to a record: its draft, or one that no longer fits because the record's reading changed meanwhile. */
export type Returned = { readonly kind: 'draft'; readonly kept: KeptDraft } | { readonly kind: 'stale'; readonly kept: KeptDraft } | { readonly kind: 'none' };

export class ReadingDrafts {
  // Plain bookkeeping: drafts are read when a record is opened, never rendered from here.
  readonly #kept = new Map<number, KeptDraft>();

  /** Keeps a copy of the draft of a record being left; a draft with nothing in it is forgotten. */
  keep(recordId: number, kept: KeptDraft): void {
    if (!holdsWork(kept)) {
      this.#kept.delete(recordId);
      return;
    }
    const d = kept.draft;
    this.#kept.set(recordId, { amends: kept.amends, draft: { ...d, codes: [...d.codes], freeText: [...d.freeText] } });
  }

  /**
   * Takes a record's draft back when it is opened again, with `currentId` the reading now current
   * (null when none). A draft made against another reading (signed or amended meanwhile, in
   * another window or by the CLI) is `stale`: applied to the new reading it would amend what the
   * reader never saw.
   */
  take(recordId: number, currentId: number | null): Returned {
    const kept = this.#kept.get(recordId);
    if (!kept) return { kind: 'none' };
    this.#kept.delete(recordId);
    return kept.amends === currentId ? { kind: 'draft', kept } : { kind: 'stale', kept };
  }

  /** A signature (or a cancelled amendment) ends the record's draft. */
  forget(recordId: number): void {
    this.#kept.delete(recordId);
  }

  get size(): number {
    return this.#kept.size;
  }
}

/** One store for the window: the reading panel is rebuilt with the viewer, the drafts outlive it. */
export const readingDrafts = new ReadingDrafts();
