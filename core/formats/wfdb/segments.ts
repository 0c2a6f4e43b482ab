import { EinthovenError } from '../../errors';
import { buildRecord, type Channel } from '../build';
import { checkSignalSize } from '../limits';
import { asMillivolts, type EcgRecord, type SourceFile } from '../record';
import { decodeLatin1 } from '../text';
import { parseWfdbHeader, type WfdbHeader } from './header';
import { wfdbCommentMetadata, wfdbStartTime } from './metadata';
import { readWfdbChannels, readWfdbRecord, type SignalFileResolver } from './read';

const gap = '~';

/** Segment header names a multi-segment master needs (its layout header included), gaps excluded. */
export function segmentHeaderNames(header: WfdbHeader): string[] {
  return (header.segments ?? []).filter((s) => s.name !== gap).map((s) => `${s.name}.hea`);
}

function segmentHeader(master: SourceFile, name: string, resolve: SignalFileResolver): { file: SourceFile; parsed: WfdbHeader } {
  const file = resolve(`${name}.hea`);
  if (!file) throw new EinthovenError('E_NOT_FOUND', `${master.name}: segment header ${name}.hea named in the master header is missing`);
  return { file, parsed: parseWfdbHeader(file.name, decodeLatin1(file.bytes)) };
}

/**
 * Reads a multi-segment WFDB record (`name/nseg`): segments are concatenated in order, '~'
 * segments are gaps of missing samples, and a first segment of length 0 is the layout header
 * whose signal names fix the record's signals (variable layout: a segment may lack a signal,
 * which is then missing there). Every segment must share the master's sampling rate.
 */
export function readMultiSegment(master: SourceFile, header: WfdbHeader, resolve: SignalFileResolver): EcgRecord {
  const segments = header.segments ?? [];
  const hasLayout = segments[0] !== undefined && segments[0].nSamples === 0 && segments[0].name !== gap;
  const body = hasLayout ? segments.slice(1) : segments;
  const total = body.reduce((sum, s) => sum + s.nSamples, 0);
  checkSignalSize(master.name, header.nSignals, total);
  const warnings: string[] = [];
  const pieces: { start: number; channels: Channel[] }[] = [];
  let labels: string[] | undefined = hasLayout ? segmentHeader(master, segments[0]!.name, resolve).parsed.signals.map((s, i) => s.description || `signal ${i}`) : undefined;
  let start = 0;
  for (const segment of body) {
    if (segment.name !== gap) {
      const { file, parsed } = segmentHeader(master, segment.name, resolve);
      if (Math.abs(parsed.fs - header.fs) > 1e-9 * header.fs) {
        throw new EinthovenError('E_UNSUPPORTED', `${master.name}: segment ${segment.name} is sampled at ${parsed.fs} Hz, the record at ${header.fs} Hz`);
      }
      const read = readWfdbChannels(file, resolve, parsed);
      if (read.nSamples !== segment.nSamples) warnings.push(`segment ${segment.name} holds ${read.nSamples} samples, the master says ${segment.nSamples}`);
      warnings.push(...read.warnings.map((w) => `segment ${segment.name}: ${w}`));
      labels ??= read.channels.map((c) => c.label);
      pieces.push({ start, channels: read.channels.map((c) => ({ label: c.label, samples: asMillivolts(c.samples.subarray(0, Math.min(read.nSamples, segment.nSamples))) })) });
    }
    start += segment.nSamples;
  }
  if (!labels || labels.length === 0) throw new EinthovenError('E_FORMAT', `${master.name}: multi-segment record without any signal`);
  const channels = labels.map((label) => {
    const samples = new Float32Array(total).fill(Number.NaN);
    for (const piece of pieces) {
      const match = piece.channels.find((c) => c.label === label);
      if (match) samples.set(match.samples, piece.start);
    }
    return { label, samples: asMillivolts(samples) };
  });
  for (const piece of pieces) {
    for (const c of piece.channels) if (!labels.includes(c.label)) warnings.push(`signal ${c.label} is not in the record's layout; ignored`);
  }
  const { patient, statements } = wfdbCommentMetadata(header.comments);
  const startTime = wfdbStartTime(header);
  return buildRecord({
    fileName: master.name,
    fs: header.fs,
    channels,
    source: { format: 'wfdb', version: `multi-segment (${body.length} segments)` },
    patient,
    statements,
    warnings: [...new Set(warnings)],
    ...(startTime !== undefined ? { startTime } : {}),
  });
}

/** Any WFDB header: single-segment or multi-segment. */
export function readWfdb(headerFile: SourceFile, resolve: SignalFileResolver, parsed?: WfdbHeader): EcgRecord {
  const header = parsed ?? parseWfdbHeader(headerFile.name, decodeLatin1(headerFile.bytes));
  return header.segments ? readMultiSegment(headerFile, header, resolve) : readWfdbRecord(headerFile, resolve, header);
}
