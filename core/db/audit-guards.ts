import { appliedMigrations } from './applied-migrations';
import { openDatabase, type Db } from './database';
import { migrations } from './migrations/index';
import type { RowFinding } from './audit-rows';

/** The triggers that refuse edits (append-only trail, immutable clinical rows), as found in the database. */
export interface GuardCheck {
  /** Guard triggers in place, each with the text its migration created. */
  readonly guards: number;
  /** The database predates migration 0017 (opened read-only, never by this version of the app): its clinical rows are not yet guarded against DELETE and records not against UPDATE. */
  readonly guardsPending: boolean;
  /** Triggers missing or replaced. */
  readonly missing: readonly RowFinding[];
  /** Migrations the database shows were applied that schema_migrations leaves out (core/db/applied-migrations.ts). */
  readonly unrecorded: readonly RowFinding[];
}

/** The migration that guards the clinical rows (0017-clinical-rows-guarded.ts). */
const clinicalGuardsVersion = 17;

/**
 * Every trigger the applied migrations created must still be there with the same text: a dropped
 * trigger is how rows are edited with another SQLite tool, and one replaced by a trigger that
 * raises nothing would pass a check of names alone. The reference is built by running the same
 * migrations on an empty database in memory, so this list can never drift from the migrations.
 */
export function checkGuards(db: Db): GuardCheck {
  const { versions: applied, contradictions } = appliedMigrations(db);
  const reference = triggersOf(openDatabase(':memory:', migrations.filter((m) => applied.has(m.version))).db, true);
  const present = triggersOf(db, false);
  const missing: RowFinding[] = [];
  for (const [name, expected] of reference) {
    const found = present.get(name);
    if (found === undefined) missing.push({ table: expected.table, id: null, recordId: null, entry: null, what: `trigger ${name} is missing: rows of ${expected.table} could be changed without a trace in the trail` });
    else if (found.sql !== expected.sql) missing.push({ table: expected.table, id: null, recordId: null, entry: null, what: `trigger ${name} is not the one its migration created (its text was replaced)` });
  }
  return { guards: reference.size - missing.length, guardsPending: !applied.has(clinicalGuardsVersion), missing, unrecorded: contradictions };
}

function triggersOf(db: Db, close: boolean): Map<string, { table: string; sql: string }> {
  try {
    const rows = db.prepare("SELECT name, tbl_name AS \"table\", sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; table: string; sql: string }[];
    // Whitespace is not meaning: compare the statements with runs of it made one space.
    return new Map(rows.map((r) => [r.name, { table: r.table, sql: r.sql.replace(/\s+/g, ' ').trim() }]));
  } finally {
    if (close) db.close();
  }
}
