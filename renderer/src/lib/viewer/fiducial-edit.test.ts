import { describe, expect, it } from 'vitest';
import type { CorrectionView } from '../../../../core/contract/measurement-schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import {
  addBeat,
  beatsFrom,
  correctionFrom,
  correctionSummary,
  draftBeats,
  toggleBeat,
  draftProblem,
  indexToMs,
  moved,
  msToIndex,
  programAxisDetail,
  programBoundaries,
  programDetail,
  programQtcDetail,
  startingDraft,
  unappliedCorrection,
} from './fiducial-edit';
import { computedStatementsPrint, measurementsLine } from './print-summary';

const program = { pOnset: 80, pOffset: 120, qrsOnset: 160, qrsOffset: 205, tEnd: 380 };
const beat = { leads: ['II'], samples: [new Float32Array(500)], pre: 175, beatsUsed: 9, fiducials: program };
const measured: RecordMeasurements = {
  recordId: 1,
  fs: 500,
  heartRateBpm: 70,
  rrMs: { mean: 857, sd: 10 },
  prMs: 160,
  qrsMs: 90,
  qtMs: 440,
  qtc: [{ formula: 'fridericia', ms: 463, text: 'Fridericia: QT / ∛RR' }],
  axisDeg: { p: 48, qrs: 2, t: 40 },
  beats: [],
  medianBeat: beat,
  reasons: {},
  quality: { verdict: 'good', reasons: [], leads: [] },
  pacing: { assessed: true, paced: false, spikes: 0, pacedBeatFraction: 0, reason: '' },
  caveats: {},
  statements: [{ code: 'SR', text: 'Sinus rhythm', category: 'rhythm', criterion: '', source: '', evidence: [] }],
  device: null,
  correction: null,
};
/** The reader moved P onset 20 samples (40 ms) later: PR 200 → 160 ms. */
const correction: CorrectionView = {
  id: 3,
  recordId: 1,
  boundaries: { pOnset: -150 },
  beats: { added: [], removed: [] },
  reader: 'Dr. A. Reader',
  note: 'P starts later in II',
  supersedes: null,
  correctedAt: '2026-12-05T18:00:00.000Z',
  applied: true,
  program: { heartRateBpm: 70, prMs: 240, qrsMs: 90, qtMs: 440, qtcMs: { bazett: 475, fridericia: 463, framingham: 460, hodges: 458 }, axisDeg: { p: 48, qrs: 2, t: 40 } },
  automaticFiducials: { ...program, pOnset: 40 },
  beatEdits: { added: 0, removed: 0, unmatched: 0 },
};
const corrected: RecordMeasurements = { ...measured, correction };

