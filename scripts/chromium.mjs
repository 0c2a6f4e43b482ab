// Finds a Chromium for the end-to-end tests: $CHROMIUM_PATH, Debian's, Playwright's download,
// or an installed Chrome/Chromium. scripts/e2e-tools.mjs (the first step of `npm test`) installs
// Debian's where none is found.
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
