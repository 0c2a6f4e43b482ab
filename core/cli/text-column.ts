/**
 * A column of a command's text output, its backslashes, tabs, line breaks and other control
 * characters escaped (\\, \t, \n, \r, \uXXXX), so each entry stays one line of its columns. Names
 * come from whoever made them: a source file's name (any byte but / and NUL on Linux), a reader's
 * typed name, a patient id read from a file. One holding a line break and tabs printed as a line of
 * its own, forging an entry in the output an operator or a log archive reads line by line.
 */
export function textColumn(text: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  // eslint-disable-next-line no-control-regex -- the control characters are what is escaped
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
