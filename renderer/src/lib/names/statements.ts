import { classFullName, type ScpNames } from './classes';
import { snomedCinC } from './snomed';

/**
 * A statement found in a file, made readable: CinC headers carry diagnoses as SNOMED CT codes
 * ("Dx: 284470004,427393009"), PTB-XL-style sources as SCP codes ("NORM", "SR"). Each becomes
 * its name; the code stays beside it so the reader can check what the file said.
 */
export interface ReadableStatement {
  /** What the screen shows. */
  readonly text: string;
  /** The file's own text, kept for a tooltip when `text` differs. */
  readonly original: string;
}

export function snomedName(code: string): string {
  const known = snomedCinC[code];
  return known ? `${known[0]} (${known[1]}, SNOMED CT ${code})` : `SNOMED CT ${code} (not in the built-in list of names)`;
}

export function readableStatement(statement: string, scp?: ScpNames): ReadableStatement {
  const dx = /^\s*dx\s*:\s*([\d\s,;]+)$/i.exec(statement);
  if (dx?.[1]) {
    const codes = dx[1].split(/[\s,;]+/).filter((c) => c !== '');
    return { text: `Diagnoses in the file: ${codes.map(snomedName).join('; ')}`, original: statement };
  }
  const named = classFullName(statement.trim(), scp);
  if (named) return { text: `${named} (${statement.trim()})`, original: statement };
  return { text: statement, original: statement };
}
