import type { Migration } from './types';

/**
 * Stored clinical content never changes in place. Records (identity and samples) and their
 * signals refuse UPDATE; an import is the only way in and a removal (`ecg remove`, audited) the
 * only way out. Readings, predictions, notes, corrections and PE scores already refused UPDATE
 * (an amendment is a new row); now they also refuse DELETE while their record is on file, so a
 * signed reading cannot vanish on its own. A removal still takes them with the record: the
 * cascade deletes the record first, so the WHEN clause finds no parent and lets them go.
 * The index lets `ecg audit --verify` find each row's entry by subject without a scan per row.
 */
export const migration0017: Migration = {
  version: 17,
  name: 'clinical-rows-guarded',
  sql: `
    CREATE TRIGGER records_no_update BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'records are immutable: UPDATE refused (remove the record and import it again)'); END;

    CREATE TRIGGER record_signals_no_update BEFORE UPDATE ON record_signals
    BEGIN SELECT RAISE(ABORT, 'record signals are immutable: UPDATE refused'); END;
    CREATE TRIGGER record_signals_no_delete BEFORE DELETE ON record_signals
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'record signals go only with their record: DELETE refused'); END;

    CREATE TRIGGER record_device_measurements_no_update BEFORE UPDATE ON record_device_measurements
    BEGIN SELECT RAISE(ABORT, 'device measurements are immutable: UPDATE refused'); END;
    CREATE TRIGGER record_device_measurements_no_delete BEFORE DELETE ON record_device_measurements
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'device measurements go only with their record: DELETE refused'); END;

    CREATE TRIGGER overreads_no_delete BEFORE DELETE ON overreads
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'readings go only with their record: DELETE refused (amend a reading instead)'); END;

    CREATE TRIGGER predictions_no_delete BEFORE DELETE ON predictions
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'predictions go only with their record: DELETE refused'); END;

    CREATE TRIGGER tracing_notes_no_delete BEFORE DELETE ON tracing_notes
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'tracing notes go only with their record: DELETE refused (retract a note instead)'); END;

    CREATE TRIGGER fiducial_corrections_no_delete BEFORE DELETE ON fiducial_corrections
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'fiducial corrections go only with their record: DELETE refused'); END;

    CREATE TRIGGER pe_assessments_no_delete BEFORE DELETE ON pe_assessments
    WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'PE assessments go only with their record: DELETE refused'); END;

    CREATE INDEX IF NOT EXISTS audit_log_action_subject ON audit_log (action, subject);
  `,
};
