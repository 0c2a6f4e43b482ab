import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { sharedData, sharedDataPath } from '../test/shared-data';
import { analyseEcg } from './measure';

// Intervals measured on leads that all failed a quality check are said to be so, and their statements qualified.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function analysed(dir: string, base: string) {
  const files = ['hea', 'dat'].map((ext) => ({ name: `${base}.${ext}`, bytes: readFileSync(path.join(dir, `${base}.${ext}`)) }));
  const outcome = decodeFiles(files)[0];
  if (!outcome?.ok) throw new Error(`${base} did not decode`);
  return analyseEcg(outcome.record.leads, outcome.record.fs);
}

describe('intervals measured on flagged leads', () => {
  it.runIf(sharedData)('are said to be so on a strip whose only leads are a clipped II and a wandering V (MIMIC 3000003_0003, 125 Hz)', () => {
    const a = analysed(sharedDataPath('ecg', 'wfdb-formats'), '3000003_0003');
    // Measured, not withheld: the strip is not noisy enough for that.
    expect(a.caveats.intervalsWithheld).toBeUndefined();
    expect(a.measurements.qtMs).not.toBeNull();
    expect(a.caveats.intervalsFromFlaggedLeads).toBe('every lead measured is flagged by signal quality (II clipped at the amplifier range; V baseline wander): the intervals are measured on flagged leads, check them on the tracing');
    for (const s of a.statements.filter((x) => x.category === 'conduction' || x.category === 'repolarisation')) expect(s.qualifier).toContain(a.caveats.intervalsFromFlaggedLeads);
  });

  it('are not said where a lead passed every check (PTB-XL 00001, bundled)', () => {
    const a = analysed(path.join(repoRoot, 'resources', 'samples', 'ptbxl'), '00001_hr');
    expect(a.caveats.intervalsFromFlaggedLeads).toBeUndefined();
  });
});
