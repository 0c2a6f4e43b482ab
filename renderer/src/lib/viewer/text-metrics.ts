/**
 * Approximate advance width of a bold sans-serif label, in ems, for placing things after a
 * lead name ("I", "aVR", "V6") without measuring the DOM: narrow glyphs (I, l, 1) take about
 * a third of an em, lowercase about 0.6, capitals about 0.72.
 */
export function labelWidthEm(label: string): number {
  let em = 0;
  for (const ch of label) em += /[Il1|.,'*]/.test(ch) ? 0.34 : /[a-z0-9]/.test(ch) ? 0.62 : 0.74;
  return em;
}

/** Approximate advance width (ems) of regular sans-serif text: digits and lowercase about 0.56, capitals 0.7, spaces and punctuation 0.3. */
export function textWidthEm(text: string): number {
  let em = 0;
  for (const ch of text) em += /[\s.,:;'|!iljtf()]/.test(ch) ? 0.3 : /[A-Z⚠✓mw]/.test(ch) ? 0.78 : 0.56;
  return em;
}

/** `text`, cut with an ellipsis so it takes at most `maxEm` ems; empty when not even one character and the ellipsis fit. */
export function fitText(text: string, maxEm: number): string {
  if (textWidthEm(text) <= maxEm) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidthEm(`${chars.join('')}…`) > maxEm) chars.pop();
  return chars.length > 0 ? `${chars.join('').trimEnd()}…` : '';
}
