import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { EinthovenError } from '../../errors';
import { buildRecord, type BeatParts, type Channel } from '../build';
import { checkSignalSize } from '../limits';
import { asMillivolts, type EcgRecord, type PatientInfo, type SourceFile } from '../record';
import { scpLeadName } from '../scp/leads';
import { dicomMeasurements } from '../device-measurements';
import { dicomStartTime, dicomStatements } from './metadata';

/** Tags used here, in dicom-parser's 'xGGGGEEEE' form. */
export const tags = {
  sopClass: 'x00080016',
  transferSyntax: 'x00020010',
  waveformSequence: 'x54000100',
  channels: 'x003a0005',
  samples: 'x003a0010',
  fs: 'x003a001a',
  groupLabel: 'x003a0020',
  originality: 'x003a0004',
  bitsAllocated: 'x54001004',
  interpretation: 'x54001006',
  waveformData: 'x54001010',
  channelDefinitions: 'x003a0200',
  channelSource: 'x003a0208',
  channelLabel: 'x003a0203',
  sensitivity: 'x003a0210',
  sensitivityUnits: 'x003a0211',
  correction: 'x003a0212',
  baseline: 'x003a0213',
  codeValue: 'x00080100',
  codingScheme: 'x00080102',
  codeMeaning: 'x00080104',
} as const;

/** Sample interpretations (5400,1006) we read: bytes per sample and signedness. μ-law/A-law are not. */
const interpretations: Record<string, { bytes: 1 | 2 | 4; signed: boolean }> = {
  SB: { bytes: 1, signed: true },
  UB: { bytes: 1, signed: false },
  SS: { bytes: 2, signed: true },
  US: { bytes: 2, signed: false },
  SL: { bytes: 4, signed: true },
  UL: { bytes: 4, signed: false },
};
/** Divisor to mV (dividing keeps µV → mV correctly rounded). */
const unitDivisor: Record<string, number> = { uV: 1e3, mV: 1, V: 1e-3, nV: 1e6 };

function parse(file: SourceFile): DataSet {
  try {
    return dicomParser.parseDicom(file.bytes);
  } catch (error) {
    // dicom-parser throws strings, Errors, or { exception, dataSet } objects.
    const exception = typeof error === 'object' && error !== null && 'exception' in error ? (error as { exception: unknown }).exception : error;
    const why = exception instanceof Error ? exception.message : String(exception);
    throw new EinthovenError('E_FORMAT', `${file.name}: unreadable DICOM (${why.replace(/^dicomParser\.\w+: /, '').slice(0, 200)})`);
  }
}

const items = (set: DataSet | undefined, tag: string): DataSet[] =>
  (set?.elements[tag]?.items ?? []).map((item) => item.dataSet).filter((d): d is DataSet => d !== undefined);

/** Lead name from the channel source code: SCPECG "5.6.3-9-<id>", else its meaning ("Lead I (Einthoven)" → "I"). */
function channelName(definition: DataSet, index: number): string {
  const source = items(definition, tags.channelSource)[0];
  const code = source?.string(tags.codeValue) ?? '';
  const scp = /^5\.6\.3-9-(\d+)$/.exec(code);
  if (source?.string(tags.codingScheme) === 'SCPECG' && scp) return scpLeadName(Number(scp[1]));
  const meaning = (source?.string(tags.codeMeaning) ?? definition.string(tags.channelLabel) ?? '').replace(/\s*\(.*\)\s*$/, '').trim();
  return meaning || `channel ${index + 1}`;
}

interface Group {
  fs: number;
  label: string;
  channels: Channel[];
}

