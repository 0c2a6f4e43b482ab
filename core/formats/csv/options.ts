/** What a CSV file cannot tell by itself; the import dialog asks for what is missing. */
export interface CsvOptions {
  /** Sampling rate in Hz. */
  fs?: number;
  /** Units of the values: 'mV', 'uV' or a number of µV per value (e.g. 5 for 5 µV/LSB). */
  units?: 'mV' | 'uV' | number;
  /** Lead names in column order (a time column excluded). */
  leads?: readonly string[];
}

/** What the import must ask for when a CSV cannot tell it. */
export type CsvNeed = 'fs' | 'units' | 'leads';

/** The CSV needs answers before it can be read: which, and how many data columns there are. */
export interface CsvQuestion {
  readonly needs: readonly CsvNeed[];
  readonly columns: number;
  /** Column labels from a header row, when there is one (a time column excluded). */
  readonly header?: readonly string[];
}
