import type { PatientInfo } from '../record';
import type { WfdbHeader } from './header';

/** Base time "hh:mm:ss[.ms]" + date "dd/mm/yyyy" → ISO local time; undefined without a date. */
export function wfdbStartTime(header: WfdbHeader): string | undefined {
  const time = /^(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(header.baseTime ?? '');
  const date = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(header.baseDate ?? '');
  if (!time || !date) return undefined;
  const pad = (s: string | undefined) => (s ?? '').padStart(2, '0');
  return `${date[3]}-${pad(date[2])}-${pad(date[1])}T${pad(time[1])}:${time[2]}:${time[3]}${time[4] ?? ''}`;
}

function parseSex(text: string): PatientInfo['sex'] {
  const first = text.trim().charAt(0).toUpperCase();
  return first === 'M' ? 'M' : first === 'F' ? 'F' : 'U';
}

const identityField = { 'Patient ID': 'id', Name: 'name', 'Birth date': 'birthDate' } as const;

/**
 * Demographics and statements from header comments: CinC `# Age: 59` / `# Sex: Female` /
 * `# Dx: codes`, LUDB/PTB `<age>: 51` and the lines after `<diagnoses>:`, and our identified
 * export's `# Patient ID:`, `# Name:` and `# Birth date:`.
 */
export function wfdbCommentMetadata(comments: readonly string[]): { patient: PatientInfo; statements: string[] } {
  const patient: PatientInfo = {};
  const statements: string[] = [];
  let inDiagnoses = false;
  for (const comment of comments) {
    const age = /(?:^|[\s<])age>?\s*:\s*(\d+(?:\.\d+)?)/i.exec(comment) ?? /^age>?\s*:\s*(\d+(?:\.\d+)?)/i.exec(comment.replace(/^</, ''));
    if (age && patient.ageYears === undefined) patient.ageYears = Number(age[1]);
    const sex = /(?:^|[\s<])sex>?\s*:\s*([A-Za-z]+)/i.exec(comment) ?? /^sex>?\s*:\s*([A-Za-z]+)/i.exec(comment.replace(/^</, ''));
    if (sex?.[1] !== undefined && patient.sex === undefined) patient.sex = parseSex(sex[1]);
    // Written by our identified export (core/formats/wfdb/write.ts), so that it reads back whose tracing it is.
    const identity = /^(Patient ID|Name|Birth date)\s*:\s*(.+)$/.exec(comment);
    if (identity?.[2] !== undefined) patient[identityField[identity[1] as keyof typeof identityField]] ??= identity[2].trim();
    if (/^Dx\s*:/i.test(comment)) statements.push(comment);
    else if (/^Statement\s*:/.test(comment)) statements.push(comment.replace(/^Statement\s*:\s*/, ''));
    if (inDiagnoses && comment !== '' && !/^<\w+>\s*:/.test(comment)) statements.push(comment);
    if (/^<diagnoses>\s*:\s*$/i.test(comment)) inDiagnoses = true;
    else if (/^<\w+>\s*:/.test(comment)) inDiagnoses = false;
  }
  return { patient, statements };
}

/** Factor from a WFDB units string to mV; undefined for non-voltage units (NU, mmHg, …). */
export function millivoltsPerUnit(units: string): number | undefined {
  const u = units.trim();
  if (/^mv$/i.test(u)) return 1;
  if (/^(uv|µv|μv)$/i.test(u)) return 1e-3;
  if (/^nv$/i.test(u)) return 1e-6;
  if (u === 'V') return 1000;
  return undefined;
}
