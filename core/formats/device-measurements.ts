import type { DataSet } from 'dicom-parser';
import type { ByteReader } from './binary';
import { qtcFormulas, type QtcFormula } from '../signal/qtc';
import type { DeviceMeasurementField, DeviceMeasurements, DeviceQtc } from './record';
import { attr, child, children, text, type XmlNode, type XmlValue } from './xml/parse';

/**
 * The recording device's own global measurements, read from the places each format keeps
 * them (metadata only: nothing here touches the signal). Values that are absent, not numbers
 * or outside a broad physiological range are left out rather than guessed.
 */
const ranges: Record<DeviceMeasurementField, [number, number]> = {
  heartRateBpm: [10, 400],
  prMs: [20, 1000],
  qrsMs: [20, 400],
  qtMs: [100, 1000],
  qtcMs: [100, 1000],
  pAxisDeg: [-360, 360],
  qrsAxisDeg: [-360, 360],
  tAxisDeg: [-360, 360],
  rrMs: [150, 6000],
  atrialRateBpm: [10, 600],
  pDurationMs: [20, 400],
  // P offset to QRS onset: 0 where a delta wave or junctional beat leaves no segment.
  prSegmentMs: [0, 600],
  // The longest QT minus the shortest across leads; 0 where every lead agrees.
  qtDispersionMs: [0, 500],
};

/** A value as the file holds it; a QTc's third element is the formula the file names for it (none where it says only "QTc"), its fourth the file's name for it. */
type Entry = [DeviceMeasurementField, string | number | undefined, QtcFormula?, string?];

/** The number an entry holds, or undefined where absent, not a number or outside the field's broad range. */
function usable(field: DeviceMeasurementField, raw: string | number | undefined): number | undefined {
  if (raw === undefined || String(raw).trim() === '') return undefined;
  const v = typeof raw === 'number' ? raw : Number(String(raw).trim());
  const [lo, hi] = ranges[field];
  return Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
}

/**
 * The first usable value of each field, in the order given; the QTc keeps the formula its own
 * entry named. A later QTc under a formula the file names, and not yet given, is kept beside it
 * (otherQtcs): a cart printing QTc and QTcF gives two figures, both the reader's to compare.
 */
function collect(source: string, entries: Entry[]): DeviceMeasurements | undefined {
  const values: Partial<Record<DeviceMeasurementField, number>> = {};
  let qtcFormula: QtcFormula | undefined;
  const otherQtcs: DeviceQtc[] = [];
  for (const [field, raw, formula, name] of entries) {
    const v = usable(field, raw);
    if (v === undefined) continue;
    if (values[field] === undefined) {
      values[field] = v;
      if (field === 'qtcMs') qtcFormula = formula;
    } else if (field === 'qtcMs' && formula && formula !== qtcFormula && !otherQtcs.some((q) => q.formula === formula)) {
      otherQtcs.push({ ms: v, formula, name: name ?? formula });
    }
  }
  if (Object.keys(values).length === 0) return undefined;
  return { source, values, ...(qtcFormula ? { qtcFormula } : {}), ...(otherQtcs.length > 0 ? { otherQtcs } : {}) };
}

/**
 * GE MUSE XML: <RestingECGMeasurements> (12SL). QTCorrected is the cart's QTc under the formula
 * its site configured (Bazett, Hodges, Fridericia or Framingham), which the file does not say;
 * QTcFrederica names its formula and is kept beside it (or stands in where QTCorrected is absent).
 */
export function museMeasurements(root: XmlNode): DeviceMeasurements | undefined {
  const m = child(root, 'RestingECGMeasurements');
  if (!m) return undefined;
  const version = text(child(root, 'MuseInfo'), 'MuseVersion');
  return collect(`GE MUSE 12SL${version ? ` (MUSE ${version})` : ''}`, [
    ['heartRateBpm', text(m, 'VentricularRate')],
    ['prMs', text(m, 'PRInterval')],
    ['qrsMs', text(m, 'QRSDuration')],
    ['qtMs', text(m, 'QTInterval')],
    ['qtcMs', text(m, 'QTCorrected')],
    ['qtcMs', text(m, 'QTcFrederica'), 'fridericia', 'QTcFrederica'],
    ['pAxisDeg', text(m, 'PAxis')],
    ['qrsAxisDeg', text(m, 'RAxis')],
    ['tAxisDeg', text(m, 'TAxis')],
    ['atrialRateBpm', text(m, 'AtrialRate')],
  ]);
}

