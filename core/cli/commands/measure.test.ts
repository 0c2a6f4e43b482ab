// `ecg measure` end to end on real files: the committed HL7 aECG example (CC0, core/test/fixtures/signal/aecg-example.json)
// written as WFDB, plus an all-zero record and a file that is not an ECG.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { asMillivolts, type EcgRecord } from '../../formats/record';
import { writeWfdb16 } from '../../formats/wfdb/write';
import { loadAecgFixture } from '../../signal/annotated-fixture';
import { fixturePath } from '../../test/shared-data';
import { runCli } from '../../test/cli-io';
import { inspectCommand } from './inspect';
import { measureCommand, measurementJson } from './measure';
import { decodeFiles } from '../../formats/index';
import { loadFilesForDecoding } from '../../formats/load';
import { analyseEcg } from '../../signal/measure';

const dir = mkdtempSync(path.join(tmpdir(), 'ecg-measure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRecord(name: string, leads: { name: string; samples: ArrayLike<number> }[], fs: number): string {
  const record: EcgRecord = {
    fs,
    nSamples: leads[0]?.samples.length ?? 0,
    leads: leads.map((l) => ({ name: l.name, samples: asMillivolts(Float32Array.from(l.samples)), derived: false })),
    missingLeads: [],
    patient: {},
    statements: [],
    source: { format: 'test' },
    warnings: [],
  };
  const { header, data } = writeWfdb16(record, name);
  writeFileSync(path.join(dir, `${name}.hea`), header);
  writeFileSync(path.join(dir, `${name}.dat`), data);
  return path.join(dir, `${name}.hea`);
}

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await measureCommand.run(args, { stdout: (t) => lines.push(t), stderr: (t) => lines.push(`stderr: ${t}`) });
  return { code, lines };
}

const aecg = loadAecgFixture();
const good = writeRecord('aecg', aecg.leads, aecg.fs);
const flat = writeRecord('flat', aecg.leads.map((l) => ({ name: l.name, samples: new Float32Array(5000) })), 500);
const notEcg = path.join(dir, 'notes.txt');
writeFileSync(notEcg, 'not an ECG\n');

