import { randomUUID } from 'node:crypto';
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
import type { TrainFinished } from '../contract/training-schemas';
import type { AppInfo, RecordDetail } from '../contract/schemas';
import type { SiteRole } from '../contract/access-schemas';
import type { ReadingsDataset, ReadingsTask } from '../contract/clinic-schemas';
import { AppState } from '../db/app-state';
import { AuditLog, currentOsAccount } from '../db/audit';
import { makeAnchor } from '../db/audit-anchor';
import type { AuditAnchor } from '../db/audit-chain';
import { writeFileAtomic } from '../storage/atomic';
import { auditBackup, backupAuditDetails, backupSummary } from '../storage/backup';
import { writeBackupOffThread } from '../storage/backup-thread';
import { fileModeIn, makeDataSubfolder } from '../storage/private-files';
import { signingKeyOfThisAccount } from '../train/package/keys';
import { notWritableBecause, notWritableMessage, openDatabase, type Db } from '../db/database';
import { RecordStore } from '../db/records';
import { worklistFacets } from '../db/worklist';
import { recordChangingChannels } from '../contract/worklist-schemas';
import { databaseError, EinthovenError, toErrorInfo, withoutFileContent, type ErrorInfo } from '../errors';
import { planReadingsDataset, writeReadingsDataset } from './readings-dataset';
import { policyFileLocation, SiteAccess } from './site-policy';
import { databasePath } from './data-dir';
import { applyDisplayFilter } from './display-filter';
import { inspectDataset } from './dataset-inspection';
import { FolderAccess } from './folder-access';
import { importSources } from './import';
import { listSources, uploadedSources } from './import-sources';
import { DecodePool } from './decode-pool';
import { JobRunner } from './jobs';
import { modelDetail } from './model-detail';
import { ModelDefaults } from './model-defaults';
import { OverreadDesk } from './overread-desk';
import { FiducialDesk } from './fiducial-desk';
import { NoteDesk } from './note-desk';
import { verifyTrailOffThread } from '../db/audit-verify-thread';
import { describeFinding, rowsSummary } from '../db/audit-rows-text';
import { demonstrationRecordIds, sampleImportActor } from '../db/demonstration-records';
import { PeDesk } from './pe-desk';
import { exportRecord } from './record-export';
import { PredictionLedger } from './prediction-ledger';
import { TrainingService } from '../train/service/index';
import { resolveTrainingWorkers, resolveWorkers } from '../parallel/worker-count';
import { checkTrainingMemory, type MemoryCheck } from '../train/memory-estimate';
import { ensureBackend } from '../train/setup';
import { fusionRefusalText } from '../train/pe/fusion';
import { removeRecord } from './record-removal';
import { RunningCliJobs, type InterruptedBy } from './running-cli-jobs';
import { MeasurementCache } from './record-measurements';
import { TrainingAudit, type JobKind, type StartedRequest } from './training-audit';
import { engineVersion } from './version';
import { ExternalChanges } from './external-changes';

export interface EngineOptions {
  readonly dataDir: string;
  /** Folder with bundled samples/ and models/; omitted in tests that want an empty start. */
  readonly resourcesDir?: string | undefined;
  readonly shell: AppInfo['shell'];
  /** The site policy of local roles (site-policy.ts); by default the machine's. */
  readonly policyFile?: string | undefined;
}

export type EngineEventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

type Handlers = {
  [K in ChannelName]: (request: ParsedRequestOf<K>) => Promise<ResponseOf<K>> | ResponseOf<K>;
};

/** Channels that take paths on the engine's machine: their errors must not become a way to read files. */
const pathChannels: ReadonlySet<ChannelName> = new Set(['datasets:inspect', 'train:start', 'train:finetune', 'train:hpo', 'train:operating-point', 'models:evaluate', 'models:compare', 'folders:allow']);

/** The header's head verifies the whole audit trail again when its last whole check is older than this. */
const wholeAuditCheckEveryMs = 24 * 60 * 60 * 1000;

