// A child process for core/db/database.test.ts: opens each database file given on the command
// line at an agreed moment (start + k × gap ms), so that two such processes open the same new
// file at once, and prints one line per file: "ok" or the error's code.
import { openDatabase } from '../db/database';

const [startArg, gapArg, ...files] = process.argv.slice(2);
const start = Number(startArg);
const gap = Number(gapArg);
files.forEach((file, k) => {
  const at = start + k * gap;
  // Spinning, not a timer: the two processes must reach the open within a millisecond of each other.
  while (Date.now() < at) {
    /* wait */
  }
  try {
    openDatabase(file).db.close();
    console.log('ok');
  } catch (error) {
    console.log(String((error as { code?: unknown }).code ?? (error as Error).message));
  }
});
