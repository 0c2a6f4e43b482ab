import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { TracingNote } from '../../../../core/contract/note-schemas';

/** The note being written: where (seconds, and a lead or all), what, and who. */
export interface NoteDraft {
  atS: number | null;
  lead: string | null;
  text: string;
  author: string;
}

/**
 * The open record's notes on the tracing and the one being written. The time can be typed, or
 * set by a click in the band above the tracing while `placing`. Answers for a record the user
 * has left are dropped.
 */
export class RecordNotes {
  readonly #bridge: EinthovenBridge;
  recordId = $state<number | null>(null);
  items = $state.raw<TracingNote[]>([]);
  draft = $state<NoteDraft>({ atS: null, lead: null, text: '', author: '' });
  placing = $state(false);
  saving = $state(false);
  error = $state<string | null>(null);
  #ticket = 0;
  /** Called after a note is stored or taken back (the worklist counts each record's notes). */
  readonly #onStored: () => void;

  constructor(bridge: EinthovenBridge, onStored: () => void) {
    this.#bridge = bridge;
    this.#onStored = onStored;
  }

  /** Why Add is disabled, in words; null when the note may be added. */
  get blockedReason(): string | null {
    if (this.draft.atS === null || !Number.isFinite(this.draft.atS)) return 'set the time: type it, or click above the tracing';
    if (!this.draft.text.trim()) return 'write the note';
    if (!this.draft.author.trim()) return 'type your name';
    return null;
  }

  async load(recordId: number): Promise<void> {
    const ticket = ++this.#ticket;
    Object.assign(this, { recordId, items: [], placing: false, error: null });
    this.draft = { atS: null, lead: null, text: '', author: this.draft.author };
    const result = await this.#bridge.api['notes:list']({ recordId });
    if (ticket !== this.#ticket) return;
    if (!result.ok) {
      this.error = `Notes could not be read: ${result.error.message}`;
      return;
    }
    this.items = result.value.items;
    if (!this.draft.author) this.draft.author = result.value.lastAuthor ?? '';
  }

  /** A click in the band above the tracing while placing: the note's time, to the hundredth of a second. */
  placeAt(atS: number): void {
    this.draft.atS = Math.round(atS * 100) / 100;
    this.placing = false;
  }

  async add(): Promise<void> {
    const { recordId } = this;
    const { atS, lead, text, author } = this.draft;
    if (recordId === null || atS === null || this.blockedReason) return;
    this.saving = true;
    const result = await this.#bridge.api['notes:add']({ recordId, atS, lead, text, author });
    this.saving = false;
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.#onStored();
    if (this.recordId !== recordId) return;
    this.items = [...this.items, result.value].sort((a, b) => a.atS - b.atS || a.id - b.id);
    this.draft = { atS: null, lead: null, text: '', author: result.value.author };
    this.error = null;
  }

  async retract(noteId: number): Promise<void> {
    const { recordId } = this;
    const author = this.draft.author.trim();
    if (recordId === null) return;
    if (!author) {
      this.error = 'type your name (Author) to take a note back';
      return;
    }
    const result = await this.#bridge.api['notes:retract']({ recordId, noteId, author });
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.#onStored();
    if (this.recordId === recordId) this.items = this.items.filter((n) => n.id !== noteId);
  }
}
