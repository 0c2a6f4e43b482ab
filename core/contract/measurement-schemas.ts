import { z } from 'zod';
import { DeviceMeasurementsSchema } from './schemas';

/**
 * What the measurement panel shows besides the numbers: the rule-based interpretive
 * statements (core/signal/statements.ts), the limits on reading the measurements (quality,
 * scaling, pacing) and the recording device's own figures beside ours.
 */
export const StatementEvidenceSchema = z.object({ name: z.string(), value: z.union([z.number(), z.string()]), unit: z.string().optional() });

export const InterpretiveStatementSchema = z.object({
  /** SCP-ECG code where one exists (adoptable into the reading by code), else our own. */
  code: z.string(),
  text: z.string(),
  category: z.enum(['quality', 'pacing', 'rhythm', 'ectopy', 'conduction', 'axis', 'voltage', 'repolarisation']),
  criterion: z.string(),
  source: z.string(),
  evidence: z.array(StatementEvidenceSchema),
  qualifier: z.string().optional(),
  /** The value that met the criterion is within the measurement tolerance of its limit (the text says "Borderline"). */
  borderline: z.literal(true).optional(),
  /** Its code's library wording is not what its text says: less ("Atrial fibrillation or flutter suspected" coded AFIB, "Ventricular premature or aberrantly conducted complex" coded PVC) or more ("Paced rhythm" coded PACE, "normal functioning artificial pacemaker"): adopted into a reading as its words. */
  partialCode: z.literal(true).optional(),
  /** Why a reader cannot confirm it on this tracing (complexes that may be ventricular paced, no spike visible): shown, not offered for adoption. */
  unconfirmable: z.string().optional(),
});
export type InterpretiveStatement = z.infer<typeof InterpretiveStatementSchema>;

export const MeasurementCaveatsSchema = z.object({
  intervalsWithheld: z.string().optional(),
  amplitudeImplausible: z.string().optional(),
  /** Every lead rescaled to one peak-to-peak range (core/signal/lead-normalisation.ts): voltage and ST are not interpretable; the axes only where the limb leads' proportions were restored. */
  amplitudeNormalised: z.string().optional(),
  qtcNotInterpretable: z.string().optional(),
  /** A QRS of 120 ms or more lengthens the QT: said beside a QTc flagged over its limit. */
  qtcWideQrs: z.string().optional(),
  stNotInterpretable: z.string().optional(),
  /** PR was measured beat by beat (the median beat showed no P wave): how, and whether it varies. */
  prFromBeats: z.string().optional(),
  /** Some QRS complexes were cut by the recorder (every lead held, then jumped: core/signal/held-samples.ts): how many, and whether the median beat left them out. */
  samplesHeld: z.string().optional(),
  /** Every lead the intervals were measured on is flagged by signal quality (core/signal/measure.ts): the interval statements are qualified by it. */
  intervalsFromFlaggedLeads: z.string().optional(),
  /**
   * Limb leads computed from I and II beside a file's voltage lead of a name none of the 12 ("III (renamed)"): which is which (core/formats/leads.ts leadsCaveat), as `ecg measure` says it;
   * or none of the leads measured is one of the 12 ("ECG 1" … "ECG 4", core/signal/measure.ts): the interval statements are qualified by it.
   */
  leadsUnrecognised: z.string().optional(),
  /** Leads missing for stretches of their own at most beats (a lead-off electrode): left out of the median beat and its measures (core/signal/measure.ts). */
  leadsLeftOut: z.string().optional(),
});

/**
 * The PR measured beat by beat (core/signal/beat-pr.ts), given when the median beat showed no
 * P wave: the record's PR is their median, and a PR that varies from beat to beat is a finding.
 */
export const BeatPrSchema = z.object({
  medianMs: z.number(),
  minMs: z.number(),
  maxMs: z.number(),
  /** Beats whose own P wave gave a PR, of those examined. */
  measured: z.number().int().nonnegative(),
  of: z.number().int().nonnegative(),
  /** Each examined beat's PR in beat order, null where it had no P wave of the record's shape. */
  perBeatMs: z.array(z.number().nullable()),
  /** The span exceeds measurement noise (core/signal/beat-pr.ts `variableRangeMs`). */
  varies: z.boolean(),
});
export type BeatPrView = z.infer<typeof BeatPrSchema>;

export const PacingSummarySchema = z.object({
  assessed: z.boolean(),
  paced: z.boolean(),
  spikes: z.number().int().nonnegative(),
  pacedBeatFraction: z.number(),
  reason: z.string(),
});

