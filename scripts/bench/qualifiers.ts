import { excludeAfAdvice, type EcgStatement } from '../../core/signal/statements';

/**
 * Records whose sinus (or AV block) statement asks the reader to exclude atrial fibrillation:
 * the median beat's P wave not confirmed beat by beat on an irregular rhythm
 * (core/signal/statements.ts `unconfirmedMedianP`, whose qualifier ends with `excludeAfAdvice`; other qualifiers may come before it).
 */
export function asksToExcludeAf(statements: readonly EcgStatement[]): boolean {
  return statements.some((s) => s.qualifier?.includes(excludeAfAdvice) === true);
}

/** One line for the bench: how many records carry the qualifier, and which, with what the reference says of each. */
export function excludeAfLine(records: readonly { id: string; statements: readonly EcgStatement[]; reference: string }[]): string {
  const flagged = records.filter((r) => asksToExcludeAf(r.statements));
  const list = flagged.map((r) => `${r.id} (${r.reference})`).join('; ');
  return `Statements asking to exclude AF or flutter (irregular RR, the median beat's P wave not confirmed beat by beat): ${flagged.length} of ${records.length} records${flagged.length > 0 ? `: ${list}` : ''}.`;
}
