import { frontalAxis, limbLeads } from './axis';
import { beatByBeatPr, repeatingPWaves, type BeatPr } from './beat-pr';
import { delineate, type Fiducials } from './delineate';
import { cleanForMeasurement, leadsFromTooFewBeats, medianBeat, type MedianBeat } from './median-beat';
import { qrsMorphology, type LeadQrs } from './morphology';
import type { HeldSamples } from './held-samples';
import { withUnseenSpikeBeats } from './paced-shape';
import { detectPacing, type PacingResult } from './pacing';
import { alignBeats } from './beat-alignment';
import { applyBeatEdits, hasBeatEdits, type BeatEdits, type EditedBeats } from './beat-edits';
import { correctedFiducials, isEmptyCorrection, type BoundaryCorrection } from './boundary-correction';
import { withoutSinusP } from './no-sinus-p';
import type { BeatDetection } from './qrs';
import { qtcAll, type QtcFormula } from './qtc';
import { issueText, type NamedLead, type RecordQuality } from './record-quality';
import { RecordReadings } from './record-readings';
import { missingInEveryLead, missingInLead } from './missing-stretches';
import { atrialActivity, halfCycleAtrialWaves, rhythmFeatures, rrAcrossGaps, type RhythmFeatures } from './rhythm';
import { leadByLeadNormalisation, leadNormalisationText, limbProportions, type LeadNormalisation } from './lead-normalisation';
import { interpretiveStatements, statementThresholds, wideQrsLengthensQt, type EcgStatement, type StatementInput } from './statements';
import { mean, sampleStd } from './stats';
import { isCanonicalLead } from '../formats/leads';
import { listed, noneOf } from '../contract/counted';

/**
 * Global ECG measurements, as on a cardiograph's report. Intervals come from one median
 * beat per lead with global wave boundaries (earliest onset, latest offset over the leads);
 * rate and RR from every detected beat. `null` means not measurable; `reasons` says why,
 * keyed like the field ('prMs', 'axisDeg.p', …).
 */
export interface EcgMeasurements {
  readonly heartRateBpm: number | null;
  readonly rrMs: { readonly mean: number | null; readonly sd: number | null };
  /** From the median beat; when it shows no P wave, the median of the beats' own PR (then `prBeats` is set). */
  readonly prMs: number | null;
  /** The PR measured beat by beat, when the median beat showed no P wave (null otherwise). */
  readonly prBeats: BeatPr | null;
  readonly qrsMs: number | null;
  readonly qtMs: number | null;
  readonly qtcMs: Readonly<Record<QtcFormula, number | null>>;
  readonly axisDeg: { readonly p: number | null; readonly qrs: number | null; readonly t: number | null };
  /** QRS sample indices at the record's rate. */
  readonly beats: number[];
  readonly reasons: Record<string, string>;
}

/** Limits on how the measurements may be read; each present key says why. */
export interface MeasurementCaveats {
  /** No interval is reported: the record's signal quality makes them unreadable. */
  readonly intervalsWithheld?: string;
  /** Limb-lead QRS amplitudes far beyond physiology: the file's scaling is in doubt. */
  readonly amplitudeImplausible?: string;
  /** Every lead rescaled to one range (lead-normalisation.ts): voltage and ST are not interpretable; the axes only where the limb leads' proportions were restored. */
  readonly amplitudeNormalised?: string;
  /** QTc must not be read against its limits (paced rhythm, doubtful scaling). */
  readonly qtcNotInterpretable?: string;
  /** The QRS is wide enough to lengthen the QT (statements.ts `wideQrsLengthensQt`): a QTc over its limit says so. */
  readonly qtcWideQrs?: string;
  /** ST levels and T waves must not be interpreted (paced rhythm, doubtful scaling). */
  readonly stNotInterpretable?: string;
  /** PR was measured beat by beat, not on the median beat: how, and whether it varies. */
  readonly prFromBeats?: string;
  /** Some QRS complexes were cut by the recorder (held-samples.ts): which, and whether the median beat left them out. */
  readonly samplesHeld?: string;
  /** Every lead the intervals were measured on is flagged by signal quality (not so badly that they are withheld): which, and why. */
  readonly intervalsFromFlaggedLeads?: string;
  /** None of the leads measured is one of the 12 standard leads (unrecognisedLeadsText): which, and what that leaves of the intervals. */
  readonly leadsUnrecognised?: string;
  /** Leads missing for stretches of their own at most beats (a lead-off electrode): left out of the median beat and its measures, as a missing lead. */
  readonly leadsLeftOut?: string;
}

export interface EcgAnalysis {
  readonly measurements: EcgMeasurements;
  readonly quality: RecordQuality;
  /** The representative beat (leads in `medianLeads` order) and its wave boundaries, for display. */
  readonly medianBeat?: MedianBeat;
  readonly medianLeads: string[];
  readonly fiducials?: Fiducials;
  readonly pacing: PacingResult;
  /** Typical beats the median beat left out: paced ones (intermittent pacing) and those the recorder cut (`quality.heldComplexes`). */
  readonly beatsLeftOut: { readonly paced: number; readonly held: number };
  /**
   * Leads left out of the median beat and its measures for too few beats recorded in full in them
   * (missing for stretches of their own: the caveat `leadsLeftOut`); absent when none was.
   */
  readonly leadsLeftOut?: ShortLeads;
  readonly rhythm: RhythmFeatures;
  /** QRS shape per lead on the median beat (absent without QRS boundaries). */
  readonly morphology?: ReadonlyMap<string, LeadQrs>;
  readonly caveats: MeasurementCaveats;
  /** Rule-based interpretive statements (core/signal/statements.ts), empty when intervals are withheld. */
  readonly statements: EcgStatement[];
  /** Present when a reader's boundary correction was given (AnalysisOptions.boundaries): whether it applied, and the program's own figures. */
  readonly correction?: CorrectionApplied;
}

