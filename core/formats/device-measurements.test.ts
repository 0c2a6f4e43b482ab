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
    expect(both?.otherQtcs).toEqual([{ ms: 460, formula: 'fridericia', name: 'QTcFrederica' }]);
    const fridericiaOnly = museMeasurements(element('<RestingECG><RestingECGMeasurements><QTInterval>402</QTInterval><QTcFrederica>460</QTcFrederica></RestingECGMeasurements></RestingECG>', 'RestingECG'));
    expect(fridericiaOnly).toMatchObject({ values: { qtcMs: 460 }, qtcFormula: 'fridericia' });
  });

  it('Philips: 1.04 qtcb is Bazett, qtcf Fridericia; 1.03 meanqtc names none', () => {
    const v104 = philipsMeasurements(element('<restingecgdata><globalmeasurements><qtint>399</qtint><qtcb>412</qtcb><qtcf>408</qtcf><qtco methodname="Hodges" label="QTcH" /></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(v104).toMatchObject({ values: { qtcMs: 412 }, qtcFormula: 'bazett' });
    // The corpus's qtco elements are empty (the cart did not compute them): nothing is made up for them.
    expect(v104?.otherQtcs).toEqual([{ ms: 408, formula: 'fridericia', name: 'qtcf' }]);
    const qtco = philipsMeasurements(element('<restingecgdata><globalmeasurements><qtcb>412</qtcb><qtco methodname="Framingham" label="QTcFm">405</qtco><qtco methodname="Hodges" label="QTcH">409</qtco><qtco methodname="Rautaharju">400</qtco></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(qtco?.otherQtcs).toEqual([
      { ms: 405, formula: 'framingham', name: 'qtco QTcFm' },
      { ms: 409, formula: 'hodges', name: 'qtco QTcH' },
    ]);
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
    const several = aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTc', 443) + annotation('MDC_ECG_TIME_PD_QTcF', 446) + annotation('MDC_ECG_TIME_PD_QTcH', 441))]);
    expect(several?.otherQtcs).toEqual([
      { ms: 446, formula: 'fridericia', name: 'MDC_ECG_TIME_PD_QTcF' },
      { ms: 441, formula: 'hodges', name: 'MDC_ECG_TIME_PD_QTcH' },
    ]);
    expect(aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTcB', 460))])).toMatchObject({ values: { qtcMs: 460 }, qtcFormula: 'bazett' });
    expect(aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTcF', 446))])).toMatchObject({ values: { qtcMs: 446 }, qtcFormula: 'fridericia' });
    expect(aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_QTcH', 441))])).toMatchObject({ values: { qtcMs: 441 }, qtcFormula: 'hodges' });
  });
});
