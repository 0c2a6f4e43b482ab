import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestOf } from '../../core/contract/channels';
import type { Db } from '../../core/db/database';
import { FiducialCorrectionStore } from '../../core/db/fiducial-corrections';
import { TracingNoteStore } from '../../core/db/tracing-notes';
import { Engine } from '../../core/engine/engine';
import { seedModel, seedWorklist } from '../../core/test/worklist-seed';
import type { BenchArea } from './main';

/**
 * The worklist with 10,000 records in the database (a reading on every third, a prediction on
 * every other, a reader's fiducial correction on every seventh, notes on every fifth): the time the engine takes to answer records:list — count and first page of 200 —
 * for each sort and filter the UI offers, through the same validated channel the UI calls.
 * Reference, measured side by side: the bare SQLite page (no join, no filter) of the same table.
 */
const queries: Record<string, RequestOf<'records:list'>> = {
  'newest first (default)': {},
  'sort by recording date': { sort: 'recorded', order: 'asc' },
  'sort by patient': { sort: 'patient', order: 'asc' },
  'sort by status': { sort: 'status', order: 'desc' },
  'search text': { search: 'hypertrophy' },
  'recorded in 2021': { recordedFrom: '2021-01-01', recordedTo: '2021-12-31' },
  'female, 40–60 y': { sex: 'F', ageMin: 40, ageMax: 60 },
  'read by Dr. B': { reader: 'Dr. B' },
  unconfirmed: { review: 'unconfirmed' },
  'MI flagged by seed-model': { flagged: { modelId: seedModel.id, className: 'MI' } },
  'MI flagged, female, unconfirmed, by date': { flagged: { modelId: seedModel.id, className: 'MI' }, sex: 'F', review: 'unconfirmed', sort: 'recorded' },
  'MI flagged, ranked by its probability': { flagged: { modelId: seedModel.id, className: 'MI' }, sort: 'probability', order: 'desc' },
  'MI, most uncertain first (every record)': { flagged: { modelId: seedModel.id, className: 'MI' }, sort: 'uncertainty', order: 'asc' },
  'measurements corrected by a reader': { corrected: true },
  'with notes on the tracing': { withNotes: true },
  "program's measurements, no notes, unconfirmed": { corrected: false, withNotes: false, review: 'unconfirmed' },
  'last page': { offset: 9800 },
};

/**
 * Corrections and notes on some of the seeded records, with the rows a reader's history leaves:
 * every 14th correction taken back (its newest row is empty), every 10th record's note retracted.
 */
function seedReaderWork(db: Db, ids: readonly number[]): void {
  const corrections = new FiducialCorrectionStore(db);
  const notes = new TracingNoteStore(db);
  db.transaction(() => {
    ids.forEach((recordId, i) => {
      if (i % 7 === 0) {
        const first = corrections.insert({ recordId, boundaries: { pOnset: -190 }, beats: { added: [], removed: [] }, reader: 'Dr. A', note: '', supersedes: null });
        if (i % 14 === 0) corrections.insert({ recordId, boundaries: {}, beats: { added: [], removed: [] }, reader: 'Dr. A', note: '', supersedes: first.id });
      }
      if (i % 5 === 0) {
        const note = notes.add({ recordId, atS: 2, lead: null, text: 'artefact', author: 'Dr. B' });
        if (i % 10 === 0) notes.retract(recordId, note.id, 'Dr. B');
      }
    });
  })();
}

async function medianMs(runs: number, once: () => Promise<unknown> | unknown): Promise<number> {
  await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await once();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Number(times.sort((a, b) => a - b)[times.length >> 1]!.toFixed(2));
}

export const area: BenchArea = {
  name: 'worklist',
  summary: 'records:list (count + page of 200) with 10,000 records, each sort and filter',
  async bench({ args, log }) {
    const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
    const runs = 15;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-bench-worklist-'));
    const engine = new Engine({ dataDir: dir, shell: 'cli' });
    try {
      const t0 = Date.now();
      seedReaderWork(engine.db, seedWorklist(engine.db, count).ids);
      log(`seeded ${count} records in ${Date.now() - t0} ms`);
      const bare = engine.db.prepare('SELECT * FROM records ORDER BY id DESC LIMIT 200');
      const referenceMs = await medianMs(runs, () => bare.all());
      const listMs: Record<string, number> = {};
      for (const [name, query] of Object.entries(queries)) {
        listMs[name] = await medianMs(runs, async () => {
          const result = await engine.handle('records:list', { limit: 200, ...query });
          if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
        });
        log(`${name}: ${listMs[name]} ms`);
      }
      const idsMs = await medianMs(runs, () => engine.handle('records:ids', { review: 'unconfirmed' }));
      const maxMs = Math.max(...Object.values(listMs), idsMs);
      return { records: count, runs, listMs, idsAllUnconfirmedMs: idsMs, maxMs, referenceBarePageMs: referenceMs, maxOverReference: Number((maxMs / referenceMs).toFixed(1)), goalMs: 100, load: os.loadavg().map((l) => Number(l.toFixed(2))) };
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
