import type { EventName } from '../core/contract/channels';
import { fail, type Result } from '../core/contract/result';
import type { FromEngine, ToEngine } from '../core/engine/protocol';

/** The two ways we run the engine (utilityProcess in Electron, child_process in browser mode) look like this. */
export interface EnginePort {
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type EngineEventHandler = (event: EventName, payload: unknown) => void;

/**
 * Request/response over an EnginePort, with ids. If the engine dies, every pending call
 * resolves to an E_INTERNAL error instead of hanging the UI.
 */
export class EngineClient {
  readonly #port: EnginePort;
  readonly #pending = new Map<number, (result: Result<unknown>) => void>();
  readonly #eventHandlers = new Set<EngineEventHandler>();
  readonly ready: Promise<void>;
  #nextId = 1;
  #exited = false;

  constructor(port: EnginePort) {
    this.#port = port;
    this.ready = new Promise((resolve, reject) => {
      port.onMessage((message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'fatal') reject(new Error(`engine failed to start: ${message.message}`));
        else if (message.type === 'response') this.#settle(message.id, message.result);
        else if (message.type === 'event') for (const handler of this.#eventHandlers) handler(message.event, message.payload);
      });
      port.onExit((code) => {
        this.#exited = true;
        reject(new Error(`engine exited with code ${code}`));
        for (const id of [...this.#pending.keys()]) this.#settle(id, fail('E_INTERNAL', 'the engine process stopped'));
      });
    });
    // A start failure is reported through `ready`; keep it from surfacing as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  request(channel: string, payload: unknown): Promise<Result<unknown>> {
    if (this.#exited) return Promise.resolve(fail('E_INTERNAL', 'the engine process is not running'));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#port.send({ type: 'request', id, channel, payload });
    });
  }

  onEvent(handler: EngineEventHandler): () => void {
    this.#eventHandlers.add(handler);
    return () => this.#eventHandlers.delete(handler);
  }

  /** Asks the engine to finish its jobs and close the database, then kills it if it lingers. */
  async shutdown(graceMs = 3000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#port.onExit(() => resolve()));
    this.#port.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.#port.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  #settle(id: number, result: Result<unknown>): void {
    const resolve = this.#pending.get(id);
    if (!resolve) return;
    this.#pending.delete(id);
    resolve(result);
  }
}
