import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../test/shared-data';
import { convertCommand } from './convert';
import { inspectCommand, leadsText } from './inspect';
import { capture } from '../../test/cli-io';

const fixture = (...parts: string[]) => path.relative(process.cwd(), fixturePath('formats', ...parts));

describe('ecg inspect --json', () => {
  it('prints one JSON object per file and per line, an error object for a bad file, and exits 1', async () => {
    const io = capture();
    const bad = path.join(mkdtempSync(path.join(os.tmpdir(), 'inspect-')), 'bad.scp');
    writeFileSync(bad, readFileSync(fixturePath('formats', 'scp', 'refbeat.scp')).subarray(0, 100));
    const files = [fixture('philips', '129DYPRG.XML'), fixture('dicom', 'synthetic.dcm'), fixture('ptbxl', '00143_lr.hea'), bad];
    const code = await inspectCommand.run([...files, '--json'], io);
    expect(code).toBe(1);
    const lines = io.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(Object.keys(lines[0]!)).toEqual(['file', 'format', 'fs', 'nSamples', 'durationS', 'leads', 'units', 'sha256', 'startTime', 'deviceMeasurements', 'warnings', 'statements', 'patient']);
    expect(lines[0]).toMatchObject({ format: 'philips-xml', fs: 500, nSamples: 5500, durationS: 11, units: 'mV', patient: { sex: 'M', ageYears: 50 } });
    expect(lines[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[1]).toMatchObject({ format: 'dicom', leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] });
    expect(lines[2]).toMatchObject({ format: 'wfdb', fs: 100, nSamples: 1000 });
    expect(lines[3]).toEqual({ file: expect.stringContaining('bad.scp'), error: { code: 'E_FORMAT', message: expect.stringContaining('bad.scp') } });
  });

  it('reports a folder or a missing path as one unreadable file and still inspects the others', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'inspect-'));
    const missing = path.join(folder, 'nope.hea');
    const io = capture();
    expect(await inspectCommand.run([folder, missing, fixture('ptbxl', '00143_lr.hea'), '--json'], io)).toBe(1);
    const lines = io.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ file: folder, error: { code: 'E_VALIDATION', message: expect.stringMatching(/is a folder where a file is expected$/) } });
    // The path once, as the line's file: the message does not repeat it.
    expect(lines[1]).toEqual({ file: missing, error: { code: 'E_NOT_FOUND', message: 'no such file' } });
    expect(lines[2]).toMatchObject({ format: 'wfdb', fs: 100 });
    expect(io.err).toEqual([]);
  });

  it('prints an unreadable file on stderr in text mode, and only what was read on stdout', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'inspect-'));
    const io = capture();
    expect(await inspectCommand.run([folder, fixture('ptbxl', '00143_lr.hea')], io)).toBe(1);
    expect(io.out).toEqual([expect.stringMatching(/00143_lr\.hea: wfdb, 100 Hz, 1000 samples/)]);
    expect(io.err).toEqual([expect.stringMatching(/^\S+: E_VALIDATION: .* is a folder where a file is expected$/)]);
  });

  // A header naming its leads "ECG 1" … (wfdb-python's test01_00s) printed "leads ECG 1 ECG 2 …": eight names for four
  // leads; and a monitor's plethysmogram (a103l's PLETH, in NU) was listed as one more lead.
  it('counts the leads, separates and quotes names holding a space, and lists a non-ECG channel apart', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'inspect-names-'));
    const header = readFileSync(fixturePath('formats', 'ptbxl', '00143_lr.hea'), 'latin1').replace(/ V5\n/, ' ECG 5\n').replace(/ V6\n/, ' ECG 6\n');
    writeFileSync(path.join(folder, '00143_lr.hea'), header, 'latin1');
    writeFileSync(path.join(folder, '00143_lr.dat'), readFileSync(fixturePath('formats', 'ptbxl', '00143_lr.dat')));
    const io = capture();
    expect(await inspectCommand.run([path.join(folder, '00143_lr.hea')], io)).toBe(0);
    expect(io.out).toEqual([expect.stringMatching(/, 12 leads: I, II, III, aVR, aVL, aVF, V1, V2, V3, V4, "ECG 5", "ECG 6"$/)]);
    expect(leadsText([{ name: 'II' }, { name: 'V' }, { name: 'PLETH', units: 'NU' }])).toBe('2 leads: II, V; 1 other channel (not ECG): PLETH in NU');
    expect(leadsText([{ name: 'sig 0, fmt 8' }])).toBe('1 lead: "sig 0, fmt 8"');
  });

  // A lead's name is whatever the file's header says (here a WFDB signal description), a file's name whatever its maker chose.
  it('writes an escape sequence in a lead name, a file name and an error visibly in text mode; --json keeps them as read', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'inspect-\x1b[2J-'));
    const header = readFileSync(fixturePath('formats', 'ptbxl', '00143_lr.hea'), 'latin1').replace(/ V6\n/, ' V6\x1b[31m red\n');
    writeFileSync(path.join(folder, '00143_lr.hea'), header, 'latin1');
    writeFileSync(path.join(folder, '00143_lr.dat'), readFileSync(fixturePath('formats', 'ptbxl', '00143_lr.dat')));
    const missing = path.join(folder, 'gone\x1b[32m.hea');
    const io = capture();
    expect(await inspectCommand.run([path.join(folder, '00143_lr.hea'), missing], io)).toBe(1);
    expect(io.out).toEqual([expect.stringMatching(/inspect-\\u001b\[2J-.*\/00143_lr\.hea: wfdb, .* 12 leads: I, II, III, aVR, aVL, aVF, V1, V2, V3, V4, V5, "V6\\u001b\[31m red"$/)]);
    expect(io.err).toEqual([expect.stringMatching(/gone\\u001b\[32m\.hea: E_NOT_FOUND: /)]);
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect([...io.out, ...io.err].filter((line) => /[\u0000-\u001f]/.test(line))).toEqual([]);
    const json = capture();
    await inspectCommand.run([path.join(folder, '00143_lr.hea'), '--json'], json);
    expect((JSON.parse(json.out[0]!) as { leads: string[] }).leads.at(-1)).toBe('V6\x1b[31m red');
  });

  // A user checking a file saw neither when it was recorded nor what the cart measured; both are in the files
  // (Philips <dataacquisition date time> / <reportinfo>, <globalmeasurements>), a PTB-XL header holds neither.
  it('prints the recording start as the file states it and the device’s measurements by name and unit, or says there is no start', async () => {
    const io = capture();
    const files = [fixture('philips', '2020-5-18_15-48-11.xml'), fixture('philips', '129DYPRG.XML'), fixture('ptbxl', '00143_lr.hea')];
    expect(await inspectCommand.run(files, io)).toBe(0);
    expect(io.out[0]).toMatch(
      /: philips-xml, 500 Hz, 5500 samples \(11\.00 s\), recorded 2020-05-18T15:48:11, 12 leads: I, .*, V6; device measurements \(Philips PageWriter TC\): Heart rate 64 bpm, PR 164 ms, QRS 102 ms, QT 399 ms, QTc \(Bazett\) 412 ms, QTc \(Fridericia\) 408 ms, P axis 27°, QRS axis 22°, T axis 80°, RR \(mean\) 938 ms, Atrial rate 64 bpm, P duration 104 ms, PR segment 60 ms, QT dispersion 67 ms$/,
    );
    expect(io.out[1]).toMatch(/ recorded 2011-12-01T07:27:34, .*; device measurements \(Philips HeartstartMRx\): .*QTc \(formula not stated\) 393 ms, .*QRS axis -21°, .*Atrial rate 41 bpm, PR segment 66 ms, QT dispersion 27 ms$/);
    expect(io.out[2]).toMatch(/ \(10\.00 s\), recording start not stated, 12 leads: I, II, III, aVR, aVL, aVF, V1, V2, V3, V4, V5, V6$/);
    const json = capture();
    await inspectCommand.run([...files, '--json'], json);
    const [v104, , ptbxl] = json.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(v104).toMatchObject({ startTime: '2020-05-18T15:48:11', deviceMeasurements: { values: { qtcMs: 412, rrMs: 938 }, qtcFormula: 'bazett', otherQtcs: [{ ms: 408, formula: 'fridericia', name: 'qtcf' }] } });
    expect(ptbxl).toMatchObject({ startTime: null, deviceMeasurements: null });
  });

  it('needs --fs/--units/--leads for a bare CSV and reads it with them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inspect-'));
    const csv = path.join(dir, 'raw.csv');
    writeFileSync(csv, '-20,-25,-5\n-30,-34,-4\n');
    const asked = capture();
    expect(await inspectCommand.run([csv, '--json'], asked)).toBe(1);
    expect(JSON.parse(asked.out[0]!)).toMatchObject({ error: { code: 'E_VALIDATION', message: expect.stringMatching(/fs .*units.*leads/) } });
    const answered = capture();
    expect(await inspectCommand.run([csv, '--json', '--fs', '800', '--units', '5', '--leads', 'I,II,III'], answered)).toBe(0);
    expect(JSON.parse(answered.out[0]!)).toMatchObject({ format: 'csv', fs: 800, nSamples: 2 });
  });
});

