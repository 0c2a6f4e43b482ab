import type { EventName } from '../core/contract/channels';
import type { EngineRestarted, EngineStopped } from '../core/contract/engine-events';
import { fail, type Result } from '../core/contract/result';
import type { FromEngine, ToEngine } from '../core/engine/protocol';
import { RunningJobs } from './engine-jobs';
import { RestartBudget } from './restart-budget';

/** The two ways we run the engine (utilityProcess in Electron, child_process in browser mode) look like this. */
export interface EnginePort {
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  /** `lastWords`: the end of what the process wrote to stderr (stderr-tail.ts), '' when nothing. */
  onExit(listener: (code: number | null, lastWords: string) => void): void;
  kill(): void;
}

export type EngineEventHandler = (event: EventName, payload: unknown) => void;

/**
 * How often a stopped engine is started again: at most `maxRestarts` within `windowMs`. An engine
 * that keeps dying (a damaged database, a native module that cannot load) is not restarted in a
 * loop: the windows are told and the log says why.
 */
export interface RestartPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { maxRestarts: 3, windowMs: 10 * 60_000 };

export interface EngineClientOptions {
  readonly restart?: RestartPolicy;
  /** One line per start, stop and restart of the engine process (the shell's log file). */
  readonly log?: (line: string) => void;
}

/**
 * Request/response over an EnginePort, with ids. If the engine dies, every pending call resolves
 * to an E_INTERNAL error instead of hanging the UI, every job it was running is reported failed,
 * and a new engine is started (within the restart policy); calls made meanwhile wait for it.
 * A failure to start the first time is not retried: `ready` rejects and the shell reports it.
 */
export class EngineClient {
  readonly #start: () => EnginePort;
  readonly #policy: RestartPolicy;
  readonly #log: (line: string) => void;
  readonly #pending = new Map<number, (result: Result<unknown>) => void>();
  readonly #eventHandlers = new Set<EngineEventHandler>();
  readonly #jobs = new RunningJobs();
  readonly #restarts: RestartBudget;
  readonly ready: Promise<void>;
  #port!: EnginePort;
  /** Resolves true when the current engine is ready, false when it will never be. */
  #current: Promise<boolean> = Promise.resolve(false);
  #nextId = 1;
  #stopped = false;
  #shuttingDown = false;
  #shutdown: Promise<void> | undefined;

