/** What a CSV file cannot tell by itself; the import dialog asks for what is missing. */
export interface CsvOptions {
  /** Sampling rate in Hz. */
  fs?: number;
  /** Units of the values: 'mV', 'uV' or a number of µV per value (e.g. 5 for 5 µV/LSB). */
  units?: 'mV' | 'uV' | number;
  /** Lead names in column order (a time column excluded). */
  leads?: readonly string[];
}
