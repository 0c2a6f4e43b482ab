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
  const texts = [...new Set(freeText.map((t) => t.trim()).filter((t) => t.length > 0))];
  refuseCodesAsText(texts);
  const coded = [...new Set(codes)].map((code) => ({ code, text: byCode.get(code)?.text ?? code }));
  const typed = texts.map((text) => ({ code: null, text }));
  const statements = [...coded, ...typed];
  if (statements.length === 0) throw new EinthovenError('E_VALIDATION', 'an interpretation needs at least one statement');
  return statements;
}

/**
 * Free text that is a library code ("AFIB") would be stored and audited as the reader's own words
 * (text:AFIB), a coded reading silently uncoded: agreement counts and statistics would miss it.
 * It is refused, naming the code, rather than coded here: the request says which statements are
 * coded (its own field), and the stored reading and its audit entry say what the client sent.
 * The match is the picker's (statement-library.svelte.ts codeOf): the exact code, so a reader's
 * lower-case "afib" typed as words is not refused where the form would not have coded it.
 */
function refuseCodesAsText(texts: readonly string[]): void {
  const codesAsText = texts.filter((t) => byCode.has(t));
  if (codesAsText.length === 0) return;
  const quoted = codesAsText.map((t) => `“${t}”`).join(', ');
  throw new EinthovenError('E_VALIDATION', `free-text statement(s) ${quoted} are library code(s) ${codesAsText.join(', ')}: send them as codes, not as free text`);
}
