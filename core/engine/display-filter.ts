import type { DisplayFilter } from '../contract/viewer-schemas';
import { butter } from '../signal/butter';
import type { Sos } from '../signal/sos';
import { iirnotch, sosfiltfilt, sosfiltfiltPadlen } from '../signal/sosfilt';

/**
 * Display filters for the viewer. Every stage runs forward and backward (SciPy's
 * `sosfiltfilt`), so waves keep their timing and ST segments are not shifted by phase delay:
 * the AHA/ACC/HRS 2007 recommendations accept a stronger high-pass only when it is zero-phase.
 * Each Butterworth stage is 2nd order, i.e. 4th-order magnitude after the two passes, half
 * amplitude (−6 dB) at the labelled cut-off. The notch is SciPy's `iirnotch` with Q = 30
 * (≈1.7 Hz wide at 50 Hz), narrow enough to leave the QRS spectrum alone.
 *
 * The stored record is never touched: this returns new arrays.
 */
export const displayFilterDesign = { butterOrder: 2, notchQuality: 30 } as const;

export interface DisplayFilterResult {
  readonly signals: Float32Array<ArrayBuffer>[];
  readonly applied: DisplayFilter;
  readonly notes: string[];
}

interface Stage {
  readonly key: keyof DisplayFilter;
  readonly label: string;
  readonly sos: Sos;
}

/** Stages the rate can carry; a cut-off at or above Nyquist would be meaningless, so it is skipped with a note. */
function plan(filter: DisplayFilter, fs: number, notes: string[]): Stage[] {
  const nyquist = fs / 2;
  const stages: Stage[] = [];
  const skip = (what: string) => notes.push(`${what} not applied: at or above the record's Nyquist frequency (${nyquist} Hz at ${fs} Hz sampling)`);
  if (filter.highpassHz !== null) {
    stages.push({ key: 'highpassHz', label: `${filter.highpassHz} Hz high-pass`, sos: butter(displayFilterDesign.butterOrder, filter.highpassHz, 'highpass', fs) });
  }
  if (filter.notchHz !== null) {
    if (filter.notchHz < nyquist) stages.push({ key: 'notchHz', label: `${filter.notchHz} Hz notch`, sos: iirnotch(filter.notchHz, displayFilterDesign.notchQuality, fs) });
    else skip(`${filter.notchHz} Hz notch`);
  }
  if (filter.lowpassHz !== null) {
    if (filter.lowpassHz < nyquist) stages.push({ key: 'lowpassHz', label: `${filter.lowpassHz} Hz low-pass`, sos: butter(displayFilterDesign.butterOrder, filter.lowpassHz, 'lowpass', fs) });
    else skip(`${filter.lowpassHz} Hz low-pass`);
  }
  return stages;
}

/**
 * Gaps (NaN) would spread through a recursive filter and blank the whole lead. They are
 * bridged by holding the last valid value (the first valid one before any), filtered through,
 * and put back as NaN afterwards, so a gap stays a visible gap.
 */
function bridgeGaps(lead: Float32Array): { filled: Float64Array; gaps: number[] } | undefined {
  const filled = new Float64Array(lead.length);
  const gaps: number[] = [];
  let last = Number.NaN;
  for (let i = 0; i < lead.length; i++) {
    const v = lead[i] as number;
    if (Number.isFinite(v)) last = v;
    else gaps.push(i);
    filled[i] = Number.isFinite(v) ? v : last;
  }
  if (gaps.length === lead.length) return undefined;
  const firstValid = filled.find((v) => !Number.isNaN(v)) as number;
  for (let i = 0; i < filled.length && Number.isNaN(filled[i]); i++) filled[i] = firstValid;
  return { filled, gaps };
}

function filterLead(lead: Float32Array, stages: readonly Stage[]): Float32Array<ArrayBuffer> {
  const bridged = bridgeGaps(lead);
  if (!bridged) return Float32Array.from(lead);
  let y: Float64Array = bridged.filled;
  for (const stage of stages) y = sosfiltfilt(stage.sos, y);
  const out = Float32Array.from(y);
  for (const i of bridged.gaps) out[i] = Number.NaN;
  return out;
}

/** Applies the display filters to every lead (mV at `fs`); returns what was applied and why anything was not. */
export function applyDisplayFilter(signals: readonly Float32Array[], fs: number, filter: DisplayFilter): DisplayFilterResult {
  const notes: string[] = [];
  let stages = plan(filter, fs, notes);
  const shortest = Math.min(...signals.map((s) => s.length));
  const tooShort = stages.filter((s) => shortest <= sosfiltfiltPadlen(s.sos));
  for (const stage of tooShort) notes.push(`${stage.label} not applied: the record is too short (${shortest} samples) to filter without edge artefacts`);
  stages = stages.filter((s) => !tooShort.includes(s));
  const applied: DisplayFilter = { highpassHz: null, lowpassHz: null, notchHz: null };
  for (const stage of stages) Object.assign(applied, { [stage.key]: filter[stage.key] });
  return { signals: signals.map((lead) => filterLead(lead, stages)), applied, notes };
}
