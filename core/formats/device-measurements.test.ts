import { describe, expect, it } from 'vitest';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { ByteReader } from './binary';
import { aecgMeasurements, museMeasurements, philipsMeasurements, scpMeasurements } from './device-measurements';
import { decodeFiles } from './index';
import { loadFilesForDecoding } from './load';
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

  // The HL7 example's global annotations begin with MDC_ECG_TIME_PD_P 102 ms, as Example.scp (the same ECG) gives its P duration.
  it('HL7 aECG: MDC_ECG_TIME_PD_P is the P duration, not taken for the PR', () => {
    const v = aecgMeasurements([aecgSeries(annotation('MDC_ECG_TIME_PD_P', 102) + annotation('MDC_ECG_TIME_PD_PR', 148))]);
    expect(v?.values).toEqual({ pDurationMs: 102, prMs: 148 });
  });
});

/** An SCP-ECG section 7 body (after its header): reference beat 0's set, then spikes, QRS types and the rates and QTc. */
function section7(beat: number[], extra: { spikes?: number; rate: number; qtc: number; formula: number }): ByteReader {
  const spikes = extra.spikes ?? 0;
  const bytes = new Uint8Array(6 + 16 + spikes * 10 + 2 + 9);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, 1);
  view.setUint8(1, spikes);
  view.setUint16(2, 29999, true);
  view.setUint16(4, 29999, true);
  beat.forEach((v, k) => view.setInt16(6 + 2 * k, v, true));
  const after = 6 + 16 + spikes * 10 + 2;
  view.setUint16(after, extra.rate, true);
  view.setUint16(after + 2, 29999, true);
  view.setUint16(after + 4, extra.qtc, true);
  view.setUint8(after + 6, extra.formula);
  return new ByteReader('test.scp', bytes, 'SCP-ECG section 7');
}

describe('SCP-ECG section 7 global measurements', () => {
  it("reads reference beat 0's intervals and axes, the rate and the QTc, its formula only where the byte names one", () => {
    // P on 286, P off 388, QRS on 434, QRS off 554, T off 854 ms; axes 44, −61, 86 (Example.scp's reference beat).
    const beat = [286, 388, 434, 554, 854, 44, -61, 86];
    expect(scpMeasurements(section7(beat, { rate: 72, qtc: 443, formula: 0 }), 'ELI250')).toEqual({
      source: 'SCP-ECG global measurements (ELI250)',
      values: { heartRateBpm: 72, pDurationMs: 102, prMs: 148, qrsMs: 120, qtMs: 420, pAxisDeg: 44, qrsAxisDeg: -61, tAxisDeg: 86, qtcMs: 443 },
    });
    expect(scpMeasurements(section7(beat, { rate: 72, qtc: 460, formula: 1, spikes: 2 }), undefined)).toMatchObject({ values: { qtcMs: 460 }, qtcFormula: 'bazett' });
    expect(scpMeasurements(section7(beat, { rate: 72, qtc: 441, formula: 2 }), undefined)?.qtcFormula).toBe('hodges');
    expect(scpMeasurements(section7(beat, { rate: 72, qtc: 441, formula: 128 }), undefined)?.qtcFormula).toBeUndefined();
  });

  it('leaves out what the program marks not measured (29999, 19999) or undefined (axis 999)', () => {
    const m = scpMeasurements(section7([19999, 19999, 434, 554, 29999, 999, -61, 999], { rate: 29999, qtc: 29999, formula: 0 }), undefined);
    expect(m?.values).toEqual({ qrsMs: 120, qrsAxisDeg: -61 });
  });
});

describe.runIf(sharedData)('SCP-ECG section 7 on the shared corpus', () => {
  // Example.scp (C# ECG Toolkit) holds reference beat 0's P 286–388, QRS 434–554, T end 854 ms, axes 44/−61/86,
  // ventricular rate 0 (not a rate), QTc 443 with formula 0 (unspecified): the HL7 aECG example's QT 420 and QTc 443.
  it("reads Example.scp's global measurements as the file holds them", () => {
    const [outcome] = decodeFiles(loadFilesForDecoding([sharedDataPath('ecg', 'contec-scp-edf-csv', 'Example.scp')]));
    if (!outcome?.ok) throw new Error('Example.scp did not decode');
    expect(outcome.record.deviceMeasurements?.values).toEqual({ pDurationMs: 102, prMs: 148, qrsMs: 120, qtMs: 420, pAxisDeg: 44, qrsAxisDeg: -61, tAxisDeg: 86, qtcMs: 443 });
    expect(outcome.record.deviceMeasurements?.qtcFormula).toBeUndefined();
  });
});

