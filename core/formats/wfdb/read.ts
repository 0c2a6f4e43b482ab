import { EinthovenError } from '../../errors';
import { decodeFlacSignals } from './flac';
import { buildRecord, type Channel } from '../build';
import { checkSignalSize } from '../limits';
import { asMillivolts, type EcgRecord, type SourceFile } from '../record';
import { decodeLatin1 } from '../text';
import { parseWfdbHeader, type WfdbHeader, type WfdbSignalSpec } from './header';
import { millivoltsPerUnit, wfdbCommentMetadata, wfdbStartTime } from './metadata';
import { readFormat16Frames, type DecodedSignal } from './fast16';
import { decodeSampleStream, invalidSampleValue, samplesInBytes } from './samples';

/** Looks up a signal file named in the header (relative to the header's folder). */
export type SignalFileResolver = (name: string) => SourceFile | undefined;

interface FileGroup {
  readonly fileName: string;
  readonly members: { spec: WfdbSignalSpec; index: number }[];
}

function groupByFile(header: WfdbHeader): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  header.signals.forEach((spec, index) => {
    const group = groups.get(spec.fileName) ?? { fileName: spec.fileName, members: [] };
    group.members.push({ spec, index });
    groups.set(spec.fileName, group);
  });
  return [...groups.values()];
}