/**
 * A reader's corrections (wave boundaries, beats) as the analysis took them. When `applied`,
 * every figure and statement above comes from them; `notApplied` says why a part was not (the
 * program's was used). `automatic` is the program's delineation of the median beat shown, and
 * the intervals measured between those boundaries (with edited beats, on their median beat).
 */
export interface CorrectionApplied {
  readonly applied: boolean;
  readonly notApplied?: string;
  readonly automatic: { readonly fiducials?: Fiducials; readonly prMs: number | null; readonly qrsMs: number | null; readonly qtMs: number | null };
  /** The beat edits: how many beats were added and removed, and how many edits named no beat. */
  readonly beats?: Omit<EditedBeats, 'detection'>;
}

export interface AnalysisOptions {
  /** The patient's sex, for the sex-specific QTc limit of the statements. */
  readonly sex?: 'M' | 'F' | 'U' | undefined;
  /** The reader's wave boundaries on the median beat (boundary-correction.ts), in place of the program's. */
  readonly boundaries?: BoundaryCorrection | undefined;
  /** The reader's added and removed beats (beat-edits.ts), applied to the detected ones. */
  readonly beatEdits?: BeatEdits | undefined;
}

/**
 * Limb-lead QRS peak-to-peak amplitudes above this (mV) are not physiology: the largest
 * normal and hypertrophied limb-lead QRS stay under ~3 mV (Cornell and Sokolow–Lyon limb
 * criteria are 1.1–2.5 mV), so a file beyond 5 mV has almost certainly been scaled wrongly
 * (Contec 0000050 as EDF reads 6× too large: 7.2 mV in lead I).
 */
export const maxLimbQrsMv = 5;

/**
 * The 12 standard leads' QRS peak-to-peak amplitudes summed (the total 12-lead QRS voltage)
 * above this (mV) are not physiology. Its upper normal limit is 17.5 mV (175 mm), beyond it
 * left ventricular hypertrophy; in necropsy-proven severe hypertrophy it ranged to 41.7 mV in
 * aortic stenosis (Siegel & Roberts, Am Heart J 1982;103:210) and to 42.8 mV in aortic
 * regurgitation (Roberts & Day, Am J Cardiol 1985;55:432). A wrong gain scales every lead
 * at once, so a file can be beyond physiology with no one limb lead over `maxLimbQrsMv`: the
 * MUSE example stored as WFDB at 5× its voltage sums to ~60 mV with lead I at 4.7 mV.
 */
export const maxTwelveLeadQrsSumMv = 50;
const twelveLeads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** Values outside these ranges (ms) are delineation failures, not physiology: they are withheld. */
export const plausibleIntervalsMs = { prMs: [60, 450], qrsMs: [40, 250], qtMs: [200, 700] } as const;

/** RR mean and SD over the RR intervals recorded: one across a stretch missing in every lead (`acrossGap`, rhythm.ts `rrAcrossGaps`) is the gap's. */
function rrStatistics(beats: readonly number[], fs: number, reasons: Record<string, string>, acrossGap: ReadonlySet<number>): { mean: number | null; sd: number | null } {
  const rr = beats.slice(1).flatMap((b, k) => (acrossGap.has(k) ? [] : [((b - (beats[k] as number)) * 1000) / fs]));
  const gaps = acrossGap.size > 0 ? ' (besides RR intervals across a stretch missing in every lead)' : '';
  if (rr.length === 0) {
    reasons['rrMs.mean'] = reasons.heartRateBpm = `fewer than two beats detected${gaps}`;
    reasons['rrMs.sd'] = `fewer than three beats detected${gaps}`;
    return { mean: null, sd: null };
  }
  if (rr.length < 2) reasons['rrMs.sd'] = `fewer than three beats detected${gaps}`;
  return { mean: mean(rr), sd: rr.length >= 2 ? sampleStd(rr) : null };
}

function interval(name: keyof typeof plausibleIntervalsMs, from: number | undefined, to: number | undefined, fs: number, reasons: Record<string, string>, missing: string): number | null {
  if (from === undefined || to === undefined) {
    reasons[name] = missing;
    return null;
  }
  const ms = ((to - from) * 1000) / fs;
  const [lo, hi] = plausibleIntervalsMs[name];
  if (ms < lo || ms > hi) {
    reasons[name] = `delineation gave ${Math.round(ms)} ms, outside the plausible ${lo}–${hi} ms; not reported`;
    return null;
  }
  return ms;
}

/** Net area (mV·samples) of each lead between two median-beat indices, relative to the mean level over `baseline`. */
function netAreas(beat: MedianBeat, names: readonly string[], from: number, to: number, baseline: readonly [number, number]): Map<string, number> {
  const areas = new Map<string, number>();
  beat.leads.forEach((lead, k) => {
    let level = 0;
    for (let i = baseline[0]; i < baseline[1]; i++) level += lead[i] as number;
    level /= Math.max(1, baseline[1] - baseline[0]);
    let area = 0;
    for (let i = from; i <= to; i++) area += (lead[i] as number) - level;
    areas.set(names[k] as string, area);
  });
  return areas;
}

