import { appliedMigrations } from './applied-migrations';
import { openDatabase, type Db } from './database';
import { migrations } from './migrations/index';
import type { Migration } from './migrations/types';
import type { RowFinding } from './audit-rows';

/** A guard this version's migrations create that the database does not have yet (it was never opened writable by this version). */
export interface PendingGuard {
  readonly table: string;
  readonly refuses: 'UPDATE' | 'DELETE';
  /** The migration that adds it when the app next opens the folder. */
  readonly version: number;
}

/** The triggers that refuse edits (append-only trail, immutable clinical rows), as found in the database. */
export interface GuardCheck {
  /** Guard triggers in place, each with the text its migration created. */
  readonly guards: number;
  /** Some guards are not there yet (`pendingGuards`): the database predates their migration (opened read-only, never by this version of the app). */
  readonly guardsPending: boolean;
  /** Each guard not there yet, and what it will refuse. */
  readonly pendingGuards: readonly PendingGuard[];
  /** Tables a trigger in place (with its migration's text) refuses to UPDATE: their rows cannot have been edited without a finding. */
  readonly updateGuarded: readonly string[];
  /** Triggers missing or replaced. */
  readonly missing: readonly RowFinding[];
  /** Migrations the database shows were applied that schema_migrations leaves out (core/db/applied-migrations.ts). */
  readonly unrecorded: readonly RowFinding[];
}

interface Trigger {
  readonly table: string;
  readonly sql: string;
}

/**
 * Every trigger the applied migrations created must still be there with the same text: a dropped
 * trigger is how rows are edited with another SQLite tool, and one replaced by a trigger that
 * raises nothing would pass a check of names alone. The reference is built by running the same
 * migrations on an empty database in memory, so this list can never drift from the migrations.
 */
export function checkGuards(db: Db): GuardCheck {
  const { versions: applied, contradictions } = appliedMigrations(db);
  const reference = referenceTriggers(migrations.filter((m) => applied.has(m.version)));
  const present = triggersOf(db);
  const missing: RowFinding[] = [];
  const updateGuarded = new Set<string>();
  for (const [name, expected] of reference) {
    const found = present.get(name);
    if (found === undefined) missing.push({ table: expected.table, id: null, recordId: null, entry: null, what: `trigger ${name} is missing: rows of ${expected.table} could be changed without a trace in the trail` });
    else if (found.sql !== expected.sql) missing.push({ table: expected.table, id: null, recordId: null, entry: null, what: `trigger ${name} is not the one its migration created (its text was replaced)` });
    else if (refuses(expected) === 'UPDATE') updateGuarded.add(expected.table);
  }
  const pendingGuards = pendingOf(applied, reference);
  // A list, not a Set: `ecg audit --verify --json` prints the check as it is.
  return { guards: reference.size - missing.length, guardsPending: pendingGuards.length > 0, pendingGuards, updateGuarded: [...updateGuarded], missing, unrecorded: contradictions };
}

/** The guards of migrations not applied, each with the first migration (by number) that creates it. */
function pendingOf(applied: ReadonlySet<number>, reference: ReadonlyMap<string, Trigger>): PendingGuard[] {
  const pending = new Map<string, PendingGuard>();
  for (const migration of migrations.filter((m) => !applied.has(m.version))) {
    for (const [name, trigger] of referenceTriggers(migrations.filter((m) => applied.has(m.version) || m.version <= migration.version))) {
      const statement = refuses(trigger);
      if (!reference.has(name) && !pending.has(name) && statement !== null) pending.set(name, { table: trigger.table, refuses: statement, version: migration.version });
    }
  }
  return [...pending.values()];
}

/** The statement a guard refuses, read from its text ("BEFORE UPDATE ON records … RAISE"). */
function refuses(trigger: Trigger): 'UPDATE' | 'DELETE' | null {
  if (!/RAISE\s*\(/i.test(trigger.sql)) return null;
  return /^CREATE TRIGGER \w+ BEFORE (UPDATE|DELETE) ON/i.exec(trigger.sql)?.[1]?.toUpperCase() as 'UPDATE' | 'DELETE' | undefined ?? null;
}

function referenceTriggers(list: readonly Migration[]): Map<string, Trigger> {
  const { db } = openDatabase(':memory:', list);
  try {
    return triggersOf(db);
  } finally {
    db.close();
  }
}

function triggersOf(db: Db): Map<string, Trigger> {
  const rows = db.prepare("SELECT name, tbl_name AS \"table\", sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; table: string; sql: string }[];
  // Whitespace is not meaning: compare the statements with runs of it made one space.
  return new Map(rows.map((r) => [r.name, { table: r.table, sql: r.sql.replace(/\s+/g, ' ').trim() }]));
}
