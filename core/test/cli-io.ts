import type { CliCommand, CliIO } from '../cli/command';

/** A command's standard output and error, line by line, for a test to read: what `ecg …` would print. */
export function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

/** Runs a command in-process and captures what it prints, with its exit code. */
export async function runCli(command: CliCommand, args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = capture();
  const code = await command.run(args, io);
  return { code, stdout: io.out, stderr: io.err };
}