  constructor(start: () => EnginePort, options: EngineClientOptions = {}) {
    this.#start = start;
    this.#policy = options.restart ?? defaultRestartPolicy;
    this.#restarts = new RestartBudget(this.#policy.maxRestarts, this.#policy.windowMs);
    this.#log = options.log ?? (() => undefined);
    this.ready = new Promise((resolve, reject) => this.#launch(null, resolve, reject));
    // A start failure is reported through `ready`; keep it from surfacing as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  async request(channel: string, payload: unknown): Promise<Result<unknown>> {
    if (!(await this.#engineUp())) return fail('E_INTERNAL', 'the engine process is not running (restart Einthoven)');
    const id = this.#nextId++;
    const result = await new Promise<Result<unknown>>((resolve) => {
      this.#pending.set(id, resolve);
      this.#port.send({ type: 'request', id, channel, payload });
    });
    this.#jobs.started(channel, result);
    return result;
  }

  /** Waits for the engine being started, through any restart that follows a failed one; false once it is given up. */
  async #engineUp(): Promise<boolean> {
    for (;;) {
      const current = this.#current;
      const up = await current;
      if (this.#stopped) return false;
      if (up || current === this.#current) return up;
    }
  }

  onEvent(handler: EngineEventHandler): () => void {
    this.#eventHandlers.add(handler);
    return () => this.#eventHandlers.delete(handler);
  }

  /**
   * Asks the engine to finish its jobs and close the database, then kills it if it lingers. Once:
   * a second call (the window's close and the app's quit both ask) gets the first one's promise,
   * where it waited for an exit already seen and never resolved.
   */
  shutdown(graceMs = 3000): Promise<void> {
    this.#shutdown ??= this.#stop(graceMs);
    return this.#shutdown;
  }

  async #stop(graceMs: number): Promise<void> {
    this.#shuttingDown = true;
    if (!(await this.#engineUp())) return;
    const port = this.#port;
    const exited = new Promise<void>((resolve) => port.onExit(() => resolve()));
    port.send({ type: 'shutdown' });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      port.kill();
    }, graceMs);
    await exited;
    clearTimeout(timer);
    // A request after this answers that the engine is not running, where it was sent to the exited process and never answered.
    this.#stopped = true;
    // A stop asked for is logged as the starts and restarts are (docs/security.md): the log told of starts only.
    this.#log(killed ? `engine stopped: killed after it did not close within ${graceMs} ms` : 'engine stopped');
  }

  /**
   * Starts an engine process. `restarts`: null for the first start, else how many restarts the
   * window holds with this one. The first start settles `ready` through `resolve`/`reject`.
   */
  #launch(restarts: number | null, resolve: () => void = () => undefined, reject: (error: Error) => void = () => undefined): void {
    const port = this.#start();
    this.#port = port;
    let isReady = false;
    this.#current = new Promise<boolean>((settle) => {
      port.onMessage((message) => {
        if (message.type === 'ready') {
          isReady = true;
          settle(true);
          this.#log(restarts === null ? 'engine started' : `engine restarted (${restarts} of ${this.#policy.maxRestarts} allowed in ${this.#policy.windowMs / 60_000} min)`);
          resolve();
        } else if (message.type === 'fatal') {
          this.#log(`engine failed to start: ${message.message}`);
          reject(new Error(`engine failed to start: ${message.message}`));
        } else if (message.type === 'response') this.#settle(message.id, message.result);
        else if (message.type === 'event') this.#emit(message.event, message.payload);
      });
      port.onExit((code, lastWords) => {
        settle(false);
        if (port !== this.#port || this.#shuttingDown) return;
        // What the process said last (V8's heap limit, a native abort) is the reason IT needs.
        const said = lastWords ? `; its last messages: ${lastWords}` : '';
        if (!isReady && restarts === null) {
          this.#stopped = true;
          this.#log(`engine exited with code ${code} before it was ready${said}`);
          reject(new Error(`engine exited with code ${code}`));
          return;
        }
        this.#crashed(code, said);
      });
    });
  }

  /** The engine stopped on its own: fail what it was doing, then start it again or give up. */
  #crashed(code: number | null, said: string): void {
    const because = `the engine process stopped (exit code ${code ?? 'none: killed by a signal'})`;
    for (const id of [...this.#pending.keys()]) this.#settle(id, fail('E_INTERNAL', because));
    const interrupted = this.#jobs.failAll(`${because} while this job was running; start it again`);
    for (const { event, payload } of interrupted) this.#emit(event, payload);
    if (!this.#restarts.take()) {
      this.#stopped = true;
      const used = this.#restarts.used();
      this.#log(`${because}${said}; not restarted: ${used} restarts within ${this.#policy.windowMs / 60_000} min`);
      const stopped: EngineStopped = { exitCode: code, at: new Date().toISOString(), restarts: used, interruptedJobs: interrupted.length };
      this.#emit('engine:stopped', stopped);
      return;
    }
    this.#log(`${because}${said}; ${interrupted.length} running job(s) reported failed; restarting`);
    const restarts = this.#restarts.used();
    this.#launch(restarts);
    void this.#current.then((up) => {
      if (!up) return;
      const restarted: EngineRestarted = { exitCode: code, at: new Date().toISOString(), restarts, interruptedJobs: interrupted.length };
      this.#emit('engine:restarted', restarted);
    });
  }

  #emit(event: EventName, payload: unknown): void {
    this.#jobs.observed(event, payload);
    for (const handler of this.#eventHandlers) handler(event, payload);
  }

  #settle(id: number, result: Result<unknown>): void {
    const resolve = this.#pending.get(id);
    if (!resolve) return;
    this.#pending.delete(id);
    resolve(result);
  }
}
