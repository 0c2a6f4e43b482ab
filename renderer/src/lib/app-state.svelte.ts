import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../core/contract/bridge';
import type { AppInfo, RecordDetail, RecordSummary } from '../../../core/contract/schemas';

const key = Symbol.for('einthoven.app-state');

/** What the whole UI shares: the bridge, app info, the record list and the open record. */
export class AppState {
  readonly bridge: EinthovenBridge;
  info = $state.raw<AppInfo | null>(null);
  records = $state.raw<RecordSummary[]>([]);
  total = $state(0);
  search = $state('');
  /** Worklist filter of the record list. */
  review = $state<'all' | 'unconfirmed' | 'confirmed'>('all');
  selected = $state.raw<RecordDetail | null>(null);
  error = $state<string | null>(null);

  constructor(bridge: EinthovenBridge) {
    this.bridge = bridge;
  }

  async loadInfo(): Promise<void> {
    const result = await this.bridge.api['app:info']({});
    if (result.ok) this.info = result.value;
    else this.error = result.error.message;
  }

  async refresh(): Promise<void> {
    const review = this.review === 'all' ? undefined : this.review;
    const result = await this.bridge.api['records:list']({ search: this.search || undefined, review, limit: 500 });
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.records = result.value.items;
    this.total = result.value.total;
  }

  /** The next record in list order after `currentId` that nobody has confirmed, wrapping round; undefined when none is left. */
  nextUnconfirmed(currentId: number): RecordSummary | undefined {
    const at = this.records.findIndex((r) => r.id === currentId);
    const ordered = [...this.records.slice(at + 1), ...this.records.slice(0, Math.max(0, at))];
    return ordered.find((r) => r.confirmed === null && r.id !== currentId);
  }

  async open(id: number): Promise<void> {
    const result = await this.bridge.api['records:get']({ id });
    if (result.ok) this.selected = result.value;
    else this.error = result.error.message;
  }
}

export function setAppState(state: AppState): AppState {
  return setContext(key, state);
}

export function useAppState(): AppState {
  return getContext<AppState>(key);
}
