import { describe, expect, it, vi } from 'vitest';
import type { StoredPrediction } from '../../../../core/contract/clinic-schemas';
import type { PeAssessment, PeProbabilities } from '../../../../core/contract/pe-schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import type { SaliencyResult } from '../../../../core/contract/training-schemas';
import { peItemsText } from '../pe/pe-items-text';
import { computedStatementsPrint, measurementsLine, patientDemographics, patientIdentifiers, peProbabilitiesLine, peScoresLine, predictionCaveat, predictionDisagreementLine, predictionLine, readingLine, saliencyLine } from './print-summary';

const measured: RecordMeasurements = {
  recordId: 1,
  fs: 500,
  heartRateBpm: 90.4,
  rrMs: { mean: 663.2, sd: 10 },
  prMs: 166,
  qrsMs: 88,
  qtMs: 406,
  qtc: [{ formula: 'fridericia', ms: 466, text: 'Fridericia: QT / ∛RR' }],
  axisDeg: { p: 48, qrs: 2, t: 106 },
  beats: [],
  medianBeat: null,
  reasons: {},
  quality: { verdict: 'good', reasons: [], leads: [] },
  pacing: { assessed: true, paced: false, spikes: 0, pacedBeatFraction: 0, reason: '' },
  caveats: {},
  statements: [],
  device: null,
};

/** A rule-based statement as the engine gives it (its text and qualifier are printed). */
const statement = (code: string, text: string, qualifier?: string) => ({ code, text, category: 'rhythm' as const, criterion: '', source: '', evidence: [], ...(qualifier ? { qualifier } : {}) });

