import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData, sharedDataPath } from '../test/shared-data';
import { decodeFiles } from './index';
import type { SourceFile } from './record';
import { initFlac } from './wfdb/flac';

interface LabelRow {
  record: string;
  format: string;
  fs: string;
  n_samples: string;
  n_leads: string;
}

/** A labels.csv record: a WFDB stem (all files sharing it) or one file with its extension. */
function filesOf(record: string): SourceFile[] {
  const folder = path.dirname(record);
  const base = path.basename(record);
  const dir = sharedDataPath('ecg', folder);
  const names = /\.\w+$/.test(base) && !/^\d+$/.test(base.split('.').pop() ?? '')
    ? readdirSync(dir).filter((n) => n === base)
    : readdirSync(dir).filter((n) => n.startsWith(`${base}.`));
  return names.map((n) => ({ name: `${folder}/${n}`, bytes: new Uint8Array(readFileSync(path.join(dir, n))) }));
}

describe.runIf(sharedData)('corpus: every record in ../shared/data/ecg/labels.csv', () => {
  beforeAll(initFlac);
  const rows = sharedData
    ? Papa.parse<LabelRow>(readFileSync(sharedDataPath('ecg', 'labels.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data
    : [];
  for (const row of rows) {
    it(`${row.record} (${row.format})`, () => {
      const files = filesOf(row.record);
      expect(files.length).toBeGreaterThan(0);
      // CSV cannot tell fs, units or lead order; the import asks, here labels.csv answers.
      const csv = { fs: Number(row.fs), units: 5, leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] };
      const outcomes = decodeFiles(files, { csv });
      const matches = (o: (typeof outcomes)[number]) => o.files[0] === row.record || (o.files[0] ?? '').startsWith(`${row.record}.`);
      const primary = outcomes.find((o) => matches(o) && o.files[0]?.endsWith('.hea')) ?? outcomes.find(matches);
      expect(primary, JSON.stringify(outcomes.map((o) => o.files))).toBeDefined();
      if (Number(row.n_leads) === 0) {
        expect(primary?.ok).toBe(false);
        return;
      }
      if (!primary?.ok) throw new Error(`${row.record}: ${JSON.stringify(primary?.error)}`);
      const { record } = primary;
      expect(record.fs).toBeCloseTo(Number(row.fs), 6);
      expect(record.nSamples).toBe(Number(row.n_samples));
      expect(record.leads.filter((l) => !l.derived)).toHaveLength(Number(row.n_leads));
      expect(record.warnings.filter((w) => /checksum/.test(w))).toEqual([]);
    });
  }
});
