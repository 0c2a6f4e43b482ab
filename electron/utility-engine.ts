import { utilityProcess } from 'electron';
import type { FromEngine } from '../core/engine/protocol';
import { engineV8Flags } from '../core/engine/v8-flags';
import type { EnginePort } from './engine-client';
import { StderrTail } from './stderr-tail';

/** Starts the engine in an Electron utilityProcess, so heavy work never blocks the UI. */
export function forkUtilityEngine(entry: string, dataDir: string, resourcesDir: string): EnginePort {
  const child = utilityProcess.fork(entry, ['--data-dir', dataDir, '--resources-dir', resourcesDir, '--shell', 'electron'], {
    serviceName: 'Einthoven engine',
    // stderr through a tail, so the log can say what the engine said before it stopped.
    stdio: ['ignore', 'inherit', 'pipe'],
    execArgv: [...engineV8Flags],
  });
  const tail = new StderrTail();
  tail.follow(child.stderr);
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as FromEngine)),
    onExit: (listener) => child.on('exit', (code) => void tail.settled().then(() => listener(code, tail.text()))),
    kill: () => void child.kill(),
  };
}
