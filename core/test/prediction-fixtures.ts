import path from 'node:path';
import { decodeRecordFiles } from '../data/records';
import { asMillivolts, type EcgRecord } from '../formats/record';
import { ptbxlFixtureRecords } from './scope-pool';
import { fixturePath } from './shared-data';

/**
 * The records a prediction's whole output is held to (core/train/predictor-equivalence.test.ts,
 * written by scripts/train/prediction-golden.ts): the PTB-XL records among the fixtures, and of
 * four of them (100 and 500 Hz, paced and not) copies on which the quality gate and the scope check
 * read different leads, or the same leads differently: noisy, cut short, three leads, the leads in
 * reverse order, V3 flat, the lead names in lower case. Keyed by the fixture's path under
 * core/test/fixtures, then the copy.
 */
export async function predictionCases(): Promise<{ key: string; record: EcgRecord }[]> {
  const out: { key: string; record: EcgRecord }[] = [];
  for (const { hea } of ptbxlFixtureRecords()) {
    const record = await decodeRecordFiles([hea, hea.replace(/\.hea$/, '.dat')]);
    const key = path.relative(fixturePath(), hea).replace(/\.hea$/, '');
    out.push({ key, record });
    if (!varied.some((v) => key.endsWith(v))) continue;
    for (const [name, copy] of Object.entries(variants)) out.push({ key: `${key}, ${name}`, record: copy(record) });
  }
  return out;
}

const varied = ['train/ptbxl/records100/00000/00001_lr', 'formats/ptbxl/00143_lr', 'train/ptbxl-500/records500/00000/00001_hr', 'signal/ptbxl-paced/00143_hr'];

const withLeads = (record: EcgRecord, leads: EcgRecord['leads']): EcgRecord => ({ ...record, leads });

const variants: Record<string, (record: EcgRecord) => EcgRecord> = {
  '8 leads noisy': (r) => withLeads(r, r.leads.map((l, k) => (k < 8 ? { ...l, samples: asMillivolts(l.samples.map(noise(12345 + k, 0.4))) } : l))),
  'first 3 s': (r) => ({ ...withLeads(r, r.leads.map((l) => ({ ...l, samples: asMillivolts(l.samples.slice(0, 3 * r.fs)) }))), nSamples: 3 * r.fs }),
  '3 leads': (r) => withLeads(r, r.leads.slice(0, 3)),
  'leads reversed': (r) => withLeads(r, [...r.leads].reverse()),
  'V3 flat': (r) => withLeads(r, r.leads.map((l) => (l.name === 'V3' ? { ...l, samples: asMillivolts(new Float32Array(l.samples.length)) } : l))),
  'names lower-case': (r) => withLeads(r, r.leads.map((l) => ({ ...l, name: l.name.toLowerCase() }))),
};

/** Adds deterministic white noise of ±`mv` (a linear congruential generator seeded with `seed`). */
function noise(seed: number, mv: number): (v: number) => number {
  let s = seed;
  return (v) => v + ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 2 * mv;
}
