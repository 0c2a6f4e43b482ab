import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { PeAssessment, PeScoreResultInfo } from '../../../../core/contract/pe-schemas';
import { emptyDraft, heartRateSourceOf, itemsOf, type PeDraft } from './pe-draft';
import { startingDraft } from './pe-record-items';

/**
 * The open record's PE score entries (newest first = current) and the form's draft, whose
 * scores the engine computes live (pe:preview) as items are entered. Saving sends the entry it
 * corrects, so a stale form is refused. Answers for a record the user has left are dropped.
 */
export class RecordPeScores {
  readonly #bridge: EinthovenBridge;
  recordId = $state<number | null>(null);
  entries = $state.raw<PeAssessment[]>([]);
  loaded = $state(false);
  draft = $state<PeDraft>(emptyDraft());
  assessor = $state('');
  note = $state('');
  preview = $state.raw<PeScoreResultInfo[]>([]);
  editing = $state(false);
  saving = $state(false);
  error = $state<string | null>(null);
  #ticket = 0;
  #previewTicket = 0;

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  get current(): PeAssessment | undefined {
    return this.entries[0];
  }

  get unreadable(): string[] {
    return itemsOf(this.draft).unreadable;
  }

  /** Why Save is disabled, in words; null when it may be saved. */
  get blockedReason(): string | null {
    const { rejected } = itemsOf(this.draft);
    if (rejected.length > 0) return `correct the marked ${rejected.length === 1 ? 'value' : 'values'}: ${rejected.map((r) => r.reason).join('; ')}`;
    if (Object.keys(itemsOf(this.draft).items).length === 0) return 'enter at least one item';
    if (!this.assessor.trim()) return 'type your name';
    return null;
  }

  async load(recordId: number): Promise<void> {
    const ticket = ++this.#ticket;
    Object.assign(this, { recordId, entries: [], loaded: false, editing: false, error: null, preview: [] });
    const result = await this.#bridge.api['pe:list']({ recordId });
    if (ticket !== this.#ticket) return;
    if (!result.ok) {
      this.error = `PE scores could not be read: ${result.error.message}`;
      return;
    }
    Object.assign(this, { entries: result.value.items, loaded: true, assessor: result.value.lastAssessor ?? this.assessor, draft: emptyDraft(), note: '' });
  }

  /**
   * Opens the form: empty for a first entry, or the current entry's items to correct it; either
   * way the age starts from the record header's (`recordAge`) where the entry has none.
   */
  startEditing(recordAge: number | null = null): void {
    this.draft = startingDraft(this.current?.items, recordAge, this.current?.heartRateSource ?? null);
    this.editing = true;
    void this.refreshPreview();
  }

  cancel(): void {
    Object.assign(this, { editing: false, error: null, preview: [] });
  }

  async refreshPreview(): Promise<void> {
    const ticket = ++this.#previewTicket;
    const result = await this.#bridge.api['pe:preview']({ items: itemsOf(this.draft).items });
    if (ticket !== this.#previewTicket) return;
    if (result.ok) {
      this.preview = result.value.scores;
      this.error = null;
    } else this.error = result.error.message;
  }

  async save(): Promise<boolean> {
    const recordId = this.recordId;
    if (recordId === null || this.blockedReason || this.saving) return false;
    const ticket = this.#ticket;
    this.saving = true;
    const supersedes = this.current ? { supersedes: this.current.id } : {};
    const source = heartRateSourceOf(this.draft);
    const heartRateSource = source ? { heartRateSource: source } : {};
    const result = await this.#bridge.api['pe:assess']({ recordId, items: itemsOf(this.draft).items, assessor: this.assessor, note: this.note, ...supersedes, ...heartRateSource });
    if (ticket !== this.#ticket) return false;
    this.saving = false;
    if (!result.ok) {
      this.error = result.error.message;
      return false;
    }
    Object.assign(this, { entries: [result.value, ...this.entries], editing: false, error: null, note: '', assessor: result.value.assessor });
    return true;
  }
}
