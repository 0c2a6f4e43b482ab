import Database from 'better-sqlite3';
import type { Db } from './database';
import { migrations } from './migrations/index';
import type { Migration } from './migrations/types';
import type { RowFinding } from './audit-rows';
import { listed } from '../contract/counted';

/**
 * Which migrations a database has had, as `ecg audit --verify` may believe it. The record of them
 * (`schema_migrations`, or `user_version` in a database from before that table) is a table like
 * any other: someone with write access who drops guard triggers can also delete the rows saying
 * the migration that created them ran, and verify would then take the missing guards for a
 * database not yet upgraded. So the record is checked against what the database itself shows:
 * objects a migration creates still being there, `user_version` naming it, and entries in the
 * (separately verified, hash-chained) trail that only a version which applied it writes. A
 * migration shown but not recorded is a contradiction, reported, and counted as applied.
 */
export interface AppliedMigrations {
  /** Recorded as applied, or shown to have been. */
  readonly versions: ReadonlySet<number>;
  /** One finding per migration the database shows but the record leaves out. */
  readonly contradictions: readonly RowFinding[];
}

/**
 * Trail entries only a version that applied a migration writes. Row digests (`storedSha256`) and
 * identity HMACs came in the same change as migration 17, and every version migrates a database
 * before it writes an entry to it (read-only opens write nothing), so one such entry means 17 ran.
 */
const trailEvidence: readonly { version: number; what: string; where: string }[] = [
  { version: 17, what: 'a row digest', where: "(json_extract(details, '$.storedSha256') IS NOT NULL OR json_extract(details, '$.identityHmac') IS NOT NULL)" },
];

export function appliedMigrations(db: Db): AppliedMigrations {
  const recorded = recordedVersions(db);
  const versions = new Set(recorded);
  const contradictions: RowFinding[] = [];
  for (const migration of migrations) {
    if (recorded.has(migration.version)) continue;
    const evidence = evidenceOf(db, migration);
    if (evidence.length === 0) continue;
    versions.add(migration.version);
    contradictions.push({
      table: 'schema_migrations',
      id: null,
      recordId: null,
      entry: null,
      what: `migration ${migration.version} (${migration.name}) is not recorded as applied, yet ${evidence.join('; ')}: the record of applied migrations was edited (its guards are checked as applied)`,
    });
  }
  return { versions, contradictions };
}

/** Versions in schema_migrations, or every version up to user_version in a database from before that table. */
function recordedVersions(db: Db): Set<number> {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (hasTable) return new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const version = db.pragma('user_version', { simple: true }) as number;
  return new Set(migrations.filter((m) => m.version <= version).map((m) => m.version));
}

/** What in the database shows that `migration` ran, in words; empty when nothing does. */
function evidenceOf(db: Db, migration: Migration): string[] {
  const evidence: string[] = [];
  const footprint = footprintOf(migration);
  const present = presentParts(db, footprint);
  const parts = footprint.objects.length + footprint.columns.length;
  if (present.length === 1) evidence.push(`its ${present[0] ?? ''} is in the database`);
  else if (present.length > 1) evidence.push(`${present.length} of its ${parts} schema objects are in the database (${fewListed(present)})`);
  if ((db.pragma('user_version', { simple: true }) as number) === migration.version) evidence.push(`user_version says ${migration.version}`);
  for (const trail of trailEvidence.filter((t) => t.version === migration.version)) {
    const entry = db.prepare(`SELECT min(id) FROM audit_log WHERE ${trail.where}`).pluck().get() as number | null;
    if (entry !== null) evidence.push(`entry ${entry} of the trail holds ${trail.what}, which only a version that applied it writes`);
  }
  return evidence;
}

/** "trigger a, trigger b, index c and 3 more": a few named, so the line stays readable. */
function fewListed(parts: readonly string[]): string {
  return parts.length > 3 ? `${parts.slice(0, 3).join(', ')} and ${parts.length - 3} more` : listed(parts);
}

/** What one migration adds to the schema: objects (tables, indexes, triggers, views) and columns of tables that were there before it. */
interface Footprint {
  readonly objects: readonly { type: string; name: string }[];
  readonly columns: readonly { table: string; column: string }[];
}

function presentParts(db: Db, footprint: Footprint): string[] {
  const objectThere = db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?');
  const objects = footprint.objects.filter((o) => objectThere.get(o.type, o.name) !== undefined).map((o) => `${o.type} ${o.name}`);
  const columns = footprint.columns.filter((c) => columnsOf(db, c.table).has(c.column)).map((c) => `column ${c.table}.${c.column}`);
  return [...objects, ...columns];
}

let footprints: ReadonlyMap<number, Footprint> | undefined;

/**
 * Each migration's footprint, found by running the migrations one by one on an empty database in
 * memory and comparing the schema before and after each: it can never drift from the migrations.
 */
function footprintOf(migration: Migration): Footprint {
  footprints ??= computeFootprints();
  return footprints.get(migration.version) ?? { objects: [], columns: [] };
}

function computeFootprints(): Map<number, Footprint> {
  const db = new Database(':memory:');
  try {
    const result = new Map<number, Footprint>();
    let before = schemaOf(db);
    for (const migration of migrations) {
      db.exec(migration.sql);
      const after = schemaOf(db);
      const objects = [...after.objects].filter((key) => !before.objects.has(key)).map((key) => JSON.parse(key) as { type: string; name: string });
      const columns = [...after.columns].filter((key) => !before.columns.has(key)).map((key) => JSON.parse(key) as { table: string; column: string });
      // A column of a table this migration created is shown by the table itself.
      const created = new Set(objects.filter((o) => o.type === 'table').map((o) => o.name));
      result.set(migration.version, { objects, columns: columns.filter((c) => !created.has(c.table)) });
      before = after;
    }
    return result;
  } finally {
    db.close();
  }
}

function schemaOf(db: Db): { objects: Set<string>; columns: Set<string> } {
  // SQLite's own objects (autoindexes, sqlite_sequence) come with the tables that need them.
  const rows = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as { type: string; name: string }[];
  const objects = new Set(rows.map((r) => JSON.stringify({ type: r.type, name: r.name })));
  const columns = new Set(rows.filter((r) => r.type === 'table').flatMap((r) => [...columnsOf(db, r.name)].map((column) => JSON.stringify({ table: r.name, column }))));
  return { objects, columns };
}

function columnsOf(db: Db, table: string): Set<string> {
  // A table name from sqlite_master or from the migrations' own schema, never from input; quoted all the same.
  return new Set(db.prepare(`SELECT name FROM pragma_table_info('${table.replace(/'/g, "''")}')`).pluck().all() as string[]);
}
