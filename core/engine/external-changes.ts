import type { Db } from '../db/database';

/**
 * Notices what another process committed to the database: the CLI (`ecg import`, a reading or a
 * prediction made with `ecg`) writing into the data folder of an open app, whose windows hear of
 * their engine's own requests only. SQLite's data_version changes exactly when another connection
 * has committed since this one last asked, never for this connection's own writes, so the engine's
 * own changes (said already) are not said twice. One pragma per poll: no file watching, which
 * misses a WAL write on some file systems and fires for every checkpoint on others.
 */
export class ExternalChanges {
  readonly #db: Db;
  readonly #changed: () => void;
  readonly #intervalMs: number;
  #seen: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db, changed: () => void, intervalMs = 2000) {
    this.#db = db;
    this.#changed = changed;
    this.#intervalMs = intervalMs;
    this.#seen = this.#version();
  }

  /** Asks once; says a change (once, however many commits it holds) where another process committed since the last ask. */
  check(): boolean {
    if (!this.#db.open) return false;
    const now = this.#version();
    if (now === this.#seen) return false;
    this.#seen = now;
    this.#changed();
    return true;
  }

  /** Polls while someone listens; the timer keeps no process alive (the CLI's engine never starts it). */
  start(): void {
    if (this.#timer) return;
    this.#seen = this.#version();
    this.#timer = setInterval(() => this.check(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #version(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }
}
