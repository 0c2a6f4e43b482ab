import { beatPrRules, type BeatPr } from './beat-pr';
import { leftBundleMorphology, rightBundleMorphology } from './bundle-branch';
import { leftAnteriorFascicularBlock } from './fascicular-block';
import { pacedLookingQrsMs, pacingUnseenWideQrs } from './unseen-pacing';
import { mv, round, type StatementEvidence } from './evidence';
import { qtcLimitsMs } from '../contract/qtc-limits';
import type { LeadQrs } from './morphology';
import type { PacingResult } from './pacing';
import { normalisedRmssdWithout, prematurity, type AtrialActivity, type HalfCycleAtrialWaves, type RhythmFeatures } from './rhythm';
import { listed, wordFor } from '../contract/counted';
import { qtcFormulaName } from './qtc';

/**
 * Rule-based interpretive statements from the measurements, as a cart's program states them
 * (GE 12SL, Philips DXL): each names the criterion it applied, the published source of that
 * criterion, and the measured values that met it. They are computed statements for a reader
 * to confirm or reject, never a diagnosis. Codes are the SCP-ECG codes PTB-XL uses where one
 * exists (so a reader can adopt a statement into the reading, and so they can be scored
 * against PTB-XL's labels); the others have short codes of their own.
 *
 * Sources, cited per rule below:
 * - [AHA-II] Mason JW et al. Recommendations for the standardization and interpretation of the
 *   electrocardiogram, Part II: electrocardiography diagnostic statement list. Circulation
 *   2007;115:1325–1332.
 * - [AHA-III] Surawicz B et al. Part III: intraventricular conduction disturbances. Circulation
 *   2009;119:e235–e240.
 * - [AHA-IV] Rautaharju PM et al. Part IV: the ST segment, T and U waves, and the QT interval.
 *   Circulation 2009;119:e241–e250.
 * - [AHA-V] Hancock EW et al. Part V: electrocardiogram changes associated with cardiac chamber
 *   hypertrophy. Circulation 2009;119:e251–e261 (low voltage).
 * - [AF-2014] January CT et al. 2014 AHA/ACC/HRS guideline for the management of patients with
 *   atrial fibrillation. Circulation 2014;130:e199–e267 (definition of AF on the ECG).
 * - [BRADY-2018] Kusumoto FM et al. 2018 ACC/AHA/HRS guideline on the evaluation and management
 *   of patients with bradycardia and cardiac conduction delay. Circulation 2019;140:e382–e482.
 * - [SVT-2015] Page RL et al. 2015 ACC/AHA/HRS guideline for the management of adult patients with
 *   supraventricular tachycardia. Circulation 2016;133:e506–e574 (atrial flutter: regular atrial
 *   waves best seen in the inferior leads and V1, commonly conducted 2:1).
 * - [SQTS-2013] Priori SG et al. HRS/EHRA/APHRS expert consensus statement on the diagnosis and
 *   management of patients with inherited primary arrhythmia syndromes. Heart Rhythm
 *   2013;10:1932–1963; and [ESC-2015] Priori SG et al. 2015 ESC guidelines for the management of
 *   patients with ventricular arrhythmias. Eur Heart J 2015;36:2793–2867 (short QT).
 * - [BIX] The "Bix rule" (Harold Bix): P waves midway between the QRS complexes of a
 *   supraventricular tachycardia mean another P wave hides in each QRS, i.e. atrial flutter or
 *   atrial tachycardia with 2:1 conduction (Grauer K, "What is the Bix rule?", ECG Review, Relias
 *   Media).
 */
export const statementCategories = ['quality', 'pacing', 'rhythm', 'ectopy', 'conduction', 'axis', 'voltage', 'repolarisation'] as const;
export type StatementCategory = (typeof statementCategories)[number];

export type { StatementEvidence } from './evidence';

export interface EcgStatement {
  /** SCP-ECG code as PTB-XL uses it where one exists (SR, AFIB, 1AVB, CLBBB, …), else our own (LAD, RAD, SQT, …). */
  readonly code: string;
  readonly text: string;
  readonly category: StatementCategory;
  /** The criterion applied, in words. */
  readonly criterion: string;
  /** The published source of the criterion. */
  readonly source: string;
  /** The measured values that met the criterion. */
  readonly evidence: StatementEvidence[];
  /** A caveat that limits the statement (e.g. "QRS ≥ 120 ms lengthens QT"). */
  readonly qualifier?: string;
  /** The value that met the criterion lies within the measurement tolerance of its limit (`statementThresholds.borderlineMs`). */
  readonly borderline?: true;
  /**
   * Its code's wording in the statement library is not what its text says: less ("Atrial
   * fibrillation or flutter suspected" coded AFIB, "ventricular premature or aberrantly conducted"
   * coded PVC) or more ("Paced rhythm" coded PACE, "normal functioning artificial pacemaker"): a
   * reading adopts its words, not the code.
   */
  readonly partialCode?: true;
  /**
   * Why a reader cannot confirm it from this tracing, so it is not offered for adoption into a
   * reading: a conduction, axis or QTc statement on complexes that may be ventricular paced where
   * no spike could be looked for ([AHA-III]: the block criteria do not apply to paced complexes).
   */
  readonly unconfirmable?: string;
}

export interface StatementInput {
  readonly heartRateBpm: number | null;
  readonly prMs: number | null;
  /** When PR was measured beat by beat (the median beat showed no P wave): its spread. */
  readonly prBeats?: BeatPr | null | undefined;
  readonly qrsMs: number | null;
  /** QTc by a linear correction (Framingham), as [AHA-IV] recommends over Bazett's. */
  readonly qtcLinearMs: number | null;
  /** The same QT by two other corrections, to see whether the statement depends on the formula at this rate. */
  readonly qtcCheckMs?: { readonly fridericia: number | null; readonly hodges: number | null } | undefined;
  readonly qrsAxisDeg: number | null;
  /** Frontal P axis of the median beat's P wave, degrees; null or absent where none was measured. */
  readonly pAxisDeg?: number | null | undefined;
  /** Whether a P wave was found before the QRS on the median beat, or beat by beat. */
  readonly pWave: boolean;
  /**
   * When `pWave` is false: P waves of one shape at a fixed PR found beat by beat with the search
   * not bounded by the median beat's T end (beat-pr.ts `repeatingPWaves`), undefined if none.
   */
  readonly repeatingP?: BeatPr | undefined;
  /** When `pWave` is false and the beats could be searched: how many had a P wave of the beats' shape at a plausible PR, too few or too varied to be `repeatingP`. */
  readonly pWavesBeatByBeat?: { readonly measured: number; readonly of: number; readonly prVaries: boolean } | undefined;
  /**
   * When the median beat shows a P wave and the RR is irregular: the same unbounded beat-by-beat
   * search (beat-pr.ts `repeatingPWaves`), whether it confirmed that P wave before the beats.
   */
  readonly medianPBeatByBeat?: { readonly measured: number; readonly of: number; readonly repeating: boolean } | undefined;
  readonly morphology: ReadonlyMap<string, LeadQrs> | undefined;
  readonly rhythm: RhythmFeatures;
  /** Regular atrial activity after QRST cancellation (flutter waves), when it could be assessed. */
  readonly atrial?: AtrialActivity | undefined;
  /** The median beat compared with itself half an RR later, outside the QRS: atrial waves at twice the ventricular rate (2:1 flutter). */
  readonly halfCycle?: HalfCycleAtrialWaves | undefined;
  readonly pacing: PacingResult;
  /** Paced beats left out of the median beat (intermittent pacing): the measurements are the unpaced beats'. */
  readonly pacedBeatsLeftOut?: number | undefined;
  readonly beats: number;
  /** Why no interval may be interpreted (signal quality unusable), when that is so. */
  readonly intervalsWithheld?: string | undefined;
  /** Why the intervals are in doubt though measured (every lead they come from flagged by signal quality): the interval statements carry it. */
  readonly intervalsFromFlaggedLeads?: string | undefined;
  /** Why the intervals' limits may not hold though measured (none of the leads measured is one of the 12 standard leads): the interval statements carry it. */
  readonly leadsUnrecognised?: string | undefined;
  /** Why amplitudes must not be interpreted (implausible scaling), when that is so. */
  readonly amplitudeImplausible?: string | undefined;
  /** Why amplitudes are not the recorded ones (every lead rescaled to one range), when that is so. */
  readonly amplitudeNormalised?: string | undefined;
  /** QRS complexes the recorder cut (held-samples.ts): how many of how many, the hold, the leads, and how many the median beat left out. */
  readonly heldSamples?: { readonly complexes: number; readonly of: number; readonly holdMs: number; readonly leads: number; readonly leftOut: number } | undefined;
  readonly sex?: 'M' | 'F' | 'U' | undefined;
}

