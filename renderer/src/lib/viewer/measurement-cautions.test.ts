import { describe, expect, it } from 'vitest';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { cautionTexts, measurementCautions } from './measurement-cautions';
import { measurementsLine } from './print-summary';

const leads = "the file's lead III (renamed) is not recognised; III is computed from I and II";

/** A record measured with every caution the engine gives, III computed beside a file lead "III (renamed)" among them. */
const cautioned: RecordMeasurements = {
  recordId: 1,
  fs: 500,
  heartRateBpm: 72,
  rrMs: { mean: 833, sd: 10 },
  prMs: 160,
  qrsMs: 90,
  qtMs: 400,
  qtc: [{ formula: 'fridericia', ms: 426, text: 'Fridericia: QT / ∛RR' }],
  axisDeg: { p: 50, qrs: 30, t: 40 },
  beats: [],
  medianBeat: null,
  reasons: {},
  quality: { verdict: 'good', reasons: [], leads: [] },
  pacing: { assessed: true, paced: true, spikes: 10, pacedBeatFraction: 1, reason: 'pacemaker spikes before 10 of 10 QRS complexes' },
  caveats: {
    amplitudeImplausible: 'QRS amplitude 40.0 mV in lead II is far beyond physiology',
    amplitudeNormalised: 'every lead spans the same 1.00 mV peak to peak (12 leads)',
    leadsUnrecognised: leads,
    samplesHeld: 'every lead held still for ~16 ms and then jumped at 7 of 14 QRS complexes',
    intervalsFromFlaggedLeads: 'every lead measured is flagged by signal quality (II clipped)',
    qtcNotInterpretable: 'paced rhythm: ventricular pacing lengthens QT, so QTc limits do not apply',
    stNotInterpretable: 'paced rhythm: ST and T changes follow the paced QRS',
    prFromBeats: 'PR measured beat by beat (no P wave on the median beat): median 160 ms over 9 of 10 beats, range 150–170 ms',
  },
  statements: [],
  device: null,
};

describe('the measurements’ cautions, one list for the panel and the printed page', () => {
  it('gives the panel its cautions in its words, most severe first, the leads’ among them', () => {
    expect(cautionTexts(measurementCautions(cautioned))).toEqual([
      'QRS amplitude 40.0 mV in lead II is far beyond physiology',
      'Amplitudes not as recorded: every lead spans the same 1.00 mV peak to peak (12 leads)',
      `Leads: ${leads}`,
      'Complexes cut by the recorder: every lead held still for ~16 ms and then jumped at 7 of 14 QRS complexes',
      'Intervals in doubt: every lead measured is flagged by signal quality (II clipped)',
      'Paced: pacemaker spikes before 10 of 10 QRS complexes',
      'QTc not interpretable: paced rhythm: ventricular pacing lengthens QT, so QTc limits do not apply',
      'ST/T not interpretable: paced rhythm: ST and T changes follow the paced QRS',
      'PR measured beat by beat (no P wave on the median beat): median 160 ms over 9 of 10 beats, range 150–170 ms',
    ]);
    expect(measurementCautions({ ...cautioned, caveats: { intervalsWithheld: 'signal quality unusable' }, pacing: { ...cautioned.pacing, paced: false } })).toEqual([{ kind: 'intervalsWithheld', text: 'signal quality unusable' }]);
  });

  it('prints every caution of the panel but those the printed line says beside its figure (QTc) or through the amplitudes’ (ST)', () => {
    const line = measurementsLine(cautioned, 'fridericia', 'M');
    const printed = line.split(' · ').filter((part) => part.startsWith('Caution: ')).map((part) => part.slice('Caution: '.length));
    const elsewhere = new Set(['qtcNotInterpretable', 'stNotInterpretable']);
    expect(printed).toEqual(measurementCautions(cautioned).filter((c) => !elsewhere.has(c.kind)).map((c) => c.text));
    expect(line).toMatch(/QTc 426 ms \(Fridericia; not interpretable: paced rhythm: ventricular pacing/);
  });

  it('prints the beat-by-beat PR caution in the panel’s words, its reason with it, beside the PR figure’s range', () => {
    // The engine's words (measure.ts prFromBeatsText, the median beat's reason from delineate.ts).
    const prFromBeats = 'PR measured beat by beat (no distinct P wave before the QRS on the median beat): median 328 ms over 5 of 5 beats, range 310–384 ms; the PR varies from beat to beat';
    const beatByBeat: RecordMeasurements = {
      ...cautioned,
      prMs: 328,
      prBeats: { medianMs: 328, minMs: 310, maxMs: 384, measured: 5, of: 5, perBeatMs: [324, 356, 328, 384, 310], varies: true },
      pacing: { ...cautioned.pacing, paced: false },
      caveats: { prFromBeats },
    };
    expect(cautionTexts(measurementCautions(beatByBeat))).toEqual([prFromBeats]);
    const line = measurementsLine(beatByBeat, 'fridericia', 'M');
    expect(line).toContain(' · PR 328 ms (beat by beat 310–384 ms, varies) · ');
    expect(line.endsWith(` · Caution: ${prFromBeats}`)).toBe(true);
  });
});
