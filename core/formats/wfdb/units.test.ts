import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { RecordStore } from '../../db/records';
import { decodeFiles } from '../index';

/** A monitor record: lead II in mV and arterial blood pressure in mmHg (as MIMIC and bedside monitors store them). */
function monitorRecord() {
  const frames = Array.from({ length: 500 }, (_, i) => [Math.round(200 * Math.sin(i / 20)), Math.round(100 * (80 + 40 * Math.max(0, Math.sin(i / 40))))]);
  const header = 'bp 2 250 500\nbp.dat 16 200/mV 16 0 0 0 0 II\nbp.dat 16 100/mmHg 16 0 0 0 0 ABP\n';
  return [
    { name: 'bp.hea', bytes: new TextEncoder().encode(header) },
    { name: 'bp.dat', bytes: new Uint8Array(new Int16Array(frames.flat()).buffer) },
  ];
}

describe('channels that are not a voltage', () => {
  it('keep their unit on the lead, through the database, so the viewer can draw them apart', () => {
    const [outcome] = decodeFiles(monitorRecord());
    if (!outcome?.ok) throw new Error('the monitor record did not decode');
    const abp = outcome.record.leads.find((l) => l.name === 'ABP');
    expect(abp?.units).toBe('mmHg');
    expect(Math.max(...(abp?.samples ?? []))).toBeCloseTo(120, 0);
    expect(outcome.record.leads.find((l) => l.name === 'II')?.units).toBeUndefined();
    const { db } = openDatabase(':memory:');
    const store = new RecordStore(db);
    const id = store.insert(outcome.record, 'hash-bp', 'bp.hea');
    expect(store.get(id)?.leads).toEqual([{ name: 'II', derived: false }, { name: 'ABP', derived: false, units: 'mmHg' }]);
    db.close();
  });
});
