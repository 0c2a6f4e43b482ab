import { EinthovenError } from '../../errors';
import { limits } from '../limits';

/** One signal line of a WFDB header. */
export interface WfdbSignalSpec {
  readonly fileName: string;
  readonly format: number;
  readonly samplesPerFrame: number;
  readonly skew: number;
  readonly byteOffset: number;
  /** ADC units per physical unit. */
  readonly gain: number;
  readonly baseline: number;
  readonly units: string;
  readonly adcResolution: number;
  readonly adcZero: number;
  readonly initialValue: number;
  readonly checksum?: number;
  readonly description: string;
}

export interface WfdbHeader {
  readonly recordName: string;
  readonly nSignals: number;
  /** Frame rate (Hz). */
  readonly fs: number;
  /** Samples per signal (frames); undefined when the header omits it. */
  readonly nSamples?: number;
  readonly baseTime?: string;
  readonly baseDate?: string;
  readonly signals: readonly WfdbSignalSpec[];
  readonly comments: readonly string[];
  /** Multi-segment records (`name/nseg`): the segments in order; '~' is a gap of missing samples. */
  readonly segments?: readonly WfdbSegment[];
}

export interface WfdbSegment {
  readonly name: string;
  readonly nSamples: number;
}

/** More segments than any real recording (MIMIC's longest have a few thousand); guards the loop below. */
const maxSegments = 100_000;

export const supportedWfdbFormats = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, 516, 524] as const;
/** WFDB's default gain when the field is absent or 0. */
const defaultGain = 200;

function fail(name: string, why: string): never {
  throw new EinthovenError('E_FORMAT', `${name}: invalid WFDB header — ${why}`);
}

function parseNumber(name: string, text: string, what: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) fail(name, `${what} '${text}' is not a number`);
  return value;
}

