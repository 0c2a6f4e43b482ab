// Finds a Chromium for the end-to-end tests: $CHROMIUM_PATH, Debian's, Playwright's download,
// or an installed Chrome/Chromium. Run as a script (the first step of `npm test`), it installs
// Debian's chromium where it can (root with apt-get) or stops at once with the one command to run,
// instead of letting every e2e test fail with "executable doesn't exist".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function playwrightBrowsers() {
  const roots = [process.env.PLAYWRIGHT_BROWSERS_PATH, path.join(os.homedir(), '.cache', 'ms-playwright'), path.join(os.homedir(), 'Library', 'Caches', 'ms-playwright')].filter(Boolean);
  const found = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const dir of readdirSync(root).filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d)).sort().reverse()) {
      for (const exe of ['chrome-linux/chrome', 'chrome-linux/headless_shell', 'chrome-mac/Chromium.app/Contents/MacOS/Chromium', 'chrome-win/chrome.exe']) found.push(path.join(root, dir, exe));
    }
  }
  return found;
}

const candidates = () => [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  ...playwrightBrowsers(),
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
].filter(Boolean);

/** The first Chromium-family browser found, or undefined. */
export function findChromium() {
  return candidates().find((file) => existsSync(file));
}

const installCommand = 'sudo apt-get install -y chromium';

function install() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return false;
  console.log('npm test: no Chromium found; installing Debian\'s chromium (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const add = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  return add && add.status === 0 && findChromium() !== undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = findChromium() ?? (install() ? findChromium() : undefined);
  if (!found) {
    console.error(`npm test: the end-to-end tests need Chromium and none was found (looked for $CHROMIUM_PATH, Debian's, Playwright's and Chrome).\nInstall it with:\n\n  ${installCommand}\n\nor point CHROMIUM_PATH at a Chromium or Chrome executable.`);
    process.exit(1);
  }
  console.log(`npm test: Chromium at ${found}`);
}
