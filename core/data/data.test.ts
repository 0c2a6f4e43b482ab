import { copyFile, mkdtemp, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperPipelineConfig, pipelineConfigSchema } from '../signal/pipeline-config';
import { smallPipeline } from '../test/small-pipeline';
import { createRng } from '../signal/rng';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { packChannelsLast } from './batches';
import { parseDxLine } from './cinc';
import { stratifiedFolds } from './folds';
import { decodeRecordFiles, itemsOf, loadCinc, loadCpsc, loadHospital, loadPtbxl, readSnomedMapping, SignalStore } from './index';
import { leftOutText } from './types';
import { parseScpCodes } from './scp-codes';

const ptbxlRoot = fixturePath('train', 'ptbxl');

describe('PTB-XL indexing', () => {
  it('parses the scp_codes dict literal', () => {
    expect([...parseScpCodes("{'NORM': 100.0, 'LVOLT': 0.0, 'SR': 0.0}")]).toEqual([['NORM', 100], ['LVOLT', 0], ['SR', 0]]);
    expect(parseScpCodes('{}').size).toBe(0);
    expect(() => parseScpCodes("{'NORM': __import__('os')}")).toThrow(/not understood/);
  });

  it('gives superclasses, folds 1–8/9/10 and drops unlabeled records', async () => {
    const ds = await loadPtbxl(ptbxlRoot, { fs: 100 });
    expect(ds.classes).toEqual(['NORM', 'MI', 'STTC', 'CD', 'HYP']);
    expect(ds.items.length + ds.dropped.length).toBe(25);
    expect(ds.dropped).toHaveLength(1);
    expect(itemsOf(ds, 'train')).toHaveLength(12);
    expect(itemsOf(ds, 'val')).toHaveLength(6);
    expect(itemsOf(ds, 'test')).toHaveLength(6);
    const first = ds.items.find((i) => i.id === '1');
    expect(first?.labels).toEqual([1, 0, 0, 0, 0]);
    expect(first?.files[0]).toMatch(/records100\/00000\/00001_lr\.hea$/);
    // ptbxl_database.csv row 1: age 56.0, sex 1 (PTB-XL codes 0 male, 1 female).
    expect(first?.demographics).toEqual({ sex: 'F', ageYears: 56 });
    expect(ds.items.find((i) => i.id === '2')?.demographics).toEqual({ sex: 'M', ageYears: 19 });
    const kept = await loadPtbxl(ptbxlRoot, { fs: 100, keepUnlabeled: true });
    expect(kept.items).toHaveLength(25);
  });

  it('lists sub-classes and all statements as classes', async () => {
    const sub = await loadPtbxl(ptbxlRoot, { fs: 100, task: 'subclass' });
    expect(sub.classes).toContain('IMI');
    const all = await loadPtbxl(ptbxlRoot, { fs: 100, task: 'all' });
    expect(all.classes).toContain('SR');
    expect(all.dropped).toHaveLength(0);
  });
});

