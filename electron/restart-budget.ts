/**
 * How many restarts are left within a sliding window: an engine or a window that keeps failing is
 * restarted a few times, then left stopped and logged, never restarted in a loop.
 */
export class RestartBudget {
  readonly #times: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Restarts taken within the window that ends at `now`. */
  used(now = Date.now()): number {
    while (this.#times.length > 0 && now - (this.#times[0] ?? 0) > this.windowMs) this.#times.shift();
    return this.#times.length;
  }

  /** Takes one restart if the window has one left; false when it is spent. */
  take(now = Date.now()): boolean {
    if (this.used(now) >= this.max) return false;
    this.#times.push(now);
    return true;
  }
}
