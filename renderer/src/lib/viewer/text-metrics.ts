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
