import { beatEditWindowsS, type BeatEditsInput, type BoundaryCorrectionInput, type CorrectionView } from '../../../../core/contract/measurement-schemas';
import type { MedianBeatView, RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import type { FiducialName } from './median-beats';
import { counted } from '../../../../core/contract/counted';

/**
 * The reader's correction as plain data: beats added and removed (sample indices at the record's
 * rate, core/signal/beat-edits.ts) and boundaries on the median beat (sample indices of the
 * median beat while editing, what the drawing uses; milliseconds from R on the wire, what the
 * engine stores, core/signal/boundary-correction.ts). Only boundaries the reader moved away from
 * the program's are sent, so the program keeps the others.
 */
export const editableBoundaries: readonly FiducialName[] = ['pOnset', 'pOffset', 'qrsOnset', 'qrsOffset', 'tEnd'];

export type BoundaryIndices = MedianBeatView['fiducials'];

export interface FiducialDraft {
  readonly at: BoundaryIndices;
  readonly pAbsent: boolean;
  readonly beats: { readonly added: readonly number[]; readonly removed: readonly number[] };
}

/** The engine's windows, so what is drawn is what it will apply. */
const { removal: removalToleranceS, sameBeat: sameBeatS } = beatEditWindowsS;

/** Milliseconds from R of a median-beat index, to 0.1 ms (the engine maps it back to the same sample). */
export function indexToMs(index: number, beat: Pick<MedianBeatView, 'pre'>, fs: number): number {
  return Math.round(((index - beat.pre) * 10000) / fs) / 10;
}

export function msToIndex(ms: number, beat: Pick<MedianBeatView, 'pre'>, fs: number): number {
  return beat.pre + Math.round((ms * fs) / 1000);
}

/** The program's own boundaries on the median beat shown: kept by the correction when one applies, else the ones drawn. */
export function programBoundaries(m: RecordMeasurements): BoundaryIndices | null {
  if (!m.medianBeat) return null;
  return m.correction?.applied && m.correction.automaticFiducials ? m.correction.automaticFiducials : m.medianBeat.fiducials;
}

/** Where an edit starts: the beats and boundaries on screen (the current correction's, or the program's). */
export function startingDraft(m: RecordMeasurements): FiducialDraft {
  const applied = m.correction?.applied === true;
  // Without a median beat there are no boundaries to move, but beats can still be corrected (a missed QRS may be why).
  const none = { pOnset: null, pOffset: null, qrsOnset: null, qrsOffset: null, tEnd: null };
  return {
    at: m.medianBeat ? { ...m.medianBeat.fiducials } : none,
    pAbsent: applied && m.correction?.boundaries.pAbsent === true,
    beats: applied && m.correction ? { added: [...m.correction.beats.added], removed: [...m.correction.beats.removed] } : { added: [], removed: [] },
  };
}

export type BeatMarkState = 'kept' | 'removed' | 'added';

/**
 * The beat markers while editing: the measured beats (kept, or removed by the draft), beats the
 * stored correction removed (still removed unless restored), and the draft's new beats.
 */
export function draftBeats(beats: readonly number[], draft: FiducialDraft, fs: number): { at: number; state: BeatMarkState }[] {
  const near = (a: number, b: number, s: number) => Math.abs(a - b) <= s * fs;
  const marks: { at: number; state: BeatMarkState }[] = beats.map((b) => ({ at: b, state: draft.beats.removed.some((r) => near(r, b, removalToleranceS)) ? 'removed' : 'kept' }));
  for (const r of draft.beats.removed) if (!beats.some((b) => near(r, b, removalToleranceS))) marks.push({ at: r, state: 'removed' });
  for (const a of draft.beats.added) if (!beats.some((b) => near(a, b, sameBeatS))) marks.push({ at: a, state: 'added' });
  return marks.sort((x, y) => x.at - y.at);
}

/** A click on a marker: a kept beat is removed (an added one simply dropped), a removed one restored. */
export function toggleBeat(draft: FiducialDraft, at: number, state: BeatMarkState, fs: number): FiducialDraft {
  const { added, removed } = draft.beats;
  const within = (s: number) => (x: number) => Math.abs(x - at) <= s * fs;
  if (state === 'removed') return { ...draft, beats: { added, removed: removed.filter((r) => !within(removalToleranceS)(r)) } };
  // A beat the reader added (now or in the stored correction) is taken out of the additions, not removed.
  if (added.some(within(sameBeatS))) return { ...draft, beats: { added: added.filter((a) => !within(sameBeatS)(a)), removed } };
  return { ...draft, beats: { added, removed: [...removed, at] } };
}

/** A click in the beat band away from every marker adds a beat there (the engine places it on the QRS nearest). */
export function addBeat(draft: FiducialDraft, at: number, marks: readonly { at: number }[], fs: number, length: number): FiducialDraft {
  const sample = Math.round(at);
  if (sample < 0 || sample >= length || marks.some((m) => Math.abs(m.at - sample) < sameBeatS * fs)) return draft;
  return { ...draft, beats: { added: [...draft.beats.added, sample], removed: draft.beats.removed } };
}

/** The beat edits as sent. */
export function beatsFrom(draft: FiducialDraft): BeatEditsInput {
  return { added: [...draft.beats.added], removed: [...draft.beats.removed] };
}

/** A boundary moved to `index`, kept inside the median beat. */
export function moved(draft: FiducialDraft, name: FiducialName, index: number, beatLength: number): FiducialDraft {
  const at = Math.min(Math.max(0, Math.round(index)), beatLength - 1);
  return { ...draft, at: { ...draft.at, [name]: at } };
}

/** What is sent: each boundary that differs from the program's, in ms from R; `{}` when none does. */
export function correctionFrom(draft: FiducialDraft, program: BoundaryIndices, beat: Pick<MedianBeatView, 'pre'>, fs: number): BoundaryCorrectionInput {
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
export function draftProblem(draft: FiducialDraft): string | null {
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

/** A figure the program gave otherwise: as it is shown, rounded (a difference below the shown digit is none). */
const differsShown = (ours: number | null, program: number | null) => (ours === null) !== (program === null) || (ours !== null && program !== null && Math.round(ours) !== Math.round(program));

/**
 * The correction in one line, for the panel and the printout: who, when, and each figure it
 * changed against the program's. Null without a correction in force.
 */
export function correctionSummary(m: RecordMeasurements): string | null {
  const c: CorrectionView | null | undefined = m.correction;
  if (!c?.applied) return null;
  const rate = differsShown(m.heartRateBpm, c.program.heartRateBpm) ? [`HR ${m.heartRateBpm === null ? '—' : Math.round(m.heartRateBpm)} bpm (program ${c.program.heartRateBpm === null ? '—' : Math.round(c.program.heartRateBpm)} bpm)`] : [];
  const changed = (
    [
      ['PR', m.prMs, c.program.prMs],
      ['QRS', m.qrsMs, c.program.qrsMs],
      ['QT', m.qtMs, c.program.qtMs],
    ] as const
  )
    .filter(([, ours, program]) => differsShown(ours, program))
    .map(([name, ours, program]) => `${name} ${wholeMs(ours)} (program ${wholeMs(program)})`);
  const count = (n: number, what: string) => (n === 0 ? [] : [`${counted(n, 'beat')} ${what}`]);
  const what = [...count(c.beatEdits.removed, 'removed'), ...count(c.beatEdits.added, 'added'), ...(c.boundaries.pAbsent ? ['P wave marked absent'] : []), ...rate, ...changed];
  const when = c.correctedAt.slice(0, 10);
  return `Corrected by ${c.reader} on ${when}${what.length > 0 ? `: ${what.join(', ')}` : ''}${c.note ? ` — ${c.note}` : ''}`;
}

const programText = (program: number | null, unit: string) => `corrected; program ${program === null ? '—' : `${Math.round(program)}${unit === '°' ? '' : ' '}${unit}`}`;

/**
 * A stored correction the program could not take in full (its median beat changed since, or no
 * beat could be measured), in words for the panel and the printout alike: a signed printout must
 * not carry the program's boundaries as if the reader's stood. Beats the reader added or removed
 * may still apply (`applied`); the boundaries did not.
 */
export function unappliedCorrection(m: RecordMeasurements): string | null {
  const c = m.correction;
  if (!c?.notApplied) return null;
  return `The correction ${c.reader} made on ${c.correctedAt.slice(0, 10)} could not be applied in full (${c.notApplied}): the program's boundaries are shown`;
}

/** The program's figure beside a corrected one, for the measurement's detail; '' when it is unchanged. */
export function programDetail(m: RecordMeasurements, field: 'heartRateBpm' | 'prMs' | 'qrsMs' | 'qtMs'): string {
  const c = m.correction;
  if (!c?.applied || !differsShown(m[field], c.program[field])) return '';
  return programText(c.program[field], field === 'heartRateBpm' ? 'bpm' : 'ms');
}

/** The same for the QTc under one formula: it moves with a corrected T end, QRS onset or rate. */
export function programQtcDetail(m: RecordMeasurements, formula: string): string {
  const c = m.correction;
  if (!c?.applied) return '';
  const ours = m.qtc.find((q) => q.formula === formula)?.ms ?? null;
  const program = Object.entries(c.program.qtcMs).find(([name]) => name === formula)?.[1] ?? null;
  return differsShown(ours, program) ? programText(program, 'ms') : '';
}

/** The same for an axis: the P axis follows the P boundaries, the QRS and T axes theirs. */
export function programAxisDetail(m: RecordMeasurements, axis: 'p' | 'qrs' | 't'): string {
  const c = m.correction;
  if (!c?.applied || !differsShown(m.axisDeg[axis], c.program.axisDeg[axis])) return '';
  return programText(c.program.axisDeg[axis], '°');
}
