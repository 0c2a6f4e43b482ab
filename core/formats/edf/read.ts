import { EinthovenError } from '../../errors';
import { buildRecord, type Channel } from '../build';
import { checkSignalSize, limits, requireBytes } from '../limits';
import { asMillivolts, type Annotation, type EcgRecord, type PatientInfo, type SourceFile } from '../record';
import { decodeLatin1 } from '../text';
import { millivoltsPerUnit } from '../wfdb/metadata';
import { parseTals } from './tal';

interface EdfSignal {
  label: string;
  units: string;
  physMin: number;
  physMax: number;
  digMin: number;
  digMax: number;
  samplesPerRecord: number;
  /** Byte offset of this signal inside one data record. */
  offset: number;
}

function field(bytes: Uint8Array, start: number, length: number): string {
  return decodeLatin1(bytes.subarray(start, start + length)).trim();
}

function numberField(name: string, bytes: Uint8Array, start: number, length: number, what: string): number {
  const raw = field(bytes, start, length);
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) throw new EinthovenError('E_FORMAT', `${name}: EDF ${what} '${raw}' is not a number`);
  return value;
}

function parseSignals(file: SourceFile, ns: number): EdfSignal[] {
  const b = file.bytes;
  const base = 256;
  const at = (fieldOffset: number, width: number, i: number) => base + ns * fieldOffset + width * i;
  const signals: EdfSignal[] = [];
  let offset = 0;
  for (let i = 0; i < ns; i++) {
    const samplesPerRecord = numberField(file.name, b, at(216, 8, i), 8, 'samples per record');
    if (!Number.isInteger(samplesPerRecord) || samplesPerRecord < 0 || samplesPerRecord > limits.maxTotalSamples) {
      throw new EinthovenError('E_FORMAT', `${file.name}: EDF samples per record ${samplesPerRecord}`);
    }
    const label = field(b, at(0, 16, i), 16);
    const digMin = numberField(file.name, b, at(120, 8, i), 8, 'digital minimum');
    const digMax = numberField(file.name, b, at(128, 8, i), 8, 'digital maximum');
    // Annotation signals carry text, not scaled samples; every other signal needs a scaling.
    if (digMax === digMin && label !== 'EDF Annotations') {
      throw new EinthovenError('E_FORMAT', `${file.name}: EDF signal ${label || i + 1} has digital minimum = digital maximum (${digMin}): its scaling to physical units is undefined`);
    }
    signals.push({
      label,
      units: field(b, at(96, 8, i), 8),
      physMin: numberField(file.name, b, at(104, 8, i), 8, 'physical minimum'),
      physMax: numberField(file.name, b, at(112, 8, i), 8, 'physical maximum'),
      digMin,
      digMax,
      samplesPerRecord,
      offset,
    });
    offset += samplesPerRecord * 2;
  }
  return signals;
}

const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** EDF+ local patient identification: "code sex birthdate name" ('X' = unknown, name with '_' for spaces). */
function edfPlusPatient(b: Uint8Array): PatientInfo {
  const [code, sex, birth, name] = field(b, 8, 80).split(/\s+/);
  const patient: PatientInfo = {};
  if (code && code !== 'X') patient.id = code;
  if (sex === 'M' || sex === 'F') patient.sex = sex;
  const date = /^(\d{2})-([A-Z]{3})-(\d{4})$/i.exec(birth ?? '');
  const month = date ? months.indexOf(date[2]!.toUpperCase()) + 1 : 0;
  if (date && month > 0) patient.birthDate = `${date[3]}-${String(month).padStart(2, '0')}-${date[1]}`;
  if (name && name !== 'X') patient.name = name.replace(/_/g, ' ');
  return patient;
}

/** dd.mm.yy + hh.mm.ss → ISO (EDF's two-digit years: 85–99 → 19xx, else 20xx). */
function startTimeOf(b: Uint8Array): string | undefined {
  const d = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(field(b, 168, 8));
  const t = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(field(b, 176, 8));
  if (!d || !t) return undefined;
  const year = Number(d[3]) >= 85 ? `19${d[3]}` : `20${d[3]}`;
  return `${year}-${d[2]}-${d[1]}T${t[1]}:${t[2]}:${t[3]}`;
}

function readSignal(b: Uint8Array, signal: EdfSignal, headerBytes: number, recordBytes: number, nRecords: number): Float32Array {
  const n = signal.samplesPerRecord;
  const out = new Float32Array(n * nRecords);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const scale = (signal.physMax - signal.physMin) / (signal.digMax - signal.digMin);
  const unit = millivoltsPerUnit(signal.units) ?? 1;
  for (let r = 0; r < nRecords; r++) {
    const start = headerBytes + r * recordBytes + signal.offset;
    for (let i = 0; i < n; i++) {
      const d = view.getInt16(start + i * 2, true);
      out[r * n + i] = ((d - signal.digMin) * scale + signal.physMin) * unit;
    }
  }
  return out;
}