const src = {
  ahaII: 'Mason et al., AHA/ACCF/HRS 2007 statement list, Circulation 115:1325',
  ahaIII: 'Surawicz et al., AHA/ACCF/HRS 2009 Part III, Circulation 119:e235',
  ahaIV: 'Rautaharju et al., AHA/ACCF/HRS 2009 Part IV, Circulation 119:e241',
  ahaV: 'Hancock et al., AHA/ACCF/HRS 2009 Part V, Circulation 119:e251',
  af: 'January et al., 2014 AHA/ACC/HRS AF guideline, Circulation 130:e199',
  brady: 'Kusumoto et al., 2018 ACC/AHA/HRS bradycardia guideline, Circulation 140:e382',
  svt: 'Page et al., 2015 ACC/AHA/HRS SVT guideline, Circulation 133:e506',
  sqts: 'Priori et al., HRS/EHRA/APHRS 2013 consensus, Heart Rhythm 10:1932; ESC 2015 guidelines, Eur Heart J 36:2793',
  totalQrs: 'the total 12-lead QRS voltage reached 41.7 mV in severe aortic stenosis (Siegel & Roberts, Am Heart J 1982;103:210) and 42.8 mV in severe aortic regurgitation (Roberts & Day, Am J Cardiol 1985;55:432), so over 50 mV is not physiology',
  bix: 'the Bix rule (Grauer, "What is the Bix rule?", ECG Review)',
} as const;

/** Thresholds in one place, so the documentation and the benchmark can print them. */
export const statementThresholds = {
  /** [AHA-II] recommends 50 bpm as the lower limit of normal sinus rate (not the traditional 60). */
  bradycardiaBpm: 50,
  tachycardiaBpm: 100,
  /** Sinus arrhythmia: longest minus shortest RR over the mean RR (≈ 120 ms at 75 bpm). */
  sinusArrhythmiaRange: 0.16,
  /**
   * Frontal P axes, degrees, within which a P wave before each QRS may be the sinus node's. A sinus
   * P wave is upright in I and II, its axis 0° to +75° (Zimmerman, ECG Core Curriculum 2023, "Sinus
   * Rhythms"; [AHA-II] lists ectopic atrial and junctional rhythms apart from sinus rhythm). Below
   * −30° the P wave is negative in II, the lead in which a sinus P wave is largest, so that limit is
   * where II changes sign: an atrium activated from below (low atrial or junctional focus). Above
   * +90° the P wave turns negative in I, where even a sinus P wave is small in a vertical heart, so
   * the upper limit stands 30° beyond it, well outside the 6.5° (at most 12°) by which our P axis
   * differs from the carts' ("measure", docs/benchmarks.md).
   */
  sinusPAxisDeg: [-30, 120],
  /** AF: RR irregularity (normalised RMSSD over every RR). */
  afNormalisedRmssd: 0.1,
  /** Flutter waves: periodicity of the QRST-cancelled residual at 230–375 a minute (see rhythm.ts). */
  atrialPeriodicity: 0.5,
  atrialAmplitudeMv: 0.05,
  /** Flutter's atrial rate, per minute: the band rhythm.ts searches for flutter waves (lags 160–260 ms), [AHA-II]. */
  flutterAtrialRatePerMin: [230, 375],
  /**
   * 2:1 flutter: the median beat matches itself half an RR later (QRS left out) with a Pearson
   * correlation of at least this, the shape agreement rhythm.ts asks of a QRS of the dominant
   * shape and beat-pr.ts of a P wave of the record's shape; in at least `halfCycleLeads` of II,
   * III, aVF and V1, the leads flutter waves are read in [SVT-2015].
   */
  halfCycleCorrelation: 0.8,
  halfCycleLeads: 3,
  firstDegreeAvbMs: 200,
  /** Beat-by-beat PR spread beyond measurement noise (beat-pr.ts says how it was chosen). */
  variablePrRangeMs: beatPrRules.variableRangeMs,
  completeBbbMs: 120,
  incompleteBbbMs: 110,
  leftAxisDeg: -30,
  rightAxisDeg: 90,
  lowVoltageLimbMv: 0.5,
  lowVoltagePrecordialMv: 1.0,
  longQtcMaleMs: qtcLimitsMs.male,
  longQtcFemaleMs: qtcLimitsMs.female,
  /**
   * Short QTc at the level where [SQTS-2013] and [ESC-2015] have a short-QT syndrome considered
   * (QTc ≤ 360 ms with a pathogenic mutation, family history or survived VT/VF; diagnosed at
   * ≤ 330–340 ms), about 2 SD below the healthy mean (Mason JW et al., J Electrocardiol
   * 2007;40:228, 79,743 subjects: 350 ms men, 360 ms women). Those limits are Bazett's; ours is
   * Framingham's, and the statement says when the formulas disagree. [AHA-IV]'s "≤ 390 ms
   * short" is about 1 SD below the mean: on the PTB-XL pool it was stated on 62 of 282
   * records labelled NORM (22 %) and 81 of 456 in all, none of whose reports mentions a short QT
   * (docs/benchmarks.md, "measure").
   */
  shortQtcMs: qtcLimitsMs.short,
  /** Share of beats after a pacemaker spike for "paced rhythm" rather than "intermittent pacing". */
  pacedRhythmFraction: 0.5,
  /**
   * A limit crossed by less than this is "borderline": the mean error IEC 60601-2-25 (2011)
   * tolerates in a program's global PR and QRS (10 ms) and QT (25 ms) against the CSE
   * reference, so a value this close to the limit may lie on either side of it. On the PTB-XL
   * pool, half the first-degree AV blocks stated where the labels have none had a PR of
   * 201–210 ms (docs/benchmarks.md).
   */
  borderlineMs: { pr: 10, qrs: 10, qtc: qtcLimitsMs.borderline },
} as const;

const t = statementThresholds;

/** The amplitudes a doubtful scaling is judged by: the largest limb-lead QRS and, with all 12 leads, their total. */
function scaleEvidence(morphology: StatementInput['morphology']): StatementEvidence[] {
  const leads = [...(morphology ?? [])];
  const limb = leads.filter(([name]) => ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'].includes(name));
  const evidence: StatementEvidence[] = limb.length > 0 ? [{ name: 'largest limb-lead QRS', value: mv(Math.max(...limb.map(([, q]) => q.peakToPeakMv))), unit: 'mV' }] : [];
  const twelve = leads.filter(([name]) => ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].includes(name));
  if (twelve.length === 12) evidence.push({ name: 'total 12-lead QRS', value: mv(twelve.reduce((sum, [, q]) => sum + q.peakToPeakMv, 0)), unit: 'mV' });
  return evidence;
}