/** Ours against the device's, field by field; `beyondTolerance` when the difference, in the whole units shown, exceeds `tolerance` (ms, degrees or bpm). */
export const DeviceComparisonSchema = DeviceMeasurementsSchema.extend({
  rows: z.array(
    z.object({
      field: z.enum(['heartRateBpm', 'prMs', 'qrsMs', 'qtMs', 'qtcMs', 'pAxisDeg', 'qrsAxisDeg', 'tAxisDeg', 'rrMs', 'atrialRateBpm', 'pDurationMs', 'prSegmentMs', 'qtDispersionMs']),
      label: z.string(),
      unit: z.string(),
      ours: z.number().nullable(),
      device: z.number().nullable(),
      difference: z.number().nullable(),
      tolerance: z.number(),
      beyondTolerance: z.boolean(),
      /** The QTc row: the formula our figure is under (the one the file names, or else ours nearest the device's). */
      oursFormula: z.enum(['bazett', 'fridericia', 'framingham', 'hodges']).optional(),
      /** The QTc row: how the device's QTc was compared, in words (which formula, and which of ours it agrees with when the file names none). */
      note: z.string().optional(),
    }),
  ),
});
export type DeviceComparison = z.infer<typeof DeviceComparisonSchema>;

/** A boundary's time from the median beat's R fiducial (ms; negative before R). A median beat never spans more than a few seconds. */
const msFromR = z.number().finite().min(-3000).max(3000);

/**
 * A reader's wave boundaries on the median beat (core/signal/boundary-correction.ts): each given
 * boundary replaces the program's, the others stand; `pAbsent` says the reader sees no P wave.
 * `{}` is "the program's boundaries" (a correction taken back).
 */
export const BoundaryCorrectionSchema = z
  .object({
    pOnset: msFromR.optional(),
    pOffset: msFromR.optional(),
    qrsOnset: msFromR.optional(),
    qrsOffset: msFromR.optional(),
    tEnd: msFromR.optional(),
    pAbsent: z.literal(true).optional(),
  })
  .strict();
export type BoundaryCorrectionInput = z.infer<typeof BoundaryCorrectionSchema>;

export const correctionLimits = { reader: 120, note: 2000, beatEdits: 2000 } as const;

const sampleAt = z.number().int().nonnegative();

/**
 * How near a beat edit must be to a beat to name it, shared by the engine that applies edits
 * (core/signal/beat-edits.ts) and the viewer that draws them: a removal names the beat within
 * 75 ms (the ±75 ms window of ANSI/AAMI EC57, which a click on a marker is well within); an
 * addition within 150 ms of a beat is that beat, not another (QRS detection's own refractory
 * period is 250 ms).
 */
export const beatEditWindowsS = { removal: 0.075, sameBeat: 0.15 } as const;

/**
 * A reader's corrections of the detected beats (core/signal/beat-edits.ts): sample indices at the
 * record's rate of beats to add (placed on the QRS nearest) and of detected beats to remove.
 */
export const BeatEditsSchema = z
  .object({
    added: z.array(sampleAt).max(correctionLimits.beatEdits).default([]),
    removed: z.array(sampleAt).max(correctionLimits.beatEdits).default([]),
  })
  .strict();
export type BeatEditsInput = z.infer<typeof BeatEditsSchema>;

/** A stored correction, as the database keeps it (core/db/fiducial-corrections.ts). */
export const StoredCorrectionSchema = z.object({
  id: z.number().int().positive(),
  recordId: z.number().int().positive(),
  boundaries: BoundaryCorrectionSchema,
  beats: BeatEditsSchema,
  reader: z.string(),
  note: z.string(),
  supersedes: z.number().int().positive().nullable(),
  correctedAt: z.string(),
});
export type StoredCorrection = z.infer<typeof StoredCorrectionSchema>;

const boundaryIndex = z.number().int().nonnegative().nullable();

/**
 * The record's current correction beside what it changed: when `applied`, the measurements and
 * statements come from the reader's beats and boundaries; `notApplied` says why a part was not
 * (a correction taken back is `{}` with no beat edits, and not applied).
 */
export const CorrectionViewSchema = StoredCorrectionSchema.extend({
  applied: z.boolean(),
  notApplied: z.string().optional(),
  /**
   * The program's own figures, without any of the reader's corrections: every figure a corrected
   * boundary or beat can move, so each shown figure can say what the program had measured.
   */
  program: z.object({
    heartRateBpm: z.number().nullable(),
    prMs: z.number().nullable(),
    qrsMs: z.number().nullable(),
    qtMs: z.number().nullable(),
    qtcMs: z.object({ bazett: z.number().nullable(), fridericia: z.number().nullable(), framingham: z.number().nullable(), hodges: z.number().nullable() }),
    axisDeg: z.object({ p: z.number().nullable(), qrs: z.number().nullable(), t: z.number().nullable() }),
  }),
  /** The program's boundaries on the median beat shown (indices, like MedianBeatView's): what a moved boundary is compared with. Null without a median beat. */
  automaticFiducials: z.object({ pOnset: boundaryIndex, pOffset: boundaryIndex, qrsOnset: boundaryIndex, qrsOffset: boundaryIndex, tEnd: boundaryIndex }).nullable(),
  /** How the beat edits applied: beats added and removed, and edits that named no beat. */
  beatEdits: z.object({ added: z.number().int().nonnegative(), removed: z.number().int().nonnegative(), unmatched: z.number().int().nonnegative() }),
});
export type CorrectionView = z.infer<typeof CorrectionViewSchema>;
