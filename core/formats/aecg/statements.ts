import { attr, child, children, text, type XmlNode, type XmlValue } from '../xml/parse';

const asNodes = (values: XmlValue[]): XmlNode[] => values.filter((v): v is XmlNode => typeof v !== 'string' && !Array.isArray(v));

/** Annotation codes whose value is a statement worth showing (interpretation text, rhythm). */
const statementCodes = /^MDC_ECG_(INTERPRETATION_STATEMENT|INTERPRETATION_SUMMARY|RHY)$/;
const maxDepth = 8;
const maxStatements = 200;

function visit(annotation: XmlNode, depth: number, out: string[]): void {
  if (depth > maxDepth || out.length >= maxStatements) return;
  const code = attr(child(annotation, 'code'), 'code') ?? '';
  if (statementCodes.test(code)) {
    const value = child(annotation, 'value');
    const statement = (text(annotation, 'value') ?? attr(value, 'displayName') ?? attr(value, 'code') ?? '').trim();
    if (statement) out.push(statement);
  }
  for (const component of asNodes(children(annotation, 'component'))) {
    for (const nested of asNodes(children(component, 'annotation'))) visit(nested, depth + 1, out);
  }
}

/**
 * Machine or physician statements of an aECG series: interpretation statements and the rhythm
 * annotation of its annotation sets (beat and wave annotations are delineation, not statements).
 */
export function aecgStatements(series: XmlNode): string[] {
  const out: string[] = [];
  for (const subjectOf of asNodes(children(series, 'subjectOf'))) {
    for (const set of asNodes(children(subjectOf, 'annotationSet'))) {
      for (const component of asNodes(children(set, 'component'))) {
        for (const annotation of asNodes(children(component, 'annotation'))) visit(annotation, 0, out);
      }
    }
  }
  return [...new Set(out)];
}