/** The statements for one record, in the order a cart prints them: quality, pacing, rhythm, ectopy, conduction, axis, voltage, repolarisation. */
export function interpretiveStatements(input: StatementInput): EcgStatement[] {
  if (input.intervalsWithheld) return [];
  const out: EcgStatement[] = [];
  if (input.amplitudeImplausible) {
    out.push({ code: 'SCALE', text: 'Implausible amplitudes: check the file’s scaling', category: 'quality', criterion: input.amplitudeImplausible, source: `${src.ahaV}: limb-lead voltage criteria of hypertrophy lie at 1.1–2.5 mV, so over 5 mV is not physiology; ${src.totalQrs}`, evidence: scaleEvidence(input.morphology) });
  }
  if (input.amplitudeNormalised) out.push(rescaledStatement(input.amplitudeNormalised));
  if (input.heldSamples) out.push(heldStatement(input.heldSamples));
  const paced = pacingStatement(input);
  if (paced) out.push(paced);
  const ventricularPaced = pacedRhythm(input);
  const af = ventricularPaced ? atrialWavesUnderPacing(input) : atrialFibrillation(input);
  if (af) out.push(af);
  if (!ventricularPaced && !af) out.push(...sinusOrUndetermined(input));
  out.push(...(af ? differentComplexesInAf(input) : prematureBeats(input)));
  const unseen = pacingUnseen(input);
  // PR, QRS and QT measured on leads all flagged by signal quality, or on none of the standard leads: their statements say so.
  const flagged = (statement: EcgStatement) => withQualifier(withQualifier(statement, input.intervalsFromFlaggedLeads), input.leadsUnrecognised);
  if (!ventricularPaced) out.push(...conduction(input, Boolean(af)).map(unseen).map(flagged));
  // A ventricular-paced QRS takes its axis from the pacing site (right-ventricular apical pacing
  // points it superiorly, to the left): a deviation then says nothing about the fascicles.
  if (!ventricularPaced) out.push(...axis(input).map(unseen));
  if (!input.amplitudeImplausible && !input.amplitudeNormalised) out.push(...lowVoltage(input));
  out.push(...qtc(input, ventricularPaced ? 'paced rhythm: ventricular pacing lengthens QT' : af ? flutterWavesOverT(input) : undefined).map(unseen).map(flagged));
  return out;
}

/**
 * Flutter waves run through the T wave at their own rate, so the T end, and the QT, cannot be
 * told from them: a short or long QTc over them says nothing of repolarisation (PTB-XL 00023,
 * 2:1 flutter at 128 bpm, a flutter wave every 234 ms: "Borderline short QTc" on a QT of 278 ms).
 * Said where the AF or flutter statement rests on flutter waves (2:1 or regular after QRST
 * cancellation); fibrillation without them keeps its QTc statements.
 */
function flutterWavesOverT(input: StatementInput): string | undefined {
  const twoToOne = twoToOneFlutter(input.halfCycle);
  const rate = twoToOne?.atrialRatePerMin ?? regularAtrialWaves(input)?.atrialRatePerMin;
  return rate === undefined ? undefined : `flutter waves at ${Math.round(rate)}/min run through the T wave: its end, and so the QT, cannot be told from them`;
}

/**
 * What a statement that a paced rhythm withholds carries where pacing could not be assessed:
 * with a QRS of 120 ms or more the caveat (`pacingUnseenQualifier`); with one as wide as a
 * ventricular-paced QRS (unseen-pacing.ts, the width at which a model refuses such a record), it
 * is also unconfirmable, so not one click from the reading (PTB-XL 00143 at 100 Hz, 210 ms:
 * "complete right bundle branch block", "left anterior fascicular block", "left axis deviation",
 * each with an Adopt button, where its 500 Hz twin reads "Paced rhythm").
 */
function pacingUnseen(input: StatementInput): (statement: EcgStatement) => EcgStatement {
  const qualifier = pacingUnseenQualifier(input);
  const unconfirmable = pacingUnseenWideQrs(input.pacing, input.qrsMs) && pacedCriteriaDoNotApply(input.qrsMs as number);
  return (statement) => {
    const qualified = withQualifier(statement, qualifier);
    return unconfirmable ? { ...qualified, unconfirmable } : qualified;
  };
}

/** Why a statement on possibly paced complexes cannot be adopted. */
const pacedCriteriaDoNotApply = (qrsMs: number): string =>
  `a QRS of ${round(qrsMs)} ms, over ${pacedLookingQrsMs} ms, may be ventricular paced, and no pacemaker spike can be seen at this sampling rate to exclude it: block, axis and QTc criteria do not apply to paced complexes (${src.ahaIII})`;

/**
 * Below 250 Hz pacemaker spikes cannot be seen (pacing.ts), so a ventricular-paced rhythm is not
 * recognised and its wide complexes would be read as a bundle branch block with an axis deviation
 * and a long QTc: the statements a paced rhythm withholds. With complexes that wide they are said
 * with this caveat (PTB-XL 00143 at 100 Hz, paced by its 500 Hz twin and its report, read as RBBB
 * with LAFB). A narrow QRS is not ventricular-paced, so it gets none.
 */
function pacingUnseenQualifier(input: StatementInput): string | undefined {
  if (input.pacing.assessed || input.qrsMs === null || input.qrsMs < t.completeBbbMs) return undefined;
  return `${input.pacing.reason}: complexes this wide may be ventricular paced, which these statements would not be made on; exclude a pacemaker before reading them`;
}

function withQualifier(statement: EcgStatement, qualifier: string | undefined): EcgStatement {
  return qualifier === undefined ? statement : { ...statement, qualifier: [statement.qualifier, qualifier].filter((q) => q !== undefined).join('; ') };
}

/** Spikes (or the paced QRS with none seen, paced-shape.ts) before at least half the beats. */
const pacedRhythm = (input: StatementInput): boolean => input.pacing.paced && input.pacing.pacedBeatFraction >= t.pacedRhythmFraction;

function pacingStatement(input: StatementInput): EcgStatement | undefined {
  const p = input.pacing;
  if (!p.paced) return undefined;
  const unseen = p.unseenSpikeBeats?.length ?? 0;
  const beats = Math.max(1, input.beats);
  const evidence = [
    { name: 'pacemaker spikes', value: p.spikeTimesSec.length },
    { name: 'beats after a spike', value: round((100 * (p.pacedBeats.length - unseen)) / beats), unit: '%' },
    ...(unseen > 0 ? [{ name: 'beats with the paced QRS, no spike seen', value: round((100 * unseen) / beats), unit: '%' }] : []),
    { name: 'leads showing the spikes', value: p.leadsWithSpikes },
  ];
  const rhythm = p.pacedBeatFraction >= t.pacedRhythmFraction;
  return {
    code: 'PACE',
    // PTB-XL's PACE reads "normal functioning artificial pacemaker": spikes before the beats say
    // nothing of capture or sensing (intermittent pacing may be either failing), so a reading
    // that adopts it takes these words, not a pacemaker function the rule never checked.
    partialCode: true,
    text: rhythm ? 'Paced rhythm' : 'Intermittent pacing (pacemaker spikes before some beats)',
    category: 'pacing',
    criterion: `pacemaker spikes followed by a QRS before ${rhythm ? 'at least half' : 'some'} of the beats${unseen > 0 ? ', counting the beats with the wide QRS of those after a spike (their spikes too small to see)' : ''}`,
    source: src.ahaII,
    evidence,
    ...(rhythm
      ? { qualifier: 'QRS duration, bundle branch block, axis deviation, QTc and ST statements are not made on paced beats' }
      : (input.pacedBeatsLeftOut ?? 0) > 0
        ? { qualifier: `the median beat and its measurements are of the unpaced beats (${input.pacedBeatsLeftOut} paced left out)` }
        : {}),
  };
}

/**
 * Leads rescaled one by one (lead-normalisation.ts) keep their timing but not their voltage:
 * low voltage is not stated (and the axes are measured only where the limb leads' proportions
 * could be restored), which a reader must be told rather than left to read as "normal voltage".
 */
function rescaledStatement(why: string): EcgStatement {
  return {
    code: 'RESCALED',
    text: 'Amplitudes rescaled lead by lead: voltages and ST levels not interpretable',
    category: 'quality',
    criterion: why,
    source: 'a property of the file, not a guideline criterion: recorded leads never share one peak-to-peak range (on 456 PTB-XL records the largest lead’s is at least 1.89 times the smallest’s)',
    evidence: [],
  };
}

/**
 * Complexes cut by the recorder (held-samples.ts): their peaks are the recorder's, so a reader
 * must know that voltages and QRS shapes on them are not the heart's, and which beats the
 * measurements come from.
 */
