// Fetches the Electron binary where the network allows it. npm itself never runs
// electron's install script (package.json allowScripts: electron false) because on
// registry-only machines that download fails and would fail `npm install`; here a
// failure only means the app starts in browser mode.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const installer = 'node_modules/electron/install.js';
if (process.env.EINTHOVEN_SKIP_ELECTRON === '1' || process.env.CI === 'true' || !existsSync(installer)) {
  process.exit(0);
}
const result = spawnSync(process.execPath, [installer], { stdio: 'pipe', timeout: 180_000, encoding: 'utf8' });
if (result.status === 0) {
  console.log('einthoven: Electron binary installed.');
} else {
  console.log('einthoven: Electron binary not available (no download access); `npm start` will use browser mode.');
}
