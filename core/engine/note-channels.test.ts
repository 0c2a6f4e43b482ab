import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobFinished } from '../contract/channels';
import type { TracingNote } from '../contract/note-schemas';
import { Engine } from './engine';

// notes:add / notes:list / notes:retract on the real engine and SQLite, on the bundled PTB-XL 00001 (CC BY 4.0; 10 s, 12 leads).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sample = (name: string) => ({ name: `upload/${name}`, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'resources', 'samples', 'ptbxl', name))) });

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function engineWithRecord(): Promise<{ engine: Engine; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-notes-'));
  const engine = new Engine({ dataDir, shell: 'test' });
  engines.push(engine);
  const started = await engine.handle('records:import', { files: [sample('00001_hr.hea'), sample('00001_hr.dat')] });
  if (!started.ok) throw new Error(started.error.message);
  const { jobId } = started.value as { jobId: string };
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((event, payload) => event === 'jobs:finished' && (payload as JobFinished).jobId === jobId && (off(), resolve()));
  });
  return { engine, dataDir };
}

async function value<T>(engine: Engine, channel: string, request: object): Promise<T> {
  const result = await engine.handle(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

describe('notes on the tracing', () => {
  it('adds notes in time order, audits them without their words, takes one back, and keeps both on file', async () => {
    const { engine, dataDir } = await engineWithRecord();
    const late = await value<TracingNote>(engine, 'notes:add', { recordId: 1, atS: 7.25, lead: 'V2', text: 'ST elevation here?', author: ' Dr. A ' });
    const early = await value<TracingNote>(engine, 'notes:add', { recordId: 1, atS: 1.5, text: 'artefact', author: 'Dr. A' });
    expect(late).toMatchObject({ recordId: 1, atS: 7.25, lead: 'V2', text: 'ST elevation here?', author: 'Dr. A' });
    expect(early.lead).toBeNull();
    expect(await value(engine, 'notes:list', { recordId: 1 })).toEqual({ items: [early, late], lastAuthor: 'Dr. A' });
    const added = engine.audit.recent(1)[0];
    expect(added).toMatchObject({ actor: 'Dr. A', action: 'record.note.added', subject: 'record:1', details: { note: early.id, atS: 1.5, lead: null } });
    expect(JSON.stringify(added?.details)).not.toContain('artefact');

    expect(await value(engine, 'notes:retract', { recordId: 1, noteId: late.id, author: 'Dr. B' })).toEqual({ retracted: late.id });
    expect(engine.audit.recent(1)[0]).toMatchObject({ actor: 'Dr. B', action: 'record.note.retracted', details: { note: late.id, wrote: 'Dr. A' } });
    expect(await engine.handle('notes:retract', { recordId: 1, noteId: late.id, author: 'Dr. B' })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    await engine.close();
    engines.splice(0);
    const reopened = new Engine({ dataDir, shell: 'test' });
    engines.push(reopened);
    expect(await value(reopened, 'notes:list', { recordId: 1 })).toEqual({ items: [early], lastAuthor: 'Dr. B' });
    expect(reopened.db.prepare('SELECT count(*) FROM tracing_notes').pluck().get()).toBe(3);
    expect(() => reopened.db.prepare(`UPDATE tracing_notes SET text = 'x'`).run()).toThrow(/immutable/);
  });

  it('refuses a note outside the recording, on a lead it lacks, empty or unnamed, and a note of another record', async () => {
    const { engine } = await engineWithRecord();
    const note = await value<TracingNote>(engine, 'notes:add', { recordId: 1, atS: 2, text: 'x', author: 'Dr. A' });
    for (const [channel, request, code, message] of [
      ['notes:add', { recordId: 1, atS: 10.5, text: 'late', author: 'Dr. A' }, 'E_VALIDATION', /after the end of the recording \(10\.00 s\)/],
      ['notes:add', { recordId: 1, atS: 1, lead: 'V7', text: 'x', author: 'Dr. A' }, 'E_VALIDATION', /has no lead V7/],
      ['notes:add', { recordId: 1, atS: 1, text: '   ', author: 'Dr. A' }, 'E_VALIDATION', /the note is empty/],
      ['notes:add', { recordId: 1, atS: 1, text: 'x', author: '' }, 'E_VALIDATION', /the author must be named/],
      ['notes:add', { recordId: 1, atS: -1, text: 'x', author: 'Dr. A' }, 'E_VALIDATION', /atS/],
      ['notes:add', { recordId: 2, atS: 1, text: 'x', author: 'Dr. A' }, 'E_NOT_FOUND', /record 2/],
      ['notes:retract', { recordId: 2, noteId: note.id, author: 'Dr. A' }, 'E_NOT_FOUND', /record 2 has no note/],
      ['notes:list', { recordId: 2 }, 'E_NOT_FOUND', /record 2/],
    ] as const) {
      expect(await engine.handle(channel, request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    }
    expect((await value<{ items: TracingNote[] }>(engine, 'notes:list', { recordId: 1 })).items).toEqual([note]);
  });
});
