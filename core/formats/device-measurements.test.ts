import { describe, expect, it } from 'vitest';
import { aecgMeasurements, museMeasurements, philipsMeasurements } from './device-measurements';
import { child, parseXml, type XmlNode } from './xml/parse';

/** The element a reader hands over, from XML as the formats write it. */
function element(xml: string, name: string, arrayTags: readonly string[] = []): XmlNode {
  const node = child(parseXml('test.xml', new TextEncoder().encode(xml), arrayTags), name);
  if (!node) throw new Error(`no <${name}>`);
  return node;
}

/** One aECG annotation, as the HL7 example writes them. */
const annotation = (code: string, value: number) =>
  `<component><annotation><code code="${code}" codeSystem="2.16.840.1.113883.6.24"/><value value="${value}" unit="ms"/></annotation></component>`;

const aecgSeries = (annotations: string) => element(`<series><subjectOf><annotationSet>${annotations}</annotationSet></subjectOf></series>`, 'series', ['component']);

describe("the device QTc's formula, only where the file names it", () => {
  // The values are the shared corpus's: MUSE muse-sinus (QT 402, HR 90), Philips 2020-5-18 (1.04), the HL7 aECG example (QT 420, HR ≈ 72).
  it('GE MUSE: QTCorrected names no formula (site-configured); QTcFrederica does, and stands in only without it', () => {
    const both = museMeasurements(element('<RestingECG><RestingECGMeasurements><QTInterval>402</QTInterval><QTCorrected>491</QTCorrected><QTcFrederica>460</QTcFrederica></RestingECGMeasurements></RestingECG>', 'RestingECG'));
    expect(both?.values.qtcMs).toBe(491);
    expect(both?.qtcFormula).toBeUndefined();
    const fridericiaOnly = museMeasurements(element('<RestingECG><RestingECGMeasurements><QTInterval>402</QTInterval><QTcFrederica>460</QTcFrederica></RestingECGMeasurements></RestingECG>', 'RestingECG'));
    expect(fridericiaOnly).toMatchObject({ values: { qtcMs: 460 }, qtcFormula: 'fridericia' });
  });

  it('Philips: 1.04 qtcb is Bazett, qtcf Fridericia; 1.03 meanqtc names none', () => {
    const v104 = philipsMeasurements(element('<restingecgdata><globalmeasurements><qtint>399</qtint><qtcb>412</qtcb><qtcf>408</qtcf><qtco methodname="Hodges" label="QTcH" /></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(v104).toMatchObject({ values: { qtcMs: 412 }, qtcFormula: 'bazett' });
    const qtcfOnly = philipsMeasurements(element('<restingecgdata><globalmeasurements><qtint>399</qtint><qtcf>408</qtcf></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(qtcfOnly).toMatchObject({ values: { qtcMs: 408 }, qtcFormula: 'fridericia' });
    const v103 = philipsMeasurements(element('<restingecgdata><globalmeasurements><meanqtint>476</meanqtint><meanqtc>393</meanqtc></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(v103?.values.qtcMs).toBe(393);
    expect(v103?.qtcFormula).toBeUndefined();
  });

  it('HL7 aECG: MDC_ECG_TIME_PD_QTc names no formula; QTcB, QTcF and QTcH do', () => {
    const generic = aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QT', 420) + annotation('MDC_ECG_TIME_PD_QTc', 443))]);
    expect(generic?.values).toMatchObject({ qtMs: 420, qtcMs: 443 });
    expect(generic?.qtcFormula).toBeUndefined();
    expect(aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTcB', 460))])).toMatchObject({ values: { qtcMs: 460 }, qtcFormula: 'bazett' });
    expect(aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTcF', 446))])).toMatchObject({ values: { qtcMs: 446 }, qtcFormula: 'fridericia' });
    expect(aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTcH', 441))])).toMatchObject({ values: { qtcMs: 441 }, qtcFormula: 'hodges' });
  });
});
