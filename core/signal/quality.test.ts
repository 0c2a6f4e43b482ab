// Real signal: the HL7 aECG example (core/test/fixtures/signal/aecg-example.json, CC0), with artefacts added by perturb.ts.
// How the flags compare with PTB-XL's noise annotations: `npx tsx scripts/bench/signal-eval.ts` (docs/benchmarks.md).
import { describe, expect, it } from 'vitest';
import { loadAecgFixture } from './annotated-fixture';
import { addMains, perturb } from './perturb';
import { assessLead, issuesFromMetrics, qualityThresholds } from './quality';
import { assessRecord } from './record-quality';

const record = loadAecgFixture();
const beats = record.beats.map((b) => Math.round((b.qrsOn + b.qrsOff) / 2));
const samples = record.leads.map((l) => l.samples);
const named = (leads: readonly ArrayLike<number>[]) => leads.map((s, k) => ({ name: record.leads[k]!.name, samples: s }));
const issuesPerLead = (leads: readonly ArrayLike<number>[]) => leads.map((l) => assessLead(l, record.fs, beats).issues);

describe('per-lead quality checks', () => {
  it('pass every lead of a clean recording', () => {
    expect(issuesPerLead(samples)).toEqual(samples.map(() => []));
  });

  it.each([
    ['wander', 'baselineWander'],
    ['muscleNoise', 'highFrequencyNoise'],
    ['mains', 'mainsInterference'],
    ['clipped', 'clipped'],
  ] as const)('%s is flagged as %s, and only that', (kind, issue) => {
    const issues = issuesPerLead(perturb(kind, samples, record.fs, beats, 3));
    const flagged = issues.filter((i) => i.includes(issue)).length;
    expect(flagged).toBeGreaterThanOrEqual(kind === 'clipped' ? 8 : 12);
    expect(issues.flat().every((i) => i === issue)).toBe(true);
  });

  it('names the mains frequency, 50 or 60 Hz', () => {
    for (const hz of [50, 60]) {
      const lead = assessLead(addMains([samples[1]!], record.fs, hz, 0.1)[0], record.fs, beats);
      expect(lead.issues).toEqual(['mainsInterference']);
      expect(Math.abs((lead.metrics?.mainsHz ?? 0) - hz)).toBeLessThanOrEqual(0.1);
    }
  });

  it('finds a drifted mains line at every 0.05 Hz step it searches, with its amplitude', () => {
    // Every step's amplitude is its own (the search runs four frequencies per pass over the lead).
    for (const mains of [50, 60]) {
      for (let step = -10; step <= 10; step++) {
        const hz = Math.round((mains + step * 0.05) * 100) / 100;
        const metrics = assessLead(addMains([samples[1]!], record.fs, hz, 0.1)[0], record.fs, beats).metrics;
        expect(metrics?.mainsHz, `${hz} Hz`).toBe(hz);
        expect(metrics?.mainsMv, `${hz} Hz`).toBeCloseTo(0.1, 2);
      }
    }
  });

  it('does not mistake pacemaker spikes or an inverted lead for a problem', () => {
    expect(issuesPerLead(perturb('pacingSpikes', samples, record.fs, beats)).flat()).toEqual([]);
    expect(issuesPerLead(perturb('inverted', samples, record.fs, beats)).flat()).toEqual([]);
  });

  it('reports missing and flat leads on their own', () => {
    const gappy = Float32Array.from(samples[0]!);
    gappy.fill(Number.NaN, 0, 1500);
    expect(assessLead(gappy, record.fs).issues).toEqual(['missing']);
    expect(assessLead(undefined, record.fs)).toEqual({ ok: false, issues: ['missing'], metrics: null });
    expect(assessLead(new Float32Array(5000), record.fs).issues).toEqual(['flat']);
    expect(assessLead(new Float32Array(5000).fill(2.5), record.fs).issues).toEqual(['flat']);
    // A few NaNs (below the threshold) are bridged, not flagged, and give finite metrics.
    const dotted = Float32Array.from(samples[0]!);
    dotted.fill(Number.NaN, 2000, 2050);
    const q = assessLead(dotted, record.fs, beats);
    expect(q.issues).toEqual([]);
    expect(Object.values(q.metrics ?? {}).every((v) => v === null || Number.isFinite(v))).toBe(true);
  });

  it('a single held stretch at the extreme (PTB-XL records end on constant tails) is not clipping', () => {
    const held = Float32Array.from(samples[1]!);
    held.fill(held.reduce((a, b) => Math.min(a, b)), 4900);
    expect(assessLead(held, record.fs, beats).issues).not.toContain('clipped');
  });

  it('maps metrics to issues with the documented thresholds', () => {
    const base = { invalidFraction: 0, rangeMv: 1, clippedFraction: 0, wanderMv: 0, hfNoiseMv: 0, mainsMv: 0, mainsHz: null };
    expect(issuesFromMetrics(base)).toEqual([]);
    expect(issuesFromMetrics({ ...base, wanderMv: qualityThresholds.wanderMv })).toEqual(['baselineWander']);
    expect(issuesFromMetrics({ ...base, rangeMv: 0.01, hfNoiseMv: 1 })).toEqual(['flat']);
    expect(issuesFromMetrics({ ...base, invalidFraction: 0.5, rangeMv: 0 })).toEqual(['missing']);
  });
});

describe('record verdict', () => {
  const verdict = (leads: readonly ArrayLike<number>[], detected = beats) => assessRecord(named(leads), record.fs, { beats: detected });

  it('good when clean; degraded by wander or mains (the band-pass removes most of them)', () => {
    expect(verdict(samples)).toMatchObject({ verdict: 'good', reasons: [] });
    expect(verdict(perturb('wander', samples, record.fs, beats)).verdict).toBe('degraded');
    expect(verdict(perturb('mains', samples, record.fs, beats)).verdict).toBe('degraded');
  });

  it('degraded with up to three lost leads, unusable beyond', () => {
    const three = samples.map((l, k) => (['V2', 'V4', 'V6'].includes(record.leads[k]!.name) ? new Float32Array(l.length) : l));
    const r = verdict(three);
    expect(r.verdict).toBe('degraded');
    expect(r.reasons).toEqual(['V2: flat (no signal)', 'V4: flat (no signal)', 'V6: flat (no signal)']);
    const half = verdict(perturb('halfLeadsLost', samples, record.fs, beats));
    expect(half.verdict).toBe('unusable');
    expect(half.reasons[0]).toMatch(/6 of 12 leads missing or flat/);
    const eightLeads = assessRecord(named(samples).filter((l) => !['V3', 'V4', 'V5', 'V6'].includes(l.name)), record.fs, { beats });
    expect(eightLeads.reasons[0]).toMatch(/4 of 12 leads missing or flat \(V3, V4, V5, V6\)/);
    expect(eightLeads.leads.V5).toEqual({ ok: false, issues: ['missing'], metrics: null });
  });

  it('unusable with widespread muscle noise, without beats, or when too short', () => {
    expect(verdict(perturb('muscleNoise', samples, record.fs, beats, 2)).reasons[0]).toMatch(/leads with muscle noise or clipping/);
    expect(assessRecord(named(samples), record.fs, { beats: [], reason: 'no QRS complexes found' }).reasons).toEqual(['no beats detected: no QRS complexes found']);
    expect(verdict(samples.map((l) => Float32Array.prototype.slice.call(l, 0, 600)), [100, 400]).reasons[0]).toMatch(/too short/);
  });
});
