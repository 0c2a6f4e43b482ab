import { EinthovenError } from '../../errors';
import { buildRecord, type BeatParts, type Channel } from '../build';
import { checkSignalSize, limits } from '../limits';
import { asMillivolts, type EcgRecord, type PatientInfo, type SourceFile } from '../record';
import { attr, child, children, parseXml, text, type XmlNode, type XmlValue } from '../xml/parse';
import { aecgMeasurements } from '../device-measurements';
import { aecgStatements } from './statements';

const asNodes = (values: XmlValue[]): XmlNode[] => values.filter((v): v is XmlNode => typeof v !== 'string' && !Array.isArray(v));

/** Divisor from an HL7 physical-quantity unit to mV (dividing keeps µV → mV correctly rounded). */
const voltUnits: Record<string, number> = { uV: 1e3, mV: 1, V: 1e-3, nV: 1e6 };
const timeUnits: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6 };

/** HL7 TS "YYYYMMDDhhmmss[.fff]" → ISO local time. */
export function hl7Time(value: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?(\.\d+)?)?/.exec(value ?? '');
  if (!m) return undefined;
  return m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}`;
}

/** Whitespace-separated integers of <digits>, parsed without building an array of strings. */
function parseDigits(fileName: string, lead: string, digits: string): Float64Array {
  const out: number[] = [];
  for (const token of digits.split(/\s+/)) {
    if (token === '') continue;
    const value = Number(token);
    if (!Number.isFinite(value)) throw new EinthovenError('E_FORMAT', `${fileName}: lead ${lead} has a non-numeric value '${token.slice(0, 20)}'`);
    out.push(value);
    if (out.length > limits.maxTotalSamples) throw new EinthovenError('E_TOO_LARGE', `${fileName}: lead ${lead} holds more than ${limits.maxTotalSamples} values`);
  }
  return Float64Array.from(out);
}

interface SeriesSignals {
  fs: number;
  channels: Channel[];
  warnings: string[];
}

/** One series' sequenceSet: a TIME sequence giving the increment, then one SLIST_PQ sequence per lead. */
function readSeries(fileName: string, series: XmlNode, kind: string): SeriesSignals {
  const sequences = asNodes(children(child(child(series, 'component'), 'sequenceSet'), 'component')).map((c) => child(c, 'sequence'));
  let fs: number | undefined;
  const channels: Channel[] = [];
  const warnings: string[] = [];
  for (const sequence of sequences) {
    const code = attr(child(sequence, 'code'), 'code') ?? '';
    const value = child(sequence, 'value');
    if (/^TIME_/.test(code)) {
      const increment = child(value, 'increment');
      const seconds = Number(attr(increment, 'value')) * (timeUnits[attr(increment, 'unit') ?? 's'] ?? Number.NaN);
      // 1 / 0.002 s must be 500 Hz, not 499.99999999999994.
      fs = Math.abs(1 / seconds - Math.round(1 / seconds)) < 1e-6 ? Math.round(1 / seconds) : 1 / seconds;
      continue;
    }
    const digits = text(value, 'digits');
    if (digits === undefined) continue;
    const lead = code.replace(/^MDC_ECG_LEAD_/, '');
    const origin = child(value, 'origin');
    const scale = child(value, 'scale');
    // origin and scale stay in their own units until one final division to mV.
    const unitOf = (node: XmlNode | undefined) => voltUnits[attr(node, 'unit') ?? 'uV'];
    const offset = origin ? Number(attr(origin, 'value')) : 0;
    const step = scale ? Number(attr(scale, 'value')) : 1;
    const divisor = unitOf(scale);
    if (origin && unitOf(origin) !== divisor) throw new EinthovenError('E_UNSUPPORTED', `${fileName}: ${kind} lead ${lead} has origin and scale in different units`);
    if (!Number.isFinite(offset) || !Number.isFinite(step) || step === 0 || divisor === undefined) {
      throw new EinthovenError('E_FORMAT', `${fileName}: ${kind} lead ${lead} has an unusable origin/scale (${attr(origin, 'value')} ${attr(origin, 'unit')}, ${attr(scale, 'value')} ${attr(scale, 'unit')})`);
    }
    const raw = parseDigits(fileName, lead, digits);
    const samples = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) samples[i] = (offset + (raw[i] as number) * step) / divisor;
    channels.push({ label: lead, samples: asMillivolts(samples) });
  }
  if (fs === undefined || !Number.isFinite(fs)) throw new EinthovenError('E_FORMAT', `${fileName}: ${kind} series has no usable time increment`);
  // Leads of unequal length are padded with missing samples rather than truncated.
  const length = Math.max(0, ...channels.map((c) => c.samples.length));
  checkSignalSize(fileName, channels.length, length);
  const padded = channels.map((c) => {
    if (c.samples.length === length) return c;
    warnings.push(`${c.label}: ${c.samples.length} of ${length} samples in the ${kind} series; the rest is marked missing`);
    const samples = new Float32Array(length).fill(Number.NaN);
    samples.set(c.samples);
    return { label: c.label, samples: asMillivolts(samples) };
  });
  return { fs, channels: padded, warnings };
}

function patientOf(root: XmlNode): PatientInfo {
  const subject = child(child(child(child(child(root, 'componentOf'), 'timepointEvent'), 'componentOf'), 'subjectAssignment'), 'subject');
  const trialSubject = child(subject, 'trialSubject');
  const person = child(trialSubject, 'subjectDemographicPerson');
  const patient: PatientInfo = {};
  const id = attr(child(trialSubject, 'id'), 'extension');
  if (id) patient.id = id;
  const name = text(person, 'name');
  if (name) patient.name = name;
  const sex = attr(child(person, 'administrativeGenderCode'), 'code');
  if (sex) patient.sex = sex === 'M' ? 'M' : sex === 'F' ? 'F' : 'U';
  const birth = hl7Time(attr(child(person, 'birthTime'), 'value'));
  if (birth) patient.birthDate = birth.slice(0, 10);
  return patient;
}

const codeOf = (series: XmlNode) => attr(child(series, 'code'), 'code') ?? '';

/** Reads an HL7 aECG (FDA annotated ECG) file: the RHYTHM series, plus the REPRESENTATIVE_BEAT series when present. */
export function readAecg(file: SourceFile): EcgRecord {
  const doc = parseXml(file.name, file.bytes, ['component', 'series', 'derivation']);
  const root = child(doc, 'AnnotatedECG');
  if (!root) throw new EinthovenError('E_FORMAT', `${file.name}: no <AnnotatedECG> element`);
  const allSeries = asNodes(children(root, 'component')).flatMap((c) => asNodes(children(c, 'series')));
  const rhythm = allSeries.find((s) => codeOf(s) === 'RHYTHM') ?? allSeries[0];
  if (!rhythm) throw new EinthovenError('E_FORMAT', `${file.name}: aECG without a waveform series`);
  const signals = readSeries(file.name, rhythm, 'rhythm');
  if (signals.channels.length === 0) throw new EinthovenError('E_FORMAT', `${file.name}: the rhythm series holds no lead`);
  const derived = [...allSeries, ...asNodes(children(rhythm, 'derivation')).map((d) => child(d, 'derivedSeries')).filter((s): s is XmlNode => s !== undefined)];
  const beatSeries = derived.find((s) => codeOf(s) === 'REPRESENTATIVE_BEAT');
  const beat = beatSeries ? readSeries(file.name, beatSeries, 'representative beat') : undefined;
  const representativeBeat: BeatParts | undefined = beat && beat.channels.length > 0 ? { fs: beat.fs, channels: beat.channels } : undefined;
  const effective = child(rhythm, 'effectiveTime') ?? child(root, 'effectiveTime');
  const startTime = hl7Time(attr(child(effective, 'low'), 'value') ?? attr(child(effective, 'center'), 'value'));
  return buildRecord({
    fileName: file.name,
    fs: signals.fs,
    channels: signals.channels,
    source: { format: 'hl7-aecg' },
    patient: patientOf(root),
    statements: aecgStatements(rhythm),
    deviceMeasurements: aecgMeasurements([rhythm, ...derived]),
    warnings: [...signals.warnings, ...(beat?.warnings ?? [])],
    ...(startTime ? { startTime } : {}),
    ...(representativeBeat ? { representativeBeat } : {}),
  });
}
