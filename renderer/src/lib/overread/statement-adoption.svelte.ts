import type { AdoptedStatement } from './adoption-entry';

/**
 * One-click adoption of a computed (rule-based) statement into the physician's reading. The
 * statements panel and the reading form live in different components; this small queue joins
 * them: the panel asks, the open reading takes the requests for its record into its draft
 * (adoption-entry.ts says how: by SCP code or as typed text) and the panel shows what was
 * taken.
 */
export interface AdoptionRequest extends AdoptedStatement {
  readonly recordId: number;
}

export class StatementAdoption {
  pending = $state.raw<AdoptionRequest[]>([]);
  /** `${recordId}:${code}` of every statement taken into a draft, for the panel's ✓ (a a few dozen at most). */
  adopted = $state.raw<readonly string[]>([]);

  adopt(request: AdoptionRequest): void {
    this.pending = [...this.pending, request];
  }

  /** Removes and returns the requests for one record. */
  take(recordId: number): AdoptionRequest[] {
    const mine = this.pending.filter((r) => r.recordId === recordId);
    if (mine.length === 0) return [];
    this.pending = this.pending.filter((r) => r.recordId !== recordId);
    this.adopted = [...this.adopted, ...mine.map((r) => `${r.recordId}:${r.code}`)];
    return mine;
  }

  isAdopted(recordId: number, code: string): boolean {
    return this.adopted.includes(`${recordId}:${code}`);
  }
}

/** One queue for the window: statements panel and reading form of the open record share it. */
export const statementAdoption = new StatementAdoption();