describe('boundary edit', () => {
  it('maps sample indices to ms from R and back', () => {
    expect(indexToMs(175, beat, 500)).toBe(0);
    expect(indexToMs(80, beat, 500)).toBe(-190);
    expect(indexToMs(81, beat, 360)).toBeCloseTo(-261.1, 6);
    for (const i of [0, 81, 175, 499]) expect(msToIndex(indexToMs(i, beat, 360), beat, 360)).toBe(i);
  });

  it("sends only what the reader moved from the program's boundaries", () => {
    const draft = startingDraft(measured);
    expect(correctionFrom(draft, program, beat, 500)).toEqual({});
    const later = moved(draft, 'pOnset', 100, 500);
    expect(correctionFrom(later, program, beat, 500)).toEqual({ pOnset: -150 });
    expect(correctionFrom({ ...later, pAbsent: true }, program, beat, 500)).toEqual({ pAbsent: true });
    // Kept inside the beat, whole samples.
    expect(moved(draft, 'tEnd', 812.6, 500).at.tEnd).toBe(499);
    expect(moved(draft, 'pOnset', -3, 500).at.pOnset).toBe(0);
  });

  it("under a correction, starts from the reader's boundaries and compares with the program's", () => {
    const onScreen: RecordMeasurements = { ...corrected, medianBeat: { ...beat, fiducials: { ...program, pOnset: 100 } } };
    expect(programBoundaries(onScreen)).toEqual({ ...program, pOnset: 40 });
    const draft = startingDraft(onScreen);
    // Moving T end keeps the reader's earlier P onset in the new correction.
    expect(correctionFrom(moved(draft, 'tEnd', 390, 500), programBoundaries(onScreen) ?? program, beat, 500)).toEqual({ pOnset: -150, tEnd: 430 });
  });

  it('finds boundaries out of order before the engine does', () => {
    const draft = startingDraft(measured);
    expect(draftProblem(draft)).toBeNull();
    expect(draftProblem(moved(draft, 'pOffset', 170, 500))).toBe('P offset must not come after QRS onset');
    expect(draftProblem({ ...moved(draft, 'pOffset', 170, 500), pAbsent: true })).toBeNull();
    expect(draftProblem(moved(draft, 'qrsOffset', 160, 500))).toBe('QRS onset must come before QRS offset');
    expect(draftProblem(moved(draft, 'tEnd', 200, 500))).toBe('QRS offset must come before T end');
  });

  it('says who corrected what, on screen and on paper', () => {
    expect(correctionSummary(measured)).toBeNull();
    expect(correctionSummary(corrected)).toBe('Corrected by Dr. A. Reader on 2026-12-05: PR 160 ms (program 240 ms) — P starts later in II');
    expect(programDetail(corrected, 'prMs')).toBe('corrected; program 240 ms');
    expect(programDetail(corrected, 'qtMs')).toBe('');
    expect(correctionSummary({ ...corrected, prMs: null, correction: { ...correction, boundaries: { pAbsent: true } } })).toMatch(/: P wave marked absent, PR — \(program 240 ms\)/);
    expect(measurementsLine(corrected, 'fridericia', 'F')).toMatch(/ · PR 160 ms \(corrected; program 240 ms\) · QRS 90 ms · QT 440 ms · .* · Corrected by Dr\. A\. Reader on 2026-12-05: PR 160 ms \(program 240 ms\) — P starts later in II$/);
    expect(computedStatementsPrint(corrected)?.statements).toMatch(/^Computed statements \(rule-based, from the reader’s corrected beats and boundaries, to be confirmed/);
    // Taken back, or not applicable: the program's figures, said as such.
    const back = { ...measured, correction: { ...correction, boundaries: {}, applied: false } };
    expect([correctionSummary(back), programDetail(back, 'prMs')]).toEqual([null, '']);
    expect(measurementsLine(back, 'fridericia', 'F')).not.toMatch(/corrected/);
  });

  it('marks a QTc and an axis the correction moved with the program’s, on screen and on paper', () => {
    const moved: RecordMeasurements = { ...corrected, qtMs: 450, qtc: [{ formula: 'fridericia', ms: 473.4, text: 'Fridericia: QT / ∛RR' }], axisDeg: { p: 61, qrs: 2, t: 40 } };
    expect(programQtcDetail(moved, 'fridericia')).toBe('corrected; program 463 ms');
    expect(programQtcDetail(corrected, 'fridericia')).toBe('');
    expect(programQtcDetail(moved, 'unknown')).toBe('');
    expect(programAxisDetail(moved, 'p')).toBe('corrected; program 48°');
    expect([programAxisDetail(moved, 'qrs'), programAxisDetail(moved, 't'), programAxisDetail(measured, 'p')]).toEqual(['', '', '']);
    expect(measurementsLine(moved, 'fridericia', 'F')).toMatch(/ · QTc 473 ms \(Fridericia; .*; corrected; program 463 ms\) · Axes P\/QRS\/T 61° \/ 2° \/ 40° \(corrected; program P 48°\) · /);
  });

  it('says on paper, as on screen, when a stored correction could not be applied in full', () => {
    const notApplied = 'P onset at -400 ms from R lies outside the median beat (-300 to 500 ms)';
    const boundariesOnly = { ...measured, correction: { ...correction, applied: false, notApplied } };
    const caution = `Caution: The correction Dr. A. Reader made on 2026-12-05 could not be applied in full (${notApplied}): the program's boundaries are shown`;
    expect(unappliedCorrection(boundariesOnly)).toBe(caution.slice('Caution: '.length));
    expect(measurementsLine(boundariesOnly, 'fridericia', 'F').endsWith(caution)).toBe(true);
    // The beats the reader removed still apply; the boundaries did not, and the page says so.
    const beatsApplied = { ...measured, correction: { ...correction, applied: true, notApplied, beatEdits: { added: 0, removed: 1, unmatched: 0 } } };
    expect(measurementsLine(beatsApplied, 'fridericia', 'F')).toContain(caution);
    expect([unappliedCorrection(corrected), unappliedCorrection(measured)]).toEqual([null, null]);
  });

  it('removes, restores and adds beats, and takes back a beat the reader added instead of removing it', () => {
    const onScreen = { ...measured, beats: [400, 800, 1200, 1600] };
    let draft = startingDraft(onScreen);
    expect(draftBeats(onScreen.beats, draft, 500).map((b) => b.state)).toEqual(['kept', 'kept', 'kept', 'kept']);
    draft = toggleBeat(draft, 800, 'kept', 500);
    expect(draftBeats(onScreen.beats, draft, 500).map((b) => `${b.at}:${b.state}`)).toEqual(['400:kept', '800:removed', '1200:kept', '1600:kept']);
    // Within 150 ms of a marker the click is on that beat; elsewhere in the band it adds one.
    expect(addBeat(draft, 1250, draftBeats(onScreen.beats, draft, 500), 500, 5000)).toBe(draft);
    draft = addBeat(draft, 2000.4, draftBeats(onScreen.beats, draft, 500), 500, 5000);
    expect(draftBeats(onScreen.beats, draft, 500).at(-1)).toEqual({ at: 2000, state: 'added' });
    expect(addBeat(draft, 5000, [], 500, 5000)).toBe(draft);
    expect(beatsFrom(draft)).toEqual({ added: [2000], removed: [800] });
    draft = toggleBeat(toggleBeat(draft, 800, 'removed', 500), 2000, 'added', 500);
    expect(beatsFrom(draft)).toEqual({ added: [], removed: [] });

    // Under a stored correction: its removed beats show as removed, its added beat (now measured, re-timed) is taken back, not removed.
    const stored: RecordMeasurements = { ...onScreen, beats: [400, 1205, 1600, 2010], correction: { ...correction, beats: { added: [2000], removed: [800] }, beatEdits: { added: 1, removed: 1, unmatched: 0 } } };
    draft = startingDraft(stored);
    expect(draftBeats(stored.beats, draft, 500).map((b) => `${b.at}:${b.state}`)).toEqual(['400:kept', '800:removed', '1205:kept', '1600:kept', '2010:kept']);
    expect(beatsFrom(toggleBeat(draft, 2010, 'kept', 500))).toEqual({ added: [], removed: [800] });
    expect(correctionSummary({ ...stored, heartRateBpm: 60 })).toBe('Corrected by Dr. A. Reader on 2026-12-05: 1 beat removed, 1 beat added, HR 60 bpm (program 70 bpm), PR 160 ms (program 240 ms) — P starts later in II');
    expect(programDetail({ ...stored, heartRateBpm: 60 }, 'heartRateBpm')).toBe('corrected; program 70 bpm');
  });
});