/** The header's record name may differ from the file stem (LUDB: record `1` in ludb-ecg.hea). */
function resolveSignalFile(headerName: string, header: WfdbHeader, fileName: string, resolve: SignalFileResolver, warnings: string[]) {
  const direct = resolve(fileName);
  if (direct) return direct;
  const stem = headerName.replace(/^.*\//, '').replace(/\.hea$/i, '');
  if (header.recordName !== stem && fileName.startsWith(header.recordName)) {
    const renamed = stem + fileName.slice(header.recordName.length);
    const file = resolve(renamed);
    if (file) {
      warnings.push(`header names record '${header.recordName}' and file ${fileName}; read ${renamed} instead`);
      return file;
    }
  }
  // Only files beside the header are read: a name with a folder in it (../x.dat, /etc/passwd) is refused as such, not called missing.
  if (/[\\/]/.test(fileName)) throw new EinthovenError('E_FORBIDDEN', `${headerName}: signal file ${fileName} named in the header lies outside the header's folder; only files beside the header are read`);
  throw new EinthovenError('E_NOT_FOUND', `${headerName}: signal file ${fileName} named in the header is missing`);
}

/** Decodes one signal file into per-signal physical samples and ADC sums (for the checksums). */
function decodeGroup(headerName: string, header: WfdbHeader, group: FileGroup, file: SourceFile): { nFrames: number; signals: DecodedSignal[] } {
  const format = group.members[0]!.spec.format;
  if (group.members.some((m) => m.spec.format !== format)) {
    throw new EinthovenError('E_FORMAT', `${headerName}: signals in ${group.fileName} mix formats`);
  }
  if (format === 508 || format === 516 || format === 524) return decodeFlacGroup(headerName, header, group, file, format);
  const offset = group.members[0]!.spec.byteOffset;
  const frameSamples = group.members.reduce((sum, m) => sum + m.spec.samplesPerFrame, 0);
  const available = offset > file.bytes.length ? 0 : samplesInBytes(format, file.bytes.length - offset);
  const nFrames = header.nSamples ?? Math.floor(available / frameSamples);
  checkSignalSize(headerName, header.nSignals, nFrames * Math.max(...group.members.map((m) => m.spec.samplesPerFrame)));
  if (nFrames * frameSamples > available) {
    throw new EinthovenError('E_FORMAT', `${file.name}: truncated — header declares ${nFrames} samples per signal but the file holds ${Math.floor(available / frameSamples)}`);
  }
  const members = group.members.map(({ spec }) => ({ spec, scale: millivoltsPerUnit(spec.units) ?? 1 }));
  if (format === 16 && frameSamples === group.members.length) return { nFrames, signals: readFormat16Frames(file.bytes, offset, nFrames, members) };
  const stream = decodeSampleStream(file.bytes, offset, format, nFrames * frameSamples);
  let position = 0;
  const signals = members.map(({ spec, scale }) => {
    const adc = deinterleave(stream, position, spec.samplesPerFrame, frameSamples, nFrames);
    position += spec.samplesPerFrame;
    if (format === 8) integrateFirstDifferences(adc, spec.initialValue);
    let adcSum = 0;
    for (let i = 0; i < adc.length; i++) adcSum += adc[i] as number;
    return { samples: toMillivolts(spec, adc, nFrames, scale), adcSum };
  });
  return { nFrames, signals };
}

/** A FLAC signal file (formats 508/516/524): one channel per signal, one sample per frame. */
function decodeFlacGroup(headerName: string, header: WfdbHeader, group: FileGroup, file: SourceFile, format: 508 | 516 | 524): { nFrames: number; signals: DecodedSignal[] } {
  if (group.members.some((m) => m.spec.samplesPerFrame !== 1)) throw new EinthovenError('E_UNSUPPORTED', `${headerName}: FLAC signals with several samples per frame are not supported`);
  const channels = decodeFlacSignals(file.name, file.bytes, format, group.members.length);
  const available = Math.min(...channels.map((c) => c.length));
  const nFrames = header.nSamples ?? available;
  checkSignalSize(headerName, header.nSignals, nFrames);
  if (nFrames > available) throw new EinthovenError('E_FORMAT', `${file.name}: truncated — header declares ${nFrames} samples per signal but the FLAC stream holds ${available}`);
  const signals = group.members.map(({ spec }, k) => {
    const adc = (channels[k] as Int32Array).subarray(0, nFrames);
    let adcSum = 0;
    for (let i = 0; i < adc.length; i++) adcSum += adc[i] as number;
    return { samples: toMillivolts(spec, adc, nFrames, millivoltsPerUnit(spec.units) ?? 1), adcSum };
  });
  return { nFrames, signals };
}

/** One signal's samples out of the interleaved frame stream (the one-sample-per-frame loop is the hot path). */
function deinterleave(stream: Int32Array, first: number, spf: number, frameSamples: number, nFrames: number): Int32Array {
  const out = new Int32Array(nFrames * spf);
  if (spf === 1) {
    for (let f = 0, src = first; f < nFrames; f++, src += frameSamples) out[f] = stream[src] as number;
    return out;
  }
  for (let f = 0, src = first; f < nFrames; f++, src += frameSamples) {
    for (let j = 0; j < spf; j++) out[f * spf + j] = stream[src + j] as number;
  }
  return out;
}

function integrateFirstDifferences(values: Int32Array, initial: number): void {
  let previous = initial;
  for (let i = 0; i < values.length; i++) {
    previous += values[i] as number;
    values[i] = previous;
  }
}

/** WFDB checksums are the 16-bit sum of the samples (some writers print it unsigned): compare modulo 65536. */
function checksumMatches(adcSum: number, checksum: number): boolean {
  return (((adcSum - checksum) % 65536) + 65536) % 65536 === 0;
}

/** ADC → mV with gain, baseline and units; multi-sample frames are averaged (as wfdb smooth_frames). */
function toMillivolts(spec: WfdbSignalSpec, adc: Int32Array, nFrames: number, scale: number): Float32Array {
  const invalid = invalidSampleValue[spec.format];
  const spf = spec.samplesPerFrame;
  const out = new Float32Array(nFrames);
  const { baseline, gain } = spec;
  if (spf === 1) {
    // Division (not × 1/gain) so values match adcToMillivolts and the writer's exactness check.
    for (let i = 0; i < nFrames; i++) {
      const d = adc[i] as number;
      out[i] = d === invalid ? Number.NaN : ((d - baseline) / gain) * scale;
    }
    return out;
  }
  for (let f = 0; f < nFrames; f++) {
    let sum = 0;
    for (let j = 0; j < spf; j++) {
      const d = adc[f * spf + j] as number;
      sum += d === invalid ? Number.NaN : d;
    }
    out[f] = ((sum / spf - baseline) / gain) * scale;
  }
  return out;
}

/** A single-segment record's signals in header order, before lead naming and derivation. */
export interface WfdbChannels {
  readonly header: WfdbHeader;
  readonly channels: Channel[];
  readonly nSamples: number;
  readonly warnings: string[];
}

/** Decodes every signal a (single-segment) header names, from the signal files the resolver finds. */
export function readWfdbChannels(headerFile: SourceFile, resolve: SignalFileResolver, parsed?: WfdbHeader): WfdbChannels {
  const header = parsed ?? parseWfdbHeader(headerFile.name, decodeLatin1(headerFile.bytes));
  if (header.segments) throw new EinthovenError('E_FORMAT', `${headerFile.name}: a multi-segment header where a segment was expected`);
  const warnings: string[] = [];
  const channels: (Channel | undefined)[] = new Array(header.nSignals);
  let nSamples: number | undefined;
  for (const group of groupByFile(header)) {
    const file = resolveSignalFile(headerFile.name, header, group.fileName, resolve, warnings);
    const decoded = decodeGroup(headerFile.name, header, group, file);
    if (nSamples !== undefined && decoded.nFrames !== nSamples) {
      throw new EinthovenError('E_FORMAT', `${headerFile.name}: signal files hold different lengths (${nSamples} vs ${decoded.nFrames})`);
    }
    nSamples = decoded.nFrames;
    group.members.forEach(({ spec, index }, k) => {
      const signal = decoded.signals[k]!;
      const label = spec.description || `signal ${index}`;
      if (spec.checksum !== undefined && header.nSamples !== undefined && !checksumMatches(signal.adcSum, spec.checksum)) {
        warnings.push(`${label}: checksum mismatch (file may be corrupt)`);
      }
      if (spec.skew !== 0) warnings.push(`${label}: skew ${spec.skew} ignored`);
      if (spec.samplesPerFrame > 1) warnings.push(`${label}: ${spec.samplesPerFrame} samples per frame averaged to ${header.fs} Hz`);
      if (millivoltsPerUnit(spec.units) === undefined) warnings.push(`${label}: units '${spec.units}' are not a voltage; values kept in ${spec.units}`);
      const units = millivoltsPerUnit(spec.units) === undefined ? { units: spec.units } : {};
      channels[index] = { label, samples: asMillivolts(signal.samples), ...units };
    });
  }
  return { header, channels: channels.filter((c): c is Channel => c !== undefined), nSamples: nSamples ?? 0, warnings };
}

/** Reads a single-segment WFDB record: the .hea text (or its already parsed form) plus the signal files it names. */
export function readWfdbRecord(headerFile: SourceFile, resolve: SignalFileResolver, parsed?: WfdbHeader): EcgRecord {
  const { header, channels, warnings } = readWfdbChannels(headerFile, resolve, parsed);
  const formats = [...new Set(header.signals.map((s) => s.format))].join(',');
  const { patient, statements } = wfdbCommentMetadata(header.comments);
  const startTime = wfdbStartTime(header);
  return buildRecord({
    fileName: headerFile.name,
    fs: header.fs,
    channels,
    source: { format: 'wfdb', version: `format ${formats}` },
    patient,
    statements,
    warnings,
    ...(startTime !== undefined ? { startTime } : {}),
  });
}
