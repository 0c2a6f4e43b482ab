import { EinthovenError } from '../../errors';
import { decodeBase64, int16LittleEndian } from '../base64';
import { buildRecord, type Channel } from '../build';
import { crc32 } from '../crc';
import { checkSignalSize } from '../limits';
import { adcToMillivolts, type EcgRecord, type PatientInfo, type SourceFile } from '../record';
import { museMeasurements } from '../device-measurements';
import { child, children, parseXml, text, type XmlNode } from '../xml/parse';

/** MM-DD-YYYY → YYYY-MM-DD. */
function museDate(value: string | undefined): string | undefined {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value ?? '');
  return m ? `${m[3]}-${m[1]}-${m[2]}` : undefined;
}

function patientOf(root: XmlNode): PatientInfo {
  const demo = child(root, 'PatientDemographics');
  const patient: PatientInfo = {};
  const id = text(demo, 'PatientID');
  if (id) patient.id = id;
  const name = [text(demo, 'PatientFirstName'), text(demo, 'PatientLastName')].filter(Boolean).join(' ');
  if (name) patient.name = name;
  const gender = text(demo, 'Gender')?.toUpperCase();
  if (gender) patient.sex = gender.startsWith('M') ? 'M' : gender.startsWith('F') ? 'F' : 'U';
  const age = Number(text(demo, 'PatientAge'));
  if (text(demo, 'PatientAge') && Number.isFinite(age) && (text(demo, 'AgeUnits') ?? 'YEARS').toUpperCase() === 'YEARS') patient.ageYears = age;
  const birth = museDate(text(demo, 'DateofBirth'));
  if (birth) patient.birthDate = birth;
  return patient;
}

/** Statement fragments are joined until one carries the ENDSLINE flag. */
function statementsOf(root: XmlNode): string[] {
  const statements: string[] = [];
  for (const diagnosis of [...children(root, 'Diagnosis'), ...children(root, 'OriginalDiagnosis')].slice(0, 1)) {
    let current = '';
    for (const statement of children(diagnosis, 'DiagnosisStatement')) {
      const fragment = text(statement, 'StmtText') ?? '';
      current = current === '' ? fragment : /^[,.;]/.test(fragment) ? current + fragment : `${current} ${fragment}`;
      if (children(statement, 'StmtFlag').some((f) => text(f) === 'ENDSLINE')) {
        if (current.trim()) statements.push(current.trim());
        current = '';
      }
    }
    if (current.trim()) statements.push(current.trim());
  }
  return statements;
}

function leadChannel(fileName: string, lead: XmlNode, nSamples: number): Channel {
  const id = text(lead, 'LeadID') ?? '?';
  const bytes = decodeBase64(text(lead, 'WaveFormData') ?? '');
  const expectedCrc = text(lead, 'LeadDataCRC32');
  if (expectedCrc !== undefined && crc32(bytes) !== Number(expectedCrc) >>> 0) {
    throw new EinthovenError('E_FORMAT', `${fileName}: lead ${id} fails its CRC32 check (data corrupt)`);
  }
  const count = Number(text(lead, 'LeadSampleCountTotal') ?? bytes.length / 2);
  if (count !== nSamples || bytes.length < count * 2) {
    throw new EinthovenError('E_FORMAT', `${fileName}: lead ${id} holds ${Math.floor(bytes.length / 2)} samples, expected ${nSamples}`);
  }
  const unitsPerBit = Number(text(lead, 'LeadAmplitudeUnitsPerBit') ?? '4.88');
  const units = (text(lead, 'LeadAmplitudeUnits') ?? 'MICROVOLTS').toUpperCase();
  const microvolts = units === 'MILLIVOLTS' ? 1000 : 1;
  if (!(unitsPerBit > 0)) throw new EinthovenError('E_FORMAT', `${fileName}: lead ${id} has amplitude ${unitsPerBit} per bit`);
  const adc = { kind: 'adc' as const, samples: int16LittleEndian(bytes, count), gain: 1000 / (unitsPerBit * microvolts), baseline: 0 };
  return { label: id, samples: adcToMillivolts(adc) };
}

/** One <Waveform>: its rate (SampleBase × 10^SampleExponent) and its leads in mV. */
function waveformChannels(fileName: string, waveform: XmlNode): { fs: number; channels: Channel[] } {
  const fs = Number(text(waveform, 'SampleBase')) * 10 ** Number(text(waveform, 'SampleExponent') ?? '0');
  const leads = children(waveform, 'LeadData').filter((l): l is XmlNode => typeof l !== 'string' && !Array.isArray(l));
  const nSamples = Number(text(leads[0], 'LeadSampleCountTotal') ?? 0);
  checkSignalSize(fileName, leads.length, nSamples);
  return { fs, channels: leads.map((lead) => leadChannel(fileName, lead, nSamples)) };
}

/** Reads a GE MUSE XML export (rhythm waveform, median beat; III/aVR/aVL/aVF derived when absent). */
export function readMuseXml(file: SourceFile): EcgRecord {
  const doc = parseXml(file.name, file.bytes, ['Waveform', 'LeadData', 'DiagnosisStatement', 'StmtFlag', 'Diagnosis']);
  const root = child(doc, 'RestingECG');
  if (!root) throw new EinthovenError('E_FORMAT', `${file.name}: no <RestingECG> element`);
  const waveforms = children(root, 'Waveform');
  const rhythm = waveforms.find((w) => text(w, 'WaveformType')?.toLowerCase() === 'rhythm') ?? waveforms[0];
  if (!rhythm || typeof rhythm === 'string' || Array.isArray(rhythm)) throw new EinthovenError('E_FORMAT', `${file.name}: no <Waveform> element`);
  const { fs, channels } = waveformChannels(file.name, rhythm);
  const median = waveforms.find((w) => text(w, 'WaveformType')?.toLowerCase() === 'median');
  const representativeBeat = median && median !== rhythm && typeof median !== 'string' && !Array.isArray(median) ? waveformChannels(file.name, median) : undefined;
  const date = museDate(text(child(root, 'TestDemographics'), 'AcquisitionDate'));
  const time = text(child(root, 'TestDemographics'), 'AcquisitionTime');
  return buildRecord({
    fileName: file.name,
    fs,
    channels,
    source: { format: 'muse-xml', ...(text(child(root, 'MuseInfo'), 'MuseVersion') ? { version: text(child(root, 'MuseInfo'), 'MuseVersion')! } : {}) },
    patient: patientOf(root),
    statements: statementsOf(root),
    deviceMeasurements: museMeasurements(root),
    ...(date && time ? { startTime: `${date}T${time}` } : {}),
    ...(representativeBeat ? { representativeBeat } : {}),
  });
}
