import { z } from 'zod';
import { errorCodes } from '../errors';
import { SiteAccessInfoSchema } from './access-schemas';

/** Shapes shared by several channels. Typed arrays travel as such over IPC and as base64 on the HTTP bridge. */
export const ErrorInfoSchema = z.object({ code: z.enum(errorCodes), message: z.string() });

export const RecordId = z.number().int().positive();

/** Records a dataset step left out, counted, with the first few named and why (never silently). */
export const LeftOutRecordsSchema = z.object({ count: z.number().int().nonnegative(), examples: z.array(z.object({ id: z.string(), reason: z.string() })) });
export type LeftOutRecords = z.infer<typeof LeftOutRecordsSchema>;

export const PatientSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  sex: z.enum(['M', 'F', 'U']).optional(),
  ageYears: z.number().optional(),
  birthDate: z.string().optional(),
});

/** `units`: present only on a channel that is not an ECG voltage (mmHg, NU…): the viewer draws it apart, in these units. */
export const LeadInfoSchema = z.object({ name: z.string(), derived: z.boolean(), units: z.string().optional() });

/** Under a "flagged by" filter, the model and the operating point that flagged the record (RecordSummary.flaggedBy). */
const flaggedOperatingPoint = {
  modelName: z.string(),
  className: z.string(),
  threshold: z.number(),
  method: z.string(),
  target: z.number().optional(),
};

export const RecordSummarySchema = z.object({
  id: RecordId,
  contentHash: z.string(),
  sourcePath: z.string(),
  format: z.string(),
  fs: z.number().positive(),
  nSamples: z.number().int().nonnegative(),
  leads: z.array(LeadInfoSchema),
  patient: PatientSchema,
  recordedAt: z.string().nullable(),
  importedAt: z.string(),
  /** The current (latest) reading, or null while the record is unconfirmed. */
  confirmed: z.object({ reader: z.string(), at: z.string() }).nullable(),
  /**
   * The reader's correction of beats or wave boundaries that the measurements use (who, when), or
   * null: none, or taken back. The list shows it, so a corrected PR is never mistaken for the program's.
   */
  corrected: z.object({ reader: z.string(), at: z.string() }).nullable(),
  /** How many notes the tracing carries (those taken back not counted). */
  notes: z.number().int().nonnegative(),
  /**
   * One of the bundled PTB-XL samples a first start imports (core/db/demonstration-records.ts): a
   * public record, not a patient here. The worklist marks it, as ecg list does.
   */
  demonstration: z.boolean(),
  /**
   * Listed under a "flagged by" filter: the class's probability in that model's newest prediction, with the model and
   * the operating point that flagged it (or, under the uncertainty sort, that it sits above or below), so a ranked list
   * says what it ranks by. Absent where that model has no usable prediction on the record.
   * `outsideIntendedUse`: why the probability is not shown (the record's current PE score entry gives an age outside
   * the PE model's intended use; PeDesk.listedAsShown, the PE panel's decision), and `probability` is then null: the
   * engine never sends the number, so no screen or export (ecg list --json) can show it by mistake. Never stored.
   */
  flaggedBy: z
    .union([
      z.object({ ...flaggedOperatingPoint, probability: z.number(), outsideIntendedUse: z.undefined().optional() }),
      z.object({ ...flaggedOperatingPoint, probability: z.null(), outsideIntendedUse: z.string() }),
    ])
    .optional(),
});
export type RecordSummary = z.infer<typeof RecordSummarySchema>;

/** The recording device's own global measurements, as the file stated them. */
export const DeviceMeasurementsSchema = z.object({
  source: z.string(),
  values: z.object({
    heartRateBpm: z.number().optional(),
    prMs: z.number().optional(),
    qrsMs: z.number().optional(),
    qtMs: z.number().optional(),
    qtcMs: z.number().optional(),
    pAxisDeg: z.number().optional(),
    qrsAxisDeg: z.number().optional(),
    tAxisDeg: z.number().optional(),
    rrMs: z.number().optional(),
    atrialRateBpm: z.number().optional(),
    pDurationMs: z.number().optional(),
    prSegmentMs: z.number().optional(),
    qtDispersionMs: z.number().optional(),
  }),
  /** The formula of values.qtcMs, only where the file names it. */
  qtcFormula: z.enum(['bazett', 'fridericia', 'framingham', 'hodges']).optional(),
  /** Further QTcs, each under a formula the file names, with the file's name for it. */
  otherQtcs: z.array(z.object({ ms: z.number(), formula: z.enum(['bazett', 'fridericia', 'framingham', 'hodges']), name: z.string() })).optional(),
});

