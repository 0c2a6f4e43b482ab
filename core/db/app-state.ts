import type { Db } from './database';

/** Small persistent flags (e.g. whether the bundled samples were seeded once). */
export class AppState {
  readonly #get;
  readonly #set;
  /** Values this process wrote: what was chosen in this session, as opposed to remembered from an earlier one. */
  readonly #thisSession = new Map<string, string>();

  constructor(db: Db) {
    this.#get = db.prepare('SELECT value FROM app_state WHERE key = ?');
    this.#set = db.prepare(
      'INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): string | undefined {
    const row = this.#get.get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.#set.run(key, value);
    this.#thisSession.set(key, value);
  }

  /** The value written in this session, if any (undefined when it was only remembered from an earlier one). */
  setThisSession(key: string): string | undefined {
    return this.#thisSession.get(key);
  }
}
