import { describe, expect, it } from 'vitest';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { emptyDraft, heartRateSourceOf, itemsOf } from './pe-draft';
import { ageRemark, ecgRate, heartRateTyped, rateOffer, recordAge, startingDraft, takeEcgRate } from './pe-record-items';

/** Measurements as the engine gives them for a sinus tachycardia at 107 /min. */
const measured: RecordMeasurements = {
  recordId: 1,
  fs: 500,
  heartRateBpm: 106.8,
  rrMs: { mean: 562, sd: 8 },
  prMs: 150,
  qrsMs: 90,
  qtMs: 330,
  qtc: [],
  axisDeg: { p: 50, qrs: 60, t: 40 },
  beats: [],
  medianBeat: null,
  reasons: {},
  quality: { verdict: 'good', reasons: [], leads: [] },
  pacing: { assessed: true, paced: false, spikes: 0, pacedBeatFraction: 0, reason: '' },
  caveats: {},
  statements: [],
  device: null,
};

describe('PE items the record offers', () => {
  it('starts a first entry from the age in the record header, and leaves the heart rate empty', () => {
    const draft = startingDraft(undefined, recordAge({ ageYears: 48, sex: 'M' }));
    expect(itemsOf(draft).items).toEqual({ ageYears: 48 });
    expect(ageRemark(draft.numbers.ageYears, 48)).toEqual({ kind: 'from-record', text: 'from the record' });
  });

  it('keeps a correction\'s own age, fills only an age not given, and takes no implausible header age', () => {
    expect(startingDraft({ ageYears: 52, haemoptysis: true }, 48).numbers.ageYears).toBe('52');
    expect(startingDraft({ haemoptysis: true }, 48).numbers.ageYears).toBe('48');
    expect(recordAge({ ageYears: 300 })).toBeNull(); // PTB-XL's anonymised "over 89"
    expect(recordAge({})).toBeNull();
    expect(startingDraft(undefined, null).numbers.ageYears).toBe('');
  });

  it('says when the age typed differs from the record\'s, and nothing without a record age or a typed one', () => {
    expect(ageRemark('52', 48)).toEqual({ kind: 'differs', text: "differs from the record's age (48 years)" });
    expect(ageRemark('48,0', 48)?.kind).toBe('from-record');
    expect(ageRemark('', 48)).toBeNull();
    expect(ageRemark('52', null)).toBeNull();
  });

  it('offers the ECG\'s measured rate for the heart rate, rounded, until it is the one typed; none when withheld', () => {
    expect(ecgRate(measured)).toBe(107);
    expect(rateOffer('', 107)).toBe("use the ECG's rate (107 /min)");
    expect(rateOffer('96', 107)).toBe("use the ECG's rate (107 /min)");
    expect(rateOffer('107', 107)).toBeNull();
    expect(ecgRate({ ...measured, caveats: { intervalsWithheld: 'the signal is unusable' } })).toBeNull();
    expect(ecgRate({ ...measured, heartRateBpm: null })).toBeNull();
    expect(ecgRate(null)).toBeNull();
    expect(rateOffer('', null)).toBeNull();
  });

  it("records where the heart rate came from: the ECG's rate taken with a click, or typed (even a typed rate equal to the ECG's)", () => {
    const draft = emptyDraft();
    expect(heartRateSourceOf(draft)).toBeUndefined(); // no heart rate, no source
    takeEcgRate(draft, 107);
    expect([itemsOf(draft).items.heartRateBpm, heartRateSourceOf(draft)]).toEqual([107, 'ecg']);
    draft.numbers.heartRateBpm = '112';
    heartRateTyped(draft);
    expect([itemsOf(draft).items.heartRateBpm, heartRateSourceOf(draft)]).toEqual([112, 'entered']);
    draft.numbers.heartRateBpm = '107';
    expect(heartRateSourceOf(draft)).toBe('entered');
    draft.numbers.heartRateBpm = '';
    expect(heartRateSourceOf(draft)).toBeUndefined();
  });

  it("reopens an entry with its heart rate's source; one saved before the source was recorded as typed", () => {
    expect(heartRateSourceOf(startingDraft({ heartRateBpm: 107 }, null, 'ecg'))).toBe('ecg');
    expect(heartRateSourceOf(startingDraft({ heartRateBpm: 107 }, null, 'entered'))).toBe('entered');
    expect(heartRateSourceOf(startingDraft({ heartRateBpm: 107 }, null, null))).toBe('entered');
  });
});