function axes(beat: MedianBeat, names: readonly string[], f: Fiducials, reasons: Record<string, string>): EcgMeasurements['axisDeg'] {
  const { fs } = beat;
  const w = Math.max(1, Math.round(0.01 * fs));
  const limbCount = names.filter((n) => limbLeads.includes(n)).length;
  const axisOf = (key: string, from: number | undefined, to: number | undefined, baseAt: number | undefined, why: string): number | null => {
    const field = `axisDeg.${key}`;
    if (from === undefined || to === undefined || baseAt === undefined) {
      reasons[field] = why;
      return null;
    }
    const axis = frontalAxis(netAreas(beat, names, from, to, [Math.max(0, baseAt - w), Math.max(1, baseAt)]));
    if (axis === undefined) reasons[field] = limbCount < 2 ? 'needs two usable limb leads (I, II, III, aVR, aVL, aVF)' : 'no net deflection in the limb leads';
    return axis ?? null;
  };
  const lastIndex = (beat.leads[0]?.length ?? 1) - 1;
  return {
    // The P baseline is taken 10 ms before the onset, off the wave's first slope.
    p: axisOf('p', f.pOnset, f.pOffset, f.pOnset === undefined ? undefined : Math.max(w + 1, f.pOnset - w), f.reasons.p ?? 'no P wave found'),
    qrs: axisOf('qrs', f.qrsOnset, f.qrsOffset, f.qrsOnset, f.reasons.qrs ?? 'QRS boundaries not found'),
    t: axisOf('t', f.qrsOffset, f.tEnd === undefined ? undefined : Math.min(Math.floor(f.tEnd), lastIndex), f.qrsOnset, f.reasons.t ?? 'no T wave end found'),
  };
}

/**
 * The frontal axes come from the limb leads' net areas relative to each other; rescaling each
 * lead on its own changes those ratios (LUDB 1.0.1: every lead 1 mV peak to peak). Where the
 * limb leads' proportions cannot be restored (lead-normalisation.ts `limbProportions`), no axis
 * is given rather than a wrong one. Timing measurements are unaffected.
 */
function withheldAxes(normalised: LeadNormalisation, reasons: Record<string, string>): EcgMeasurements['axisDeg'] {
  const why = `amplitudes rescaled lead by lead (every lead ${normalised.rangeMv.toFixed(2)} mV peak to peak): the limb leads' relative sizes the axis is computed from are not the recorded ones`;
  for (const key of ['p', 'qrs', 't']) reasons[`axisDeg.${key}`] = why;
  return { p: null, qrs: null, t: null };
}

/** The median beat with its limb leads brought back to one common scale (lead-normalisation.ts `limbProportions`). */
function withLimbProportions(beat: MedianBeat, names: readonly string[], factors: ReadonlyMap<string, number>): MedianBeat {
  return {
    ...beat,
    leads: beat.leads.map((lead, k) => {
      const factor = factors.get(names[k] as string);
      return factor === undefined ? lead : lead.map((v) => v * factor);
    }),
  };
}

const unmeasured = (reason: string): Pick<EcgMeasurements, 'prMs' | 'prBeats' | 'qrsMs' | 'qtMs' | 'axisDeg'> & { reasons: Record<string, string> } => ({
  prMs: null,
  prBeats: null,
  qrsMs: null,
  qtMs: null,
  axisDeg: { p: null, qrs: null, t: null },
  reasons: { prMs: reason, qrsMs: reason, qtMs: reason, 'axisDeg.p': reason, 'axisDeg.qrs': reason, 'axisDeg.t': reason },
});

/**
 * PR from the median beat; when it shows no P wave, from the beats one by one (beat-pr.ts):
 * P waves whose PR varies from beat to beat do not line up in the median beat, which then
 * blurs them away (PTB-XL 00191), yet each beat shows its own.
 */
function prOf(clean: readonly Float64Array[], beats: readonly number[], beat: MedianBeat, f: Fiducials, reasons: Record<string, string>, readerSeesNoP = false): Pick<EcgMeasurements, 'prMs' | 'prBeats'> {
  const onMedian = interval('prMs', f.pOnset, f.qrsOnset, beat.fs, reasons, f.reasons.p ?? 'no P wave found');
  // A reader who marked the P wave absent is not overruled by a search of the beats.
  if (f.pOnset !== undefined || f.qrsOnset === undefined || readerSeesNoP) return { prMs: onMedian, prBeats: null };
  const perBeat = beatByBeatPr(clean, beats, beat, f, plausibleIntervalsMs.prMs);
  if ('reason' in perBeat) {
    reasons.prMs = `${reasons.prMs ?? 'no P wave on the median beat'}; beat by beat: ${perBeat.reason}`;
    return { prMs: null, prBeats: null };
  }
  delete reasons.prMs;
  return { prMs: perBeat.medianMs, prBeats: perBeat };
}

/**
 * Where neither the median beat nor the beats one by one showed the record's P wave: the P search
 * not bounded by the median beat's T end (beat-pr.ts `repeatingPWaves`), for the rhythm
 * statements: the rhythm's P waves if it finds them, and how many beats had one in any case.
 */
function unboundedPSearch(pWave: boolean, clean: readonly Float64Array[], beats: readonly number[], beat: MedianBeat | undefined): Pick<StatementInput, 'repeatingP' | 'pWavesBeatByBeat'> {
  if (pWave || !beat) return {};
  const found = repeatingPWaves(clean, beats, beat, plausibleIntervalsMs.prMs);
  return { repeatingP: found.repeating, pWavesBeatByBeat: { measured: found.measured, of: found.of, prVaries: found.prVaries } };
}

