import { describe, expect, it } from 'vitest';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { emptyDraft, heartRateSourceOf, itemsOf, saveHeldReason } from './pe-draft';
import { ageRemark, ecgRate, ecgRateChanged, ecgRateNow, ecgRateRefused, ecgRateRemark, heartRateTyped, heldEcgRate, rateOffer, recordAge, saveRefusal, startingDraft, takeEcgRate, viewerEcgRate } from './pe-record-items';

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

  it("says when a rate taken from the ECG is no longer the ECG's (its beats corrected since), and holds the save until the clinician takes the current rate or types one", () => {
    // Saved with the ECG's 82 /min; a correction of the beats since makes the ECG measure 76.
    const draft = startingDraft({ heartRateBpm: 82, dDimerNgMlFeu: 650 }, null, 'ecg');
    draft.numbers.dDimerNgMlFeu = '700'; // the item the clinician reopened the entry to correct
    const said = 'taken from the ECG at entry (82 /min); the ECG now measures 76 /min, its beats or boundaries having been corrected since: use 76 /min, or type the clinical rate';
    expect(ecgRateChanged(draft, { rate: 76 })).toBe(said);
    expect(saveHeldReason(draft, 'Dr. Rate', heldEcgRate(draft, { rate: 76 }))).toBe(`correct the marked value: Heart rate: ${said}`);
    // Neither relabelled as typed nor replaced: the draft still says what was stored.
    expect([itemsOf(draft).items.heartRateBpm, heartRateSourceOf(draft)]).toEqual([82, 'ecg']);
    expect(rateOffer(draft.numbers.heartRateBpm, 76)).toBe("use the ECG's rate (76 /min)");
    // Held with the D-dimer's own reason too, each said.
    draft.numbers.dDimerNgMlFeu = '24';
    expect(saveHeldReason(draft, 'Dr. Rate', heldEcgRate(draft, { rate: 76 }))).toMatch(/^correct the marked values: D-dimer: 24 ng\/mL FEU .*; Heart rate: taken from the ECG at entry \(82 \/min\)/);
    draft.numbers.dDimerNgMlFeu = '700';

    // The current rate taken: the ECG's again, nothing held.
    takeEcgRate(draft, 76);
    expect([ecgRateChanged(draft, { rate: 76 }), saveHeldReason(draft, 'Dr. Rate', heldEcgRate(draft, { rate: 76 })), heartRateSourceOf(draft)]).toEqual([null, null, 'ecg']);
    // Or a rate typed, even the old one: the clinician's own, nothing held.
    const typedOld = startingDraft({ heartRateBpm: 82 }, null, 'ecg');
    heartRateTyped(typedOld);
    expect([ecgRateChanged(typedOld, { rate: 76 }), heldEcgRate(typedOld, { rate: 76 }), heartRateSourceOf(typedOld)]).toEqual([null, [], 'entered']);

    // Unchanged, typed, or empty: nothing to say.
    expect(ecgRateChanged(startingDraft({ heartRateBpm: 82 }, null, 'ecg'), { rate: 82 })).toBeNull();
    expect(ecgRateChanged(startingDraft({ heartRateBpm: 82 }, null, 'entered'), { rate: 76 })).toBeNull();
    expect(ecgRateChanged(startingDraft({ ageYears: 60 }, null, 'ecg'), { rate: 76 })).toBeNull();
  });

  it("tells a rate the ECG no longer measures (saying why) from measurements not read yet, which neither say it is unmeasured nor hold the save", () => {
    const draft = startingDraft({ heartRateBpm: 82 }, null, 'ecg');
    // Read, with no rate: its intervals withheld for signal quality, said as the measurements say it; only a typed rate can be saved.
    const withheld = ecgRateNow({ ...measured, caveats: { intervalsWithheld: 'signal quality unusable' }, heartRateBpm: null });
    expect(withheld).toEqual({ rate: null, because: 'signal quality unusable' });
    const said = 'taken from the ECG at entry (82 /min), but the ECG has no measured rate now (signal quality unusable): type the clinical rate';
    expect([ecgRateChanged(draft, withheld), saveHeldReason(draft, 'Dr. Rate', heldEcgRate(draft, withheld)), ecgRateRemark(draft, withheld)]).toEqual([said, `correct the marked value: Heart rate: ${said}`, null]);
    // Or no rate measured, with the measurement's own reason (or none given).
    const unmeasured = ecgRateNow({ ...measured, heartRateBpm: null, reasons: { heartRateBpm: 'fewer than 2 beats detected' } });
    expect(ecgRateChanged(draft, unmeasured)).toBe('taken from the ECG at entry (82 /min), but the ECG has no measured rate now (fewer than 2 beats detected): type the clinical rate');
    expect(ecgRateNow({ ...measured, heartRateBpm: null })).toEqual({ rate: null, because: 'no heart rate was measured' });
    // Not read yet: nothing is wrong with the rate that is known; the form says it is being checked, and the save is not held on it.
    expect([ecgRateChanged(draft, undefined), heldEcgRate(draft, undefined), saveHeldReason(draft, 'Dr. Rate', heldEcgRate(draft, undefined))]).toEqual([null, [], null]);
    expect(ecgRateRemark(draft, undefined)).toBe("from the ECG at entry (reading the ECG's measurements…)");
    // Read and the same: from the ECG; a typed rate or none is not remarked on.
    expect(ecgRateRemark(draft, ecgRateNow({ ...measured, heartRateBpm: 82.2 }))).toBe('from the ECG');
    expect(ecgRateRemark(startingDraft({ heartRateBpm: 82 }, null, 'entered'), undefined)).toBeNull();
    expect(ecgRateRemark(startingDraft({ ageYears: 60 }, null, 'ecg'), undefined)).toBeNull();
  });

  it("gives the PE form the open record's rate once the viewer has read its measurements, none with why where reading them failed, and nothing before", () => {
    expect(viewerEcgRate(1, measured, null)).toEqual({ rate: 107 });
    // Being read: none held yet, or another record's still on screen.
    expect(viewerEcgRate(1, null, null)).toBeUndefined();
    expect(viewerEcgRate(2, measured, null)).toBeUndefined();
    expect(viewerEcgRate(2, measured, 'the record could not be decoded')).toEqual({ rate: null, because: 'its measurements could not be read: the record could not be decoded' });
  });

  it("puts the engine's refusal of a rate sent as the ECG's after the clinical words, and leaves other refusals as the engine says them", () => {
    const message = "heartRateSource 'ecg' says the heart rate 82/min is the ECG's, but record 3's measured rate is 76/min; take the ECG's rate as it is now, or send heartRateSource 'entered' for a rate typed by the clinician";
    const refused = { code: 'E_VALIDATION', message, reason: 'heart-rate-not-ecg' } as const;
    expect(saveRefusal(refused)).toBe(
      `Not saved: the heart rate is marked as taken from the ECG, but the ECG no longer measures that rate (its beats or boundaries were corrected since this window read it, perhaps in another window). Its measurements are read again: then use the ECG's current rate, or type the clinical rate. (${message})`,
    );
    expect(ecgRateRefused(refused)).toBe(true);
    // Known by the refusal's reason, not its wording: reworded, it is still recognised; the words without the reason are not.
    const reworded = { ...refused, message: 'the rate given as the ECG is not the one it measures' };
    expect([ecgRateRefused(reworded), saveRefusal(reworded)]).toEqual([true, expect.stringMatching(/^Not saved: the heart rate is marked as taken from the ECG, .*\(the rate given as the ECG is not the one it measures\)$/)]);
    expect([ecgRateRefused({ code: 'E_VALIDATION', message }), saveRefusal({ code: 'E_VALIDATION', message })]).toEqual([false, message]);
    const other = { code: 'E_CONFLICT', message: 'the PE scores of record 3 were entered by Dr. B at 2025-01-01 (entry 4); open that entry before correcting it' } as const;
    expect([saveRefusal(other), ecgRateRefused(other)]).toEqual([other.message, false]);
  });
});
