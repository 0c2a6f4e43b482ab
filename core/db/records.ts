import type { RecordDetail, RecordSummary } from '../contract/schemas';
import { deviceMeasurementFields, type DeviceMeasurements, type DeviceQtc, type EcgRecord } from '../formats/record';
import { qtcFormulas } from '../signal/qtc';
import type { WorklistFilter, WorklistSort } from '../contract/worklist-schemas';
import type { RemovedWithRecord } from '../contract/viewer-schemas';
import type { Db } from './database';
import { demonstrationRecordSql } from './demonstration-records';
import { storedIdentityHmac } from './row-digests';
import { classJsonPath, correctionInForce, notesInForce, withheldAgesParam, worklistOrder, worklistWhere } from './worklist';

interface RecordRow {
  id: number;
  content_hash: string;
  source_path: string;
  format: string;
  fs: number;
  n_samples: number;
  leads: string;
  missing_leads: string;
  patient_id: string | null;
  patient_name: string | null;
  patient_sex: 'M' | 'F' | 'U' | null;
  patient_age_years: number | null;
  patient_birth_date: string | null;
  recorded_at: string | null;
  statements: string;
  warnings: string;
  imported_at: string;
  confirmed_reader: string | null;
  confirmed_at: string | null;
  /** JSON {reader, at} of the correction in force, or null. */
  corrected: string | null;
  notes: number;
  /** 1 for a bundled demonstration sample, else 0 (SQLite's boolean). */
  demonstration: number;
}

const summaryColumns = `r.id, r.content_hash, r.source_path, r.format, r.fs, r.n_samples, r.leads, r.missing_leads,
  r.patient_id, r.patient_name, r.patient_sex, r.patient_age_years, r.patient_birth_date, r.recorded_at,
  r.statements, r.warnings, r.imported_at, o.reader AS confirmed_reader, o.confirmed_at,
  (SELECT json_object('reader', c.reader, 'at', c.corrected_at) ${correctionInForce}) AS corrected,
  (SELECT count(*) ${notesInForce}) AS notes,
  ${demonstrationRecordSql} AS demonstration`;

/** Each record with its current reading (the newest overread), if any. */
const withReading = 'records r LEFT JOIN overreads o ON o.id = (SELECT max(id) FROM overreads WHERE record_id = r.id)';

export type ListQuery = WorklistFilter & {
  sort?: WorklistSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit: number;
  offset: number;
};

/** The largest id a removed record had (app_state), 0 when none was removed. */
const highestRemovedKey = 'records.highest-removed-id';
const highestRemovedId = `coalesce((SELECT CAST(value AS INTEGER) FROM app_state WHERE key = '${highestRemovedKey}'), 0)`;

/**
 * The rows that belong to one record and go with it (ON DELETE CASCADE), counted as they go: every
 * signed reading (amended ones too), every note put on the tracing (not the rows that took one back).
 */
const removedWithRecord = {
  predictions: 'predictions WHERE record_id = ?',
  readings: 'overreads WHERE record_id = ?',
  notes: 'tracing_notes WHERE record_id = ? AND retracts IS NULL',
  corrections: 'fiducial_corrections WHERE record_id = ?',
  peAssessments: 'pe_assessments WHERE record_id = ?',
} as const satisfies Record<keyof RemovedWithRecord, string>;

/** Typed access to the records and their signals. All values are bound, never interpolated. */
export class RecordStore {
  readonly #db: Db;
  readonly #byHash;
  readonly #exists;
  readonly #byId;
  readonly #signal;
  readonly #insertRecord;
  readonly #insertSignal;
  readonly #insertDevice;
  readonly #file: string | undefined;
  readonly #device;
  readonly #flaggedPrediction;

  /** The database file (SQLite's name for it), which a storage error names. */
  get databaseFile(): string {
    return this.#file ?? this.#db.name;
  }