function readGroup(fileName: string, set: DataSet, group: DataSet, bigEndian: boolean): Group {
  const nChannels = group.uint16(tags.channels) ?? 0;
  const nSamples = group.uint32(tags.samples) ?? 0;
  const fs = group.floatString(tags.fs) ?? Number.NaN;
  const label = group.string(tags.groupLabel) ?? '';
  checkSignalSize(fileName, nChannels, nSamples);
  const kind = interpretations[group.string(tags.interpretation) ?? ''];
  const bits = group.uint16(tags.bitsAllocated);
  if (!kind || bits !== kind.bytes * 8) {
    throw new EinthovenError('E_UNSUPPORTED', `${fileName}: DICOM waveform sample interpretation ${group.string(tags.interpretation)} with ${bits} bits is not supported`);
  }
  const data: Element | undefined = group.elements[tags.waveformData];
  const need = nChannels * nSamples * kind.bytes;
  if (!data || data.length < need || data.dataOffset + need > set.byteArray.length) {
    throw new EinthovenError('E_FORMAT', `${fileName}: DICOM waveform data (${data?.length ?? 0} bytes) shorter than ${nChannels} channels × ${nSamples} samples`);
  }
  const definitions = items(group, tags.channelDefinitions);
  if (definitions.length !== nChannels) throw new EinthovenError('E_FORMAT', `${fileName}: ${definitions.length} channel definitions for ${nChannels} channels`);
  const view = new DataView(set.byteArray.buffer, set.byteArray.byteOffset + data.dataOffset, need);
  const read = (offset: number): number => {
    if (kind.bytes === 1) return kind.signed ? view.getInt8(offset) : view.getUint8(offset);
    if (kind.bytes === 2) return kind.signed ? view.getInt16(offset, !bigEndian) : view.getUint16(offset, !bigEndian);
    return kind.signed ? view.getInt32(offset, !bigEndian) : view.getUint32(offset, !bigEndian);
  };
  const channels = definitions.map((definition, c) => {
    const sensitivity = definition.floatString(tags.sensitivity) ?? 1;
    const correction = definition.floatString(tags.correction) ?? 1;
    const baseline = definition.floatString(tags.baseline) ?? 0;
    const unit = items(definition, tags.sensitivityUnits)[0]?.string(tags.codeValue) ?? 'uV';
    const divisor = unitDivisor[unit];
    const name = channelName(definition, c);
    if (divisor === undefined || !Number.isFinite(sensitivity * correction * baseline)) {
      throw new EinthovenError('E_UNSUPPORTED', `${fileName}: channel ${name} in units '${unit}' (sensitivity ${sensitivity}) cannot be converted to mV`);
    }
    // DICOM PS3.3 C.10.9.1.4: physical = stored × sensitivity × correction + baseline (in the sensitivity units).
    const samples = new Float32Array(nSamples);
    for (let i = 0; i < nSamples; i++) samples[i] = (read((i * nChannels + c) * kind.bytes) * sensitivity * correction + baseline) / divisor;
    return { label: name, samples: asMillivolts(samples) };
  });
  return { fs, label, channels };
}

function patientOf(set: DataSet): PatientInfo {
  const patient: PatientInfo = {};
  const id = set.string('x00100020');
  if (id) patient.id = id;
  const name = set.string('x00100010')?.replace(/\^+/g, ' ').trim();
  if (name) patient.name = name;
  const sex = set.string('x00100040');
  if (sex) patient.sex = sex === 'M' ? 'M' : sex === 'F' ? 'F' : 'U';
  const age = /^(\d{3})Y$/.exec(set.string('x00101010') ?? '');
  if (age) patient.ageYears = Number(age[1]);
  const birth = /^(\d{4})(\d{2})(\d{2})$/.exec(set.string('x00100030') ?? '');
  if (birth) patient.birthDate = `${birth[1]}-${birth[2]}-${birth[3]}`;
  return patient;
}

/**
 * Reads a DICOM waveform object (12-lead, general or ambulatory ECG): the rhythm multiplex
 * group as the record, a MEDIAN group (when present) as the representative beat.
 */
export function readDicom(file: SourceFile): EcgRecord {
  const set = parse(file);
  const groups = items(set, tags.waveformSequence);
  if (groups.length === 0) throw new EinthovenError('E_UNSUPPORTED', `${file.name}: DICOM file without a waveform sequence (an image or report, not an ECG)`);
  const bigEndian = set.string(tags.transferSyntax) === '1.2.840.10008.1.2.2';
  const isMedian = (g: DataSet) => /MEDIAN|REPRESENTATIVE/i.test(g.string(tags.groupLabel) ?? '');
  const main = groups.find((g) => !isMedian(g)) ?? groups[0]!;
  const medianSet = groups.find((g) => g !== main && isMedian(g));
  const rhythm = readGroup(file.name, set, main, bigEndian);
  let representativeBeat: BeatParts | undefined;
  const warnings: string[] = [];
  if (medianSet) {
    try {
      const median = readGroup(file.name, set, medianSet, bigEndian);
      representativeBeat = { fs: median.fs, channels: median.channels };
    } catch (error) {
      warnings.push(`median beat not read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const startTime = dicomStartTime(set);
  return buildRecord({
    fileName: file.name,
    fs: rhythm.fs,
    channels: rhythm.channels,
    source: { format: 'dicom', version: set.string(tags.sopClass) ?? 'unknown SOP class' },
    patient: patientOf(set),
    statements: dicomStatements(set),
    deviceMeasurements: dicomMeasurements(set),
    warnings,
    ...(startTime ? { startTime } : {}),
    ...(representativeBeat ? { representativeBeat } : {}),
  });
}