function heldStatement(h: NonNullable<StatementInput['heldSamples']>): EcgStatement {
  return {
    code: 'HELD',
    text: 'QRS complexes cut by the recorder: every lead held, then jumped',
    category: 'quality',
    criterion: 'within 80 ms of a QRS, at least two thirds of the leads flat for 10 ms away from their level before it and then all jumping in one sample by more than their steepest slope',
    source: 'a property of the recording, not a guideline criterion: a QRS’s leads see one rotating dipole, so they cannot all stand still and then all jump at once (a recorder blanking its input, as for a pacemaker pulse, does this)',
    evidence: [
      { name: 'complexes', value: `${h.complexes} of ${h.of}` },
      { name: 'hold', value: h.holdMs, unit: 'ms' },
      { name: 'leads', value: h.leads },
    ],
    qualifier: h.leftOut > 0 ? `the median beat and its measurements are of the other complexes (${h.leftOut} left out); voltages on the cut ones are not as recorded` : 'too few other complexes: the median beat includes the cut ones, so its QRS amplitudes and shape are in doubt',
  };
}

/**
 * [AF-2014]: irregularly irregular RR with no distinct repeating P waves; or regular atrial
 * waves at 230–375 a minute left after QRST cancellation (flutter, [AHA-II]) with the RR
 * irregular or no P wave found; or atrial waves at twice a ventricular rate of 115–188 bpm on
 * the median beat (flutter with fixed 2:1 conduction, [SVT-2015], [BIX]), whose waves are
 * phase-locked to the QRS and cancelled with it. "No distinct repeating P waves" is checked
 * beat by beat too when the median beat shows none (its T end on the next P wave: PTB-XL 00305,
 * sinus arrhythmia with a flat T, before delineate.ts bounded the T peak at 0.7 RR); with intermittent pacing, the irregularity is that of the unpaced beats.
 * "Irregularly irregular" is not a regular rhythm interrupted by premature beats: where the RR
 * alone makes the call, it must stay irregular with the premature beats and the pauses after
 * them left out (Ningbo CinC 2021 JS20003, sinus tachycardia with two premature atrial beats and
 * P waves too small to find: RMSSD 0.23 over every RR, 0.07 without them, was called AF). In AF
 * the beats taken for premature are the rhythm itself and the rest stays irregular (0.14–0.29 on
 * the pool's AF records); where fewer than four RR pairs are left, nothing can be said and the
 * irregularity over every RR decides. `atrialRhythmNamed` says which rhythm the evidence names.
 */
function atrialFibrillation(input: StatementInput): EcgStatement | undefined {
  if (input.beats < 6) return undefined;
  const irregularity = rrIrregularity(input);
  const irregular = irregularity !== null && irregularity.value >= t.afNormalisedRmssd;
  const beyondEctopy = irregularityBeyondPrematureBeats(input);
  const irregularlyIrregular = irregular && (beyondEctopy === null || beyondEctopy >= t.afNormalisedRmssd);
  const a = regularAtrialWaves(input);
  const flutterWaves = a !== undefined;
  const twoToOne = twoToOneFlutter(input.halfCycle);
  const noRepeatingP = !input.pWave && input.repeatingP === undefined;
  if (!((irregularlyIrregular && noRepeatingP) || (flutterWaves && (irregular || !input.pWave)) || twoToOne)) return undefined;
  const evidence: StatementEvidence[] = [];
  if (irregularity !== null) evidence.push({ name: `RR irregularity${irregularity.unpacedOnly ? ' of the unpaced beats' : ''} (normalised RMSSD)`, value: Number(irregularity.value.toFixed(2)) });
  if (beyondEctopy !== null && input.rhythm.premature.length > 0) evidence.push({ name: 'the same without premature beats and their pauses', value: Number(beyondEctopy.toFixed(2)) });
  // With 2:1 flutter, what the search found before each QRS is a flutter wave (the qualifier says so): not named a P wave.
  evidence.push(twoToOne && (input.pWave || input.repeatingP) ? { name: 'wave before each QRS (taken for a P wave)', value: pWaveFound(input).replace(/^found/, 'repeats') } : { name: 'P wave', value: pWaveFound(input) });
  if (a) evidence.push({ name: `regular atrial waves (${a.lead})`, value: Math.round(a.atrialRatePerMin), unit: '/min' });
  if (twoToOne) evidence.push({ name: `beat repeats half an RR later (${twoToOne.leads.join(', ')}): atrial waves at twice the ventricular rate`, value: Math.round(twoToOne.atrialRatePerMin), unit: '/min' });
  if (input.heartRateBpm !== null) evidence.push({ name: 'ventricular rate', value: round(input.heartRateBpm), unit: 'bpm' });
  const [low, high] = t.flutterAtrialRatePerMin;
  return {
    ...atrialRhythmNamed(twoToOne !== undefined, flutterWaves),
    category: 'rhythm',
    criterion: `irregular RR (normalised RMSSD ≥ ${t.afNormalisedRmssd}, also with premature beats and their pauses left out where four RR pairs remain) without distinct repeating P waves, or regular atrial waves at ${low}–${high}/min (periodicity ≥ ${t.atrialPeriodicity}) with the RR irregular or no P wave, or the median beat repeating half an RR later outside the QRS (correlation ≥ ${t.halfCycleCorrelation} in at least ${t.halfCycleLeads} of II, III, aVF, V1) at a ventricular rate of ${low / 2}–${high / 2} bpm`,
    source: `${src.af}; ${src.ahaII}${twoToOne ? `; ${src.svt}; ${src.bix}` : ''}`,
    evidence,
    ...atrialRhythmQualifier(input, twoToOne !== undefined, flutterWaves),
  };
}

/**
 * Under a ventricular-paced rhythm the RR is the pacemaker's, so of the AF rule only its atrial
 * branch can speak: regular atrial waves at 230–375/min after QRST cancellation and no P wave
 * ([AHA-II]; carts print the underlying atrial rhythm with the paced one). LUDB 1.0.1 record 93
 * (atrial fibrillation, biventricular pacing): waves at 345/min in V1; none of the pool's four
 * or LUDB's nine other paced records shows them (docs/benchmarks.md).
 */
function atrialWavesUnderPacing(input: StatementInput): EcgStatement | undefined {
  const a = regularAtrialWaves(input);
  if (!a || input.pWave || input.repeatingP !== undefined) return undefined;
  const [low, high] = t.flutterAtrialRatePerMin;
  return {
    ...atrialRhythmNamed(false, true),
    category: 'rhythm',
    criterion: `under a paced rhythm, regular atrial waves at ${low}–${high}/min (periodicity ≥ ${t.atrialPeriodicity}) and no P wave; the RR, the pacemaker's, is not used`,
    source: `${src.af}; ${src.ahaII}`,
    evidence: [
      { name: 'P wave', value: pWaveFound(input) },
      { name: `regular atrial waves (${a.lead})`, value: Math.round(a.atrialRatePerMin), unit: '/min' },
    ],
    qualifier: 'the atrial rhythm under the paced one, read from the atrial waves alone',
  };
}

/** Regular atrial waves left after QRST cancellation (rhythm.ts `atrialActivity`), when regular and large enough to be flutter waves. */
function regularAtrialWaves(input: StatementInput): AtrialActivity | undefined {
  const a = input.atrial;
  return a !== undefined && !a.atSearchEdge && a.periodicity >= t.atrialPeriodicity && a.amplitudeMv >= t.atrialAmplitudeMv ? a : undefined;
}

/**
 * Regular atrial waves at a flutter rate beside a P wave before the QRS: in flutter with 3:1 or
 * 4:1 conduction the flutter wave before each QRS passes for a P wave and its distance to the QRS
 * for a PR, while the ventricular rate is a sinus one (flutter's atrial rate, [SVT-2015]: about
 * 250–350/min; `atrialActivity` searches 230–375/min). LUDB 1.0.1 record 52 (typical atrial flutter,
 * a sawtooth in II, III and aVF at 270/min) read as sinus arrhythmia with a 276 ms PR and
 * first-degree AV block. The residual cannot tell it from LUDB 17 (sinus rhythm diagnosed; a
 * P wave, the T wave and a wave between them at near-equal spacing: 0.75 and 0.71 periodicity),
 * and no record of the PTB-XL pool with a P wave shows such waves, so the sinus and AV block
 * statements stand and the reader is told what to exclude.
 */
