import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  channels,
  isChannelName,
  type ChannelName,
  type EventName,
  type EventOf,
  type ParsedRequestOf,
  type ResponseOf,
} from '../contract/channels';
import { fail, ok, parseRequest, type Result } from '../contract/result';
import type { AppInfo, RecordDetail } from '../contract/schemas';
import { AppState } from '../db/app-state';
import { AuditLog } from '../db/audit';
import { openDatabase, type Db } from '../db/database';
import { RecordStore } from '../db/records';
import { worklistFacets } from '../db/worklist';
import { EinthovenError, toErrorInfo } from '../errors';
import { databasePath } from './data-dir';
import { applyDisplayFilter } from './display-filter';
import { inspectDataset } from './dataset-inspection';
import { importFiles } from './import';
import { JobRunner } from './jobs';
import { modelDetail } from './model-detail';
import { ModelDefaults } from './model-defaults';
import { OverreadDesk } from './overread-desk';
import { exportRecord } from './record-export';
import { PredictionLedger } from './prediction-ledger';
import { TrainingService } from '../train/service/index';
import { ensureBackend } from '../train/setup';
import { readSourceFiles } from './read-sources';
import { MeasurementCache } from './record-measurements';
import { TrainingAudit } from './training-audit';
import { engineVersion } from './version';

export interface EngineOptions {
  readonly dataDir: string;
  /** Folder with bundled samples/ and models/; omitted in tests that want an empty start. */
  readonly resourcesDir?: string | undefined;
  readonly shell: AppInfo['shell'];
}

export type EngineEventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

type Handlers = {
  [K in ChannelName]: (request: ParsedRequestOf<K>) => Promise<ResponseOf<K>> | ResponseOf<K>;
};

/** app_state key of the screen calibration factor (see display:calibrate). */
const screenScaleKey = 'display.screenScale';

/**
 * The engine: owns the database and the jobs, answers contract requests. The same object
 * serves the Electron utilityProcess, the browser-mode child process, the CLI and tests.
 */
export class Engine {
  readonly db: Db;
  readonly records: RecordStore;
  readonly audit: AuditLog;
  readonly jobs: JobRunner;
  /** Models, predictions and training jobs (core/train). */
  readonly training: TrainingService;
  /** Stored predictions and the model registry (SQLite). */
  readonly ledger: PredictionLedger;
  /** Cardiologists' readings (confirm / amend) of records. */
  readonly overreads: OverreadDesk;
  readonly #trainingAudit: TrainingAudit;
  readonly #modelDefaults: ModelDefaults;
  readonly #state: AppState;
  readonly #options: EngineOptions;
  readonly #listeners = new Set<EngineEventListener>();
  readonly #handlers: Handlers;
  /** Measurements of recently viewed records (records never change once stored). */
  readonly #measurements = new MeasurementCache();

