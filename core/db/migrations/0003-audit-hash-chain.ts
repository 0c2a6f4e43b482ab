import type { Migration } from './types';

/**
 * A hash chain over the audit trail: each new entry stores SHA-256 of its own content and the
 * previous entry's hash, so an entry edited or removed behind the app's back (for example after
 * dropping the append-only triggers with another SQLite tool) is found by `ecg audit --verify`.
 * Entries written before this migration keep a NULL hash: the triggers refuse the UPDATE that
 * back-filling would need, and the chain starts at the first entry after it.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'audit-hash-chain',
  sql: `
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64);
    ALTER TABLE audit_log ADD COLUMN hash TEXT CHECK (hash IS NULL OR length(hash) = 64);
    CREATE INDEX audit_log_at ON audit_log (at);
  `,
};