function flutterWavesBesideP(input: StatementInput): string | undefined {
  const a = regularAtrialWaves(input);
  if (!a || !(input.pWave || input.repeatingP)) return undefined;
  return `regular atrial waves at ${Math.round(a.atrialRatePerMin)}/min (${a.lead}) run between the complexes: ${excludeFlutterAdvice}, whose wave before the QRS can pass for a P wave (the PR is then not a PR interval)`;
}

/** How `flutterWavesBesideP`'s qualifier begins its advice, for whoever counts the statements that carry it (the measure bench). */
export const excludeFlutterAdvice = 'exclude atrial flutter on the rhythm strip';

/** What the P-wave search found, for the AF statement's evidence. */
function pWaveFound(input: StatementInput): string {
  if (input.pWave) return 'found on the median beat';
  if (input.repeatingP) return 'found beat by beat';
  const some = input.pWavesBeatByBeat;
  if (!some || some.measured === 0) return 'not found';
  return `not found on the median beat; one shape before ${some.prVaries ? '' : 'only '}${some.measured} of ${some.of} beats${some.prVaries ? ', at a PR that varies' : ''}`;
}

/**
 * What a reader should check before accepting the AF/flutter statement: a "P wave" that repeats
 * half an RR later is a flutter wave; and where the call rests on the irregular RR alone (no
 * regular atrial waves), P waves of one shape before some beats (at least the
 * `beatPrRules.minBeats` a PR needs, though fewer than the rhythm's two thirds) are what sinus
 * beats between frequent premature atrial complexes leave, whose RR is irregular too (CinC 2021
 * JS20005 and JS20010, labelled PAC and sinus tachycardia: 5 of 17 and 9 of 20 beats; the pool's
 * such calls whose reports say AF show 0–1 of 13–21, 00486, without a reading, 5 of 14). P waves
 * before most beats at a varying PR are a rhythm with P waves as well. With regular atrial waves
 * found, a "P wave" before a few beats is one of them (00428, an AF report: 3 of 16).
 */
function atrialRhythmQualifier(input: StatementInput, twoToOne: boolean, flutterWaves: boolean): Pick<EcgStatement, 'qualifier'> {
  if (twoToOne && (input.pWave || input.repeatingP)) return { qualifier: 'the wave taken for a P wave repeats half an RR later: atrial flutter with 2:1 conduction rather than sinus tachycardia, so it is not a P wave and no PR or P axis is reported' };
  const some = input.pWavesBeatByBeat;
  if (twoToOne || flutterWaves || input.pWave || input.repeatingP || !some || some.measured < beatPrRules.minBeats) return {};
  const what = some.prVaries ? ' at a PR that varies: a rhythm with P waves and varying AV conduction' : ': sinus beats between frequent premature atrial complexes';
  return { qualifier: `P waves of one shape before ${some.measured} of ${some.of} beats${what} can look like this; confirm on the rhythm strip that P waves are absent` };
}

/**
 * RR irregularity for the AF rule: over every RR (in AF "premature" beats are the rhythm
 * itself), or, when some beats were paced, over the RR pairs of unpaced beats only
 * (rhythm.ts `normalisedRmssdWithout`): a paced beat's RR is the pacemaker's, not the atria's.
 */
function rrIrregularity(input: StatementInput): { value: number; unpacedOnly: boolean } | null {
  const paced = input.pacing.paced ? input.pacing.pacedBeats : [];
  if (paced.length === 0) return input.rhythm.normalisedRmssdAll === null ? null : { value: input.rhythm.normalisedRmssdAll, unpacedOnly: false };
  const value = normalisedRmssdWithout(input.rhythm.rrMs, new Set(paced), new Set(input.rhythm.acrossGap));
  return value === null ? null : { value, unpacedOnly: true };
}

/**
 * Which atrial rhythm the evidence names. Atrial waves at twice the ventricular rate (2:1
 * conduction) are flutter's [SVT-2015]: atrial flutter (AFLT), whose adoption into a reading
 * must not say fibrillation. An irregular RR without P waves and without regular atrial waves is
 * fibrillation (AFIB). Regular atrial waves without 2:1 conduction name neither with confidence:
 * they were found on the pool's fibrillation records too (00330, 00351, 00428 at 375/min, the
 * search band's edge; 00500 at 330/min), so that statement stays "fibrillation or flutter".
 */
function atrialRhythmNamed(twoToOne: boolean, flutterWaves: boolean): Pick<EcgStatement, 'code' | 'text' | 'partialCode'> {
  if (twoToOne) return { code: 'AFLT', text: 'Atrial flutter suspected' };
  if (!flutterWaves) return { code: 'AFIB', text: 'Atrial fibrillation suspected' };
  return { code: 'AFIB', text: 'Atrial fibrillation or flutter suspected', partialCode: true };
}

/**
 * RR irregularity with premature beats, the RR after each (its pause), paced beats and beats the
 * record's edge cuts left out: what is left of the underlying rhythm's irregularity. Null with
 * fewer than four RR pairs left.
 */
function irregularityBeyondPrematureBeats(input: StatementInput): number | null {
  const paced = input.pacing.paced ? input.pacing.pacedBeats : [];
  return normalisedRmssdWithout(input.rhythm.rrMs, new Set([...input.rhythm.premature, ...paced, ...input.rhythm.cutByEdge]), new Set(input.rhythm.acrossGap));
}

/** The leads where the median beat repeats half an RR later (2:1 flutter), when enough do at a rate 2:1 flutter can have. */
function twoToOneFlutter(h: HalfCycleAtrialWaves | undefined): { leads: string[]; atrialRatePerMin: number } | undefined {
  if (!h) return undefined;
  const [low, high] = t.flutterAtrialRatePerMin;
  if (h.atrialRatePerMin < low || h.atrialRatePerMin > high) return undefined;
  const leads = h.leads.filter((l) => l.correlation >= t.halfCycleCorrelation && l.amplitudeMv >= t.atrialAmplitudeMv).map((l) => l.lead);
  return leads.length >= t.halfCycleLeads ? { leads, atrialRatePerMin: h.atrialRatePerMin } : undefined;
}

/**
 * [AHA-II]: sinus rhythm and its rate/regularity variants, when a P wave precedes each QRS: on
 * the median beat, or beat by beat (beat-pr.ts), including P waves of one shape at a fixed PR
 * that only the search unbounded by the median beat's T end finds (`repeatingP`; PTB-XL 00305
 * before delineate.ts bounded the T peak at 0.7 RR).
 */
function sinusRhythm(input: StatementInput): EcgStatement[] {
  const checks = [nonSinusPAxis(input), unconfirmedMedianP(input), flutterWavesBesideP(input)].filter((q): q is string => q !== undefined);
  return sinusStatements(input).map((s) => withQualifier(s, checks.length > 0 ? checks.join('; ') : undefined));
}

/**
 * A P wave before each QRS whose frontal axis lies outside `sinusPAxisDeg` may not be the sinus
 * node's: negative in II (Georgia E07503, P axis −51° at a PR of 106 ms, was read "Sinus
 * tachycardia" without a word) it comes from low in the atria or the junction; negative in I
 * beyond +120° from the left atrium. Said as the sinus statement's qualifier, not as another
 * rhythm: named so, it took the sinus statement from 9 of the PTB-XL pool's records its
 * cardiologists labelled sinus (8 SR, 1 SBRAD; "measure", docs/benchmarks.md), whose small P
 * waves give an axis that far out, against one record not so labelled. Only a median beat's P wave
 * has an axis: one found beat by beat (`repeatingP`) has none, and nothing is said.
 */