/**
 * Philips Sierra XML: <globalmeasurements> of the interpretation (1.04: heartrate, print,
 * qrsdur, qtint, qtcb (Bazett), qtcf (Fridericia), and qtco elements, each naming its formula
 * in methodname (Framingham, Hodges) and holding a value only where the cart computed it;
 * 1.03: meanventrate, meanprint, meanqrsdur, meanqtint, meanqtc, whose formula the file does not name,
 * and meanprseg (the PR segment) and qtintdispersion (QT dispersion across leads)). 1.04 reports
 * neither of the last two there; it keeps them in <internalmeasurements><crossleadmeasurements>,
 * the algorithm's own record-wide figures, read only where the reported globals lack them.
 * 1.04 marks a global a reviewer changed on the cart (editedflag "True" on the element, and on
 * <globalmeasurements> if any was): the source then says which, since that figure is a person's,
 * not the program's, and the internal figures are not used beside the edited ones.
 */
export function philipsMeasurements(root: XmlNode): DeviceMeasurements | undefined {
  const global = findFirst(root, 'globalmeasurements', 6);
  if (!global) return undefined;
  const first = (...tags: string[]) => tags.map((tag) => text(global, tag)).find((v) => v !== undefined);
  const one = (tag: string) => text(global, tag);
  // By its path, not a search: <groupmeasurement> below it holds a meanprseg per beat group, not the record's.
  const crossLead = child(child(root, 'internalmeasurements'), 'crossleadmeasurements');
  const device = text(findFirst(root, 'machine', 4)) ?? attr(findFirst(root, 'machine', 4), 'machineid');
  const edited = philipsEdited(global);
  // The internal figures are the program's own, from before any edit: an internal PR segment beside a PR a
  // reviewer moved would not add up to it, so once anything was edited none of them stands in.
  const internal = (tag: string) => (edited ? undefined : text(crossLead, tag));
  return collect(`Philips${device ? ` ${device}` : ' PageWriter'}${edited ? ` (${edited} edited on the cart)` : ''}`, [
    ['heartRateBpm', first('heartrate', 'meanventrate')],
    ['prMs', first('print', 'meanprint')],
    ['qrsMs', first('qrsdur', 'meanqrsdur')],
    ['qtMs', first('qtint', 'meanqtint')],
    ['qtcMs', one('qtcb'), 'bazett', 'qtcb'],
    ['qtcMs', one('qtcf'), 'fridericia', 'qtcf'],
    ...philipsQtco(global),
    ['qtcMs', one('meanqtc')],
    ['pAxisDeg', first('pfrontaxis')],
    ['qrsAxisDeg', first('qrsfrontaxis')],
    ['tAxisDeg', first('tfrontaxis')],
    ['rrMs', one('rrint')],
    ['atrialRateBpm', one('atrialrate')],
    ['pDurationMs', one('pdur')],
    // The reported figure first (1.03); else 1.04's internal one, in ms like every interval the schema
    // states, so it goes in unchanged. The schema has reported globals supersede internal ones.
    ['prSegmentMs', one('meanprseg')],
    ['prSegmentMs', internal('meanprseg')],
    ['qtDispersionMs', one('qtintdispersion')],
    ['qtDispersionMs', internal('qtintdispersion')],
  ]);
}

/** The reported globals a reader knows by name, as their edits are said. */
const philipsEditedNames: Record<string, string> = {
  heartrate: 'heart rate', rrint: 'RR', atrialrate: 'atrial rate', pdur: 'P duration', print: 'PR', qonset: 'QRS onset', qrsdur: 'QRS',
  tonset: 'T onset', qtint: 'QT', qtcb: 'QTcB', qtcf: 'QTcF', qtco: 'QTc', pfrontaxis: 'P axis', qrsfrontaxis: 'QRS axis', tfrontaxis: 'T axis',
};

/**
 * What 1.04's editedflag says was edited: the figures named (a tag the list above lacks, such as an
 * initial-40-ms axis, under its own name), else "figures" where only <globalmeasurements> carries the
 * flag; undefined where nothing was. 1.03 carries no such flag on the globals read here.
 */