describe('the intervals a file carries besides PR, QRS and QT', () => {
  // The shared corpus's Philips 1.04 file: rrint 938, pdur 104, atrialrate 64; muse-sinus.xml: AtrialRate 90.
  it('reads Philips rrint, pdur and atrialrate, MUSE AtrialRate, and SCP section 7 average RR and atrial rate', () => {
    const v104 = philipsMeasurements(element('<restingecgdata><globalmeasurements><heartrate>64</heartrate><rrint editedflag="False">938</rrint><atrialrate>64</atrialrate><pdur>104</pdur></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(v104?.values).toEqual({ heartRateBpm: 64, rrMs: 938, atrialRateBpm: 64, pDurationMs: 104 });
    const v103 = philipsMeasurements(element('<restingecgdata><globalmeasurements><atrialrate>41</atrialrate><meanventrate>41</meanventrate></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(v103?.values).toEqual({ heartRateBpm: 41, atrialRateBpm: 41 });
    const muse = museMeasurements(element('<RestingECG><RestingECGMeasurements><VentricularRate>90</VentricularRate><AtrialRate>90</AtrialRate></RestingECGMeasurements></RestingECG>', 'RestingECG'));
    expect(muse?.values).toEqual({ heartRateBpm: 90, atrialRateBpm: 90 });
    const body = section7([286, 388, 434, 554, 854, 44, -61, 86], { rate: 72, qtc: 443, formula: 0 });
    new DataView(body.bytes.buffer).setUint16(2, 833, true);
    new DataView(body.bytes.buffer).setUint16(6 + 16 + 2 + 2, 70, true);
    expect(scpMeasurements(body, undefined)?.values).toMatchObject({ rrMs: 833, atrialRateBpm: 70, pDurationMs: 102 });
  });
});

describe('the committed Philips 1.03 file', () => {
  // core/test/fixtures/formats/philips/129DYPRG.XML (sierra-ecg-tools, MIT): <globalmeasurements> holds
  // meanprseg 66 and qtintdispersion 27; its <groupmeasurement> has a meanprseg of 68 for one beat group, not the record's.
  it('reads the PR segment and QT dispersion from the global measurements', () => {
    const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath('formats', 'philips', '129DYPRG.XML')]));
    if (!outcome?.ok) throw new Error('129DYPRG.XML did not decode');
    expect(outcome.record.deviceMeasurements?.values).toMatchObject({ prMs: 151, prSegmentMs: 66, qtDispersionMs: 27 });
  });

  it('keeps a PR segment of 0 (a delta wave) and leaves out a figure the file cannot hold', () => {
    const v = philipsMeasurements(element('<restingecgdata><globalmeasurements><meanprseg>0</meanprseg><qtintdispersion>-5</qtintdispersion></globalmeasurements></restingecgdata>', 'restingecgdata'));
    expect(v?.values).toEqual({ prSegmentMs: 0 });
  });
});

describe('the committed Philips 1.04.01 file', () => {
  // core/test/fixtures/formats/philips/2020-5-18_15-48-11.xml (sierra-ecg-tools, MIT), UTF-16LE: what the elements above were copied from.
  it('reads its qtcb and qtcf, rrint, pdur and atrialrate as the file holds them', () => {
    const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath('formats', 'philips', '2020-5-18_15-48-11.xml')]));
    if (!outcome?.ok) throw new Error('2020-5-18_15-48-11.xml did not decode');
    const device = outcome.record.deviceMeasurements;
    expect(device).toMatchObject({ values: { qtcMs: 412, rrMs: 938, pDurationMs: 104, atrialRateBpm: 64 }, qtcFormula: 'bazett' });
    expect(device?.otherQtcs).toEqual([{ ms: 408, formula: 'fridericia', name: 'qtcf' }]);
  });

  // 1.04 dropped meanprseg and qtintdispersion from the reported <globalmeasurements>; the file keeps them
  // in <internalmeasurements><crossleadmeasurements> (meanprseg 60 = print 164 − pdur 104; qtintdispersion 67),
  // in ms as the schema states for every interval. Its <groupmeasurement> holds a meanprseg of 64 for one beat group, not the record's.
  it('reads the PR segment and QT dispersion from the cross-lead internal measurements', () => {
    const [outcome] = decodeFiles(loadFilesForDecoding([fixturePath('formats', 'philips', '2020-5-18_15-48-11.xml')]));
    if (!outcome?.ok) throw new Error('2020-5-18_15-48-11.xml did not decode');
    expect(outcome.record.deviceMeasurements?.values).toMatchObject({ prMs: 164, pDurationMs: 104, prSegmentMs: 60, qtDispersionMs: 67 });
  });

  it('takes a figure the reported globals hold before the internal one, and leaves out one neither holds', () => {
    const internal = (inner: string) => `<internalmeasurements><crossleadmeasurements>${inner}</crossleadmeasurements><groupmeasurements><groupmeasurement><meanprseg>64</meanprseg><qtintdispersion>40</qtintdispersion></groupmeasurement></groupmeasurements></internalmeasurements>`;
    const both = philipsMeasurements(element(`<restingecgdata>${internal('<meanprseg>60</meanprseg><qtintdispersion>67</qtintdispersion>')}<interpretations><interpretation><globalmeasurements><meanprseg>58</meanprseg></globalmeasurements></interpretation></interpretations></restingecgdata>`, 'restingecgdata'));
    expect(both?.values).toEqual({ prSegmentMs: 58, qtDispersionMs: 67 });
    const groupOnly = philipsMeasurements(element(`<restingecgdata>${internal('<meanprseg></meanprseg>')}<interpretations><interpretation><globalmeasurements><print>164</print></globalmeasurements></interpretation></interpretations></restingecgdata>`, 'restingecgdata'));
    expect(groupOnly?.values).toEqual({ prMs: 164 });
  });
});