function nonSinusPAxis(input: StatementInput): string | undefined {
  if (!input.pWave || input.pAxisDeg === null || input.pAxisDeg === undefined) return undefined;
  // Compared as shown: an axis of 120.3° printed "120°" must not be called outside +120°.
  const axis = round(input.pAxisDeg);
  const [low, high] = t.sinusPAxisDeg;
  if (axis >= low && axis <= high) return undefined;
  const negativeIn = axis < low ? 'II' : 'I';
  return `P axis ${axis}° is outside ${low}° to +${high}° (P negative in ${negativeIn}): an ectopic atrial${negativeIn === 'II' ? ' or junctional' : ''} rhythm rather than sinus is possible; confirm the P wave's origin on the tracing (normal P axis 0° to +75°: Zimmerman, ECG Core Curriculum, McGraw Hill 2023, "Sinus Rhythms")`;
}

/**
 * A P wave on the median beat of an irregular rhythm that the beats one by one do not show
 * before two thirds of them at a steady PR: averaged fibrillatory or flutter waves, or a
 * baseline undulation, can leave such a hump on the median beat (LUDB 1.0.1 records 88, 96,
 * 101, diagnosed AF and read as sinus arrhythmia: a P wave of one shape before 9 of 14, 0 of 13
 * and 7 of 12 beats). The beats alone do not separate these from sinus arrhythmias whose small
 * P waves the single beats miss (PTB-XL 00011, 6 of 11), so the sinus statement stands and the
 * reader is told what to check. Not said where the irregularity is that of premature beats.
 */
function unconfirmedMedianP(input: StatementInput): string | undefined {
  const check = input.medianPBeatByBeat;
  if (!check || check.repeating || check.of === 0) return undefined;
  const beyondEctopy = irregularityBeyondPrematureBeats(input);
  if (beyondEctopy !== null && beyondEctopy < t.afNormalisedRmssd) return undefined;
  return `the RR is irregular and the median beat's P wave was found, at one shape and a steady PR, before only ${check.measured} of ${check.of} beats: ${excludeAfAdvice}`;
}

/** How `unconfirmedMedianP`'s qualifier ends, for whoever counts the statements that carry it (the measure bench). */
export const excludeAfAdvice = 'exclude atrial fibrillation or flutter on the rhythm strip';

function sinusStatements(input: StatementInput): EcgStatement[] {
  const hr = input.heartRateBpm;
  if (!(input.pWave || input.repeatingP) || hr === null) return [];
  const evidence: StatementEvidence[] = [
    { name: 'heart rate', value: round(hr), unit: 'bpm' },
    { name: 'P wave', value: input.pWave ? 'before the QRS' : `before ${input.repeatingP?.measured} of ${input.repeatingP?.of} QRS complexes (found beat by beat)` },
  ];
  const range = input.rhythm.rrRange;
  const irregular = range !== null && range >= t.sinusArrhythmiaRange;
  const arrhythmia: EcgStatement | undefined = irregular
    ? {
        code: 'SARRH',
        text: 'Sinus arrhythmia',
        category: 'rhythm',
        criterion: `RR varies by at least ${round(100 * t.sinusArrhythmiaRange)} % of its mean (premature beats left out) with a P wave before each QRS`,
        source: src.ahaII,
        evidence: [...evidence, { name: 'RR range / mean RR', value: round(100 * (range as number)), unit: '%' }],
      }
    : undefined;
  if (hr < t.bradycardiaBpm) return [{ code: 'SBRAD', text: 'Sinus bradycardia', category: 'rhythm', criterion: `P wave before each QRS and rate under ${t.bradycardiaBpm} bpm`, source: src.ahaII, evidence }, ...(arrhythmia ? [arrhythmia] : [])];
  if (hr > t.tachycardiaBpm) return [{ code: 'STACH', text: 'Sinus tachycardia', category: 'rhythm', criterion: `P wave before each QRS and rate over ${t.tachycardiaBpm} bpm`, source: src.ahaII, evidence }];
  if (arrhythmia) return [arrhythmia];
  return [{ code: 'SR', text: 'Sinus rhythm', category: 'rhythm', criterion: `P wave before each QRS, rate ${t.bradycardiaBpm}–${t.tachycardiaBpm} bpm, regular`, source: src.ahaII, evidence }];
}

/**
 * The rhythm is stated on every tracing, as the carts print it: a sinus statement when a P wave
 * precedes the QRS complexes, otherwise that the rhythm could not be determined, with the rate,
 * rather than no rhythm statement at all (PTB-XL 00377, reported "regelmässiger Rhythmus, keine
 * P-Welle erkannt": regular, no P wave recognised). AF and flutter, which need no P wave, are
 * stated before this is reached; a junctional or ectopic atrial rhythm is not told apart here.
 */
function sinusOrUndetermined(input: StatementInput): EcgStatement[] {
  const sinus = sinusRhythm(input);
  if (sinus.length > 0 || input.heartRateBpm === null) return sinus;
  const evidence: StatementEvidence[] = [
    { name: 'ventricular rate', value: round(input.heartRateBpm), unit: 'bpm' },
    { name: 'P wave', value: 'not found on the median beat or beat by beat' },
  ];
  const irregularity = input.rhythm.normalisedRmssdAll;
  if (irregularity !== null) evidence.push({ name: 'RR irregularity (normalised RMSSD)', value: Number(irregularity.toFixed(2)) });
  return [{ code: 'URHY', text: 'Rhythm undetermined: no P wave found', category: 'rhythm', criterion: 'no P wave before the QRS complexes, and neither atrial fibrillation nor flutter suspected', source: `${src.ahaII}: none of its rhythm statements that these rules check was met`, evidence }];
}

/**
 * [AHA-II]: premature complexes, ventricular by a QRS unlike the conducted beats', supraventricular by
 * the usual one. Under a paced rhythm the usual QRS is the paced one, so an early beat of that
 * shape is a paced beat (the pacemaker tracking an early P wave, its spike unseen) or an ectopic
 * beat from near the lead's tip, and nothing says it came from above the ventricles: it is not
 * named supraventricular. LUDB 72 (P-synchronous pacing) and 74 (third-degree AV block, which
 * conducts no premature atrial beat) each had one so named.
 */
function prematureBeats(input: StatementInput): EcgStatement[] {
  const { premature, prematureVentricular } = input.rhythm;
  const ventricular = prematureVentricular.length;
  const supraventricular = pacedRhythm(input) ? 0 : premature.length - ventricular;
  const out: EcgStatement[] = [];
  const early = (fraction: number) => `${round(100 * (1 - fraction))} % early (RR under ${fraction} × the median) followed by a longer RR`;
  if (ventricular > 0) {
    out.push({ code: 'PVC', text: `Ventricular premature ${wordFor(ventricular, 'complex', 'complexes')} (${ventricular})`, category: 'ectopy', criterion: `QRS unlike the conducted beats (correlation under 0.8), beat at least ${early(prematurity.differentQrs)}`, source: src.ahaII, evidence: [{ name: 'premature beats with a different QRS', value: ventricular }] });
  }
  if (supraventricular > 0) {
    // PTB-XL's PAC reads "atrial premature complex": an early beat of the usual QRS may be junctional
    // as well (no P wave is looked for before it), so a reading that adopts it takes these words.
    out.push({ code: 'PAC', text: `Supraventricular premature ${wordFor(supraventricular, 'complex', 'complexes')} (${supraventricular})`, category: 'ectopy', criterion: `QRS like the conducted beats, beat at least ${early(prematurity.usualQrs)}`, source: src.ahaII, evidence: [{ name: 'premature beats with the usual QRS', value: supraventricular }], partialCode: true });
  }
  return out;
}

/**
 * In atrial fibrillation no beat is premature to a rhythm, so a QRS unlike the conducted beats'
 * is named by its shape alone. It may be a ventricular complex or a supraventricular one conducted
 * aberrantly (the long–short cycles of AF favour aberrancy, Ashman's phenomenon), and one tracing
 * cannot tell them apart, so both are named. LUDB 38 and 110 (AF with ventricular premature
 * beats diagnosed) had no word of them; LUDB 109 is diagnosed AF with aberrant conduction.
 */
