import type { EcgRecord } from '../record';

/**
 * One text cell per RFC 4180: quoted when it holds a comma, a quote, a line break or edge
 * spaces (quotes doubled). A cell a spreadsheet would run as a formula (= + - @, or a leading
 * tab or CR) gets a leading apostrophe, which spreadsheets hide and our reader removes. Line
 * breaks inside a label become spaces: a label is one line.
 */
export function csvTextCell(text: string): string {
  let cell = text.replace(/[\r\n]+/g, ' ');
  if (/^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Undoes csvTextCell's formula guard on a label read back. */
export const unguardCsvLabel = (label: string) => label.replace(/^'(?=[=+\-@\t\r])/, '');

/**
 * Writes a record as CSV: a `time (s)` column then one `<lead> (mV)` column per lead, values
 * in shortest round-trip form (so reading back gives the same Float32 bits), NaN as empty.
 * Header cells are quoted and formula-guarded (csvTextCell); values are plain numbers.
 */
export function writeCsv(record: EcgRecord): string {
  const header = ['time (s)', ...record.leads.map((l) => `${l.name} (mV)`)].map(csvTextCell).join(',');
  const lines = [header];
  for (let i = 0; i < record.nSamples; i++) {
    const cells = [String(i / record.fs)];
    for (const lead of record.leads) {
      const v = lead.samples[i] as number;
      cells.push(Number.isNaN(v) ? '' : Object.is(v, -0) ? '-0' : String(v));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
