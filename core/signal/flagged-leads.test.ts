import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFiles } from '../formats/index';
import { fixturePath } from '../test/shared-data';
import { analyseEcg } from './measure';
import type { NamedLead } from './record-quality';
import { createRng } from './rng';

// Intervals measured on leads that all failed a quality check are said to be so, and their statements qualified.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function decoded(dir: string, base: string) {
  const files = ['hea', 'dat'].map((ext) => ({ name: `${base}.${ext}`, bytes: readFileSync(path.join(dir, `${base}.${ext}`)) }));
  const outcome = decodeFiles(files)[0];
  if (!outcome?.ok) throw new Error(`${base} did not decode`);
  return outcome.record;
}

function analysed(dir: string, base: string) {
  const record = decoded(dir, base);
  return analyseEcg(record.leads, record.fs);
}

function lead(leads: readonly NamedLead[], name: string): Float64Array {
  const found = leads.find((l) => l.name.toUpperCase() === name);
  if (!found) throw new Error(`no lead ${name}`);
  return Float64Array.from(found.samples);
}

/** The lead held at a rail `fraction` of the way from its median up to its peak, as an amplifier whose range the R waves overrun. */
function clippedAtRail(x: Float64Array, fraction: number): Float64Array {
  const sorted = Float64Array.from(x).sort();
  const median = sorted[sorted.length >> 1] as number;
  const rail = median + fraction * ((sorted[sorted.length - 1] as number) - median);
  return x.map((v) => Math.min(v, rail));
}

/** White (broadband, so mostly above 30 Hz) Gaussian noise of `sdMv`, drawn from a fixed seed so the record is the same on every run. */
function withMuscleNoise(x: Float64Array, sdMv: number, seed: number): Float64Array {
  const rng = createRng(seed);
  // Box–Muller; 1 - next() keeps the logarithm's argument in (0, 1].
  return x.map((v) => v + sdMv * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

/** A slow sway of `peakToPeakMv` at `hz`, as breathing or electrode movement gives. */
function withWander(x: Float64Array, peakToPeakMv: number, hz: number, fs: number): Float64Array {
  return x.map((v, i) => v + (peakToPeakMv / 2) * Math.sin((2 * Math.PI * hz * i) / fs));
}

describe('intervals measured on flagged leads', () => {
  // The MIMIC-II strip is committed (core/test/fixtures/formats/wfdb, ODC-By via wfdb-python, MIT).
  it('are said to be so on a strip whose only leads are a clipped II and a wandering V (MIMIC 3000003_0003, 125 Hz)', () => {
    const a = analysed(fixturePath('formats', 'wfdb'), '3000003_0003');
    // Measured, not withheld: the strip is not noisy enough for that.
    expect(a.caveats.intervalsWithheld).toBeUndefined();
    expect(a.measurements.qtMs).not.toBeNull();
    expect(a.caveats.intervalsFromFlaggedLeads).toBe('every lead measured is flagged by signal quality (II clipped at the amplifier range; V baseline wander): the intervals are measured on flagged leads, check them on the tracing');
    for (const s of a.statements.filter((x) => x.category === 'conduction' || x.category === 'repolarisation')) expect(s.qualifier).toContain(a.caveats.intervalsFromFlaggedLeads);
  });

  // Leads made to fail every check, rather than found so. The record is a real one, the
  // bundled PTB-XL 00001_hr (every lead clean), modified so that no lead passes and none is bad
  // enough to withhold the intervals: three of its leads are kept, II clipped at a rail through
  // its R waves, V5 given seeded broadband noise, and V2 a 0.3 Hz baseline sway.
  it('are said in the words of the leads\' quality badges on a bundled PTB-XL record made to clip, hiss and wander (00001, modified)', () => {
    const record = decoded(path.join(repoRoot, 'resources', 'samples', 'ptbxl'), '00001_hr');
    const leads: NamedLead[] = [
      { name: 'II', samples: clippedAtRail(lead(record.leads, 'II'), 0.5) },
      { name: 'V2', samples: withWander(lead(record.leads, 'V2'), 1.5, 0.3, record.fs) },
      { name: 'V5', samples: withMuscleNoise(lead(record.leads, 'V5'), 0.08, 20261207) },
    ];
    const a = analyseEcg(leads, record.fs);
    expect(a.quality.leads['II']?.issues).toEqual(['clipped']);
    expect(a.quality.leads['V2']?.issues).toEqual(['baselineWander']);
    expect(a.quality.leads['V5']?.issues).toEqual(['highFrequencyNoise']);
    // Measured, not withheld: V2's wander alone leaves them measurable.
    expect(a.caveats.intervalsWithheld).toBeUndefined();
    expect(a.measurements.qtMs).not.toBeNull();
    expect(a.caveats.intervalsFromFlaggedLeads).toBe(
      'every lead measured is flagged by signal quality (II clipped at the amplifier range; V2 baseline wander; V5 high-frequency (muscle) noise): the intervals are measured on flagged leads, check them on the tracing',
    );
  });

  it('are not said where a lead passed every check (PTB-XL 00001, bundled)', () => {
    const a = analysed(path.join(repoRoot, 'resources', 'samples', 'ptbxl'), '00001_hr');
    expect(a.caveats.intervalsFromFlaggedLeads).toBeUndefined();
  });
});
