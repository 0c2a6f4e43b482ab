import type { LibraryStatus } from './statement-library.svelte';

/**
 * What a statement the reader typed becomes in the draft. A library code ("AFIB", "AFIB — atrial
 * fibrillation" or its exact wording) goes in coded, anything else as the reader's own words. The
 * decision needs the library: before it has arrived (it loads at start, alongside the record list)
 * or when it could not be read, "AFIB" would not be known as a code and would be stored as free
 * text, a coded reading silently uncoded (agreement counts and statistics miss it). Then the entry
 * waits for the library instead, or is refused while the library cannot be read.
 */
export type TypedEntry =
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'wait' }
  | { readonly kind: 'refused' };

export function typedEntry(entry: string, status: LibraryStatus, codeOf: (entry: string) => string | undefined): TypedEntry {
  if (status === 'loading') return { kind: 'wait' };
  if (status === 'failed') return { kind: 'refused' };
  const code = codeOf(entry);
  return code ? { kind: 'code', code } : { kind: 'text', text: entry.trim() };
}

/**
 * The draft an amendment starts from: the current reading's statements, coded ones by code. A
 * reading stored before typed codes were coded may hold "AFIB" as free text; the engine now
 * refuses a library code sent as free text, so it goes back in coded (what the reader meant).
 */
export function amendmentEntries(
  statements: readonly { readonly code: string | null; readonly text: string }[],
  isCode: (text: string) => boolean,
): { codes: string[]; freeText: string[] } {
  const codes = statements.flatMap((s) => (s.code ? [s.code] : isCode(s.text) ? [s.text] : []));
  const freeText = statements.flatMap((s) => (s.code || isCode(s.text) ? [] : [s.text]));
  return { codes: [...new Set(codes)], freeText };
}

/**
 * Why Sign waits for the statement library, in words; null when nothing does. A statement typed
 * (or adopted) before the library arrived is not in the draft yet: signing then stored the reading
 * without it, and what the reader entered was not in what they signed. `typed` is the entry
 * waiting in the picker, `adopted` the wording of computed statements adopted into this record
 * and not taken into its draft yet.
 */
export function libraryHold(status: LibraryStatus, typed: string | null, adopted: readonly string[]): string | null {
  const held = [...(typed === null ? [] : [typed]), ...adopted];
  if (held.length === 0) return null;
  const named = `${held.map((h) => `“${h}”`).join(', ')} ${held.length === 1 ? 'is' : 'are'} not in the reading yet`;
  return status === 'failed' ? `the statement library could not be read (read it again): ${named}` : `wait for the statement library: ${named}`;
}
