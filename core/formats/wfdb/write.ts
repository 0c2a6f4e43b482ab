import { EinthovenError } from '../../errors';
import type { EcgRecord, Lead } from '../record';

/** Gains tried first: those of common sources, so a WFDB/MUSE/SCP record is written losslessly. */
const candidateGains = [1000, 200, 100, 400, 500, 2000, 2500, 4000, 5000, 10000, 20000, 1000 / 4.88, 1000 / 5, 1000 / 2.5, 1000 / 1.25];
const invalid = -32768;

function fitsExactly(samples: Float32Array, gain: number): boolean {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    if (Number.isNaN(v)) continue;
    const d = Math.round(v * gain);
    // Math.fround(d / gain) is exactly what the reader computes.
    if (d <= invalid || d > 32767 || Math.fround(d / gain) !== v) return false;
  }
  return true;
}

/** The gain that reproduces every sample exactly, else the finest that fits int16 (with a warning). */
function chooseGain(lead: Lead): { gain: number; exact: boolean } {
  const exact = candidateGains.find((g) => fitsExactly(lead.samples, g));
  if (exact !== undefined) return { gain: exact, exact: true };
  let maxAbs = 0;
  for (const v of lead.samples) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const gain = maxAbs === 0 ? 1000 : Math.floor(32000 / maxAbs);
  if (!(gain >= 1)) throw new EinthovenError('E_VALIDATION', `lead ${lead.name}: amplitude ${maxAbs} mV is too large for WFDB format 16`);
  return { gain, exact: false };
}

function toAdc(samples: Float32Array, gain: number): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] as number;
    out[i] = Number.isFinite(v) ? Math.max(invalid + 1, Math.min(32767, Math.round(v * gain))) : invalid;
  }
  return out;
}

function checksum(adc: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < adc.length; i++) sum = (sum + (adc[i] as number)) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

/** ISO local time → WFDB "hh:mm:ss dd/mm/yyyy" (fields the record line accepts). */
function baseTime(startTime: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(startTime ?? '');
  return m ? ` ${m[4]}:${m[5]}:${m[6]} ${m[3]}/${m[2]}/${m[1]}` : '';
}

/**
 * A description is the rest of its line after the 8th field, read as Latin-1: no line break,
 * no control character, no '#' (a comment), nothing outside Latin-1 (it would come back as
 * mojibake). Whitespace runs become one space, as the reader joins the fields with one.
 */
export const safeDescription = (text: string) =>
  text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f#]/g, ' ')
    .replace(/[^\u0020-\u00ff]/gu, '?')
    .replace(/\s+/g, ' ')
    .trim() || 'unnamed';
const safeLabel = safeDescription;

/**
 * Writes a record as WFDB format 16 (`<name>.hea` + `<name>.dat`). Derived leads are not
 * stored (the reader derives them again from I and II). Returns the two files' contents and
 * warnings when a lead could not be stored losslessly.
 */
export function writeWfdb16(record: EcgRecord, recordName: string): { header: string; data: Uint8Array; warnings: string[] } {
  if (!/^[\w-]+$/.test(recordName)) throw new EinthovenError('E_VALIDATION', `record name '${recordName}' must be letters, digits, _ or -`);
  const leads = record.leads.filter((l) => !l.derived);
  const warnings: string[] = [];
  const adcs = leads.map((lead) => {
    const { gain, exact } = chooseGain(lead);
    if (!exact) warnings.push(`${lead.name}: quantised to ${(1000 / gain).toPrecision(3)} µV steps`);
    return { lead, gain, adc: toAdc(lead.samples, gain) };
  });
  const data = new Int16Array(leads.length * record.nSamples);
  adcs.forEach(({ adc }, k) => {
    for (let i = 0; i < record.nSamples; i++) data[i * leads.length + k] = adc[i] as number;
  });
  const lines = [`${recordName} ${leads.length} ${record.fs} ${record.nSamples}${baseTime(record.startTime)}`];
  for (const { lead, gain, adc } of adcs) {
    lines.push(`${recordName}.dat 16 ${gain}(0)/mV 16 0 ${adc[0] ?? 0} ${checksum(adc)} 0 ${safeLabel(lead.name)}`);
  }
  const { patient } = record;
  // An identified export must still say whose tracing it is; a de-identified record has none of these.
  if (patient.id) lines.push(`# Patient ID: ${commentText(patient.id)}`);
  if (patient.name) lines.push(`# Name: ${commentText(patient.name)}`);
  if (patient.birthDate) lines.push(`# Birth date: ${commentText(patient.birthDate)}`);
  if (patient.ageYears !== undefined) lines.push(`# Age: ${patient.ageYears}`);
  if (patient.sex === 'M' || patient.sex === 'F') lines.push(`# Sex: ${patient.sex === 'M' ? 'Male' : 'Female'}`);
  for (const statement of record.statements) {
    const line = commentText(statement);
    lines.push(/^Dx\s*:/i.test(line) ? `# ${line}` : `# Statement: ${line}`);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { header: `${lines.join('\n')}\n`, data: bytes, warnings };
}

/** One comment line's text: no line break, nothing outside Latin-1 (the header's encoding). */
function commentText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\u0020-\u00ff]/gu, '?');
}

/** The header's bytes as the reader decodes them (Latin-1). */
export function wfdbHeaderBytes(header: string): Uint8Array {
  return Uint8Array.from(header, (c) => c.charCodeAt(0) & 0xff);
}