export const RecordDetailSchema = RecordSummarySchema.extend({
  signals: z.array(z.instanceof(Float32Array)),
  statements: z.array(z.string()),
  warnings: z.array(z.string()),
  missingLeads: z.array(z.string()),
  deviceMeasurements: DeviceMeasurementsSchema.optional(),
});
export type RecordDetail = z.infer<typeof RecordDetailSchema>;

/** Limits on what one import request may carry; the HTTP bridge enforces the byte total too. */
export const importLimits = { maxFiles: 5000, maxFileBytes: 256 * 1024 * 1024, maxNameLength: 1024 } as const;

export const ImportFileSchema = z.object({
  name: z.string().min(1).max(importLimits.maxNameLength),
  bytes: z.instanceof(Uint8Array).refine((b) => b.byteLength <= importLimits.maxFileBytes, 'file too large'),
});

/** What a CSV cannot tell by itself (sampling rate, units, lead order): the import asks, then retries with these. */
export const CsvOptionsSchema = z
  .object({
    fs: z.number().positive().max(1_000_000).optional(),
    units: z.union([z.enum(['mV', 'uV']), z.number().positive().max(1_000_000)]).optional(),
    leads: z.array(z.string().min(1).max(64)).min(1).max(256).optional(),
  })
  .strict();

export const ImportFileReportSchema = z.object({
  files: z.array(z.string()),
  /** skipped: not an ECG record (annotations, notes, licences); rejected: an ECG file that could not be read. */
  status: z.enum(['imported', 'duplicate', 'skipped', 'rejected']),
  /** imported: the new record; duplicate: the record already stored with the same content. */
  recordId: RecordId.optional(),
  /** Why, in the user's terms. */
  reason: z.string().optional(),
  /** The internal detail behind `reason` (library message, offsets), shown only on request. */
  details: z.string().max(2000).optional(),
  /** A CSV rejected only for want of fs/units/lead names: what to ask (the UI asks and retries). */
  csvQuestion: z
    .object({ needs: z.array(z.enum(['fs', 'units', 'leads'])), columns: z.number().int().nonnegative(), header: z.array(z.string()).optional() })
    .optional(),
});
export type ImportFileReport = z.infer<typeof ImportFileReportSchema>;

export const ImportReportSchema = z.object({ reports: z.array(ImportFileReportSchema) });
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const JobId = z.string().min(1).max(64);
/** The engine's record jobs (jobs:progress, jobs:finished): an import, and a dataset written from the signed readings. */
export const JobKind = z.enum(['import', 'readings-dataset']);

export const AppInfoSchema = z.object({
  name: z.literal('Einthoven'),
  version: z.string(),
  shell: z.enum(['electron', 'browser', 'cli', 'test']),
  dataDir: z.string(),
  researchUseOnly: z.literal(true),
  recordCount: z.number().int().nonnegative(),
  /** What this account may do here (local roles from the site policy). */
  access: SiteAccessInfoSchema,
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** The compute backend the engine chose at start and every backend it tried (core/ml/backend/init.ts). */
export const BackendNameSchema = z.enum(['tensorflow', 'webgpu', 'wasm', 'cpu']);
/** A GPU adapter Dawn offered (core/ml/backend/webgpu-adapter.ts). */
export const GpuAdapterSchema = z.object({
  description: z.string(),
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  dawnBackend: z.enum(['vulkan', 'd3d12', 'metal', 'opengles']),
  featureLevel: z.enum(['core', 'compatibility']),
  hardware: z.boolean(),
  softwareReason: z.string().optional(),
  limits: z.object({
    maxBufferSize: z.number(),
    maxStorageBufferBindingSize: z.number(),
    maxComputeWorkgroupStorageSize: z.number(),
    maxComputeInvocationsPerWorkgroup: z.number(),
    maxComputeWorkgroupsPerDimension: z.number(),
  }),
});
export type GpuAdapterInfo = z.infer<typeof GpuAdapterSchema>;
export const BackendReportSchema = z.object({
  active: BackendNameSchema,
  tfBackend: z.string(),
  forced: z.object({ name: BackendNameSchema, by: z.enum(['option', 'setting']) }).optional(),
  tried: z.array(
    z.object({
      name: BackendNameSchema,
      ok: z.boolean(),
      detail: z.string().optional(),
      error: z.string().optional(),
      adapter: GpuAdapterSchema.optional(),
    }),
  ),
  notTried: z.array(z.object({ name: BackendNameSchema, reason: z.string() })).default([]),
  adapter: GpuAdapterSchema.optional(),
});
export type BackendReportInfo = z.infer<typeof BackendReportSchema>;
