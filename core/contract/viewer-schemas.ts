import { z } from 'zod';
import { RecordId } from './schemas';
import { BeatEditsSchema, BeatPrSchema, BoundaryCorrectionSchema, correctionLimits, CorrectionViewSchema, DeviceComparisonSchema, InterpretiveStatementSchema, MeasurementCaveatsSchema, PacingSummarySchema } from './measurement-schemas';

/**
 * Shapes of the clinical viewer's channels: display filters applied by the engine (the stored
 * record is never altered) and the record's measurements with signal quality. The viewer may
 * import only core/contract, so every figure it shows comes through these channels.
 */

/** How many of each kind of stored entry went with a removed record: readings count every signed version, notes those put on the tracing. */
export const RemovedWithRecordSchema = z.object({
  predictions: z.number().int().nonnegative(),
  readings: z.number().int().nonnegative(),
  notes: z.number().int().nonnegative(),
  corrections: z.number().int().nonnegative(),
  peAssessments: z.number().int().nonnegative(),
});
export type RemovedWithRecord = z.infer<typeof RemovedWithRecordSchema>;

/** What records:remove did, and what it cannot reach (said to whoever removed it). */
export const RecordRemovedSchema = z.object({
  id: RecordId,
  contentHash: z.string(),
  removed: RemovedWithRecordSchema,
  /** Copies outside the database that still hold the record: earlier backups, exported files. */
  remainsIn: z.array(z.string()),
});
export type RecordRemoved = z.infer<typeof RecordRemovedSchema>;
/**
 * How `removed` counts: readings, corrections and PE assessments are never edited in place, so an
 * amendment is another signed row and each one went. Said wherever the counts are shown.
 */
/** Why a record is removed (kept in the audit trail): long enough to say something, short enough for one entry; the CLI checks it first. */
export const removalReason = { minLength: 3, maxLength: 500 } as const;

export const removedCountsVersions = 'an amended reading, correction or PE assessment counts once per signed version';

/**
 * Display filters a cardiograph offers: 0.05 Hz high-pass keeps the diagnostic band (AHA 1990,
 * AHA/ACC/HRS 2007); 0.5 Hz removes more wander but distorts ST; 40 Hz low-pass is the common
 * "monitor" filter; 150 Hz is the diagnostic upper limit; a notch removes 50 or 60 Hz mains.
 * `null` means off.
 */
export const DisplayFilterSchema = z
  .object({
    highpassHz: z.union([z.literal(0.05), z.literal(0.5)]).nullable(),
    lowpassHz: z.union([z.literal(40), z.literal(150)]).nullable(),
    notchHz: z.union([z.literal(50), z.literal(60)]).nullable(),
  })
  .strict();
export type DisplayFilter = z.infer<typeof DisplayFilterSchema>;

export const FilteredSignalsSchema = z.object({
  recordId: RecordId,
  fs: z.number().positive(),
  /** What was actually applied: a requested filter the sampling rate cannot carry is null here, and `notes` say why. */
  applied: DisplayFilterSchema,
  notes: z.array(z.string()),
  /** One array per lead, in the record's lead order, mV; missing samples stay NaN. */
  signals: z.array(z.instanceof(Float32Array)),
});
export type FilteredSignals = z.infer<typeof FilteredSignalsSchema>;

const measured = z.number().nullable();

export const QtcValueSchema = z.object({
  /** Stable id (bazett, fridericia, framingham, hodges). */
  formula: z.string(),
  /** The formula as printed next to its value, e.g. "Bazett: QT / √RR". */
  text: z.string(),
  ms: measured,
});

export const LeadQualityReportSchema = z.object({
  lead: z.string(),
  ok: z.boolean(),
  /** Issue ids (missing, flat, clipped, baselineWander, highFrequencyNoise, mainsInterference). */
  issues: z.array(z.string()),
  /** The same issues in words, for badges and tooltips (with `leftOut` last where it is set). */
  descriptions: z.array(z.string()),
  /**
   * Why the lead was left out of the median beat and its measures (missing for stretches of its
   * own at most beats, core/signal/measure.ts `leadsLeftOut`); `ok` is then false. Absent otherwise,
   * and in measurements made before it was said.
   */
  leftOut: z.string().optional(),
});
export type LeadQualityReport = z.infer<typeof LeadQualityReportSchema>;

const sampleIndex = z.number().int().nonnegative().nullable();

/**
 * The representative (median) beat the intervals were measured on: one array per usable lead
 * (cleaned 0.5–40 Hz, mV), the R fiducial at index `pre`, and the wave boundaries found on it
 * (indices into the arrays; null where a boundary was not found). Lets a reader check each
 * interval against the waveform it came from.
 */
export const MedianBeatSchema = z.object({
  leads: z.array(z.string()),
  samples: z.array(z.instanceof(Float32Array)),
  pre: z.number().int().nonnegative(),
  beatsUsed: z.number().int().nonnegative(),
  /** Typical beats not averaged because they were paced (intermittent pacing: the median beat is of the unpaced ones); optional so measurements made before it still parse. */
  pacedBeatsLeftOut: z.number().int().nonnegative().optional(),
  /** Complexes not averaged because the recorder had cut them (every lead held, then jumped: core/signal/held-samples.ts); optional like the above. */
  heldBeatsLeftOut: z.number().int().nonnegative().optional(),
  fiducials: z.object({ pOnset: sampleIndex, pOffset: sampleIndex, qrsOnset: sampleIndex, qrsOffset: sampleIndex, tEnd: sampleIndex }),
});
export type MedianBeatView = z.infer<typeof MedianBeatSchema>;