describe('printed summary lines', () => {
  it('says every measurement with its unit, the QTc formula and its flag', () => {
    expect(measurementsLine(measured, 'fridericia', 'M')).toBe(
      'HR 90 bpm · RR 663 ms · PR 166 ms · QRS 88 ms · QT 406 ms · QTc 466 ms (Fridericia; borderline prolonged (≥ 450 ms, male; within 25 ms of the limit)) · Axes P/QRS/T 48° / 2° / 106° · Signal quality: good',
    );
    const beatByBeat = { ...measured, prMs: 328, prBeats: { medianMs: 328, minMs: 310, maxMs: 384, measured: 5, of: 5, perBeatMs: [324, 356, 328, 384, 310], varies: true } };
    expect(measurementsLine(beatByBeat, 'fridericia', 'M')).toMatch(/ · PR 328 ms \(beat by beat 310–384 ms, varies\) · /);
    expect(measurementsLine({ ...measured, quality: { verdict: 'unusable', reasons: ['flat leads'], leads: [] } }, 'fridericia', 'M')).toMatch(/^Signal quality: unusable \(flat leads\)\. Intervals and axes not shown/);
    // Unusable for the model only for lack of leads: the engine measured on the leads present, and the page prints it as the screen shows it.
    const twoLeads: RecordMeasurements['quality'] = { verdict: 'unusable', reasons: ['10 of 12 leads missing or flat (I, III, …)'], leads: [], leadsMissingOnly: true };
    expect(measurementsLine({ ...measured, quality: twoLeads }, 'fridericia', 'M')).toMatch(/^HR 90 bpm · .* · Leads missing: too few for the AI model \(10 of 12 leads missing or flat \(I, III, …\)\); measured on the leads present$/);
    // A bundle branch block's QRS lengthens QT: the printed flag says so, as the screen's does.
    expect(measurementsLine({ ...measured, qrsMs: 162, caveats: { qtcWideQrs: 'QRS 162 ms: a wide QRS lengthens QT, so QTc overstates repolarisation time' } }, 'fridericia', 'M')).toMatch(/ · QRS 162 ms · QT 406 ms · QTc 466 ms \(Fridericia; borderline prolonged \(≥ 450 ms, male; within 25 ms of the limit\); QRS 162 ms: a wide QRS lengthens QT, so QTc overstates repolarisation time\) · /);
  });

  it('says what the engine withholds or cautions about, and its computed statements, when it gives them', () => {
    const pacing = { ...measured.pacing, paced: true, spikes: 12, pacedBeatFraction: 1, reason: 'pacemaker spikes before 12 of 12 QRS complexes' };
    const paced: RecordMeasurements = { ...measured, pacing, caveats: { qtcNotInterpretable: 'paced rhythm' }, statements: [statement('SR', 'Sinus rhythm'), statement('PACE', 'Paced rhythm')] };
    // The QTc's caution is said beside the QTc, not once more among the cautions.
    expect(measurementsLine(paced, 'fridericia', 'M')).toMatch(/QTc 466 ms \(Fridericia; not interpretable: paced rhythm\).* · Caution: Paced: pacemaker spikes before 12 of 12 QRS complexes$/);
    expect(measurementsLine({ ...measured, caveats: { intervalsWithheld: 'signal quality unusable' } }, 'fridericia', 'M')).toBe('Signal quality: good. Intervals and axes withheld: signal quality unusable.');
    expect(computedStatementsPrint(paced)).toEqual({ statements: 'Computed statements (rule-based, to be confirmed by a physician): Sinus rhythm; Paced rhythm.', cautions: null });
    expect(computedStatementsPrint(measured)).toBeNull();
    // LUDB 1.0.1: every lead rescaled to 1 mV; the engine gives no axes and says why.
    const rescaled: RecordMeasurements = { ...measured, axisDeg: { p: null, qrs: null, t: null }, caveats: { amplitudeNormalised: 'every lead spans the same 1.00 mV peak to peak (12 leads)', stNotInterpretable: 'amplitudes rescaled lead by lead' } };
    // The ST caution's reason is the rescaling the caution before it states: printed once (it was printed twice).
    expect(measurementsLine(rescaled, 'fridericia', 'M')).toMatch(/Axes P\/QRS\/T — \/ — \/ — · .* · Caution: Amplitudes not as recorded: every lead spans the same 1\.00 mV peak to peak \(12 leads\)$/);
    const doubtful: RecordMeasurements = { ...measured, caveats: { amplitudeImplausible: 'QRS amplitude 40.0 mV in lead II is far beyond physiology', stNotInterpretable: 'amplitude scaling in doubt' } };
    expect(measurementsLine(doubtful, 'fridericia', 'M')).toMatch(/ · Caution: QRS amplitude 40\.0 mV in lead II is far beyond physiology$/);
    // A paced rhythm's ST caution is printed after the pacing's, in the panel's words.
    const pacedSt: RecordMeasurements = { ...measured, pacing, caveats: { stNotInterpretable: 'paced rhythm: ST and T changes follow the paced QRS' } };
    expect(measurementsLine(pacedSt, 'fridericia', 'M')).toMatch(/good · Caution: Paced: pacemaker spikes before 12 of 12 QRS complexes · Caution: ST\/T not interpretable: paced rhythm: ST and T changes follow the paced QRS$/);
    // A value not measured is a dash, without the unit a reader would take for a value's (AF: no PR).
    expect(measurementsLine({ ...measured, prMs: null }, 'fridericia', 'M')).toMatch(/ · PR — · QRS 88 ms · /);
    // PTB-XL's 100 Hz files: spikes cannot be in the samples, so the page says a paced rhythm was not looked for.
    const reason = 'pacing could not be assessed: the record is sampled at 100 Hz, and pacemaker spikes need at least 250 Hz to be seen';
    const lowRate: RecordMeasurements = { ...measured, pacing: { ...measured.pacing, assessed: false, paced: false, reason } };
    expect(measurementsLine(lowRate, 'fridericia', 'M')).toMatch(/ · Caution: Pacing could not be assessed: the record is sampled at 100 Hz, and pacemaker spikes need at least 250 Hz to be seen$/);
    expect(measurementsLine({ ...lowRate, caveats: { intervalsWithheld: 'signal quality unusable' } }, 'fridericia', 'M')).not.toMatch(/Pacing/);
    // LUDB 99: QRS peaks the recorder cut.
    const cut: RecordMeasurements = { ...measured, caveats: { samplesHeld: 'every lead held still for ~16 ms and then jumped at 7 of 14 QRS complexes' } };
    expect(measurementsLine(cut, 'fridericia', 'M')).toMatch(/ · Caution: Complexes cut by the recorder: every lead held still for ~16 ms and then jumped at 7 of 14 QRS complexes$/);
    // MIMIC 3000003_0003: intervals measured on a clipped II and a wandering V, the only leads.
    const flagged: RecordMeasurements = { ...measured, caveats: { intervalsFromFlaggedLeads: 'every lead measured is flagged by signal quality (II clipped at the amplifier range; V baseline wander)' } };
    // PTB-XL 00191 with its III renamed: III computed from I and II beside the file's "III (renamed)", as the panel says.
    const leads = "the file's lead III (renamed) is not recognised as any of the 12 standard leads: kept under the file's name, not taken for III, which is computed from I and II (not recorded)";
    expect(measurementsLine({ ...measured, caveats: { leadsUnrecognised: leads } }, 'fridericia', 'M')).toMatch(/Signal quality: good · Caution: Leads: the file's lead III \(renamed\) is not recognised .* which is computed from I and II \(not recorded\)$/);
    expect(measurementsLine(flagged, 'fridericia', 'M')).toMatch(/ · Caution: Intervals in doubt: every lead measured is flagged by signal quality \(II clipped at the amplifier range; V baseline wander\)$/);
  });

  it('prints each computed statement with the caution the screen shows under it, a shared one once (LUDB 52: flutter waves beside a P wave)', () => {
    const flutter = 'regular atrial waves at 270/min (II) run between the complexes: exclude atrial flutter on the rhythm strip, whose wave before the QRS can pass for a P wave (the PR is then not a PR interval)';
    const near = 'borderline: QTc 464 ms is within 25 ms of the 460 ms limit, inside the mean error IEC 60601-2-25 allows a program\'s interval measurements: confirm on the tracing';
    const m: RecordMeasurements = { ...measured, statements: [statement('SARRH', 'Sinus arrhythmia', flutter), statement('1AVB', 'First-degree AV block', flutter), statement('LNGQT', 'Borderline prolonged QTc', near), statement('LAD', 'Left axis deviation')] };
    expect(computedStatementsPrint(m)).toEqual({
      statements: 'Computed statements (rule-based, to be confirmed by a physician): Sinus arrhythmia [1]; First-degree AV block [1]; Borderline prolonged QTc [2]; Left axis deviation.',
      cautions: `[1] ${flutter}. [2] ${near}.`,
    });
  });

  it('prints why a statement the screen does not offer for adoption cannot be confirmed (PTB-XL 00143 at 100 Hz: paced complexes read as a block)', () => {
    const caveat = 'QRS 210 ms at 100 Hz, where pacemaker spikes cannot be seen: exclude a paced rhythm first';
    const why = 'a QRS of 210 ms, over 160 ms, may be ventricular paced, and no pacemaker spike can be seen at this sampling rate to exclude it: block, axis and QTc criteria do not apply to paced complexes';
    const wide = (code: string, text: string) => ({ ...statement(code, text, caveat), unconfirmable: why });
    const m: RecordMeasurements = { ...measured, statements: [statement('URHY', 'Rhythm undetermined'), wide('CRBBB', 'Complete right bundle branch block'), wide('LAD', 'Left axis deviation')] };
    expect(computedStatementsPrint(m)).toEqual({
      statements: 'Computed statements (rule-based, to be confirmed by a physician): Rhythm undetermined; Complete right bundle branch block [1][2]; Left axis deviation [1][2].',
      cautions: `[1] ${caveat}. [2] not to be confirmed from this record: ${why}.`,
    });
  });

  it('prints the record\'s current PE scores as the panel shows them, and nothing without an entry', () => {
    expect(peScoresLine(null)).toBeNull();
    const entry = { id: 2, recordId: 1, items: {}, assessor: 'Dr. P', note: '', supersedes: 1, enteredAt: '2026-01-01T10:00:00Z', scores: [{ summary: 'Wells 4.5: moderate, PE likely' }, { summary: 'PEGeD: imaging indicated (moderate C-PTP (Wells 4.5), D-dimer 640 ≥ 500 ng/mL)' }] } as unknown as PeAssessment;
    expect(peScoresLine(entry)).toMatch(/^PE pre-test scores \(entered by Dr\. P, .+\): Wells 4\.5: moderate, PE likely; PEGeD: imaging indicated \(moderate C-PTP \(Wells 4\.5\), D-dimer 640 ≥ 500 ng\/mL\)\.$/);
  });

  it('prints the items the PE scores were computed from, so a score can be checked from the page', () => {
    const items = { ageYears: 72, heartRateBpm: 112, dDimerNgMlFeu: 640, dvtSigns: true, peMostLikely: false, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false, surgeryOrFracture1m: false, unilateralLegPain: false };
    const entry = { id: 3, recordId: 1, items, assessor: 'Dr. P', note: '', supersedes: null, enteredAt: '2026-01-01T10:00:00Z', scores: [{ summary: 'Wells 4.5: moderate, PE likely' }], heartRateSource: 'ecg' } as unknown as PeAssessment;
    expect(peScoresLine(entry)).toMatch(/: Wells 4\.5: moderate, PE likely\. Items: age 72 years, heart rate 112\/min \(from the ECG\), D-dimer 640 ng\/mL FEU; yes: Clinical signs of DVT; no: the other 7\.$/);
    // Wells counts a rate above 100: the page says whether it was the ECG's or typed, or that the entry predates recording it.
    expect(peScoresLine({ ...entry, heartRateSource: 'entered' })).toMatch(/heart rate 112\/min \(entered\), D-dimer/);
    expect(peScoresLine({ ...entry, heartRateSource: null })).toMatch(/heart rate 112\/min \(source not recorded\), D-dimer/);
    // An age that differs from the header's says both; items not assessed are named.
    const partial = { ...entry, items: { ageYears: 52, haemoptysis: true, activeCancer: false } } as PeAssessment;
    expect(peScoresLine(partial, 48)).toMatch(
      /Items: age 52 years \(record header: 48\); yes: Haemoptysis; no: Active cancer; not assessed: heart rate, D-dimer, Clinical signs of DVT, PE the most likely diagnosis, Immobilisation ≥ 3 days or surgery within the previous 4 weeks, Previous DVT or PE, Surgery under general anaesthesia or lower-limb fracture within 1 month, Unilateral lower-limb pain\.$/,
    );
    // A D-dimer stored before the floor (mg/L FEU typed as ng/mL) is flagged on paper, not printed as if it were real.
    const old = { ...entry, items: { dDimerNgMlFeu: 0.9, ...Object.fromEntries(Object.entries(items).filter(([k]) => k !== 'dDimerNgMlFeu' && k !== 'ageYears' && k !== 'heartRateBpm')) } } as PeAssessment;
    expect(peScoresLine(old)).toMatch(/Items: D-dimer 0\.9 ng\/mL FEU \(below 20: not plausible, likely mg\/L FEU typed as ng\/mL; correct the entry\); yes: Clinical signs of DVT; no: the other 7; not assessed: age, heart rate\.$/);
    // And one stored before the ceiling (ng/mL typed as mg/L FEU: 150 → 150 000).
    const high = { ...old, items: { ...old.items, dDimerNgMlFeu: 150_000 } } as PeAssessment;
    expect(peScoresLine(high)).toMatch(/Items: D-dimer 150000 ng\/mL FEU \(above 100000: not plausible, likely ng\/mL typed as mg\/L FEU; correct the entry\); yes/);
    // And one of 20–100 stored before its unit had to be confirmed (24 mg/L FEU typed as ng/mL?); a confirmed one says so.
    const low = { ...old, items: { ...old.items, dDimerNgMlFeu: 24 } } as PeAssessment;
    expect(peScoresLine(low)).toMatch(/Items: D-dimer 24 ng\/mL FEU \(unit not confirmed: possibly 24 mg\/L FEU typed as ng\/mL, which is 24000 ng\/mL FEU; correct the entry\); yes/);
    expect(peScoresLine({ ...low, items: { ...low.items, dDimerUnitConfirmed: true } })).toMatch(/Items: D-dimer 24 ng\/mL FEU \(unit confirmed at entry\); yes/);
  });

  it("says beside a rate taken from the ECG that the ECG now measures another, its beats corrected since, on screen and on paper", () => {
    const items = { ageYears: 72, heartRateBpm: 68, dvtSigns: false };
    // The ECG measures what the entry took: as before.
    expect(peItemsText(items, null, 'ecg', 68)).toBe('Items: age 72 years, heart rate 68/min (from the ECG); no: Clinical signs of DVT; not assessed: D-dimer, PE the most likely diagnosis, Immobilisation ≥ 3 days or surgery within the previous 4 weeks, Previous DVT or PE, Haemoptysis, Active cancer, Surgery under general anaesthesia or lower-limb fracture within 1 month, Unilateral lower-limb pain.');
    // A beat corrected since: true of the entry, not of the ECG now; both said.
    expect(peItemsText(items, null, 'ecg', 61)).toMatch(/^Items: age 72 years, heart rate 68\/min \(from the ECG at entry; it now measures 61\/min\); no:/);
    // No rate measured now (its intervals withheld since), or the measurements not read yet (said as at entry).
    expect(peItemsText(items, null, 'ecg', null)).toMatch(/heart rate 68\/min \(from the ECG at entry; it has no measured rate now\); no:/);
    expect(peItemsText(items, null, 'ecg')).toMatch(/heart rate 68\/min \(from the ECG\); no:/);
    // A typed rate, or one of unknown source, is not the ECG's claim: the ECG's rate is not set beside it.
    expect(peItemsText(items, null, 'entered', 61)).toMatch(/heart rate 68\/min \(entered\); no:/);
    expect(peItemsText(items, null, null, 61)).toMatch(/heart rate 68\/min \(source not recorded\); no:/);
    // The page says it too.
    const entry = { id: 3, recordId: 1, items, assessor: 'Dr. P', note: '', supersedes: null, enteredAt: '2026-01-01T10:00:00Z', scores: [{ summary: 'Wells 0: low, PE unlikely' }], heartRateSource: 'ecg' } as unknown as PeAssessment;
    expect(peScoresLine(entry, 72, 61)).toMatch(/Wells 0: low, PE unlikely\. Items: age 72 years, heart rate 68\/min \(from the ECG at entry; it now measures 61\/min\); no:/);
    expect(peScoresLine(entry, 72, 68)).toMatch(/Items: age 72 years, heart rate 68\/min \(from the ECG\); no:/);
  });

  it("qualifies, where it is printed, each D-dimer rule's decision on an entry whose D-dimer is flagged, not only in the items after it", () => {
    // An entry stored before a D-dimer of 20–100 ng/mL FEU needed its unit confirmed: 24 may be 24 mg/L FEU, a massive PE.
    const items = { ageYears: 60, heartRateBpm: 80, dDimerNgMlFeu: 24, dvtSigns: false, peMostLikely: false, immobilisationOrSurgery4w: false, previousVte: false, haemoptysis: false, activeCancer: false, surgeryOrFracture1m: false, unilateralLegPain: false };
    // Its scores as the engine computed them then (the engine's own summaries).
    const scores = [
      { score: 'wells', imagingIndicated: null, summary: 'Wells 0: low, PE unlikely' },
      { score: 'years', imagingIndicated: false, summary: 'YEARS: PE excluded without imaging (0 YEARS items, D-dimer 24 < 1000 ng/mL)' },
      { score: 'peged', imagingIndicated: false, summary: 'PEGeD: PE excluded without imaging (low C-PTP (Wells 0), D-dimer 24 < 1000 ng/mL)' },
      { score: 'ageAdjustedDdimer', imagingIndicated: false, summary: 'Age-adjusted D-dimer: PE excluded without imaging (PE unlikely (Wells 0), D-dimer 24 < 600 ng/mL (age 60))' },
    ];
    const entry = { id: 4, recordId: 1, items, assessor: 'Dr. Old', note: '', supersedes: null, enteredAt: '2026-11-01T10:00:00Z', scores, heartRateSource: 'entered' } as unknown as PeAssessment;
    const caveat = "[not to be relied on: the D-dimer's unit was not confirmed (see the items); correct the entry]";
    const line = peScoresLine(entry) ?? '';
    expect(line).toContain(`YEARS: PE excluded without imaging (0 YEARS items, D-dimer 24 < 1000 ng/mL) ${caveat}; PEGeD: PE excluded without imaging (low C-PTP (Wells 0), D-dimer 24 < 1000 ng/mL) ${caveat}; `);
    expect(line).toContain(`Age-adjusted D-dimer: PE excluded without imaging (PE unlikely (Wells 0), D-dimer 24 < 600 ng/mL (age 60)) ${caveat}. Items:`);
    // The point scores do not read the D-dimer: Wells stands as it is.
    expect(line).toContain('Wells 0: low, PE unlikely; YEARS');
    // One below the floor is as doubtful; a confirmed one, or one of 640, is printed as it is.
    expect(peScoresLine({ ...entry, items: { ...items, dDimerNgMlFeu: 0.9 } })).toContain('[not to be relied on: the D-dimer is not plausible (see the items); correct the entry]');
    expect(peScoresLine({ ...entry, items: { ...items, dDimerUnitConfirmed: true } })).not.toContain('not to be relied on');
    expect(peScoresLine({ ...entry, items: { ...items, dDimerNgMlFeu: 640 } })).not.toContain('not to be relied on');
  });

  it('prints the pre-test and fused probabilities the PE panel shows, each with its model and operating point, and nothing without them', () => {
    const ecg = { probability: 0.31, modelId: 'm', modelName: 'PE ECG', threshold: 0.4, method: 'youden', temperature: 1.2, decision: false };
    const none: PeProbabilities = { recordId: 1, predictionId: 3, ecg, assessmentId: null, fusionModel: null, pretest: null, fused: null, fusionUnavailable: 'no fusion model is installed for PE ECG (ecg pe-fuse builds one)', notice: null };
    expect(peProbabilitiesLine(null)).toBeNull();
    expect(peProbabilitiesLine(none)).toBeNull();
    const fusion = { modelId: 'f', modelName: 'PE fusion', method: 'youden', temperature: 1, decision: true };
    const shown: PeProbabilities = { ...none, assessmentId: 2, fusionModel: { id: 'f', name: 'PE fusion' }, pretest: { ...fusion, probability: 0.2345, threshold: 0.15 }, fused: { ...fusion, probability: 0.0004, threshold: 0.3, decision: false }, fusionUnavailable: null };
    const undecided = { ...shown, pretest: { ...fusion, probability: 0.145, threshold: 1, temperature: 0.94 } };
    expect(peProbabilitiesLine(undecided)).toMatch(/^PE probabilities beside the ECG's \(PE fusion, research use only\): score-based pre-test \(this site\) 14\.5 % \(no threshold: no discrimination on validation, T = 0\.94\): no decision; fused ECG/);
    // Two packages (not made today, but the panel allows it): each figure names its own.
    expect(peProbabilitiesLine({ ...shown, fused: { ...shown.fused!, modelName: 'Other fusion' } })).toMatch(/\(research use only\): score-based pre-test \(this site\) 23\.4 % \(PE fusion, p > 15\.0 %.*; fused ECG \+ score items < 0\.1 % \(Other fusion, p > 30\.0 %/);
    expect(peProbabilitiesLine(shown)).toBe(
      "PE probabilities beside the ECG's (PE fusion, research use only): score-based pre-test (this site) 23.4 % (p > 15.0 %, youden, T = 1.00): above threshold; fused ECG + score items < 0.1 % (p > 30.0 %, youden, T = 1.00): below threshold.",
    );
    // A threshold met as a target names its rule, not the bare method.
    expect(peProbabilitiesLine({ ...shown, fused: { ...shown.fused!, method: 'sensitivity', target: 0.95 } })).toContain('(p > 30.0 %, rule-out sensitivity ≥ 0.95, T = 1.00)');
    // A temperature the calibration did not trust is printed with its reason, as the PE panel shows it.
    const bound = 'temperature at its upper bound (20): on the 40 validation rows the model\'s outputs carry no information about the outcome';
    expect(peProbabilitiesLine({ ...shown, fused: { ...shown.fused!, temperature: 20, calibrationNote: bound } })).toContain(`(p > 30.0 %, youden, T = 20.00 (${bound})): below threshold`);
  });

  it('says on paper why an installed fusion model gave no pre-test or fused probability, and prints nothing where none is installed', () => {
    const ecg = { probability: 0.31, modelId: 'm', modelName: 'PE ECG', threshold: 0.4, method: 'youden', temperature: 1.2, decision: false };
    const fusionModel = { id: 'f', name: 'PE fusion' };
    const withheld = (fusionUnavailable: string): PeProbabilities => ({ recordId: 1, predictionId: 3, ecg, assessmentId: 2, fusionModel, pretest: null, fused: null, fusionUnavailable, notice: null });
    // The engine withholds both figures from an entry whose D-dimer it does not take at its word: the page says so, as the panel does.
    const doubted =
      "withheld because PE fusion reads the D-dimer (one of its inputs), and the score entry's D-dimer (24 ng/mL FEU) is not to be relied on: its unit was not confirmed (24 mg/L FEU typed as ng/mL would be 24000 ng/mL FEU). Correct the entry; a fusion model that does not read the D-dimer still gives its figures from this entry";
    expect(peProbabilitiesLine(withheld(doubted))).toBe(`PE probabilities beside the ECG's (PE fusion, research use only): no score-based pre-test or fused probability: ${doubted}.`);
    // So too for an entry missing, or one missing items the fusion reads.
    expect(peProbabilitiesLine({ ...withheld('no PE score items entered for this record'), assessmentId: null })).toBe("PE probabilities beside the ECG's (PE fusion, research use only): no score-based pre-test or fused probability: no PE score items entered for this record.");
    expect(peProbabilitiesLine(withheld('items not assessed: peMostLikely, haemoptysis'))).toMatch(/\(PE fusion, research use only\): no score-based pre-test or fused probability: items not assessed: peMostLikely, haemoptysis\.$/);
    // No fusion model installed: the site has no pre-test or fused figure to give, for any record; nothing is printed.
    expect(peProbabilitiesLine({ ...withheld('no fusion model is installed for PE ECG (ecg pe-fuse builds one)'), fusionModel: null })).toBeNull();
  });

  it('names the model, its version, operating point and the classes in words', () => {
    const p = {
      id: 3,
      recordId: 1,
      model: { id: 'm@abc', name: 'starter', demonstration: true, weightsSha256: 'abcdef0123456789'.repeat(4) },
      classes: ['NORM', 'MI'],
      operatingPoint: { method: 'f1', temperature: 1.5, thresholds: { NORM: 0.5, MI: 0.3 } },
      probabilities: { NORM: 0.1, MI: 0.8 },
      decisions: { NORM: false, MI: true },
      abstained: false,
      reason: null,
      quality: { verdict: 'good', reasons: [] },
      scope: { reasons: [], notes: [] },
      engineVersion: '0.1.0',
      createdAt: '2026-01-01T10:00:00Z',
      researchUseOnly: true,
    } as StoredPrediction;
    const line = predictionLine(p);
    expect(line).toMatch(/^AI output, research use only, not a diagnosis — m@abc \(demonstration model\), F1-optimal/);
    // Each probability beside the threshold it was compared with, as the screen's table has them.
    expect(line).toMatch(/: flagged Myocardial infarction \(MI\) 80\.0 % \(threshold 30\.0 %\); not flagged Normal ECG \(NORM\) 10\.0 % \(threshold 50\.0 %\)\.$/);
    // Printed like on screen: rounding never makes a probability look certain.
    expect(predictionLine({ ...p, probabilities: { NORM: 0.0004, MI: 0.9996 } })).toMatch(/flagged Myocardial infarction \(MI\) > 99\.9 % \(threshold 30\.0 %\); not flagged Normal ECG \(NORM\) < 0\.1 % \(threshold 50\.0 %\)\.$/);
    // A class without a threshold decided nothing, and the line does not list it as a negative.
    const undecided = predictionLine({ ...p, classes: ['NORM', 'MI', 'CD'], probabilities: { NORM: 0.1, MI: 0.8, CD: 0.5 }, decisions: { NORM: false, MI: true, CD: false }, operatingPoint: { method: 'f1', temperature: 1.5, thresholds: { NORM: 0.5, MI: 0.3, CD: 1 } } });
    expect(undecided).toMatch(/flagged Myocardial infarction \(MI\) 80\.0 % \(threshold 30\.0 %\); not flagged Normal ECG \(NORM\) 10\.0 % \(threshold 50\.0 %\); no decision \(no discrimination on validation\) Conduction disturbance \(CD\) 50\.0 %\.$/);
    expect(undecided).toContain('1 of 3 classes never flagged');
    expect(predictionLine({ ...p, abstained: true, probabilities: null, decisions: null, reason: 'flat leads' })).toMatch(/: abstained — flat leads\.$/);
    // A PE probability carries the screen's caveat onto paper; other models' outputs need none.
    expect(predictionCaveat(p)).toBeNull();
    const pe = { ...p, classes: ['PE'], probabilities: { PE: 0.62 }, decisions: { PE: true }, operatingPoint: { method: 'youden', temperature: 1, thresholds: { PE: 0.4 } } };
    expect(predictionLine(pe)).toMatch(/flagged Pulmonary embolism \(PE\) 62\.0 % \(threshold 40\.0 %\)\.$/);
    expect(predictionCaveat(pe)).toMatch(/^Pulmonary embolism: the ECG alone is weak evidence .* neither confirms nor excludes PE/);
    // The PE panel withheld the number (the score entry's age is outside the model's intended use): no figure on paper either.
    const why = "outside m's intended use by the PE score entry's age (patient aged 12 years; the model is for 18 years and older): no ECG, pre-test or fused probability";
    const withheld = predictionLine(pe, undefined, null, why);
    expect(withheld).toMatch(new RegExp(`^AI output, research use only, not a diagnosis — m@abc \\(demonstration model\\), Youden.*: no probability — ${why.replace(/[()]/g, '\\$&')}\\.$`));
    expect(withheld).not.toMatch(/62\.0 %|flagged/);
  });

  it('prints a flag the locked test never backed apart from the flags it did, with why', () => {
    const p = {
      id: 4,
      recordId: 1,
      model: { id: 'cpsc@abc', name: 'starter-cpsc', demonstration: true, weightsSha256: 'abcdef0123456789'.repeat(4) },
      classes: ['AF', 'IAVB', 'LBBB', 'PAC'],
      operatingPoint: { method: 'f1', temperature: 1, thresholds: { AF: 0.105, IAVB: 0.024, LBBB: 0.059, PAC: 0.033 } },
      probabilities: { AF: 0.016, IAVB: 0.055, LBBB: 0.07, PAC: 0.066 },
      decisions: { AF: false, IAVB: true, LBBB: true, PAC: true },
      abstained: false,
      reason: null,
      quality: { verdict: 'good', reasons: [] },
      scope: { reasons: [], notes: [] },
      engineVersion: '0.1.0',
      createdAt: '2026-01-01T10:00:00Z',
      researchUseOnly: true,
    } as StoredPrediction;
    const lockedTest = { n: 63, ci: {}, metrics: { perClass: { AF: { sensitivity: 0.5, support: 2 }, IAVB: { sensitivity: 0, support: 1 }, LBBB: { sensitivity: null, support: 0 }, PAC: { sensitivity: 0.5, support: 4 } } } };
    expect(predictionLine(p, undefined, lockedTest)).toMatch(
      /: flagged Premature atrial contraction \(PAC\) 6\.6 % \(threshold 3\.3 %\); above threshold, not validated on the locked test First-degree AV block \(IAVB\) 5\.5 % \(threshold 2\.4 %; locked test found 0 of 1\), Left bundle branch block \(LBBB\) 7\.0 % \(threshold 5\.9 %; no positive case in the locked test\); not flagged Atrial fibrillation \(AF\) 1\.6 % \(threshold 10\.5 %\)\.$/,
    );
    // Only such flags: the line does not first say "flagged nothing".
    const onlyDoubtful = predictionLine({ ...p, decisions: { ...p.decisions, PAC: false } }, undefined, lockedTest);
    expect(onlyDoubtful).toMatch(/: above threshold, not validated on the locked test First-degree AV block/);
    expect(onlyDoubtful).not.toContain('flagged nothing');
    // Without the model's figures (uninstalled) nothing can be said either way: the flags print as flags.
    expect(predictionLine(p)).toMatch(/: flagged First-degree AV block \(IAVB\) 5\.5 % \(threshold 2\.4 %\), Left bundle/);
    // The computed statements (sinus rhythm, first-degree AV block, AF suspected) disagree on PAC, LBBB and AF: said on paper, as on screen.
    const statements = [{ code: 'SR', text: 'Sinus rhythm' }, { code: '1AVB', text: 'First-degree AV block' }, { code: 'AFIB', text: 'Atrial fibrillation or flutter suspected' }];
    expect(predictionDisagreementLine(p, statements)).toBe(
      'The AI output differs from the computed statements: the statements say “Atrial fibrillation or flutter suspected”; this model does not flag Atrial fibrillation (AF) (1.6 %); this model flags Left bundle branch block (LBBB); no statement says so; this model flags Premature atrial contraction (PAC); no statement says so. Look at the tracing.',
    );
    expect(predictionDisagreementLine({ ...p, decisions: { AF: true, IAVB: true, LBBB: false, PAC: false } }, statements)).toBeNull();
  });

  it('prints the reading with its reader, or says the ECG is unconfirmed', () => {
    expect(readingLine(null)).toMatch(/^Unconfirmed/);
    const reading = { id: 1, recordId: 1, statements: [{ code: 'SR', text: 'sinus rhythm' }, { code: null, text: 'early repolarisation' }], note: 'No prior.', reader: 'Dr. A', predictionId: null, agreement: null, supersedes: null, confirmedAt: '2026-01-01T10:00:00Z' };
    expect(readingLine(reading)).toMatch(/^Physician reading — Dr\. A, .+: sinus rhythm \(SR\); early repolarisation\. Note: No prior\.$/);
    // The note's own line breaks are kept: the sheets after the page print the reading line by line.
    expect(readingLine({ ...reading, note: 'First.\nSecond.' }).split('\n')).toHaveLength(2);
  });

  it('prints an amended reading as amended, with whose reading of when it supersedes and what that one said', () => {
    const first = { id: 1, recordId: 1, statements: [{ code: 'SR', text: 'sinus rhythm' }, { code: 'NORM', text: 'normal ECG' }], note: '', reader: 'Dr. First Reader', predictionId: null, agreement: null, supersedes: null, confirmedAt: '2026-01-01T10:00:00Z' };
    const amended = { ...first, id: 2, statements: [{ code: 'SR', text: 'sinus rhythm' }, { code: 'SBRAD', text: 'sinus bradycardia' }], note: 'HR 52.', reader: 'Dr. Second Reader', supersedes: 1, confirmedAt: '2026-01-02T09:30:00Z' };
    // Dates year first on a 24-hour clock, in the workstation's time (here pinned to UTC), whatever its locale.
    // Restored even when the assertion fails: files share their fork (isolate: false), and a TZ
    // left at UTC would change every later file's clock there.
    vi.stubEnv('TZ', 'UTC');
    try {
      expect(readingLine(amended, first)).toBe(
        'Physician reading — Dr. Second Reader, amended 2026-01-02 09:30; supersedes the reading by Dr. First Reader of 2026-01-01 10:00: sinus rhythm (SR); sinus bradycardia (SBRAD). Note: HR 52. Superseded reading: sinus rhythm (SR); normal ECG (NORM).',
      );
    } finally {
      vi.unstubAllEnvs();
    }
    // The reading it amends not at hand: the page still says it is an amendment, and of which reading.
    expect(readingLine(amended)).toMatch(/^Physician reading — Dr\. Second Reader, amended .+; supersedes reading #1: sinus rhythm/);
  });

  it('names the patient on every printed sheet by what the file holds, or says it holds nothing', () => {
    expect(patientIdentifiers({ name: 'DOE^JOHN', id: '0814', birthDate: '1979-07-08', sex: 'M' })).toBe('DOE^JOHN · ID 0814 · born 1979-07-08');
    expect(patientIdentifiers({ id: '0814' })).toBe('ID 0814');
    expect(patientIdentifiers({ sex: 'F', ageYears: 60 })).toBe('no patient identifiers in the file');
    expect(patientDemographics({ sex: 'F', ageYears: 60 })).toBe('female, 60 y');
    expect(patientDemographics({ sex: 'M' })).toBe('male');
    expect(patientDemographics({ sex: 'U', ageYears: 0 })).toBe('0 y');
    expect(patientDemographics({ name: 'DOE^JOHN' })).toBe('');
  });

  it('prints a shown saliency map as its class, method and the leads with the largest share', () => {
    const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const perLead = [0.02, 0.03, 0.01, 0.01, 0.01, 0.02, 0.2, 0.45, 0.15, 0.05, 0.03, 0.02];
    const saliency: SaliencyResult = { modelId: 'm@abc', recordId: 1, className: 'MI', method: 'integrated-gradients', steps: 32, baseline: 'zero', leads, binSeconds: 0.04, seconds: 10, map: [], perLead, windowStarts: [0] };
    expect(saliencyLine(saliency)).toBe(
      'Where the model looked for Myocardial infarction (MI) (integrated gradients, 32 steps from a flat baseline; an explanation of the model, not of the patient): V2 45 %, V1 20 %, V3 15 %, V4 5 % of the attribution.',
    );
  });
});
