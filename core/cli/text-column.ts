/** Every character a line of output must not hold raw (C0, DEL, C1, U+2028/9, the bidirectional formatting characters). */
// eslint-disable-next-line no-control-regex -- the control characters are what is escaped
const unprintable = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const uEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A column of a command's text output, its tabs, line breaks and other control characters (C0,
 * DEL, C1, the Unicode line and paragraph separators) written as \t, \n, \r and \uXXXX, so each
 * entry stays one line of its columns. Names come from whoever made them: a source file's name
 * (any byte but / and NUL on Linux), a reader's typed name, a patient id read from a file, a class
 * in a labels CSV. One holding a line break and tabs printed as a line of its own, forging an entry
 * in the output an operator or a log archive reads line by line; an escape sequence recoloured or
 * cleared the terminal.
 *
 * The bidirectional formatting characters (U+061C ALM, U+200E/F LRM and RLM, U+202A–E embeddings
 * and overrides, U+2066–9 isolates) are written as \uXXXX too: printed, one in a file's or a
 * model's name reordered the rest of its line as the terminal showed it (Trojan Source,
 * CVE-2021-42574), so an audit line or a file list read otherwise than it is.
 *
 * A backslash is printed as itself: doubled, a Windows path (C:\Users\x\ecg.dat) was shown as
 * C:\\Users\\x\\ecg.dat, which an operator copied and could not open. So a name that holds the
 * text "\n" reads as one holding a line break would; that cannot forge a line (no real line break or
 * control character is ever printed), and --json gives any name exactly.
 */
export function textColumn(text: string): string {
  const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return text.replace(unprintable, (c) => named[c] ?? uEscape(c));
}

/**
 * One value as a line of --json output: JSON (NaN and ±∞ written as null, as JSON.stringify
 * writes them), with DEL, C1, U+2028/9 and the bidirectional formatting characters written as
 * \uXXXX. JSON.stringify escapes only C0, so a file's, a reader's or a class's name holding an
 * 8-bit CSI (U+009B) drove the terminal of an operator running `ecg list --json`, and one holding
 * U+202E reordered the line it showed, as textColumn says of the text output.
 *
 * Replacing them is always safe: outside its strings JSON.stringify writes only ASCII (brackets,
 * commas, colons, digits, true, false, null), so each of these characters is inside a string, where
 * \uXXXX is the same character. The line parses to exactly the value it was made from.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(unprintable, uEscape);
}
