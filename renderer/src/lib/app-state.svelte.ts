import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../core/contract/bridge';
import type { RequestOf, ResponseOf } from '../../../core/contract/channels';
import type { Result } from '../../../core/contract/result';
import type { AppInfo, RecordDetail, RecordSummary } from '../../../core/contract/schemas';
import type { WorklistFilter, WorklistSort } from '../../../core/contract/worklist-schemas';
import { emptyRangeText } from './empty-range';
import { OpenSequence } from './viewer/open-sequence';

const key = Symbol.for('einthoven.app-state');

/** Rows are fetched a page at a time, as the list scrolls to them. */
export const worklistPageSize = 200;

/** The worklist's filters beyond the search box and the review status (sex, age, dates, reader, model output). */
export type WorklistFilters = Omit<WorklistFilter, 'search' | 'review' | 'patientId'>;

/** What the whole UI shares: the bridge, app info, the worklist and the open record. */
export class AppState {
  readonly bridge: EinthovenBridge;
  info = $state.raw<AppInfo | null>(null);
  /** Rows of the list by position; a position not fetched yet is undefined (virtual scrolling fetches what comes into view). */
  rows = $state.raw<(RecordSummary | undefined)[]>([]);
  total = $state(0);
  search = $state('');
  /** Worklist filter of the record list. */
  review = $state<'all' | 'unconfirmed' | 'confirmed'>('all');
  filters = $state<WorklistFilters>({});
  sort = $state<WorklistSort>('imported');
  order = $state<'asc' | 'desc'>('desc');
  selected = $state.raw<RecordDetail | null>(null);
  /** Where the open record sits in the list, when it was opened from it (next/previous go on from there). */
  selectedPosition = $state<number | null>(null);
  error = $state<string | null>(null);
  /** What became of a record no longer on screen (it was removed), until another record is opened. */
  notice = $state<string | null>(null);
  /** Counts completed refreshes (an import, a signature, a filter change): views that show a record's reading read it again. */
  refreshes = $state(0);
  /** Bumped by every refresh: a page that arrives for an older query is dropped. */
  #generation = 0;
  /** Pages being fetched (plain bookkeeping, never rendered). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pending = new Set<number>();
  /** Records this window is removing: their removal is said by its own answer, not as one made in another window. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #removing = new Set<number>();
  /** A refresh for changes is running, and another is wanted after it (#refreshOnce; plain bookkeeping, never rendered). */
  #refreshing = false;
  #refreshAgain = false;
  /** Which open request is shown (open-sequence.ts): the latest, and the app's own only if the user asked for none. */
  readonly #opens = new OpenSequence();

  constructor(bridge: EinthovenBridge) {
    this.bridge = bridge;
    // A reading signed, a correction or a note made in another window (one engine serves every window) is
    // listed here too; this window's own changes refresh it as well, the later refresh winning.
    bridge.on('records:changed', (event) => {
      // The record on screen removed elsewhere leaves this screen too, saying so (its removal here says what went itself).
      const removedHere = event.recordId !== undefined && this.#removing.has(event.recordId);
      if (event.by === 'records:remove' && event.recordId !== undefined && event.recordId === this.selected?.id && !removedHere) void this.removed(event.recordId, removedElsewhereText(event.recordId));
      // A stored prediction, or a PE score entry (whose age may withhold a PE probability), changes a row only under a
      // "flagged by" filter (its probability, its rank): else a batch over a thousand records would read the list a thousand times in every window.
      else if ((event.by !== 'models:predict' && event.by !== 'pe:assess') || this.filters.flagged !== undefined) this.#refreshOnce();
    });
  }

