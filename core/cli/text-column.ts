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
  // eslint-disable-next-line no-control-regex -- the control characters are what is escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
