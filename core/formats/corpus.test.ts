import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { sharedData, sharedDataPath } from '../test/shared-data';
import { decodeFiles } from './index';
import type { SourceFile } from './record';

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
  const rows = sharedData
    ? Papa.parse<LabelRow>(readFileSync(sharedDataPath('ecg', 'labels.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data
    : [];
  for (const row of rows) {
    it(`${row.record} (${row.format})`, () => {
      const files = filesOf(row.record);
      expect(files.length).toBeGreaterThan(0);
      const outcomes = decodeFiles(files);
      const primary = outcomes.find((o) => o.files.some((f) => f === row.record || f.startsWith(`${row.record}.hea`)) || o.files[0] === row.record);
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
