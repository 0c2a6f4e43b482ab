import type { EcgRecord } from '../record';

/**
 * Writes a record as CSV: a `time (s)` column then one `<lead> (mV)` column per lead, values
 * in shortest round-trip form (so reading back gives the same Float32 bits), NaN as empty.
 */
export function writeCsv(record: EcgRecord): string {
  const header = ['time (s)', ...record.leads.map((l) => `${l.name} (mV)`)].join(',');
  const lines = [header];
  for (let i = 0; i < record.nSamples; i++) {
    const cells = [String(i / record.fs)];
    for (const lead of record.leads) {
      const v = lead.samples[i] as number;
      cells.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
