/** What every CLI command module exports. Commands print only their output on stdout. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `ecg --help`. */
  readonly summary: string;
  /** Full text for `ecg <name> --help`. */
  readonly usage: string;
  /** Returns the process exit code. Throw EinthovenError for a one-line error on stderr. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
