import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderCovers } from '../contract/folder-schemas';
import { checkBackup } from '../storage/backup-check';
import { fixturePath } from '../test/shared-data';
import { Engine } from './engine';

const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function openEngine(dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-folders-data-'))): Engine {
  const engine = new Engine({ dataDir, shell: 'test' });
  engines.push(engine);
  return engine;
}

/** A folder the user may allow, holding a labels CSV, beside a folder they never allowed. */
function siteFolders() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'einthoven-folders-'));
  const allowed = path.join(base, 'ecg');
  const other = path.join(base, 'ecg-other');
  for (const dir of [allowed, other]) mkdirSync(dir);
  writeFileSync(path.join(allowed, 'labels.csv'), 'file,label\n');
  writeFileSync(path.join(other, 'private.csv'), 'file,label\nnot-yours.hea,1\n');
  return { base, allowed, other };
}

const inspect = (engine: Engine, dataset: object) => engine.handle('datasets:inspect', { dataset });

describe('dataset paths are confined to the folders the user allowed (issue 15, item 5)', () => {
  it('refuses every path-taking channel until the folder is allowed, naming the path and never its content', async () => {
    const engine = openEngine();
    const { other } = siteFolders();
    const dataset = { kind: 'csv', root: other, labels: path.join(other, 'private.csv') };
    const refusals = await Promise.all([
      inspect(engine, dataset),
      engine.handle('models:evaluate', { modelId: 'any', dataset }),
      engine.handle('models:compare', { modelId: 'a', otherModelId: 'b', dataset }),
      engine.handle('train:start', { architecture: 'xresnet1d50', dataset, name: 'x' }),
      engine.handle('train:finetune', { baseModelId: 'any', dataset, name: 'x' }),
      engine.handle('train:hpo', { architecture: 'xresnet1d50', dataset, name: 'x', trials: 2 }),
      engine.handle('train:operating-point', { modelId: 'any', dataset, goal: 'rule-out' }),
    ]);
    for (const refused of refusals) {
      expect(refused).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringContaining('not inside a folder you allowed') } });
      expect(JSON.stringify(refused)).not.toContain('not-yours');
    }
  });

  it('reads an allowed folder, and refuses its look-alike sibling, a way out through .., and a link pointing out', async () => {
    const engine = openEngine();
    const data = fixturePath('train', 'ptbxl');
    const { allowed, other } = siteFolders();
    engine.folders.allow(data);
    engine.folders.allow(allowed);
    expect(await inspect(engine, { kind: 'ptbxl', root: data })).toMatchObject({ ok: true, value: { classes: ['NORM', 'MI', 'STTC', 'CD', 'HYP'] } });
    const forbidden = { ok: false, error: { code: 'E_FORBIDDEN' } };
    expect(await inspect(engine, { kind: 'csv', root: other, labels: path.join(allowed, 'labels.csv') })).toMatchObject(forbidden);
    expect(await inspect(engine, { kind: 'csv', root: allowed, labels: path.join(allowed, '..', 'ecg-other', 'private.csv') })).toMatchObject(forbidden);
    symlinkSync(other, path.join(allowed, 'link-out'));
    expect(await inspect(engine, { kind: 'csv', root: path.join(allowed, 'link-out'), labels: path.join(allowed, 'labels.csv') })).toMatchObject(forbidden);
  });

  it('reads a folder of an allowed folder whose name begins with "..", and still refuses .. itself', async () => {
    // '..site' is inside: its relative path begins with the characters '..', not the segment '..'.
    const engine = openEngine();
    const { allowed, other } = siteFolders();
    const dotted = path.join(allowed, '..site');
    mkdirSync(dotted);
    writeFileSync(path.join(dotted, 'labels.csv'), 'file,label\n');
    engine.folders.allow(allowed);
    expect(engine.folders.confinePath(path.join(dotted, 'labels.csv'))).toBe(path.join(realpathSync(dotted), 'labels.csv'));
    expect(() => engine.folders.confinePath(path.join(allowed, '..', path.basename(other), 'private.csv'))).toThrow(expect.objectContaining({ code: 'E_FORBIDDEN' }));
  });

  it('allows only existing folders below a disk root, keeps them across restarts, audits allow and forget', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-folders-data-'));
    const engine = openEngine(dataDir);
    const { allowed, base } = siteFolders();
    expect(await engine.handle('folders:allow', { path: path.parse(base).root })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/whole disk/) } });
    expect(await engine.handle('folders:allow', { path: path.join(allowed, 'labels.csv') })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await engine.handle('folders:allow', { path: path.join(base, 'missing') })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await engine.handle('folders:allow', { path: 'relative/folder' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    // Allowed through a link, the folder is kept by its real path; allowing it twice keeps one entry.
    symlinkSync(allowed, path.join(base, 'via-link'));
    const first = await engine.handle('folders:allow', { path: path.join(base, 'via-link') });
    expect(first).toMatchObject({ ok: true, value: { folder: { path: allowed }, asked: path.join(base, 'via-link') } });
    expect(await engine.handle('folders:allow', { path: allowed })).toMatchObject({ ok: true, value: { folder: (first as { value: { folder: object } }).value.folder } });
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'folder.allowed', details: { path: allowed } });

    await engine.close();
    engines.splice(engines.indexOf(engine), 1);
    const reopened = openEngine(dataDir);
    expect(await reopened.handle('folders:list', {})).toMatchObject({ ok: true, value: { folders: [{ path: allowed }] } });
    expect(await reopened.handle('folders:forget', { path: allowed })).toEqual({ ok: true, value: { forgotten: true } });
    expect(await reopened.handle('folders:forget', { path: allowed })).toEqual({ ok: true, value: { forgotten: false } });
    expect(reopened.audit.recent(1)[0]).toMatchObject({ action: 'folder.forgotten', details: { path: allowed } });
    expect(await inspect(reopened, { kind: 'csv', root: allowed, labels: path.join(allowed, 'labels.csv') })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
  });
});

