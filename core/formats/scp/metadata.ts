import type { ByteReader } from '../binary';
import type { PatientInfo } from '../record';
import { decodeLatin1 } from '../text';

/** Section 1 tags used here (EN 1064 §5.4): names, id, age, birth date, sex, acquisition date/time, device. */
const tag = { lastName: 0, firstName: 1, patientId: 2, age: 4, birthDate: 5, sex: 8, device: 14, date: 25, time: 26 } as const;
const terminator = 255;

export interface ScpDemographics {
  patient: PatientInfo;
  startTime?: string;
  device?: string;
}

const text = (value: Uint8Array) => decodeLatin1(value).replace(/\0[\s\S]*$/, '').trim();
const pad = (n: number) => String(n).padStart(2, '0');

/** Parses the tag-length-value list of section 1; unknown tags are skipped, a bad length stops the list. */
export function parseDemographics(body: ByteReader | undefined): ScpDemographics {
  const out: ScpDemographics = { patient: {} };
  if (!body) return out;
  const names: string[] = [];
  let date: string | undefined;
  let time: string | undefined;
  for (let at = 0; at + 3 <= body.length; ) {
    const id = body.u8(at, 'tag');
    if (id === terminator) break;
    const length = body.u16(at + 1, 'tag length');
    if (at + 3 + length > body.length) break;
    const value = body.slice(at + 3, length, 'tag value');
    at += 3 + length;
    if (id === tag.lastName || id === tag.firstName) {
      if (text(value)) names[id === tag.firstName ? 0 : 1] = text(value);
    } else if (id === tag.patientId && text(value)) out.patient.id = text(value);
    else if (id === tag.age && length >= 3) {
      const age = value[0]! | (value[1]! << 8);
      if (value[2] === 1 && age > 0) out.patient.ageYears = age;
    } else if (id === tag.birthDate && length >= 4) {
      const year = value[0]! | (value[1]! << 8);
      if (year > 0 && value[2]! >= 1 && value[2]! <= 12 && value[3]! >= 1 && value[3]! <= 31) out.patient.birthDate = `${year}-${pad(value[2]!)}-${pad(value[3]!)}`;
    } else if (id === tag.sex && length >= 1) {
      out.patient.sex = value[0] === 1 ? 'M' : value[0] === 2 ? 'F' : 'U';
    } else if (id === tag.device && length > 0) {
      // Acquiring device: the 6-byte model description follows 8 bytes of numeric ids.
      const model = length >= 14 ? text(value.subarray(8, 14)) : '';
      if (model) out.device = model;
    } else if (id === tag.date && length >= 4) {
      const year = value[0]! | (value[1]! << 8);
      if (year > 0) date = `${year}-${pad(value[2]!)}-${pad(value[3]!)}`;
    } else if (id === tag.time && length >= 3) {
      time = `${pad(value[0]!)}:${pad(value[1]!)}:${pad(value[2]!)}`;
    }
  }
  const name = names.filter(Boolean).join(' ');
  if (name) out.patient.name = name;
  if (date && time) out.startTime = `${date}T${time}`;
  else if (date) out.startTime = date;
  return out;
}

/**
 * Interpretive statements of section 8 (full text) or 11 (universal statement codes):
 * a 7-byte date/time and a count, then per statement sequence number, length and text.
 * In section 11 each text starts with a type byte and may hold several NUL-separated parts.
 */
export function parseStatements(body: ByteReader | undefined, universal: boolean): string[] {
  if (!body || body.length < 9) return [];
  const count = body.u8(8, 'number of statements');
  const statements: string[] = [];
  for (let at = 9, k = 0; k < count && at + 3 <= body.length; k++) {
    const length = body.u16(at + 1, 'statement length');
    if (at + 3 + length > body.length) break;
    const value = body.slice(at + 3, length, 'statement');
    at += 3 + length;
    const parts = decodeLatin1(universal ? value.subarray(1) : value)
      .split('\0')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length > 0) statements.push(parts.join('; '));
  }
  return statements;
}