/**
 * Where the median beat shows a P wave and the RR is irregular (the AF rule's irregularity):
 * whether the beats one by one show it too (beat-pr.ts `repeatingPWaves`), for the statements'
 * check against averaged fibrillatory waves. Not computed otherwise (it delineates every beat).
 */
function medianPCheck(pOnMedian: boolean, rhythm: RhythmFeatures, clean: readonly Float64Array[], beats: readonly number[], beat: MedianBeat | undefined): StatementInput['medianPBeatByBeat'] {
  if (!pOnMedian || !beat || (rhythm.normalisedRmssdAll ?? 0) < statementThresholds.afNormalisedRmssd) return undefined;
  const found = repeatingPWaves(clean, beats, beat, plausibleIntervalsMs.prMs);
  return { measured: found.measured, of: found.of, repeating: found.repeating !== undefined };
}

/**
 * Whether the median beat's P wave is one for the rhythm statements: not where its onset lies
 * outside the plausible PR before the QRS, whose PR is withheld as implausible (nothing there is
 * a P wave conducting to it). PTB-XL 00330 (atrial fibrillation) with 6–7.5 s missing in every
 * lead had a "P wave" 492 ms before the QRS of its median beat, no PR reported, and read "Sinus
 * arrhythmia"; intact it reads AF.
 */
function medianPWave(f: Fiducials, fs: number): boolean {
  if (f.pOnset === undefined) return false;
  if (f.qrsOnset === undefined) return true;
  const prMs = ((f.qrsOnset - f.pOnset) * 1000) / fs;
  const [lo, hi] = plausibleIntervalsMs.prMs;
  return prMs >= lo && prMs <= hi;
}

/**
 * Under intermittent pacing (spikes before some beats, under half) the median beat is made of
 * the unpaced beats: averaged with paced complexes it is neither, and the conduction, axis and
 * QT statements made from it (only a paced *rhythm* suppresses them) would describe a blend
 * (LUDB 8, AF with ventricular pacing before 42 % of beats, was stated left axis deviation from
 * one). A paced rhythm keeps every beat. Where spikes are too small to see before every paced
 * beat (bipolar pacing: LUDB 90) the beats of the spike beats' wide QRS count as paced too
 * (paced-shape.ts), which can make the rhythm a paced one.
 */
function pacedToLeaveOut(pacing: PacingResult, beats: readonly number[]): ReadonlySet<number> {
  if (!pacing.paced || pacing.pacedBeatFraction >= statementThresholds.pacedRhythmFraction) return new Set();
  return new Set(pacing.pacedBeats.map((i) => beats[i] as number));
}

/** What every measure of a record is taken from: its beats, the quality of its leads, the usable ones cleaned, its pacing and its median beat. */
interface MedianBeatStage {
  /** The beats measured on: the detected ones, or the reader's where there are beat edits. */
  readonly detection: BeatDetection;
  readonly beatEdit: EditedBeats | undefined;
  readonly quality: RecordQuality;
  /** The leads neither missing nor flat, and each cleaned for measurement. */
  readonly usable: readonly NamedLead[];
  readonly clean: Float64Array[];
  /** The beats re-timed on the QRS itself (beat-alignment.ts). */
  readonly beats: number[];
  readonly pacing: PacingResult;
  readonly held: HeldSamples;
  readonly pacedOut: ReadonlySet<number>;
  readonly heldOut: ReadonlySet<number>;
  readonly beat: MedianBeat | undefined;
  /** Leads left out of the median beat for too few beats recorded in full in them, if any. */
  readonly shortLeads: ShortLeads | undefined;
}

function medianBeatStage(leads: readonly NamedLead[], fs: number, beatEdits: BeatEdits | undefined, readings: RecordReadings = new RecordReadings()): MedianBeatStage {
  // Each lead's own missing stretches: the zeros the cleaning puts there neither make, time nor
  // are averaged into a beat (qrs.ts, beat-alignment.ts, median-beat.ts).
  const missingOf = new Map(leads.map((l) => [l, missingInLead(l.samples)] as const));
  const detected = readings.detect(
    leads.map((l) => l.samples),
    fs,
    leads.map((l) => missingOf.get(l) ?? []),
  );
  const beatEdit = beatEdits && hasBeatEdits(beatEdits) ? applyBeatEdits(detected, beatEdits, leads.map((l) => l.samples), fs) : undefined;
  // Quality, the median beat and every measure below use the reader's beats where there are edits.
  const detection = beatEdit?.detection ?? detected;
  const quality = readings.assess(leads, fs, detection);
  const usable = leads.filter((l) => {
    const q = quality.leads[l.name];
    return q !== undefined && !q.issues.includes('missing') && !q.issues.includes('flat');
  });
  const clean = usable.map((l) => cleanForMeasurement(l.samples, fs));
  const missingByLead = usable.map((l) => missingOf.get(l) ?? missingInLead(l.samples));
  // Re-timed on the QRS itself (beat-alignment.ts): RR, the median beat and every beat-by-beat
  // measure below use these, so they agree with each other to the sample.
  const beats = alignBeats(clean, detection.beats, fs, missingByLead);
  const pacing = withUnseenSpikeBeats(
    detectPacing(
      usable.map((l) => (l.samples instanceof Float32Array ? l.samples : Float32Array.from(l.samples))),
      fs,
      beats,
    ),
    clean,
    beats,
    fs,
    statementThresholds.pacedRhythmFraction,
  );
  // Found on the detected beats (record-quality.ts); the aligned beats keep their order and count.
  const held = quality.heldComplexes ?? noneHeld;
  const pacedOut = pacedToLeaveOut(pacing, beats);
  const heldOut = new Set(held.beats.map((i) => beats[i] as number));
  const built = beats.length > 0 && usable.length > 0 ? medianBeat(clean, beats, fs, new Set([...pacedOut, ...heldOut]), missingInEveryLead(leads), missingByLead) : undefined;
  const measured = withoutShortLeads(usable, clean, built);
  return { detection, beatEdit, quality, ...measured, beats, pacing, held, pacedOut, heldOut };
}