describe('ecg convert', () => {
  // The --out folder is the user's: printed raw, its escape recoloured the terminal.
  it('prints the written paths with an escape sequence in the --out folder visible', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'convert-')), 'out\x1b[31m\u202e');
    const io = capture();
    expect(await convertCommand.run([fixture('scp', 'default-huffman.scp'), '--to', 'csv', '--out', out], io)).toBe(0);
    expect(io.out).toEqual([path.join(path.dirname(out), 'out\\u001b[31m\\u202e', 'default-huffman.csv')]);
  });

  it('converts an SCP-ECG file to WFDB and to CSV, and the WFDB copy reads back bit-exact', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'convert-'));
    const io = capture();
    expect(await convertCommand.run([fixture('scp', 'default-huffman.scp'), '--to', 'wfdb', '--out', out], io)).toBe(0);
    expect(io.out).toEqual([path.join(out, 'default-huffman.hea'), path.join(out, 'default-huffman.dat')]);
    expect(io.err).toEqual([]); // lossless: no quantisation warning
    const back = capture();
    await inspectCommand.run([path.join(out, 'default-huffman.hea'), '--json'], back);
    expect(JSON.parse(back.out[0]!)).toMatchObject({ format: 'wfdb', fs: 500, nSamples: 1000 });
    const csvIo = capture();
    expect(await convertCommand.run([fixture('scp', 'default-huffman.scp'), '--to', 'csv', '--out', out], csvIo)).toBe(0);
    expect(readFileSync(path.join(out, 'default-huffman.csv'), 'utf8').split('\n')[0]).toBe('time (s),I (mV),II (mV),III (mV),aVR (mV),aVL (mV),aVF (mV),V1 (mV),V2 (mV),V3 (mV),V4 (mV),V5 (mV),V6 (mV)');
  });
});
