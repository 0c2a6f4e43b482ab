import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecgRateRefused, type PeAssessment } from '../contract/pe-schemas';
import { parseResponse } from '../contract/result';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import { Engine } from './engine';
import { engineValue, fixtureRecordFiles, importedRecordId } from '../test/engine-value';

/**
 * A PE entry's heart rate said to be the ECG's, through the real engine: real SQLite, a real
 * PTB-XL record measured as records:measure measures it, and a flat tracing with no rate.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-pe-rate-'));
let engine: Engine;

const value = <T>(channel: string, request: object): Promise<T> => engineValue<T>(engine, channel, request);

let recordId: number;
let flatId: number;

beforeAll(async () => {
  engine = new Engine({ dataDir, shell: 'test' });
  recordId = await importedRecordId(engine, { files: fixtureRecordFiles('00001_lr') });
  const flat = new Uint8Array(Buffer.from('0.01,0.01,0.01\n'.repeat(1500)));
  flatId = await importedRecordId(engine, { files: [{ name: 'flat.csv', bytes: flat }], csv: { fs: 500, units: 'mV', leads: ['I', 'II', 'III'] } });
});

afterAll(async () => {
  await engine.close();
});

const current = async (id: number) => (await value<{ items: PeAssessment[] }>('pe:list', { recordId: id })).items[0]?.id;
const refused = (pattern: RegExp) => ({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(pattern), reason: 'heart-rate-not-ecg' } });

/** Whether the PE form, given what pe:assess answered as the bridge hands it over (parseResponse), takes it for a refusal of the ECG's rate. */
async function formSeesEcgRateRefused(request: object): Promise<boolean> {
  const answer = parseResponse('pe:assess', JSON.parse(JSON.stringify(await engine.handle('pe:assess', request))));
  return !answer.ok && ecgRateRefused(answer.error);
}

describe("pe:assess takes a heart rate as the ECG's only when it is the record's measured rate", () => {
  it("stores the measured rate, rounded as the form offers it, as the ECG's; refuses another rate naming both, storing nothing", async () => {
    const measured = await value<RecordMeasurements>('records:measure', { id: recordId });
    const unrounded = measured.heartRateBpm as number;
    const rate = Math.round(unrounded);
    expect(unrounded).not.toBe(rate);
    // A typed neighbour, and the unrounded rate: the form offers (and takes) the rounded one only.
    for (const typed of [rate + 1, unrounded]) {
      const message = new RegExp(`^heartRateSource 'ecg' says the heart rate ${String(typed).replace('.', '\\.')}/min is the ECG's, but record ${recordId}'s measured rate is ${rate}/min; .*send heartRateSource 'entered'`);
      expect(await engine.handle('pe:assess', { recordId, items: { heartRateBpm: typed }, heartRateSource: 'ecg', assessor: 'Dr. R' }), String(typed)).toMatchObject(refused(message));
    }
    expect(await current(recordId)).toBeUndefined();

    const entry = await value<PeAssessment>('pe:assess', { recordId, items: { heartRateBpm: rate }, heartRateSource: 'ecg', assessor: 'Dr. R' });
    expect(entry).toMatchObject({ items: { heartRateBpm: rate }, heartRateSource: 'ecg' });
    expect(engine.audit.recent(1)[0]).toMatchObject({ action: 'pe.scores.entered', details: { items: { heartRateBpm: rate }, heartRateSource: 'ecg' } });
    // The same number typed is the clinician's own: accepted as 'entered'.
    const typed = await value<PeAssessment>('pe:assess', { recordId, items: { heartRateBpm: rate + 1 }, heartRateSource: 'entered', assessor: 'Dr. R', supersedes: entry.id });
    expect(typed.heartRateSource).toBe('entered');
  });

  it("checks against the rate under the record's current fiducial correction, as the viewer shows it", async () => {
    const program = await value<RecordMeasurements>('records:measure', { id: recordId });
    const corrected = await value<RecordMeasurements>('records:correct-fiducials', { id: recordId, boundaries: {}, beats: { removed: [program.beats[3]] }, reader: 'Dr. A' });
    const [before, after] = [program, corrected].map((m) => Math.round(m.heartRateBpm as number));
    expect(after).not.toBe(before);
    const supersedes = await current(recordId);
    expect(await engine.handle('pe:assess', { recordId, items: { heartRateBpm: before }, heartRateSource: 'ecg', assessor: 'Dr. R', supersedes })).toMatchObject(refused(new RegExp(`measured rate is ${after}/min`)));
    // The form knows this refusal by its reason, carried across the bridge, not by the message's wording; other refusals of pe:assess are not it.
    expect(await formSeesEcgRateRefused({ recordId, items: { heartRateBpm: before }, heartRateSource: 'ecg', assessor: 'Dr. R', supersedes })).toBe(true);
    expect(await formSeesEcgRateRefused({ recordId, items: { heartRateBpm: after }, heartRateSource: 'ecg', assessor: 'Dr. R', supersedes: (supersedes ?? 0) + 100 })).toBe(false);
    expect(await formSeesEcgRateRefused({ recordId, items: {}, heartRateSource: 'ecg', assessor: 'Dr. R', supersedes })).toBe(false);
    expect(await value<PeAssessment>('pe:assess', { recordId, items: { heartRateBpm: after }, heartRateSource: 'ecg', assessor: 'Dr. R', supersedes })).toMatchObject({ heartRateSource: 'ecg' });
  });

  it("refuses 'ecg' on a record with no measured rate, saying why; a typed rate is stored", async () => {
    expect((await value<RecordMeasurements>('records:measure', { id: flatId })).heartRateBpm).toBeNull();
    expect(await engine.handle('pe:assess', { recordId: flatId, items: { heartRateBpm: 80 }, heartRateSource: 'ecg', assessor: 'Dr. R' })).toMatchObject(
      refused(new RegExp(`^heartRateSource 'ecg' says the heart rate 80/min is the ECG's, but record ${flatId} has no measured rate \\(.+\\); send heartRateSource 'entered'`)),
    );
    expect(await formSeesEcgRateRefused({ recordId: flatId, items: { heartRateBpm: 80 }, heartRateSource: 'ecg', assessor: 'Dr. R' })).toBe(true);
    expect(await current(flatId)).toBeUndefined();
    expect(await value<PeAssessment>('pe:assess', { recordId: flatId, items: { heartRateBpm: 80 }, heartRateSource: 'entered', assessor: 'Dr. R' })).toMatchObject({ heartRateSource: 'entered' });
    expect(await engine.handle('pe:assess', { recordId: 999, items: { heartRateBpm: 80 }, heartRateSource: 'ecg', assessor: 'Dr. R' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', message: 'record 999 does not exist' } });
    expect(await formSeesEcgRateRefused({ recordId: 999, items: { heartRateBpm: 80 }, heartRateSource: 'entered', assessor: 'Dr. R' })).toBe(false);
  });
});
