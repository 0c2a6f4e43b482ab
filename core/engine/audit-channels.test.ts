import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnchor } from '../db/audit-anchor';
import { writeBackup } from '../storage/backup';
import { restoreBackup } from '../storage/backup-check';
import { Engine } from './engine';

describe('audit:head and audit:export-anchor (the app shows and anchors the head)', () => {
  it('returns the verified head, writes an anchor that verifies the trail, and audits the export', async () => {
    const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-ch-')), shell: 'test' });
    try {
      engine.audit.append('user', 'display.calibrated', null, { screenScale: 1.1 });
      const head = await engine.handle('audit:head', {});
      expect(head).toMatchObject({ ok: true, value: { ok: true, entries: 1, lastId: 1, head: expect.stringMatching(/^[0-9a-f]{64}$/), problem: null } });
      const exported = await engine.handle('audit:export-anchor', {});
      expect(exported).toMatchObject({ ok: true, value: { lastId: 1, signedBy: null } });
      const { file } = (exported as { value: { file: string } }).value;
      const info = (await engine.handle('app:info', {})) as { value: { dataDir: string } };
      expect(path.dirname(file)).toBe(path.join(info.value.dataDir, 'exports'));
      const anchor = parseAnchor(readFileSync(file, 'utf8'), file);
      expect(engine.audit.verify([anchor])).toMatchObject({ ok: true, entries: 2 });
      expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'audit.anchor-exported', details: { lastId: 1 } });
    } finally {
      await engine.close();
    }
  });
});

describe('audit:head reads only what was added since its last call', () => {
  it('is whole at the first call, then incremental; an anchor export is a whole check; a restored folder starts whole again', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-inc-'));
    const engine = new Engine({ dataDir, shell: 'test' });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'einthoven-audit-inc-backup-'));
    try {
      for (let i = 0; i < 3; i++) engine.audit.append('user', 'display.calibrated', null, { screenScale: 1 + i / 10 });
      expect(await engine.handle('audit:head', {})).toMatchObject({ ok: true, value: { ok: true, mode: 'full', checked: 3, entries: 3, checkedSinceWhole: 0, wholeVerifiedAt: expect.any(String) } });
      engine.audit.append('user', 'display.calibrated', null, { screenScale: 1.5 });
      expect(await engine.handle('audit:head', {})).toMatchObject({ ok: true, value: { ok: true, mode: 'incremental', checked: 1, entries: 4, checkedSinceWhole: 1 } });
      // Exporting an anchor verifies the whole trail (and appends its own entry): the count starts again.
      expect(await engine.handle('audit:export-anchor', {})).toMatchObject({ ok: true });
      expect(await engine.handle('audit:head', {})).toMatchObject({ ok: true, value: { mode: 'incremental', checked: 1, entries: 5, checkedSinceWhole: 1 } });
      await writeBackup(dataDir, path.join(tmp, 'backup'));
    } finally {
      await engine.close();
    }
    const restoredDir = path.join(tmp, 'restored');
    await restoreBackup(path.join(tmp, 'backup'), restoredDir, 'cli');
    const restored = new Engine({ dataDir: restoredDir, shell: 'test' });
    try {
      // The restored trail (plus its data.restored entry) is another database: read whole, nothing remembered.
      expect(await restored.handle('audit:head', {})).toMatchObject({ ok: true, value: { ok: true, mode: 'full', checked: 6, entries: 6, checkedSinceWhole: 0 } });
    } finally {
      await restored.close();
    }
  });
});

describe('path-taking channels do not echo file content', () => {
  it('datasets:inspect on a file that is not a labels CSV says where and why, never what the file holds', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-echo-'));
    const secret = path.join(dir, 'secret.csv');
    // A parser quoting the cell it failed on would hand the cell to whoever asked (here: the age column).
    writeFileSync(secret, 'file,label,age\nrecord.hea,1,secret-password-hash\n');
    const engine = new Engine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'einthoven-echo-data-')), shell: 'test' });
    try {
      engine.folders.allow(dir);
      const result = await engine.handle('datasets:inspect', { dataset: { kind: 'csv', root: dir, labels: secret } });
      expect(result.ok).toBe(false);
      const message = (result as { error: { message: string } }).error.message;
      expect(message).toMatch(/secret\.csv row 2: age \(…\) is not a number of years/);
      expect(message).not.toMatch(/secret-password/);
    } finally {
      await engine.close();
    }
  });
});