/**
 * The leads whose median beat averaged too few beats (median-beat.ts `leadsFromTooFewBeats`: each
 * missing for stretches of its own, a lead-off electrode) taken out of the usable leads, their
 * cleaned samples and the median beat, as a missing lead is; `shortLeads` says which and from how
 * many. A median of one or two beats (or of none, zeros) would give the lead's amplitudes, ST and
 * boundaries from what is not a typical beat.
 */
function withoutShortLeads(
  usable: readonly NamedLead[],
  clean: Float64Array[],
  built: MedianBeat | undefined,
): { usable: readonly NamedLead[]; clean: Float64Array[]; beat: MedianBeat | undefined; shortLeads: ShortLeads | undefined } {
  const short = built ? leadsFromTooFewBeats(built) : [];
  if (!built || short.length === 0) return { usable, clean, beat: built, shortLeads: undefined };
  const keep = <T>(xs: readonly T[]): T[] => xs.filter((_, k) => !short.includes(k));
  const shortLeads = { names: short.map((k) => (usable[k] as NamedLead).name), beats: short.map((k) => built.leadBeatsUsed?.[k] ?? 0), of: built.beatsUsed };
  const leadBeatsUsed = built.leadBeatsUsed ? keep(built.leadBeatsUsed) : [];
  const uneven = leadBeatsUsed.some((n) => n < built.beatsUsed);
  const { leadBeatsUsed: _all, ...rest } = built;
  const beat = short.length === usable.length ? undefined : { ...rest, leads: keep(built.leads), ...(uneven ? { leadBeatsUsed } : {}) };
  return { usable: keep(usable), clean: keep(clean), beat, shortLeads };
}

/** Leads left out of the median beat's measures for being averaged from too few beats (`withoutShortLeads`). */
export interface ShortLeads {
  readonly names: readonly string[];
  /** Beats each averaged, against the `of` of the others. */
  readonly beats: readonly number[];
  readonly of: number;
}

/** "V1, V2 and V3 missing for stretches at most beats (1, 1 and 2 of 9 recorded in full): left out of the median beat and its measures". */
function shortLeadsText(s: ShortLeads): string {
  return `${listed([...s.names])} missing for stretches at most beats (${listed(s.beats.map(String))} of ${s.of} recorded in full): left out of the median beat and its measures`;
}

/**
 * The QRS duration analyseEcg reports for the record (its `measurements.qrsMs`, with no reader's
 * corrections), without the rest of its analysis: the same beats, quality, median beat and
 * delineation, and null where it withholds the intervals. What the model's scope check needs of a
 * record whose pacemaker spikes cannot be seen (core/train/scope.ts), which measured the whole
 * record, rhythm and statements included, for it (docs/benchmarks.md, "scope"). `readings`: the
 * detection and lead quality a prediction's quality gate made of the same leads, if it did.
 */
export function measuredQrsMs(leads: readonly NamedLead[], fs: number, readings?: RecordReadings): number | null {
  const { quality, usable, beat } = medianBeatStage(leads, fs, undefined, readings);
  if (!beat || withheldIntervals(quality, usable.length)) return null;
  const f = delineate(beat);
  return interval('qrsMs', f.qrsOnset, f.qrsOffset, fs, {}, f.reasons.qrs ?? 'QRS boundaries not found');
}

/**
 * Detects beats, assesses quality and measures a record (leads in mV, NaN = missing sample),
 * then checks what may be read from it (quality, amplitude plausibility, pacing) and states
 * the rule-based interpretation. Never throws on bad signal: unmeasurable values are null
 * with a reason.
 */
