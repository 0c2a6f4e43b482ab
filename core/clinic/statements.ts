import type { ptbxlSuperclasses } from '../data/ptbxl';
import { EinthovenError } from '../errors';
import { statementLibrary } from './statement-library';

/** One entry of the statement library: an SCP-ECG code as PTB-XL uses it, with its wording. */
export interface LibraryStatement {
  readonly code: string;
  readonly text: string;
  readonly kind: 'rhythm' | 'diagnostic' | 'form';
  readonly category: string;
  /** PTB-XL's diagnostic superclass of a diagnostic statement (scp_statements.csv's diagnostic_class). */
  readonly superclass?: (typeof ptbxlSuperclasses)[number];
}

/** A statement in a reader's interpretation: from the library (code) or typed (code null). */
export interface ReadStatement {
  readonly code: string | null;
  readonly text: string;
}

const byCode = new Map(statementLibrary.map((s) => [s.code, s]));

export { statementLibrary };

/**
 * The statements of an interpretation, in the reader's order: library codes resolved to their
 * wording (an unknown code is refused, so a stored code always means what the library says),
 * then free-text statements, trimmed and without repeats.
 */
export function resolveStatements(codes: readonly string[], freeText: readonly string[]): ReadStatement[] {
  const unknown = codes.filter((c) => !byCode.has(c));
  if (unknown.length > 0) throw new EinthovenError('E_VALIDATION', `unknown statement code(s): ${unknown.join(', ')}`);
  const coded = [...new Set(codes)].map((code) => ({ code, text: byCode.get(code)?.text ?? code }));
  const typed = [...new Set(freeText.map((t) => t.trim()).filter((t) => t.length > 0))].map((text) => ({ code: null, text }));
  const statements = [...coded, ...typed];
  if (statements.length === 0) throw new EinthovenError('E_VALIDATION', 'an interpretation needs at least one statement');
  return statements;
}