/** Reads EDF and EDF+ (continuous; annotations from "EDF Annotations" signals). */
export function readEdf(file: SourceFile): EcgRecord {
  const b = file.bytes;
  requireBytes(file.name, b.length, 0, 256, 'EDF header');
  const ns = numberField(file.name, b, 252, 4, 'number of signals');
  if (!Number.isInteger(ns) || ns < 0) throw new EinthovenError('E_FORMAT', `${file.name}: EDF number of signals ${ns}`);
  if (ns > limits.maxLeads) throw new EinthovenError('E_TOO_LARGE', `${file.name}: ${ns} signals exceed the limit of ${limits.maxLeads}`);
  const headerBytes = 256 * (ns + 1);
  requireBytes(file.name, b.length, 0, headerBytes, 'EDF signal headers');
  const reserved = field(b, 192, 44);
  const duration = numberField(file.name, b, 244, 8, 'record duration');
  const signals = parseSignals(file, ns);
  const recordBytes = signals.reduce((sum, s) => sum + s.samplesPerRecord * 2, 0);
  if (recordBytes === 0) throw new EinthovenError('E_FORMAT', `${file.name}: EDF data records are empty`);
  const declared = numberField(file.name, b, 236, 8, 'number of data records');
  // A count: a whole number, or -1 while recording (then the file's length tells).
  if (!Number.isInteger(declared) || declared < -1) throw new EinthovenError('E_FORMAT', `${file.name}: EDF number of data records '${field(b, 236, 8)}' is not a whole number`);
  const present = Math.floor((b.length - headerBytes) / recordBytes);
  const nRecords = declared < 0 ? present : declared;
  if (nRecords > present) throw new EinthovenError('E_FORMAT', `${file.name}: truncated — header declares ${nRecords} data records but the file holds ${present}`);
  const isAnnotation = (s: EdfSignal) => s.label === 'EDF Annotations';
  const annotations: Annotation[] = signals.filter(isAnnotation).flatMap((s) => parseTals(concatRecords(b, s, headerBytes, recordBytes, nRecords)));
  const data = signals.filter((s) => !isAnnotation(s));
  if (data.length === 0) {
    throw new EinthovenError('E_UNSUPPORTED', `${file.name}: EDF+ file holds only annotations (${annotations.length}), no signal to display`);
  }
  if (!(duration > 0)) throw new EinthovenError('E_FORMAT', `${file.name}: EDF record duration ${duration}`);
  const maxRate = Math.max(...data.map((s) => s.samplesPerRecord));
  const kept = data.filter((s) => s.samplesPerRecord === maxRate);
  checkSignalSize(file.name, kept.length, maxRate * nRecords);
  const warnings = data.filter((s) => s.samplesPerRecord !== maxRate).map((s) => `${s.label}: sampled at a lower rate; not imported`);
  if (reserved.startsWith('EDF+D')) warnings.push('EDF+D (discontinuous) read as continuous');
  for (const s of kept) if (millivoltsPerUnit(s.units) === undefined) warnings.push(`${s.label}: units '${s.units}' are not a voltage; values kept as is`);
  const channels: Channel[] = kept.map((s) => ({
    label: s.label,
    samples: asMillivolts(readSignal(b, s, headerBytes, recordBytes, nRecords)),
    ...(millivoltsPerUnit(s.units) === undefined ? { units: s.units } : {}),
  }));
  const startTime = startTimeOf(b);
  return {
    ...buildRecord({
      fileName: file.name,
      fs: maxRate / duration,
      channels,
      source: { format: 'edf', version: reserved.startsWith('EDF+') ? reserved.slice(0, 5) : 'EDF' },
      ...(reserved.startsWith('EDF+') ? { patient: edfPlusPatient(b) } : {}),
      warnings,
      ...(startTime ? { startTime } : {}),
    }),
    ...(annotations.length > 0 ? { annotations } : {}),
  };
}

function concatRecords(b: Uint8Array, s: EdfSignal, headerBytes: number, recordBytes: number, nRecords: number): Uint8Array {
  const n = s.samplesPerRecord * 2;
  const out = new Uint8Array(n * nRecords);
  for (let r = 0; r < nRecords; r++) out.set(b.subarray(headerBytes + r * recordBytes + s.offset, headerBytes + r * recordBytes + s.offset + n), r * n);
  return out;
}