describe('folds and splits', () => {
  it('deals stratified folds deterministically with every group spread', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    const keys = ids.map((_, i) => (i % 4 === 0 ? 'A' : 'B'));
    const a = stratifiedFolds(ids, keys, 10, 1);
    expect(stratifiedFolds(ids, keys, 10, 1)).toEqual(a);
    for (let fold = 1; fold <= 10; fold++) {
      const inFold = ids.filter((id) => a.get(id) === fold);
      expect(inFold.length).toBe(10);
      expect(inFold.filter((id) => keys[ids.indexOf(id)] === 'A').length).toBeGreaterThanOrEqual(2);
    }
  });
  it('deals CPSC 2018 into 10 deterministic stratified folds (1–8 train, 9 val, 10 test)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-cpsc-'));
    const rows = Array.from({ length: 60 }, (_, i) => `A${String(i + 1).padStart(4, '0')},${(i % 3) + 1},${i % 10 === 0 ? 5 : ''},`);
    await writeFile(path.join(dir, 'REFERENCE.csv'), `Recording,First_label,Second_label,Third_label\n${rows.join('\n')}\n`);
    const ds = await loadCpsc(dir);
    expect(ds.classes).toEqual(['SNR', 'AF', 'IAVB', 'LBBB', 'RBBB', 'PAC', 'PVC', 'STD', 'STE']);
    expect((await loadCpsc(dir)).items).toEqual(ds.items);
    expect(ds.items.find((i) => i.id === 'A0001')?.labels).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect([itemsOf(ds, 'train').length, itemsOf(ds, 'val').length, itemsOf(ds, 'test').length]).toEqual([48, 6, 6]);
    for (const split of ['val', 'test'] as const) for (const j of [0, 1, 2]) expect(itemsOf(ds, split).some((i) => i.labels[j] === 1)).toBe(true);
    await writeFile(path.join(dir, 'REFERENCE.csv'), 'Recording,First_label\nA0001,12\n');
    await expect(loadCpsc(dir)).rejects.toThrow(/label 12 is not 1..9/);
  });

  it('maps CinC # Dx: SNOMED codes through a mapping table and drops unmapped records', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-cinc-'));
    await writeFile(path.join(dir, 'E1.hea'), 'E1 12 500 5000\n# Dx: 164889003,59118001\n');
    await writeFile(path.join(dir, 'E2.hea'), 'E2 12 500 5000\n# Dx: 426783006\n');
    await writeFile(path.join(dir, 'E3.hea'), 'E3 12 500 5000\n# Dx: 11111\n');
    const cpsc = await loadCinc(dir);
    expect(cpsc.items.find((i) => i.id === 'E1')?.labels).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0]);
    expect(cpsc.dropped).toEqual([{ id: 'E3', reason: 'no mapped Dx code' }]);
    await writeFile(path.join(dir, 'map.csv'), 'SNOMEDCTCode,Abbreviation\n164889003,AF\n11111,X\n');
    const custom = await loadCinc(dir, { mapping: await readSnomedMapping(path.join(dir, 'map.csv')) });
    expect(custom.classes).toEqual(['AF', 'X']);
    expect(custom.items.map((i) => [i.id, i.labels])).toEqual([['E1', [1, 0]], ['E3', [0, 1]]]);
  });

  it("maps CinC 2021's equivalent codes by default (complete RBBB, SVPB, PVC, VPB)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-cinc21-'));
    await writeFile(path.join(dir, 'G1.hea'), 'G1 12 500 5000\n# Dx: 713427006,63593006\n');
    await writeFile(path.join(dir, 'G2.hea'), 'G2 12 500 5000\n# Dx: 427172004\n');
    await writeFile(path.join(dir, 'G3.hea'), 'G3 12 500 5000\n# Dx: 17338001\n');
    const ds = await loadCinc(dir);
    expect(ds.dropped).toEqual([]);
    const named = (id: string) => ds.classes.filter((_, j) => ds.items.find((i) => i.id === id)?.labels[j] === 1);
    expect([named('G1'), named('G2'), named('G3')]).toEqual([['RBBB', 'PAC'], ['PVC'], ['PVC']]);
  });

  it('reads # Dx: codes', () => {
    expect(parseDxLine('E1 12 500 5000\n# Age: 3\n# Dx: 426783006, 164889003\n')).toEqual(['426783006', '164889003']);
  });
});