/** app_state key of the screen calibration factor (see display:calibrate). */
const screenScaleKey = 'display.screenScale';

/**
 * The engine: owns the database and the jobs, answers contract requests. The same object
 * serves the Electron utilityProcess, the browser-mode child process, the CLI and tests.
 */
export class Engine {
  readonly db: Db;
  /** The database file (db.name is ':memory:' where read-only media left only a copy in memory to read). */
  readonly databaseFile: string;
  readonly records: RecordStore;
  readonly audit: AuditLog;
  readonly jobs: JobRunner;
  /** Models, predictions and training jobs (core/train). */
  readonly training: TrainingService;
  /** Stored predictions and the model registry (SQLite). */
  readonly ledger: PredictionLedger;
  /** Cardiologists' readings (confirm / amend) of records. */
  readonly overreads: OverreadDesk;
  /** Clinical pre-test scores for PE entered on records. */
  readonly pe: PeDesk;
  /** Readers' notes on tracings. */
  readonly notes: NoteDesk;
  /** Readers' corrections of beats and of the median beat's wave boundaries, and the measurements under them. */
  readonly fiducials: FiducialDesk;
  /** The folders datasets may be read from; every path-taking channel is confined to them. */
  readonly folders: FolderAccess;
  /** What the operating-system account may do here (local roles from the site policy). */
  readonly access: SiteAccess;
  readonly #trainingAudit: TrainingAudit;
  readonly #cliJobs: RunningCliJobs;
  #buildingReadingsDataset = false;
  readonly #modelDefaults: ModelDefaults;
  readonly #state: AppState;
  readonly #options: EngineOptions;
  readonly #listeners = new Set<EngineEventListener>();
  readonly #handlers: Handlers;
  /** Measurements of recently viewed records (records never change once stored). */
  // Measured in a decode worker, stopped after its time limit: no record's analysis stalls the engine.
  readonly #measurements = new MeasurementCache(16, (record, correction) => this.#decodePool().measure(record, correction));
  /** Decoding worker threads for imports, started at the first import and kept for the next. */
  #pool: DecodePool | undefined;
  /** Commits by another process (the CLI into this data folder), said to every window as records:changed. */
  readonly #externalChanges: ExternalChanges;
  /** Why the database was opened read-only (a read-only folder or mount); undefined when it can be written. */
  readonly #notWritable: string | undefined;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.databaseFile = databasePath(options.dataDir);
    const opened = openDatabase(this.databaseFile);
    this.db = opened.db;
    this.#notWritable = opened.readonly ? (notWritableBecause(this.databaseFile) ?? 'it was opened read-only') : undefined;
    this.records = new RecordStore(this.db, this.databaseFile);
    this.#state = new AppState(this.db);
    const osAccount = currentOsAccount();
    // A change IT makes to the policy while the app is open applies at the next request, and is audited when it does.
    this.access = SiteAccess.load(options.policyFile ?? policyFileLocation(), osAccount, (now, before) =>
      this.audit.append('system', 'access.policy-changed', null, { policy: now.policy.file, policyState: now.policy.state, roles: now.roles, rolesBefore: before.roles }),
    );
    // The reader who signed a reading, note or correction in this session of the app; the CLI names one with
    // EINTHOVEN_READER. The name remembered from an earlier session only pre-fills the form: taken for the
    // audit, it put the last signer's name on exports made after a restart by whoever sat down next.
    const reader = () => (options.shell === 'cli' ? process.env.EINTHOVEN_READER : this.#state.setThisSession('reader.last')) || undefined;
    this.audit = new AuditLog(this.db, () => ({ osAccount, reader: reader() }));
    this.jobs = new JobRunner({
      progress: (event) => this.#emit('jobs:progress', event),
      finished: (event) => {
        this.#emit('jobs:finished', event);
        // Whatever an import stored before it ended (done, cancelled, or failed part-way) is listed in every window.
        if (event.kind === 'import') this.#emit('records:changed', { by: 'records:import' });
      },
    });
    this.training = new TrainingService({
      dataDir: options.dataDir,
      resourcesDir: options.resourcesDir,
      progress: (event) => this.#emit('train:progress', event),
      // Audited (and its model registered) before the UI hears of it, so a refreshed list is complete.
      finished: (event) => void this.#trainingAudit.finished(event).then(() => this.#emit('train:finished', event)),
    });
    this.ledger = new PredictionLedger(this.db, this.audit, this.training.models, this.records);
    this.overreads = new OverreadDesk({ db: this.db, audit: this.audit, records: this.records, predictions: this.ledger.predictions, state: this.#state });
    this.notes = new NoteDesk({ db: this.db, audit: this.audit, records: this.records, state: this.#state });
    this.fiducials = new FiducialDesk({ db: this.db, audit: this.audit, state: this.#state, cache: this.#measurements, records: this.records });
    this.pe = new PeDesk({ db: this.db, audit: this.audit, records: this.records, state: this.#state, predictions: this.ledger.predictions, models: this.training.models, measure: (id) => this.fiducials.measure(this.#existingRecord(id)) });
    this.folders = new FolderAccess(this.#state, this.audit);
    this.#trainingAudit = new TrainingAudit(this.audit, this.ledger);
    this.#modelDefaults = new ModelDefaults(this.#state, this.audit);
    this.#handlers = this.#createHandlers();
    this.#externalChanges = new ExternalChanges(this.db, () => this.#emit('records:changed', { by: 'another-process' }));
    this.#cliJobs = new RunningCliJobs({ db: this.db, state: this.#state, audit: this.audit });
    // A CLI job whose process was killed before it wrote its end gets one now, whoever opens the folder next
    // for writing: a read-only folder (an archive, an auditor's access) is read as it is, the end left to that open.
    try {
      if (!opened.readonly) this.#cliJobs.endAbandoned();
    } catch (error) {
      this.db.close();
      throw databaseError(this.databaseFile, error);
    }
  }

  onEvent(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    // Only an engine with windows to tell looks for other processes' changes (the CLI's has none).
    this.#externalChanges.start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#externalChanges.stop();
    };
  }

  /** Validates and answers one request. Never throws: failures come back as {ok:false}. */
  async handle(channel: unknown, payload: unknown): Promise<Result<unknown>> {
    if (!isChannelName(channel)) return fail('E_VALIDATION', `unknown channel ${JSON.stringify(channel)}`);
    return this.#dispatch(channel, payload);
  }

  /**
   * Imports the bundled samples once per database, so a new user sees data on first start; never
   * under a site policy (a policy file present, readable or not): that is a clinical deployment,
   * whose database (often the one every account shares) is for the site's patients only, where
   * demonstration records sat in every reader's worklist.
   */
  async seedSamplesOnce(): Promise<number> {
    const dir = this.#options.resourcesDir && path.join(this.#options.resourcesDir, 'samples');
    if (!dir || !existsSync(dir) || this.#state.get('samples.seeded') || this.access.info.policy.state !== 'none') return 0;
    // Notes and licences beside the samples are skipped by the import itself.
    const named = listSources([dir]).map((f) => ({ ...f, name: `samples/${path.relative(dir, f.name).replaceAll('\\', '/')}` }));
    const report = await importSources(this.records, this.audit, named, { actor: sampleImportActor, pool: this.#decodePool() });
    this.#state.set('samples.seeded', new Date().toISOString());
    return report.reports.filter((r) => r.status === 'imported').length;
  }

  /**
   * A worklist page as the app and ecg list show it: under a "flagged by" filter, a PE model's probability carries why it
   * is withheld where the record's PE score entry puts the patient outside the model's intended use, and a sort by that
   * output lists such a record after those shown rather than by the number it withholds (PeDesk.listedAsShown).
   */
  async listRecords(request: ParsedRequestOf<'records:list'>): Promise<ResponseOf<'records:list'>> {
    return await this.pe.listedAsShown(request, (withheldAges) => this.records.list(request, withheldAges));
  }

  /** Starts a decoding worker now (the app calls it at start: the first import then shows progress at once). */
  warmImport(): void {
    this.#decodePool().warm();
  }

  #decodePool(): DecodePool {
    this.#pool ??= new DecodePool();
    return this.#pool;
  }

  async close(): Promise<void> {
    this.#externalChanges.stop();
    this.jobs.cancelAll();
    this.training.cancelAll();
    await this.jobs.idle();
    await this.#pool?.close();
    await this.training.idle();
    await this.#trainingAudit.idle();
    this.training.dispose();
    this.db.close();
  }

  async #dispatch<K extends ChannelName>(channel: K, payload: unknown): Promise<Result<ResponseOf<K>>> {
    const request = parseRequest(channel, payload);
    if (!request.ok) return request;
    try {
      this.authorize(channel);
      const handler = this.#handlers[channel] as (r: ParsedRequestOf<K>) => Promise<ResponseOf<K>> | ResponseOf<K>;
      const value = await handler(request.value);
      // Responses are checked too: a handler bug surfaces here, not as a confused UI.
      const checked = channels[channel].response.safeParse(value);
      if (!checked.success) return fail('E_INTERNAL', `engine produced an invalid ${channel} response`);
      this.#changedRecords(channel, request.value);
      return ok(value);
    } catch (error) {
      // A SQLite error (locked, read-only, damaged) names this engine's database file.
      const info = this.#writeRefused(error) ?? toErrorInfo(error, this.databaseFile);
      return fail(info.code, pathChannels.has(channel) ? withoutFileContent(info.message) : info.message, info.reason);
    }
  }

  /**
   * A write refused by a database opened read-only, in words naming the file and why it cannot be
   * written; SQLite says SQLITE_READONLY in place and SQLITE_CANTOPEN in a copy read into memory.
   */
  #writeRefused(error: unknown): ErrorInfo | undefined {
    const code = (error as { code?: unknown } | null)?.code;
    if (this.#notWritable === undefined || typeof code !== 'string' || !/^SQLITE_(READONLY|CANTOPEN)/.test(code)) return undefined;
    return { code: 'E_IO', message: this.#notWritableMessage(this.#notWritable) };
  }

  #notWritableMessage(because: string): string {
    return notWritableMessage(this.databaseFile, because);
  }

  /** Refuses, before any work, a command that writes (an import) where the database was opened read-only. */
  refuseIfReadOnly(): void {
    if (this.#notWritable !== undefined) throw new EinthovenError('E_IO', this.#notWritableMessage(this.#notWritable));
  }

  /**
   * A channel the account's role does not cover is refused before it runs, and the refusal
   * audited (who tried what). The CLI asks the same for what it writes into the site's database.
   */
  authorize(channel: ChannelName): void {
    this.#refusalAudited({ channel }, () => this.access.check(channel));
  }

  /**
   * The same for a CLI command that is no channel (`ecg package keygen`): refused without `role`,
   * the refusal audited naming the command.
   */
  authorizeCommand(command: string, role: Exclude<SiteRole, 'reader'>, what: string): void {
    this.#refusalAudited({ command }, () => this.access.require(role, what));
  }

  #refusalAudited(attempt: { channel: ChannelName } | { command: string }, check: () => void): void {
    try {
      check();
    } catch (error) {
      // A database read-only for this account (an archive, an auditor's read access) cannot keep the
      // refusal: the write failed instead, and the user saw a write error where the policy refused them.
      if (this.#notWritable !== undefined) throw unauditedRefusal(error, this.#notWritableMessage(this.#notWritable));
      const { policy } = this.access.info;
      this.audit.append('user', 'access.refused', null, { ...attempt, roles: this.access.info.roles, policy: policy.file, policyState: policy.state });
      throw error;
    }
  }

  /**
   * A training-side job the CLI runs itself into this data folder (`ecg operating-point`), kept as the
   * app's own job is: refused (and the refusal audited) without the channel's role, its start audited.
   * Returns the job id its end is recorded under (`finishCliJob`).
   */
  startCliJob(channel: ChannelName, kind: JobKind, request: StartedRequest): string {
    this.authorize(channel);
    const jobId = `cli-${randomUUID()}`;
    // The start and the note that this process runs it, together: no start is left that nothing answers for.
    this.db.transaction(() => {
      this.#trainingAudit.started(kind, jobId, request);
      this.#cliJobs.add(jobId, kind);
    }).immediate();
    return jobId;
  }

  /**
   * That job's end, as the app's is kept: audited, its model registered, its locked-test figures recorded.
   * Where that cannot be written, the job stays noted as running, so an open after this process ends
   * writes its end as interrupted rather than leave the start without one.
   */
  async finishCliJob(event: TrainFinished): Promise<void> {
    await this.#trainingAudit.record(event);
    this.#cliJobs.remove(event.jobId);
  }

  /** That job's end when its process is told to stop first (SIGINT, SIGTERM): audited as interrupted, by what. */
  interruptCliJob(jobId: string, kind: JobKind, by: InterruptedBy): void {
    this.#cliJobs.interrupted(jobId, kind, by);
  }

  /** Every window hears of a change to what its worklist shows (an import says so when its job ends, not at its start). */
  #changedRecords(channel: ChannelName, request: object): void {
    const by = recordChangingChannels.find((c) => c === channel);
    if (by === undefined || by === 'records:import') return;
    // records:remove names its record `id`; the others that change one record, `recordId`.
    const named = by === 'records:remove' && 'id' in request ? request.id : 'recordId' in request ? request.recordId : undefined;
    const recordId = typeof named === 'number' ? { recordId: named } : {};
    this.#emit('records:changed', { by, ...recordId });
  }

  #emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  /** The memory estimate of the fine-tuning the form is about to start: its base's network, with the dataset's classes. */
  async #memoryCheck(training: NonNullable<ParsedRequestOf<'datasets:inspect'>['training']>, classes: number, trainRecords: number): Promise<MemoryCheck> {
    const { manifest } = await this.training.models.find(training.baseModelId);
    const backend = await ensureBackend();
    const workers = training.mode === 'head' ? resolveWorkers(training.workers) : resolveTrainingWorkers(training.workers, training.batchSize);
    const model = { architecture: manifest.architecture.name, buildOptions: { ...manifest.architecture.buildOptions, numClasses: classes } };
    return checkTrainingMemory({ model, batchSize: training.batchSize, trainRecords, workers, mode: training.mode, backend: backend.active });
  }

  /**
   * Starts a job that reads a dataset, once its paths are checked against the allowed folders
   * (and made real), and audits the start with the paths it will read.
   */
  async #startConfined<R extends StartedRequest>(kind: JobKind, asked: R, start: (request: R) => Promise<string> | string): Promise<{ jobId: string }> {
    const request = { ...asked, dataset: this.folders.confine(asked.dataset) };
    return this.#trainingAudit.started(kind, await start(request), request);
  }

  /** The whole audit trail verified on a worker thread with its own read-only connection (core/db/audit-verify-thread.ts). */
  readonly #wholeAuditCheck = (anchors: readonly AuditAnchor[]) => verifyTrailOffThread(databasePath(this.#options.dataDir), anchors);

  /** The data folder's exports/, created where missing as private as the data folder (core/storage/private-files.ts). */
  #exportsFolder(): string {
    const dir = path.join(this.#options.dataDir, 'exports');
    makeDataSubfolder(dir);
    return dir;
  }

  /**
   * Starts the job that writes the signed readings as a fine-tuning dataset under exports/ (its
   * progress and end come as jobs:progress and jobs:finished). What needs no writing is refused
   * here, at once: a second export meanwhile, nothing diagnosed, a folder already in use.
   */
  #startDatasetFromReadings(task: ReadingsTask): { jobId: string } {
    // The export yields to the event loop between records: a second request meanwhile would race it for a folder name.
    if (this.#buildingReadingsDataset) throw new EinthovenError('E_CONFLICT', 'a dataset from the signed readings is being written already; wait for it to finish or cancel it');
    const sources = { records: this.records, overreads: this.overreads.readings, state: this.#state, demonstration: demonstrationRecordIds(this.db) };
    const plan = planReadingsDataset(sources, task, path.join(this.#options.dataDir, 'exports', `readings-dataset-${new Date().toISOString().replace(/[:.]/g, '-')}`));
    const jobId = this.jobs.start('readings-dataset', async ({ signal, progress }) => {
      try {
        return this.#finishDatasetFromReadings(await writeReadingsDataset(sources, plan, { signal, progress }));
      } finally {
        this.#buildingReadingsDataset = false;
      }
    });
    // Set once the job exists; the job (deferred by the runner) clears it when it ends, however it ends.
    this.#buildingReadingsDataset = true;
    return { jobId };
  }

  /**
   * The written dataset allowed for reading at once (the account already holds the trainer role
   * this needs) and audited with what went in, no patient data.
   */
  #finishDatasetFromReadings(written: ReadingsDataset): ReadingsDataset {
    // Named by its real path, as the allowed-folder list names it, so a form sees it allowed.
    const real = this.folders.allow(written.folder).path;
    const dataset = { ...written, folder: real, labels: path.join(real, path.basename(written.labels)) };
    const { records, classes, splits, skipped, withPredictionOnScreen } = dataset;
    this.audit.append('user', 'dataset.from-readings', null, { folder: real, task: dataset.task, records, classes, splits, skipped, withPredictionOnScreen });
    return dataset;
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
        access: this.access.info,
      }),
      'records:list': (request) => this.listRecords(request),
      'records:ids': async (request) => ({ ids: await this.pe.idsAsListed(request, (withheldAges) => this.records.ids(request, withheldAges)) }),
      'records:facets': () => worklistFacets(this.db),
      'records:get': (request) => {
        const detail = this.records.get(request.id);
        if (!detail) throw new EinthovenError('E_NOT_FOUND', `record ${request.id} does not exist`);
        // Access to patient data is logged, as hospital audit rules expect of a clinical viewer.
        this.audit.append('user', 'record.viewed', `record:${detail.id}`, { shell: this.#options.shell });
        return detail;
      },
      'records:import': (request) => {
        // Refused here, as ecg import refuses, rather than in a job that decodes every file first and fails each one's write.
        this.refuseIfReadOnly();
        const jobId = this.jobs.start('import', (context) =>
          importSources(this.records, this.audit, uploadedSources(request.files), {
            actor: 'user',
            ...(request.csv ? { csv: request.csv } : {}),
            signal: context.signal,
            pool: this.#decodePool(),
            onProgress: (done, total, message, file) => context.progress(done, total, message, file),
          }),
        );
        return { jobId };
      },
      'jobs:cancel': (request) => ({ cancelled: this.jobs.cancel(request.jobId) || this.training.cancel(request.jobId) }),
      'jobs:active': () => ({ jobs: this.jobs.active() }),
      // Started once per process (EINTHOVEN_BACKEND may force one); shared with training and prediction.
      'ml:backend': async () => await ensureBackend(),
      'models:list': async () => {
        const models = (await this.training.listModels()).map((m) => ({ ...m, siteEvaluation: this.ledger.evaluations.latest(m.id) }));
        return { models, ...this.#modelDefaults.current(models.map((m) => m.id)) };
      },
      'models:promote': async (request) => {
        const { manifest } = await this.training.models.find(request.modelId);
        // A fusion predicts no record by itself (its number needs score items): as the default, every prediction would be refused.
        if (manifest.fusion) throw new EinthovenError('E_VALIDATION', fusionRefusalText({ ...manifest, fusion: manifest.fusion }, 'it predicts no record by itself, so it cannot be the default for predictions'));
        const modelId = manifest.id;
        return this.#modelDefaults.promote(modelId, { promotedBy: request.promotedBy, evaluations: this.ledger.evaluations });
      },
      'models:predict': async (request) => {
        const record = this.records.get(request.recordId);
        if (!record) throw new EinthovenError('E_NOT_FOUND', `record ${request.recordId} does not exist`);
        const leads = record.leads.map((lead, i) => ({ name: lead.name, samples: record.signals[i] ?? new Float32Array(record.nSamples) }));
        const prediction = { recordId: record.id, ...(await this.training.predict(request.modelId, { fs: record.fs, leads, patient: record.patient })) };
        // Stored (with the exact weights' hash) and audited before the user sees it.
        await this.ledger.record(prediction, 'user');
        return prediction;
      },
      'models:explain': async (request) => {
        const record = this.#existingRecord(request.recordId);
        const leads = record.leads.map((lead, i) => ({ name: lead.name, samples: record.signals[i] ?? new Float32Array(record.nSamples) }));
        const saliency = await this.training.explain(request.modelId, { fs: record.fs, leads, patient: record.patient }, request.className);
        this.audit.append('user', 'record.explained', `record:${record.id}`, { model: request.modelId, className: request.className, method: saliency.method });
        return { modelId: request.modelId, recordId: record.id, ...saliency };
      },
      'models:evaluate': (request) => this.#startConfined('evaluate', request, (r) => this.training.startEvaluate(r)),
      'models:compare': (request) => this.#startConfined('compare', request, (r) => this.training.startCompare(r)),
      'train:start': (request) => this.#startConfined('train', request, (r) => this.training.startTrain(r)),
      'train:finetune': (request) => this.#startConfined('finetune', request, (r) => this.training.startFinetune(r)),
      'train:hpo': (request) => this.#startConfined('hpo', request, (r) => this.training.startHpo(r)),
      'train:operating-point': (request) => this.#startConfined('operating-point', request, (r) => this.training.startOperatingPoint(r)),
      'train:active': () => ({ jobs: this.training.activeJobs() }),
      'predictions:list': async (request) => {
        this.#existingRecord(request.recordId);
        // Shown as the PE panel shows them: no number for a patient the score entry puts outside a PE model's intended use.
        return { items: await this.pe.asShown(request.recordId, this.ledger.history(request.recordId, request.limit)) };
      },
      'models:get': async (request) => {
        const detail = modelDetail(await this.training.models.find(request.modelId));
        return { ...detail, siteEvaluation: this.ledger.evaluations.latest(detail.id) };
      },
      'datasets:from-readings': (request) => this.#startDatasetFromReadings(request.task),
      'datasets:inspect': (request) => {
        const { training } = request;
        return inspectDataset(this.folders.confine(request.dataset), request.minExamples, training ? (classes, trainRecords) => this.#memoryCheck(training, classes, trainRecords) : undefined);
      },
      'folders:list': () => ({ folders: this.folders.list() }),
      'folders:allow': (request) => ({ folder: this.folders.allow(request.path), asked: path.resolve(request.path) }),
      'folders:forget': (request) => ({ forgotten: this.folders.forget(request.path) }),
      'records:filter': (request) => {
        const record = this.#existingRecord(request.id);
        return { recordId: record.id, fs: record.fs, ...applyDisplayFilter(record.signals, record.fs, request.filter) };
      },
      'records:measure': (request) => this.fiducials.measure(this.#existingRecord(request.id)),
      'records:correct-fiducials': (request) => this.fiducials.correct(this.#existingRecord(request.id), request),
      'statements:library': () => this.overreads.library(),
      'overreads:list': (request) => this.overreads.list(request.recordId),
      'overreads:confirm': (request) => this.overreads.confirm(request),
      'notes:list': (request) => this.notes.list(request.recordId),
      'notes:add': (request) => this.notes.add(request),
      'notes:retract': (request) => this.notes.retract(request),
      'pe:preview': (request) => this.pe.preview(request.items),
      'pe:list': (request) => this.pe.list(request.recordId),
      'pe:assess': (request) => this.pe.assess(request),
      'pe:probabilities': (request) => this.pe.probabilities(request.recordId, request.predictionId),
      'display:get': () => ({ screenScale: Number(this.#state.get(screenScaleKey) ?? 1) }),
      'display:calibrate': ({ screenScale }) => {
        this.#state.set(screenScaleKey, String(screenScale));
        this.audit.append('user', 'display.calibrated', null, { screenScale });
        return { screenScale };
      },
      'records:remove': (request) => removeRecord({ db: this.db, records: this.records, audit: this.audit, measurements: this.#measurements }, request),
      'records:export': (request) => {
        const written = exportRecord(this.#existingRecord(request.id), { format: request.format, deidentify: request.deidentify, dir: this.#exportsFolder() });
        this.audit.append('user', 'record.exported', `record:${request.id}`, { format: request.format, deidentified: request.deidentify, files: written.files.map((f) => path.basename(f)) });
        return written;
      },
      'audit:head': async (request) => {
        // Incremental: a trail of millions of entries must not make every refresh of the header take seconds;
        // the whole checks (the first, daily, on request) run on a thread of their own, holding no other request.
        const v = await this.audit.verifyHeadAsync(this.#wholeAuditCheck, { force: request.whole === true, maxWholeAgeMs: wholeAuditCheckEveryMs });
        const rows = v.rows && { summary: rowsSummary(v.rows), findings: v.rows.findings.map(describeFinding), moreFindings: v.rows.moreFindings };
        return { ok: v.ok, entries: v.entries, lastId: v.lastId, head: v.head, problem: v.problem, mode: v.mode, checked: v.checked, wholeVerifiedAt: v.wholeVerifiedAt, checkedSinceWhole: v.checkedSinceWhole, ...(rows ? { rows } : {}) };
      },
      'audit:export-anchor': async () => {
        // The whole trail is read on a thread of its own: an export must not hold the engine for seconds either.
        const key = signingKeyOfThisAccount(this.#options.dataDir);
        const anchor = makeAnchor(await this.audit.verifyAsync(this.#wholeAuditCheck), databasePath(this.#options.dataDir), key.signer);
        const file = path.join(this.#exportsFolder(), `audit-anchor-${anchor.exportedAt.replace(/[:.]/g, '-')}.json`);
        await writeFileAtomic(file, `${JSON.stringify(anchor, null, 2)}\n`, fileModeIn(path.dirname(file)));
        this.audit.append('user', 'audit.anchor-exported', null, { lastId: anchor.lastId, head: anchor.head, file: path.basename(file), ...(key.unsignedBecause ? { unsignedBecause: key.unsignedBecause } : {}) });
        return { file, lastId: anchor.lastId, head: anchor.head, signedBy: anchor.signature?.signer ?? null };
      },
      'data:backup': async (request) => {
        const to = this.folders.confinePath(request.to);
        const destExisted = existsSync(to);
        const manifest = await writeBackupOffThread(this.#options.dataDir, to);
        // Not audited, not kept (but on read-only media): auditBackup says why.
        const notAudited = await auditBackup(to, destExisted, this.databaseFile, () => this.audit.append('user', 'data.backup', null, backupAuditDetails(to, manifest)));
        return backupSummary(to, manifest, notAudited);
      },
      'records:printed': ({ id, ...settings }) => {
        if (!this.records.exists(id)) throw new EinthovenError('E_NOT_FOUND', `record ${id} does not exist`);
        this.audit.append('user', 'record.printed', `record:${id}`, settings);
        return { audited: true as const };
      },
    };
  }
}

/** The policy's refusal as it is, saying that the trail could not record it and why. */
function unauditedRefusal(error: unknown, notWritable: string): unknown {
  if (!(error instanceof EinthovenError)) return error;
  return new EinthovenError(error.code, `${error.message} (not audited: ${notWritable})`, { cause: error, reason: error.reason });
}
