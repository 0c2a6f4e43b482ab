import { EinthovenError } from '../../errors';
import { buildRecord, type BeatParts, type Channel } from '../build';
import { checkSignalSize, limits } from '../limits';
import { asMillivolts, type EcgRecord, type SourceFile } from '../record';
import { parseHuffmanTables, type HuffmanTable } from './huffman';
import { scpLeadName } from './leads';
import { parseDemographics, parseStatements } from './metadata';
import { readScpSections, type ScpSection } from './sections';
import { scpMeasurements } from '../device-measurements';
import { addReferenceBeats, decodeReferenceBeat } from './reference-beat';
import { decodeEncodedSignals } from './signals';

interface LeadSpan {
  readonly id: number;
  /** 1-based first and last sample numbers (section 3). */
  readonly start: number;
  readonly end: number;
}

function parseLeadSpans(fileName: string, section: ScpSection | undefined): { leads: LeadSpan[]; refBeatSubtracted: boolean } {
  if (!section) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG file without section 3 (lead definition)`);
  const body = section.body;
  const count = body.u8(0, 'number of leads');
  const flags = body.u8(1, 'lead flags');
  if (count === 0) throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG section 3 defines no leads`);
  const leads: LeadSpan[] = [];
  for (let k = 0; k < count; k++) {
    const at = 2 + 9 * k;
    const start = body.u32(at, 'lead start');
    const end = body.u32(at + 4, 'lead end');
    if (start < 1 || end < start || end - start + 1 > limits.maxTotalSamples) {
      throw new EinthovenError('E_FORMAT', `${fileName}: SCP-ECG lead ${k + 1} spans samples ${start}–${end}`);
    }
    leads.push({ id: body.u8(at + 8, 'lead id'), start, end });
  }
  return { leads, refBeatSubtracted: (flags & 1) === 1 };
}

function toMillivolts(values: Int32Array, avmNanovolts: number, present: number, length: number, offset: number): Float32Array {
  const out = new Float32Array(length).fill(Number.NaN);
  // Integer product, one division: the correctly rounded mV value (so WFDB export stays lossless).
  for (let i = 0; i < present; i++) out[offset + i] = ((values[i] as number) * avmNanovolts) / 1e6;
  return out;
}

/** Sections 4 + 5 when present; a broken reference beat is fatal only when the rhythm needs it added back. */
function referenceBeatOf(
  fileName: string,
  section4: ScpSection | undefined,
  section5: ScpSection | undefined,
  tables: readonly HuffmanTable[] | undefined,
  nLeads: number,
  required: boolean,
  warnings: string[],
): ReturnType<typeof decodeReferenceBeat> | undefined {
  if (!section4 || !section5) return undefined;
  try {
    return decodeReferenceBeat(fileName, section4, section5, tables, nLeads);
  } catch (error) {
    if (required) throw error;
    warnings.push(`reference beat not read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Reads an SCP-ECG record (EN 1064 / ISO 11073-91064): sections 0–8 and 11 as needed. */
export function readScp(file: SourceFile): EcgRecord {
  const { sections, protocolVersion } = readScpSections(file.name, file.bytes);
  const { leads, refBeatSubtracted } = parseLeadSpans(file.name, sections.get(3));
  const rhythm = sections.get(6);
  if (!rhythm) throw new EinthovenError('E_UNSUPPORTED', `${file.name}: SCP-ECG file without rhythm data (section 6); median-beat-only files are not supported`);
  const first = Math.min(...leads.map((l) => l.start));
  const length = Math.max(...leads.map((l) => l.end)) - first + 1;
  checkSignalSize(file.name, leads.length, length);
  const section2 = sections.get(2);
  const tables = section2 ? parseHuffmanTables(section2.body, 0) : undefined;
  const signals = decodeEncodedSignals(file.name, rhythm, leads.map((l) => l.end - l.start + 1), tables);
  const warnings: string[] = [];
  const reference = referenceBeatOf(file.name, sections.get(4), sections.get(5), tables, leads.length, refBeatSubtracted, warnings);
  const avm = refBeatSubtracted ? addReferenceBeats(file.name, signals, reference, first) : signals.avmNanovolts;
  const representativeBeat: BeatParts | undefined = reference && {
    fs: 1e6 / reference.beat.intervalMicroseconds,
    channels: leads.map((lead, k) => ({ label: scpLeadName(lead.id), samples: asMillivolts(toMillivolts(reference.beat.values[k]!, reference.beat.avmNanovolts, reference.beat.values[k]!.length, reference.beat.values[k]!.length, 0)) })),
  };
  const short = leads.filter((lead, k) => signals.present[k]! < lead.end - lead.start + 1);
  if (short.length > 0) {
    const held = [...new Set(short.map((lead) => signals.present[leads.indexOf(lead)]))].join('/');
    warnings.push(`${short.map((l) => scpLeadName(l.id)).join(',')}: the file holds only ${held} of the declared samples (its byte counts cannot describe more); the rest is marked missing`);
  }
  const channels: Channel[] = leads.map((lead, k) => {
    const present = signals.present[k]!;
    return { label: scpLeadName(lead.id), samples: asMillivolts(toMillivolts(signals.values[k]!, avm, present, length, lead.start - first)) };
  });
  if (leads.some((l) => l.start !== first || l.end - l.start + 1 !== length)) warnings.push('leads were recorded in groups; samples outside each lead’s span are missing');
  const demographics = parseDemographics(sections.get(1)?.body);
  const statements = [...parseStatements(sections.get(8)?.body, false), ...parseStatements(sections.get(11)?.body, true)];
  return buildRecord({
    fileName: file.name,
    fs: 1e6 / signals.intervalMicroseconds,
    channels,
    source: { format: 'scp-ecg', version: `${Math.floor(protocolVersion / 10)}.${protocolVersion % 10}` },
    patient: demographics.patient,
    statements,
    warnings,
    ...(demographics.startTime ? { startTime: demographics.startTime } : {}),
    ...(representativeBeat ? { representativeBeat } : {}),
    deviceMeasurements: scpMeasurements(sections.get(7)?.body, demographics.device),
  });
}