function philipsEdited(global: XmlNode): string | undefined {
  const isTrue = (node: XmlValue | undefined) => attr(node, 'editedflag')?.trim().toLowerCase() === 'true';
  const names = Object.entries(global).flatMap(([tag, value]) => {
    if (tag.startsWith('@_') || tag === '#text') return [];
    const nodes = Array.isArray(value) ? value : [value];
    return nodes.some(isTrue) ? [philipsEditedNames[tag] ?? tag] : [];
  });
  const unique = [...new Set(names)];
  if (unique.length > 0) return unique.join(', ');
  return isTrue(global) ? 'figures' : undefined;
}

/** Philips 1.04's qtco elements: the formula in methodname, the file's label (QTcFm, QTcH) as its name; one with no value or an unknown method is left out. */
function philipsQtco(global: XmlNode): Entry[] {
  return children(global, 'qtco').flatMap((one): Entry[] => {
    const method = attr(one, 'methodname')?.trim().toLowerCase();
    const formula = qtcFormulas.find((f) => f === method);
    if (!formula) return [];
    return [['qtcMs', text(one), formula, `qtco ${attr(one, 'label') ?? method}`]];
  });
}

/** Depth-limited search for the first element of a name. */
function findFirst(node: XmlValue | undefined, name: string, depth: number): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || depth < 0) return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findFirst(item, name, depth);
      if (found) return found;
    }
    return undefined;
  }
  const direct = child(node, name);
  if (direct) return direct;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text') continue;
    const found = findFirst(value, name, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** MDC_ECG_TIME_PD_QTc says only "corrected QT"; the B/F/H codes name the formula. */
const aecgCodes: Record<string, [DeviceMeasurementField, QtcFormula?]> = {
  MDC_ECG_HEART_RATE: ['heartRateBpm'],
  MDC_ECG_TIME_PD_P: ['pDurationMs'],
  MDC_ECG_TIME_PD_PR: ['prMs'],
  MDC_ECG_TIME_PD_QRS: ['qrsMs'],
  MDC_ECG_TIME_PD_QT: ['qtMs'],
  MDC_ECG_TIME_PD_QTc: ['qtcMs'],
  MDC_ECG_TIME_PD_QTcB: ['qtcMs', 'bazett'],
  MDC_ECG_TIME_PD_QTcF: ['qtcMs', 'fridericia'],
  MDC_ECG_TIME_PD_QTcH: ['qtcMs', 'hodges'],
  MDC_ECG_ANGLE_P_FRONT: ['pAxisDeg'],
  MDC_ECG_ANGLE_QRS_FRONT: ['qrsAxisDeg'],
  MDC_ECG_ANGLE_T_FRONT: ['tAxisDeg'],
};

/** HL7 aECG: the first annotation of each MDC_ECG_TIME_PD_… / MDC_ECG_ANGLE_… code (value in ms or degrees) in the series' annotation sets. */
export function aecgMeasurements(series: readonly XmlNode[]): DeviceMeasurements | undefined {
  const found: Entry[] = [];
  const visit = (node: XmlValue, depth: number) => {
    if (depth > 12 || typeof node === 'string') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth);
      return;
    }
    const code = aecgCodes[attr(child(node, 'code'), 'code') ?? ''];
    const name = attr(child(node, 'code'), 'code');
    if (code) found.push([code[0], attr(child(node, 'value'), 'value'), code[1], name]);
    for (const [key, value] of Object.entries(node)) if (!key.startsWith('@_') && key !== '#text') visit(value, depth + 1);
  };
  for (const one of series) for (const subjectOf of children(one, 'subjectOf')) visit(subjectOf, 0);
  return collect('device (HL7 aECG annotations)', found);
}