export const RecordMeasurementsSchema = z.object({
  recordId: RecordId,
  fs: z.number().positive(),
  heartRateBpm: measured,
  rrMs: z.object({ mean: measured, sd: measured }),
  /** From the median beat, or the median of the beats' own PR when `prBeats` is set. */
  prMs: measured,
  /** Set when PR was measured beat by beat; optional so measurements made before it still parse. */
  prBeats: BeatPrSchema.nullable().optional(),
  qrsMs: measured,
  qtMs: measured,
  qtc: z.array(QtcValueSchema),
  axisDeg: z.object({ p: measured, qrs: measured, t: measured }),
  /** QRS positions, sample indices at `fs`. */
  beats: z.array(z.number().int().nonnegative()),
  /** Null when no median beat could be formed (the reasons say why the intervals are missing). */
  medianBeat: MedianBeatSchema.nullable(),
  /** Why a value is null, keyed like the field ('prMs', 'axisDeg.p', 'qtcMs.bazett', …). */
  reasons: z.record(z.string(), z.string()),
  quality: z.object({
    verdict: z.enum(['good', 'degraded', 'unusable']),
    reasons: z.array(z.string()),
    leads: z.array(LeadQualityReportSchema),
    /**
     * Unusable only because too many of the 12 leads are missing or flat: a 12-lead model
     * abstains, while the intervals are measured on the leads present (a two-lead Holter strip).
     * Absent in measurements made before it was said.
     */
    leadsMissingOnly: z.boolean().optional(),
  }),
  pacing: PacingSummarySchema,
  caveats: MeasurementCaveatsSchema,
  /** Rule-based interpretive statements; empty when the intervals are withheld. */
  statements: z.array(InterpretiveStatementSchema),
  /** The recording device's own measurements beside ours, when the file stored them. */
  device: DeviceComparisonSchema.nullable(),
  /** The reader's current boundary correction, null when none was ever made; optional so measurements made before it still parse. */
  correction: CorrectionViewSchema.nullable().optional(),
});
export type RecordMeasurements = z.infer<typeof RecordMeasurementsSchema>;

export const viewerChannels = {
  'records:filter': {
    request: z.object({ id: RecordId, filter: DisplayFilterSchema }).strict(),
    response: FilteredSignalsSchema,
  },
  'records:measure': {
    request: z.object({ id: RecordId }).strict(),
    response: RecordMeasurementsSchema,
  },
  // A reader's wave boundaries on the median beat and added or removed beats, in place of the
  // program's (`boundaries: {}` and no beat edits take them back): stored as a new immutable row
  // and audited; answers the measurements made from them.
  'records:correct-fiducials': {
    request: z
      .object({
        id: RecordId,
        boundaries: BoundaryCorrectionSchema,
        beats: BeatEditsSchema.default({ added: [], removed: [] }),
        reader: z.string().trim().min(1, 'the reader must be named').max(correctionLimits.reader),
        note: z.string().max(correctionLimits.note).default(''),
        /** The correction on screen when the reader began: must still be the record's current one (a stale edit is refused). */
        supersedes: z.number().int().positive().optional(),
      })
      .strict(),
    response: RecordMeasurementsSchema,
  },
  // Screen calibration: how much larger than CSS millimetres paper must be drawn for 1 mm on
  // this monitor to be 1 mm (1 = uncalibrated). Kept in the database, so it holds across runs.
  'display:get': {
    request: z.object({}).strict(),
    response: z.object({ screenScale: z.number().positive() }),
  },
  'display:calibrate': {
    request: z.object({ screenScale: z.number().min(0.5).max(2) }).strict(),
    response: z.object({ screenScale: z.number().positive() }),
  },
  /**
   * Removes a record and everything stored with it (its signals, predictions, readings, notes,
   * corrections, PE assessments) from the database, e.g. a tracing filed under the wrong patient,
   * or a patient's erasure request. Needs the admin role and a reason; audited without patient data.
   * `contentHash` must be the record's (as records:get gave it): a stale screen cannot remove another record.
   */
  'records:remove': {
    request: z.object({ id: RecordId, contentHash: z.string().regex(/^[0-9a-f]{64}$/), reason: z.string().trim().min(removalReason.minLength).max(removalReason.maxLength) }).strict(),
    response: RecordRemovedSchema,
  },
  // Writes the record as WFDB format 16 or CSV into the data folder's exports/, de-identified on request; audited.
  'records:export': {
    request: z.object({ id: RecordId, format: z.enum(['wfdb', 'csv']), deidentify: z.boolean() }).strict(),
    response: z.object({ files: z.array(z.string()), warnings: z.array(z.string()) }),
  },
  // A tracing is being printed (or saved as PDF): patient data leaving the screen is audited with the settings used.
  'records:printed': {
    request: z
      .object({
        id: RecordId,
        layout: z.string().min(1).max(20),
        speedMmS: z.number().positive().max(1000),
        gainMmMv: z.number().positive().max(1000),
        filter: z.string().max(200),
      })
      .strict(),
    response: z.object({ audited: z.literal(true) }),
  },
} as const;
