import { isNeverFlagged, neverFlaggedThreshold } from '../contract/training-schemas';
import { EinthovenError } from '../errors';
import { modelOutputSorts, type WorklistFacets, type WorklistFilter, type WorklistSort } from '../contract/worklist-schemas';
import type { Db } from './database';

/**
 * SQL for the worklist: the WHERE clause a filter asks for and the ORDER BY of a sort, over
 * `records r` joined with its current reading `o` (see withReading in records.ts). Values are
 * always bound by name, never interpolated; only fixed fragments of this file become SQL text.
 */
export interface WorklistSql {
  readonly where: string;
  readonly params: Record<string, string | number>;
  /** Whether the clause reads the current reading `o` (the join costs a lookup per record; skipped when unused). */
  readonly readsReading: boolean;
}

/** A column of the newest prediction of @flagModel on the record: the one the viewer shows and a reader judged. */
const latestPrediction = (column: 'decisions' | 'probabilities') => `(SELECT p.${column} FROM predictions p WHERE p.record_id = r.id AND p.model_id = @flagModel ORDER BY p.id DESC LIMIT 1)`;

/**
 * |p − t| of the @flagPath class in the newest prediction of @flagModel: how near that prediction's own
 * operating point the record sits. NULL where there is nothing to be uncertain about: no prediction, an
 * abstained one (no probabilities), or a class the model never flags (t ≥ 1: no decision; the constant
 * is the engine's, not a value from a request). Rounded to 1e-9 so that distances equal on paper
 * (0.55 and 0.45 around 0.5) tie in floating point too and fall back on the id.
 */
const thresholdDistance = `(SELECT CASE WHEN json_extract(p.op_thresholds, @flagPath) < ${neverFlaggedThreshold}
    THEN round(abs(json_extract(p.probabilities, @flagPath) - json_extract(p.op_thresholds, @flagPath)), 9) END
  FROM predictions p WHERE p.record_id = r.id AND p.model_id = @flagModel ORDER BY p.id DESC LIMIT 1)`;

/**
 * 1 where the record's current PE score entry (its newest) gives one of @withheldAges, the ages for which
 * the flagged model's probability is withheld as outside its intended use (PeDesk.withheldAges), else 0.
 */
const withheldByAge = `(CASE WHEN (SELECT json_extract(a.items, '$.ageYears') FROM pe_assessments a WHERE a.record_id = r.id ORDER BY a.id DESC LIMIT 1)
  IN (SELECT value FROM json_each(@withheldAges)) THEN 1 ELSE 0 END)`;

/**
 * Binds @withheldAges for worklistOrder; passed whatever the sort (a parameter the statement does not name is ignored).
 */
export const withheldAgesParam = (ages: readonly number[]): { withheldAges: string } => ({ withheldAges: JSON.stringify(ages) });

/**
 * A model-output sort's key where records are withheld: they come after every record shown, in either
 * direction, and among themselves by id alone, so that a record's place does not give away the number
 * its row does not show (ranked by it, a withheld record's neighbours would bracket it).
 */
function rankedUnlessWithheld(key: string, dir: string, nulls: string, withheldAges: readonly number[]): string {
  if (withheldAges.length === 0) return `ORDER BY ${key} ${dir}${nulls}, r.id ${dir}`;
  return `ORDER BY ${withheldByAge}, CASE WHEN ${withheldByAge} = 1 THEN NULL ELSE ${key} END ${dir}${nulls}, r.id ${dir}`;
}

/**
 * The record's current fiducial correction `c` (its newest row) when it changes something: a row
 * with no boundaries and no beat edits is a correction taken back ("the program's beats and
 * boundaries"), which leaves the measurements as the program made them.
 */
export const correctionInForce = `FROM fiducial_corrections c WHERE c.id = (SELECT max(id) FROM fiducial_corrections WHERE record_id = r.id)
  AND ((SELECT count(*) FROM json_each(c.boundaries)) > 0 OR json_array_length(c.beats, '$.added') > 0 OR json_array_length(c.beats, '$.removed') > 0)`;

/** The record's tracing notes `n` not taken back (a retraction is a row of its own naming the note). */
export const notesInForce = `FROM tracing_notes n WHERE n.record_id = r.id AND n.retracts IS NULL
  AND NOT EXISTS (SELECT 1 FROM tracing_notes x WHERE x.retracts = n.id)`;

/** The JSON path of a class in a prediction's per-class objects (probabilities, decisions, thresholds). */
export const classJsonPath = (className: string): string => `$."${className.replace(/["\\]/g, '')}"`;

/**
 * The sort matters to one filter: under `uncertainty` the "flagged by" filter names the model and class
 * to rank by without keeping only the records that class is flagged on. A queue of the model's least
 * certain calls must hold those just below the threshold as well as those just above, and a filter
 * option of its own would let a request ask for the uncertainty sort over positives only (half the
 * queue, silently). List, count and batch all pass the sort, so they still agree.
 */
