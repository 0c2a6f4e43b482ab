import { excludeAfAdvice, excludeFlutterAdvice, type EcgStatement } from '../../core/signal/statements';

/** Whether a statement's qualifier carries this advice (other qualifiers may come before it). */
function carriesAdvice(statements: readonly EcgStatement[], advice: string): boolean {
  return statements.some((s) => s.qualifier?.includes(advice) === true);
}

interface QualifiedRecord {
  readonly id: string;
  readonly statements: readonly EcgStatement[];
  readonly reference: string;
}

/** How many records carry a qualifier's advice, and which, with what the reference says of each. */
function adviceLine(records: readonly QualifiedRecord[], advice: string, heading: string): string {
  const flagged = records.filter((r) => carriesAdvice(r.statements, advice));
  const list = flagged.map((r) => `${r.id} (${r.reference})`).join('; ');
  return `${heading}: ${flagged.length} of ${records.length} records${flagged.length > 0 ? `: ${list}` : ''}.`;
}

/**
 * One line for the bench: the records whose sinus (or AV block) statement asks the reader to exclude
 * atrial fibrillation, the median beat's P wave not confirmed beat by beat on an irregular rhythm
 * (core/signal/statements.ts `unconfirmedMedianP`).
 */
export function excludeAfLine(records: readonly QualifiedRecord[]): string {
  return adviceLine(records, excludeAfAdvice, "Statements asking to exclude AF or flutter (irregular RR, the median beat's P wave not confirmed beat by beat)");
}

/** One line for the bench: the records whose sinus or AV block statement asks to exclude flutter (statements.ts `flutterWavesBesideP`). */
export function excludeFlutterLine(records: readonly QualifiedRecord[]): string {
  return adviceLine(records, excludeFlutterAdvice, 'Statements asking to exclude atrial flutter (regular atrial waves at a flutter rate beside a P wave)');
}
