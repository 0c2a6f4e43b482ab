/**
 * Counts in words, singular for one: notes and refusals built as "none of the ${n} records"
 * read "none of the 1 records" where a split or folder held one record. Shared by the engine,
 * the CLI and the app, which show the same notes.
 */

/** "1 record", "3 records". `plural`: where an added s does not make it. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${wordFor(n, singular, plural)}`;
}

/**
 * The word alone for `n` things, where the count is said elsewhere or not at all: "missing lead
 * V1", "missing leads V1, V2"; also a pronoun or verb that agrees with `n` ('it', 'them';
 * 'keeps', 'keep').
 */
export function wordFor(n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? singular : plural;
}

/**
 * That none of `n` things does something: "none of the 6 records is within …", and of one,
 * "the 1 record is not within …". `verb`: the verb phrase, split where "not" goes ('is',
 * 'within …'; 'could', 'be fused').
 */
export function noneOf(n: number, singular: string, verb: readonly [string, string], plural = `${singular}s`): string {
  const [auxiliary, rest] = verb;
  return n === 1 ? `the 1 ${singular} ${auxiliary} not ${rest}` : `none of the ${n} ${plural} ${auxiliary} ${rest}`;
}

/** "every one of the 6 records", and of one, "the 1 record": the subject of a singular verb either way. */
export function everyOneOf(n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? `the 1 ${singular}` : `every one of the ${n} ${plural}`;
}

/** "2 of the 6 records", and where there is one, "the 1 record". */
export function someOf(k: number, n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? `the 1 ${singular}` : `${k} of the ${n} ${plural}`;
}

/** The verb for `someOf` and `counted`: 'is' for one, 'are' for more (or none). */
export function isAre(n: number): 'is' | 'are' {
  return n === 1 ? 'is' : 'are';
}

/** Things in a sentence: "a", "a and b", "a, b and c" (several were joined as "a and b and c"). */
export function listed(parts: readonly string[]): string {
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}` : (parts[0] ?? '');
}