/** DICOM 12-lead ECG: numeric measurements of the Waveform Annotation Sequence (0040,B020), by concept name. */
export function dicomMeasurements(set: DataSet): DeviceMeasurements | undefined {
  const byName: Record<string, DeviceMeasurementField> = {
    'PR Interval': 'prMs',
    'QRS Duration': 'qrsMs',
    'QT Interval': 'qtMs',
    'QTc Interval': 'qtcMs',
    'P Axis': 'pAxisDeg',
    'QRS Axis': 'qrsAxisDeg',
    'T Axis': 'tAxisDeg',
    'Ventricular Heart Rate': 'heartRateBpm',
  };
  const found: Entry[] = [];
  for (const item of set.elements['x0040b020']?.items ?? []) {
    const d = item.dataSet;
    const meaning = d?.elements['x0040a043']?.items?.[0]?.dataSet?.string('x00080104');
    const value = d?.string('x0040a30a');
    if (!meaning || value === undefined) continue;
    if (meaning === 'RR Interval') {
      const rr = Number(value.split('\\')[0]);
      if (rr > 0) found.push(['heartRateBpm', 60000 / rr]);
    } else if (byName[meaning]) found.push([byName[meaning], value.split('\\')[0]]);
  }
  const manufacturer = set.string('x00080070');
  const model = set.string('x00081090');
  return collect(`DICOM${manufacturer || model ? ` (${[manufacturer, model].filter(Boolean).join(' ')})` : ''}`, found);
}

/** SCP-ECG's markers for a value not measured (29999), rejected (29998) or of a wave not present (19999), and an undefined axis (999). */
const scpNotMeasured = new Set([29999, 29998, 19999]);
const scpUndefinedAxis = 999;

/** Section 7's heart-rate correction formula byte: 1 Bazett, 2 Hodges; 0 (unspecified), manufacturer codes and 255 name none. */
const scpQtcFormula: Record<number, QtcFormula> = { 1: 'bazett', 2: 'hodges' };

/**
 * SCP-ECG section 7 (global measurements, EN 1064 §5.9): the first QRS measurement set is
 * reference beat 0's P onset/offset, QRS onset/offset and T offset (ms from the beat's start)
 * and its P, QRS and T axes; PR, QRS and QT are the spans between them. After the sets, the
 * pacemaker spikes (4 + 6 bytes each) and the QRS types (2-byte count, 1 byte each) come the
 * ventricular rate, atrial rate, QTc and the QTc's formula. A section cut short gives what it holds.
 */
export function scpMeasurements(body: ByteReader | undefined, device: string | undefined): DeviceMeasurements | undefined {
  if (!body || body.length < 6 + 16) return undefined;
  const sets = body.u8(0, 'section 7 QRS measurement count');
  const spikes = body.u8(1, 'section 7 pacemaker spike count');
  if (sets === 0) return undefined;
  const time = (at: number) => {
    const v = body.u16(6 + at, 'section 7 reference beat 0');
    return scpNotMeasured.has(v) ? undefined : v;
  };
  const axis = (at: number) => {
    const v = body.i16(6 + at, 'section 7 reference beat 0');
    return v === scpUndefinedAxis || scpNotMeasured.has(v) ? undefined : v;
  };
  const span = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : to - from);
  const [pOn, pOff, qrsOn, qrsOff, tOff] = [0, 2, 4, 6, 8].map(time);
  const averageRr = body.u16(2, 'section 7 average RR');
  const entries: Entry[] = [
    ['rrMs', scpNotMeasured.has(averageRr) ? undefined : averageRr],
    ['pDurationMs', span(pOn, pOff)],
    ['prMs', span(pOn, qrsOn)],
    ['qrsMs', span(qrsOn, qrsOff)],
    ['qtMs', span(qrsOn, tOff)],
    ['pAxisDeg', axis(10)],
    ['qrsAxisDeg', axis(12)],
    ['tAxisDeg', axis(14)],
  ];
  const qrsTypes = 6 + sets * 16 + spikes * 10;
  if (body.length >= qrsTypes + 2) {
    const extra = qrsTypes + 2 + body.u16(qrsTypes, 'section 7 QRS type count');
    if (body.length >= extra + 7) {
      const rate = body.u16(extra, 'section 7 ventricular rate');
      const qtc = body.u16(extra + 4, 'section 7 QTc');
      const named = scpQtcFormula[body.u8(extra + 6, 'section 7 QTc formula')];
      const atrial = body.u16(extra + 2, 'section 7 atrial rate');
      entries.unshift(['heartRateBpm', scpNotMeasured.has(rate) ? undefined : rate]);
      entries.push(['atrialRateBpm', scpNotMeasured.has(atrial) ? undefined : atrial]);
      entries.push(['qtcMs', scpNotMeasured.has(qtc) ? undefined : qtc, named]);
    }
  }
  return collect(`SCP-ECG global measurements${device ? ` (${device})` : ''}`, entries);
}
