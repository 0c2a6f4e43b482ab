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
