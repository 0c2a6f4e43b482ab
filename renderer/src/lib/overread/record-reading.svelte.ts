import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { Overread } from '../../../../core/contract/overread-schemas';
import type { StatementLibrary } from './statement-library.svelte';
import { draftEntryFor, type AdoptedStatement } from './adoption-entry';

export type Agreement = NonNullable<Overread['agreement']>;

/** What the reader has picked so far: library codes and typed statements, in their order. */
export interface ReadingDraft {
  codes: string[];
  freeText: string[];
  note: string;
  reader: string;
  agreement: Agreement | null;
}

const emptyDraft = (reader: string): ReadingDraft => ({ codes: [], freeText: [], note: '', reader, agreement: null });

/**
 * The open record's readings (newest first = current) and the draft of a new or amending one.
 * Signing sends the draft with the prediction on screen and the reading it amends, so the
 * engine can refuse a stale amendment. Answers for a record the user has left are dropped.
 */
export class RecordReading {
  readonly #bridge: EinthovenBridge;
  readonly library: StatementLibrary;
  recordId = $state<number | null>(null);
  readings = $state.raw<Overread[]>([]);
  loaded = $state(false);
  draft = $state<ReadingDraft>(emptyDraft(''));
  amending = $state(false);
  saving = $state(false);
  error = $state<string | null>(null);
  #lastReader = '';
  #ticket = 0;

  constructor(bridge: EinthovenBridge, library: StatementLibrary) {
    this.#bridge = bridge;
    this.library = library;
  }

  get current(): Overread | undefined {
    return this.readings[0];
  }

  /** The form is open while the record is unconfirmed, or while the current reading is being amended. */
  get editing(): boolean {
    return this.loaded && (this.current === undefined || this.amending);
  }

  /** Why Sign is disabled, in words; null when it may be signed. */
  get blockedReason(): string | null {
    if (this.draft.codes.length + this.draft.freeText.length === 0) return 'add at least one statement';
    if (!this.draft.reader.trim()) return 'type the reader’s name';
    return null;
  }

  async load(recordId: number): Promise<void> {
    const ticket = ++this.#ticket;
    Object.assign(this, { recordId, readings: [], loaded: false, amending: false, error: null });
    const result = await this.#bridge.api['overreads:list']({ recordId });
    if (ticket !== this.#ticket) return;
    if (!result.ok) {
      this.error = `Readings could not be read: ${result.error.message}`;
      return;
    }
    this.#lastReader = result.value.lastReader ?? this.#lastReader;
    Object.assign(this, { readings: result.value.items, loaded: true, draft: emptyDraft(this.#lastReader) });
  }

  /** Amending starts from the current reading's statements. */
  startAmending(): void {
    const current = this.current;
    if (!current) return;
    const codes = current.statements.flatMap((s) => (s.code ? [s.code] : []));
    const freeText = current.statements.flatMap((s) => (s.code ? [] : [s.text]));
    Object.assign(this, { amending: true, error: null, draft: { ...emptyDraft(this.#lastReader), codes, freeText, note: current.note } });
  }

  /** Adds an adopted computed statement to the draft (opening an amendment when the record is already read). Repeats are ignored. */
  adopt(statement: AdoptedStatement): void {
    if (!this.loaded) return;
    if (!this.editing) this.startAmending();
    const entry = draftEntryFor(statement, (code) => this.library.items.some((s) => s.code === code));
    const draft = this.draft;
    if (entry.kind === 'code' && !draft.codes.includes(entry.code)) this.draft = { ...draft, codes: [...draft.codes, entry.code] };
    else if (entry.kind === 'text' && !draft.freeText.includes(entry.text)) this.draft = { ...draft, freeText: [...draft.freeText, entry.text] };
  }

  cancelAmending(): void {
    Object.assign(this, { amending: false, error: null, draft: emptyDraft(this.#lastReader) });
  }

  /** Signs the draft; `predictionId` is the stored prediction on screen, if any. Resolves true when stored. */
  async sign(predictionId: number | undefined): Promise<boolean> {
    const recordId = this.recordId;
    if (recordId === null || this.blockedReason || this.saving) return false;
    const ticket = this.#ticket;
    const { codes, freeText, note, reader, agreement } = this.draft;
    const verdict = predictionId !== undefined && agreement ? { predictionId, agreement } : {};
    const supersedes = this.amending && this.current ? { supersedes: this.current.id } : {};
    Object.assign(this, { saving: true, error: null });
    const result = await this.#bridge.api['overreads:confirm']({ recordId, codes, freeText, note, reader, ...verdict, ...supersedes });
    if (ticket !== this.#ticket) return false;
    this.saving = false;
    if (!result.ok) {
      this.error = result.error.message;
      return false;
    }
    this.#lastReader = result.value.reader;
    Object.assign(this, { readings: [result.value, ...this.readings], amending: false, draft: emptyDraft(this.#lastReader) });
    return true;
  }
}
