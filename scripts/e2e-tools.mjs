// The system tools the end-to-end tests drive, checked as the first step of `npm test`: a
// Chromium (found by scripts/chromium.mjs) and poppler's pdftoppm and pdftotext (e2e/print
// renders the printed report's PDF to PNG and reads its text back). What is missing is
// installed from Debian's packages where that can be done (root with apt-get); otherwise the
// run stops at once with the command to run, instead of e2e tests failing one by one with
// "executable doesn't exist" or "spawn pdftoppm ENOENT" (a fresh Debian machine has neither).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findChromium } from './chromium.mjs';

/** Where an executable of this name lies on PATH, or undefined. */
function onPath(command) {
  const names = process.platform === 'win32' ? [`${command}.exe`, command] : [command];
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return dirs.flatMap((dir) => names.map((name) => path.join(dir, name))).find((file) => existsSync(file));
}

const tools = [
  { what: 'Chromium', debianPackage: 'chromium', find: () => findChromium(), otherwise: 'or point CHROMIUM_PATH at a Chromium or Chrome executable' },
  { what: "poppler's pdftoppm and pdftotext", debianPackage: 'poppler-utils', find: () => (onPath('pdftotext') !== undefined ? onPath('pdftoppm') : undefined), otherwise: 'or install poppler by your platform’s means' },
];

function aptInstall(packages) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return false;
  console.log(`npm test: installing Debian's ${packages.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const add = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  return Boolean(add) && add.status === 0;
}

const missing = tools.filter((t) => t.find() === undefined);
if (missing.length > 0) aptInstall(missing.map((t) => t.debianPackage));
const stillMissing = tools.filter((t) => t.find() === undefined);
if (stillMissing.length > 0) {
  const lines = stillMissing.map((t) => `- ${t.what}: sudo apt-get install -y ${t.debianPackage} (${t.otherwise})`);
  console.error(`npm test: the end-to-end tests need tools this machine lacks:\n${lines.join('\n')}`);
  process.exit(1);
}
for (const t of tools) console.log(`npm test: ${t.what}: ${t.find()}`);
