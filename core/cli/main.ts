// The CLI from source (tsx): `npm run ecg -- …` through npm-entry.mjs, tests with `node --import tsx core/cli/main.ts`.
// The desktop app runs the same through `--cli`.
import { runCliProcess } from './run';

void runCliProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
