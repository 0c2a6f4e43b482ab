import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFiles } from '../data/records';
import { SignalStore } from '../data/store';
import type { DatasetItem } from '../data/types';
import { recordProfile, type RecordProfile } from '../engine/record-profile';
import { fixturePath, sharedData, sharedDataPath } from '../test/shared-data';
import { smallPipeline } from '../test/small-pipeline';
import { profileSimilarity, sameRecordingCorrelation, sameRecordingPairs, type CopySearchCost } from './rate-copies';

const wfdb = (hea: string) => [hea, hea.replace(/\.hea$/, '.dat')];
const lowRate = fixturePath('train', 'ptbxl', 'records100', '00000', '00001_lr.hea');
const highRate = fixturePath('train', 'ptbxl-500', 'records500', '00000', '00001_hr.hea');
const other = fixturePath('train', 'ptbxl', 'records100', '00000', '00002_lr.hea');

async function profileOf(hea: string): Promise<RecordProfile> {
  const profile = recordProfile(await decodeRecordFiles(wfdb(hea)));
  if (!profile) throw new Error(`${hea}: no profile`);
  return profile;
}

const item = (hea: string): DatasetItem => ({ id: path.basename(hea), files: wfdb(hea), labels: [0], split: 'train' });

describe('the same recording at two sampling rates', () => {
  it('pairs PTB-XL 00001 at 100 Hz with itself at 500 Hz, and not with 00002', async () => {
    const [low, high, second] = await Promise.all([profileOf(lowRate), profileOf(highRate), profileOf(other)]);
    expect(profileSimilarity(low, high)).toBeGreaterThan(0.99);
    expect(profileSimilarity(low, second)).toBeLessThan(0.5);
    expect(sameRecordingPairs([low, second, high])).toEqual([[0, 2]]);
    expect(sameRecordingPairs([low, second, undefined])).toEqual([]);
  });

  it('keeps each record\'s profile through the disk cache, so a cached run still finds the copy', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'einthoven-profile-cache-'));
    const items = [item(lowRate), item(highRate)];
    const first = await SignalStore.build(items, { pipeline: smallPipeline(), cacheDir });
    const again = await SignalStore.build(items, { pipeline: smallPipeline(), cacheDir });
    expect(again.profile('00001_hr.hea')?.samples).toEqual(first.profile('00001_hr.hea')?.samples);
    expect(sameRecordingPairs(items.map((i) => again.profile(i.id)))).toEqual([[0, 1]]);
  });
});

/**
 * Every file of the shared pool (456 records at 100 and 500 Hz): the measurement behind
 * `sameRecordingCorrelation`. PTB-XL itself holds five records twice under two ecg_ids (README:
 * 137/138 and 143/144; also 145/463, 456/457, 459/460, byte-identical at 500 Hz): those are one
 * recording each, and are expected to pair too.
 */
describe.runIf(sharedData)('every 100/500 Hz pair of the PTB-XL pool (../shared)', () => {
  const sameInSource = new Set(['00137,00138', '00143,00144', '00145,00463', '00456,00457', '00459,00460']);
  const sameRecording = (a: string, b: string) => a === b || sameInSource.has([a, b].sort().join());

  it('finds each, no pair of different recordings, and correlates few pairs', async () => {
    const rows: { ecgId: string; profile: RecordProfile }[] = [];
    for (const folder of ['records100', 'records500']) {
      const dir = sharedDataPath('ptbxl-pool', folder, '00000');
      for (const name of (await readdir(dir)).filter((n) => n.endsWith('.hea')).sort()) rows.push({ ecgId: name.slice(0, 5), profile: await profileOf(path.join(dir, name)) });
    }
    const cost: CopySearchCost = { keyChecks: 0, correlations: 0 };
    const found = sameRecordingPairs(rows.map((r) => r.profile), cost);
    const expected: string[] = [];
    let closestDifferent = -1;
    let weakestSame = 1;
    rows.forEach((a, i) => rows.slice(i + 1).forEach((b, k) => {
      if (sameRecording(a.ecgId, b.ecgId)) {
        expected.push(`${i},${i + 1 + k}`);
        weakestSame = Math.min(weakestSame, profileSimilarity(a.profile, b.profile));
      } else closestDifferent = Math.max(closestDifferent, profileSimilarity(a.profile, b.profile));
    }));
    expect(rows).toHaveLength(912);
    expect(found.map((p) => p.join(',')).sort()).toEqual(expected.sort());
    // The gap the threshold sits in (measured: weakest copy 0.9937, closest different recordings 0.4875).
    expect(weakestSame).toBeGreaterThan(0.99);
    expect(closestDifferent).toBeLessThan(0.5);
    expect(sameRecordingCorrelation).toBeGreaterThan(closestDifferent);
    // Bounded: 415,416 pairs in all; keys compared for under a tenth, correlations barely more than the copies.
    expect(cost.keyChecks).toBeLessThan(41_542);
    expect(cost.correlations).toBeLessThan(found.length + 20);
  }, 120_000);
});