describe('hospital folder', () => {
  async function hospitalFolder(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'einthoven-hospital-'));
    await mkdir(path.join(dir, 'ecgs'));
    for (const id of ['00001', '00002', '00003', '00008']) {
      for (const ext of ['hea', 'dat']) await copyFile(path.join(ptbxlRoot, 'records100', '00000', `${id}_lr.${ext}`), path.join(dir, 'ecgs', `${id}_lr.${ext}`));
    }
    return dir;
  }

  it('reads the PE-HSM layout filename;label with .xml names and a locked test CSV', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'train.csv'), 'filename;label\necgs/00001_lr.xml;1\necgs/00002_lr.xml;0\necgs/00003_lr.xml;0\n');
    await writeFile(path.join(dir, 'test.csv'), 'filename;label\necgs/00008_lr.xml;1\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'train.csv'), testLabels: path.join(dir, 'test.csv'), fractions: { val: 0.34, test: 0 } });
    expect(ds.classes).toEqual(['PE']);
    expect(ds.items.find((i) => i.id === 'ecgs/00008_lr.xml')?.split).toBe('test');
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.xml')?.files.map((f) => path.basename(f)).sort()).toEqual(['00001_lr.dat', '00001_lr.hea']);
    expect(ds.items.filter((i) => i.split === 'test')).toHaveLength(1);
  });

  it('reads a tab-separated labels file (a spreadsheet\'s "Text (tab delimited)") by its header, and refuses a header that mixes separators', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'labels.tsv'), 'file\tlabel\tpatient_id\tsplit\necgs/00001_lr.hea\tAF|LBBB\tp1\ttrain\necgs/00002_lr.hea\tNORM\tp2\ttest\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.tsv') });
    expect(ds.classes).toEqual(['AF', 'LBBB', 'NORM']);
    expect(ds.items.map((i) => [i.id, i.labels, i.patientId, i.split])).toEqual([['ecgs/00001_lr.hea', [1, 1, 0], 'p1', 'train'], ['ecgs/00002_lr.hea', [0, 0, 1], 'p2', 'test']]);
    // A 0/1 tab file is a one-output task named 'positive': 'PE' stays the PE-HSM layout's (';').
    await writeFile(path.join(dir, 'binary.tsv'), 'file\tlabel\necgs/00001_lr.hea\t1\necgs/00002_lr.hea\t0\n');
    expect((await loadHospital(dir, { labels: path.join(dir, 'binary.tsv') })).classes).toEqual(['positive']);
    // A trailing tab (an empty last column) does not make a comma-separated header a mixed one.
    await writeFile(path.join(dir, 'trailing.csv'), 'file,label\t\necgs/00001_lr.hea,1\n');
    expect((await loadHospital(dir, { labels: path.join(dir, 'trailing.csv') })).items).toHaveLength(1);
    for (const [name, header, marks] of [
      ['tab-comma.tsv', 'file\tlabel,age', "',' and tab"],
      ['semicolon-tab.csv', 'file;label\tage', "';' and tab"],
      ['comma-semicolon.csv', 'file,label;age', "',' and ';'"],
    ] as const) {
      await writeFile(path.join(dir, name), `${header}\necgs/00001_lr.hea,1\n`);
      await expect(loadHospital(dir, { labels: path.join(dir, name) }), name).rejects.toThrow(`${name}: the header line holds both ${marks}, so which one separates the fields is not known; save the file with one separator (',', ';' or tab)`);
    }
  });

  it('reads file,label,patient_id with several labels and keeps each patient in one split', async () => {
    const dir = await hospitalFolder();
    const csv = 'file,label,patient_id\necgs/00001_lr.hea,AF|LBBB,p1\necgs/00002_lr.hea,AF,p1\necgs/00003_lr.hea,NORM,p2\necgs/missing.hea,NORM,p3\n';
    await writeFile(path.join(dir, 'labels.csv'), csv);
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.csv') });
    expect(ds.classes).toEqual(['AF', 'LBBB', 'NORM']);
    expect(ds.items.find((i) => i.id === 'ecgs/00001_lr.hea')?.labels).toEqual([1, 1, 0]);
    expect(ds.dropped).toEqual([{ id: 'ecgs/missing.hea', reason: 'file not found' }]);
    // Said before anything is trained or exported (prepareTraining's progress, export-shards' stderr).
    expect(leftOutText(ds.dropped)).toBe('1 listed record left out: ecgs/missing.hea (file not found)');
    expect(leftOutText([])).toBeUndefined();
    const p1 = ds.items.filter((i) => i.patientId === 'p1').map((i) => i.split);
    expect(new Set(p1).size).toBe(1);
  });

  it('refuses a file in two rows (contradicting labels, or in the labels and the locked test CSV) and a CSV with no row', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'twice.csv'), 'file,label\necgs/00001_lr.hea,0\necgs/00002_lr.hea,1\necgs/00001_lr.hea,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'twice.csv') })).rejects.toThrow(/twice\.csv row 4: ecgs\/00001_lr\.hea is already listed in twice\.csv row 2; one row per record, several labels joined with '\|'/);
    await writeFile(path.join(dir, 'train.csv'), 'file,label\necgs/00001_lr.hea,0\necgs/00002_lr.hea,1\n');
    await writeFile(path.join(dir, 'test.csv'), 'file,label\necgs/00002_lr.hea,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'train.csv'), testLabels: path.join(dir, 'test.csv') })).rejects.toThrow(/test\.csv row 2: ecgs\/00002_lr\.hea is already listed in train\.csv row 3/);
    // The same record by other names: its header's stem, '.' and '..' steps, in the test CSV.
    for (const [other, where] of [['ecgs/00001_lr', 'twice.csv row 3'], ['./ecgs/00001_lr.hea', 'twice.csv row 3'], ['ecgs/../ecgs/00001_lr.hea', 'twice.csv row 3']] as const) {
      await writeFile(path.join(dir, 'twice.csv'), `file,label\necgs/00001_lr.hea,0\n${other},1\n`);
      await expect(loadHospital(dir, { labels: path.join(dir, 'twice.csv') }), other).rejects.toThrow(`${where}: ${other} is the record ecgs/00001_lr.hea already listed in twice.csv row 2, by another name; one row per record, several labels joined with '|'`);
    }
    await writeFile(path.join(dir, 'test.csv'), 'file,label\n./ecgs/00002_lr.hea,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'train.csv'), testLabels: path.join(dir, 'test.csv') })).rejects.toThrow(/test\.csv row 2: \.\/ecgs\/00002_lr\.hea is the record ecgs\/00002_lr\.hea already listed in train\.csv row 3, by another name/);
    await writeFile(path.join(dir, 'header-only.csv'), 'file,label\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'header-only.csv') })).rejects.toThrow(/header-only\.csv has no rows/);
  });

  // A case-insensitive disk ('ECGS/00001_LR.hea' for ecgs/00001_lr.hea) cannot be made on Linux;
  // the check compares the file's device and inode, which two spellings of one file share by construction.
  it.skipIf(process.platform === 'win32')('refuses one record reached through a symbolic link (a linked folder or a linked header), in one CSV or in the labels and the locked test', async () => {
    const dir = await hospitalFolder();
    await symlink(path.join(dir, 'ecgs'), path.join(dir, 'linked'));
    await symlink(path.join(dir, 'ecgs', '00001_lr.hea'), path.join(dir, 'ecgs', 'alias.hea'));
    for (const other of ['linked/00001_lr.hea', 'linked/00001_lr', 'ecgs/alias.hea']) {
      await writeFile(path.join(dir, 'twice.csv'), `file,label\necgs/00001_lr.hea,0\n${other},1\n`);
      await expect(loadHospital(dir, { labels: path.join(dir, 'twice.csv') }), other).rejects.toThrow(`twice.csv row 3: ${other} is the record ecgs/00001_lr.hea already listed in twice.csv row 2, by another name; one row per record, several labels joined with '|'`);
    }
    await writeFile(path.join(dir, 'train.csv'), 'file,label\necgs/00001_lr.hea,0\necgs/00002_lr.hea,1\n');
    await writeFile(path.join(dir, 'test.csv'), 'file,label\nlinked/00002_lr.hea,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'train.csv'), testLabels: path.join(dir, 'test.csv') })).rejects.toThrow(/test\.csv row 2: linked\/00002_lr\.hea is the record ecgs\/00002_lr\.hea already listed in train\.csv row 3, by another name/);
    // Other records through the same link are records of their own.
    await writeFile(path.join(dir, 'test.csv'), 'file,label\nlinked/00003_lr.hea,1\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'train.csv'), testLabels: path.join(dir, 'test.csv') });
    expect(ds.items.map((i) => [i.id, i.split === 'test'])).toEqual([['ecgs/00001_lr.hea', false], ['ecgs/00002_lr.hea', false], ['linked/00003_lr.hea', true]]);
  });

  it("gives the row of 'a.hea' its own record, not 'a.filtered' beside it whose names share its prefix (sorted first, it was the one decoded)", async () => {
    const dir = await hospitalFolder();
    // Another real record saved beside 00001_lr as its filtered copy, its header naming its own files.
    const other = path.join(ptbxlRoot, 'records100', '00000', '00002_lr');
    await writeFile(path.join(dir, 'ecgs', '00001_lr.filtered.hea'), (await readFile(`${other}.hea`, 'latin1')).replaceAll('00002_lr', '00001_lr.filtered'), 'latin1');
    await copyFile(`${other}.dat`, path.join(dir, 'ecgs', '00001_lr.filtered.dat'));
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\necgs/00001_lr.hea,1\necgs/00001_lr.filtered.hea,0\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.csv'), fractions: { val: 0, test: 0 } });
    const filesOf = (id: string) => ds.items.find((i) => i.id === id)?.files.map((f) => path.basename(f)).sort();
    expect(filesOf('ecgs/00001_lr.hea')).toEqual(['00001_lr.dat', '00001_lr.hea']);
    expect(filesOf('ecgs/00001_lr.filtered.hea')).toEqual(['00001_lr.filtered.dat', '00001_lr.filtered.hea']);
    const own = await decodeRecordFiles([path.join(dir, 'ecgs', '00001_lr.hea'), path.join(dir, 'ecgs', '00001_lr.dat')]);
    const first = ds.items.find((i) => i.id === 'ecgs/00001_lr.hea');
    const decoded = await decodeRecordFiles(first?.files ?? []);
    expect(decoded.leads[0]?.samples).toEqual(own.leads[0]?.samples);
  });

  it("refuses a header naming its columns in other capitals ('File,Label', 'Split'), saying so: it was refused at row 2 for no file name, or the column passed over", async () => {
    const dir = await hospitalFolder();
    const load = async (text: string) => {
      await writeFile(path.join(dir, 'labels.csv'), text);
      return loadHospital(dir, { labels: path.join(dir, 'labels.csv'), fractions: { val: 0, test: 0 } });
    };
    await expect(load('File,Label\necgs/00001_lr.hea,1\necgs/00002_lr.hea,0\n')).rejects.toMatchObject({
      code: 'E_FORMAT',
      message: "labels.csv: the header has 'File', 'Label': column names are lower case ('file', 'label'), so they would be read as no column; rename them",
    });
    // A split column in capitals was passed over: the records were split at random, not as the file said.
    await expect(load('file,label,Split\necgs/00001_lr.hea,1,test\necgs/00002_lr.hea,0,train\n')).rejects.toThrow(/^labels\.csv: the header has 'Split': column names are lower case \('split'\), so it would be read as no column; rename it$/);
    // Columns the file is not read by, and one beside its lower-case name, are left as they are.
    const ds = await load('file,label,Ward,Label\necgs/00001_lr.hea,1,A,x\necgs/00002_lr.hea,0,B,y\n');
    expect(ds.items.map((i) => [i.id, i.labels])).toEqual([['ecgs/00001_lr.hea', [1]], ['ecgs/00002_lr.hea', [0]]]);
  });

  it('refuses a labels CSV none of whose files is under the folder, the one file of a one-row CSV in the singular', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'missing.csv'), 'file,label\necgs/missing.hea,1\necgs/gone.hea,0\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'missing.csv') })).rejects.toThrow(`none of the 2 labelled files was found under ${dir}`);
    // It read "none of the 1 labelled files was found".
    await writeFile(path.join(dir, 'one.csv'), 'file,label\necgs/missing.hea,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'one.csv') })).rejects.toThrow(`the 1 labelled file was not found under ${dir}`);
  });

  it('keeps a split column, gives a patient the split of any of its rows, and refuses a patient in two splits', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'labels.csv'), 'file,label,patient_id,split\necgs/00001_lr.hea,AF,p1,test\necgs/00002_lr.hea,AF,p1,\necgs/00003_lr.hea,NORM,p2,validation\necgs/00008_lr.hea,NORM,p3,train\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.csv') });
    expect(Object.fromEntries(ds.items.map((i) => [i.id, i.split]))).toEqual({ 'ecgs/00001_lr.hea': 'test', 'ecgs/00002_lr.hea': 'test', 'ecgs/00003_lr.hea': 'val', 'ecgs/00008_lr.hea': 'train' });
    await writeFile(path.join(dir, 'leak.csv'), 'file,label,patient_id,split\necgs/00001_lr.hea,AF,p1,train\necgs/00002_lr.hea,AF,p1,test\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'leak.csv') })).rejects.toThrow(/patient p1 is listed in both the train and the test split/);
    await writeFile(path.join(dir, 'bad.csv'), 'file,label,split\necgs/00001_lr.hea,AF,holdout\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'bad.csv') })).rejects.toThrow(/split 'holdout' is not train\/val\/test/);
  });

  it('reads optional sex and age columns for subgroup evaluation, refusing values it would have to guess', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'labels.csv'), 'file,label,sex,age\necgs/00001_lr.hea,AF,F,71\necgs/00002_lr.hea,NORM,male,95\necgs/00003_lr.hea,NORM,,\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.csv') });
    expect(Object.fromEntries(ds.items.map((i) => [i.id, i.demographics]))).toEqual({
      'ecgs/00001_lr.hea': { sex: 'F', ageYears: 71 },
      'ecgs/00002_lr.hea': { sex: 'M', ageYears: 90 },
      'ecgs/00003_lr.hea': undefined,
    });
    await writeFile(path.join(dir, 'bad-sex.csv'), 'file,label,sex\necgs/00001_lr.hea,AF,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'bad-sex.csv') })).rejects.toThrow(/row 2: sex '1' is not M or F/);
    await writeFile(path.join(dir, 'bad-age.csv'), 'file,label,age\necgs/00001_lr.hea,AF,old\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'bad-age.csv') })).rejects.toThrow(/age 'old' is not a number of years/);
  });

  it('assigns seeded patient-level splits that do not move when records are added', async () => {
    const dir = await hospitalFolder();
    const rows = ['00001', '00002', '00003', '00008'].map((id, i) => `ecgs/${id}_lr.hea,${i % 2},p${i}`);
    await writeFile(path.join(dir, 'a.csv'), `file,label,patient_id\n${rows.slice(0, 2).join('\n')}\n`);
    await writeFile(path.join(dir, 'b.csv'), `file,label,patient_id\n${rows.join('\n')}\n`);
    const fractions = { val: 0.3, test: 0.3 };
    const a = await loadHospital(dir, { labels: path.join(dir, 'a.csv'), fractions, seed: 3 });
    const b = await loadHospital(dir, { labels: path.join(dir, 'b.csv'), fractions, seed: 3 });
    expect(a.classes).toEqual(['positive']);
    for (const item of a.items) expect(b.items.find((i) => i.id === item.id)?.split).toBe(item.split);
  });

  it("lists a record with none of the classes as '-' (negative for every class), and refuses a CSV with no class at all", async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\necgs/00001_lr.hea,AF|PVC\necgs/00002_lr.hea,-\n');
    const ds = await loadHospital(dir, { labels: path.join(dir, 'labels.csv') });
    expect(ds.classes).toEqual(['AF', 'PVC']);
    expect(ds.items.find((i) => i.id === 'ecgs/00002_lr.hea')?.labels).toEqual([0, 0]);
    await writeFile(path.join(dir, 'none.csv'), 'file,label\necgs/00001_lr.hea,-\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'none.csv') })).rejects.toThrow(/no class to learn/);
  });

  it("refuses a 0/1 label column with a yes/no value written otherwise ('1.0', 'yes'), which made classes named '0' and '1.0'", async () => {
    const dir = await hospitalFolder();
    for (const [second, third] of [['1.0', '0'], ['yes', 'no'], ['1', 'FALSE']] as const) {
      const odd = second === '1' ? third : second;
      const row = second === '1' ? 4 : 3;
      await writeFile(path.join(dir, 'labels.csv'), `file,label\necgs/00001_lr.hea,0\necgs/00002_lr.hea,${second}\necgs/00003_lr.hea,${third}\n`);
      await expect(loadHospital(dir, { labels: path.join(dir, 'labels.csv') }), odd).rejects.toMatchObject({
        code: 'E_FORMAT',
        message: `labels.csv row ${row}: label '${odd}' is a yes/no label not written 0 or 1; a one-output label column takes exactly 0 or 1 (write 1 for '1.0' or 'yes', 0 for '0.0' or 'no')`,
      });
    }
    // A class name anywhere makes a multi-class file, whose classes may be named anything.
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\necgs/00001_lr.hea,0\necgs/00002_lr.hea,NORM\n');
    expect((await loadHospital(dir, { labels: path.join(dir, 'labels.csv') })).classes).toEqual(['0', 'NORM']);
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\necgs/00001_lr.hea,0\necgs/00002_lr.hea,1\n');
    expect((await loadHospital(dir, { labels: path.join(dir, 'labels.csv') })).classes).toEqual(['positive']);
  });

  it('refuses files outside the data folder', async () => {
    const dir = await hospitalFolder();
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\n../../etc/passwd,1\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'labels.csv') })).rejects.toThrow(/inside the data folder/);
  });

  it.skipIf(process.platform === 'win32')('refuses a labelled file reached through a symbolic link leading out of the data folder, the file or a folder above it', async () => {
    const dir = await hospitalFolder();
    const outside = await hospitalFolder();
    await symlink(path.join(outside, 'ecgs', '00001_lr.hea'), path.join(dir, 'ecgs', 'out.hea'));
    await symlink(path.join(outside, 'ecgs'), path.join(dir, 'elsewhere'));
    const realOutside = await realpath(outside);
    for (const [row, target] of [['ecgs/out.hea', 'ecgs/00001_lr.hea'], ['elsewhere/00002_lr.hea', 'ecgs/00002_lr.hea'], ['elsewhere/00002_lr', 'ecgs/00002_lr.hea']] as const) {
      await writeFile(path.join(dir, 'labels.csv'), `file,label\necgs/00003_lr.hea,0\n${row},1\n`);
      await expect(loadHospital(dir, { labels: path.join(dir, 'labels.csv') }), row).rejects.toMatchObject({
        code: 'E_FORBIDDEN',
        message: expect.stringContaining(`${row}: a labelled file must lie inside the data folder, and ${path.join(dir, row.endsWith('.hea') ? row : `${row}.hea`)} is reached through a symbolic link leading to ${path.join(realOutside, target)}, outside ${await realpath(dir)}; nothing was read from it`),
      });
    }
    // A header's signal file linked out of the folder, the header itself inside.
    await rm(path.join(dir, 'ecgs', '00003_lr.dat'));
    await symlink(path.join(outside, 'ecgs', '00003_lr.dat'), path.join(dir, 'ecgs', '00003_lr.dat'));
    await writeFile(path.join(dir, 'labels.csv'), 'file,label\necgs/00003_lr.hea,0\n');
    await expect(loadHospital(dir, { labels: path.join(dir, 'labels.csv') })).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining(`leading to ${path.join(realOutside, 'ecgs', '00003_lr.dat')}`) });
  });
});

