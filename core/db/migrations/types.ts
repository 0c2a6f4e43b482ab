export interface Migration {
  /** Sequential from 1; stored in PRAGMA user_version once applied. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
