import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { ImportFileReport } from '../contract/schemas';
import { fixtureFiles } from '../formats/test/fixtures';
import { Engine } from './engine';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function newEngine(): Engine {
  const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-import-')), shell: 'test' });
  engines.push(engine);
  return engine;
}

async function importFiles(engine: Engine, request: Parameters<Engine['handle']>[1]): Promise<ImportFileReport[]> {
  const started = await engine.handle('records:import', request);
  if (!started.ok) throw new Error(started.error.message);
  const jobId = (started.value as { jobId: string }).jobId;
  const finished = await new Promise<JobFinished>((resolve) => {
    const off = engine.onEvent((event, payload) => {
      if (event === 'jobs:finished' && (payload as JobFinished).jobId === jobId) {
        off();
        resolve(payload as JobFinished);
      }
    });
  });
  if (finished.status !== 'succeeded' || finished.kind !== 'import') throw new Error(JSON.stringify(finished));
  return finished.result.reports;
}

const csvText = '-20,-25,-5,,\n-30,-34,-4,,\n-33,-34,-1,,\n'.repeat(10);

describe('import of every format through the contract (real SQLite)', () => {
  it('imports Philips, DICOM, aECG, SCP, EDF, MUSE, MAT and WFDB together; rejects a corrupt file without losing the others', async () => {
    const engine = newEngine();
    const files = [
      ...fixtureFiles('philips', '129DYPRG.XML'),
      ...fixtureFiles('dicom', 'synthetic.dcm'),
      ...fixtureFiles('aecg', 'pretty.xml'),
      ...fixtureFiles('scp', 'default-huffman.scp'),
      ...fixtureFiles('edf', 'synthetic.edf'),
      ...fixtureFiles('muse', 'synthetic-latin1.xml'),
      ...fixtureFiles('mat5', 'synthetic.mat'),
      ...fixtureFiles('ptbxl', '00143_lr.hea', '00143_lr.dat'),
      { name: 'broken/bad.scp', bytes: fixtureFiles('scp', 'refbeat.scp')[0]!.bytes.subarray(0, 900) },
    ];
    const reports = await importFiles(engine, { files });
    expect(reports.filter((r) => r.status === 'imported')).toHaveLength(8);
    expect(reports.find((r) => r.files[0] === 'broken/bad.scp')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/truncated/), details: expect.stringMatching(/^E_FORMAT: /) });
    expect(engine.records.count()).toBe(8);
    const again = await importFiles(engine, { files: fixtureFiles('philips', '129DYPRG.XML').map((f) => ({ ...f, name: `elsewhere/${f.name}` })) });
    expect(again).toMatchObject([{ status: 'duplicate', reason: 'Same ECG as record 1, already in the database.' }]);
  });

  it("a rejection's reason keeps the case of the file name it starts with and capitalises a leading word", async () => {
    const engine = newEngine();
    const [header, signal] = fixtureFiles('ptbxl', '00143_lr.hea', '00143_lr.dat');
    const headerText = Buffer.from(header!.bytes).toString('latin1').replaceAll('00143_lr', 'trunc');
    const reports = await importFiles(engine, {
      files: [
        { name: 'trunc.hea', bytes: new Uint8Array(Buffer.from(headerText, 'latin1')) },
        { name: 'trunc.dat', bytes: signal!.bytes.subarray(0, 1000) },
        { name: 'broken/bad.scp', bytes: fixtureFiles('scp', 'refbeat.scp')[0]!.bytes.subarray(0, 900) },
      ],
    });
    const reasonOf = (file: string) => reports.find((r) => r.files.includes(file))?.reason ?? '';
    expect(reasonOf('trunc.dat')).toMatch(/requires\. trunc\.dat: truncated — header declares \d+ samples/);
    expect(reasonOf('broken/bad.scp')).toMatch(/requires\. [A-Z]/);
  });

  it('a second copy of a tracing under another patient ID is a duplicate that says one of the two is misfiled', async () => {
    const engine = newEngine();
    const [muse] = fixtureFiles('muse', 'synthetic-latin1.xml');
    if (!muse) throw new Error('no MUSE fixture');
    expect(await importFiles(engine, { files: [muse] })).toMatchObject([{ status: 'imported', recordId: 1 }]);
    // The same bytes again: a plain duplicate.
    expect(await importFiles(engine, { files: [{ ...muse, name: `copy/${muse.name}` }] })).toMatchObject([{ status: 'duplicate', reason: 'Same ECG as record 1, already in the database.' }]);
    // The same tracing with another patient's ID (an auditor's case: the conflicting identity went unseen).
    const text = Buffer.from(muse.bytes).toString('latin1').replace('<PatientID>SYNTH-1</PatientID>', '<PatientID>PIDZZ4711</PatientID>');
    const [report] = await importFiles(engine, { files: [{ name: 'other/synthetic-latin1.xml', bytes: new Uint8Array(Buffer.from(text, 'latin1')) }] });
    expect(report).toMatchObject({ status: 'duplicate', recordId: 1 });
    expect(report?.reason).toBe('Same ECG as record 1, already in the database. But this file names another patient (patient ID PIDZZ4711 here, SYNTH-1 in record 1): one of the two is filed under the wrong patient; check before relying on either.');
  });

  it('imports a WFDB multi-segment record (master, layout, segments) as one record', async () => {
    const engine = newEngine();
    const text = (name: string, body: string) => ({ name, bytes: new TextEncoder().encode(body) });
    const int16 = (name: string, values: number[]) => ({ name, bytes: new Uint8Array(Int16Array.from(values).buffer) });
    const reports = await importFiles(engine, {
      files: [
        text('w/m_0001.hea', 'm_0001 1 125 3\nm_0001.dat 16 200/mV 16 0 2 12 0 II\n'),
        int16('w/m_0001.dat', [2, 4, 6]),
        text('w/m.hea', 'm/3 1 125 5\nm_layout 0\nm_0001 3\n~ 2\n'),
        text('w/m_layout.hea', 'm_layout 1 125 0\n~ 16 200/mV 16 0 0 0 0 II\n'),
      ],
    });
    expect(reports).toEqual([{ files: ['w/m.hea', 'w/m_layout.hea', 'w/m_0001.hea', 'w/m_0001.dat'], status: 'imported', recordId: 1 }]);
    expect(await engine.handle('records:get', { id: 1 })).toMatchObject({ ok: true, value: { fs: 125, nSamples: 5 } });
  });

  it('asks for fs, units and lead names of a bare CSV, then imports it with the answers', async () => {
    const engine = newEngine();
    const csv = { name: 'contec/raw.csv', bytes: new TextEncoder().encode(csvText) };
    const [asked] = await importFiles(engine, { files: [csv] });
    expect(asked).toMatchObject({ status: 'rejected', csvQuestion: { needs: ['fs', 'units', 'leads'], columns: 5 } });
    const [done] = await importFiles(engine, { files: [csv], csv: { fs: 800, units: 5, leads: ['I', 'II', 'III', 'V1', 'V2'] } });
    expect(done).toMatchObject({ status: 'imported' });
    const detail = await engine.handle('records:get', { id: done!.recordId! });
    expect(detail).toMatchObject({ ok: true, value: { fs: 800, nSamples: 30 } });
  });

  it('refuses malformed CSV answers at the contract boundary', async () => {
    const engine = newEngine();
    const csv = { name: 'raw.csv', bytes: new TextEncoder().encode(csvText) };
    const result = await engine.handle('records:import', { files: [csv], csv: { fs: -5 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });
});
