// The static checks and the build that `npm test` runs before the test suites, side by side:
// each is a separate process (tsc is single-threaded), so on CI's 2 cores two run at once instead
// of one after another. Each one's output is printed whole when it ends, never interleaved, with
// how long it took; the run fails if any failed, after all have ended.
import { spawn } from 'node:child_process';
import os from 'node:os';

/** In package.json's order: longest first (as measured on the 2-core machine), so the last to start is a short one. */
const scripts = process.argv.slice(2);
const slots = Math.max(1, Math.min(scripts.length, os.availableParallelism()));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs one npm script with its output captured; resolves with whether it passed. */
function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(npm, ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const text = Buffer.concat(output).toString().trimEnd();
      console.log(`${code === 0 ? 'passed' : 'FAILED'}: npm run ${script} (${seconds} s)${text ? `\n${text}` : ''}`);
      resolve(code === 0);
    });
  });
}

const queue = [...scripts];
const failed = [];
await Promise.all(
  Array.from({ length: slots }, async () => {
    for (let script = queue.shift(); script !== undefined; script = queue.shift()) if (!(await run(script))) failed.push(script);
  }),
);
if (failed.length > 0) {
  console.error(`npm test: ${failed.join(', ')} failed`);
  process.exit(1);
}
