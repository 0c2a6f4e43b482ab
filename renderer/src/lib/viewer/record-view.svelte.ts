import type { EinthovenBridge } from '../../../../core/contract/bridge';
import type { RecordDetail } from '../../../../core/contract/schemas';
import type { BeatEditsInput, BoundaryCorrectionInput } from '../../../../core/contract/measurement-schemas';
import type { DisplayFilter, RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { isNoFilter } from './filter-label';

/** The samples being drawn and the filter that produced them: the label always matches the drawing. */
export interface ShownSignals {
  readonly recordId: number;
  readonly signals: readonly Float32Array[];
  readonly applied: DisplayFilter;
  readonly notes: readonly string[];
}

/**
 * What the engine computes for the open record: the display-filtered signals and the
 * measurements. Answers that arrive after the user moved on (another record, another filter)
 * are dropped, so a slow reply never paints over a newer one.
 */
export class RecordView {
  readonly #bridge: EinthovenBridge;
  shown = $state.raw<ShownSignals | null>(null);
  measurements = $state.raw<RecordMeasurements | null>(null);
  measuring = $state(false);
  error = $state<string | null>(null);
  /** Why the open record's measurements could not be read (the engine's message); null while they are read or being read. */
  measureError = $state<string | null>(null);
  #filterTicket = 0;
  #measureTicket = 0;

  constructor(bridge: EinthovenBridge) {
    this.#bridge = bridge;
  }

  async filter(record: RecordDetail, filter: DisplayFilter): Promise<void> {
    const ticket = ++this.#filterTicket;
    if (isNoFilter(filter)) {
      this.shown = { recordId: record.id, signals: record.signals, applied: filter, notes: [] };
      return;
    }
    const result = await this.#bridge.api['records:filter']({ id: record.id, filter });
    if (ticket !== this.#filterTicket) return;
    if (result.ok) this.shown = { recordId: record.id, signals: result.value.signals, applied: result.value.applied, notes: result.value.notes };
    else this.error = `Display filter failed: ${result.error.message}`;
  }

  async measure(recordId: number): Promise<void> {
    const ticket = ++this.#measureTicket;
    this.measurements = null;
    this.measureError = null;
    this.measuring = true;
    const result = await this.#bridge.api['records:measure']({ id: recordId });
    if (ticket !== this.#measureTicket) return;
    this.measuring = false;
    if (result.ok) this.measurements = result.value;
    else {
      this.measureError = result.error.message;
      this.error = `Measurements failed: ${result.error.message}`;
    }
  }

  /**
   * Stores the reader's beats and boundaries (none: the program's again) and shows the
   * measurements made from them. Resolves to the refusal in words, or null once the new figures
   * are on screen.
   */
  async correctFiducials(recordId: number, boundaries: BoundaryCorrectionInput, beats: BeatEditsInput, reader: string, note: string): Promise<string | null> {
    const ticket = ++this.#measureTicket;
    const current = this.measurements?.recordId === recordId ? this.measurements.correction : null;
    const result = await this.#bridge.api['records:correct-fiducials']({ id: recordId, boundaries, beats, reader, note, ...(current ? { supersedes: current.id } : {}) });
    if (!result.ok) return result.error.message;
    if (ticket === this.#measureTicket) this.measurements = result.value;
    return null;
  }
}
