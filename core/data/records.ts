import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EinthovenError } from '../errors';
import { decodeFiles } from '../formats/index';
import type { EcgRecord, SourceFile } from '../formats/record';
import { limits } from '../formats/limits';
import type { LeadSignal } from '../signal/pipeline';

/** Reads files from disk as SourceFiles (names are base names, as a WFDB header refers to them). */
export async function readSourceFiles(files: readonly string[]): Promise<SourceFile[]> {
  return Promise.all(
    files.map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      if (!info) throw new EinthovenError('E_NOT_FOUND', `${file}: no such file`);
      // A device or a pipe has size 0 to stat, so the limit below never applied to it.
      if (!info.isFile()) throw new EinthovenError('E_VALIDATION', `${file}: not a regular file (a folder, device, pipe or socket); nothing was read from it`);
      if (info.size > limits.maxFileBytes) throw new EinthovenError('E_TOO_LARGE', `${file}: ${info.size} bytes exceed the limit`);
      return { name: path.basename(file), bytes: new Uint8Array(await readFile(file)) };
    }),
  );
}

/**
 * How many times this thread decoded records from their files: what the jobs' tests count to show
 * that a job decodes each of its records once.
 */
export const recordDecodings = { count: 0 };

/** Decodes one record from its files; E_FORMAT (or the reader's code) naming the file when it cannot. */
export async function decodeRecordFiles(files: readonly string[]): Promise<EcgRecord> {
  recordDecodings.count++;
  const outcomes = decodeFiles(await readSourceFiles(files));
  const ok = outcomes.find((o) => o.ok);
  if (ok?.ok) return ok.record;
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new EinthovenError(failed.error.code, failed.error.message);
  throw new EinthovenError('E_FORMAT', `${files[0] ?? '?'}: no record decoded`);
}

/**
 * The record's leads in the requested order (canonical I..V6 by default). A missing lead is
 * all zeros, as a dropped lead is in training, so a model still gets its full input.
 */
export function recordToLeadSignal(record: EcgRecord, leads: readonly string[]): LeadSignal {
  const byName = new Map(record.leads.map((l) => [l.name, l.samples]));
  return {
    fs: record.fs,
    signal: leads.map((name) => {
      const samples = byName.get(name);
      return samples ? Float32Array.from(samples) : new Float32Array(record.nSamples);
    }),
  };
}