  constructor(options: EngineOptions) {
    this.#options = options;
    this.db = openDatabase(databasePath(options.dataDir)).db;
    this.records = new RecordStore(this.db);
    this.audit = new AuditLog(this.db);
    this.#state = new AppState(this.db);
    this.jobs = new JobRunner({
      progress: (event) => this.#emit('jobs:progress', event),
      finished: (event) => this.#emit('jobs:finished', event),
    });
    this.training = new TrainingService({
      dataDir: options.dataDir,
      resourcesDir: options.resourcesDir,
      progress: (event) => this.#emit('train:progress', event),
      // Audited (and its model registered) before the UI hears of it, so a refreshed list is complete.
      finished: (event) => void this.#trainingAudit.finished(event).then(() => this.#emit('train:finished', event)),
    });
    this.ledger = new PredictionLedger(this.db, this.audit, this.training.models);
    this.overreads = new OverreadDesk({ db: this.db, audit: this.audit, records: this.records, predictions: this.ledger.predictions, state: this.#state });
    this.#trainingAudit = new TrainingAudit(this.audit, this.ledger);
    this.#modelDefaults = new ModelDefaults(this.#state, this.audit);
    this.#handlers = this.#createHandlers();
  }

  onEvent(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates and answers one request. Never throws: failures come back as {ok:false}. */
  async handle(channel: unknown, payload: unknown): Promise<Result<unknown>> {
    if (!isChannelName(channel)) return fail('E_VALIDATION', `unknown channel ${JSON.stringify(channel)}`);
    return this.#dispatch(channel, payload);
  }

  /** Imports the bundled samples once per database, so a new user sees data on first start. */
  async seedSamplesOnce(): Promise<number> {
    const dir = this.#options.resourcesDir && path.join(this.#options.resourcesDir, 'samples');
    if (!dir || !existsSync(dir) || this.#state.get('samples.seeded')) return 0;
    const files = readSourceFiles([dir]).filter((f) => !/\.(md|txt)$/i.test(f.name));
    const named = files.map((f) => ({ ...f, name: `samples/${path.relative(dir, f.name).replaceAll('\\', '/')}` }));
    const report = await importFiles(this.records, this.audit, named, { actor: 'system' });
    this.#state.set('samples.seeded', new Date().toISOString());
    return report.reports.filter((r) => r.status === 'imported').length;
  }

  async close(): Promise<void> {
    this.jobs.cancelAll();
    this.training.cancelAll();
    await this.jobs.idle();
    await this.training.idle();
    await this.#trainingAudit.idle();
    this.training.dispose();
    this.db.close();
  }

  async #dispatch<K extends ChannelName>(channel: K, payload: unknown): Promise<Result<ResponseOf<K>>> {
    const request = parseRequest(channel, payload);
    if (!request.ok) return request;
    try {
      const handler = this.#handlers[channel] as (r: ParsedRequestOf<K>) => Promise<ResponseOf<K>> | ResponseOf<K>;
      const value = await handler(request.value);
      // Responses are checked too: a handler bug surfaces here, not as a confused UI.
      const checked = channels[channel].response.safeParse(value);
      if (!checked.success) return fail('E_INTERNAL', `engine produced an invalid ${channel} response`);
      return ok(value);
    } catch (error) {
      const info = toErrorInfo(error);
      return fail(info.code, info.message);
    }
  }

  #emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  #existingRecord(id: number): RecordDetail {
    const record = this.records.get(id);
    if (!record) throw new EinthovenError('E_NOT_FOUND', `record ${id} does not exist`);
    return record;
  }

  #createHandlers(): Handlers {
    return {
      'app:info': () => ({
        name: 'Einthoven',
        version: engineVersion,
        shell: this.#options.shell,
        dataDir: this.#options.dataDir,
        researchUseOnly: true,
        recordCount: this.records.count(),
      }),
      'records:list': (request) => this.records.list(request),
      'records:ids': (request) => ({ ids: this.records.ids(request) }),
      'records:facets': () => worklistFacets(this.db),
      'records:get': (request) => {
        const detail = this.records.get(request.id);
        if (!detail) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
        // Access to patient data is logged, as hospital audit rules expect of a clinical viewer.
        this.audit.append('user', 'record.viewed', `record:${detail.id}`, { shell: this.#options.shell });
        return detail;
      },
      'records:import': (request) => {
        const jobId = this.jobs.start('import', (context) =>
          importFiles(this.records, this.audit, request.files, {
            actor: 'user',
            ...(request.csv ? { csv: request.csv } : {}),
            signal: context.signal,
            onProgress: (done, total, message) => context.progress(done, total, message),
          }),
        );
        return { jobId };
      },
      'jobs:cancel': (request) => ({ cancelled: this.jobs.cancel(request.jobId) || this.training.cancel(request.jobId) }),
      // Started once per process (EINTHOVEN_BACKEND may force one); shared with training and prediction.
      'ml:backend': async () => await ensureBackend(),
      'models:list': async () => {
        const models = await this.training.listModels();
        return { models, ...this.#modelDefaults.current(models.map((m) => m.id)) };
      },
      'models:promote': async (request) => this.#modelDefaults.promote((await this.training.models.find(request.modelId)).manifest.id),
      'models:predict': async (request) => {
        const record = this.records.get(request.recordId);
        if (!record) throw new EinthovenError('E_NOT_FOUND', `record ${request.recordId} does not exist`);
        const leads = record.leads.map((lead, i) => ({ name: lead.name, samples: record.signals[i] ?? new Float32Array(record.nSamples) }));
        const prediction = { recordId: record.id, ...(await this.training.predict(request.modelId, { fs: record.fs, leads })) };
        // Stored (with the exact weights' hash) and audited before the user sees it.
        await this.ledger.record(prediction, 'user');
        return prediction;
      },
      'models:evaluate': async (request) => this.#trainingAudit.started('evaluate', await this.training.startEvaluate(request), request),
      'train:start': (request) => this.#trainingAudit.started('train', this.training.startTrain(request), request),
      'train:finetune': async (request) => this.#trainingAudit.started('finetune', await this.training.startFinetune(request), request),
      'train:hpo': (request) => this.#trainingAudit.started('hpo', this.training.startHpo(request), request),
      'train:active': () => ({ jobs: this.training.activeJobs() }),
      'predictions:list': (request) => {
        this.#existingRecord(request.recordId);
        return { items: this.ledger.history(request.recordId, request.limit) };
      },
      'models:get': async (request) => modelDetail(await this.training.models.find(request.modelId)),
      'datasets:inspect': (request) => inspectDataset(request.dataset),
      'records:filter': (request) => {
        const record = this.#existingRecord(request.id);
        return { recordId: record.id, fs: record.fs, ...applyDisplayFilter(record.signals, record.fs, request.filter) };
      },
      'records:measure': (request) => this.#measurements.get(this.#existingRecord(request.id)),
      'statements:library': () => this.overreads.library(),
      'overreads:list': (request) => this.overreads.list(request.recordId),
      'overreads:confirm': (request) => this.overreads.confirm(request),
      'display:get': () => ({ screenScale: Number(this.#state.get(screenScaleKey) ?? 1) }),
      'display:calibrate': ({ screenScale }) => {
        this.#state.set(screenScaleKey, String(screenScale));
        this.audit.append('user', 'display.calibrated', null, { screenScale });
        return { screenScale };
      },
      'records:export': (request) => {
        const dir = path.join(this.#options.dataDir, 'exports');
        const written = exportRecord(this.#existingRecord(request.id), { format: request.format, deidentify: request.deidentify, dir });
        this.audit.append('user', 'record.exported', `record:${request.id}`, { format: request.format, deidentified: request.deidentify, files: written.files.map((f) => path.basename(f)) });
        return written;
      },
      'records:printed': ({ id, ...settings }) => {
        if (!this.records.exists(id)) throw new EinthovenError('E_NOT_FOUND', `record ${id} does not exist`);
        this.audit.append('user', 'record.printed', `record:${id}`, settings);
        return { audited: true as const };
      },
    };
  }
}
