import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPtbxl } from '../data/ptbxl';
import { fixturePath } from './shared-data';

/**
 * A tiny dataset in CPSC 2018's layout (REFERENCE.csv + WFDB .hea/.mat, as the CinC 2020
 * repackaging) made from the committed real PTB-XL records at 100 Hz, so the CPSC protocol can be
 * exercised without ../shared. The signals are real; the labels are stand-ins: PTB-XL superclass
 * j becomes CPSC code j + 1 (NORM → 1 SNR, MI → 2 AF, STTC → 3 IAVB, CD → 4 LBBB, HYP → 5 RBBB).
 * Returns the number of records written.
 */
export async function writeTinyCpsc(dir: string): Promise<number> {
  const root = fixturePath('train', 'ptbxl');
  const ptbxl = await loadPtbxl(root, { fs: 100 });
  const rows: string[] = [];
  for (const [k, item] of ptbxl.items.entries()) {
    const name = `A${String(k + 1).padStart(4, '0')}`;
    const [heaFile, datFile] = item.files as [string, string];
    const header = (await readFile(heaFile, 'utf8')).split('\n');
    const stem = path.basename(datFile);
    // Same samples behind the 24-byte MATLAB v4 header offset the CinC repackaging uses.
    const lines = header.map((line, i) => (i === 0 ? line.replace(/^\S+/, name) : line.replace(`${stem} 16 `, `${name}.mat 16+24 `)));
    await writeFile(path.join(dir, `${name}.hea`), lines.join('\n'));
    const data = await readFile(datFile);
    const mat = new Uint8Array(24 + data.length);
    mat.set(data, 24);
    await writeFile(path.join(dir, `${name}.mat`), mat);
    const codes = item.labels.flatMap((v, j) => (v === 1 ? [String(j + 1)] : []));
    rows.push([name, codes[0] ?? '', codes[1] ?? '', codes[2] ?? ''].join(','));
  }
  await writeFile(path.join(dir, 'REFERENCE.csv'), `Recording,First_label,Second_label,Third_label\n${rows.join('\n')}\n`);
  return rows.length;
}
