/**
 * V8 flags every engine process starts with: Electron's utility process (electron/utility-engine.ts),
 * the browser-mode child (electron/engine-process.ts), and `npm run ecg` / `npm run bench`
 * (package.json; v8-flags.test.ts checks both). V8 takes them only at process start: setting
 * this one later with v8.setFlagsFromString aborts the process.
 *
 * --single-threaded-gc: each isolate (the engine's thread, every data-parallel worker) collects
 * its own garbage on its own thread. By default V8 marks concurrently on helper threads shared
 * by the process; training makes several mark-compacts per step (onnxruntime's kernel outputs
 * count as external memory), and with one worker per core those helpers took the workers' cores
 * (ResNet18-1D, batch 32, 2 workers on 2 cores: 869 → 752 ms per step; one worker alone loses
 * ~3 %, the marking its helpers did on the idle core — docs/benchmarks.md).
 */
export const engineV8Flags: readonly string[] = ['--single-threaded-gc'];

/** Whether this process started with every engine flag. */
export function engineV8FlagsActive(execArgv: readonly string[] = process.execArgv): boolean {
  return engineV8Flags.every((flag) => execArgv.includes(flag));
}
