import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelCardLines } from '../../cli/commands/model-inspect';
import { modelDetail } from '../../engine/model-detail';
import { rankedLabelsCsv } from '../../test/ranked-labels';
import { fixturePath } from '../../test/shared-data';
import { starterCopy, trainedOn } from '../../test/legacy-starter';
import { attachTestReport, readFolderManifest } from '../package/io';
import { evaluateJob } from './evaluate-job';
import { operatingPointJob } from './operating-point-job';

const fixture = fixturePath('train', 'ptbxl');

describe('a site operating point derived from a package whose locked test was read again', () => {
  it("keeps none of the base's readings: the base's locked test, and its rereading, are the base's", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'einthoven-derived-rereads-'));
    const base = path.join(dir, 'starter');
    await starterCopy(base, await trainedOn(fixture));
    // The starter's locked test read again (on the fixture's test split, its own as the copy's manifest says), replacing its figures.
    const evaluated = await evaluateJob({ model: base, dataset: { kind: 'ptbxl', root: fixture }, split: 'test', backend: 'cpu', workers: 1 });
    expect((await attachTestReport(base, evaluated, { replaceTest: true })).provenance.replacedTests).toHaveLength(1);
    const labels = await rankedLabelsCsv(base, fixture, path.join(dir, 'labels.csv'));
    const r = await operatingPointJob({ model: base, dataset: { kind: 'csv', root: fixture, labels: labels.file }, goal: 'rule-out', target: 0.8, out: path.join(dir, 'site'), backend: 'cpu', workers: 1 });
    const derived = await readFolderManifest(r.out);
    expect(derived.provenance.test).toBeUndefined();
    expect(derived.provenance.replacedTests).toBeUndefined();
    const card = modelCardLines(modelDetail({ manifest: derived, location: r.out, bundled: false }));
    expect(card).toContain('  no locked-test evaluation of its own');
    expect(card.filter((l) => /read \d+ times/.test(l))).toEqual([]);
  });
});