describe('a Philips 1.04 file whose figures were edited on the cart', () => {
  // The committed 1.04.01 file's elements (2020-5-18_15-48-11.xml), with editedflag set as the 1.04.01 schema has it:
  // on each reported global, with uneditedvalue holding the program's figure, and on <globalmeasurements>, "True"
  // if ANY global measurement has been edited. Here a reviewer moved the PR from 164 to 180 ms.
  const file = (sectionFlag: string, prFlag: string, prValue: number) =>
    `<restingecgdata><internalmeasurements><crossleadmeasurements><meanprseg>60</meanprseg><qtintdispersion>67</qtintdispersion></crossleadmeasurements></internalmeasurements>` +
    `<machine machineid="1">PageWriter TC70</machine>` +
    `<interpretations><interpretation><globalmeasurements editedflag="${sectionFlag}"><heartrate editedflag="False">64</heartrate><pdur editedflag="False">104</pdur>` +
    `<print editedflag="${prFlag}"${prFlag === 'True' ? ' uneditedvalue="164"' : ''}>${prValue}</print><qtint editedflag="False">399</qtint></globalmeasurements></interpretation></interpretations></restingecgdata>`;

  it('says which figures a person edited, and shows no internal PR segment or QT dispersion beside them', () => {
    const edited = philipsMeasurements(element(file('True', 'True', 180), 'restingecgdata'));
    expect(edited?.values).toEqual({ heartRateBpm: 64, prMs: 180, qtMs: 399, pDurationMs: 104 });
    expect(edited?.source).toBe('Philips PageWriter TC70 (PR edited on the cart)');
    // The section flag alone (no element says which): the whole set is said to hold an edit.
    const sectionOnly = philipsMeasurements(element(file('True', 'False', 180), 'restingecgdata'));
    expect(sectionOnly?.values.prSegmentMs).toBeUndefined();
    expect(sectionOnly?.source).toBe('Philips PageWriter TC70 (figures edited on the cart)');
  });

  it('reads the file as before where nothing was edited', () => {
    const unedited = philipsMeasurements(element(file('False', 'False', 164), 'restingecgdata'));
    expect(unedited?.values).toEqual({ heartRateBpm: 64, prMs: 164, qtMs: 399, pDurationMs: 104, prSegmentMs: 60, qtDispersionMs: 67 });
    expect(unedited?.source).toBe('Philips PageWriter TC70');
  });
});