export function analyseEcg(leads: readonly NamedLead[], fs: number, options: AnalysisOptions = {}): EcgAnalysis {
  const { detection, beatEdit, quality, usable, clean, beats, pacing, held, pacedOut, heldOut, beat, shortLeads } = medianBeatStage(leads, fs, options.beatEdits);
  const corrections = options.boundaries !== undefined || options.beatEdits !== undefined;
  const beatsEdited = beatEdit ? { beats: { added: beatEdit.added, removed: beatEdit.removed, unmatched: beatEdit.unmatched } } : {};
  const beatsChanged = (beatEdit?.added ?? 0) + (beatEdit?.removed ?? 0) > 0;
  const normalised = leadByLeadNormalisation(leads, quality);
  const reasons: Record<string, string> = {};
  const proportions = normalised ? limbProportions(usable.map((l, k) => ({ name: l.name, samples: clean[k] as Float64Array }))) : undefined;
  const acrossGap = rrAcrossGaps(leads, beats);
  const rrMs = rrStatistics(beats, fs, reasons, acrossGap);
  const beatsLeftOut = { paced: (beat?.leftOut ?? []).filter((b) => pacedOut.has(b)).length, held: (beat?.leftOut ?? []).filter((b) => heldOut.has(b)).length };
  const medianLeads = usable.map((l) => l.name);
  let waves: ReturnType<typeof unmeasured>;
  let fiducials: Fiducials | undefined;
  let correction: CorrectionApplied | undefined;
  const readerSeesNoP = options.boundaries?.pAbsent === true;
  if (!beat) {
    waves = unmeasured(detection.reason ?? (usable.length === 0 ? 'no usable lead' : 'too few complete beats for a median beat'));
    // Beat edits apply without a median beat; boundaries have nothing to go on.
    const boundariesGiven = options.boundaries !== undefined && !isEmptyCorrection(options.boundaries);
    if (corrections) correction = { applied: beatsChanged, ...(boundariesGiven ? { notApplied: 'no median beat was formed' } : {}), automatic: { prMs: null, qrsMs: null, qtMs: null }, ...beatsEdited };
  } else {
    const automatic = delineate(beat);
    const corrected = options.boundaries && !isEmptyCorrection(options.boundaries) ? correctedFiducials(automatic, beat, options.boundaries) : undefined;
    const f = corrected?.ok ? corrected.fiducials : automatic;
    fiducials = f;
    const wavesOf = (g: Fiducials, noP: boolean): ReturnType<typeof unmeasured> => {
      const r: Record<string, string> = {};
      return {
        ...prOf(clean, beats, beat, g, r, noP),
        qrsMs: interval('qrsMs', g.qrsOnset, g.qrsOffset, fs, r, g.reasons.qrs ?? 'QRS boundaries not found'),
        qtMs: interval('qtMs', g.qrsOnset, g.tEnd, fs, r, g.reasons.t ?? g.reasons.qrs ?? 'no T wave end found'),
        axisDeg: normalised && !proportions ? withheldAxes(normalised, r) : axes(proportions ? withLimbProportions(beat, medianLeads, proportions) : beat, medianLeads, g, r),
        reasons: r,
      };
    };
    waves = wavesOf(f, corrected?.ok === true && readerSeesNoP);
    if (corrected?.ok) {
      const own = wavesOf(automatic, false);
      correction = { applied: true, automatic: { fiducials: automatic, prMs: own.prMs, qrsMs: own.qrsMs, qtMs: own.qtMs }, ...beatsEdited };
    } else if (corrections) {
      correction = { applied: beatsChanged, ...(corrected ? { notApplied: corrected.reason } : {}), automatic: { fiducials: automatic, prMs: waves.prMs, qrsMs: waves.qrsMs, qtMs: waves.qtMs }, ...beatsEdited };
    }
  }
  const morphology = beat && fiducials ? qrsMorphology(beat, medianLeads, fiducials) : undefined;
  const caveats = withLeadsLeftOut(withWideQrs(caveatsOf(quality, medianLeads, morphology, pacing, waves.prBeats, fiducials?.reasons.p, normalised && { ...normalised, axesRestored: proportions !== undefined }, heldText(held, beats.length, beatsLeftOut.held)), waves.qrsMs), shortLeads);
  if (caveats.intervalsWithheld) {
    waves = unmeasured(caveats.intervalsWithheld);
    if (correction) correction = { applied: beatsChanged, notApplied: caveats.intervalsWithheld, automatic: { prMs: null, qrsMs: null, qtMs: null }, ...beatsEdited };
  }
  Object.assign(reasons, waves.reasons);
  const heartRateBpm = caveats.intervalsWithheld || rrMs.mean === null ? null : 60000 / rrMs.mean;
  const rr = caveats.intervalsWithheld ? { mean: null, sd: null } : rrMs;
  if (caveats.intervalsWithheld) reasons.heartRateBpm = reasons['rrMs.mean'] = reasons['rrMs.sd'] = caveats.intervalsWithheld;
  const qtcMs = qtcAll(waves.qtMs, rr.mean);
  const qtcReason = waves.qtMs === null ? 'QT not measured' : rr.mean === null ? 'RR not measured' : 'mean RR outside 200–3000 ms';
  for (const [k, v] of Object.entries(qtcMs)) if (v === null) reasons[`qtcMs.${k}`] = qtcReason;
  const measurements: EcgMeasurements = { heartRateBpm, rrMs: rr, prMs: waves.prMs, prBeats: waves.prBeats, qrsMs: waves.qrsMs, qtMs: waves.qtMs, qtcMs, axisDeg: waves.axisDeg, beats, reasons };
  const rhythm = rhythmFeatures(clean, beats, fs, beat, pacing.paced, acrossGap);
  // The reader placed the P wave (or marked it absent): no search of the beats overrules that.
  const readerPlacedP = correction?.applied === true && (options.boundaries?.pOnset !== undefined || readerSeesNoP);
  const medianPBeatByBeat = readerPlacedP ? undefined : medianPCheck(fiducials?.pOnset !== undefined, rhythm, clean, beats, beat);
  const pWave = (fiducials !== undefined && (readerPlacedP ? fiducials.pOnset !== undefined : medianPWave(fiducials, fs))) || waves.prBeats !== null;
  const statements = interpretiveStatements({
    heartRateBpm,
    prMs: waves.prMs,
    prBeats: waves.prBeats,
    qrsMs: waves.qrsMs,
    qtcLinearMs: qtcMs.framingham,
    qtcCheckMs: { fridericia: qtcMs.fridericia, hodges: qtcMs.hodges },
    qrsAxisDeg: waves.axisDeg.qrs,
    pAxisDeg: waves.axisDeg.p,
    pWave,
    ...(readerPlacedP ? {} : unboundedPSearch(pWave, clean, beats, beat)),
    medianPBeatByBeat,
    morphology,
    rhythm,
    atrial: atrialActivity(clean, medianLeads, beats, fs, beat),
    halfCycle: beat && fiducials?.qrsOnset !== undefined && fiducials.qrsOffset !== undefined ? halfCycleAtrialWaves(beat, medianLeads, fiducials.qrsOnset, fiducials.qrsOffset) : undefined,
    pacing,
    pacedBeatsLeftOut: beatsLeftOut.paced,
    ...(held.beats.length > 0 ? { heldSamples: { complexes: held.beats.length, of: beats.length, holdMs: held.holdMs, leads: held.leads, leftOut: beatsLeftOut.held } } : {}),
    beats: beats.length,
    intervalsWithheld: caveats.intervalsWithheld,
    intervalsFromFlaggedLeads: caveats.intervalsFromFlaggedLeads,
    leadsUnrecognised: caveats.leadsUnrecognised,
    amplitudeImplausible: caveats.amplitudeImplausible,
    amplitudeNormalised: caveats.amplitudeNormalised,
    sex: options.sex,
  });
  // The reader who placed the P wave says it is one; otherwise AF or flutter means none.
  const read = readerPlacedP ? { measurements, caveats } : withoutSinusP(measurements, caveats, statements);
  return {
    measurements: read.measurements,
    quality,
    medianLeads,
    ...(beat ? { medianBeat: beat } : {}),
    ...(fiducials ? { fiducials } : {}),
    pacing,
    beatsLeftOut,
    ...(shortLeads ? { leadsLeftOut: shortLeads } : {}),
    rhythm,
    ...(morphology ? { morphology } : {}),
    caveats: withQtcStatement(read.caveats, statements),
    statements,
    ...(correction ? { correction } : {}),
  };
}