export function worklistWhere(filter: WorklistFilter, sort: WorklistSort = 'imported'): WorklistSql {
  const conditions: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.search) {
    params.like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(`(r.source_path LIKE @like ESCAPE '\\' OR r.patient_id LIKE @like ESCAPE '\\'
      OR r.patient_name LIKE @like ESCAPE '\\' OR r.statements LIKE @like ESCAPE '\\' OR o.statements LIKE @like ESCAPE '\\')`);
  }
  if (filter.patientId !== undefined) {
    params.patientId = filter.patientId;
    conditions.push('r.patient_id = @patientId');
  }
  if (filter.review) conditions.push(filter.review === 'confirmed' ? 'o.id IS NOT NULL' : 'o.id IS NULL');
  if (filter.recordedFrom !== undefined) {
    params.recordedFrom = filter.recordedFrom;
    conditions.push('r.recorded_at >= @recordedFrom');
  }
  if (filter.recordedTo !== undefined) {
    // Inclusive of the whole last day: "2024-05-01T23:59" sorts before "2024-05-01~" (the tilde follows every digit and T).
    params.recordedTo = `${filter.recordedTo}~`;
    conditions.push('r.recorded_at < @recordedTo');
  }
  if (filter.sex !== undefined) {
    params.sex = filter.sex;
    conditions.push('r.patient_sex = @sex');
  }
  if (filter.ageMin !== undefined) {
    params.ageMin = filter.ageMin;
    conditions.push('r.patient_age_years >= @ageMin');
  }
  if (filter.ageMax !== undefined) {
    params.ageMax = filter.ageMax;
    conditions.push('r.patient_age_years <= @ageMax');
  }
  if (filter.reader !== undefined) {
    params.reader = filter.reader;
    conditions.push('o.reader = @reader');
  }
  if (filter.flagged !== undefined) {
    params.flagModel = filter.flagged.modelId;
    params.flagPath = classJsonPath(filter.flagged.className);
    // decisions is JSON {class: true|false}; json_extract gives 1 for true. An abstained prediction (NULL) flags nothing.
    if (sort !== 'uncertainty') conditions.push(`json_extract(${latestPrediction('decisions')}, @flagPath) = 1`);
  }
  if (filter.corrected !== undefined) conditions.push(`${filter.corrected ? '' : 'NOT '}EXISTS (SELECT 1 ${correctionInForce})`);
  if (filter.withNotes !== undefined) conditions.push(`${filter.withNotes ? '' : 'NOT '}EXISTS (SELECT 1 ${notesInForce})`);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return { where, params, readsReading: /\bo\./.test(where) };
}

/**
 * ORDER BY for a sort; ties always fall back on the id, so pages never overlap or skip a record.
 * `probability` and `uncertainty` rank by the flagged filter's class and model (its parameters come
 * from worklistWhere); ascending uncertainty is the most uncertain first. `withheldAges`: the current PE score
 * entry ages for which the flagged model's probability is withheld (bound by withheldAgesParam); those records
 * are not ranked by it.
 */
export function worklistOrder(sort: WorklistSort, order: 'asc' | 'desc', filter: WorklistFilter = {}, withheldAges: readonly number[] = []): string {
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  if (modelOutputSorts.includes(sort) && filter.flagged === undefined) {
    throw new EinthovenError('E_VALIDATION', `sorting by ${sort} needs the "flagged by" filter: which model, and which of its classes`);
  }
  switch (sort) {
    case 'probability':
      return rankedUnlessWithheld(`json_extract(${latestPrediction('probabilities')}, @flagPath)`, dir, '', withheldAges);
    case 'uncertainty':
      // Records with nothing to be uncertain about come last in either direction.
      return rankedUnlessWithheld(thresholdDistance, dir, ' NULLS LAST', withheldAges);
    case 'recorded':
      // Records without a date come last either way.
      return `ORDER BY r.recorded_at IS NULL, r.recorded_at ${dir}, r.id ${dir}`;
    case 'patient':
      return `ORDER BY coalesce(r.patient_name, r.patient_id) IS NULL, coalesce(r.patient_name, r.patient_id) COLLATE NOCASE ${dir}, r.patient_id ${dir}, r.id ${dir}`;
    case 'status':
      // Descending: unconfirmed first (what is left to read), then the most recently confirmed.
      return `ORDER BY o.id IS NULL ${dir}, o.confirmed_at ${dir}, r.id ${dir}`;
    case 'imported':
      return `ORDER BY r.imported_at ${dir}, r.id ${dir}`;
  }
}

/**
 * What the worklist's reader and model-output filters can offer: readers of current readings,
 * models with stored predictions. A class the model's latest operating point never flags (no
 * discrimination on validation, so no threshold) is not offered as a filter that would match
 * nothing; it is named apart, so the list can say why it is missing.
 */
export function worklistFacets(db: Db): WorklistFacets {
  const readers = db
    .prepare('SELECT DISTINCT o.reader FROM overreads o WHERE o.id = (SELECT max(id) FROM overreads WHERE record_id = o.record_id) ORDER BY o.reader COLLATE NOCASE')
    .pluck()
    .all() as string[];
  const models = db
    .prepare('SELECT model_id AS id, model_name AS name, classes, op_thresholds AS thresholds FROM predictions WHERE id IN (SELECT max(id) FROM predictions GROUP BY model_id) ORDER BY model_name, model_id')
    .all() as { id: string; name: string; classes: string; thresholds: string }[];
  return {
    readers,
    models: models.map((m) => {
      const classes = JSON.parse(m.classes) as string[];
      const thresholds = JSON.parse(m.thresholds) as Record<string, number | null>;
      const never = (c: string) => isNeverFlagged(thresholds[c]);
      return { id: m.id, name: m.name, classes: classes.filter((c) => !never(c)), neverFlagged: classes.filter(never) };
    }),
  };
}
