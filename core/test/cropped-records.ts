import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecordFiles } from '../data/records';
import { asMillivolts } from '../formats/record';
import { writeWfdb16 } from '../formats/wfdb/write';

/**
 * Cuts a WFDB record (a copy of a fixture's: `files` its .hea and .dat) to its first `seconds`,
 * written back in place by the app's own WFDB writer: a real record shorter than the 10 s the
 * PTB-XL fixture holds.
 */
export async function cropWfdbRecord(files: readonly string[], seconds: number): Promise<void> {
  const header = files.find((f) => f.endsWith('.hea'));
  const data = files.find((f) => f.endsWith('.dat'));
  if (!header || !data) throw new Error(`${files.join(', ')}: not a WFDB .hea and .dat`);
  const record = await decodeRecordFiles(files);
  const n = Math.round(seconds * record.fs);
  const name = path.basename(header, '.hea');
  const written = writeWfdb16({ ...record, nSamples: n, leads: record.leads.map((l) => ({ ...l, samples: asMillivolts(l.samples.subarray(0, n)) })) }, name);
  await writeFile(header, written.header, 'latin1');
  await writeFile(data, written.data);
}
