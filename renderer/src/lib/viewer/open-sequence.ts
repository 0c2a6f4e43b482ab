/**
 * Which request to open a record wins. Opening is asynchronous (the engine reads the record),
 * so answers can arrive out of order, and the app opens the newest record by itself at start
 * once everything else has loaded. Together they overrode the user: on the first start after a
 * fresh build (slow), e2e/pe.e2e.ts clicked 00008 while the rest loaded, and the start-up
 * choice (00102), asked for after the click, answered last and replaced it. Rules: the latest
 * request is the one shown (an older answer is dropped), and the app's own choice is not made
 * at all once the user has asked for a record.
 */
export class OpenSequence {
  #latest = 0;
  #userAsked = false;

  /** A ticket for a new request; undefined for an automatic one once the user has asked for a record. */
  begin(automatic: boolean): number | undefined {
    if (automatic && this.#userAsked) return undefined;
    if (!automatic) this.#userAsked = true;
    return ++this.#latest;
  }

  /** Whether the answer to `ticket` is still the one to show. */
  isLatest(ticket: number): boolean {
    return ticket === this.#latest;
  }
}
