import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/shared-data';
import { directoryListings, loadHospital } from './hospital';

describe('indexing a hospital folder', () => {
  it("lists each directory once, where it listed a record's directory again for every row, and gives each record its files", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-listing-'));
    const root = path.join(dir, 'data');
    cpSync(fixturePath('train', 'ptbxl', 'records100'), path.join(root, 'records100'), { recursive: true });
    cpSync(fixturePath('train', 'ptbxl-500', 'records500'), path.join(root, 'records500'), { recursive: true });
    // Every WFDB record of both directories, as PTB-XL lays them out: many records to a directory.
    const headers = ['records100', 'records500'].flatMap((rate) => readdirSync(path.join(root, rate, '00000')).filter((f) => f.endsWith('.hea')).map((f) => path.join(rate, '00000', f)));
    expect(headers.length).toBeGreaterThan(20);
    const labels = path.join(dir, 'labels.csv');
    writeFileSync(labels, `file,label\n${headers.map((h, n) => `${h},${n % 2}`).join('\n')}\n`);
    const before = directoryListings.count;
    const ds = await loadHospital(root, { labels });
    expect(directoryListings.count - before).toBe(2);
    expect(ds.items.map((i) => i.id)).toEqual(headers);
    for (const item of ds.items) {
      const stem = path.join(root, item.id).replace(/\.hea$/, '');
      expect([...item.files].sort()).toEqual([`${stem}.dat`, `${stem}.hea`]);
    }
  });
});
