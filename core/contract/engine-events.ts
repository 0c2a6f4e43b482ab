import { z } from 'zod';

/**
 * What the shell (Electron main, or the browser-mode server) says about the engine process
 * itself. The engine runs in a process of its own so that a crash there (out of memory in a
 * training, a native module failing) cannot take the window down; the shell then starts it again
 * (electron/engine-client.ts) and says so, since whatever was running in it stopped.
 */
/** The engine stopped too often to be started again: the app must be restarted (see the log). */
export const EngineStoppedSchema = z.object({
  /** The stopped process's exit code; null where it was killed by a signal. */
  exitCode: z.number().int().nullable(),
  /** When it was restarted (engine:restarted: when the new engine was ready), or given up (ISO 8601). */
  at: z.string(),
  /** Restarts within the restart window (engine:restarted: this one included). */
  restarts: z.number().int().nonnegative(),
  /** Imports, trainings and evaluations that were running and were reported failed. */
  interruptedJobs: z.number().int().nonnegative(),
});

/** The engine stopped and was started again. */
export const EngineRestartedSchema = EngineStoppedSchema.extend({ restarts: z.number().int().positive() });

export const engineEvents = {
  'engine:restarted': EngineRestartedSchema,
  'engine:stopped': EngineStoppedSchema,
} as const;

export type EngineRestarted = z.infer<typeof EngineRestartedSchema>;
export type EngineStopped = z.infer<typeof EngineStoppedSchema>;
