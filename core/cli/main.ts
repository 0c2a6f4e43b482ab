// `npm run ecg -- …`: the CLI from source (tsx). The desktop app runs the same through `--cli`.
import { runCliProcess } from './run';

void runCliProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