describe('folderCovers (the form\'s preview of the engine\'s rule)', () => {
  it('matches whole path segments, either separator, Windows drives without case, and never ..', () => {
    expect(folderCovers('/data/ecg', '/data/ecg')).toBe(true);
    expect(folderCovers('/data/ecg/', '/data/ecg/site/labels.csv')).toBe(true);
    expect(folderCovers('/data/ecg', '/data/ecg-other/labels.csv')).toBe(false);
    expect(folderCovers('/data/ecg', '/data/ecg/../secrets')).toBe(false);
    expect(folderCovers('C:\\ECG', 'c:/ecg/site')).toBe(true);
    expect(folderCovers('/', '/etc/passwd')).toBe(false);
  });
});

describe('a backup from the app is written only into an allowed folder', () => {
  it('refuses a folder never allowed and a link leading out; writes a checked, audited backup into a new folder inside an allowed one', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-folders-data-'));
    const engine = openEngine(dataDir);
    const { allowed, other } = siteFolders();
    const forbidden = { ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringContaining('not inside a folder you allowed') } };
    expect(await engine.handle('data:backup', { to: path.join(other, 'backup') })).toMatchObject(forbidden);
    engine.folders.allow(allowed);
    // A link inside the allowed folder that points out of it: the new folder would land outside.
    symlinkSync(other, path.join(allowed, 'to-other'));
    expect(await engine.handle('data:backup', { to: path.join(allowed, 'to-other', 'backup') })).toMatchObject(forbidden);
    expect(existsSync(path.join(other, 'backup'))).toBe(false);
    // Not empty (it holds the labels CSV): nothing is written over.
    expect(await engine.handle('data:backup', { to: allowed })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });

    const to = path.join(allowed, 'einthoven-backup');
    const made = await engine.handle('data:backup', { to });
    expect(made).toMatchObject({ ok: true, value: { to, records: 0, notAudited: null, leftOut: [expect.stringMatching(/^keys\//), expect.stringMatching(/^checkpoints\//), expect.stringMatching(/^logs\//)] } });
    expect(await checkBackup(to)).toMatchObject({ ok: true });
    expect(engine.audit.recent(1)[0]).toMatchObject({ actor: 'user', action: 'data.backup', details: { to } });
  });
});
