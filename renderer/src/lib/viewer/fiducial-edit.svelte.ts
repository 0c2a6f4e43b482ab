import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { addBeat, beatsFrom, correctionFrom, draftBeats, draftProblem, indexToMs, moved, msToIndex, programBoundaries, startingDraft, toggleBeat, type BeatMarkState, type FiducialDraft, type BoundaryIndices } from './fiducial-edit';
import type { FiducialName } from './median-beats';
import type { RecordView } from './record-view.svelte';

/**
 * The reader's correction while it is being made: the draft beats (clicked in the band above the
 * tracing) and median-beat boundaries (dragged or typed), who is correcting and why, and the
 * save. The reader's name starts as the last one who signed here.
 */
export class FiducialEdit {
  readonly #bridge: EinthovenBridge;
  /** The record view whose measurements a save replaces (a getter: the panel's prop). */
  readonly #view: () => RecordView;
  draft = $state.raw<FiducialDraft | null>(null);
  reader = $state('');
  note = $state('');
  saving = $state(false);
  error = $state<string | null>(null);
  #recordId: number | null = null;
  /** Called after a correction is stored (the worklist shows which records carry one). */
  readonly #onStored: () => void;

  constructor(bridge: EinthovenBridge, view: () => RecordView, onStored: () => void) {
    this.#bridge = bridge;
    this.#view = view;
    this.#onStored = onStored;
  }

  get editing(): boolean {
    return this.draft !== null;
  }

  /** Why Save is disabled, in words; null when the draft may be saved. */
  get blockedReason(): string | null {
    if (!this.draft) return null;
    if (!this.reader.trim()) return 'type the reader’s name';
    return draftProblem(this.draft);
  }

  async start(m: RecordMeasurements): Promise<void> {
    const draft = startingDraft(m);
    Object.assign(this, { draft, note: '', error: null, saving: false });
    this.#recordId = m.recordId;
    // Whoever last signed or corrected on this workstation, not the author of the correction on screen.
    if (!this.reader) {
      const last = await this.#bridge.api['overreads:list']({ recordId: m.recordId });
      if (!this.reader) this.reader = (last.ok ? last.value.lastReader : null) ?? m.correction?.reader ?? '';
    }
  }

  cancel(): void {
    Object.assign(this, { draft: null, error: null });
  }

  move(name: FiducialName, index: number, beatLength: number): void {
    if (this.draft) this.draft = moved(this.draft, name, index, beatLength);
  }

  moveToMs(name: FiducialName, ms: number, m: RecordMeasurements): void {
    if (m.medianBeat && Number.isFinite(ms)) this.move(name, msToIndex(ms, m.medianBeat, m.fs), m.medianBeat.samples[0]?.length ?? 1);
  }

  msOf(index: number | null, m: RecordMeasurements): number | null {
    return index === null || !m.medianBeat ? null : indexToMs(index, m.medianBeat, m.fs);
  }

  setPAbsent(absent: boolean, m: RecordMeasurements): void {
    if (!this.draft) return;
    // Giving the P wave back starts from the program's P boundaries (none if it found none).
    const program = programBoundaries(m);
    const at: BoundaryIndices = absent || !program ? this.draft.at : { ...this.draft.at, pOnset: this.draft.at.pOnset ?? program.pOnset, pOffset: this.draft.at.pOffset ?? program.pOffset };
    this.draft = { ...this.draft, at, pAbsent: absent };
  }

  /** The beat markers while editing, with their state (kept, removed, added). */
  marks(m: RecordMeasurements): { at: number; state: BeatMarkState }[] {
    return this.draft ? draftBeats(m.beats, this.draft, m.fs) : [];
  }

  toggleBeat(at: number, state: BeatMarkState, fs: number): void {
    if (this.draft) this.draft = toggleBeat(this.draft, at, state, fs);
  }

  addBeat(at: number, m: RecordMeasurements, length: number): void {
    if (this.draft) this.draft = addBeat(this.draft, at, this.marks(m), m.fs, length);
  }

  /** Saves the draft: each boundary the reader moved from the program's. */
  save(m: RecordMeasurements): Promise<void> {
    const program = programBoundaries(m);
    if (!this.draft || this.blockedReason) return Promise.resolve();
    const boundaries = program && m.medianBeat ? correctionFrom(this.draft, program, m.medianBeat, m.fs) : {};
    return this.#send(boundaries, beatsFrom(this.draft));
  }

  /** Takes the current correction back: the program's beats and boundaries stand again. */
  restoreProgram(): Promise<void> {
    return this.#send({}, { added: [], removed: [] });
  }

  async #send(boundaries: Parameters<RecordView['correctFiducials']>[1], beats: Parameters<RecordView['correctFiducials']>[2]): Promise<void> {
    if (this.#recordId === null || !this.reader.trim()) {
      this.error = 'type the reader’s name';
      return;
    }
    this.saving = true;
    const refused = await this.#view().correctFiducials(this.#recordId, boundaries, beats, this.reader.trim(), this.note.trim());
    this.saving = false;
    if (refused) {
      this.error = refused;
      return;
    }
    Object.assign(this, { draft: null, error: null, note: '' });
    this.#onStored();
  }
}
