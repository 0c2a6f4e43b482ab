import type { Migration } from './types';

/**
 * Who did it, beyond the app's role name in `actor`: the operating-system account the app or
 * the CLI ran under, and the reader (cardiologist) chosen in the app, where one is. Both are
 * part of each new entry's hash (core/db/audit-chain.ts), so they cannot be edited unseen.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'audit-attribution',
  sql: `
    ALTER TABLE audit_log ADD COLUMN os_account TEXT;
    ALTER TABLE audit_log ADD COLUMN reader TEXT;
  `,
};
