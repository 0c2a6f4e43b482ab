import { getContext, setContext } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { LibraryStatementInfo as LibraryStatement } from '../../../../core/contract/overread-schemas';

const key = Symbol.for('einthoven.statement-library');

/** Whether the library has arrived: until it is 'ready' no typed entry can be told to be a code or not. */
export type LibraryStatus = 'loading' | 'ready' | 'failed';

/** The SCP-ECG statements a reader picks from, read once from the engine. */
export class StatementLibrary {
  readonly #bridge: EinthovenBridge;
  items = $state.raw<LibraryStatement[]>([]);
  /** Code → wording, for showing names instead of codes (lib/names); rebuilt whole, never mutated. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  names: ReadonlyMap<string, string> = $derived(new Map(this.items.map((s) => [s.code, s.text])));
  error = $state<string | null>(null);
  /** 'loading' from the start: the window asks for the library at start, alongside the record list. */
  status = $state<LibraryStatus>('loading');
  /** The read in flight, shared by every caller that waits for the library (the start, a typed entry). */
  #arrival: Promise<void> | null = null;

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  /** Reads the library unless it is here; a failed read is tried again by the next call. Resolves when the read ends. */
  load(): Promise<void> {
    if (this.status === 'ready') return Promise.resolve();
    this.#arrival ??= this.#read().finally(() => (this.#arrival = null));
    return this.#arrival;
  }

  async #read(): Promise<void> {
    Object.assign(this, { status: 'loading', error: null });
    const result = await this.#bridge.api['statements:library']({});
    if (!result.ok) {
      Object.assign(this, { status: 'failed', error: `The statement library could not be read: ${result.error.message}` });
      return;
    }
    Object.assign(this, { items: result.value.items, status: 'ready' });
  }

  /** The library's wording of a code (71 entries: a linear search is instant). */
  text(code: string): string {
    return this.items.find((s) => s.code === code)?.text ?? code;
  }

  /** The code a picker entry stands for: "AFIB — atrial fibrillation", "AFIB" or the exact wording. */
  codeOf(entry: string): string | undefined {
    const trimmed = entry.trim();
    const code = trimmed.split(' — ')[0] ?? trimmed;
    if (this.items.some((s) => s.code === code)) return code;
    return this.items.find((s) => s.text.toLowerCase() === trimmed.toLowerCase())?.code;
  }
}

export function setStatementLibrary(library: StatementLibrary): StatementLibrary {
  return setContext(key, library);
}

export function useStatementLibrary(): StatementLibrary {
  return getContext<StatementLibrary>(key);
}
