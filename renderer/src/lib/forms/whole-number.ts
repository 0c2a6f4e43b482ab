/**
 * A typed whole number, or null when the text is not one. Digits only: JavaScript's Number would
 * also read "1e2" as 100, "0x10" as 16 and "5.0" as 5, none of which a reader means as a count,
 * and every form that asks for a count (epochs, batch size, workers, minimum examples) reads it the same way.
 */
export function wholeNumberOf(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : null;
}
