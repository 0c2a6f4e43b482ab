import { SvelteMap } from 'svelte/reactivity';
import type { DraftRecord } from './unsigned-drafts-text';

/**
 * Unsigned reading drafts of the records the reader has left, so that opening another record (a
 * worklist row, n/p, "Next unconfirmed") does not throw away statements and a note typed into
 * a reading not yet signed. Kept in this window's memory only, never stored: a draft is not a
 * reading, and the audit trail records signatures, not keystrokes. Closing the app loses them:
 * the form says so, the worklist marks them and closing the window warns (close-guard.ts).
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
  // Reactive, so the worklist's "draft" marks and the list of unsigned drafts follow.
  readonly #kept = new SvelteMap<number, KeptDraft & { readonly label: string }>();
  /** The open record when its form holds work (at most one entry): not kept until left, yet lost on closing all the same. */
  readonly #open = new SvelteMap<number, string>();

  /** Keeps a copy of the draft of a record being left, under the record's name (`label`); a draft with nothing in it is forgotten. */
  keep(recordId: number, kept: KeptDraft, label: string): void {
    if (!holdsWork(kept)) {
      this.#kept.delete(recordId);
      return;
    }
    const d = kept.draft;
    this.#kept.set(recordId, { label, amends: kept.amends, draft: { ...d, codes: [...d.codes], freeText: [...d.freeText] } });
  }

  /** What the open record's form holds, as the reader works in it; null (or no work) when it holds none. */
  showOpen(recordId: number | null, label: string, kept: KeptDraft | null): void {
    const open = recordId !== null && kept !== null && holdsWork(kept) ? recordId : null;
    for (const id of [...this.#open.keys()]) if (id !== open) this.#open.delete(id);
    if (open !== null) this.#open.set(open, label);
  }

  /** The records with an unsigned draft, kept or open, in the order they were drafted. */
  unsigned(): DraftRecord[] {
    const kept = [...this.#kept].map(([recordId, k]) => ({ recordId, label: k.label }));
    const open = [...this.#open].filter(([id]) => !this.#kept.has(id)).map(([recordId, label]) => ({ recordId, label }));
    return [...kept, ...open];
  }

  /** Whether a record holds an unsigned draft, kept or open. */
  has(recordId: number): boolean {
    return this.#kept.has(recordId) || this.#open.has(recordId);
  }

  /**
   * Takes a record's draft back when it is opened again, with `currentId` the reading now current
   * (null when none). A draft made against another reading (signed or amended meanwhile, in
   * another window or by the CLI) is `stale`: applied to the new reading it would amend what the
   * reader never saw.
   */
  take(recordId: number, currentId: number | null): Returned {
    const entry = this.#kept.get(recordId);
    if (!entry) return { kind: 'none' };
    this.#kept.delete(recordId);
    const kept = { draft: entry.draft, amends: entry.amends };
    return kept.amends === currentId ? { kind: 'draft', kept } : { kind: 'stale', kept };
  }

  /** A signature (or a cancelled amendment) ends the record's draft. */
  forget(recordId: number): void {
    this.#kept.delete(recordId);
    this.#open.delete(recordId);
  }

  get size(): number {
    return this.#kept.size;
  }
}

/** One store for the window: the reading panel is rebuilt with the viewer, the drafts outlive it. */
export const readingDrafts = new ReadingDrafts();