const noneHeld: HeldSamples = { beats: [], holdMs: 0, leads: 0 };

/** Why the QRS amplitudes cannot be the recorded millivolts (a limb lead, or the 12 leads together, beyond physiology), or undefined. */
function implausibleAmplitude(morphology: ReadonlyMap<string, LeadQrs> | undefined): string | undefined {
  const leads = [...(morphology ?? [])];
  const limb = leads.filter(([name]) => limbLeads.includes(name));
  const largest = limb.reduce<[string, number] | undefined>((best, [name, q]) => (best === undefined || q.peakToPeakMv > best[1] ? [name, q.peakToPeakMv] : best), undefined);
  if (largest && largest[1] > maxLimbQrsMv) return `QRS amplitude ${largest[1].toFixed(1)} mV in lead ${largest[0]} is far beyond physiology (limb leads stay under ${maxLimbQrsMv} mV): check the file's scaling`;
  // Only with all 12: a sum over fewer leads is not the criterion's.
  const standard = leads.filter(([name]) => twelveLeads.includes(name));
  const total = standard.reduce((sum, [, q]) => sum + q.peakToPeakMv, 0);
  if (standard.length === twelveLeads.length && total > maxTwelveLeadQrsSumMv)
    return `QRS amplitudes of the 12 leads sum to ${total.toFixed(1)} mV, far beyond physiology (even severe hypertrophy stays under ${maxTwelveLeadQrsSumMv} mV; largest lead ${largestOf(standard)}): check the file's scaling`;
  return undefined;
}

const largestOf = (leads: readonly (readonly [string, LeadQrs])[]): string => {
  const [name, q] = leads.reduce((best, next) => (next[1].peakToPeakMv > best[1].peakToPeakMv ? next : best));
  return `${name} ${q.peakToPeakMv.toFixed(1)} mV`;
};

/** The caveat for complexes the recorder cut (held-samples.ts), undefined when there are none. */
function heldText(held: HeldSamples, beats: number, leftOut: number): string | undefined {
  if (held.beats.length === 0) return undefined;
  const cut = `every lead held still for ~${held.holdMs} ms and then jumped at ${held.beats.length} of ${beats} QRS complexes (the recorder's blanking, not the heart): their peaks and shape are not as recorded`;
  return leftOut > 0 ? `${cut}; the median beat leaves them out` : `${cut}; too few others remain, so the median beat includes them`;
}

/**
 * Why no interval is reported, or undefined: the record's verdict is unusable for any cause but
 * missing leads (a two-lead Holter strip lacks ten of the twelve leads a model needs, yet measures
 * well), every present lead is noisy or clipped, or no lead is usable.
 */
function withheldIntervals(quality: RecordQuality, usableLeads: number): string | undefined {
  const present = Object.values(quality.leads).filter((q) => !q.issues.includes('missing') && !q.issues.includes('flat'));
  const allNoisy = present.length > 0 && present.every((q) => q.issues.includes('highFrequencyNoise') || q.issues.includes('clipped'));
  const blocking = quality.unusableBecause.filter((c) => c !== 'leadsLost');
  if (blocking.length === 0 && !allNoisy && usableLeads > 0) return undefined;
  return `signal quality unusable (${quality.reasons.length > 0 ? quality.reasons.join('; ') : 'every present lead noisy or clipped'}): no interval is reported`;
}

/**
 * Where no lead the intervals come from passed every check, though not so badly that they are
 * withheld (withheldIntervals): which leads, flagged for what. A strip whose only leads are a
 * clipped II and a wandering V (MIMIC 3000003_0003, 125 Hz, a coarse recorder) measures PR, QRS
 * and QT on them; stated without a word ("Short QTc" where its beats were once miscounted), they
 * read as a clean tracing's. The interval statements carry it as their qualifier.
 */
function flaggedLeadsText(quality: RecordQuality): string | undefined {
  const present = Object.entries(quality.leads).filter(([, q]) => !q.issues.includes('missing') && !q.issues.includes('flat'));
  if (present.length === 0 || present.some(([, q]) => q.issues.length === 0)) return undefined;
  // Each issue in the words the lead's quality badge uses: a second phrasing of the same flag read as another finding.
  const leads = present.map(([name, q]) => `${name} ${q.issues.map((i) => issueText[i]).join(', ')}`).join('; ');
  return `every lead measured is flagged by signal quality (${leads}): the intervals are measured on flagged leads, check them on the tracing`;
}

