import { untrack } from 'svelte';
import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { Overread } from '../../../../core/contract/overread-schemas';
import type { StatementLibrary } from './statement-library.svelte';
import { draftEntryFor, type AdoptedStatement } from './adoption-entry';
import { amendmentEntries, libraryHold, typedEntry } from './statement-entry';
import { statementAdoption } from './statement-adoption.svelte';
import { readingDrafts, type ReadingDraft, type ReadingDrafts } from './reading-drafts';

export type Agreement = NonNullable<Overread['agreement']>;
/** What the reader has picked so far: library codes and typed statements, in their order. */
export type { ReadingDraft };

const emptyDraft = (reader: string): ReadingDraft => ({ codes: [], freeText: [], note: '', reader, agreement: null });

/**
 * The open record's readings (newest first = current) and the draft of a new or amending one.
 * Signing sends the draft with the prediction on screen and the reading it amends, so the
 * engine can refuse a stale amendment. Answers for a record the user has left are dropped.
 * The draft of a record the user leaves unsigned is kept (reading-drafts.ts) and shown again,
 * marked as unsigned, when they come back.
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
  /** The form holds a draft the reader left unsigned earlier in this session. */
  restored = $state(false);
  /** A kept draft set aside because the record's reading changed meanwhile, in words; null when none. */
  setAside = $state<string | null>(null);
  /**
   * Statements typed into a record's form before the library arrived, each with the record it was
   * typed into: the form is one for every record, and a single entry shared by all of them held
   * the next record's input and Sign too, and never reached the record it was typed into.
   */
  #held = $state.raw<readonly { readonly recordId: number; readonly text: string }[]>([]);
  readonly #drafts: ReadingDrafts;
  /** The open record's name in the list of unsigned drafts ("00001_lr.hea, ID 15709"). */
  #label = '';
  #lastReader = '';
  #ticket = 0;

  constructor(bridge: EinthovenBridge, library: StatementLibrary, drafts: ReadingDrafts = readingDrafts) {
    this.#bridge = bridge;
    this.library = library;
    this.#drafts = drafts;
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
    // First: an empty draft whose only statement waits for the library is not to be told "add one".
    const held = libraryHold(this.library.status, this.waitingEntry, this.#adoptedNotTaken());
    if (held) return held;
    if (this.draft.codes.length + this.draft.freeText.length === 0) return 'add at least one statement';
    if (!this.draft.reader.trim()) return 'type the reader’s name';
    return null;
  }

  /** Computed statements adopted into this record that wait (for the library) to join its draft. */
  #adoptedNotTaken(): string[] {
    return statementAdoption.pending.filter((r) => r.recordId === this.recordId).map((r) => r.text);
  }

  /** The open record's statement that waits for the library to arrive (StatementPicker); null when none. */
  get waitingEntry(): string | null {
    return this.#held.find((h) => h.recordId === this.recordId)?.text ?? null;
  }

  /** Holds a statement typed into the open record's form until the library arrives (one at a time: the input is read-only meanwhile). */
  holdTyped(text: string): void {
    if (this.recordId !== null && this.waitingEntry === null) this.#held = [...this.#held, { recordId: this.recordId, text }];
  }

  /** Gives the open record's held statement back (to its input), as it cannot be read while the library cannot; null when none. */
  releaseTyped(): string | null {
    const text = this.waitingEntry;
    this.#held = this.#held.filter((h) => h.recordId !== this.recordId);
    return text;
  }

  /**
   * Takes the open record's held statement into its draft once the library is here, coded when it
   * is a library entry. Run in an effect: a record left meanwhile takes its own when opened again.
   */
  takeHeld(): void {
    const text = this.waitingEntry;
    const entry = text === null || !this.loaded ? null : typedEntry(text, this.library.status, (e) => this.library.codeOf(e));
    if (entry === null || (entry.kind !== 'code' && entry.kind !== 'text')) return;
    this.releaseTyped();
    if (!this.editing) this.startAmending();
    const draft = this.draft;
    if (entry.kind === 'code' && !draft.codes.includes(entry.code)) this.draft = { ...draft, codes: [...draft.codes, entry.code] };
    else if (entry.kind === 'text' && !draft.freeText.includes(entry.text)) this.draft = { ...draft, freeText: [...draft.freeText, entry.text] };
  }

  /** Opens a record's readings; `label` names it in the list of unsigned drafts. */
  async load(recordId: number, label: string): Promise<void> {
    this.#keepDraft();
    this.#label = label;
    const ticket = ++this.#ticket;
    Object.assign(this, { recordId, readings: [], loaded: false, amending: false, error: null, restored: false, setAside: null });
    const result = await this.#bridge.api['overreads:list']({ recordId });
    if (ticket !== this.#ticket) return;
    if (!result.ok) {
      this.error = `Readings could not be read: ${result.error.message}`;
      return;
    }
    this.#lastReader = result.value.lastReader ?? this.#lastReader;
    Object.assign(this, { readings: result.value.items, loaded: true, draft: emptyDraft(this.#lastReader) });
    this.#restoreDraft(recordId);
  }

  /**
   * Reads the open record's readings again after one was signed elsewhere (another window), unless
   * the reader has typed into the form or is signing: then their Sign meets the engine's conflict,
   * which names the reading signed meanwhile, rather than the form changing under their hands.
   */
  async reloadUntouched(): Promise<void> {
    const recordId = this.recordId;
    if (recordId === null || !this.loaded || this.saving || this.#typed()) return;
    const ticket = this.#ticket;
    const result = await this.#bridge.api['overreads:list']({ recordId });
    // Another record opened, a signature begun or typing started meanwhile: this answer is not for the form any more.
    if (ticket !== this.#ticket || !result.ok || this.saving || this.#typed()) return;
    // This window's own signature is already on screen; only a reading it does not show yet changes it.
    if (result.value.items[0]?.id !== this.current?.id) this.readings = result.value.items;
  }

  /** The open form holds statements or a note the reader entered. */
  #typed(): boolean {
    const { codes, freeText, note } = this.draft;
    return this.editing && (codes.length + freeText.length > 0 || note.trim() !== '');
  }

  /** The record being left keeps what its open form holds. */
  #keepDraft(): void {
    if (this.recordId === null || !this.editing) return;
    const amends = this.amending ? (this.current?.id ?? null) : null;
    this.#drafts.keep(this.recordId, { draft: $state.snapshot(this.draft), amends }, this.#label);
  }

  /**
   * Tells the drafts what the open form holds, so that closing the window warns of it too; run in
   * an effect, it follows every change the reader makes. The open form's draft is kept only on leaving.
   */
  showOpenDraft(): void {
    const kept = this.recordId !== null && this.editing ? { draft: $state.snapshot(this.draft), amends: this.amending ? (this.current?.id ?? null) : null } : null;
    const [recordId, label] = [this.recordId, this.#label];
    // The drafts' own state is written, not read: the effect depends on the form alone.
    untrack(() => this.#drafts.showOpen(recordId, label, kept));
  }

  #restoreDraft(recordId: number): void {
    const back = this.#drafts.take(recordId, this.current?.id ?? null);
    if (back.kind === 'draft') Object.assign(this, { draft: back.kept.draft, amending: back.kept.amends !== null, restored: true });
    else if (back.kind === 'stale') this.setAside = setAsideText(back.kept.draft, this.library);
  }

  /** The form goes off screen with its record: it no longer counts among the unsigned drafts. */
  closeForm(): void {
    this.#drafts.showOpen(null, '', null);
  }

  /** Amending starts from the current reading's statements. */
  startAmending(): void {
    const current = this.current;
    if (!current) return;
    const { codes, freeText } = amendmentEntries(current.statements, (text) => this.library.items.some((s) => s.code === text));
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
    if (this.recordId !== null) this.#drafts.forget(this.recordId);
    // A statement typed into the amendment goes with it.
    this.releaseTyped();
    Object.assign(this, { amending: false, error: null, restored: false, draft: emptyDraft(this.#lastReader) });
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
    // Signed, though the reader may have moved on meanwhile: the draft kept on leaving is now the signed reading.
    if (result.ok) this.#drafts.forget(recordId);
    if (ticket !== this.#ticket) return false;
    this.saving = false;
    if (!result.ok) {
      this.error = result.error.message;
      return false;
    }
    this.#lastReader = result.value.reader;
    Object.assign(this, { readings: [result.value, ...this.readings], amending: false, restored: false, draft: emptyDraft(this.#lastReader) });
    return true;
  }
}

/** What a set-aside draft held, so the reader can enter it again: its statements and note. */
function setAsideText(draft: ReadingDraft, library: StatementLibrary): string {
  const statements = [...draft.codes.map((c) => `${library.text(c)} (${c})`), ...draft.freeText].join('; ');
  const note = draft.note.trim() ? `; note: ${draft.note.trim()}` : '';
  return `Your unsigned draft for this record was set aside: its reading was signed or amended meanwhile. It held: ${statements || 'no statements'}${note}.`;
}
