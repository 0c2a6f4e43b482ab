import type { CliIO } from '../cli/command';

/** A command's standard output and error, line by line, for a test to read: what `ecg …` would print. */
export function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}
