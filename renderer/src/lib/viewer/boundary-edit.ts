import type { BoundaryCorrectionInput, CorrectionView } from '../../../../core/contract/measurement-schemas';
import type { MedianBeatView, RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import type { FiducialName } from './median-beats';

/**
 * The reader's boundary edit on the median beat, as plain data: positions are median-beat sample
 * indices while editing (what the drawing uses) and milliseconds from R on the wire (what the
 * engine stores, core/signal/boundary-correction.ts). Only boundaries the reader moved away from
 * the program's are sent, so the program keeps the others.
 */
export const editableBoundaries: readonly FiducialName[] = ['pOnset', 'pOffset', 'qrsOnset', 'qrsOffset', 'tEnd'];

export type BoundaryIndices = MedianBeatView['fiducials'];

export interface BoundaryDraft {
  readonly at: BoundaryIndices;
  readonly pAbsent: boolean;
}

/** Milliseconds from R of a median-beat index, to 0.1 ms (the engine maps it back to the same sample). */
export function indexToMs(index: number, beat: Pick<MedianBeatView, 'pre'>, fs: number): number {
  return Math.round(((index - beat.pre) * 10000) / fs) / 10;
}

export function msToIndex(ms: number, beat: Pick<MedianBeatView, 'pre'>, fs: number): number {
  return beat.pre + Math.round((ms * fs) / 1000);
}

/** The program's own boundaries: kept by the correction when one applies, else the ones drawn. */
export function programBoundaries(m: RecordMeasurements): BoundaryIndices | null {
  if (!m.medianBeat) return null;
  return m.correction?.applied && m.correction.automatic.fiducials ? m.correction.automatic.fiducials : m.medianBeat.fiducials;
}

/** Where an edit starts: the boundaries on screen (the current correction's, or the program's). */
export function startingDraft(m: RecordMeasurements): BoundaryDraft | null {
  if (!m.medianBeat) return null;
  return { at: { ...m.medianBeat.fiducials }, pAbsent: m.correction?.applied === true && m.correction.boundaries.pAbsent === true };
}

/** A boundary moved to `index`, kept inside the median beat. */
export function moved(draft: BoundaryDraft, name: FiducialName, index: number, beatLength: number): BoundaryDraft {
  const at = Math.min(Math.max(0, Math.round(index)), beatLength - 1);
  return { ...draft, at: { ...draft.at, [name]: at } };
}

/** What is sent: each boundary that differs from the program's, in ms from R; `{}` when none does. */
export function correctionFrom(draft: BoundaryDraft, program: BoundaryIndices, beat: Pick<MedianBeatView, 'pre'>, fs: number): BoundaryCorrectionInput {
  const out: { -readonly [K in keyof BoundaryCorrectionInput]: BoundaryCorrectionInput[K] } = {};
  for (const name of editableBoundaries) {
    if (draft.pAbsent && (name === 'pOnset' || name === 'pOffset')) continue;
    const at = draft.at[name];
    if (at !== null && at !== program[name]) out[name] = indexToMs(at, beat, fs);
  }
  if (draft.pAbsent) out.pAbsent = true;
  return out;
}

/** Boundaries out of order, in words (the engine refuses them too); null when the draft may be saved. */
export function draftProblem(draft: BoundaryDraft): string | null {
  const { pOnset, pOffset, qrsOnset, qrsOffset, tEnd } = draft.at;
  const pairs: [number | null, number | null, string, boolean][] = [
    [draft.pAbsent ? null : pOnset, draft.pAbsent ? null : pOffset, 'P onset must come before P offset', true],
    [draft.pAbsent ? null : pOffset, qrsOnset, 'P offset must not come after QRS onset', false],
    [qrsOnset, qrsOffset, 'QRS onset must come before QRS offset', true],
    [qrsOffset, tEnd, 'QRS offset must come before T end', true],
  ];
  for (const [a, b, text, strict] of pairs) if (a !== null && b !== null && (strict ? a >= b : a > b)) return text;
  return null;
}

const wholeMs = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);

/**
 * The correction in one line, for the panel and the printout: who, when, and each interval it
 * changed against the program's. Null without a correction in force.
 */
export function correctionSummary(m: RecordMeasurements): string | null {
  const c: CorrectionView | null | undefined = m.correction;
  if (!c?.applied) return null;
  const changed = (
    [
      ['PR', m.prMs, c.automatic.prMs],
      ['QRS', m.qrsMs, c.automatic.qrsMs],
      ['QT', m.qtMs, c.automatic.qtMs],
    ] as const
  )
    .filter(([, ours, program]) => (ours === null) !== (program === null) || (ours !== null && program !== null && Math.round(ours) !== Math.round(program)))
    .map(([name, ours, program]) => `${name} ${wholeMs(ours)} (program ${wholeMs(program)})`);
  const what = [...(c.boundaries.pAbsent ? ['P wave marked absent'] : []), ...changed];
  const when = c.correctedAt.slice(0, 10);
  return `Wave boundaries corrected by ${c.reader} on ${when}${what.length > 0 ? `: ${what.join(', ')}` : ''}${c.note ? ` — ${c.note}` : ''}`;
}

/** The program's figure beside a corrected interval, for the measurement's detail; '' when it is unchanged. */
export function programDetail(m: RecordMeasurements, field: 'prMs' | 'qrsMs' | 'qtMs'): string {
  const c = m.correction;
  if (!c?.applied) return '';
  const program = c.automatic[field];
  const ours = m[field];
  if (program === ours || (program !== null && ours !== null && Math.round(program) === Math.round(ours))) return '';
  return `corrected; program ${wholeMs(program)}`;
}
