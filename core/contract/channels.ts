import { z } from 'zod';
import {
  AppInfoSchema,
  BackendReportSchema,
  CsvOptionsSchema,
  ErrorInfoSchema,
  ImportFileReportSchema,
  ImportFileSchema,
  ImportReportSchema,
  JobId,
  JobKind,
  RecordDetailSchema,
  RecordId,
  RecordSummarySchema,
  importLimits,
} from './schemas';
import { auditChannels } from './audit-schemas';
import { backupChannels } from './backup-schemas';
import { clinicChannels, ReadingsDatasetSchema } from './clinic-schemas';
import { engineEvents } from './engine-events';
import { folderChannels } from './folder-schemas';
import { noteChannels } from './note-schemas';
import { overreadChannels } from './overread-schemas';
import { peChannels } from './pe-schemas';
import { trainingChannels, trainingEvents } from './training-schemas';
import { viewerChannels } from './viewer-schemas';
import { recordsPage, refuseInvertedRanges, worklistChannels, worklistFilterShape, worklistEvents, worklistOrderShape } from './worklist-schemas';

/**
 * The one contract between renderer, main and engine. Every request/response pair is a
 * channel named `domain:verb`; every push from the engine is an event. The preload bridge,
 * the browser-mode bridge, main's validation and the engine's dispatcher are all derived
 * from these two objects — add a channel here and each side must handle it (tsc says where).
 */
/** A record job still running, with its latest progress (0 of 0 until it reports). */
export const ActiveRecordJobSchema = z.object({ jobId: JobId, kind: JobKind, done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type ActiveRecordJob = z.infer<typeof ActiveRecordJobSchema>;

export const channels = {
  'app:info': {
    request: z.object({}).strict(),
    response: AppInfoSchema,
  },
  'records:list': {
    // Filters and order: core/contract/worklist-schemas.ts (records:ids takes the same filter).
    request: z
      .object({
        ...worklistFilterShape,
        ...worklistOrderShape,
        limit: z.number().int().min(1).max(recordsPage.max).default(recordsPage.default),
        offset: z.number().int().min(0).default(0),
      })
      .strict()
      .superRefine(refuseInvertedRanges),
    response: z.object({ total: z.number().int().nonnegative(), items: z.array(RecordSummarySchema) }),
  },
  // records:ids (the whole filtered set, for batches), records:facets (readers, models): core/contract/worklist-schemas.ts
  ...worklistChannels,
  'records:get': {
    request: z.object({ id: RecordId }).strict(),
    response: RecordDetailSchema,
  },
  'records:import': {
    request: z.object({ files: z.array(ImportFileSchema).min(1).max(importLimits.maxFiles), csv: CsvOptionsSchema.optional() }).strict(),
    response: z.object({ jobId: JobId }),
  },
  'jobs:cancel': {
    request: z.object({ jobId: JobId }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  // Running record jobs (imports, datasets from the signed readings) and how far each is: a reloaded window follows them again.
  'jobs:active': {
    request: z.object({}).strict(),
    response: z.object({ jobs: z.array(ActiveRecordJobSchema) }),
  },
  // The compute backend chosen at engine start (tensorflow → wasm → cpu) and what was tried.
  'ml:backend': {
    request: z.object({}).strict(),
    response: BackendReportSchema,
  },
  // models:list/predict/evaluate, train:start/finetune/hpo (core/contract/training-schemas.ts)
  ...trainingChannels,
  // records:filter (display filters), records:measure (measurements + signal quality): core/contract/viewer-schemas.ts
  ...viewerChannels,
  // predictions:list (stored history), models:get (one model's provenance), datasets:inspect: core/contract/clinic-schemas.ts
  ...clinicChannels,
  // statements:library, overreads:list, overreads:confirm (the cardiologist's reading): core/contract/overread-schemas.ts
  ...overreadChannels,
  // notes:list, notes:add, notes:retract (a reader's notes on the tracing): core/contract/note-schemas.ts
  ...noteChannels,
  // pe:preview, pe:list, pe:assess (clinical pre-test scores for PE): core/contract/pe-schemas.ts
  ...peChannels,
  // audit:head, audit:export-anchor (the trail's head, anchored outside the database): core/contract/audit-schemas.ts
  ...auditChannels,
  // data:backup (the data folder copied into an allowed folder, checked, audited): core/contract/backup-schemas.ts
  ...backupChannels,
  // folders:list, folders:allow, folders:forget (where datasets may be read from): core/contract/folder-schemas.ts
  ...folderChannels,
} as const;

export const JobProgressSchema = z.object({
  jobId: JobId,
  kind: JobKind,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string().optional(),
  /** Import: the outcome of each file as soon as it is known, so the report grows from the first file. */
  file: ImportFileReportSchema.optional(),
});

/**
 * How a record job ended, by status and then by kind: each kind's result is its own report. A
 * cancelled import keeps the records stored before the cancel (its partial report); a cancelled
 * dataset from the readings keeps nothing (its folder is removed), so it has no result to carry.
 */
export const JobFinishedSchema = z.discriminatedUnion('status', [
  z.discriminatedUnion('kind', [
    z.object({ jobId: JobId, kind: z.literal('import'), status: z.literal('succeeded'), result: ImportReportSchema }),
    z.object({ jobId: JobId, kind: z.literal('readings-dataset'), status: z.literal('succeeded'), result: ReadingsDatasetSchema }),
  ]),
  z.discriminatedUnion('kind', [
    z.object({ jobId: JobId, kind: z.literal('import'), status: z.literal('cancelled'), result: ImportReportSchema.optional() }),
    z.object({ jobId: JobId, kind: z.literal('readings-dataset'), status: z.literal('cancelled') }).strict(),
  ]),
  z.object({ jobId: JobId, kind: JobKind, status: z.literal('failed'), error: ErrorInfoSchema }),
]);

export const events = {
  'jobs:progress': JobProgressSchema,
  'jobs:finished': JobFinishedSchema,
  // train:progress, train:finished
  ...trainingEvents,
  // engine:restarted, engine:stopped (sent by the shell, not the engine)
  ...engineEvents,
  // records:changed
  ...worklistEvents,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type EventName = keyof typeof events;
export type RequestOf<K extends ChannelName> = z.input<Channels[K]['request']>;
export type ParsedRequestOf<K extends ChannelName> = z.output<Channels[K]['request']>;
export type ResponseOf<K extends ChannelName> = z.output<Channels[K]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;
export type JobProgress = EventOf<'jobs:progress'>;
export type JobFinished = EventOf<'jobs:finished'>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
