import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FromEngine } from '../core/engine/protocol';
import { engineV8Flags } from '../core/engine/v8-flags';
import type { EnginePort } from './engine-client';
import { StderrTail } from './stderr-tail';

export interface EngineLaunch {
  /** dist-electron/engine.js when built; core/engine/main.ts is run through tsx in dev and tests. */
  readonly entry: string;
  readonly dataDir: string;
  readonly resourcesDir?: string | undefined;
}

/** Starts the engine as a plain Node child process (browser mode, tests). */
export function forkEngine(launch: EngineLaunch): EnginePort {
  const args = ['--data-dir', launch.dataDir, '--shell', 'browser'];
  if (launch.resourcesDir) args.push('--resources-dir', launch.resourcesDir);
  const execArgv = [...engineV8Flags, ...(launch.entry.endsWith('.ts') ? ['--import', 'tsx'] : [])];
  const child = fork(launch.entry, args, {
    serialization: 'advanced',
    execArgv,
    // stderr through a tail, so the log can say what the engine said before it stopped.
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const tail = new StderrTail();
  tail.follow(child.stderr);
  return {
    // A message to a process that has just died fails here; its exit, seen next, answers every pending call
    // (engine-client.ts). Without the callback the failure is an 'error' event that would stop this process too.
    send: (message) => void child.send(message, () => undefined),
    onMessage: (listener) => child.on('message', (message) => listener(message as FromEngine)),
    onExit: (listener) => child.on('exit', (code) => void tail.settled().then(() => listener(code, tail.text()))),
    kill: () => child.kill(),
  };
}

/** The built engine if present, else its TypeScript source (run through tsx). */
export function defaultEngineEntry(repoRoot: string): string {
  const built = path.join(repoRoot, 'dist-electron', 'engine.js');
  return existsSync(built) ? built : path.join(repoRoot, 'core', 'engine', 'main.ts');
}
