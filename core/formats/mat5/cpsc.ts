import { EinthovenError } from '../../errors';
import { buildRecord } from '../build';
import { asMillivolts, canonicalLeads, type EcgRecord, type PatientInfo, type SourceFile } from '../record';
import { parseMat5, type MatValue } from './parse';

/** CPSC 2018 stores no sampling rate; the challenge publishes 500 Hz for every record. */
const cpscFs = 500;

function field(struct: Extract<MatValue, { kind: 'struct' }>, name: string): MatValue | undefined {
  return struct.fields.get(name)?.[0];
}

function patientOf(ecg: Extract<MatValue, { kind: 'struct' }>): PatientInfo {
  const patient: PatientInfo = {};
  const sex = field(ecg, 'sex');
  if (sex?.kind === 'char') {
    const first = sex.text.trim().charAt(0).toUpperCase();
    patient.sex = first === 'M' ? 'M' : first === 'F' ? 'F' : 'U';
  }
  const age = field(ecg, 'age');
  if (age?.kind === 'numeric' && Number.isFinite(age.data[0])) patient.ageYears = age.data[0]!;
  return patient;
}

/** Reads a CPSC 2018 MATLAB v5 file: struct ECG{sex, age, data 12×N double mV}. */
export function readCpscMat(file: SourceFile): EcgRecord {
  const ecg = parseMat5(file.name, file.bytes).find((v): v is Extract<MatValue, { kind: 'struct' }> => v.kind === 'struct' && v.fields.has('data'));
  if (!ecg) throw new EinthovenError('E_UNSUPPORTED', `${file.name}: MATLAB v5 file without an ECG struct holding 'data' (only the CPSC 2018 layout is supported)`);
  const data = field(ecg, 'data');
  if (data?.kind !== 'numeric' || data.dims.length !== 2) throw new EinthovenError('E_FORMAT', `${file.name}: ECG.data is not a 2-D numeric matrix`);
  const [rows = 0, columns = 0] = data.dims;
  if (rows !== 12) throw new EinthovenError('E_UNSUPPORTED', `${file.name}: ECG.data has ${rows} rows; the CPSC layout has 12 leads`);
  const channels = canonicalLeads.map((label, lead) => {
    const samples = new Float32Array(columns);
    for (let i = 0; i < columns; i++) samples[i] = data.data[lead + rows * i]!; // column-major
    return { label, samples: asMillivolts(samples) };
  });
  return buildRecord({
    fileName: file.name,
    fs: cpscFs,
    channels,
    source: { format: 'cpsc-mat', version: 'MATLAB 5.0' },
    patient: patientOf(ecg),
    warnings: [`sampling rate ${cpscFs} Hz assumed (CPSC 2018 files do not store it)`],
  });
}
