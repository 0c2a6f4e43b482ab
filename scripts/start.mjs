// `npm start`: build, then run the Electron app, or browser mode where no Electron binary exists.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2);

const built = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (built.status !== 0) process.exit(built.status ?? 1);

function electronBinary() {
  if (process.env.EINTHOVEN_BROWSER_MODE === '1') return undefined;
  try {
    // The electron package exports the binary's path, and throws when the binary was never downloaded.
    return require('electron');
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const child = binary
  ? spawn(binary, ['.', ...extraArgs], { stdio: 'inherit' })
  : spawn(process.execPath, ['dist-electron/browser-server.js', ...extraArgs], { stdio: 'inherit' });
if (!binary) console.log('einthoven: no Electron binary here; starting browser mode.');
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
