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
    const result = await this.bridge.api['records:list']({ search: this.search || undefined, limit: 500 });
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.records = result.value.items;
    this.total = result.value.total;
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
