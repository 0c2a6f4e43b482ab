import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { PeAssessment, PeScoreResultInfo } from '../../../../core/contract/pe-schemas';
import { emptyDraft, heartRateSourceOf, itemsOf, saveHeldReason, type PeDraft, type RejectedValue } from './pe-draft';
import { ecgRateChanged, ecgRateRefused, ecgRateRemark, heldEcgRate, saveRefusal, startingDraft, type EcgRateNow } from './pe-record-items';

/**
 * The viewer's measured rate of the open record, which the form offers for the heart rate: `rate`
 * a getter (the viewer's measurements, which a correction of the beats changes: the rate or why
 * there is none; undefined while they are not read yet), `measureAgain` to have the viewer read
 * the measurements again when the engine's differ.
 */
export interface MeasuredRate {
  readonly rate: () => EcgRateNow | undefined;
  readonly measureAgain: () => void;
}

/**
 * The open record's PE score entries (newest first = current) and the form's draft, whose
 * scores the engine computes live (pe:preview) as items are entered. Saving sends the entry it
 * corrects, so a stale form is refused. Answers for a record the user has left are dropped.
 */
export class RecordPeScores {
  readonly #bridge: EinthovenBridge;
  readonly #measured: MeasuredRate;
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

  constructor(bridge: EinthovenBridge, measured: MeasuredRate = { rate: () => undefined, measureAgain: () => undefined }) {
    this.#bridge = bridge;
    this.#measured = measured;
  }

  /** The record's measured rate now, which the form offers and a rate marked as the ECG's must equal; null while none, or not read yet. */
  get ecgRate(): number | null {
    return this.#measured.rate()?.rate ?? null;
  }

  /** Beside the heart rate when it is marked as the ECG's but is no longer its rate (pe-record-items ecgRateChanged); else null. */
  get ecgRateChanged(): string | null {
    return ecgRateChanged(this.draft, this.#measured.rate());
  }

  /** Beside the heart rate when it is marked as the ECG's and holds, or cannot be checked yet (pe-record-items ecgRateRemark); else null. */
  get ecgRateRemark(): string | null {
    return ecgRateRemark(this.draft, this.#measured.rate());
  }

  /** Values read but held from saving, each with why: not a rate taken from the ECG while its measurements are still being read. */
  get #held(): RejectedValue[] {
    return heldEcgRate(this.draft, this.#measured.rate());
  }

  get current(): PeAssessment | undefined {
    return this.entries[0];
  }

  /** The fields to mark: values refused as typed, and values held from saving. */
  get unreadable(): string[] {
    return [...itemsOf(this.draft).unreadable, ...this.#held.map((h) => h.id)];
  }

  /** Why Save is disabled, in words; null when it may be saved. */
  get blockedReason(): string | null {
    return saveHeldReason(this.draft, this.assessor, this.#held);
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
      this.error = saveRefusal(result.error);
      // The rate on screen is not the engine's: read it again, so the form says what changed.
      if (ecgRateRefused(result.error)) this.#measured.measureAgain();
      return false;
    }
    Object.assign(this, { entries: [result.value, ...this.entries], editing: false, error: null, note: '', assessor: result.value.assessor });
    return true;
  }
}