/**
 * Where none of the leads measured is one of the 12 standard leads (wfdb-python's test01_00s
 * names its four "ECG 1" … "ECG 4"): which they are. Rate and rhythm read the same on any lead,
 * but PR, QRS and QT are global intervals taken across the standard leads, and their limits were
 * set on them; said without a word, "Prolonged QTc" on leads of unknown placement read as a
 * 12-lead tracing's beside a verdict of 12 of 12 leads missing. The interval statements carry it
 * as their qualifier, as they do flagged leads'.
 */
function unrecognisedLeadsText(usableLeads: readonly string[]): string | undefined {
  if (usableLeads.length === 0 || usableLeads.some((name) => isCanonicalLead(name))) return undefined;
  const none = noneOf(usableLeads.length, 'lead', ['is', `one of the 12 standard leads (${listed(usableLeads)})`]);
  return `${none}: the intervals are measured on leads of unknown placement, not on the standard leads their limits were set on`;
}

/** What may be read from the measurements (intervals withheld: withheldIntervals). */
function caveatsOf(
  quality: RecordQuality,
  usableLeads: readonly string[],
  morphology: ReadonlyMap<string, LeadQrs> | undefined,
  pacing: PacingResult,
  prBeats: BeatPr | null,
  noMedianP: string | undefined,
  normalised: (LeadNormalisation & { axesRestored: boolean }) | undefined,
  samplesHeld: string | undefined,
): MeasurementCaveats {
  const intervalsWithheld = withheldIntervals(quality, usableLeads.length);
  const intervalsFromFlaggedLeads = intervalsWithheld ? undefined : flaggedLeadsText(quality);
  const leadsUnrecognised = intervalsWithheld ? undefined : unrecognisedLeadsText(usableLeads);
  const amplitudeImplausible = implausibleAmplitude(morphology);
  const pacedRhythm = pacing.paced && pacing.pacedBeatFraction >= statementThresholds.pacedRhythmFraction;
  const qtcNotInterpretable = pacedRhythm ? 'paced rhythm: ventricular pacing lengthens QT, so QTc limits do not apply' : amplitudeImplausible ? 'amplitude scaling in doubt' : undefined;
  const amplitudeNormalised = normalised ? leadNormalisationText(normalised) : undefined;
  const stNotInterpretable = pacedRhythm
    ? 'paced rhythm: ST and T changes follow the paced QRS'
    : amplitudeImplausible
      ? 'amplitude scaling in doubt'
      : amplitudeNormalised
        ? 'amplitudes rescaled lead by lead: ST levels are not the recorded millivolts'
        : undefined;
  return {
    ...(intervalsWithheld ? { intervalsWithheld } : {}),
    ...(amplitudeImplausible ? { amplitudeImplausible } : {}),
    ...(amplitudeNormalised ? { amplitudeNormalised } : {}),
    ...(qtcNotInterpretable ? { qtcNotInterpretable } : {}),
    ...(stNotInterpretable ? { stNotInterpretable } : {}),
    ...(prBeats && !intervalsWithheld ? { prFromBeats: prFromBeatsText(prBeats, noMedianP) } : {}),
    ...(samplesHeld && !intervalsWithheld ? { samplesHeld } : {}),
    ...(intervalsFromFlaggedLeads ? { intervalsFromFlaggedLeads } : {}),
    ...(leadsUnrecognised ? { leadsUnrecognised } : {}),
  };
}

/**
 * A QTc the statements found not interpretable for a cause of their own (flutter waves over the T
 * wave, statements.ts `flutterWavesOverT`) is said beside the QTc too, as a paced rhythm's is, so
 * the panel and the printout do not flag it against its limits.
 */
function withQtcStatement(caveats: MeasurementCaveats, statements: readonly EcgStatement[]): MeasurementCaveats {
  const notInterpretable = statements.find((s) => s.code === 'QTCNI');
  if (!notInterpretable || caveats.qtcNotInterpretable) return caveats;
  const { qtcWideQrs: _notApplicable, ...rest } = caveats;
  return { ...rest, qtcNotInterpretable: notInterpretable.criterion };
}

/** The caveat naming the leads left out of the median beat for too few beats recorded in full in them. */
function withLeadsLeftOut(caveats: MeasurementCaveats, short: ShortLeads | undefined): MeasurementCaveats {
  return short ? { ...caveats, leadsLeftOut: shortLeadsText(short) } : caveats;
}

/** The wide-QRS caveat on the QTc, where the QTc may be read at all. */
function withWideQrs(caveats: MeasurementCaveats, qrsMs: number | null): MeasurementCaveats {
  const qtcWideQrs = caveats.intervalsWithheld || caveats.qtcNotInterpretable ? undefined : wideQrsLengthensQt(qrsMs);
  return qtcWideQrs ? { ...caveats, qtcWideQrs } : caveats;
}

function prFromBeatsText(b: BeatPr, noMedianP: string | undefined): string {
  const how = `PR measured beat by beat (${noMedianP ?? 'no P wave'} on the median beat): median ${Math.round(b.medianMs)} ms over ${b.measured} of ${b.of} beats, range ${Math.round(b.minMs)}–${Math.round(b.maxMs)} ms`;
  return b.varies ? `${how}; the PR varies from beat to beat` : how;
}
