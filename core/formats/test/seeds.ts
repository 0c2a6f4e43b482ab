import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeCsv } from '../csv/write';
import { decodeFiles } from '../index';
import type { SourceFile } from '../record';
import { fixtureFiles } from './fixtures';

/** Seed records for fuzzing: every committed fixture format (real PTB-XL/WFDB/Philips files, synthetic others) and a CSV. */
export function fixtureSeeds(): SourceFile[][] {
  const wfdb = (stem: string, ...ext: string[]) => fixtureFiles('wfdb', ...ext.map((e) => stem + e));
  const seeds: SourceFile[][] = [
    fixtureFiles('ptbxl', '00143_lr.hea', '00143_lr.dat'),
    fixtureFiles('ptbxl', '00001_hr.hea', '00001_hr.dat'),
    wfdb('binformats', '.hea', ...Array.from({ length: 10 }, (_, i) => `.d${i}`)),
    wfdb('310derive', '.hea', '.dat'),
    wfdb('3000003_0003', '.hea', '.dat'),
    wfdb('HR06000', '.hea', '.mat'),
    fixtureFiles('mat5', 'synthetic.mat'),
    fixtureFiles('muse', 'synthetic-latin1.xml'),
    fixtureFiles('muse', 'synthetic-utf16.xml'),
    fixtureFiles('philips', '129DYPRG.XML'),
    fixtureFiles('dicom', 'synthetic.dcm'),
    fixtureFiles('aecg', 'compact.xml'),
    fixtureFiles('scp', 'default-huffman.scp'),
    fixtureFiles('scp', 'custom-huffman.scp'),
    fixtureFiles('scp', 'refbeat.scp'),
    fixtureFiles('edf', 'synthetic.edf'),
  ];
  const small = decodeFiles(seeds[0]!)[0];
  if (small?.ok) seeds.push([{ name: 'csv/00143_lr.csv', bytes: new TextEncoder().encode(writeCsv(small.record)) }]);
  return seeds;
}

/** Seed records from ../shared/data/ecg (all files of each labels.csv record), when the corpus is present. */
export function sharedSeeds(ecgDir: string): SourceFile[][] {
  const rows = readFileSync(path.join(ecgDir, 'labels.csv'), 'utf8').split('\n').slice(1).filter(Boolean);
  return rows.map((row) => {
    const record = row.split(',')[0]!;
    const folder = path.dirname(record);
    const base = path.basename(record);
    const names = readdirSync(path.join(ecgDir, folder)).filter((n) => n === base || n.startsWith(`${base}.`));
    return names.map((n) => ({ name: `${folder}/${n}`, bytes: new Uint8Array(readFileSync(path.join(ecgDir, folder, n))) }));
  });
}
