/**
 * V8 flags every engine process starts with: the browser-mode child (electron/engine-process.ts),
 * `npm run ecg` / `npm run bench` (package.json; v8-flags.test.ts checks both), and Electron's
 * utility process (electron/utility-engine.ts, through execArgv; see garbageCollectionReport).
 * V8 takes them only at process start: setting this one later with v8.setFlagsFromString aborts
 * the process.
 *
 * --single-threaded-gc: each isolate (the engine's thread, every data-parallel worker) collects
 * its own garbage on its own thread. By default V8 marks concurrently on helper threads shared
 * by the process; training makes several mark-compacts per step (onnxruntime's kernel outputs
 * count as external memory), and with one worker per core those helpers took the workers' cores
 * (ResNet18-1D, batch 32, 2 workers on 2 cores: 869 → 752 ms per step; one worker alone loses
 * up to ~3 %, the marking its helpers did on the idle core — docs/benchmarks.md).
 */
export const engineV8Flags: readonly string[] = ['--single-threaded-gc'];

/** Whether this process started with every engine flag. */
export function engineV8FlagsActive(execArgv: readonly string[] = process.execArgv): boolean {
  return engineV8Flags.every((flag) => execArgv.includes(flag));
}

/**
 * Where garbage collection runs, as `ecg backend` reports it. Under Node the flags on the command
 * line are V8's. Electron's utility process creates its isolate before it reads execArgv
 * (electron/shell/services/node/node_service.cc), so there the flags may show in
 * process.execArgv without reaching V8: said as unverified rather than claimed.
 */
export function garbageCollectionReport(execArgv: readonly string[] = process.execArgv, electron = process.versions.electron): string {
  if (!engineV8FlagsActive(execArgv)) return "V8's default: concurrent marking on helper threads (the engine was started without --single-threaded-gc)";
  if (electron !== undefined) return 'asked for (--single-threaded-gc in execArgv); not verifiable in Electron’s utility process, which may keep V8’s default';
  return 'each thread collects its own garbage (--single-threaded-gc)';
}
