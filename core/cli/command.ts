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
  /**
   * Full text for `ecg <name> <subcommand> --help`, for a subcommand whose options and rules the
   * command's own usage does not give (`models promote`); any other subcommand's help is `usage`.
   */
  readonly subcommandUsage?: Readonly<Record<string, string>>;
  /** Returns the process exit code. Throw EinthovenError for a one-line error on stderr. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
