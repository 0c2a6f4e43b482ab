/**
 * Browser mode: where no Electron binary exists, the same renderer is served on
 * 127.0.0.1 (random port, session token) and bridged to the same engine process.
 *
 *   node dist-electron/browser-server.js [--data-dir DIR] [--port N]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../core/engine/data-dir';
import { engineVersion } from '../../core/engine/version';
import { EngineClient } from '../engine-client';
import { forkEngine } from '../engine-process';
import { openShellLog } from '../shell-log';
import { startBrowserModeServer } from './server';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  const dataDir = resolveDataDir(values['data-dir']);
  // Before the engine starts: what an earlier version left open in the folder is tightened first (shell-log.ts).
  const log = openShellLog(dataDir, engineVersion);
  const engine = new EngineClient(() => forkEngine({ entry: path.join(here, 'engine.js'), dataDir, resourcesDir: path.join(repoRoot, 'resources') }), { log });
  await engine.ready;
  const server = await startBrowserModeServer({
    rendererRoot: path.join(repoRoot, 'dist', 'renderer'),
    engine,
    ...(values.port ? { port: Number(values.port) } : {}),
  });
  process.stdout.write(`Einthoven (browser mode; research use only) is running at:\n${server.url}\n`);
  process.stdout.write(`data: ${dataDir}\n`);
  const stop = async () => {
    await server.close();
    await engine.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`einthoven: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
