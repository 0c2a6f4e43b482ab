/**
 * Electron main process: one hardened window showing the renderer from app://einthoven/,
 * the engine in a utilityProcess, and validated IPC between them.
 */
import { app, BrowserWindow, dialog, protocol } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../core/engine/data-dir';
import { engineVersion } from '../core/engine/version';
import { cliArgsFrom, runBundledCli } from './cli-mode';
import { EngineClient } from './engine-client';
import { hardenApp, hardenSession } from './hardening';
import { registerIpc } from './ipc';
import { RestartBudget } from './restart-budget';
import { openShellLog, shellLog } from './shell-log';
import { readStaticFile } from './static-files';
import { forkUtilityEngine } from './utility-engine';
import { discardDraftsAnswer, unsignedDraftsQuestion } from './unload-guard';
import { contentSecurityPolicy, mainWindowOptions } from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.join(here, '..', 'dist', 'renderer');
const resourcesDir = app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(here, '..', 'resources');

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

/** Accepts `--data-dir=DIR` and `--data-dir DIR`; Chromium's own switches are left alone. */
function dataDirFromArgs(argv: readonly string[] = process.argv): string {
  const index = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  const arg = index >= 0 ? argv[index] : undefined;
  const flag = arg?.includes('=') ? arg.slice('--data-dir='.length) : argv[index + 1];
  return resolveDataDir(index >= 0 ? flag : undefined);
}

/**
 * The data folder, once start() has resolved it; the failure dialog names it (and its log) when known.
 * Resolved in start(), not as this module loads: a site policy that cannot be read refuses every folder
 * (core/engine/data-dir.ts), and that refusal must reach the dialog, not end the process as an uncaught error.
 */
let dataDir: string | undefined;

function serveRenderer(): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'einthoven' ? await readStaticFile(rendererRoot, url.pathname) : undefined;
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'content-type': file.contentType,
        'content-security-policy': contentSecurityPolicy,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  hardenApp(app.isPackaged);
  await app.whenReady();
  const folder = dataDirFromArgs();
  dataDir = folder;
  const log = openShellLog(folder, engineVersion);
  hardenSession(app.isPackaged);
  serveRenderer();
  const engine = new EngineClient(() => forkUtilityEngine(path.join(here, 'engine.js'), folder, resourcesDir), { log });
  registerIpc(engine);
  await engine.ready;
  const window = new BrowserWindow(mainWindowOptions(path.join(here, 'preload.cjs'), app.isPackaged));
  window.once('ready-to-show', () => window.show());
  // A renderer that crashed (or was killed) leaves a blank window: log it and load the page again, whose
  // state (records, readings, jobs) lives in the engine and is read back as at start.
  // At most 3 reloads in 10 minutes, so a page that crashes as it loads is not reloaded in a loop.
  const reloads = new RestartBudget(3, 10 * 60_000);
  window.webContents.on('render-process-gone', (_event, details) => {
    const reload = details.reason !== 'clean-exit' && reloads.take();
    log(`window's renderer gone (${details.reason}, exit code ${details.exitCode}); ${reload ? 'reloading' : 'not reloaded'}`);
    if (reload) void window.loadURL('app://einthoven/index.html');
  });
  // The page refuses to unload while readings are drafted but unsigned; Electron would then keep the window
  // open without a word, so ask: going back keeps the drafts, discarding lets the close (or reload) go on.
  window.webContents.on('will-prevent-unload', (event) => {
    if (dialog.showMessageBoxSync(window, unsignedDraftsQuestion) === discardDraftsAnswer) event.preventDefault();
  });
  await window.loadURL('app://einthoven/index.html');
  app.on('second-instance', () => window.focus());
  app.on('window-all-closed', () => app.quit());
  // Not on before-quit, which comes before the windows close: a quit the user takes back (to sign a
  // draft) would have left the window without its engine. will-quit comes once every window has closed.
  app.on('will-quit', () => void engine.shutdown());
}

/** `Einthoven --cli …`: the command line, no window, no single-instance lock (the app may be open). */
async function runCliMode(args: readonly string[]): Promise<void> {
  app.exit(await runBundledCli(path.join(here, 'cli.js'), args));
}

const cliArgs = cliArgsFrom(process.argv);
(cliArgs ? runCliMode(cliArgs) : start()).catch((error: unknown) => {
  console.error(cliArgs ? 'Einthoven --cli failed:' : 'Einthoven failed to start:', error);
  if (!cliArgs) {
    const message = error instanceof Error ? error.message : String(error);
    if (dataDir) shellLog(dataDir, engineVersion)(`Einthoven failed to start: ${message}`);
    // A windowed app that exits without a word leaves the user nothing to report: say why, and where the log is
    // (no folder, no log: the data folder itself was refused, and the message says why).
    dialog.showErrorBox('Einthoven could not start', dataDir ? `${message}\n\nData folder: ${dataDir}\nLog: ${path.join(dataDir, 'logs', 'einthoven.log')}` : message);
  }
  app.exit(1);
});
