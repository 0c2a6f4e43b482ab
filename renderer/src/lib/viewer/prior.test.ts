import { describe, expect, it } from 'vitest';
import type { RecordSummary } from '../../../../core/contract/schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { compareWithPrior, previousEcg } from './prior';

const summary = (id: number, recordedAt: string | null, importedAt = '2026-11-01T00:00:00.000Z'): RecordSummary => ({
  id, contentHash: `h${id}`, sourcePath: `${id}.xml`, format: 'muse-xml', fs: 500, nSamples: 5000, leads: [], patient: { id: 'P1' }, recordedAt, importedAt, confirmed: null, corrected: null, notes: 0, demonstration: false,
});

function measured(values: { hr: number; qrs: number | null; qtc: number; axis: number }): RecordMeasurements {
  return {
    recordId: 1, fs: 500, heartRateBpm: values.hr, rrMs: { mean: 60000 / values.hr, sd: 10 }, prMs: 160, qrsMs: values.qrs, qtMs: 400,
    qtc: [{ formula: 'fridericia', text: 'Fridericia', ms: values.qtc }], axisDeg: { p: 50, qrs: values.axis, t: 40 }, beats: [], medianBeat: null, reasons: {},
    quality: { verdict: 'good', reasons: [], leads: [] },
    pacing: { assessed: true, paced: false, spikes: 0, pacedBeatFraction: 0, reason: 'no pacemaker spikes' },
    caveats: {},
    statements: [],
    device: null,
  };
}

describe('comparison with the prior ECG', () => {
  it('picks the same patient’s latest ECG taken before this one, by recording time, else import time', () => {
    const current = summary(3, '2024-03-01T08:00:00');
    const candidates = [summary(1, '2023-01-01T08:00:00'), summary(2, '2024-02-01T08:00:00'), summary(4, '2025-01-01T08:00:00'), summary(5, null, '2024-02-15T00:00:00.000Z'), current];
    expect(previousEcg(current, candidates)?.id).toBe(5);
    expect(previousEcg(summary(1, '2023-01-01T08:00:00'), candidates)).toBeUndefined();
  });

  it('shows each change, wraps axis changes, and flags a QTc increase above 60 ms', () => {
    const rows = compareWithPrior(measured({ hr: 70, qrs: 130, qtc: 490, axis: -170 }), measured({ hr: 60, qrs: null, qtc: 420, axis: 170 }), 'fridericia');
    expect(rows.map((r) => [r.label, r.change])).toEqual([['Heart rate', 10], ['PR', 0], ['QRS', null], ['QT', 0], ['QTc (fridericia)', 70], ['QRS axis', 20]]);
    expect(rows.filter((r) => r.notable).map((r) => r.label)).toEqual(['QTc (fridericia)']);
    expect(compareWithPrior(measured({ hr: 70, qrs: 90, qtc: 470, axis: 0 }), measured({ hr: 70, qrs: 90, qtc: 420, axis: 0 }), 'fridericia').some((r) => r.notable)).toBe(false);
  });
});