function parseRecordLine(name: string, line: string) {
  const [recordField = '', nsig = '', fsField, nsamp, time, date] = line.trim().split(/\s+/);
  const [nameField = '', segmentField] = recordField.split('/');
  const nSegments = segmentField === undefined ? undefined : parseNumber(name, segmentField, 'number of segments');
  if (nSegments !== undefined && !(Number.isInteger(nSegments) && nSegments >= 1 && nSegments <= maxSegments)) fail(name, `number of segments '${segmentField}'`);
  const nSignals = parseNumber(name, nsig, 'number of signals');
  if (!Number.isInteger(nSignals) || nSignals < 0) fail(name, `number of signals '${nsig}'`);
  if (nSignals > limits.maxLeads) throw new EinthovenError('E_TOO_LARGE', `${name}: ${nSignals} signals exceed the limit of ${limits.maxLeads}`);
  // fs may carry "/counter frequency" and "(base counter)".
  const fs = fsField === undefined ? 250 : parseNumber(name, fsField.split(/[/(]/)[0] ?? '', 'sampling frequency');
  if (!(fs >= limits.minFs && fs <= limits.maxFs)) fail(name, `sampling frequency ${fs} Hz is impossible for an ECG (accepted: ${limits.minFs} Hz to ${limits.maxFs / 1000} kHz; an empty field shifts the next one into its place)`);
  const nSamples = nsamp === undefined ? undefined : parseNumber(name, nsamp, 'number of samples');
  if (nSamples !== undefined && (!Number.isInteger(nSamples) || nSamples < 0)) fail(name, `number of samples '${nsamp}'`);
  return { recordName: nameField, nSignals, fs, nSamples: nSamples || undefined, baseTime: time, baseDate: date, nSegments };
}

/** Segment lines of a multi-segment header: "segment-name samples" each. */
function parseSegmentLine(name: string, line: string): WfdbSegment {
  const [segment = '', count = ''] = line.trim().split(/\s+/);
  const nSamples = parseNumber(name, count, `length of segment ${segment}`);
  if (!Number.isInteger(nSamples) || nSamples < 0 || /[/\\]|^\.\.?$/.test(segment)) fail(name, `segment line '${line}'`);
  return { name: segment, nSamples };
}

/** "16", "16x1+24", "212x4:2+100" → format, samples per frame, skew, byte offset. */
function parseFormatField(name: string, field: string) {
  const match = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(field);
  if (!match) fail(name, `signal format '${field}'`);
  const format = Number(match[1]);
  if (!(supportedWfdbFormats as readonly number[]).includes(format)) {
    throw new EinthovenError('E_UNSUPPORTED', `${name}: WFDB signal format ${format} is not supported`);
  }
  const samplesPerFrame = match[2] === undefined ? 1 : Number(match[2]);
  if (samplesPerFrame < 1 || samplesPerFrame > 1024) fail(name, `samples per frame ${samplesPerFrame}`);
  return { format, samplesPerFrame, skew: Number(match[3] ?? 0), byteOffset: Number(match[4] ?? 0) };
}

/** "1716(6)/mV", "200", "1.052e+04/NU", "1000.0(0)/mv" → gain, baseline, units. */
function parseGainField(name: string, field: string | undefined, adcZero: number) {
  if (field === undefined) return { gain: defaultGain, baseline: adcZero, units: 'mV' };
  const match = /^([-+0-9.eE]+)(?:\(([-+0-9]+)\))?(?:\/(\S+))?$/.exec(field);
  if (!match) fail(name, `gain '${field}'`);
  const gain = parseNumber(name, match[1] ?? '', 'gain');
  const baseline = match[2] === undefined ? adcZero : parseNumber(name, match[2], 'baseline');
  return { gain: gain === 0 ? defaultGain : gain, baseline, units: match[3] ?? 'mV' };
}

function parseSignalLine(name: string, line: string): WfdbSignalSpec {
  const fields = line.trim().split(/\s+/);
  const [fileName = '', formatField = '', gainField, adcres, adczero, init, checksum, _blockSize, ...desc] = fields;
  const adcZero = adczero === undefined ? 0 : parseNumber(name, adczero, 'ADC zero');
  return {
    fileName,
    ...parseFormatField(name, formatField),
    ...parseGainField(name, gainField, adcZero),
    adcResolution: adcres === undefined ? 0 : parseNumber(name, adcres, 'ADC resolution'),
    adcZero,
    initialValue: init === undefined ? 0 : parseNumber(name, init, 'initial value'),
    ...(checksum === undefined ? {} : { checksum: parseNumber(name, checksum, 'checksum') }),
    description: desc.join(' '),
  };
}

/** Parses a WFDB .hea text with its quirks: TABs, leading comments/blank lines, unsigned checksums, missing fields. */
export function parseWfdbHeader(name: string, text: string): WfdbHeader {
  const comments: string[] = [];
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const hash = raw.indexOf('#');
    if (hash >= 0) comments.push(raw.slice(hash + 1).trim());
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content !== '') lines.push(content);
  }
  const [recordLine, ...signalLines] = lines;
  if (recordLine === undefined) fail(name, 'no record line');
  const { nSegments, ...record } = parseRecordLine(name, recordLine);
  if (nSegments !== undefined) {
    if (signalLines.length < nSegments) fail(name, `declares ${nSegments} segments but has ${signalLines.length} segment lines`);
    return { ...record, signals: [], comments, segments: signalLines.slice(0, nSegments).map((line) => parseSegmentLine(name, line)) };
  }
  if (signalLines.length < record.nSignals) fail(name, `declares ${record.nSignals} signals but has ${signalLines.length} signal lines`);
  const signals = signalLines.slice(0, record.nSignals).map((line) => parseSignalLine(name, line));
  return { ...record, signals, comments };
}

/** Cheap content test: does this text look like a WFDB header's record line? */
export function looksLikeWfdbHeader(text: string): boolean {
  for (const raw of text.split(/\r?\n/, 50)) {
    const content = raw.replace(/#.*/, '').trim();
    if (content === '') continue;
    return /^[^\s/]+(\/\d+)?\s+\d+(\s+[0-9.eE+]+(\/[0-9.eE+]+)?(\([-0-9.]+\))?)?(\s+\d+)?(\s|$)/.test(content);
  }
  return false;
}