function differentComplexesInAf(input: StatementInput): EcgStatement[] {
  const n = input.rhythm.differentQrs.length;
  if (n === 0) return [];
  return [{
    code: 'PVC',
    text: `Ventricular premature or aberrantly conducted ${wordFor(n, 'complex', 'complexes')} (${n})`,
    category: 'ectopy',
    criterion: 'atrial fibrillation or flutter suspected, QRS unlike the conducted beats (correlation under 0.8)',
    source: src.ahaII,
    evidence: [{ name: 'beats with a different QRS', value: n }],
    // Coded PVC, but the text allows aberrant conduction: a reading adopts the words.
    partialCode: true,
  }];
}

/**
 * First-degree AV block [BRADY-2018]: PR over 200 ms; measured beat by beat, the median of
 * the beats' PR. A PR that varies from beat to beat is stated apart, for the reader to look
 * for its cause: progressive PR lengthening before a non-conducted P wave is second-degree AV
 * block type I (Wenckebach), P waves unrelated to the QRS are AV dissociation [BRADY-2018,
 * section 3 definitions; both are statements of [AHA-II]]. Only P waves before a QRS are
 * measured, so non-conducted P waves are not seen and neither is diagnosed. Then the bundle
 * branch blocks and the left anterior fascicular block (fascicular-block.ts), [AHA-III].
 */
function conduction(input: StatementInput, af: boolean): EcgStatement[] {
  const out: EcgStatement[] = [];
  const perBeat = input.prBeats ?? undefined;
  const spread: StatementEvidence[] = perBeat ? [{ name: `PR range over ${perBeat.measured} of ${perBeat.of} beats`, value: `${round(perBeat.minMs)}–${round(perBeat.maxMs)}`, unit: 'ms' }] : [];
  if (!af && input.pWave && input.prMs !== null && input.prMs > t.firstDegreeAvbMs) {
    const near = borderline('PR', input.prMs, t.firstDegreeAvbMs, t.borderlineMs.pr);
    out.push({
      code: '1AVB',
      text: near ? 'Borderline first-degree AV block' : 'First-degree AV block',
      category: 'conduction',
      criterion: `PR over ${t.firstDegreeAvbMs} ms${perBeat ? ' (median of the beats’ own PR: the median beat showed no P wave)' : ''}`,
      source: src.brady,
      evidence: [{ name: perBeat ? 'PR (median of beats)' : 'PR', value: round(input.prMs), unit: 'ms' }, ...spread],
      ...qualified(near, perBeat?.varies ? 'the PR varies from beat to beat: see the variable PR statement' : undefined, unconfirmedMedianP(input), flutterWavesBesideP(input)),
    });
  }
  if (!af && perBeat?.varies) {
    out.push({
      code: 'PRVAR',
      text: 'Variable PR interval: consider second-degree AV block type I (Wenckebach) or AV dissociation',
      category: 'conduction',
      criterion: `the beats’ own PR spans more than ${t.variablePrRangeMs} ms (measurement noise stays under half of that)`,
      source: `${src.brady}; ${src.ahaII}`,
      evidence: spread,
      qualifier: 'only P waves before a QRS were measured: look for non-conducted P waves on the tracing',
    });
  }
  const bundle = bundleBranchBlock(input);
  if (bundle) out.push(bundle);
  const fascicle = leftAnteriorFascicularBlock(input.qrsAxisDeg, input.qrsMs, input.morphology, bundle?.code === 'CRBBB');
  if (fascicle) out.push({ ...fascicle, category: 'conduction', source: src.ahaIII });
  return out;
}

/**
 * [AHA-III] bundle branch blocks, complete (QRS ≥ 120 ms) and incomplete (110–119 ms), by the
 * lead morphology of bundle-branch.ts; a QRS as wide without either pattern is a nonspecific
 * intraventricular conduction delay.
 */
function bundleBranchBlock(input: StatementInput): EcgStatement | undefined {
  const qrs = input.qrsMs;
  const m = input.morphology;
  if (qrs === null || qrs < t.incompleteBbbMs || !m) return undefined;
  const complete = qrs >= t.completeBbbMs;
  // Only "complete" is qualified: a borderline incomplete block is within tolerance of either neighbour.
  const near = complete ? borderline('QRS', qrs, t.completeBbbMs, t.borderlineMs.qrs, 'an incomplete block if the QRS is shorter') : undefined;
  const degree = complete ? (near ? 'Borderline complete' : 'Complete') : 'Incomplete';
  const right = rightBundleMorphology(m);
  const left = leftBundleMorphology(m);
  const qrsEvidence = { name: 'QRS', value: round(qrs), unit: 'ms' };
  if (right.met) {
    return {
      code: complete ? 'CRBBB' : 'IRBBB',
      text: `${degree} right bundle branch block`,
      category: 'conduction',
      criterion: `QRS ${complete ? `≥ ${t.completeBbbMs}` : `${t.incompleteBbbMs}–${t.completeBbbMs - 1}`} ms, terminal positivity (R′) in V1/V2, terminal S in I and V6`,
      source: src.ahaIII,
      evidence: [qrsEvidence, ...right.evidence],
      ...qualified(near),
    };
  }
  if (left.met) {
    return {
      code: complete ? 'CLBBB' : 'ILBBB',
      text: `${degree} left bundle branch block`,
      category: 'conduction',
      criterion: `QRS ${complete ? `≥ ${t.completeBbbMs}` : `${t.incompleteBbbMs}–${t.completeBbbMs - 1}`} ms, dominant S in V1, no q in I, V5, V6, R peak time over 60 ms in V5/V6`,
      source: src.ahaIII,
      evidence: [qrsEvidence, ...left.evidence],
      ...qualified(near),
    };
  }
  // [AHA-III] has a nonspecific delay at a QRS over 110 ms, as its criterion says: at 110 ms itself
  // (a 100 Hz record's QRS is a multiple of 10 ms: PTB-XL 00382 at 100 Hz) only the blocks' 110–119 band applies.
  if (qrs <= t.incompleteBbbMs) return undefined;
  return { code: 'IVCD', text: 'Nonspecific intraventricular conduction delay', category: 'conduction', criterion: `QRS over ${t.incompleteBbbMs} ms without the criteria of either bundle branch block`, source: src.ahaIII, evidence: [qrsEvidence] };
}

/** [AHA-III] left axis deviation −30° to −90°; right axis deviation +90° to +180° (adults). */
function axis(input: StatementInput): EcgStatement[] {
  const a = input.qrsAxisDeg;
  if (a === null) return [];
  const evidence = [{ name: 'QRS axis', value: round(a), unit: '°' }];
  if (a < t.leftAxisDeg && a >= -90) return [{ code: 'LAD', text: 'Left axis deviation', category: 'axis', criterion: `QRS axis between −90° and ${t.leftAxisDeg}°`, source: src.ahaIII, evidence }];
  if (a > t.rightAxisDeg && a <= 180) return [{ code: 'RAD', text: 'Right axis deviation', category: 'axis', criterion: `QRS axis between +${t.rightAxisDeg}° and +180°`, source: src.ahaIII, evidence }];
  // The quadrant left over (−90° to −180°, "northwest"): said, not passed over in silence (CinC 2021 JS20004 at −99°).
  // On the PTB-XL pool 6 records: reported "right superior axis deviation" (00428), "axis hard to
  // determine" (00172), and "left axis deviation" or "überdrehter Linkstyp" with LAFB (00195, 00269, 00424, 00447).
  if (a < -90) {
    return [
      {
        code: 'RSAD',
        text: 'Right superior axis deviation (extreme axis)',
        category: 'axis',
        criterion: 'QRS axis between −90° and −180°',
        source: src.ahaIII,
        evidence,
        qualifier:
          'just beyond −90° many readers say extreme left axis deviation, as with a left anterior fascicular block (PTB-XL reports: 4 of 6 such records); swapped limb electrodes give such an axis too (lead I then shows an inverted P wave): exclude that first',
      },
    ];
  }
  return [];
}

