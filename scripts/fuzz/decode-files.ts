/**
 * Decodes each given file (a WFDB header with its signal files) in turn and prints one JSON line
 * per file: {file, ok, code?, message?, ms, peakRssMb}. peakRssMb is the process's peak so far,
 * so a run whose last line stays under a cap kept every file under it. Used by
 * core/formats/reproducers.test.ts:  npx tsx scripts/fuzz/decode-files.ts FILE…
 */
import { toErrorInfo } from '../../core/errors';
import { decodeFiles } from '../../core/formats/index';
import { loadFilesForDecoding } from '../../core/formats/load';
import { initFlac } from '../../core/formats/wfdb/flac';

await initFlac();
for (const file of process.argv.slice(2)) {
  const started = performance.now();
  let line: Record<string, unknown>;
  try {
    const outcome = decodeFiles(loadFilesForDecoding([file]))[0];
    line = outcome?.ok ? { ok: true, fs: outcome.record.fs, nSamples: outcome.record.nSamples } : { ok: false, code: outcome?.error.code, message: outcome?.error.message, unexpected: outcome && !outcome.ok ? outcome.unexpected : undefined };
  } catch (error) {
    line = { ok: false, thrown: true, ...toErrorInfo(error) };
  }
  const ms = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc: one file's garbage is not counted against the next
  process.stdout.write(`${JSON.stringify({ file, ...line, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}
