import { EinthovenError } from '../../errors';
import { buildRecord, type Channel } from '../build';
import { checkSignalSize } from '../limits';
import { asMillivolts, type EcgRecord, type SourceFile } from '../record';
import { decodeLatin1 } from '../text';
import { parseWfdbHeader, type WfdbHeader, type WfdbSignalSpec } from './header';
import { millivoltsPerUnit, wfdbCommentMetadata, wfdbStartTime } from './metadata';
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
  throw new EinthovenError('E_NOT_FOUND', `${headerName}: signal file ${fileName} named in the header is missing`);
}

/** Decodes one signal file into per-signal ADC arrays (frames × samples-per-frame). */
function decodeGroup(headerName: string, header: WfdbHeader, group: FileGroup, file: SourceFile): { nFrames: number; adc: Int32Array[] } {
  const format = group.members[0]!.spec.format;
  if (group.members.some((m) => m.spec.format !== format)) {
    throw new EinthovenError('E_FORMAT', `${headerName}: signals in ${group.fileName} mix formats`);
  }
  const offset = group.members[0]!.spec.byteOffset;
  const frameSamples = group.members.reduce((sum, m) => sum + m.spec.samplesPerFrame, 0);
  const available = offset > file.bytes.length ? 0 : samplesInBytes(format, file.bytes.length - offset);
  const nFrames = header.nSamples ?? Math.floor(available / frameSamples);
  checkSignalSize(headerName, header.nSignals, nFrames * Math.max(...group.members.map((m) => m.spec.samplesPerFrame)));
  if (nFrames * frameSamples > available) {
    throw new EinthovenError('E_FORMAT', `${file.name}: truncated — header declares ${nFrames} samples per signal but the file holds ${Math.floor(available / frameSamples)}`);
  }
  const stream = decodeSampleStream(file.bytes, offset, format, nFrames * frameSamples);
  let position = 0;
  const adc = group.members.map(({ spec }) => {
    const spf = spec.samplesPerFrame;
    const out = new Int32Array(nFrames * spf);
    for (let f = 0, src = position; f < nFrames; f++, src += frameSamples) {
      for (let j = 0; j < spf; j++) out[f * spf + j] = stream[src + j] as number;
    }
    position += spf;
    if (format === 8) integrateFirstDifferences(out, spec.initialValue);
    return out;
  });
  return { nFrames, adc };
}

function integrateFirstDifferences(values: Int32Array, initial: number): void {
  let previous = initial;
  for (let i = 0; i < values.length; i++) {
    previous += values[i] as number;
    values[i] = previous;
  }
}

function checksumMatches(adc: Int32Array, checksum: number): boolean {
  let sum = 0;
  for (let i = 0; i < adc.length; i++) sum = (sum + (adc[i] as number)) % 65536;
  return (((sum - checksum) % 65536) + 65536) % 65536 === 0;
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

/** Reads a WFDB record: the .hea text plus the signal files it names. */
export function readWfdbRecord(headerFile: SourceFile, resolve: SignalFileResolver): EcgRecord {
  const header = parseWfdbHeader(headerFile.name, decodeLatin1(headerFile.bytes));
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
      const adc = decoded.adc[k]!;
      const label = spec.description || `signal ${index}`;
      if (spec.checksum !== undefined && header.nSamples !== undefined && !checksumMatches(adc, spec.checksum)) {
        warnings.push(`${label}: checksum mismatch (file may be corrupt)`);
      }
      if (spec.skew !== 0) warnings.push(`${label}: skew ${spec.skew} ignored`);
      if (spec.samplesPerFrame > 1) warnings.push(`${label}: ${spec.samplesPerFrame} samples per frame averaged to ${header.fs} Hz`);
      const scale = millivoltsPerUnit(spec.units);
      if (scale === undefined) warnings.push(`${label}: units '${spec.units}' are not a voltage; values kept in ${spec.units}`);
      channels[index] = { label, samples: asMillivolts(toMillivolts(spec, adc, decoded.nFrames, scale ?? 1)) };
    });
  }
  const formats = [...new Set(header.signals.map((s) => s.format))].join(',');
  const { patient, statements } = wfdbCommentMetadata(header.comments);
  const startTime = wfdbStartTime(header);
  return buildRecord({
    fileName: headerFile.name,
    fs: header.fs,
    channels: channels.filter((c): c is Channel => c !== undefined),
    source: { format: 'wfdb', version: `format ${formats}` },
    patient,
    statements,
    warnings,
    ...(startTime !== undefined ? { startTime } : {}),
  });
}
