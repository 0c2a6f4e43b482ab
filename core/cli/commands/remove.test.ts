import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import { fixturePath } from '../../test/shared-data';
import { importCommand } from './import';
import { removeCommand } from './remove';
import { capture } from '../../test/cli-io';

// ecg remove on a real data folder: the bundled PTB-XL 00001 and 00008 (CC BY 4.0), imported with ecg import.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = (name: string) => path.join(repoRoot, 'resources', 'samples', 'ptbxl', name);

async function remove(args: string[]): Promise<{ code: number; out: string[] }> {
  const io = capture();
  return { code: await removeCommand.run(args, io), out: io.out };
}

describe('ecg remove', () => {
  it('shows the record and removes nothing without --yes; with --reason and --yes removes it, says what went and what it cannot reach, and audits it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-cli-'));
    expect(await importCommand.run([sample('00001_hr.hea'), sample('00008_hr.hea'), '--data-dir', dataDir], capture())).toBe(0);

    const preview = await remove(['2', '--data-dir', dataDir]);
    expect(preview.code).toBe(1);
    expect(preview.out).toEqual([expect.stringMatching(/^record 2: .*00008_hr\.hea \(wfdb, .*content SHA-256 [0-9a-f]{64}\)$/), 'not removed: add --reason TEXT and --yes to confirm']);
    // Exit 1, as nothing was removed (a script's `ecg remove 2 && …` must not go on), and looking is audited as opening it in the app is.
    const looked = new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
    try {
      expect(looked.records.ids({})).toEqual([2, 1]);
      expect(looked.audit.recent(1)[0]).toMatchObject({ action: 'record.viewed', subject: 'record:2' });
    } finally {
      await looked.close();
    }
    await expect(remove(['2', '--yes', '--data-dir', dataDir])).rejects.toThrow(/--reason TEXT is required/);
    await expect(remove(['9', '--yes', '--reason', 'duplicate', '--data-dir', dataDir])).rejects.toThrow(/record 9 does not exist/);
    // The contract's limits, in the flag's words rather than the channel's ('invalid request for records:remove: …').
    await expect(remove(['2', '--yes', '--reason', ' x ', '--data-dir', dataDir])).rejects.toThrow(/^--reason must be 3 to 500 characters \(spaces around it not counted\), got 1$/);
    await expect(remove(['2', '--yes', '--reason', 'x'.repeat(501), '--data-dir', dataDir])).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/got 501$/) });

    const done = await remove(['2', '--reason', 'filed under the wrong patient', '--yes', '--data-dir', dataDir]);
    expect(done.code).toBe(0);
    expect(done.out[0]).toBe('removed record 2 with 0 prediction(s), 0 reading(s), 0 note(s), 0 correction(s) and 0 PE assessment(s) (an amended reading, correction or PE assessment counts once per signed version)');
    expect(done.out[1]).toMatch(/^not reached .*: backups of the data folder made before now \(restoring one brings the record back: make a backup now, from which a restore removes it again with --reapply-removals-from\); files exported from it .*; the audit trail/);

    const engine = new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
    try {
      expect(engine.records.ids({})).toEqual([1]);
      expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'record.removed', subject: 'record:2', details: { reason: 'filed under the wrong patient' } });
    } finally {
      await engine.close();
    }
  });

  // A file's name is whatever its maker chose: printed raw, the escape recoloured the line that says which tracing goes.
  it('writes the file name of the record it would remove with its escape sequence visible', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-cli-'));
    const file = path.join(dataDir, 'ecg\u001b[31m\u202eLMX.xml');
    copyFileSync(fixturePath('formats', 'muse', 'synthetic-latin1.xml'), file);
    expect(await importCommand.run([file, '--data-dir', dataDir], capture())).toBe(0);
    const preview = await remove(['1', '--data-dir', dataDir]);
    expect(preview.out[0]).toMatch(/^record 1: \S*ecg\\u001b\[31m\\u202eLMX\.xml \(muse\S*, patient SYNTH-1, /);
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be printed
    expect(preview.out.filter((line) => /[\u0000-\u001f\u202a-\u202e]/.test(line))).toEqual([]);
  });

  it("removes every record of one patient id for an erasure request, each audited, and no other patient's", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-remove-cli-'));
    // The three SCP-ECG fixtures are tracings of patient SCP-7 (synthetic; see their ATTRIBUTION.md); PTB-XL 00001 is another patient's.
    const scp = (name: string) => path.join(repoRoot, 'core', 'test', 'fixtures', 'formats', 'scp', name);
    expect(await importCommand.run([scp('default-huffman.scp'), scp('custom-huffman.scp'), scp('refbeat.scp'), sample('00001_hr.hea'), '--data-dir', dataDir], capture())).toBe(0);
    const engine = () => new Engine({ dataDir, shell: 'test', policyFile: path.join(dataDir, 'no-policy.json') });
    const before = engine();
    const patientIds = before.records.ids({}).map((id) => [id, before.records.get(id)?.patient.id] as const);
    await before.close();
    const ofPatient = patientIds.filter(([, p]) => p === 'SCP-7').map(([id]) => id);
    expect(ofPatient).toHaveLength(3);

    const preview = await remove(['--patient', 'SCP-7', '--data-dir', dataDir]);
    expect(preview).toEqual({ code: 1, out: [...ofPatient.map(() => expect.stringMatching(/^record \d+: .*scp \(scp.*patient SCP-7/)), 'not removed: add --reason TEXT and --yes to confirm'] });
    await expect(remove(['--patient', 'SCP-8', '--yes', '--reason', 'erasure request', '--data-dir', dataDir])).rejects.toThrow(/no record has patient id 'SCP-8'/);
    await expect(remove(['1', '--patient', 'SCP-7', '--data-dir', dataDir])).rejects.toThrow(/not both/);

    const done = await remove(['--patient', 'SCP-7', '--reason', 'erasure request', '--yes', '--json', '--data-dir', dataDir]);
    expect(done.out.map((l) => (JSON.parse(l) as { id: number }).id).sort()).toEqual([...ofPatient].sort());
    const after = engine();
    try {
      expect(after.records.ids({})).toEqual(patientIds.filter(([, p]) => p !== 'SCP-7').map(([id]) => id));
      expect(after.audit.recent(3).map((e) => [e.action, e.subject])).toEqual(expect.arrayContaining(ofPatient.map((id) => ['record.removed', `record:${id}`])));
    } finally {
      await after.close();
    }
  });
});