/** [AHA-V] low voltage: QRS amplitude under 0.5 mV in every limb lead, or under 1.0 mV in every precordial lead. */
function lowVoltage(input: StatementInput): EcgStatement[] {
  const m = input.morphology;
  if (!m) return [];
  const group = (names: string[]) => names.map((n) => m.get(n)?.peakToPeakMv).filter((v): v is number => v !== undefined);
  const limb = group(['I', 'II', 'III', 'aVR', 'aVL', 'aVF']);
  const chest = group(['V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
  const lowLimb = limb.length >= 4 && Math.max(...limb) < t.lowVoltageLimbMv;
  const lowChest = chest.length >= 4 && Math.max(...chest) < t.lowVoltagePrecordialMv;
  if (!lowLimb && !lowChest) return [];
  const where = lowLimb && lowChest ? 'limb and precordial leads' : lowLimb ? 'limb leads' : 'precordial leads';
  const evidence: StatementEvidence[] = [];
  if (limb.length > 0) evidence.push({ name: 'largest limb-lead QRS', value: mv(Math.max(...limb)), unit: 'mV' });
  if (chest.length > 0) evidence.push({ name: 'largest precordial QRS', value: mv(Math.max(...chest)), unit: 'mV' });
  // PTB-XL's LVOLT reads "low QRS voltages in the frontal and horizontal leads": low in one group
  // only, that code would have a reading say it of the other too, so it adopts the words.
  const oneGroup = lowLimb && lowChest ? {} : { partialCode: true as const };
  return [{ code: 'LVOLT', text: `Low QRS voltage in the ${where}`, category: 'voltage', criterion: `QRS peak-to-peak under ${t.lowVoltageLimbMv} mV in every limb lead or under ${t.lowVoltagePrecordialMv} mV in every precordial lead`, source: src.ahaV, evidence, ...oneGroup }];
}

/**
 * [AHA-IV] QTc ≥ 450 ms (men) / ≥ 460 ms (women, or sex unknown) prolonged; [SQTS-2013] ≤ 360 ms
 * short (`statementThresholds.shortQtcMs` says why not AHA-IV's 390).
 * The QTc is the linear (Framingham) correction: [AHA-IV] recommends a linear regression
 * function over Bazett's, which overcorrects at fast rates and flags sinus tachycardia.
 */
function qtc(input: StatementInput, notInterpretable: string | undefined): EcgStatement[] {
  const q = input.qtcLinearMs;
  if (q === null) return [];
  const evidence = [{ name: 'QTc (Framingham)', value: round(q), unit: 'ms' }];
  if (notInterpretable || input.amplitudeImplausible) {
    const why = notInterpretable ?? 'amplitudes implausible: the recording’s scaling is in doubt';
    return [{ code: 'QTCNI', text: 'QTc not interpretable', category: 'repolarisation', criterion: why, source: src.ahaIV, evidence }];
  }
  const limit = input.sex === 'M' ? t.longQtcMaleMs : t.longQtcFemaleMs;
  const qualifier = wideQrsLengthensQt(input.qrsMs);
  if (q >= limit) {
    const who = input.sex === 'M' ? 'men' : input.sex === 'F' ? 'women' : 'women, the higher limit, sex unknown';
    const near = borderline('QTc (Framingham)', q, limit, t.borderlineMs.qtc);
    const disagreement = formulaDisagreement(input, (v) => v >= limit);
    const text = near || disagreement?.unanimous ? 'Borderline prolonged QTc' : 'Prolonged QTc';
    return [{ code: 'LNGQT', text, category: 'repolarisation', criterion: `QTc (Framingham) ≥ ${limit} ms (${who})`, source: src.ahaIV, evidence: [...evidence, ...checkEvidence(input)], ...qtcQualified(near, disagreement, qualifier) }];
  }
  if (q <= t.shortQtcMs) {
    const near = borderline('QTc (Framingham)', q, t.shortQtcMs, t.borderlineMs.qtc);
    const disagreement = formulaDisagreement(input, (v) => v <= t.shortQtcMs);
    const text = near || disagreement?.unanimous ? 'Borderline short QTc' : 'Short QTc';
    return [{ code: 'SQT', text, category: 'repolarisation', criterion: `QTc (Framingham) ≤ ${t.shortQtcMs} ms, where a short-QT syndrome is considered`, source: src.sqts, evidence: [...evidence, ...checkEvidence(input)], ...qtcQualified(near, disagreement) }];
  }
  return [];
}

/**
 * A QRS of a complete bundle branch block's width lengthens the QT by itself, so a QTc over its
 * limit overstates repolarisation time [AHA-IV]: said on the QTc statement and, as the caveat
 * `qtcWideQrs` (measure.ts), beside the QTc the viewer and the printout flag.
 */
export function wideQrsLengthensQt(qrsMs: number | null): string | undefined {
  return qrsMs !== null && qrsMs >= t.completeBbbMs ? `QRS ${round(qrsMs)} ms: a wide QRS lengthens QT, so QTc overstates repolarisation time` : undefined;
}

/** Fridericia's and Hodges' QTc beside the Framingham value the statement rests on. */
function checkEvidence(input: StatementInput): StatementEvidence[] {
  const c = input.qtcCheckMs;
  if (!c) return [];
  return [
    ...(c.fridericia === null ? [] : [{ name: 'QTc (Fridericia)', value: round(c.fridericia), unit: 'ms' }]),
    ...(c.hodges === null ? [] : [{ name: 'QTc (Hodges)', value: round(c.hodges), unit: 'ms' }]),
  ];
}

/**
 * The correction formulas diverge at slow and fast rates (qtc.ts): when Fridericia's or
 * Hodges' QTc does not cross the limit Framingham's crosses, the statement depends on the
 * formula, not on the patient (PTB-XL 00191 at 31 bpm: Framingham 332 ms "short", Hodges
 * over 420), and the reader is told to judge the QT itself. `unanimous` (every other formula
 * stays inside the limit): then the statement is made only as borderline, since two of three
 * corrections call the same QT normal.
 */
function formulaDisagreement(input: StatementInput, crosses: (qtcMs: number) => boolean): { text: string; unanimous: boolean } | undefined {
  const c = input.qtcCheckMs;
  if (!c) return undefined;
  const others = (['fridericia', 'hodges'] as const).filter((f) => c[f] !== null);
  const against = others.filter((f) => !crosses(c[f] as number));
  if (against.length === 0) return undefined;
  const rate = input.heartRateBpm === null ? '' : ` at ${round(input.heartRateBpm)} bpm`;
  const names = listed(against.map((f) => qtcFormulaName[f]));
  const text = `the correction formulas disagree${rate} (${names} ${wordFor(against.length, 'does', 'do')} not cross this limit): judge the QT itself`;
  return { text, unanimous: against.length === others.length };
}

/** A QTc statement's flag and qualifiers: borderline by the measurement's tolerance, or because every other formula disagrees. */
function qtcQualified(near: string | undefined, disagreement: ReturnType<typeof formulaDisagreement>, ...others: (string | undefined)[]): { borderline?: true; qualifier?: string } {
  const qualifiers = [near, ...others, disagreement?.text].filter((q): q is string => q !== undefined);
  const flagged = near !== undefined || disagreement?.unanimous === true;
  return { ...(flagged ? { borderline: true as const } : {}), ...(qualifiers.length > 0 ? { qualifier: qualifiers.join('; ') } : {}) };
}

/**
 * The borderline qualifier, when `valueMs` lies within `toleranceMs` of the limit it crossed
 * (`statementThresholds.borderlineMs`): the program's own error could put it on the other side.
 */
function borderline(what: string, valueMs: number, limitMs: number, toleranceMs: number, otherwise?: string): string | undefined {
  if (Math.abs(valueMs - limitMs) > toleranceMs) return undefined;
  const other = otherwise ? `; ${otherwise}` : '';
  return `borderline: ${what} ${round(valueMs)} ms is within ${toleranceMs} ms of the ${limitMs} ms limit, inside the mean error IEC 60601-2-25 allows a program's interval measurements: confirm on the tracing${other}`;
}

/** The `borderline` flag and the qualifiers that apply, joined, as fields to spread into a statement. */
function qualified(near: string | undefined, ...others: (string | undefined)[]): { borderline?: true; qualifier?: string } {
  const qualifiers = [near, ...others].filter((q): q is string => q !== undefined);
  return { ...(near ? { borderline: true as const } : {}), ...(qualifiers.length > 0 ? { qualifier: qualifiers.join('; ') } : {}) };
}
