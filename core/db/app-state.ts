import type { Db } from './database';

/** Small persistent flags (e.g. whether the bundled samples were seeded once). */
export class AppState {
  readonly #get;
  readonly #set;

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
  }
}