  /**
   * Reads the list again for changes made by requests (this window's or another's): one refresh at a time, and one
   * more after it where more changed meanwhile, so a stream of changes (a batch of predictions) reads it a few times.
   */
  #refreshOnce(): void {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return;
    }
    this.#refreshing = true;
    void this.refresh().finally(() => {
      this.#refreshing = false;
      if (!this.#refreshAgain) return;
      this.#refreshAgain = false;
      this.#refreshOnce();
    });
  }

  /** The rows fetched so far, in list order (the first page at least). */
  get records(): RecordSummary[] {
    return this.rows.filter((r): r is RecordSummary => r !== undefined);
  }

  /** The filter and order every worklist request carries, so list, count and batch agree. */
  get query(): WorklistFilter & { sort: WorklistSort; order: 'asc' | 'desc' } {
    const defined = Object.fromEntries(Object.entries(this.filters).filter(([, v]) => v !== undefined && v !== '')) as WorklistFilters;
    return {
      ...defined,
      ...(this.search ? { search: this.search } : {}),
      ...(this.review === 'all' ? {} : { review: this.review }),
      sort: this.sort,
      order: this.order,
    };
  }

  async loadInfo(): Promise<void> {
    const result = await this.bridge.api['app:info']({});
    if (result.ok) this.info = result.value;
    else this.error = result.error.message;
  }

  /** Reads the list again from its first page (after a filter change, an import, a signature). */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.#pending.clear();
    // The engine refuses a range given the wrong way round; the filters say so beside their fields, and the list holds nothing.
    if (emptyRangeText(this.filters) !== null) {
      Object.assign(this, { error: null, total: 0, rows: [], selectedPosition: null });
      return;
    }
    const result = await this.#fetch(0);
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.error = null;
    this.total = result.value.total;
    const rows: (RecordSummary | undefined)[] = new Array<RecordSummary | undefined>(result.value.total);
    result.value.items.forEach((item, i) => (rows[i] = item));
    this.rows = rows;
    if (this.selected) this.selectedPosition = this.positionOf(this.selected.id);
    this.refreshes++;
  }

  /** Fetches the pages covering positions [from, to) that are not loaded yet. */
  async ensureRows(from: number, to: number): Promise<void> {
    const generation = this.#generation;
    const first = Math.floor(Math.max(0, from) / worklistPageSize);
    const last = Math.floor(Math.max(0, Math.min(this.total, to) - 1) / worklistPageSize);
    const missing: number[] = [];
    for (let page = first; page <= last; page++) {
      const start = page * worklistPageSize;
      if (this.rows[start] === undefined && start < this.total && !this.#pending.has(page)) missing.push(page);
    }
    await Promise.all(
      missing.map(async (page) => {
        this.#pending.add(page);
        const result = await this.#fetch(page * worklistPageSize);
        this.#pending.delete(page);
        if (generation !== this.#generation || !result.ok) return;
        const rows = [...this.rows];
        result.value.items.forEach((item, i) => (rows[page * worklistPageSize + i] = item));
        this.rows = rows;
      }),
    );
  }

  #fetch(offset: number) {
    const request: RequestOf<'records:list'> = { ...this.query, limit: worklistPageSize, offset };
    return this.bridge.api['records:list'](request);
  }

  positionOf(id: number): number | null {
    const at = this.rows.findIndex((r) => r?.id === id);
    return at >= 0 ? at : null;
  }

  /**
   * The id of the next record in list order after `currentId` that nobody has confirmed, wrapping
   * round; undefined when none is left. Asked of the engine: the list holds only the pages scrolled
   * to, and a reader who signed the first page through would be told none is left.
   */
  async nextUnconfirmed(currentId: number): Promise<number | undefined> {
    const [listed, unconfirmed] = await Promise.all([this.bridge.api['records:ids'](this.query), this.bridge.api['records:ids']({ ...this.query, review: 'unconfirmed' })]);
    if (!listed.ok || !unconfirmed.ok) return undefined;
    // A lookup within this call, never rendered.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const open = new Set(unconfirmed.value.ids);
    const ids = listed.value.ids;
    const at = ids.indexOf(currentId);
    return [...ids.slice(at + 1), ...ids.slice(0, Math.max(0, at))].find((id) => open.has(id) && id !== currentId);
  }

  /** Opens the record `step` places after (or before) the open one in the list; stops at either end. */
  async openNeighbour(step: 1 | -1): Promise<void> {
    const current = this.selectedPosition ?? (this.selected ? this.positionOf(this.selected.id) : null);
    const target = current === null ? 0 : current + step;
    if (target < 0 || target >= this.total) return;
    await this.ensureRows(target, target + 1);
    const row = this.rows[target];
    if (row) await this.open(row.id, target);
  }

  /** Opens a record; `automatic` (the app's own choice at start) is skipped once the user has opened one. */
  async open(id: number, position?: number, automatic = false): Promise<void> {
    const ticket = this.#opens.begin(automatic);
    if (ticket === undefined) return;
    const result = await this.bridge.api['records:get']({ id });
    if (!this.#opens.isLatest(ticket)) return;
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.selected = result.value;
    this.selectedPosition = position ?? this.positionOf(id);
    this.notice = null;
  }

  /** Removes a record (records:remove); once removed, it leaves the screen and the list, `notice` saying what went. */
  async remove(request: RequestOf<'records:remove'>, notice: (removed: ResponseOf<'records:remove'>) => string): Promise<Result<ResponseOf<'records:remove'>>> {
    this.#removing.add(request.id);
    try {
      const result = await this.bridge.api['records:remove'](request);
      // The engine's id: the screen may have moved to another record while it answered.
      if (result.ok) await this.removed(result.value.id, notice(result.value));
      return result;
    } finally {
      this.#removing.delete(request.id);
    }
  }

  /** A record was removed: it leaves the screen and the list (and the count the header shows), and `notice` says what went. */
  async removed(id: number, notice: string): Promise<void> {
    if (this.selected?.id === id) Object.assign(this, { selected: null, selectedPosition: null });
    this.notice = notice;
    await Promise.all([this.refresh(), this.loadInfo()]);
  }
}

/** What the notice says of the open record removed in another window (the removal's details are said there). */
export function removedElsewhereText(id: number): string {
  return `Record ${id} was removed in another window; it is no longer stored.`;
}

export function setAppState(state: AppState): AppState {
  return setContext(key, state);
}

export function useAppState(): AppState {
  return getContext<AppState>(key);
}