describe('ecg measure --json', () => {
  it('prints exactly the specified fields per file, in order, with values', async () => {
    const { code, lines } = await run([good, '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['file', 'heartRateBpm', 'rrMs', 'prMs', 'prBeats', 'qrsMs', 'qtMs', 'qtcMs', 'axisDeg', 'beats', 'quality', 'verdict', 'fs', 'reasons', 'paced', 'pacing', 'caveats', 'statements', 'device']);
    // Written as WFDB: no device's figures travel with it.
    expect(out.device).toBeNull();
    expect(out.paced).toBe(false);
    // The median beat shows the P wave: PR is not measured beat by beat.
    expect(out.prBeats).toBeNull();
    expect(out.caveats).toEqual({});
    const statements = out.statements as { code: string; criterion: string; source: string; evidence: unknown[] }[];
    // The HL7 example: sinus rhythm at 72 bpm with left axis deviation (−61° on the cart).
    expect(statements.map((s) => s.code)).toEqual(expect.arrayContaining(['SR', 'LAD']));
    for (const s of statements) expect(s.source.length > 0 && s.criterion.length > 0 && s.evidence.length > 0).toBe(true);
    expect(Object.keys(out.rrMs as object)).toEqual(['mean', 'sd']);
    expect(Object.keys(out.qtcMs as object)).toEqual(['bazett', 'fridericia', 'framingham', 'hodges']);
    expect(Object.keys(out.axisDeg as object)).toEqual(['p', 'qrs', 't']);
    expect(out.file).toMatch(/aecg\.hea$/);
    expect(out.beats).toHaveLength(12);
    expect(Object.keys(out.quality as object)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect((out.quality as Record<string, unknown>).V1).toEqual({ ok: true, issues: [] });
    expect(out.verdict).toBe('good');
    expect(out.reasons).toEqual({});
    expect(Math.abs((out.qtMs as number) - 420)).toBeLessThanOrEqual(25);
    expect(Number.isInteger(out.qrsMs)).toBe(true);
  });

  it('gives null with a reason for what cannot be measured, and an error line for an unreadable file', async () => {
    const { code, lines } = await run([flat, notEcg, '--json']);
    expect(code).toBe(1);
    const [flatOut, errorOut] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(flatOut).toMatchObject({ heartRateBpm: null, rrMs: { mean: null, sd: null }, prMs: null, qtcMs: { bazett: null }, axisDeg: { qrs: null }, beats: [], verdict: 'unusable' });
    const reasons = flatOut?.reasons as Record<string, string>;
    expect(reasons.qrsMs).toMatch(/no usable lead/);
    expect(reasons.verdict).toMatch(/12 of 12 leads missing or flat/);
    expect(errorOut).toMatchObject({ file: expect.stringMatching(/notes\.txt$/), error: { code: expect.stringMatching(/^E_/) } });
  });

  it('reports a folder among the files as one failure and measures the rest', async () => {
    const folder = mkdtempSync(path.join(dir, 'folder-'));
    const { code, lines } = await run([folder, good, '--json']);
    expect(code).toBe(1);
    const [folderOut, goodOut] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(folderOut).toEqual({ file: folder, error: { code: 'E_VALIDATION', message: expect.stringMatching(/is a folder where a file is expected$/) } });
    expect(goodOut).toMatchObject({ file: expect.stringMatching(/aecg\.hea$/), verdict: 'good' });
  });

  it('prints the error lines on stderr without --json', async () => {
    const { code, lines } = await run([notEcg, path.join(dir, 'nope.hea'), good]);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('stderr: '))).toEqual([expect.stringMatching(/nope\.hea: E_NOT_FOUND: /), expect.stringMatching(/notes\.txt: E_FORMAT: /)]);
    expect(lines.filter((l) => !l.startsWith('stderr: '))).toEqual([expect.stringMatching(/aecg\.hea: HR /)]);
  });

  // PTB-XL 00143 (core/test/fixtures/formats/ptbxl) with its III signal described as 'III ESC[31m red': a lead
  // name is whatever the header says, and the quality line quotes it (that lead wanders).
  it('writes an escape sequence in a lead name the summary quotes, and in a file name, visibly', async () => {
    const folder = mkdtempSync(path.join(dir, 'site\x1b[2J-'));
    const header = readFileSync(fixturePath('formats', 'ptbxl', '00143_lr.hea'), 'latin1').replace(/ III\n/, ' III\x1b[31m red\n');
    writeFileSync(path.join(folder, '00143_lr.hea'), header, 'latin1');
    writeFileSync(path.join(folder, '00143_lr.dat'), readFileSync(fixturePath('formats', 'ptbxl', '00143_lr.dat')));
    const { lines } = await run([path.join(folder, '00143_lr.hea'), path.join(folder, 'gone\x1b[32m.hea')]);
    const text = lines.join('\n');
    expect(text).toContain('site\\u001b[2J-');
    expect(text).toContain('III\\u001b[31m red: baseline wander');
    expect(text).toContain('gone\\u001b[32m.hea: E_NOT_FOUND');
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect(lines.flatMap((l) => l.split('\n')).filter((l) => /[\u0000-\u001f]/.test(l))).toEqual([]);
  });

  it('prints a readable summary without --json, naming each QTc formula', async () => {
    const { lines } = await run([good]);
    expect(lines[0]).toMatch(/HR \d+(\.\d)? bpm, RR \d+/);
    expect(lines[0]).toMatch(/QTc: Bazett \d+ ms, Fridericia \d+ ms, Framingham \d+ ms, Hodges \d+ ms/);
    expect(lines[0]).toMatch(/quality: good/);
  });

  // PTB-XL 00150 (committed CC BY fixture, signal/ptbxl-borderline-pr): PR 202 ms, inside the 10 ms a program's PR may err by.
  it('marks a statement whose value lies within the measurement tolerance of its limit as borderline', async () => {
    const { lines } = await run([fixturePath('signal', 'ptbxl-borderline-pr', '00150_hr.hea'), '--json']);
    const out = JSON.parse(lines[0] as string) as { prMs: number; statements: { code: string; text: string; borderline?: boolean; qualifier?: string }[] };
    const avb = out.statements.find((s) => s.code === '1AVB');
    expect(out.prMs).toBeGreaterThan(200);
    expect(out.prMs).toBeLessThanOrEqual(210);
    expect(avb).toMatchObject({ text: 'Borderline first-degree AV block', borderline: true, qualifier: expect.stringMatching(/^borderline: PR \d+ ms is within 10 ms/) });
  });

  // PTB-XL 00023 (committed CC BY fixture): atrial flutter with 2:1 conduction, a flutter wave before each QRS.
  it('reports no PR and no P axis in atrial flutter, where it printed "PR 170 ms" and "P axis -107°" beside a flutter statement', async () => {
    const flutter = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/signal/ptbxl-flutter/00023_hr.hea');
    const { lines } = await run([flutter, '--json']);
    const out = JSON.parse(lines[0] as string) as { prMs: number | null; prBeats: unknown; axisDeg: { p: number | null; qrs: number | null }; reasons: Record<string, string>; statements: { code: string }[] };
    expect(out.statements.map((s) => s.code)).toContain('AFLT');
    expect(out).toMatchObject({ prMs: null, prBeats: null, axisDeg: { p: null } });
    expect(out.axisDeg.qrs).not.toBeNull();
    expect(out.reasons.prMs).toBe('atrial flutter suspected: no sinus P wave, so no PR interval or P axis (the wave before the QRS is an atrial flutter or fibrillation wave)');
    expect(out.reasons['axisDeg.p']).toBe(out.reasons.prMs);
    const text = await run([flutter]);
    expect(text.lines.join('\n')).toMatch(/PR n\/a,[^]*frontal axis: P n\/a,/);
  });

  // PTB-XL 00191 (committed CC BY fixture), its header's lead III renamed: III was computed from I and II
  // and measured beside the file's own lead, thirteen leads with nothing said.
  it.each(['III (renamed)', 'III-x'])('says that a header lead named %s was not recognised and that the III beside it was computed', async (label) => {
    const from = fixturePath('signal', 'ptbxl-1avb', '00191_hr');
    const folder = mkdtempSync(path.join(dir, 'renamed-'));
    copyFileSync(`${from}.dat`, path.join(folder, '00191_hr.dat'));
    const header = readFileSync(`${from}.hea`, 'utf8');
    expect(header).toMatch(/ 0 III\n/);
    writeFileSync(path.join(folder, '00191_hr.hea'), header.replace(/ 0 III\n/, ` 0 ${label}\n`));
    const file = path.join(folder, '00191_hr.hea');
    const note = `the file's lead ${label} is not recognised as any of the 12 standard leads: kept under the file's name, not taken for III, which is computed from I and II (not recorded)`;
    const out = JSON.parse((await run([file, '--json'])).lines[0] as string) as { quality: Record<string, unknown>; caveats: Record<string, string> };
    expect(Object.keys(out.quality)).toEqual(expect.arrayContaining(['III', label]));
    expect(out.caveats.leadsUnrecognised).toBe(note);
    expect((await run([file])).lines.join('\n')).toContain(`  caution: ${note}`);
    // ecg inspect (and the viewer's record header, which lists the record's warnings) says the same.
    const inspected = JSON.parse((await runCli(inspectCommand, [file, '--json'])).stdout[0] as string) as { leads: string[]; warnings: string[] };
    expect(inspected.leads).toEqual([...['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], label]);
    expect(inspected.warnings).toEqual(['III derived from I and II', note]);
    // The fixture as recorded: its twelve leads, nothing computed, nothing to say.
    const recorded = JSON.parse((await run([`${from}.hea`, '--json'])).lines[0] as string) as { caveats: Record<string, string> };
    expect(recorded.caveats.leadsUnrecognised).toBeUndefined();
  });

  // PhysioNet/CinC 2015 a103l: II, V and a plethysmogram (PLETH, in NU) from a bedside monitor. The pulse wave was
  // measured as an ECG lead: it moved PR and QRS, counted 9 ventricular premature complexes where II and V hold 4,
  // and stood in the quality summary and the flagged-leads caution as a lead measured.
  // Committed under core/test/fixtures/signal/wfdb-python (ODC-By).
  it('measures only the voltage leads, not a plethysmogram stored beside them', async () => {
    const file = fixturePath('signal', 'wfdb-python', 'a103l.hea');
    const out = JSON.parse((await run([file, '--json'])).lines[0] as string) as { file: string; quality: Record<string, unknown>; caveats: Record<string, string> };
    expect(Object.keys(out.quality)).not.toContain('PLETH');
    expect(Object.keys(out.quality)).toEqual(expect.arrayContaining(['II', 'V']));
    expect(JSON.stringify(out.caveats)).not.toContain('PLETH');
    // The same as measuring the record's two ECG leads alone.
    const [outcome] = decodeFiles(loadFilesForDecoding([file, fixturePath('signal', 'wfdb-python', 'a103l.mat')]));
    if (!outcome?.ok) throw new Error('a103l did not decode');
    const ecgOnly = outcome.record.leads.filter((l) => l.name !== 'PLETH');
    expect(ecgOnly.map((l) => l.name)).toEqual(['II', 'V']);
    const alone = measurementJson(out.file, outcome.record, analyseEcg(ecgOnly, outcome.record.fs, { sex: outcome.record.patient.sex }));
    expect(out).toEqual(alone);
  });

  // wfdb-python's test01_00s names its four leads "ECG 1" … "ECG 4": its verdict read "12 of 12 leads missing", yet
  // "Prolonged QTc" stood unqualified beside it, as if measured on a 12-lead tracing's standard leads.
  // Committed under core/test/fixtures/signal/wfdb-python (MIT).
  it('qualifies the interval statements of a record none of whose leads is a standard lead', async () => {
    const out = JSON.parse((await run([fixturePath('signal', 'wfdb-python', 'test01_00s.hea'), '--json'])).lines[0] as string) as { verdict: string; caveats: Record<string, string>; statements: { code: string; category: string; qualifier?: string }[] };
    const unrecognised = 'none of the 4 leads is one of the 12 standard leads (ECG 1, ECG 2, ECG 3 and ECG 4): the intervals are measured on leads of unknown placement, not on the standard leads their limits were set on';
    expect(out.verdict).toBe('unusable');
    expect(out.caveats.leadsUnrecognised).toBe(unrecognised);
    expect(out.statements.find((s) => s.code === 'LNGQT')?.qualifier).toBe(unrecognised);
    // Rate and rhythm read the same on any lead.
    expect(out.statements.find((s) => s.category === 'rhythm')?.qualifier).toBeUndefined();
  });

  it('says so where none of the leads is a standard lead, and not where one is', () => {
    const renamed = aecg.leads.map((l, i) => ({ name: `ECG ${i + 1}`, samples: l.samples }));
    const unnamed = analyseEcg(renamed, aecg.fs);
    expect(unnamed.caveats.leadsUnrecognised).toMatch(/^none of the 12 leads is one of the 12 standard leads \(ECG 1, ECG 2, .* and ECG 12\)/);
    const interval = unnamed.statements.filter((s) => s.category === 'conduction' || s.category === 'repolarisation');
    expect(interval.length).toBeGreaterThan(0);
    for (const s of interval) expect(s.qualifier).toContain(unnamed.caveats.leadsUnrecognised);
    const oneStandard = analyseEcg(renamed.map((l, i) => (i === 1 ? { ...l, name: 'II' } : l)), aecg.fs);
    expect(oneStandard.caveats.leadsUnrecognised).toBeUndefined();
    expect(analyseEcg([{ name: 'ECG', samples: aecg.leads[1]!.samples }], aecg.fs).caveats.leadsUnrecognised).toMatch(/^the 1 lead is not one of the 12 standard leads \(ECG\)/);
  });

  // The committed Philips example (core/test/fixtures/formats/philips, Sierra XML 1.03): the cart
  // states PR 151, QRS 135 (its mean QRS duration; ours ~98), QT 476, QTc 393 without a formula.
  it('prints the device’s figures beside ours, per interval, the difference beyond tolerance flagged as the app’s panel does', async () => {
    const philips = fixturePath('formats', 'philips', '129DYPRG.XML');
    const json = await run([philips, '--json']);
    const out = JSON.parse(json.lines[0] as string) as { prMs: number; qrsMs: number; device: { source: string; rows: { field: string; label: string; ours: number | null; device: number; difference: number | null; beyondTolerance: boolean; note?: string }[] } };
    const row = (field: string) => out.device.rows.find((r) => r.field === field);
    expect(out.device.source).toMatch(/Philips/);
    expect(out.device.rows.map((r) => r.field)).toEqual(['heartRateBpm', 'prMs', 'qrsMs', 'qtMs', 'qtcMs', 'pAxisDeg', 'qrsAxisDeg', 'tAxisDeg', 'atrialRateBpm', 'prSegmentMs', 'qtDispersionMs']);
    // The panel's rows (record-measurements.ts compareWithDevice), ours as printed above them.
    expect(row('prMs')).toMatchObject({ ours: out.prMs, device: 151, difference: out.prMs - 151, beyondTolerance: false });
    expect(row('qrsMs')).toMatchObject({ ours: out.qrsMs, device: 135, difference: out.qrsMs - 135, beyondTolerance: true });
    expect(row('qtcMs')).toMatchObject({ label: 'QTc (formula not stated)', device: 393, note: expect.stringMatching(/does not say which formula/) });
    const { lines } = await run([philips]);
    const device = (lines[0] as string).split('\n').filter((l) => l.startsWith('  device'));
    expect(device[0]).toMatch(/^ {2}device \(Philips[^)]*\), ours \/ device: Heart rate [\d.]+ \/ 41 bpm \([-+]?[\d.]+\), PR \d+ \/ 151 ms \([-+]?\d+\), /);
    expect(device[0]).toContain(`QRS ${out.qrsMs} / 135 ms (${out.qrsMs - 135}, beyond ±20)`);
    expect(device[0]).toMatch(/QRS axis -?\d+° \/ -21° \([-+]?\d+\)/);
    // The cart's atrial rate, PR segment and QT dispersion, which we do not measure: its figures alone, nothing compared.
    expect(device[0]).toMatch(/, Atrial rate n\/a \/ 41 bpm, PR segment n\/a \/ 66 ms, QT dispersion n\/a \/ 27 ms$/);
    expect(device[1]).toMatch(/^ {2}device QTc: The file does not say which formula/);
  });

  it('rejects a call without files', async () => {
    await expect(run(['--json'])).rejects.toThrow(/no FILE given/);
  });
});