  /** `file`: the database's path where db.name does not say it (a read-only copy read into memory is ':memory:'). */
  constructor(db: Db, file?: string) {
    this.#db = db;
    this.#file = file;
    this.#byHash = db.prepare('SELECT id FROM records WHERE content_hash = ?');
    this.#exists = db.prepare('SELECT 1 FROM records WHERE id = ?');
    this.#byId = db.prepare(`SELECT ${summaryColumns} FROM ${withReading} WHERE r.id = ?`);
    this.#signal = db.prepare('SELECT data FROM record_signals WHERE record_id = ?');
    this.#flaggedPrediction = db.prepare(
      `SELECT model_name AS modelName, op_method AS method, op_target AS target, json_extract(probabilities, @path) AS probability, json_extract(op_thresholds, @path) AS threshold
       FROM predictions WHERE record_id = @id AND model_id = @modelId ORDER BY id DESC LIMIT 1`,
    );
    // The id is chosen above every id a removed record had too: the audit trail names records by
    // id, so an id must never come to mean a second tracing (SQLite would reuse the largest).
    this.#insertRecord = db.prepare(`INSERT INTO records (
        id, content_hash, source_path, format, format_version, fs, n_samples, leads, missing_leads,
        patient_id, patient_name, patient_sex, patient_age_years, patient_birth_date, recorded_at,
        statements, warnings, imported_at)
      VALUES ((SELECT max(coalesce(max(id), 0), ${highestRemovedId}) + 1 FROM records),
        @contentHash, @sourcePath, @format, @formatVersion, @fs, @nSamples, @leads, @missingLeads,
        @patientId, @patientName, @patientSex, @patientAge, @patientBirthDate, @recordedAt,
        @statements, @warnings, @importedAt)`);
    this.#insertSignal = db.prepare(
      "INSERT INTO record_signals (record_id, encoding, data) VALUES (?, 'f32le-lead-major', ?)",
    );
    this.#insertDevice = db.prepare('INSERT INTO record_device_measurements (record_id, source, measurements) VALUES (?, ?, ?)');
    this.#device = db.prepare('SELECT source, measurements FROM record_device_measurements WHERE record_id = ?');
  }

  /** Runs `work` in one IMMEDIATE transaction (the write lock taken first, so readers-then-writers cannot race). */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  exists(id: number): boolean {
    return this.#exists.get(id) !== undefined;
  }

  findIdByHash(contentHash: string): number | undefined {
    return (this.#byHash.get(contentHash) as { id: number } | undefined)?.id;
  }

  /** Inserts record and signal in one transaction; returns the new id. */
  insert(record: EcgRecord, contentHash: string, sourcePath: string): number {
    return this.#db.transaction(() => {
      const info = this.#insertRecord.run({
        contentHash,
        sourcePath,
        format: record.source.format,
        formatVersion: record.source.version ?? null,
        fs: record.fs,
        nSamples: record.nSamples,
        leads: JSON.stringify(record.leads.map((l) => ({ name: l.name, derived: l.derived, ...(l.units !== undefined ? { units: l.units } : {}) }))),
        missingLeads: JSON.stringify(record.missingLeads),
        patientId: record.patient.id ?? null,
        patientName: record.patient.name ?? null,
        patientSex: record.patient.sex ?? null,
        patientAge: record.patient.ageYears ?? null,
        patientBirthDate: record.patient.birthDate ?? null,
        recordedAt: record.startTime ?? null,
        statements: JSON.stringify(record.statements),
        warnings: JSON.stringify(record.warnings),
        importedAt: new Date().toISOString(),
      });
      const id = Number(info.lastInsertRowid);
      this.#insertSignal.run(id, encodeSignals(record.leads.map((l) => l.samples), record.nSamples));
      if (record.deviceMeasurements) this.#insertDevice.run(id, record.deviceMeasurements.source.slice(0, 200), deviceMeasurementsJson(record.deviceMeasurements));
      return id;
    })();
  }

  /** The identity digest its import entry holds (core/db/row-digests.ts), from the row as stored. */
  identityHmac(id: number): string {
    return storedIdentityHmac(this.#db, id);
  }

  /**
   * Removes a record with its signals and everything stored with it, in one transaction, and
   * returns how many of each went; undefined when no such record exists. Its id is kept as the
   * highest removed, so no later import is given it.
   */
  remove(id: number): RemovedWithRecord | undefined {
    return this.transaction(() => {
      if (!this.exists(id)) return undefined;
      const counted = Object.fromEntries(
        Object.entries(removedWithRecord).map(([kind, rows]) => [kind, (this.#db.prepare(`SELECT count(*) AS n FROM ${rows}`).get(id) as { n: number }).n]),
      ) as RemovedWithRecord;
      this.#db.prepare('DELETE FROM records WHERE id = ?').run(id);
      this.#db
        .prepare(`INSERT INTO app_state (key, value) VALUES (@key, CAST(@id AS TEXT)) ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), @id) AS TEXT)`)
        .run({ key: highestRemovedKey, id });
      return counted;
    });
  }

  /**
   * One page of the worklist and the count of all it selects. The page is chosen on ids alone
   * (a narrow sort, the reading joined only when the filter or sort needs it), then its rows
   * are read whole: with 10,000 records this keeps every query well under the 100 ms the
   * worklist allows (`npm run bench -- worklist`).
   */
  list(query: ListQuery, withheldAges: readonly number[] = []): { total: number; items: RecordSummary[] } {
    const sort = query.sort ?? 'imported';
    const { where, params, readsReading } = worklistWhere(query, sort);
    const from = (reading: boolean) => (reading ? withReading : 'records r');
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM ${from(readsReading)} ${where}`).get(params) as { n: number }).n;
    const order = worklistOrder(sort, query.order ?? 'desc', query, withheldAges);
    const ids = this.#db
      .prepare(`SELECT r.id FROM ${from(readsReading || sort === 'status')} ${where} ${order} LIMIT @limit OFFSET @offset`)
      .pluck()
      .all({ ...params, ...withheldAgesParam(withheldAges), limit: query.limit, offset: query.offset }) as number[];
    if (ids.length === 0) return { total, items: [] };
    const rows = this.#db.prepare(`SELECT ${summaryColumns} FROM ${withReading} WHERE r.id IN (${ids.map(() => '?').join(',')})`).all(...ids) as RecordRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const flagged = query.flagged;
    const summary = (id: number) => toSummary(byId.get(id) as RecordRow);
    return { total, items: ids.map((id) => (flagged ? { ...summary(id), ...this.#flaggedBy(id, flagged) } : summary(id))) };
  }

  /**
   * The flagged filter's class in its model's newest prediction on the record: the one that put it in the list, or,
   * under the uncertainty sort, the one that placed it in the queue (flagged or not).
   */
  #flaggedBy(id: number, flagged: NonNullable<WorklistFilter['flagged']>): Pick<RecordSummary, 'flaggedBy'> {
    const row = this.#flaggedPrediction.get({ id, modelId: flagged.modelId, path: classJsonPath(flagged.className) }) as
      | { modelName: string; method: string; target: number | null; probability: number | null; threshold: number | null }
      | undefined;
    if (!row || row.probability === null || row.threshold === null) return {};
    const target = row.target === null ? {} : { target: row.target };
    return { flaggedBy: { modelName: row.modelName, className: flagged.className, probability: row.probability, threshold: row.threshold, method: row.method, ...target } };
  }

  /**
   * Every id the filter selects, in list order (a batch covers the whole filtered set); `withheldAges` as for list,
   * so that the viewer's next and previous follow the list as shown.
   */
  ids(query: WorklistFilter & { sort?: WorklistSort | undefined; order?: 'asc' | 'desc' | undefined }, withheldAges: readonly number[] = []): number[] {
    const sort = query.sort ?? 'imported';
    const { where, params, readsReading } = worklistWhere(query, sort);
    const order = worklistOrder(sort, query.order ?? 'desc', query, withheldAges);
    return this.#db
      .prepare(`SELECT r.id FROM ${readsReading || sort === 'status' ? withReading : 'records r'} ${where} ${order}`)
      .pluck()
      .all({ ...params, ...withheldAgesParam(withheldAges) }) as number[];
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  }

  /** The record's summary line without decoding its signals (what a listing or a history needs). */
  summary(id: number): RecordSummary | undefined {
    const row = this.#byId.get(id) as RecordRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  get(id: number): RecordDetail | undefined {
    const row = this.#byId.get(id) as RecordRow | undefined;
    if (!row) return undefined;
    const blob = (this.#signal.get(id) as { data: Buffer } | undefined)?.data;
    const summary = toSummary(row);
    return {
      ...summary,
      signals: blob ? decodeSignals(blob, summary.leads.length, summary.nSamples) : [],
      statements: JSON.parse(row.statements) as string[],
      warnings: JSON.parse(row.warnings) as string[],
      missingLeads: JSON.parse(row.missing_leads) as string[],
      ...this.#deviceMeasurements(id),
    };
  }

  /** The device's stored measurements, only the known fields and only numbers; the QTc's formula only where the file named one (rows stored before it was kept have none). */
  #deviceMeasurements(id: number): { deviceMeasurements?: DeviceMeasurements } {
    const row = this.#device.get(id) as { source: string; measurements: string } | undefined;
    if (!row) return {};
    const parsed = JSON.parse(row.measurements) as Record<string, unknown>;
    const values = Object.fromEntries(deviceMeasurementFields.flatMap((f) => (typeof parsed[f] === 'number' ? [[f, parsed[f]]] : [])));
    const formula = qtcFormulas.find((f) => f === parsed['qtcFormula']);
    const otherQtcs = storedOtherQtcs(parsed['otherQtcs']);
    return { deviceMeasurements: { source: row.source, values, ...(formula ? { qtcFormula: formula } : {}), ...(otherQtcs.length > 0 ? { otherQtcs } : {}) } };
  }
}

/** The values with the QTc's named formula and the further named QTcs beside them, in the one JSON column (keys the number filter above skips). */
function deviceMeasurementsJson(device: DeviceMeasurements): string {
  return JSON.stringify({ ...device.values, ...(device.qtcFormula ? { qtcFormula: device.qtcFormula } : {}), ...(device.otherQtcs ? { otherQtcs: device.otherQtcs } : {}) });
}

/** The further named QTcs as stored: only entries with a number, a known formula and a name (rows stored before they were kept have none). */
function storedOtherQtcs(stored: unknown): DeviceQtc[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((one: unknown): DeviceQtc[] => {
    if (typeof one !== 'object' || one === null) return [];
    const { ms, formula, name } = one as Record<string, unknown>;
    const known = qtcFormulas.find((f) => f === formula);
    return typeof ms === 'number' && known && typeof name === 'string' ? [{ ms, formula: known, name }] : [];
  });
}

function toSummary(row: RecordRow): RecordSummary {
  const patient: RecordSummary['patient'] = {};
  if (row.patient_id !== null) patient.id = row.patient_id;
  if (row.patient_name !== null) patient.name = row.patient_name;
  if (row.patient_sex !== null) patient.sex = row.patient_sex;
  if (row.patient_age_years !== null) patient.ageYears = row.patient_age_years;
  if (row.patient_birth_date !== null) patient.birthDate = row.patient_birth_date;
  return {
    id: row.id,
    contentHash: row.content_hash,
    sourcePath: row.source_path,
    format: row.format,
    fs: row.fs,
    nSamples: row.n_samples,
    leads: JSON.parse(row.leads) as RecordSummary['leads'],
    patient,
    recordedAt: row.recorded_at,
    importedAt: row.imported_at,
    confirmed: row.confirmed_reader !== null && row.confirmed_at !== null ? { reader: row.confirmed_reader, at: row.confirmed_at } : null,
    corrected: row.corrected === null ? null : (JSON.parse(row.corrected) as { reader: string; at: string }),
    notes: row.notes,
    demonstration: row.demonstration === 1,
  };
}

/** Lead-major little-endian float32, one contiguous blob. */
function encodeSignals(leads: readonly Float32Array[], nSamples: number): Buffer {
  const out = new Float32Array(leads.length * nSamples);
  leads.forEach((samples, i) => out.set(samples.subarray(0, nSamples), i * nSamples));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function decodeSignals(blob: Buffer, nLeads: number, nSamples: number): Float32Array<ArrayBuffer>[] {
  // Copy into an aligned buffer: a Buffer slice may start at an offset not divisible by 4.
  const all = new Float32Array(nLeads * nSamples);
  new Uint8Array(all.buffer).set(blob.subarray(0, all.byteLength));
  return Array.from({ length: nLeads }, (_, i) => all.subarray(i * nSamples, (i + 1) * nSamples));
}