describe('signal store', () => {
  const config = smallPipeline();

  it('caches filtered records and draws reproducible random crops from a seed', async () => {
    const ds = await loadPtbxl(ptbxlRoot, { fs: 100 });
    const items = itemsOf(ds, 'train').slice(0, 3);
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'einthoven-cache-'));
    const store = await SignalStore.build(items, { pipeline: config, cacheDir });
    expect(store.failures).toEqual([]);
    const id = (items[0] as (typeof items)[number]).id;
    const a = store.sample(id, 'train', createRng(5));
    const b = store.sample(id, 'train', createRng(5));
    expect(a).toEqual(b);
    expect(a).toHaveLength(12);
    expect(a[0]).toHaveLength(250);
    expect(store.sample(id, 'eval')).toEqual(store.sample(id, 'eval'));
    expect(store.windows(id, 125)).toHaveLength(7); // 1000 samples: starts 0,125,…,750
    const again = await SignalStore.build(items, { pipeline: config, cacheDir });
    expect(again.sample(id, 'eval')).toEqual(store.sample(id, 'eval'));
  });

  it('serves the same samples from disk as from memory, and shares records across post-crop pipelines', async () => {
    const ds = await loadPtbxl(ptbxlRoot, { fs: 100 });
    const items = itemsOf(ds, 'train').slice(0, 2);
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'einthoven-disk-'));
    const memory = await SignalStore.build(items, { pipeline: config });
    const disk = await SignalStore.build(items, { pipeline: config, cacheDir, inMemory: false });
    const id = (items[1] as (typeof items)[number]).id;
    expect(disk.sample(id, 'train', createRng(9))).toEqual(memory.sample(id, 'train', createRng(9)));
    await expect(SignalStore.build(items, { pipeline: config, inMemory: false })).rejects.toThrow(/needs a cache folder/);
    const minmax = pipelineConfigSchema.parse({ ...config, stages: [...config.stages.slice(0, 2), { kind: 'normalise', method: 'minmax' }] });
    const view = disk.withPipeline(minmax);
    const lead = view.sample(id, 'eval')[0] as Float32Array;
    expect(Math.min(...lead)).toBeCloseTo(0, 6);
    expect(Math.max(...lead)).toBeCloseTo(1, 6);
    expect(() => memory.withPipeline(pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'crop', length: 250 }] }))).toThrow(/same stages before the crop/);
  });

  it('shares its records with worker threads through one SharedArrayBuffer, packed once for every view', async () => {
    const ds = await loadPtbxl(ptbxlRoot, { fs: 100 });
    const items = itemsOf(ds, 'train').slice(0, 3);
    const store = await SignalStore.build(items, { pipeline: config });
    const id = (items[2] as (typeof items)[number]).id;
    const before = store.sample(id, 'train', createRng(4));
    const shared = store.share();
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.buffer?.byteLength).toBe(3 * 12 * 1000 * 4);
    expect(store.sample(id, 'train', createRng(4))).toEqual(before); // now read from the buffer
    expect(SignalStore.attach(shared).sample(id, 'train', createRng(4))).toEqual(before);
    const minmax = pipelineConfigSchema.parse({ ...config, stages: [...config.stages.slice(0, 2), { kind: 'normalise', method: 'minmax' }] });
    const view = store.withPipeline(minmax);
    expect(view.share().buffer).toBe(shared.buffer);
    expect(view.share().config).toBe(minmax);
    expect(SignalStore.attach(view.share()).sample(id, 'eval')).toEqual(view.sample(id, 'eval'));
  });

  it('packs leads × samples into channels-last batches', () => {
    const s = [Float32Array.of(1, 2), Float32Array.of(3, 4)];
    expect(Array.from(packChannelsLast([s]).data)).toEqual([1, 3, 2, 4]);
  });

  it('keeps the paper pipeline usable at 500 Hz', () => {
    expect(paperPipelineConfig({ normalisation: 'l2' }).stages.map((s) => s.kind)).toEqual(['padTruncate', 'filter', 'crop', 'normalise']);
  });
});

describe.runIf(sharedData)('corpus datasets', () => {
  it('indexes the CPSC 2018 sample into stratified folds', async () => {
    const ds = await loadCpsc(sharedDataPath('ecg', 'cpsc2018'));
    expect(ds.items).toHaveLength(5);
    expect(ds.classes).toHaveLength(9);
  });
  it('indexes CinC 2021 headers with the CPSC SNOMED mapping and decodes one', async () => {
    const ds = await loadCinc(sharedDataPath('ecg', 'cinc2021'));
    expect(ds.items.length).toBeGreaterThan(0);
    expect(ds.items.length + ds.dropped.length).toBe(26);
    const store = await SignalStore.build(ds.items.slice(0, 2), { pipeline: pipelineConfigSchema.parse({ version: 1, stages: [{ kind: 'crop', length: 2048 }] }) });
    expect(store.failures).toEqual([]);
  });
});
